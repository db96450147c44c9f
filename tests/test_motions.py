"""Motions as unions write them: sections in the order written, in the conference's (or any
body's) voice and language, amendments with their marks, line numbers, and a motion that fits
its page in the PDF and in LibreOffice's rendering of the DOCX."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import textwrap
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfReader

from tests.conftest import EXAMPLES, Run, docx_text, pdf_text, run_cli, squash
from toolkit import api
from toolkit.messages import labels_for
from toolkit.model import LANGUAGES

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (apt install libreoffice-writer-nogui)"
)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MM = 72 / 25.4

# The conference motion of the issue: notes, believes, resolves, instructs, calls on and
# further resolves, in the conference's voice; whom it addresses is written in the case
# (or with the preposition) the language needs.
CONFERENCE = """
template: motion
language: {language}
reference: Motion 14
title: Justice for the oil workers of Zhanaozen
voice: conference
submitted_by:
  branch: Offshore Energy Branch
  region: Scotland
  date: 2013-11-15
contact: Branch secretary, offshore.branch@example.org
notes:
  - On 16 December 2011 police opened fire on striking oil workers in Zhanaozen.
believes:
  - The right to strike is a human right.
resolves:
  - To support the campaign for the jailed workers.
instructs:
  to: {committee}
  points:
    - write to the Kazakh ambassador;
    - report back to conference.
calls_on:
  to: {government}
  points:
    - press Kazakhstan for an independent inquiry.
further_resolves:
  - To protest at the Kazakh embassy every 16 December.
"""
ADDRESSEES = {
    "en": ("the National Executive Committee", "the Foreign Secretary"),
    "ru": ("Национальному исполнительному комитету", "министра иностранных дел"),
    "uk": ("Національному виконавчому комітету", "міністра закордонних справ"),
    "kk": ("Ұлттық атқару комитетіне", "сыртқы істер министрін"),
    "fr": ("la commission exécutive nationale", "le ministre des Affaires étrangères"),
}
# Written out by hand from the grammar of each language, not from the catalogues.
HEADINGS = {
    "en": [
        "Conference notes",
        "Conference believes",
        "Conference resolves",
        "Conference instructs the National Executive Committee to",
        "Conference calls on the Foreign Secretary to",
        "Conference further resolves",
    ],
    "ru": [
        "Конференция отмечает",
        "Конференция считает",
        "Конференция постановляет",
        "Конференция поручает Национальному исполнительному комитету",
        "Конференция призывает министра иностранных дел",
        "Конференция также постановляет",
    ],
    "uk": [
        "Конференція зазначає",
        "Конференція вважає",
        "Конференція ухвалює",
        "Конференція доручає Національному виконавчому комітету",
        "Конференція закликає міністра закордонних справ",
        "Конференція також ухвалює",
    ],
    "kk": [
        "Конференция атап өтеді",
        "Конференция есептейді",
        "Конференция қаулы етеді",
        "Конференция Ұлттық атқару комитетіне тапсырады",
        "Конференция сыртқы істер министрін шақырады",
        "Конференция сондай-ақ қаулы етеді",
    ],
    "fr": [
        "Le congrès constate",
        "Le congrès estime",
        "Le congrès décide",
        "Le congrès charge la commission exécutive nationale",
        "Le congrès appelle le ministre des Affaires étrangères",
        "Le congrès décide en outre",
    ],
}


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def _build(source: Path, out: Path, *extra: str) -> Run:
    run = run_cli("build", source, "-o", out, *extra)
    assert run.exception is None, run.exception
    assert run.exit_code == 0, run.stderr
    return run


def _in_order(text: str, parts: list[str]) -> bool:
    """Whether every part is in `text`, one after the other."""
    at = 0
    for part in parts:
        found = text.find(squash(part).casefold(), at)
        if found < 0:
            return False
        at = found + 1
    return True


# -- sections, voice, language ------------------------------------------------------------------
@pytest.fixture(scope="module")
def conference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """The conference motion built in every language: language -> (PDF text, DOCX text)."""
    folder = tmp_path_factory.mktemp("conference")
    texts = {}
    for language in LANGUAGES:
        committee, government = ADDRESSEES[language]
        source = _write(
            folder,
            f"{language}.yaml",
            CONFERENCE.format(language=language, committee=committee, government=government),
        )
        _build(source, folder / "out")
        texts[language] = (
            squash(pdf_text(folder / "out" / f"{language}.pdf")).casefold(),
            squash(docx_text(folder / "out" / f"{language}.docx")).casefold(),
        )
    return texts


@pytest.mark.parametrize("language", LANGUAGES)
def test_conference_motion_speaks_in_the_conference_voice_in_both_formats(
    conference: dict[str, tuple[str, str]], language: str
) -> None:
    pdf, word = conference[language]
    for text in (pdf, word):
        assert _in_order(text, HEADINGS[language]), (language, text[:600])
        # No heading in the branch's voice slips through, in either format.
        assert squash(labels_for(language)["notes"]).casefold() not in text
        assert "offshore energy branch, scotland" in text
        assert "motion 14" in text


def test_sections_print_in_the_order_written_with_own_headings_and_continuous_numbers(
    tmp_path: Path,
) -> None:
    source = _write(
        tmp_path,
        "motion.yaml",
        """
        template: resolution
        title: Order of business
        branch: to fill in
        numbering: continuous
        calls_on:
          - The TUC to send observers to the trials.
        notes:
          - The strike lasted seven months.
          - Sixteen people were killed.
        sections:
          - heading: This branch applauds
            points:
              - The oil workers' families for their courage.
          - kind: instructs
            to: the branch secretary
            points:
              - write to the embassy.
        resolves:
          - To affiliate to the campaign.
        """,
    )
    _build(source, tmp_path / "out")
    headings = [
        "This branch calls on",
        "This branch notes",
        "This branch applauds",
        "This branch instructs the branch secretary to",
        "This branch resolves",
    ]
    pdf = pdf_text(tmp_path / "out" / "motion.pdf", layout=True)
    assert _in_order(squash(pdf).casefold(), headings)
    # One count through the motion: 1 (calls on), 2-3 (notes), 4, 5, 6.
    numbers = [int(n) for n in re.findall(r"^\s*(\d)\.\s", pdf, re.MULTILINE)]
    assert numbers == [1, 2, 3, 4, 5, 6]
    document = docx.Document(str(tmp_path / "out" / "motion.docx"))
    assert _in_order(squash(docx_text(tmp_path / "out" / "motion.docx")).casefold(), headings)
    # Word numbers the lists itself: each section's list starts where the last one ended.
    numbering = document.part.numbering_part.element
    starts = []
    for paragraph in document.paragraphs:
        num = paragraph._p.find(f"{W}pPr/{W}numPr/{W}numId")
        if num is None:
            continue
        instance = numbering.num_having_numId(int(num.get(f"{W}val")))
        override = instance.find(f"{W}lvlOverride/{W}startOverride")
        starts.append(int(override.get(f"{W}val")))
    assert starts == [1, 2, 2, 4, 5, 6]


def test_a_body_of_any_name_and_a_plural_one_get_verbs_that_agree(tmp_path: Path) -> None:
    def headings(voice: str, language: str = "en") -> list[str]:
        source = _write(
            tmp_path,
            f"{language}-{abs(hash(voice))}.yaml",
            f"""
            template: resolution
            language: {language}
            title: Voice
            branch: to fill in
            voice: {voice}
            notes: [A fact.]
            resolves: [An action.]
            """,
        )
        return [s["heading"] for s in api.check(api.load(source)).context.values["sections"]]

    council = "This Trades Council"
    assert headings(council) == [f"{council} notes", f"{council} resolves"]
    assert headings("{name: Delegates, plural: true}") == ["Delegates note", "Delegates resolve"]
    assert headings("council") == ["This council notes", "This council resolves"]
    assert headings("branch", "uk") == ["Збори зазначають", "Збори ухвалюють"]
    assert headings("conference", "uk") == ["Конференція зазначає", "Конференція ухвалює"]
    assert headings("meeting", "fr") == ["L’assemblée constate", "L’assemblée décide"]
    assert headings("{name: Делегаты, plural: true}", "ru") == [
        "Делегаты отмечают",
        "Делегаты постановляют",
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_branch_voice_is_the_catalogues_own_headings(tmp_path: Path, language: str) -> None:
    source = _write(
        tmp_path,
        "motion.yaml",
        f"""
        template: resolution
        language: {language}
        title: T
        branch: to fill in
        notes: [A fact.]
        believes: [A view.]
        resolves: [An action.]
        """,
    )
    headings = [s["heading"] for s in api.check(api.load(source)).context.values["sections"]]
    labels = labels_for(language)
    assert headings == [labels["notes"], labels["believes"], labels["resolves"]]


def test_labels_in_the_document_and_campaign_win_in_both_formats(tmp_path: Path) -> None:
    _write(tmp_path, "campaign.yaml", "name: Campaign\nlabels:\n  seconded_by: Seconder\n")
    source = _write(
        tmp_path,
        "motion.yaml",
        """
        template: resolution
        campaign: campaign.yaml
        title: Our own words
        branch: to fill in
        labels:
          proposed_by: Moved by
          resolves: This AGM resolves
          instructs: This AGM directs
        notes: [A fact.]
        resolves: [An action.]
        instructs:
          to: the officers
          points: [act.]
        """,
    )
    _build(source, tmp_path / "out")
    for text in (
        squash(pdf_text(tmp_path / "out" / "motion.pdf")).casefold(),
        squash(docx_text(tmp_path / "out" / "motion.docx")).casefold(),
    ):
        for words in ("Moved by", "Seconder", "This AGM resolves"):
            assert words.casefold() in text
        assert "this agm directs the officers to" in text
        assert "proposed by" not in text and "seconded by" not in text


@pytest.mark.parametrize(
    ("yaml", "line", "field", "message"),
    [
        ("notes:\n  to: the council\n  points: [x]\n", 4, "notes.to", "cannot name whom"),
        ("instruct:\n  - x\n", 3, "instruct", "did you mean 'instructs'?"),
        ("notes: [x]\nbelieves: [y]\n", 1, "resolves", "only notes and believes does nothing"),
        ("labels:\n  proposd_by: Moved\n", 4, "labels.proposd_by", "'proposed_by'"),
        ("sections:\n  - points: [x]\n", 4, "sections.0", "either `heading:`"),
        ("branch: Offshore\n", 3, "branch", "to fill in"),
        ("voice: conference\nline_numbers: lots\n", 4, "line_numbers", ""),
    ],
)
def test_a_motion_written_wrong_is_told_where_and_how(
    tmp_path: Path, yaml: str, line: int, field: str, message: str
) -> None:
    body = "resolves: [To act.]\n" if field not in ("resolves",) else ""
    source = _write(tmp_path, "motion.yaml", "template: resolution\ntitle: T\n" + yaml + body)
    run = run_cli("check", source)
    assert run.exit_code == 1 and "Traceback" not in run.stderr
    assert f"motion.yaml:{line}: {field}:" in run.stderr, run.stderr
    assert message in run.stderr


# -- model motions and submission details ---------------------------------------------------
@pytest.mark.parametrize(
    ("campaign", "branch", "warned"),
    [
        ("", "branch: to fill in\n", set()),
        ("model: true\n", "", set()),
        ("model: true\n", "branch:\n  name: Offshore Energy Branch\n", {"union", "meeting_date"}),
        ("", "", {"name", "union", "meeting_date"}),
    ],
)
def test_only_an_accidental_gap_in_the_branch_warns(
    tmp_path: Path, campaign: str, branch: str, warned: set[str]
) -> None:
    _write(tmp_path, "campaign.yaml", "name: Campaign\n" + campaign)
    source = _write(
        tmp_path,
        "motion.yaml",
        "template: resolution\ncampaign: campaign.yaml\ntitle: T\n" + branch
        + "resolves: [To act.]\n",
    )  # fmt: skip
    outcome = api.check_file(source)
    assert outcome.ok
    assert {w.field.removeprefix("branch.") for w in outcome.warnings} == warned


def test_a_model_motion_prints_its_fill_in_lines_without_warnings(tmp_path: Path) -> None:
    source = _write(
        tmp_path,
        "motion.yaml",
        "template: resolution\ntitle: T\nbranch: to fill in\nresolves: [To act.]\n",
    )
    run = _build(source, tmp_path / "out")
    # "unionkit: warning:" lines are advice about the machine (a missing library), not the motion.
    warned = [line for line in run.stderr.splitlines() if ": warning:" in line]
    assert [line for line in warned if not line.startswith("unionkit: ")] == []
    assert len(re.findall(r"_{12,}", pdf_text(tmp_path / "out" / "motion.pdf"))) == 3
    assert len(re.findall(r"_{12,}", docx_text(tmp_path / "out" / "motion.docx"))) == 3


def test_motion_is_accepted_wherever_a_kind_is_named(tmp_path: Path) -> None:
    run = run_cli("new", "motion", tmp_path / "motion.yaml")
    assert run.exit_code == 0, run.stderr
    assert api.check_file(tmp_path / "motion.yaml").ok
    schema = json.loads(run_cli("schema", "motion").stdout)
    assert schema["title"] == "unionkit resolution" and "instructs" in schema["properties"]
    source = _write(tmp_path, "m.yaml", "template: motion\ntitle: T\nresolves: [To act.]\n")
    assert api.check_file(source).ok
    assert "resolution" in run_cli("new", "--help").stdout


# -- line numbers -------------------------------------------------------------------------------
LONG_POINT = (
    "Workers who strike for decent pay and the right to organise must never be met with"
    " bullets and prison cells, in Kazakhstan or anywhere else."
)


def _margin_numbers(pdf: Path) -> list[tuple[int, int, float]]:
    """Numbers printed in the left margin: (page, number, baseline), from pdfium's text."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    found = []
    try:
        for index, page in enumerate(document):
            text = page.get_textpage()
            run: list[tuple[float, str]] = []  # digits drawn one after the other
            for i in range(text.count_chars() + 1):
                char = text.get_text_range(i, 1) if i < text.count_chars() else ""
                box = text.get_charbox(i) if char else (0.0, 0.0, 1e9, 0.0)
                if char.isdigit() and box[2] < 20 * MM:
                    run.append((box[1], char))
                    continue
                if run:
                    number = int("".join(c for _, c in run))
                    found.append((index, number, max(bottom for bottom, _ in run)))
                    run = []
    finally:
        document.close()
    return sorted(found, key=lambda item: (item[0], -item[2]))


def _line_bottoms(pdf: Path, page_index: int) -> list[float]:
    """The bottoms of the body text's lines on a page (letters right of the margin)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        text = document[page_index].get_textpage()
        bottoms = set()
        for i in range(text.count_chars()):
            left, bottom, _, _ = text.get_charbox(i)
            if left > 25 * MM and text.get_text_range(i, 1).isalpha():
                bottoms.add(round(bottom, 1))
        return sorted(bottoms)
    finally:
        document.close()


@pytest.fixture(scope="module")
def numbered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("numbered")
    points = "\n".join(f"  - {LONG_POINT}" for _ in range(6))
    source = _write(
        folder,
        "motion.yaml",
        "template: resolution\ntitle: Numbered\nbranch: to fill in\nline_numbers: 5\n"
        f"voice: conference\nnotes:\n{points}\nresolves:\n{points}\n",
    )
    _build(source, folder / "out")
    values = api.check(api.load(source)).context.values
    return folder / "out", values


def test_every_fifth_line_is_numbered_in_the_pdf_margin_beside_its_line(
    numbered: tuple[Path, dict[str, Any]],
) -> None:
    out, values = numbered
    lines = values["line_numbers"]["count"]
    assert lines >= 25
    found = _margin_numbers(out / "motion.pdf")
    assert [number for _, number, _ in found] == list(range(5, lines + 1, 5))
    for page, _, bottom in found:
        # Each number stands on the line of text it counts (its baseline within a point or
        # two of the line's: the number is smaller).
        assert any(abs(bottom - line) < 2.5 for line in _line_bottoms(out / "motion.pdf", page))
    # The numbers are drawn after the text: copied text has no number inside a sentence.
    assert squash(LONG_POINT) in squash(pdf_text(out / "motion.pdf"))


def test_the_docx_uses_words_own_line_numbering_for_the_motion_alone(
    numbered: tuple[Path, dict[str, Any]],
) -> None:
    out, _ = numbered
    document = docx.Document(str(out / "motion.docx"))
    numbering = document.sections[0]._sectPr.find(f"{W}lnNumType")
    assert numbering is not None and numbering.get(f"{W}countBy") == "5"

    def suppressed(style: str) -> bool:
        flag = document.styles[style].element.find(f"{W}pPr/{W}suppressLineNumbers")
        return flag is not None and flag.get(f"{W}val") != "0"

    # Normal (and so the masthead, title, tables and signatures) is not counted; the
    # motion's headings and points are.
    assert suppressed("Normal")
    assert document.styles["Title"].base_style.name == "Normal"
    assert not suppressed("Heading 2") and not suppressed("List Number")


# -- amendments ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def amended(tmp_path_factory: pytest.TempPathFactory, example_outputs: Path) -> Path:
    """The example amendment built with --amended, beside its motion (for its line numbers,
    from the session's build of the examples)."""
    out = tmp_path_factory.mktemp("amended")
    _build(EXAMPLES / "zhanaozen" / "conference-amendment.yaml", out, "--amended")
    for suffix in (".pdf", ".docx"):
        shutil.copy(example_outputs / "zhanaozen" / f"conference-motion{suffix}", out)
    return out


def test_the_amendment_prints_its_changes_in_the_standard_wording(amended: Path) -> None:
    assert sorted(p.name for p in amended.iterdir() if not p.name.startswith(".")) == [
        "conference-amendment-amended.docx",
        "conference-amendment-amended.pdf",
        "conference-amendment.docx",
        "conference-amendment.pdf",
        "conference-motion.docx",
        "conference-motion.pdf",
    ]
    expected = [
        r"Line \d+: after ‘release of all jailed oil workers and activists’ insert ‘, among"
        r" them Roza Tuletaeva’",
        r"Line \d+: delete ‘report back to next year's conference\.’ and insert ‘report back"
        r" to the Council of Executives within six months\.’",
        r"Line \d+: delete ‘British companies and politicians who … a duty to speak out\.’",
        r"After line \d+: add at the end of ‘Conference resolves’: To invite a relative",
    ]
    for text in (
        squash(pdf_text(amended / "conference-amendment.pdf")),
        squash(docx_text(amended / "conference-amendment.docx")),
    ):
        for pattern in expected:
            assert re.search(pattern, text), pattern
    # The new point is numbered on from the section's last: the motion resolves one thing.
    layout = pdf_text(amended / "conference-amendment.pdf", layout=True)
    assert re.search(r"2\.\s+To invite a relative", layout)


def test_the_lines_an_amendment_cites_are_the_motions_printed_lines(amended: Path) -> None:
    import pypdfium2

    wording = squash(pdf_text(amended / "conference-amendment.pdf"))
    cited = {
        "release of all jailed": int(re.search(r"Line (\d+): after ‘release", wording)[1]),  # type: ignore[index]
        "report back to next": int(re.search(r"Line (\d+): delete ‘report", wording)[1]),  # type: ignore[index]
        "British companies": int(re.search(r"Line (\d+): delete ‘British", wording)[1]),  # type: ignore[index]
    }
    motion = amended / "conference-motion.pdf"
    numbers = {number: bottom for _, number, bottom in _margin_numbers(motion)}
    document = pypdfium2.PdfDocument(str(motion))
    try:
        text = document[0].get_textpage()
        everything = text.get_text_range()
        for phrase, line in cited.items():
            start = everything.find(phrase)
            assert start >= 0, phrase
            bottom = text.get_charbox(start)[1]
            assert abs(numbers[line] - bottom) < 2.5, (phrase, line)
    finally:
        document.close()


def _longest_ink(pixels: Any, left: int, right: int, y: int) -> int:
    """The longest run of inked pixels along row `y` of an image, between two columns."""
    best = run = 0
    for x in range(left, right):
        run = run + 1 if pixels[x, y] < 200 else 0
        best = max(best, run)
    return best


def test_the_amended_pdf_underlines_insertions_and_strikes_deletions(amended: Path) -> None:
    import pypdfium2

    pdf = amended / "conference-amendment-amended.pdf"
    assert "MOTION AS AMENDED" in pdf_text(pdf)
    document = pypdfium2.PdfDocument(str(pdf))
    try:
        page = document[0]
        scale = 200 / 72
        pixels = page.render(scale=scale).to_pil().convert("L").load()
        text = page.get_textpage()
        everything = text.get_text_range()
        height = page.get_height()

        def box(phrase: str) -> tuple[int, int, int, int]:
            start = everything.find(phrase)
            assert start >= 0, phrase
            boxes = [text.get_charbox(i) for i in range(start, start + len(phrase))]
            left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
            bottom, top = min(b[1] for b in boxes), max(b[3] for b in boxes)
            return (
                int(left * scale), int((height - top) * scale),
                int(right * scale), int((height - bottom) * scale),
            )  # fmt: skip

        # Inserted: a line under the words, the width of the words.
        left, top, right, bottom = box("Executives")
        below = range(bottom, bottom + 12)
        assert max(_longest_ink(pixels, left, right, y) for y in below) > 0.9 * (right - left)
        # Deleted: a line through the middle of the words.
        left, top, right, bottom = box("year's")
        middle = range(top, bottom)
        assert max(_longest_ink(pixels, left, right, y) for y in middle) > 0.9 * (right - left)
        # Untouched words are neither.
        left, top, right, bottom = box("bullets")
        rows = range(top, bottom + 12)
        assert max(_longest_ink(pixels, left, right, y) for y in rows) < 0.5 * (right - left)
    finally:
        document.close()


def test_the_amended_docx_holds_word_tracked_changes_by_the_mover(amended: Path) -> None:
    with zipfile.ZipFile(amended / "conference-amendment-amended.docx") as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    changes = re.findall(r'<w:(ins|del) w:id="\d+" w:author="([^"]+)" w:date="([^"]+)"', xml)
    kinds = {kind for kind, _, _ in changes}
    assert kinds == {"ins", "del"}
    assert {(author, date) for _, author, date in changes} == {
        ("London Transport Region", "2013-11-29T00:00:00Z")
    }
    assert "<w:delText" in xml and "report back to next year" in xml


def _libreoffice_profile(folder: Path, first: list[str]) -> Path:
    """A LibreOffice profile, made by its first run (`first`, a conversion), then given a
    macro that accepts and rejects every tracked change and saves the text of each:
    LibreOffice itself settles the changes."""
    assert SOFFICE is not None
    profile = folder / "lo-profile"
    _soffice(profile, first)
    library = profile / "user" / "basic" / "Standard"
    (library / "Changes.xba").write_text(SETTLE_MACRO, encoding="utf-8")
    index = library / "script.xlb"
    text = index.read_text(encoding="utf-8")
    if 'library:name="Changes"' not in text:
        text = text.replace(
            "</library:library>", ' <library:element library:name="Changes"/>\n</library:library>'
        )
        index.write_text(text, encoding="utf-8")
    return profile


SETTLE_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Changes" script:language="StarBasic">
Sub Settle(source As String, accepted As String, rejected As String)
  Call SettleAll(source, accepted, &quot;AcceptAllTrackedChanges&quot;)
  Call SettleAll(source, rejected, &quot;RejectAllTrackedChanges&quot;)
End Sub

Sub SettleAll(source As String, target As String, command As String)
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = &quot;Hidden&quot;
  load(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(source), &quot;_blank&quot;, 0, load())
  helper = createUnoService(&quot;com.sun.star.frame.DispatchHelper&quot;)
  Dim none(0) As New com.sun.star.beans.PropertyValue
  helper.executeDispatch(doc.getCurrentController().getFrame(), &quot;.uno:&quot; &amp; command, &quot;&quot;, 0, none())
  Dim save(0) As New com.sun.star.beans.PropertyValue
  save(0).Name = &quot;FilterName&quot;
  save(0).Value = &quot;Text&quot;
  doc.storeToURL(ConvertToURL(target), save())
  doc.close(True)
End Sub
</script:module>
"""  # noqa: E501


def _soffice(profile: Path, arguments: list[str]) -> None:
    """Run LibreOffice headless with its own profile; a run that hangs is stopped."""
    assert SOFFICE is not None
    command = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", *arguments]
    with subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    ) as process:
        try:
            process.wait(timeout=180)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            raise


@needs_libreoffice
def test_libreoffice_lists_accepts_and_rejects_the_tracked_changes(
    amended: Path, tmp_path: Path
) -> None:
    source = amended / "conference-amendment-amended.docx"
    # LibreOffice's own file format lists each change with its author and date.
    profile = _libreoffice_profile(
        tmp_path, ["--convert-to", "fodt", "--outdir", str(tmp_path), str(source)]
    )
    flat = (tmp_path / "conference-amendment-amended.fodt").read_text(encoding="utf-8")
    regions = re.findall(r"<text:changed-region.*?</text:changed-region>", flat, re.DOTALL)
    assert len(regions) >= 4
    assert all("<dc:creator>London Transport Region</dc:creator>" in r for r in regions)
    assert any("<text:insertion>" in r for r in regions)
    assert any("<text:deletion>" in r for r in regions)
    targets = (tmp_path / "accepted.txt", tmp_path / "rejected.txt")
    _soffice(profile, ['macro:///Standard.Changes.Settle("{}","{}","{}")'.format(source, *targets)])
    accepted, rejected = (squash(target.read_text(encoding="utf-8-sig")) for target in targets)
    assert "activists, among them Roza Tuletaeva;" in accepted
    assert "report back to the Council of Executives within six months." in accepted
    assert "next year's conference" not in accepted
    assert "British companies and politicians" not in accepted
    # Rejected, the new point is gone; accepted, it is numbered on in its section.
    assert re.search(r"2\. To invite a relative", accepted)
    assert "Roza Tuletaeva" not in rejected and "To invite a relative" not in rejected
    assert "report back to next year's conference." in rejected
    assert "British companies and politicians who profit from Kazakh oil" in rejected


# The standard wording, written out by hand for each language (non-breaking spaces in French).
WORDING = {
    "en": ["Line 2: delete ‘seven months’ and insert ‘half a year’",
           "Line 4: at the beginning insert ‘Warmly’",
           "After line 4: add at the end of ‘Conference resolves’:"],
    "ru": ["Строка 2: заменить «seven months» на «half a year»",
           "Строка 4: в начале вставить «Warmly»",
           "После строки 4: дополнить раздел «Конференция постановляет» следующим:"],
    "uk": ["Рядок 2: замінити «seven months» на «half a year»",
           "Рядок 4: на початку додати «Warmly»",
           "Після рядка 4: доповнити розділ «Конференція ухвалює» таким:"],
    "kk": ["2-жол: «seven months» орнына «half a year» деп жазу",
           "4-жол: басына «Warmly» қосу",
           "4-жолдан кейін: «Конференция қаулы етеді» бөлімін мынамен толықтыру:"],
    "fr": ["Ligne 2\u00a0: remplacer «\u202fseven months\u202f» par «\u202fhalf a year\u202f»",
           "Ligne 4\u00a0: au début, insérer «\u202fWarmly\u202f»",
           "Après la ligne 4\u00a0: ajouter à la fin de «\u202fLe congrès décide\u202f»\u00a0:"],
}  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_amendment_is_worded_in_its_motions_language(tmp_path: Path, language: str) -> None:
    _write(
        tmp_path,
        "motion.yaml",
        f"""
        template: motion
        language: {language}
        title: T
        branch: to fill in
        voice: conference
        line_numbers: true
        notes:
          - Oil workers in Zhanaozen went on strike for seven months.
        resolves:
          - To support the campaign.
        """,
    )
    amendment = _write(
        tmp_path,
        "amendment.yaml",
        """
        template: amendment
        amends: motion.yaml
        moved_by: Eastbridge Branch
        changes:
          - replace: seven months
            with: half a year
          - insert_at_line: 4
            text: Warmly
          - add_to: resolves
            points: [To write to the embassy.]
        """,
    )
    values = api.check(api.load(amendment)).context.values
    assert [change["text"] for change in values["changes"]] == WORDING[language]


@pytest.mark.parametrize(
    ("change", "line", "field", "message"),
    [
        ("- delete: oil workers of Kazakhstan\n", 6, "changes.0.delete", "is not in the motion"),
        ("- delete: Zhanaozen\n", 6, "changes.0.delete", "occurs 2 times"),
        ("- delete_lines: 40-41\n", 6, "changes.0.delete_lines", "has"),
        ("- delete_lines: 1\n", 6, "changes.0.delete_lines", "heading"),
        ("- add_to: applauds\n  points: [x]\n", 6, "changes.0.add_to", "no section"),
        ("- delete: seven months\n  replace: x\n  with: y\n", 6, "changes.0", "one change"),
    ],
)
def test_an_amendment_that_misquotes_the_motion_is_told_where(
    tmp_path: Path, change: str, line: int, field: str, message: str
) -> None:
    _write(
        tmp_path,
        "motion.yaml",
        """
        template: motion
        title: T
        branch: to fill in
        line_numbers: true
        notes:
          - Oil workers in Zhanaozen went on strike for seven months.
          - Police fired on them in Zhanaozen.
        resolves:
          - To support the campaign.
        """,
    )
    amendment = _write(
        tmp_path,
        "amendment.yaml",
        "template: amendment\namends: motion.yaml\nmoved_by: Eastbridge Branch\n\nchanges:\n"
        + textwrap.indent(change, "  "),
    )
    run = run_cli("check", amendment)
    assert run.exit_code == 1 and "Traceback" not in run.stderr
    assert f"amendment.yaml:{line}: {field}:" in run.stderr, run.stderr
    assert message in run.stderr


def test_line_changes_need_a_motion_that_numbers_its_lines(tmp_path: Path) -> None:
    _write(tmp_path, "motion.yaml", "template: motion\ntitle: T\nresolves: [To act now.]\n")
    amendment = _write(
        tmp_path,
        "amendment.yaml",
        "template: amendment\namends: motion.yaml\nmoved_by: B\nchanges:\n"
        "  - delete: now\n  - insert_at_line: 2\n    text: Then\n",
    )
    run = run_cli("check", amendment)
    assert run.exit_code == 1
    assert "amendment.yaml:6: changes.1.insert_at_line: the motion does not number" in run.stderr
    # Quoting words needs no numbers: that change is worded by section and point instead.
    ok = _write(
        tmp_path,
        "ok.yaml",
        "template: amendment\namends: motion.yaml\nmoved_by: B\nchanges:\n  - delete: now\n",
    )
    changes = api.check(api.load(ok)).context.values["changes"]
    assert changes[0]["text"] == "‘This branch resolves’, point 1: delete ‘now’"


# -- fitting the page ---------------------------------------------------------------------------
SENTENCES = [
    "On 16 December 2011 the security forces opened fire on unarmed oil workers in Zhanaozen.",
    "At least 16 people were killed and 60 wounded, ending a strike that lasted seven months.",
    "In June 2012 oil workers and other activists were jailed for up to six years.",
    "All the evidence points to torture during pre-trial detention.",
    "On 11 December 2013 the ITUC wrote to the President of Kazakhstan urging their release.",
    "The right to organise, to strike and to protest is a basic human right.",
    "Companies that profit from Kazakh oil share responsibility for how its workers are treated.",
    "Solidarity from trade unionists abroad protects those who are still in prison.",
    "To write to the Kazakh embassy calling for the release of all the jailed workers.",
    "To ask our national executive to raise Zhanaozen with the Foreign Office.",
    "To affiliate to the campaign and tell our members about its events.",
    "To show the film Zhanaozen, the Unknown Tragedy, at a branch meeting.",
]


def _motion(points: int, *, intro: bool = True) -> str:
    """A motion with `points` points shared out over three sections, in real sentences."""
    sections: dict[str, list[str]] = {"notes": [], "believes": [], "resolves": []}
    for index in range(points):
        key = ("notes", "believes", "resolves")[index * 3 // max(points, 1)]
        sentence = SENTENCES[index % len(SENTENCES)]
        extra = SENTENCES[(index + 5) % len(SENTENCES)] if index % 2 else ""
        sections[key].append(f"{sentence} {extra}".strip())
    # A last point of three lines: it must go whole with the signatures.
    sections["resolves"].append(
        "To send this motion to the campaign, to the Kazakh embassy and to the union's national"
        " executive, and to report back to the branch on every reply received before its next"
        " meeting, so that members can decide together what to do next."
    )
    body = "".join(
        f"{key}:\n" + "".join(f"  - {json.dumps(point)}\n" for point in items)
        for key, items in sections.items()
        if items
    )
    introduction = "intro: A model motion for branches. Adapt it, pass it and send it on.\n"
    return (
        "template: resolution\ntitle: Justice for the Zhanaozen oil workers\n"
        "campaign:\n  name: Justice for Kazakhstan Oil Workers\n"
        + (introduction if intro else "")
        + body
        + "send_to:\n  - name: Justice for Kazakhstan Oil Workers\n"
        "    email: justice.kazakh.oil@example.org\n"
    )


THREE_HUNDRED = """
template: resolution
title: Justice for the Zhanaozen oil workers
campaign:
  name: Justice for Kazakhstan Oil Workers
  email: justice.kazakh.oil@example.org
intro: >
  A model motion for branches, trades councils and union conferences. Adapt it to your
  branch, pass it, and send it on.
notes:
  - >
    On 16 December 2011 security forces opened fire on unarmed oil workers and their
    supporters in Zhanaozen, Kazakhstan, ending a strike that had lasted seven months. At
    least 16 people were killed and 60 wounded.
  - >
    In June 2012 oil workers and other activists were sent to prison for up to six years,
    after trials in which the evidence points to torture during pre-trial detention. Nobody
    has been held to account for the shootings.
  - >
    On 11 December 2013 the International Trade Union Confederation, which unites national
    federations in 161 countries, wrote to the President of Kazakhstan urging the release of
    seven people jailed after the events in Zhanaozen.
believes:
  - The right to organise, to strike and to protest is a basic human right, in Kazakhstan as
    everywhere else.
  - Companies and governments that profit from Kazakh oil share responsibility for the way
    the workers who produce it are treated.
  - Solidarity from trade unionists abroad protects those who are still in prison and those
    who go on organising in the oil fields, where the fight for independent unions goes on.
resolves:
  - To send a letter to the Kazakh embassy calling for the release of all workers and
    activists jailed after Zhanaozen, and for an independent inquiry into the shootings and
    the torture allegations.
  - To follow up the letter of 11 December 2013 by writing to the President of Kazakhstan in
    the branch's own name.
  - To ask our union's national executive to raise Zhanaozen with the Foreign Office and with
    British companies investing in Kazakhstan.
  - To affiliate to the Justice for Kazakhstan Oil Workers campaign, tell our members about
    it, show the film about the massacre, support its events, and raise money for the
    families of those who were killed or jailed.
send_to:
  - name: Justice for Kazakhstan Oil Workers
    email: justice.kazakh.oil@example.org
  - name: Union Solidarity International
    email: info@example.org
word_limit: 300
"""


@pytest.fixture(scope="module")
def growing(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """Twelve motions of growing length (about 100 to 1,100 words), built."""
    folder = tmp_path_factory.mktemp("growing")
    sources = [_write(folder, f"motion-{n:02d}.yaml", _motion(2 + 3 * n)) for n in range(12)]
    for source in sources:
        _build(source, folder / "out")
    return folder / "out", sources


@pytest.fixture(scope="module")
def three_hundred(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 300-word motion, built: its source beside its outputs."""
    folder = tmp_path_factory.mktemp("three-hundred")
    source = _write(folder, "three-hundred.yaml", THREE_HUNDRED)
    _build(source, folder)
    return source


def _last_point(source: Path) -> str:
    from toolkit.build import context_of

    values = context_of(api.load(source)).values  # the sections, without laying them out
    return squash(values["sections"][-1]["points"][-1])


def _pages(pdf: Path) -> list[str]:
    return [squash(page.extract_text() or "").casefold() for page in PdfReader(pdf).pages]


def _rule_rows(pdf: Path, dpi: int = 100) -> list[int]:
    """The rows of the first page's long dark horizontal rules (a fifth of the width)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    try:
        image = document[0].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        document.close()
    width, height = image.size
    pixels = image.load()
    return [y for y in range(height) if _longest_ink(pixels, 0, width, y) > width * 0.18]


def test_a_300_word_motion_fits_one_a4_page_with_room_to_sign(three_hundred: Path) -> None:
    checked = api.check(api.load(three_hundred))
    values = checked.context.values
    assert 290 <= values["word_count"] <= 300
    assert values["intro"] and len(values["send_to"]) == 2 and len(values["sections"]) == 3
    pdf = three_hundred.with_suffix(".pdf")
    assert len(PdfReader(pdf).pages) == 1
    text = _pages(pdf)[0]
    assert all(label.casefold() in text for label in values["signatures"])
    # Each role's lines, the last rules on the page, are 8 mm apart at least.
    dpi = 100
    rules = _rule_rows(pdf, dpi)
    rows = [y for index, y in enumerate(rules) if index == 0 or y - rules[index - 1] > 2][-4:]
    assert rows[0] > 0.75 * 297 * dpi / 25.4, rows  # in the lower quarter of the page
    assert min((b - a) * 25.4 / dpi for a, b in itertools.pairwise(rows)) >= 8.0


def test_growing_motions_never_leave_the_signatures_alone_on_a_page(
    growing: tuple[Path, list[Path]],
) -> None:
    out, sources = growing
    counts = []
    for source in sources:
        pages = _pages(out / f"{source.stem}.pdf")
        counts.append(len(pages))
        signed = [page for page in pages if "proposed by" in page]
        assert len(signed) == 1
        # The page with the signatures carries the whole of the motion's last point.
        assert _last_point(source).casefold() in signed[0], source.name
        # Every page after the first carries the title, so a signed page keeps its motion.
        assert all("justice for the zhanaozen oil workers" in page for page in pages)
    assert counts[0] == 1 and counts[-1] >= 2 and counts == sorted(counts)


@needs_libreoffice
def test_libreoffice_renders_the_docx_on_the_same_terms(
    growing: tuple[Path, list[Path]], three_hundred: Path, tmp_path: Path
) -> None:
    out, sources = growing
    docx_files = [out / f"{source.stem}.docx" for source in sources]
    docx_files.append(three_hundred.with_suffix(".docx"))
    _soffice(
        tmp_path / "lo-profile",
        ["--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, docx_files)],
    )
    assert len(PdfReader(tmp_path / "three-hundred.pdf").pages) == 1
    for source in sources:
        pages = _pages(tmp_path / f"{source.stem}.pdf")
        signed = [page for page in pages if "proposed by" in page]
        assert len(signed) == 1, source.name
        # Word and LibreOffice keep the last point with the signatures, whole, and no row
        # of the signature block apart from the others.
        assert _last_point(source).casefold() in signed[0], (source.name, signed[0][:300])
        assert "date" in signed[0] and "chair or secretary" in signed[0]


def test_cli_builds_amended_outputs_only_when_asked(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    source = EXAMPLES / "zhanaozen" / "conference-amendment.yaml"
    run = cli("build", source, "-o", tmp_path, "-f", "pdf")
    assert run.exit_code == 0 and run.stdout.split() == [str(tmp_path / "conference-amendment.pdf")]
