"""A branch secretary's story: build a resolution and find every word in the PDF and the DOCX."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.text import WD_COLOR_INDEX
from pypdf import PdfReader

from tests.conftest import (
    EXAMPLE_DOCUMENTS,
    EXAMPLES,
    MINIMAL,
    Run,
    document_lines,
    docx_text,
    example_output,
    pdf_text,
    squash,
)
from toolkit import api, kinds
from toolkit.kinds.amendment import Amendment
from toolkit.kinds.leaflet import Leaflet
from toolkit.kinds.letter import Letter
from toolkit.kinds.resolution import Resolution
from toolkit.kinds.sign_on_sheet import SignOnSheet
from toolkit.markdown import block_tokens, to_plain

A4 = (595.28, 841.89)


def build(cli: Callable[..., Run], source: Path, out: Path, *extra: str) -> Run:
    run = cli("build", source, "-o", out, *extra)
    assert run.exception is None, run.exception
    return run


@pytest.mark.parametrize(
    "source", EXAMPLE_DOCUMENTS, ids=lambda p: str(p.relative_to(EXAMPLES).with_suffix(""))
)
def test_every_example_prints_the_same_words_in_pdf_and_docx(
    example_outputs: Path, source: Path
) -> None:
    from toolkit.build import context_of

    pdf = example_output(example_outputs, source, ".pdf")
    word = example_output(example_outputs, source, ".docx")
    document = api.load(source)
    context = context_of(document)
    expected = _words_every_format_prints(document.model, context.values)
    # Templates may set labels in capitals with CSS or Word's all-caps: compare casefolded.
    pdf_words = squash(pdf_text(pdf)).casefold()
    docx_words = squash(docx_text(word)).casefold()
    for text in expected:
        assert squash(text).casefold() in pdf_words, f"PDF lacks {text!r}"
        assert squash(text).casefold() in docx_words, f"DOCX lacks {text!r}"


def _words_every_format_prints(model: object, values: dict[str, Any]) -> list[str]:
    """The title, fixed words and every item a document of this kind must show."""
    labels = values["labels"]
    if isinstance(model, Resolution):
        words = [model.title, *values["signatures"], labels["resolution"]]
        for section in values["sections"]:
            words += [section["heading"], *(to_plain(point) for point in section["points"])]
        return words + [recipient.name for recipient in model.send_to]
    if isinstance(model, Amendment):
        words = [values["title"], labels["amendment"], model.moved_by]
        for change in values["changes"]:
            words += [change["text"], *(to_plain(point) for point in change["points"])]
        return words
    if isinstance(model, Letter):
        words = [model.subject, values["closing"], labels["open_letter"]]
        words += [values["signatory_count_text"], values["date"]]
        words += [to_plain(t.content) for t in block_tokens(model.body) if t.type == "inline"]
        for group in values["signatory_groups"]:
            words += [group["heading"]] + [person["line"] for person in group["people"]]
        return words
    if isinstance(model, Leaflet):
        words = [model.headline, model.subheading or "", model.organisers or ""]
        for event in values["events"]:
            words += [v for v in event.values() if v]
        words += [s["name"] for s in values["speakers"]]
        words += [to_plain(t.content) for t in block_tokens(model.body or "") if t.type == "inline"]
        return [w for w in words if w]
    assert isinstance(model, SignOnSheet)
    return [values["subject"], to_plain(values["summary"]), *values["columns"]]


MOTION = EXAMPLES / "zhanaozen" / "model-resolution.yaml"


def test_example_pdf_is_a4_with_metadata(example_outputs: Path) -> None:
    reader = PdfReader(example_output(example_outputs, MOTION, ".pdf"))
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width, 1), round(height, 1)) == (round(A4[0], 1), round(A4[1], 1))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Justice for the Zhanaozen oil workers"
    assert meta.author == "Justice for Kazakhstan Oil Workers"
    assert reader.trailer["/Root"]["/Lang"] == "en"
    # The 270-word example fits its page (tests/test_motions.py checks the page-2 header of
    # longer motions); the DOCX header carries the title for the pages after the first.
    assert len(reader.pages) == 1
    header = docx.Document(str(example_output(example_outputs, MOTION, ".docx"))).sections[0].header
    assert header.paragraphs[0].text == meta.title


def test_source_date_epoch_fixes_creation_dates(
    cli: Callable[..., Run],
    write: Callable[[str, str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1386806400")  # 2013-12-12 00:00 UTC
    source = write("motion.yaml", MINIMAL)
    assert build(cli, source, tmp_path / "out").exit_code == 0
    meta = PdfReader(tmp_path / "out" / "motion.pdf").metadata
    assert meta is not None and meta.creation_date is not None
    assert meta.creation_date.isoformat().startswith("2013-12-12T00:00:00")
    props = docx.Document(str(tmp_path / "out" / "motion.docx")).core_properties
    assert props.created is not None and props.created.isoformat().startswith("2013-12-12")
    assert props.title == "Solidarity with the oil workers"
    assert props.language == "en"
    assert props.author == "Offshore Energy Branch"


def _numbering(paragraphs: list[object]) -> list[tuple[str, str]]:
    result = []
    for paragraph in paragraphs:
        ppr = paragraph._p.pPr  # type: ignore[attr-defined]
        if ppr is not None and ppr.numPr is not None and ppr.numPr.numId is not None:
            result.append((str(ppr.numPr.numId.val), paragraph.text))  # type: ignore[attr-defined]
    return result


def test_items_are_word_lists_restarting_in_each_section(example_outputs: Path) -> None:
    document = docx.Document(str(example_output(example_outputs, MOTION, ".docx")))
    numbered = _numbering(document.paragraphs)
    model = api.load(MOTION).model
    assert isinstance(model, Resolution)
    assert len(numbered) == len(model.notes) + len(model.believes) + len(model.resolves)
    num_ids = [num_id for num_id, _ in numbered]
    sections = [len(model.notes), len(model.believes), len(model.resolves)]
    groups, start = [], 0
    for size in sections:
        groups.append(set(num_ids[start : start + size]))
        start += size
    assert all(len(group) == 1 for group in groups), "one list per section"
    assert len(set.union(*groups)) == 3, "each section is its own list"
    numbering = document.part.numbering_part.element
    for group in groups:
        num = numbering.num_having_numId(int(next(iter(group))))
        overrides = num.xpath("./w:lvlOverride/w:startOverride/@w:val")
        assert overrides == ["1"], "numbering restarts at 1"


def test_pdf_numbers_each_section_from_one(example_outputs: Path) -> None:
    text = pdf_text(example_output(example_outputs, MOTION, ".pdf"), layout=True).upper()
    believes = text[text.index("THIS BRANCH BELIEVES") : text.index("THIS BRANCH RESOLVES")]
    resolves = text[text.index("THIS BRANCH RESOLVES") : text.index("WORDS ALLOWED")]
    assert re.search(r"(^|\n)\s*1\.\s", believes) and re.search(r"\n\s*3\.\s", believes)
    assert re.search(r"\n\s*1\.\s", resolves) and re.search(r"\n\s*4\.\s", resolves)
    assert not re.search(r"\n\s*5\.\s", resolves)


def test_branch_left_out_prints_fill_in_blanks_and_is_reported(
    cli: Callable[..., Run], write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    source = write(
        "motion.yaml",
        """
        template: resolution
        title: Free Roza Tuletaeva
        resolves:
          - To write to the embassy.
        """,
    )
    run = build(cli, source, tmp_path / "out")
    assert run.exit_code == 0
    for field in ("branch.name", "branch.union", "branch.meeting_date"):
        assert re.search(rf"motion\.yaml:\d+: {re.escape(field)}: warning: .*fill-in", run.stderr)
    pdf = pdf_text(tmp_path / "out" / "motion.pdf")
    assert len(re.findall(r"_{12,}", pdf)) >= 3
    document = docx.Document(str(tmp_path / "out" / "motion.docx"))
    blanks = [
        run
        for table in document.tables
        for row in table.rows
        for cell in row.cells
        for paragraph in cell.paragraphs
        for run in paragraph.runs
        if re.fullmatch(r"_{12,}", run.text)
    ]
    assert len(blanks) == 3
    assert all(run.font.highlight_color == WD_COLOR_INDEX.YELLOW for run in blanks)


def test_given_branch_prints_instead_of_blanks(
    cli: Callable[..., Run], write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    run = build(cli, write("motion.yaml", MINIMAL), tmp_path / "out")
    assert run.exit_code == 0 and "warning" not in document_lines(run.stderr)
    for text in (
        pdf_text(tmp_path / "out" / "motion.pdf"),
        docx_text(tmp_path / "out" / "motion.docx"),
    ):
        assert "Offshore Energy Branch" in text
        assert "RMT" in text
        assert "10 December 2013" in text
        assert "____________" not in text


HOSTILE_TITLE = "Rates & <b>pay</b> \"now\" 'today' {{ 7*7 }} {% if x %}"


def test_special_characters_and_cyrillic_print_as_written(
    cli: Callable[..., Run], write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    source = write(
        "motion.yaml",
        f"""
        template: resolution
        title: '{HOSTILE_TITLE.replace("'", "''")}'
        branch:
          name: Профсоюз «Защита» & <select>
          union: Қазақстан мұнайшылары
        notes:
          - "Kazakh letters: ә ғ қ ң ө ұ ү һ і; Ukrainian: ї є ґ; <script>alert(1)</script>"
        resolves:
          - "{{{{ branch.name }}}} and {{% raw %}} stay text"
        """,
    )
    run = build(cli, source, tmp_path / "out")
    assert run.exit_code == 0, run.stderr
    for text in (
        pdf_text(tmp_path / "out" / "motion.pdf"),
        docx_text(tmp_path / "out" / "motion.docx"),
    ):
        flat = squash(text)
        assert squash(HOSTILE_TITLE) in flat
        assert "Профсоюз «Защита» & <select>" in flat
        assert "Қазақстан мұнайшылары" in flat
        assert "ә ғ қ ң ө ұ ү һ і" in flat
        assert "<script>alert(1)</script>" in flat
        assert "{{ branch.name }} and {% raw %} stay text" in flat
        assert "49" not in flat


def test_markdown_becomes_real_formatting_in_docx_and_pdf(
    cli: Callable[..., Run], write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    source = write(
        "motion.yaml",
        """
        template: resolution
        title: Markdown motion
        intro: |
          Read **the report** by *Human Rights Watch* at [the campaign page](https://example.org/zhanaozen).

          A second paragraph.
        resolves:
          - |
            To ask for:

            - an inquiry
            - the release of prisoners
        """,
    )
    assert build(cli, source, tmp_path / "out").exit_code == 0
    document = docx.Document(str(tmp_path / "out" / "motion.docx"))
    runs = [run for paragraph in document.paragraphs for run in paragraph.runs]
    assert any(run.text == "the report" and run.bold for run in runs)
    assert any(run.text == "Human Rights Watch" and run.italic for run in runs)
    assert not any("**" in run.text or "*Human" in run.text for run in runs)
    hyperlinks = document.element.body.xpath(".//w:hyperlink")
    assert len(hyperlinks) == 1
    rel_id = hyperlinks[0].get(
        "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    )
    assert document.part.rels[rel_id].target_ref == "https://example.org/zhanaozen"
    assert "the campaign page" in "".join(hyperlinks[0].itertext())
    bullets = [p.text for p in document.paragraphs if p.style.name.startswith("List Bullet")]
    assert bullets == ["an inquiry", "the release of prisoners"]
    assert "A second paragraph." in [p.text for p in document.paragraphs]

    reader = PdfReader(tmp_path / "out" / "motion.pdf")
    uris = [
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots", [])
        if "/A" in annotation.get_object()
    ]
    assert "https://example.org/zhanaozen" in uris
    text = pdf_text(tmp_path / "out" / "motion.pdf")
    assert "**" not in text and "[the campaign page]" not in text


def test_raw_html_in_markdown_is_printed_not_obeyed(
    cli: Callable[..., Run], write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    source = write(
        "motion.yaml",
        """
        template: resolution
        title: HTML motion
        intro: <img src="file:///etc/passwd"> and ![x](file:///etc/hostname)
        resolves:
          - "[click](javascript:alert(1))"
        """,
    )
    run = build(cli, source, tmp_path / "out")
    assert run.exit_code == 0, run.stderr
    text = squash(pdf_text(tmp_path / "out" / "motion.pdf"))
    assert '<img src="file:///etc/passwd">' in text
    assert "javascript:alert(1)" in text  # printed, not linked
    assert b"/URI (javascript" not in (tmp_path / "out" / "motion.pdf").read_bytes()


def test_campaign_file_supplies_name_colour_and_logo(
    cli: Callable[..., Run], example_campaign: Path, tmp_path: Path
) -> None:
    source = example_campaign / "model-resolution.yaml"
    (example_campaign / "campaign.yaml").write_text(
        "name: Kazakh Solidarity Network\ncolour: '#0a5c36'\nlogo: logo.png\n"
        "website: https://example.org/kz\n",
        encoding="utf-8",
    )
    assert build(cli, source, tmp_path / "out").exit_code == 0
    pdf_path, docx_path = (
        tmp_path / "out" / "model-resolution.pdf",
        tmp_path / "out" / "model-resolution.docx",
    )
    assert "Kazakh Solidarity Network" in pdf_text(pdf_path)
    assert "example.org/kz" in pdf_text(pdf_path)
    document = docx.Document(str(docx_path))
    assert "Kazakh Solidarity Network" in docx_text(docx_path)
    assert str(document.styles["Heading 2"].font.color.rgb) == "0A5C36"
    assert len(document.inline_shapes) == 1, "the logo is in the DOCX"
    reader = PdfReader(pdf_path)
    assert any(reader.pages[0].images), "the logo is in the PDF"


def test_document_values_win_over_the_campaign_file(
    cli: Callable[..., Run], write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    write("campaign.yaml", "name: Campaign From File\nemail: file@example.org\n")
    source = write(
        "motion.yaml",
        MINIMAL + "campaign:\n  file: campaign.yaml\n  name: Name In Document\n",
    )
    assert build(cli, source, tmp_path / "out").exit_code == 0
    text = pdf_text(tmp_path / "out" / "motion.pdf")
    assert "Name In Document" in text and "Campaign From File" not in text
    assert "file@example.org" in text


def test_word_limit_is_counted_and_shown(
    cli: Callable[..., Run], write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    source = write("motion.yaml", MINIMAL + "word_limit: 250\n")
    run = cli("check", source)
    # Headings (3 + 3 words) and items (5 + 5 words).
    assert run.exit_code == 0 and "16 words of 250 allowed" in run.stdout
    assert build(cli, source, tmp_path / "out").exit_code == 0
    assert "16 of 250 words allowed" in pdf_text(tmp_path / "out" / "motion.pdf")
    assert "16 of 250 words allowed" in docx_text(tmp_path / "out" / "motion.docx")


def test_folder_builds_every_document_and_skips_campaign_files(example_outputs: Path) -> None:
    # The session's examples are one folder build of examples/.
    written = sorted(
        p.relative_to(example_outputs)
        for p in example_outputs.rglob("*.*")
        if not p.name.startswith(".")
    )
    assert Path("zhanaozen/model-resolution.docx") in written
    assert Path("zhanaozen/kk/model-resolution.pdf") in written
    assert {p.suffix for p in written} == {".pdf", ".docx"}
    assert len(written) == 2 * len(EXAMPLE_DOCUMENTS)
    assert not any(p.stem in ("campaign", "signatories") for p in written)


def test_same_stem_twice_never_overwrites(
    cli: Callable[..., Run], write: Callable[[str, str], Path], tmp_path: Path
) -> None:
    first = write("a/motion.yaml", MINIMAL)
    second = write("b/motion.yaml", MINIMAL.replace("Solidarity with", "Second"))
    run = build(cli, first, tmp_path / "out", "-f", "pdf")
    run = cli("build", first, second, "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 0
    assert (tmp_path / "out" / "motion.pdf").exists()
    assert "Second" in pdf_text(tmp_path / "out" / "motion-2.pdf")


def test_python_dash_m_toolkit_is_the_same_command() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "toolkit", "--version"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("unionkit, version ")


def test_docx_core_properties_stay_in_their_own_namespace(example_outputs: Path) -> None:
    # docxcompose rebinds the `cp` prefix; the properties must still be where Word looks.
    import zipfile

    with zipfile.ZipFile(example_output(example_outputs, MOTION, ".docx")) as archive:
        core = archive.read("docProps/core.xml").decode()
    assert "officeDocument/2006/custom-properties" not in core
    assert core.count("lastModifiedBy") == 2  # one element: its opening and closing tags
    assert "<cp:lastModifiedBy>Justice for Kazakhstan Oil Workers</cp:lastModifiedBy>" in core


@pytest.mark.parametrize("variant", [None, "pdf/ua-1", "pdf/a-3b"])
def test_pdfs_are_tagged_and_take_a_standard(
    cli: Callable[..., Run], tmp_path: Path, variant: str | None, example_outputs: Path
) -> None:
    # Without a standard asked for, the session's build of the example is the one to read.
    pdf = example_output(example_outputs, MOTION, ".pdf")
    if variant:
        assert build(cli, MOTION, tmp_path, "-f", "pdf", "--pdf-variant", variant).exit_code == 0
        pdf = tmp_path / "model-resolution.pdf"
    root = PdfReader(pdf).root_object
    assert root["/MarkInfo"]["/Marked"], "a tagged PDF, for screen readers"
    assert "/StructTreeRoot" in root
    if variant:
        metadata = root["/Metadata"].get_object().get_data()
        part = b"pdfuaid:part" if variant.startswith("pdf/ua") else b"pdfaid:part"
        assert part in metadata


def test_a_pdf_standard_and_copies_per_sheet_do_not_mix(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    source = EXAMPLES / "zhanaozen" / "film-flyer.yaml"
    run = cli("build", source, "-o", tmp_path, "--pdf-variant", "pdf/x-4", "-f", "pdf")
    assert run.exit_code == 1 and "--per-sheet 1" in run.stderr
    run = cli("build", source, "-o", tmp_path, "--pdf-variant", "pdf/x-4", "--per-sheet", "1")
    assert run.exit_code == 0, run.stderr


@pytest.mark.parametrize(
    "source", EXAMPLE_DOCUMENTS, ids=lambda p: str(p.relative_to(EXAMPLES).with_suffix(""))
)
def test_templates_are_told_exactly_what_each_kind_provides(source: Path) -> None:
    from toolkit.build import context_of
    from toolkit.kinds.base import COMMON_VALUES

    document = api.load(source)
    context = context_of(document)
    kind = kinds.get(document.template.manifest.kind)
    assert set(context.values) == (COMMON_VALUES - {"meta"}) | kind.values
