"""An adversarial review of consent: answers, questions and exports shaped to slip a name past
the rules. Whoever did not agree is never in the PDF, the DOCX (any part of it), the printable
list or a message; when in doubt the name is held back and counted."""

from __future__ import annotations

import re
import zipfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import Run, docx_text, pdf_text, run_cli, squash
from toolkit.consent import Policy, read_answer
from toolkit.dates import column_order, parse_moment
from toolkit.signatories import (
    MergeReport,
    Publication,
    Signatory,
    classify_header,
    merge_duplicates,
    merge_files,
    merge_lines,
    publish,
    read_many,
    read_signatories,
)

# -- answers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        # Split answers: the part about the name says no.
        "Don't publish my name;Publish my union",
        "No to my name, yes to my branch",
        "Нет имени, да профсоюзу",
        # A no that mentions initials is still a no.
        "No, not even my initials",
        "Not even initials please",
        "Не публикуйте даже инициалы",
        "Pas même mes initiales",
        # A yes taken back in the same breath.
        "Yes but keep my name off",
        "Yes, if my branch agrees",
        "Oui, si le syndicat est d'accord",
        # Marks and symbols that are not a yes (an empty box, a cross, a dash).
        "☐",
        "❌",
        "✕",
        "✖",
        "×",
        "👎",
        "-",
        "?",
        "\u2800",
        # The third choice of the campaign site's form, written by hand.
        "Count me but do not publish my name",
        "Count me, but don't print my name",
        # An agreement taken back.
        "Consent withdrawn",
        "Yes - but please remove me now",
        "Согласие отозвано",
        # Not sure is not a yes in any direction.
        "Not sure",
        "Don't know",
        "Не знаю",
    ],
)
def test_answers_that_must_hold_a_name_back(written: str) -> None:
    # "count": in the total, never printed (the third choice of the sign-on form).
    assert read_answer(written).publish in ("no", "unclear", "count"), written


@pytest.mark.parametrize(
    ("written", "publish_as", "organisation"),
    [
        ("NO!", "no", True),
        ("no.", "no", True),
        ("Non merci", "no", True),
        ("нет, спасибо", "no", True),
        ("Жоқ", "no", True),
        ("ні", "no", True),
        ("n", "no", True),
        ("0", "no", True),
        ("false", "no", True),
        ("Count me but do not publish my name", "count", True),
        ("Don't count me", "no", True),
        ("✅", "yes", True),
        ("Yes, publish my name;Only initials", "initials", False),
        ("No, initials only", "initials", False),
        ("Initials and my branch is fine", "initials", True),
        ("Yes, but not my union", "yes", False),
        ("Oui, mais pas mon syndicat", "yes", False),
        ("Так, але не профспілку", "yes", False),
        ("Yes - Jane Roe", "yes", True),
        ("No problem", "yes", True),
        ("Не против, но без профсоюза", "yes", False),
        ("", "blank", True),
        (" ", "blank", True),
    ],
)
def test_answers_still_read_as_people_mean_them(
    written: str, publish_as: str, organisation: bool
) -> None:
    answer = read_answer(written)
    assert answer.publish == publish_as, written
    if publish_as in ("yes", "initials"):
        assert answer.organisation is organisation


@pytest.mark.parametrize(
    ("written", "publish_as"),
    [
        # To "Sign anonymously?" / "Keep my name private": a plain yes is a no, and back.
        ("Yes", "no"),
        ("No", "yes"),
        ("true", "no"),
        ("0", "yes"),
        # Words that say what they mean whichever way the question was asked.
        ("Anonymous please", "no"),
        ("Yes, keep it private", "no"),
        ("Private", "no"),
        ("Анонимно", "no"),
        ("No, publish it", "yes"),
        ("Only my initials", "initials"),
        ("No, not even my initials", "no"),
        ("Not sure", "unclear"),
        ("x", "unclear"),
        ("Consent withdrawn", "no"),
        ("Not me, just the union", "no"),
        ("Yes → No", "unclear"),
    ],
)
def test_answers_to_a_question_asked_the_other_way_round(written: str, publish_as: str) -> None:
    assert read_answer(written, inverted=True).publish == publish_as, written


# -- questions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Do not publish my name", "consent_inverted"),
        ("Don't publish my name", "consent_inverted"),
        ("I do not want my name published", "consent_inverted"),
        ("Tick if you do NOT want your name published", "consent_inverted"),
        ("Please keep me anonymous", "consent_inverted"),
        ("Withhold my name", "consent_inverted"),
        ("Keep my name off the letter", "consent_inverted"),
        ("Не публиковать моё имя", "consent_inverted"),
        ("Не оприлюднювати моє ім’я", "consent_inverted"),
        ("Атымды жарияламаңыз", "consent_inverted"),
        ("Ne pas publier mon nom", "consent_inverted"),
        # Still the right way round.
        ("Can we publish your name? (leave blank if not)", "consent"),
        ("Can we publish your name? Yes/No", "consent"),
        ("Атыңызды жариялауға бола ма? Иә/Жоқ", "consent"),
        ("Keep me updated by email", None),
    ],
)
def test_questions_asked_the_other_way_round_are_read_that_way(
    header: str, field: str | None
) -> None:
    assert classify_header(header)[0] == field


def _csv(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def _publication(*paths: Path, consent: Policy | None = None) -> Publication:
    read, problems = read_many(list(paths), consent=consent)
    assert not problems
    return merge_files(read).publication


def _printed(*paths: Path, consent: Policy | None = None) -> list[str]:
    return [p.name for p in _publication(*paths, consent=consent).printed]


@pytest.mark.parametrize(
    "question",
    [
        "Show my name on the letter?",
        "Can we include your name?",
        "May we print your name?",
        "Would you like your name to appear on the letter?",
        "Name on letter?",
    ],
)
def test_a_consent_question_without_the_word_publish_is_still_the_consent_column(
    tmp_path: Path, question: str
) -> None:
    path = _csv(
        tmp_path,
        "form.csv",
        f'Full name,Organisation,"{question}"\n'
        "Ada Show,Unite,Yes\nZed Show,GMB,No\nBo Blank,GMB,\n",
    )
    read = read_signatories(path)
    assert read.has_consent, read.mapping.describe()
    assert _printed(path) == ["Ada Show"]


def test_a_question_named_by_hand_against_its_own_words_is_warned_about(tmp_path: Path) -> None:
    path = _csv(tmp_path, "form.csv", "Name,Do not publish my name\nXan Notpub,Yes\n")
    read = read_signatories(path, {"consent": "Do not publish my name"})
    assert [p.answer.publish for p in read.people] == ["yes"], "by hand wins"
    (warning,) = [w for w in read.warnings if "other way round" in w.message]
    assert "`consent_inverted`" in warning.message and "Xan" not in warning.message
    read = read_signatories(path, {"consent_inverted": "Do not publish my name"})
    assert [p.answer.publish for p in read.people] == ["no"]
    assert not [w for w in read.warnings if "other way round" in w.message]


def test_a_name_column_that_says_print_is_still_the_name(tmp_path: Path) -> None:
    path = _csv(tmp_path, "sheet.csv", "Name (please print),Publish?\nAda Lovelace,Yes\n")
    assert _printed(path) == ["Ada Lovelace"]


def test_two_consent_columns_the_more_cautious_answer_counts(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "form.csv",
        "Name,Can we publish your name?,Keep my name private,I consent to being contacted\n"
        "Dee Both,Yes,Yes,Yes\nAbe Yes,Yes,No,Yes\nFlo Inits,Yes,,\nGus Nocontact,Yes,No,No\n"
        "Hal Private,,Yes,\n",
    )
    read = read_signatories(path)
    # The contact question is not about publication; the two others are both read.
    assert 'consent ← "Can we publish your name?"' in read.mapping.describe()
    assert 'consent_inverted ← "Keep my name private"' in read.mapping.describe()
    assert not [w for w in read.warnings if "ignored" in w.message and "consent" in w.message]
    assert _printed(path) == ["Abe Yes", "Flo Inits", "Gus Nocontact"]


def test_tick_columns_headed_yes_and_no(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "sheet.csv",
        "No.,Name,Organisation,Yes,No\n1,Tia Tickno,Unite,,x\n2,Uma Tickyes,Unite,X,\n"
        "3,Vic Both,GMB,x,x\n4,Win None,GMB,,\n",
    )
    read = read_signatories(path)
    assert read.has_consent, read.mapping.describe()
    assert _printed(path) == ["Uma Tickyes"]
    # A row-number column headed "No" is not a tick column.
    numbered = _csv(tmp_path, "numbered.csv", "No,Name,Publish?\n1,Ann One,Yes\n2,Bob Two,Yes\n")
    assert _printed(numbered) == ["Ann One", "Bob Two"]


def test_marks_that_are_not_a_yes_are_held_even_where_consent_is_assumed(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "paper.csv",
        "Name,May we publish your name? Y/N\nOli Box,☐\nPam Cross,❌\nQuin Dash,-\n"
        "Rex Blank,\nSid Yes,Y\n",
    )
    assert _printed(path, consent="assumed") == ["Rex Blank", "Sid Yes"]


def test_a_blank_answer_to_the_organisation_question_follows_the_rule(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "form.csv",
        "Name,Organisation,Can we publish your name?,Can we publish your organisation?\n"
        "Ann Org,Unite,Yes,Yes\nBob Noorg,GMB,Yes,\nCal Noorg,GMB,Yes,No\n",
    )
    assert [(p.name, p.organisation) for p in _publication(path).printed] == [
        ("Ann Org", "Unite"),
        ("Bob Noorg", ""),
        ("Cal Noorg", ""),
    ]
    assumed = _publication(path, consent="assumed").printed
    assert [p.organisation for p in assumed] == ["Unite", "GMB", ""]


# -- times --------------------------------------------------------------------------------------


def _moment(text: str, *, utc: bool = False) -> tuple[datetime, datetime, bool]:
    moment = parse_moment(text, column_order([text])[0], guessed=True, utc=utc)
    assert moment is not None, text
    return min(moment.readings), max(moment.readings), moment.zoned


def test_timestamps_in_the_formats_real_exports_write() -> None:
    # Google Forms with its zone: 14:03 at GMT+1 is 13:03 UTC.
    assert _moment("2024/06/01 14:03:22 GMT+1") == (
        datetime(2024, 6, 1, 13, 3, 22),
        datetime(2024, 6, 1, 13, 3, 22),
        True,
    )
    assert _moment("2024/06/01 2:03:22 PM GMT+01:00")[0] == datetime(2024, 6, 1, 13, 3, 22)
    assert _moment("2024-06-01T14:03:22+01:00")[0] == datetime(2024, 6, 1, 13, 3, 22)
    assert _moment("2024-06-01T14:03:22Z")[2] is True
    # Typeform says UTC in the header.
    assert _moment("2024-06-01 13:30:00", utc=True)[2] is True
    # Excel's serial numbers, with the time of day as the fraction.
    assert _moment("45444.5")[0] == datetime(2024, 6, 1, 12, 0)
    # Microsoft Forms from a US tenant (6/1/24 is 1 June there): both readings are kept.
    assert _moment("6/1/24 14:03:22")[:2] == (
        datetime(2024, 1, 6, 14, 3, 22),
        datetime(2024, 6, 1, 14, 3, 22),
    )
    assert _moment("13/06/2024 14:03")[:2] == (datetime(2024, 6, 13, 14, 3),) * 2


# -- merging ------------------------------------------------------------------------------------


def test_a_later_no_in_another_zone_or_format_wins(tmp_path: Path) -> None:
    google = _csv(
        tmp_path,
        "google.csv",
        "Timestamp,Email address,Your full name,Can we publish your name?\n"
        "2024/06/01 14:03:22 GMT+1,gil@example.org,Gil Zone,Yes\n"
        "2024/06/20 10:00:00 GMT+1,mo@example.org,Mo Usdate,Yes\n"
        "2024/06/19 10:00:00 GMT+1,nia@example.org,Nia Serial,Yes\n"
        "2024/06/01 09:00:00 GMT+1,pat@example.org,Pat Early,No\n",
    )
    typeform = _csv(
        tmp_path,
        "typeform.csv",
        "What's your full name?,Email,Do you agree to your name being published?,"
        "Submit Date (UTC)\nGil Zone,gil@example.org,0,2024-06-01 13:30:00\n"
        # An hour after Pat's no (08:00 UTC): he changed his mind.
        "Pat Early,pat@example.org,1,2024-06-01 09:00:00\n",
    )
    msforms = _csv(
        tmp_path,
        "msforms.csv",
        "ID,Completion time,Email,Name,Full name,May we publish your name?\n"
        # 6 July in the US tenant's month-first dates, or 7 June: either way after 20 June?
        # Not 7 June: too close to tell, so the cautious answer counts.
        "1,7/6/24 10:00:00,anonymous,anonymous,Mo Usdate,No\n",
    )
    excel = _csv(
        tmp_path,
        "excel.csv",
        "Name,Email,Date signed,Publish name? (Y/N)\nNia Serial,nia@example.org,45463.5,N\n",
    )
    read, problems = read_many([excel, msforms, google, typeform])
    assert not problems
    report = merge_files(read)
    assert [p.name for p in report.publication.printed] == ["Pat Early"]


def test_letter_entries_count_where_the_letter_lists_them(tmp_path: Path) -> None:
    """A coordinator adds a withdrawal at the end of the list: it is the later answer."""
    _csv(tmp_path, "form.csv", "Name,Organisation,Publish?\nKit Letter,Unite,Yes\nLen Ok,GMB,Yes\n")
    letter = tmp_path / "letter.yaml"
    letter.write_text(
        "template: letter\nsubject: S\nbody: B.\nsignatories:\n  - form.csv\n"
        "  - name: Kit Letter\n    organisation: Unite\n    consent: no\n",
        encoding="utf-8",
    )
    from toolkit import api

    report = api.load(letter).linked
    assert isinstance(report, MergeReport)
    assert [p.name for p in report.publication.printed] == ["Len Ok"]
    assert [(p.file, p.line) for _, p in report.merged] == [(letter, 6)], "its own line"


def _answered(person: Signatory, answer: str) -> Signatory:
    return replace(person, answer=read_answer(answer), policy="required")


def test_same_name_and_organisation_with_another_email_and_another_answer() -> None:
    people = [
        _answered(Signatory("Kay Two", organisation="GMB", email="kay.work@example.org"), "yes"),
        _answered(Signatory("Kay Two", organisation="GMB", email="kay.home@example.org"), "no"),
        _answered(Signatory("Lou Three", email="lou@example.org"), "yes"),
        _answered(Signatory("Lou Three", organisation="Unite", email="lou3@example.org"), "no"),
        _answered(Signatory("Max Four", organisation="GMB", email="max@example.org"), "yes"),
        _answered(Signatory("Max Four", organisation="Unite", email="max4@example.org"), "no"),
    ]
    people = [replace(p, order=i) for i, p in enumerate(people)]
    report = merge_duplicates(people)
    printed = [(p.name, p.organisation) for p in publish(report.kept).printed]
    # Max Four of GMB and Max Four of Unite are two people; the others may be one.
    assert printed == [("Max Four", "GMB")]
    assert any("another answer" in w.message for w in report.warnings)
    assert not any("Kay" in w.message or "Lou" in w.message for w in report.warnings)


def test_a_shared_email_never_prints_the_one_who_said_no() -> None:
    people = [
        Signatory("Ivy Office", email="office@example.org", answer=read_answer("No"), order=0),
        Signatory("Jon Office", email="office@example.org", answer=read_answer("Yes"), order=1),
        Signatory("Ann Same", email="ann@example.org", answer=read_answer("Yes"), order=2),
        Signatory("A. Same", email="ann@example.org", answer=read_answer("Yes"), order=3),
        Signatory("Ivy Twice", email="ivy@example.org", answer=read_answer("Yes"), order=4),
        Signatory("I. Twice", email="ivy@example.org", answer=read_answer("Yes"), order=5),
        Signatory("Ivy Twice", email="ivy@example.org", answer=read_answer("No"), order=6),
    ]
    report = merge_duplicates(people)
    assert [p.name for p in publish(report.kept).printed] == ["Ann Same"]
    said = " ".join(w.message for w in report.warnings) + " ".join(merge_lines(report))
    for secret in ("Ivy", "Jon", "Twice"):
        assert secret not in said
    assert "Ann Same" in said, "a person who may be named still is"


def test_a_printed_detail_never_names_someone_held_back() -> None:
    people = [
        _answered(Signatory("Jane Roe", organisation="Unite"), "No"),
        _answered(Signatory("Amir Khan", organisation="Unite"), "Initials only"),
        _answered(Signatory("Bob Aide", role="Secretary to Jane Roe", organisation="GMB"), "Yes"),
        _answered(Signatory("Cy Group", group="Jane  ROE", organisation="GMB"), "Yes"),
        _answered(Signatory("Di Firm", organisation="Amir Khan Associates"), "Yes"),
        _answered(Signatory("Ed Plain", role="Steward", organisation="Unite"), "Yes"),
    ]
    publication = publish(people)
    printed = {p.name: (p.role, p.organisation, p.group) for p in publication.printed}
    assert printed == {
        "A. K.": ("", "", ""),
        "Bob Aide": ("", "GMB", ""),
        "Cy Group": ("", "GMB", ""),
        "Di Firm": ("", "", ""),
        "Ed Plain": ("Steward", "Unite", ""),
    }
    assert len(publication.details_held) == 3
    assert "Roe" not in publication.details_text()


# -- everything a person can see ----------------------------------------------------------------

HELD = [
    "Bea Splitanswer",
    "Cal Noinitials",
    "Dee Twocolumns",
    "Eve Emailcell",
    "Fay Maybeask",
    "Gil Zonewise",
    "Ivy Officemate",
    "Kay Twoemails",
    "Kit Lettersen",
    "Lee Countmein",
    "Oli Emptybox",
    "Pam Crossmark",
    "Tia Ticknoe",
    "Val Anonby",
    "Xan Notpub",
    "Zed Showno",
]
PRINTED = [
    "Abel Printed",
    "Rex Blank",
    "Sid Yes",
    "Uma Tickyes",
    "Wes Plain",
    "Yul Pubok",
    "Ada Show",
]
FILES = {
    "google.csv": (
        "Timestamp,Email address,Your full name,Organisation / union branch,"
        "Can we publish your name?,Keep my name private\n"
        "2024/06/01 10:00:00 AM GMT+1,abel@example.org,Abel Printed,Unite,Yes,\n"
        "2024/06/01 10:01:00 AM GMT+1,bea@example.org,Bea Splitanswer,GMB,\"Don't publish my"
        ' name;Publish my union",\n'
        '2024/06/01 10:02:00 AM GMT+1,cal@example.org,Cal Noinitials,GMB,"No, not even my'
        ' initials",\n'
        "2024/06/01 10:03:00 AM GMT+1,dee@example.org,Dee Twocolumns,GMB,Yes,Yes\n"
        "2024/06/01 10:04:00 AM GMT+1,Eve Emailcell,Eve Emailcell,GMB,No,\n"
        '2024/06/01 10:05:00 AM GMT+1,fay@example.org,Fay Maybeask,GMB,"maybe, ask Fay Maybeask",\n'
        "2024/06/01 2:03:22 PM GMT+1,gil@example.org,Gil Zonewise,GMB,Yes,\n"
        "2024/06/01 10:06:00 AM GMT+1,office@example.org,Ivy Officemate,GMB,No,\n"
        "2024/06/01 10:08:00 AM GMT+1,office@example.org,Ivy O.,GMB,Yes,\n"
        "2024/06/01 10:07:00 AM GMT+1,kay.work@example.org,Kay Twoemails,GMB,Yes,\n"
        "2024/06/01 10:09:00 AM GMT+1,kit@example.org,Kit Lettersen,Unite,Yes,\n"
        '2024/06/01 10:10:00 AM GMT+1,lee@example.org,Lee Countmein,GMB,"Count me but do not'
        ' publish my name",\n'
    ),
    "typeform.csv": (
        "What's your full name?,Email,Organisation,Do you agree to your name being published?,"
        "Submit Date (UTC)\nGil Zonewise,gil@example.org,GMB,0,2024-06-01 13:30:00\n"
        "Kay Twoemails,kay.home@example.org,GMB,0,2024-06-02 09:00:00\n"
    ),
    "paper.csv": (
        "#,Name,Organisation,May we publish your name? Y/N\n1,Oli Emptybox,Unite,☐\n"
        "2,Pam Crossmark,Unite,❌\n3,Rex Blank,Unite,\n4,Sid Yes,Unite,Y\n"
    ),
    "ticks.csv": "Name,Organisation,Yes,No\nTia Ticknoe,Unite,,x\nUma Tickyes,Unite,x,\n",
    "anon.csv": "Name,Sign anonymously?\nVal Anonby,Anonymous please\nWes Plain,No\n",
    "negated.csv": "Name,Do not publish my name\nXan Notpub,Yes\nYul Pubok,No\n",
    "show.csv": (
        "Full name,Organisation,Show my name on the letter?\nZed Showno,GMB,No\nAda Show,GMB,Yes\n"
    ),
}
LETTER = """\
template: letter
subject: Free the oil workers
body: We, the undersigned, ask for their release.
signatories:
  - google.csv
  - typeform.csv
  - file: paper.csv
    consent: assumed
  - ticks.csv
  - anon.csv
  - negated.csv
  - show.csv
  - name: Kit Lettersen
    organisation: Unite
    consent: no
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run, Run]:
    folder = tmp_path_factory.mktemp("consent-review")
    for name, text in FILES.items():
        _csv(folder, name, text)
    (folder / "letter.yaml").write_text(LETTER, encoding="utf-8")
    build = run_cli("build", folder / "letter.yaml", "-o", folder / "out")
    files = [folder / name for name in FILES]
    listed = run_cli("signatories", *files, "-o", folder / "clean.csv")
    return folder, build, listed


def _docx_parts(path: Path) -> str:
    """Every text in every part of a DOCX (body, headers, footers, properties, comments, alt
    text), tags taken out."""
    with zipfile.ZipFile(path) as archive:
        texts = [
            re.sub(r"<[^>]+>", " ", archive.read(name).decode("utf-8", "replace"))
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        ]
    return squash(" ".join(texts))


def test_nobody_held_back_appears_anywhere(built: tuple[Path, Run, Run]) -> None:
    folder, build, listed = built
    assert build.exit_code == 0, build.stderr
    assert listed.exit_code == 0, listed.stderr
    pdf = squash(pdf_text(folder / "out" / "letter.pdf"))
    from pypdf import PdfReader

    info = PdfReader(folder / "out" / "letter.pdf").metadata
    assert info is not None
    metadata = " ".join(str(value) for value in info.values())
    word = squash(docx_text(folder / "out" / "letter.docx"))
    parts = _docx_parts(folder / "out" / "letter.docx")
    clean = (folder / "clean.csv").read_text("utf-8-sig")
    said = build.stdout + build.stderr + listed.stdout + listed.stderr
    seen = {
        "PDF": pdf,
        "PDF metadata": metadata,
        "DOCX": word,
        "DOCX parts": parts,
        "messages": said,
        "file names": " ".join(p.name for p in folder.rglob("*")),
    }
    for name in HELD:
        for where, text in seen.items():
            assert name not in text, f"{name} in the {where}"
            assert name.split()[1] not in text, f"{name} in the {where}"
    for name in HELD:
        if name != "Kit Lettersen":  # withdrawn in the letter, which `signatories` does not read
            assert name not in clean, name
    assert "Abel Printed" in clean and "Uma Tickyes" in clean


def test_the_counts_say_how_many_were_held(built: tuple[Path, Run, Run]) -> None:
    _, build, _ = built
    # Lee asked to be counted without his name: in the total, never printed.
    assert f"{len(PRINTED) + 1} signatories (" in build.stderr
    assert "1 counted, names not published" in build.stderr
    held = re.search(r"(\d+) held back: (\d+) said no", build.stderr)
    assert held is not None, build.stderr
    # Everyone else held back is counted (one person per name; Ivy's office mate is held too).
    assert int(held[1]) >= len(HELD) - 1
