"""Odd and hostile input found in review: each gives a clean error or a sound document."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from tests.conftest import EXAMPLES, MINIMAL, ROOT, Run, docx_text, outputs, pdf_text

Write = Callable[[str, str], Path]


def clean_failure(run: Run) -> str:
    assert run.exit_code == 1, run.stdout + run.stderr
    assert run.exception is None
    assert "Traceback" not in run.stderr and "please report" not in run.stderr
    return run.stderr


def test_a_long_title_still_gives_both_files(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    title = "Solidarity " * 40  # 440 characters: more than Word's 255 for a property
    source = write("motion.yaml", MINIMAL.replace("Solidarity with the oil workers", title))
    run = cli("build", source, "-o", tmp_path / "out")
    assert run.exit_code == 0, run.stderr
    props = docx.Document(str(tmp_path / "out" / "motion.docx")).core_properties
    assert len(props.title) == 255 and props.title.endswith("…")
    meta = PdfReader(tmp_path / "out" / "motion.pdf").metadata
    assert meta is not None and meta.title == title.strip()


def test_a_title_longer_than_any_motion_is_refused(cli: Callable[..., Run], write: Write) -> None:
    source = write("motion.yaml", MINIMAL.replace("Solidarity with the oil workers", "x" * 600))
    stderr = clean_failure(cli("check", source))
    assert re.search(r"motion\.yaml:2: title: is longer than the 500 characters", stderr)


def test_noncharacters_and_direction_overrides_are_removed(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    title = "A\\uFFFFB \\u202Eevil\\u202C"
    source = write("motion.yaml", MINIMAL.replace("Solidarity with the oil workers", f'"{title}"'))
    run = cli("build", source, "-o", tmp_path / "out")
    assert run.exit_code == 0, run.stderr
    for text in (
        pdf_text(tmp_path / "out" / "motion.pdf"),
        docx_text(tmp_path / "out" / "motion.docx"),
    ):
        assert "AB evil" in text
        assert "\u202e" not in text and "\uffff" not in text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"junk" * 20, "not a readable PNG or JPEG"),
        (b"GIF89a" + b"\x00" * 40, "not a readable PNG or JPEG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not a readable PNG or JPEG"),
    ],
)
def test_a_broken_logo_is_reported_at_its_line_in_the_campaign_file(
    cli: Callable[..., Run], write: Write, tmp_path: Path, content: bytes, message: str
) -> None:
    write("campaign.yaml", "name: Campaign\nlogo: logo.png\n")
    (tmp_path / "logo.png").write_bytes(content)
    source = write("motion.yaml", MINIMAL + "campaign: campaign.yaml\n")
    stderr = clean_failure(cli("build", source, "-o", tmp_path / "out"))
    assert f"{tmp_path / 'campaign.yaml'}:2: logo: 'logo.png' is" in stderr
    assert message in stderr
    assert not (tmp_path / "out").exists() or not outputs(tmp_path / "out")


def test_a_huge_logo_is_refused(cli: Callable[..., Run], write: Write, tmp_path: Path) -> None:
    from PIL import Image

    Image.new("1", (5000, 5000)).save(tmp_path / "logo.png")
    write("campaign.yaml", "name: Campaign\nlogo: logo.png\n")
    source = write("motion.yaml", MINIMAL + "campaign: campaign.yaml\n")
    stderr = clean_failure(cli("check", source))
    assert "5000×5000 pixels" in stderr


@pytest.mark.parametrize("target", ["/dev/zero", "/etc/passwd", "pipe.yaml", "folder.yaml"])
def test_the_campaign_must_be_a_yaml_file(
    cli: Callable[..., Run], write: Write, tmp_path: Path, target: str
) -> None:
    if target == "pipe.yaml":
        os.mkfifo(tmp_path / target)
    if target == "folder.yaml":
        (tmp_path / target).mkdir()
    source = write("motion.yaml", MINIMAL + f"campaign: {target}\n")
    stderr = clean_failure(cli("check", source))
    assert re.search(r"motion\.yaml:\d+: campaign: ", stderr), stderr


def test_a_template_cannot_attach_files_from_the_documents_folder(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    folder = tmp_path / "shared-template"
    shutil.copytree(ROOT / "templates" / "resolution", folder)
    html = folder / "document.html.j2"
    html.write_text(
        html.read_text().replace(
            "<head>", '<head><link rel="attachment" href="../private/secret.txt">'
        )
    )
    write("private/secret.txt", "the branch's bank details")
    source = write(
        "motion.yaml", MINIMAL.replace("template: resolution", "template: ./shared-template")
    )
    stderr = clean_failure(cli("build", source, "-o", tmp_path / "out", "-f", "pdf"))
    assert "refused to load" in stderr and "secret.txt" in stderr
    assert not (tmp_path / "out" / "motion.pdf").exists()


def test_an_ordinary_folder_named_like_a_template_does_not_hide_it(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    (tmp_path / "resolution").mkdir()
    source = write("motion.yaml", MINIMAL)
    run = cli("check", source)
    assert run.exit_code == 0, run.stderr


def test_empty_optional_fields_mean_left_out(cli: Callable[..., Run], write: Write) -> None:
    source = write(
        "motion.yaml",
        "template: resolution\ntitle: T\nbranch:\nnotes:\nbelieves:\nsend_to:\nintro:\n"
        "resolves:\n  - Act.\n",
    )
    run = cli("check", source)
    assert run.exit_code == 0, run.stderr


def test_a_campaign_of_the_wrong_shape_names_only_real_fields(
    cli: Callable[..., Run], write: Write
) -> None:
    source = write("motion.yaml", MINIMAL + "campaign: [a]\n")
    stderr = clean_failure(cli("check", source))
    assert re.search(r"motion\.yaml:\d+: campaign: should be a group", stderr), stderr
    assert "inline" not in stderr


def test_an_output_folder_that_cannot_exist_is_bad_usage(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    (tmp_path / "afile").write_text("x")
    run = cli("build", write("motion.yaml", MINIMAL), "-o", tmp_path / "afile" / "sub")
    assert run.exit_code == 2
    assert "Traceback" not in run.stderr


def test_a_bad_source_date_epoch_is_reported(
    cli: Callable[..., Run], write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999999")
    stderr = clean_failure(cli("build", write("motion.yaml", MINIMAL), "-o", tmp_path / "out"))
    assert "SOURCE_DATE_EPOCH" in stderr


def test_a_broken_campaign_file_in_a_folder_is_not_taken_for_a_document(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    folder = tmp_path / "campaign"
    shutil.copytree(EXAMPLES / "zhanaozen", folder)
    (folder / "campaign.yaml").write_text("name: [unclosed\n")
    run = cli("build", folder, "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 1
    documents = len([p for p in folder.rglob("*.yaml") if p.name != "campaign.yaml"])
    assert f"from {documents} documents: 0 built, 0 up to date, {documents} failed" in run.stderr
    # Reported once per document that uses it, never as a document of its own.
    assert run.stderr.count(f"{folder / 'campaign.yaml'}:2: not valid YAML") == documents


def test_the_same_file_twice_is_built_once(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    source = write("motion.yaml", MINIMAL)
    run = cli("build", source, source, "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 0
    assert outputs(tmp_path / "out") == ["motion.pdf"]


def test_pathological_markdown_is_capped(cli: Callable[..., Run], write: Write) -> None:
    source = write("motion.yaml", MINIMAL.replace("To write to the embassy.", repr("*a" * 3000)))
    stderr = clean_failure(cli("check", source))
    assert "resolves.0: is longer than the 5000 characters allowed" in stderr


@pytest.mark.parametrize(
    ("file_name", "output"),
    [
        ("CON.yaml", "CON-document"),
        ("com1.yaml", "com1-document"),
        ("..yaml", "document"),
        ("motion <draft>: v2.yaml", "motion-draft-v2"),
        ("Резолюция Жаңаөзен.yaml", "Резолюция-Жаңаөзен"),
        (("x" * 150) + ".yaml", "x" * 100),
    ],
)
def test_output_names_are_safe_everywhere(
    cli: Callable[..., Run], write: Write, tmp_path: Path, file_name: str, output: str
) -> None:
    source = write(file_name, MINIMAL)
    run = cli("build", source, "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 0, run.stderr
    assert outputs(tmp_path / "out") == [f"{output}.pdf"]


def test_names_differing_only_in_case_do_not_overwrite(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    first = write("a/Motion.yaml", MINIMAL)
    second = write("b/motion.yaml", MINIMAL)
    run = cli("build", first, second, "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 0
    assert outputs(tmp_path / "out") == ["Motion.pdf", "motion-2.pdf"]


def test_an_interrupted_write_leaves_the_old_file_and_no_scraps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit import output

    target = tmp_path / "motion.pdf"
    target.write_bytes(b"the good copy")

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.write_atomically(target, b"half a new copy")
    assert target.read_bytes() == b"the good copy"
    assert [p.name for p in tmp_path.iterdir()] == ["motion.pdf"]
