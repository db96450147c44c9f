"""The files open in the programs people use: qpdf checks every PDF, LibreOffice every DOCX."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.conftest import EXAMPLES, Run, pdf_text, squash
from tests.test_build import EXAMPLE_DOCUMENTS

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import run_cli

    out = tmp_path_factory.mktemp("examples")
    run: Run = run_cli("build", EXAMPLES, "-o", out)
    assert run.exit_code == 0, run.stderr
    return out


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
    for docx_file in _outputs(built, ".docx"):
        target = tmp_path / docx_file.parent.name
        result = subprocess.run(
            [
                SOFFICE,
                f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(target),
                str(docx_file),
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
        converted = target / f"{docx_file.stem}.pdf"
        assert result.returncode == 0 and converted.exists(), result.stdout + result.stderr
        ours = len(PdfReader(docx_file.with_suffix(".pdf")).pages)
        theirs = len(PdfReader(converted).pages)
        assert abs(ours - theirs) <= 1, (
            f"{docx_file.name}: {theirs} pages in LibreOffice, {ours} ours"
        )
        title = PdfReader(docx_file.with_suffix(".pdf")).metadata.title  # type: ignore[union-attr]
        assert title and squash(title) in squash(pdf_text(converted))
