"""A letter coordinator's story: messy signatory lists become one clean, counted list."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from tests.conftest import EXAMPLES, Run, docx_text, pdf_text, squash
from toolkit.signatories import (
    EXPORT_COLUMNS,
    Signatory,
    group_signatories,
    merge_duplicates,
    read_signatories,
    to_csv,
)

Write = Callable[[str, str], Path]
HEADER = "Timestamp,Full name,Email address,Position,Organisation,Category\r\n"
MESSY = (
    HEADER
    + "2013-11-20 10:00,Helen Marsh,H.Marsh@Example.org ,General Secretary,STU,Officials\r\n"
    + "2013-11-20 10:05,HELEN MARSH,h.marsh@example.org,,,\r\n"
    + "2013-11-20 10:06,  Priya   Raman ,,MP for Eastbridge,Labour,MPs\r\n"
    + "2013-11-20 10:07,priya raman,,,LABOUR,MPs\r\n"
    + "2013-11-20 10:08,,nobody@example.org,,,\r\n"
    + "2013-11-20 10:09,Kirill Sokolov,k@example.org,International Officer,КТР,Officials\r\n"
)


def letter_yaml(signatories: str, extra: str = "") -> str:
    return (
        "template: letter\nsubject: Free the Zhanaozen oil workers\n"
        "body: We ask for your support.\n"
        f"signatories: {signatories}\n{extra}"
    )


def _write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("encoding", "delimiter", "suffix"),
    [
        ("utf-8-sig", ",", ".csv"),
        ("utf-8", ",", ".csv"),
        ("utf-16", ",", ".csv"),
        ("utf-8", ";", ".csv"),
        ("utf-8", "\t", ".tsv"),
    ],
)
def test_a_messy_export_merges_to_the_right_count(
    tmp_path: Path, encoding: str, delimiter: str, suffix: str
) -> None:
    text = MESSY.replace(",", delimiter)
    path = _write_bytes(tmp_path / f"form{suffix}", text.encode(encoding))
    read = read_signatories(path)
    # The only thing said about the file: it has no consent column, so every name prints.
    assert [w.field for w in read.warnings] == ["consent"]
    report = merge_duplicates(read.people)
    assert report.rows_read == 6
    assert [s.name for s in report.kept] == ["Helen Marsh", "Priya Raman", "Kirill Sokolov"]
    helen = report.kept[0]
    assert helen.email == "h.marsh@example.org" and helen.role == "General Secretary"
    assert len(report.merged) == 2
    (skipped,) = report.warnings
    assert skipped.line == 6 and skipped.field == "name"


def test_windows_1252_from_excel_is_read(tmp_path: Path) -> None:
    text = (
        "Name;Organisation;Role\r\n"
        "Amélie Lefèvre;Fédération CGT Pétrole;Secrétaire générale\r\n"
        "Zoë Brontë-Smith;Café Workers’ Union;Organiser\r\n"
        "François Müller;Syndicat des Œuvres;Délégué\r\n"
    )
    path = _write_bytes(tmp_path / "excel.csv", text.encode("cp1252"))
    names = [s.name for s in read_signatories(path).people]
    assert names == ["Amélie Lefèvre", "Zoë Brontë-Smith", "François Müller"]


def test_header_aliases_and_whitespace(tmp_path: Path) -> None:
    text = (
        "E-mail, FULL NAME ,Organization,Job title,Group\n"
        "x@example.org,  Ana \t Costa ,ITF,Officer,Officials\n"
    )
    (person,) = read_signatories(_write_bytes(tmp_path / "f.csv", text.encode())).people
    assert (person.name, person.organisation, person.role, person.group, person.email) == (
        "Ana Costa",
        "ITF",
        "Officer",
        "Officials",
        "x@example.org",
    )


def test_groups_follow_the_given_order_then_first_appearance(tmp_path: Path) -> None:
    people = [
        Signatory("Zed Adams", group="Officials"),
        Signatory("Amy Young", group="Branches"),
        Signatory("Bob Brown"),
        Signatory("Cat Clark", group="MPs"),
        Signatory("Ann Zeller", group="Officials"),
    ]
    grouped = group_signatories(people, ["MPs"], "surname")
    assert [(h, [p.name for p in g]) for h, g in grouped] == [
        ("MPs", ["Cat Clark"]),
        ("Officials", ["Zed Adams", "Ann Zeller"]),
        ("Branches", ["Amy Young"]),
        ("", ["Bob Brown"]),
    ]
    by_name = group_signatories(people, [], "name")
    assert [p.name for p in by_name[0][1]] == ["Ann Zeller", "Zed Adams"]
    as_given = group_signatories(people, [], "as-given")
    assert [p.name for p in as_given[0][1]] == ["Zed Adams", "Ann Zeller"]


def test_export_is_formula_safe(tmp_path: Path) -> None:
    people = [
        Signatory('=HYPERLINK("http://evil")', role="+44 7700 900123", organisation="@union"),
        Signatory("-2+3", email="a@example.org"),
    ]
    rows = list(csv.DictReader(io.StringIO(to_csv(people).decode("utf-8-sig"))))
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    assert [rows[0][k] for k in ("name", "role", "organisation")] == [
        '\'=HYPERLINK("http://evil")',
        "'+44 7700 900123",
        "'@union",
    ]
    assert rows[1]["name"] == "'-2+3"


def test_the_example_letter_prints_grouped_counted_names_and_no_emails(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    source = EXAMPLES / "zhanaozen" / "open-letter.yaml"
    run = cli("build", source, "-o", tmp_path)
    assert run.exit_code == 0, run.stderr
    assert re.search(r"signatories\.csv:\d+: name: warning: row without a name", run.stderr)
    pdf, word = tmp_path / "open-letter.pdf", tmp_path / "open-letter.docx"
    for text in (squash(pdf_text(pdf)), squash(docx_text(word))):
        assert "19 signatories" in text.replace("19 SIGNATORIES", "19 signatories")
        assert "Members of Parliament (5 signatories)" in text
        assert "Helen Marsh" in text and "HELEN MARSH" not in text
        assert "Unison <Birkbeck>" in text and "Tomás O'Connell" in text
        assert "Профспілка «Захист праці»" in text and "Жаңаөзен мұнайшылары" in text
        assert "Northgate & Millford" in text
        assert "@example.org" not in text.replace("justice.kazakh.oil@example.org", "")
    assert "@example.org" not in str(PdfReader(pdf).metadata)
    props = docx.Document(str(word)).core_properties
    assert "@" not in f"{props.title}{props.author}{props.comments}{props.subject}"
    # MPs are sorted by surname in the order the letter gives.
    text = squash(pdf_text(pdf))
    mps = ["Llewellyn", "Okafor", "Price", "Raman", "Whitfield"]
    positions = [text.index(name) for name in mps]
    assert positions == sorted(positions)
    groups = ["Branches and organisations", "Members of Parliament", "Trade union officials"]
    positions = [text.index(group) for group in groups]
    assert positions == sorted(positions)


def test_a_thousand_signatories_fit_on_a_handful_of_pages(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    lines = [HEADER]
    for n in range(1000):
        group = ("Branches", "Officials", "Members")[n % 3]
        lines.append(
            f"2013-11-20,Member {n:04d} Surname{n:04d},m{n}@example.org,Steward,Branch {n % 40},"
            f"{group}\r\n"
        )
    (tmp_path / "big.csv").write_text("".join(lines), encoding="utf-8")
    source = write("letter.yaml", letter_yaml("big.csv"))
    run = cli("build", source, "-o", tmp_path / "out")
    assert run.exit_code == 0, run.stderr
    pages = len(PdfReader(tmp_path / "out" / "letter.pdf").pages)
    assert pages <= 8, f"{pages} pages for 1,000 names"
    text = squash(pdf_text(tmp_path / "out" / "letter.pdf"))
    assert "1,000 signatories" in text.replace("SIGNATORIES", "signatories")
    assert "Member 0999 Surname0999" in text and "@example.org" not in text
    document = docx.Document(str(tmp_path / "out" / "letter.docx"))
    columns = document.element.body.xpath(".//w:sectPr/w:cols/@w:num")
    assert "3" in columns, "long lists are set in three Word columns"


def test_signatories_written_in_the_letter(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    source = write(
        "letter.yaml",
        letter_yaml(
            "\n  - name: Ана Сейтқали\n    organisation: Қазақстан мұнайшылары\n"
            "  - name: Jo Bloggs\n    email: jo@example.org\n"
            "  - name: JO BLOGGS\n    email: JO@example.org\n    role: Steward\n"
        ),
    )
    run = cli("build", source, "-o", tmp_path / "out")
    assert run.exit_code == 0, run.stderr
    text = squash(docx_text(tmp_path / "out" / "letter.docx"))
    assert "Ана Сейтқали, Қазақстан мұнайшылары" in text
    assert "Jo Bloggs, Steward" in text and "JO BLOGGS" not in text
    assert "2 signatories" in text.replace("SIGNATORIES", "signatories")


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ({}, r"letter\.yaml:4: signatories: signatories file 'people\.csv' not found"),
        ({"people.csv": b"Colour,Size\nred,L\n"}, r"people\.csv:1: no known column"),
        ({"people.csv": b""}, r"people\.csv: the file is empty"),
        ({"people.csv": b"Name\n" + b"x" * 3000 + b"\n"}, r"people\.csv:2: Name: a cell holds"),
    ],
)
def test_bad_signatory_files_are_clear_errors_and_others_still_build(
    cli: Callable[..., Run],
    write: Write,
    tmp_path: Path,
    setup: dict[str, bytes],
    expected: str,
) -> None:
    for name, data in setup.items():
        (tmp_path / name).write_bytes(data)
    bad = write("letter.yaml", letter_yaml("people.csv"))
    good = write("good.yaml", letter_yaml("\n  - name: Jo Bloggs\n"))
    run = cli("build", bad, good, "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 1 and run.exception is None
    assert "Traceback" not in run.stderr
    assert re.search(expected, run.stderr), run.stderr
    assert (tmp_path / "out" / "good.pdf").exists()
    assert not (tmp_path / "out" / "letter.pdf").exists()


def test_sign_on_sheet_has_the_rows_asked_for_on_every_page(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    write("letter.yaml", letter_yaml("[]"))
    source = write(
        "sheet.yaml",
        "template: sign-on-sheet\nletter: letter.yaml\nrows: 12\npages: 3\n",
    )
    run = cli("build", source, "-o", tmp_path / "out")
    assert run.exit_code == 0, run.stderr
    reader = PdfReader(tmp_path / "out" / "sheet.pdf")
    assert len(reader.pages) == 3
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width > height, "landscape"
        text = page.extract_text()
        numbers = [int(n) for n in re.findall(r"^\s*(\d{1,2})\s*$", text, re.M)]
        assert numbers == list(range(1, 13)), text
        assert "Free the Zhanaozen oil workers" in squash(text)
        assert "We ask for your support." in squash(text), "summary from the letter"
    document = docx.Document(str(tmp_path / "out" / "sheet.docx"))
    assert len(document.tables) == 3
    for table in document.tables:
        assert len(table.rows) == 1 + 12
        assert [c.text for c in table.rows[0].cells][1:] == [
            "Name",
            "Role",
            "Organisation",
            "Email",
            "May we publish your name? Y/N",
            "Signature",
        ]


def test_signatories_command_reports_and_writes_a_clean_csv(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    first = _write_bytes(tmp_path / "form.csv", MESSY.encode("utf-8-sig"))
    second = _write_bytes(
        tmp_path / "sheet.csv", b"Name,Organisation\nKIRILL SOKOLOV,\xd0\x9a\xd0\xa2\xd0\xa0\n"
    )
    run = cli("signatories", first, second, "-o", tmp_path / "clean.csv")
    assert run.exit_code == 0, run.stderr
    assert f"{first}: 6 rows read" in run.stdout and f"{second}: 1 row read" in run.stdout
    assert "3 signatories (7 rows read from 2 files, 3 duplicates merged, 1 skipped)" in run.stdout
    assert f"merged {second}:2 (KIRILL SOKOLOV) into {first}:7 (Kirill Sokolov)" in run.stdout
    assert re.search(r"form\.csv:6: name: warning: row without a name", run.stderr)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "clean.csv").read_text("utf-8-sig"))))
    assert [r["name"] for r in rows] == ["Helen Marsh", "Priya Raman", "Kirill Sokolov"]


def _people(tmp_path: Path, text: str, encoding: str = "utf-8") -> list[Signatory]:
    path = _write_bytes(tmp_path / "form.csv", text.encode(encoding))
    return merge_duplicates(read_signatories(path).people).kept


def test_first_and_last_name_columns_make_the_name(tmp_path: Path) -> None:
    google = (
        '"Timestamp","Email Address","First name","Last name","Your organisation",'
        '"Your role","Which category best describes you?"\n'
        '"2013/11/20","a@example.org","Ana","Costa","ITF","Officer","Officials"\n'
    )
    (person,) = _people(tmp_path, google)
    assert (person.name, person.organisation, person.role, person.group) == (
        "Ana Costa",
        "ITF",
        "Officer",
        "Officials",
    )
    action_network = "first_name,last_name,email\nJo,Bloggs,jo@example.org\n"
    assert [p.name for p in _people(tmp_path, action_network)] == ["Jo Bloggs"]


def test_the_better_named_column_wins(tmp_path: Path) -> None:
    text = "Title,Name,Job title\nDr,Helen Marsh,General Secretary\n"
    (person,) = _people(tmp_path, text)
    assert person.role == "General Secretary"


def test_a_file_without_a_name_column_is_an_error(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    (tmp_path / "people.csv").write_text("Email,Organisation\na@example.org,ITF\n")
    source = write("letter.yaml", letter_yaml("people.csv"))
    run = cli("check", source)
    assert run.exit_code == 1
    assert re.search(r"people\.csv:1: name: no name column", run.stderr), run.stderr


def test_emails_never_reach_a_printed_line(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    (tmp_path / "people.csv").write_text(
        "Name,Role,Organisation\n"
        "Helen Marsh <helen.marsh@example.org>,General Secretary,STU\n"
        "jo.bloggs@example.org,,\n"
        'Priya Raman,"MP, contact p.raman@example.org",Labour\n'
    )
    source = write("letter.yaml", letter_yaml("people.csv"))
    run = cli("build", source, "-o", tmp_path / "out")
    assert run.exit_code == 0, run.stderr
    assert re.search(r"people\.csv:3: name: warning: the name is an email", run.stderr)
    assert re.search(r"people\.csv:4: role: warning: an email address was removed", run.stderr)
    for path in (tmp_path / "out" / "letter.pdf", tmp_path / "out" / "letter.docx"):
        text = pdf_text(path) if path.suffix == ".pdf" else docx_text(path)
        assert "@" not in text
        assert "Helen Marsh, General Secretary, STU" in squash(text)
    with zipfile.ZipFile(tmp_path / "out" / "letter.docx") as archive:
        assert not any(b"@example.org" in archive.read(name) for name in archive.namelist())


@pytest.mark.parametrize(
    ("rows", "names"),
    [
        # Capitals and lower case give way to a properly cased spelling.
        (
            "HELEN MARSH,h@example.org\nhelen marsh,h@example.org\nHelen Marsh,h@example.org\n",
            ["Helen Marsh"],
        ),
        # Pasted addresses are the same address.
        ("Helen Marsh,mailto:H@example.org\nHelen Marsh,<h@example.org>\n", ["Helen Marsh"]),
        # Titles, full stops and accents do not make another person (without emails).
        (
            "Dr. Helen Marsh,\nHelen Marsh,\nTomás Ruiz,\nTomas Ruiz,\n",
            ["Dr. Helen Marsh", "Tomás Ruiz"],
        ),
        # "anonymous" is not an email: two people, not one.
        ("Helen Marsh,anonymous\nPriya Raman,anonymous\n", ["Helen Marsh", "Priya Raman"]),
    ],
)
def test_merge_rules_on_real_world_spellings(tmp_path: Path, rows: str, names: list[str]) -> None:
    assert [p.name for p in _people(tmp_path, "Name,Email\n" + rows)] == names


def test_a_shared_email_with_another_name_is_merged_with_a_warning(tmp_path: Path) -> None:
    path = _write_bytes(
        tmp_path / "f.csv", b"Name,Email\nHelen Marsh,office@stu.org\nJohn Smith,office@stu.org\n"
    )
    report = merge_duplicates(read_signatories(path).people)
    assert len(report.kept) == 1
    (warning,) = report.warnings
    assert warning.line == 3 and "another name (John Smith)" in warning.message


def test_ungrouped_signatories_get_their_own_heading(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    source = write(
        "letter.yaml",
        letter_yaml(
            "\n  - name: Priya Raman\n    group: Members of Parliament\n"
            "  - name: Jo Bloggs\n  - name: Ann Other\n"
        ),
    )
    assert cli("build", source, "-o", tmp_path / "out", "-f", "pdf").exit_code == 0
    text = squash(pdf_text(tmp_path / "out" / "letter.pdf"))
    assert "Members of Parliament (1 signatory)" in text
    assert "Other signatories (2 signatories)" in text
    assert text.index("Other signatories") < text.index("Jo Bloggs")


def test_cyrillic_in_windows_1251_and_utf16_text_from_excel(tmp_path: Path) -> None:
    text = "Имя\tФамилия\tОрганизация\r\nАйгерим\tНурланқызы\tКТР\r\n"
    path = _write_bytes(tmp_path / "excel.txt", text.encode("utf-16"))
    assert [p.name for p in read_signatories(path).people] == ["Айгерим Нурланқызы"]
    russian = "ФИО;Организация\r\nКирилл Соколов;Конфедерация труда России\r\n"
    path = _write_bytes(tmp_path / "ru.csv", russian.encode("cp1251"))
    (person,) = read_signatories(path).people
    assert (person.name, person.organisation) == ("Кирилл Соколов", "Конфедерация труда России")


def test_signatories_command_keeps_the_old_csv_when_an_input_fails(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    good = _write_bytes(tmp_path / "form.csv", MESSY.encode())
    (tmp_path / "clean.csv").write_text("the previous good list")
    run = cli("signatories", good, tmp_path / "missing.csv", "-o", tmp_path / "clean.csv")
    assert run.exit_code == 1
    assert (tmp_path / "clean.csv").read_text() == "the previous good list"


def test_a_thousand_count_is_grouped_in_thousands(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    rows = "".join(f"Person {n}\n" for n in range(1200))
    (tmp_path / "people.csv").write_text("Name\n" + rows)
    source = write("letter.yaml", letter_yaml("people.csv"))
    run = cli("build", source, "-o", tmp_path / "out", "-f", "docx")
    assert run.exit_code == 0, run.stderr
    assert "1,200 signatories" in docx_text(tmp_path / "out" / "letter.docx")
    assert re.search(r"letter\.yaml: letter, 1200 signatories \(1200 rows read", run.stderr)


def test_columns_named_by_hand_in_the_letter_and_on_the_command_line(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    (tmp_path / "sheet.csv").write_text(
        "Contact name,Name (please print),Publish?\nthe office,Jane Roe,Yes\n", encoding="utf-8"
    )
    source = write(
        "letter.yaml",
        letter_yaml(
            "\n  - file: sheet.csv\n    columns:\n      name: Name (please print)\n",
            "columns:\n  role: Contact name\n",
        ),
    )
    run = cli("check", source)
    assert run.exit_code == 0, run.stderr
    assert 'role ← "Contact name" (by hand); name ← "Name (please print)" (by hand)' in run.stderr
    run = cli("signatories", tmp_path / "sheet.csv", "--column", "name=Name (please print)")
    assert run.exit_code == 0 and "1 signatory (1 row read" in run.stdout, run.stdout
    bad = cli("check", write("bad.yaml", letter_yaml("sheet.csv", "columns:\n  name: Nmae\n")))
    assert bad.exit_code == 1
    assert re.search(r'sheet\.csv:1: columns\.name: no column "Nmae" in the first line', bad.stderr)
