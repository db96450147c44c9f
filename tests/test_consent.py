"""Consent is sacred: who said no is never printed, exported or named; the rules are pure
functions a web form can reuse."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Run, docx_text, pdf_text, squash
from toolkit.consent import BLANK, Answer, decide, initials, read_answer
from toolkit.signatories import (
    EXPORT_COLUMNS,
    Signatory,
    classify_header,
    merge_duplicates,
    merge_files,
    publish,
    read_signatories,
    tidy,
)

Write = Callable[[str, str], Path]


@pytest.mark.parametrize(
    ("written", "publish_as", "organisation"),
    [
        ("Yes", "yes", True),
        ("yes please", "yes", True),
        ("Y", "yes", True),
        ("✓", "yes", True),
        ("1", "yes", True),
        ("true", "yes", True),
        ("Happy for you to use my name", "yes", True),
        ("Oui", "yes", True),
        ("Да", "yes", True),
        ("Иә", "yes", True),
        ("Так", "yes", True),
        ("No", "no", True),
        ("No thanks", "no", True),
        ("NO", "no", True),
        ("Please don't", "no", True),
        ("I'd rather not", "no", True),
        ("0", "no", True),
        ("Non", "no", True),
        ("Нет", "no", True),
        ("Жоқ", "no", True),
        ("Ні", "no", True),
        ("N", "no", True),
        ("Only my initials please", "initials", False),
        ("No, initials only", "initials", False),
        ("Initials and my branch is fine", "initials", True),
        ("Только инициалы", "initials", False),
        ("Yes, but not my union", "yes", False),
        ("Maybe - ask me later", "unclear", True),
        ("x", "unclear", True),
        ("", "blank", True),
        ("   ", "blank", True),
    ],
)
def test_answers_read_as_people_mean_them(
    written: str, publish_as: str, organisation: bool
) -> None:
    answer = read_answer(written)
    assert answer.publish == publish_as
    if publish_as in ("yes", "initials"):
        assert answer.organisation is organisation


def test_what_may_be_printed() -> None:
    assert decide(Answer("yes"), "required") == ("full", "")
    assert decide(Answer("initials"), "required") == ("initials", "")
    assert decide(Answer("no"), "assumed") == ("held", "said no")
    assert decide(Answer("unclear"), "assumed") == ("held", "unclear answer")
    assert decide(BLANK, "required") == ("held", "no answer")
    assert decide(BLANK, "assumed") == ("full", "")
    assert initials("Mary-Jane O'Brien") == "M.-J. O."
    assert initials("Кирилл Соколов") == "К. С."


def test_a_web_form_signature_goes_through_the_same_rules() -> None:
    """What the campaign site (issue 17) will call: tidy, merge, publish."""
    form = [
        tidy(Signatory("  Jo  Bloggs ", organisation="GMB", answer=read_answer("yes"), order=0)),
        tidy(Signatory("Ann Other", answer=read_answer("no"), order=1)),
        tidy(Signatory("Jo Bloggs", organisation="GMB", answer=read_answer("initials"), order=2)),
    ]
    report = merge_duplicates(form)
    publication = publish(report.kept)
    assert [p.name for p in publication.printed] == ["J. B."]
    assert publication.held_text() == "1 held back: 1 said no"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Your full name", "name"),
        ("Name (as you'd like it to appear)", "name"),
        ("Contact name", "name"),
        ("Organisation / union branch", "organisation"),
        ("Your union or organisation", "organisation"),
        ("Trade union", "organisation"),
        ("Role in union", "role"),
        ("Job title", "role"),
        ("Title", "title"),
        ("Can we publish your name?", "consent"),
        ("May we publish your name? Y/N", "consent"),
        ("Display my name publicly on the letter", "consent"),
        ("Можно опубликовать ваше имя? Да/Нет", "consent"),
        ("Чи можна оприлюднити ваше ім’я? Так/Ні", "consent"),
        ("Sign anonymously?", "consent_inverted"),
        ("Can we publish your organisation?", "organisation_consent"),
        ("can2_subscription_status", None),
        ("Keep me updated by email", None),
        ("Timestamp", "timestamp"),
        ("Completion time", "timestamp"),
        ("Submit Date (UTC)", "timestamp"),
        ("OPTIN_TIME", "timestamp"),
        ("Email Address", "email"),
        ("What's your email? (we never publish it)", "email"),
        ("ФИО", "name"),
        ("Any message for the minister?", None),
        ("Any notes?", None),
        ("Union membership number", None),
        ("Home address", None),
        ("Mobile", None),
        ("Name of your union", "organisation"),
    ],
)
def test_headers_of_real_exports(header: str, field: str | None) -> None:
    assert classify_header(header)[0] == field


def _csv(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_an_honorific_is_never_a_role_and_prints_only_when_it_means_something(
    tmp_path: Path,
) -> None:
    path = _csv(
        tmp_path,
        "crm.csv",
        "Title,First name,Last name,Organisation,Publish?\n"
        "Dr,Jane,Roe,UCU,Yes\nMr,John,Smith,GMB,Yes\nCllr,Asha,Patel,,Yes\n",
    )
    people = read_signatories(path).people
    assert [(p.role, p.title) for p in people] == [("", "Dr"), ("", "Mr"), ("", "Cllr")]
    assert [p.printed_name for p in people] == ["Dr Jane Roe", "John Smith", "Cllr Asha Patel"]
    # A "Title" column full of job titles is the role.
    path = _csv(tmp_path, "jobs.csv", "Name,Title\nJane Roe,General Secretary\nJo Li,Steward\n")
    assert [p.role for p in read_signatories(path).people] == ["General Secretary", "Steward"]


def test_columns_named_by_hand_win_and_bad_names_are_clear(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "form.csv",
        "Contact name,Name (as you'd like it to appear),Publish\nJ Roe,Jane Roe,Yes\n",
    )
    read = read_signatories(path, {"name": "Name (as you'd like it to appear)"})
    assert [p.name for p in read.people] == ["Jane Roe"]
    assert 'name ← "Name (as you\'d like it to appear)" (by hand)' in read.mapping.describe()
    with pytest.raises(Exception, match=r'no column "Full name" in the first line'):
        read_signatories(path, {"name": "Full name"})
    with pytest.raises(Exception, match=r"'nmae' is not a signatory field: did you mean 'name'"):
        read_signatories(path, {"nmae": "Contact name"})


def test_the_latest_answer_wins_by_time_then_by_order(tmp_path: Path) -> None:
    first = _csv(
        tmp_path,
        "first.csv",
        "Timestamp,Name,Email,Can we publish your name?\n"
        "15/06/2024 09:00:00,Dave Okoro,dave@example.org,No\n"
        "13/06/2024 09:00:00,Ravi Singh,ravi@example.org,No\n",
    )
    second = _csv(
        tmp_path,
        "second.csv",
        "Timestamp,Name,Email,Can we publish your name?\n"
        # Earlier than Dave's "no", though read later: the no stands.
        # (Days past the 12th: 04/06/2024 in both files could be April or June in either.)
        "14/06/2024 10:00:00,Dave Okoro,dave@example.org,Yes\n"
        # Later than Ravi's "no": he changed his mind.
        "16/06/2024 10:00:00,Ravi Singh,ravi@example.org,Yes\n",
    )
    third = _csv(
        tmp_path, "third.csv", "Name,Email,Publish my name\nRavi Singh,ravi@example.org,\n"
    )
    files = [read_signatories(p, first=i * 10) for i, p in enumerate((first, second, third))]
    report = merge_files(files)
    assert [p.name for p in report.publication.printed] == ["Ravi Singh"]
    assert report.publication.held_text() == "1 held back: 1 said no"
    changed = [(loser.place, winner.place) for loser, winner in report.answers_changed]
    assert (f"{first}:3", f"{second}:3") in changed  # Ravi: the later yes
    assert (f"{second}:2", f"{first}:2") in changed  # Dave: the later no


def test_the_command_never_names_anyone_held_back(cli: Callable[..., Run], tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "form.csv",
        "Name,Email,Can we publish your name?\n"
        "Mick Brennan,mick@example.org,No\nMICK BRENNAN,mick@example.org,NO\n"
        "Ann Lee,ann@example.org,Only my initials please\nAnn Lee,ann@example.org,initials\n"
        "Jo Bloggs,jo@example.org,Yes\nJO BLOGGS,jo@example.org,yes\n"
        "Sam Hill,sam@example.org,maybe\n",
    )
    run = cli("signatories", path, "-o", tmp_path / "clean.csv")
    assert run.exit_code == 0, run.stderr
    for secret in ("Brennan", "BRENNAN", "Ann Lee", "Sam Hill"):
        assert secret not in run.stdout + run.stderr
    assert "merged" in run.stdout and "(Jo Bloggs)" in run.stdout
    assert "2 held back: 1 said no, 1 unclear answer; 1 as initials" in run.stdout
    assert re.search(r"form\.csv:8: consent: warning: the answer 'maybe' says neither", run.stderr)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "clean.csv").read_text("utf-8-sig"))))
    assert [(r["name"], r["consent"]) for r in rows] == [
        ("A. L.", "initials only"),
        ("Jo Bloggs", "yes"),
    ]
    assert "Brennan" not in (tmp_path / "clean.csv").read_text("utf-8-sig")


def test_the_cleaned_list_reads_back_to_the_same_letter(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    source = _csv(
        tmp_path,
        "form.csv",
        "Timestamp,Name,Organisation,Role,Can we publish your name?\n"
        "2024-06-01 10:00,@SUM(1+1),=cmd|' /C calc'!A0,-Rep,Yes\n"
        "2024-06-01 11:00,Jo Hart,NEU Bradford,Rep,Initials and my branch\n"
        "2024-06-01 12:00,Ann Lee,,,No\n",
    )
    clean = tmp_path / "clean.csv"
    assert cli("signatories", source, "-o", clean).exit_code == 0
    text = clean.read_text("utf-8-sig")
    assert "'@SUM(1+1)" in text and "'=cmd" in text, "protected for spreadsheets"
    assert next(iter(csv.reader(io.StringIO(text)))) == list(EXPORT_COLUMNS)
    again = read_signatories(clean).people
    assert [(p.name, p.organisation, p.role) for p in publish(again).printed] == [
        ("@SUM(1+1)", "=cmd|' /C calc'!A0", "-Rep"),
        ("J. H.", "NEU Bradford", ""),
    ]
    assert [p.source for p in again] == [f"{source}:2", f"{source}:3"]
    # Elsewhere an apostrophe is what the person typed.
    other = _csv(tmp_path, "other.csv", "Name,Role\n'@home,x\n")
    assert read_signatories(other).people[0].name == "'@home"


def test_output_may_not_overwrite_an_input(cli: Callable[..., Run], tmp_path: Path) -> None:
    source = _csv(tmp_path, "export.csv", "Name,Publish?\nJo Bloggs,Yes\n")
    before = source.read_bytes()
    run = cli("signatories", source, "-o", tmp_path / "." / "export.csv")
    assert run.exit_code == 2
    assert "is one of the files read" in run.stderr
    assert source.read_bytes() == before


def test_a_paper_sheet_typed_back_is_read_with_its_consent_column(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    write("letter.yaml", "template: letter\nsubject: S\nbody: B.\nsignatories: []\n")
    sheet = write("sheet.yaml", "template: sign-on-sheet\nletter: letter.yaml\nrows: 3\n")
    run = cli("build", sheet, "-o", tmp_path / "out")
    assert run.exit_code == 0, run.stderr
    pdf = squash(pdf_text(tmp_path / "out" / "sheet.pdf")).casefold()
    assert "may we publish your name? y/n" in pdf
    word = docx_text(tmp_path / "out" / "sheet.docx")
    assert "May we publish your name? Y/N" in word
    # Typed up with the sheet's own headers, then built into the letter.
    _csv(
        tmp_path,
        "typed.csv",
        "#,Name,Role,Organisation,Email,May we publish your name? Y/N\n"
        "1,Bernie Walsh,Secretary,Wakefield TC,,Y\n2,Femi Adebayo,,Unite,,N\n3,Gill Pearson,,,,\n",
    )
    write("letter.yaml", "template: letter\nsubject: S\nbody: B.\nsignatories: typed.csv\n")
    run = cli("build", tmp_path / "letter.yaml", "-o", tmp_path / "out", "-f", "docx")
    assert run.exit_code == 0, run.stderr
    text = docx_text(tmp_path / "out" / "letter.docx")
    assert "Bernie Walsh" in text and "Femi" not in text and "Gill" not in text
    assert "1 signatory (3 rows read" in run.stderr
    assert "2 held back: 1 said no, 1 no answer" in run.stderr


def test_consent_assumed_prints_blanks_but_never_a_no(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    _csv(tmp_path, "paper.csv", "Name,Publish?\nBernie Walsh,\nFemi Adebayo,N\n")
    letter = write(
        "letter.yaml",
        "template: letter\nsubject: S\nbody: B.\nconsent: assumed\nsignatories:\n"
        "  - paper.csv\n  - name: Typed In\n  - name: Said No\n    consent: no\n",
    )
    run = cli("build", letter, "-o", tmp_path / "out", "-f", "docx")
    assert run.exit_code == 0, run.stderr
    text = docx_text(tmp_path / "out" / "letter.docx")
    assert "Bernie Walsh" in text and "Typed In" in text
    assert "Femi" not in text and "Said No" not in text
    assert "Said No" not in run.stderr and "Femi" not in run.stderr


def test_a_file_without_a_consent_column_is_said_once(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    _csv(tmp_path, "people.csv", "Name\nA One\nB Two\n")
    letter = write(
        "letter.yaml", "template: letter\nsubject: S\nbody: B.\nsignatories: people.csv\n"
    )
    run = cli("check", letter)
    assert run.exit_code == 0
    lines = [line for line in run.stderr.splitlines() if "consent: warning" in line]
    assert len(lines) == 1 and "every name is printed" in lines[0]
    letter.write_text(letter.read_text() + "consent: assumed\n")
    assert "consent: warning" not in cli("check", letter).stderr
