"""The files open in the programs people use: qpdf checks every PDF, LibreOffice every DOCX."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import EXAMPLE_DOCUMENTS, Run, pdf_text, squash

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def built(example_outputs: Path) -> Path:
    return example_outputs


def _outputs(built: Path, suffix: str) -> list[Path]:
    found = sorted(built.rglob(f"*{suffix}"))
    assert len(found) == len(EXAMPLE_DOCUMENTS)
    return found


@pytest.mark.skipif(not shutil.which("qpdf"), reason="qpdf is not installed (apt install qpdf)")
def test_qpdf_finds_every_example_pdf_sound(built: Path) -> None:
    for pdf in _outputs(built, ".pdf"):
        result = subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "No syntax or stream encoding errors" in result.stdout


@pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (apt install libreoffice-writer-nogui)"
)
def test_libreoffice_opens_every_example_docx(
    built: Path, tmp_path: Path, cli: Callable[..., Run]
) -> None:
    assert SOFFICE is not None
    # One LibreOffice for every file (each under its own name: stems repeat across folders).
    originals = _outputs(built, ".docx")
    copies = []
    for number, docx_file in enumerate(originals):
        copy = tmp_path / "in" / f"{number:02d}-{docx_file.name}"
        copy.parent.mkdir(exist_ok=True)
        shutil.copy(docx_file, copy)
        copies.append(copy)
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path / "out"), *map(str, copies)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    for docx_file, copy in zip(originals, copies, strict=True):
        converted = tmp_path / "out" / f"{copy.stem}.pdf"
        assert converted.exists(), result.stdout + result.stderr
        ours = len(PdfReader(docx_file.with_suffix(".pdf")).pages)
        theirs = len(PdfReader(converted).pages)
        assert abs(ours - theirs) <= 1, (
            f"{docx_file.name}: {theirs} pages in LibreOffice, {ours} ours"
        )
        title = PdfReader(docx_file.with_suffix(".pdf")).metadata.title  # type: ignore[union-attr]
        assert title and squash(title) in squash(pdf_text(converted))
