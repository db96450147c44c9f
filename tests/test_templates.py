"""Template folders: local ones work, and a template can never escape the sandbox."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, ROOT, Run, docx_text, pdf_text, squash


def _copy_builtin(tmp_path: Path) -> Path:
    folder = tmp_path / "my-template"
    shutil.copytree(ROOT / "templates" / "resolution", folder)
    return folder


def test_a_local_template_folder_is_used(
    cli: Callable[..., Run], write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    folder = _copy_builtin(tmp_path)
    html = folder / "document.html.j2"
    html.write_text(
        html.read_text().replace("<h1>{{ title }}</h1>", "<h1>Branch copy: {{ title }}</h1>")
    )
    source = write(
        "motion.yaml", MINIMAL.replace("template: resolution", "template: ./my-template")
    )
    run = cli("build", source, "-o", tmp_path / "out")
    assert run.exit_code == 0, run.stderr
    pdf = squash(pdf_text(tmp_path / "out" / "motion.pdf"))
    assert "Branch copy: Solidarity with the oil workers" in pdf
    assert "Solidarity with the oil workers" in docx_text(tmp_path / "out" / "motion.docx")


@pytest.mark.parametrize(
    "expression",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ title.__class__ }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ self.__init__.__globals__ }}",
        "{{ lipsum.__globals__ }}",
        "{{ campaign.logo.path() }}",
        "{{ unknown_name }}",
        "{% include '/etc/passwd' %}",
        "{% include '../../../../../../etc/passwd' %}",
    ],
)
def test_a_template_that_reaches_outside_fails_cleanly(
    cli: Callable[..., Run],
    write: Callable[[str, str], Path],
    tmp_path: Path,
    expression: str,
) -> None:
    folder = _copy_builtin(tmp_path)
    html = folder / "document.html.j2"
    lines = html.read_text().splitlines()
    body = next(i for i, line in enumerate(lines) if line.startswith("<body>"))
    lines.insert(body + 1, expression)
    html.write_text("\n".join(lines) + "\n")
    write("logo.png", "")
    source = write("motion.yaml", MINIMAL.replace("template: resolution", "template: my-template"))
    run = cli("build", source, "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 1
    assert run.exception is None
    assert "Traceback" not in run.stderr
    assert f"document.html.j2:{body + 2}:" in run.stderr, run.stderr
    assert "root:" not in run.stderr
    assert not (tmp_path / "out" / "motion.pdf").exists()


def test_a_stylesheet_outside_the_folder_is_refused(
    cli: Callable[..., Run], write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    folder = _copy_builtin(tmp_path)
    html = folder / "document.html.j2"
    html.write_text(
        html.read_text().replace(
            '<link rel="stylesheet" href="style.css">',
            '<link rel="stylesheet" href="file:///etc/passwd"><img src="https://example.org/x.png">',
        )
    )
    source = write("motion.yaml", MINIMAL.replace("template: resolution", "template: my-template"))
    run = cli("build", source, "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 1
    assert "refused to load file:///etc/passwd" in run.stderr
    assert "https://example.org/x.png" in run.stderr
    assert not (tmp_path / "out" / "motion.pdf").exists()


def test_a_docx_template_is_sandboxed_too(
    cli: Callable[..., Run], write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    import docx

    folder = _copy_builtin(tmp_path)
    document = docx.Document(str(folder / "document.docx"))
    document.add_paragraph("{{ title.__class__.__mro__ }}")
    document.save(str(folder / "document.docx"))
    source = write("motion.yaml", MINIMAL.replace("template: resolution", "template: my-template"))
    run = cli("build", source, "-o", tmp_path / "out", "-f", "docx")
    assert run.exit_code == 1
    assert "document.docx" in run.stderr and "unsafe" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (tmp_path / "out" / "motion.docx").exists()


def test_a_folder_without_manifest_is_not_a_template(
    cli: Callable[..., Run], write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    (tmp_path / "empty").mkdir()
    source = write("motion.yaml", MINIMAL.replace("template: resolution", "template: ./empty"))
    run = cli("check", source)
    assert run.exit_code == 1
    assert "motion.yaml:1: template: not a template folder: it has no manifest.yaml" in run.stderr
