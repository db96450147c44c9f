"""A letter coordinator's real week: a Google Forms export, an Action Network petition and a
union office's Excel sheet become one open letter, with exactly the people who agreed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import Run, docx_text, pdf_text, run_cli, squash

EXPORTS = Path(__file__).resolve().parent / "fixtures" / "exports"
LETTER = """\
template: letter
subject: Free the jailed oil workers of Zhanaozen
body: We, the undersigned, ask you to press for their release.
sort: surname
signatories:
  - google-forms.csv
  - action-network.csv
  - excel-cp1252.csv
"""
# Who agreed (as they print), and who did not (never to appear anywhere).
PRINTED = [
    "Aoife O'Brien",
    "María García López",
    "Pieter van der Berg",
    "J. H., NEU Bradford",
    "Niamh Kelly",
    "Gareth Llewellyn",
    "Kate Shepherd",
    "Carmen García López",
    "Dr Amélie Lefèvre",
    "François Müller",
    "Cllr Zoë Brontë-Smith",
    "Noël Dupré",
]
HELD = [
    "Brennan",
    "Sarah Lowe",
    "Nwosu",
    "Okoro",
    "Ravi Singh",
    "Nowak",
    "Di Maio",
    "de Souza",
    "Bhriain",
    "Renée",
]


@pytest.fixture(scope="module")
def letter(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    folder = tmp_path_factory.mktemp("letter")
    for name in ("google-forms.csv", "action-network.csv", "excel-cp1252.csv"):
        shutil.copy(EXPORTS / name, folder / name)
    (folder / "letter.yaml").write_text(LETTER, encoding="utf-8")
    run = run_cli("build", folder / "letter.yaml", "-o", folder / "out")
    return folder, run


def test_three_exports_make_one_letter_of_those_who_agreed(letter: tuple[Path, Run]) -> None:
    folder, run = letter
    assert run.exit_code == 0, run.stderr
    for path in (folder / "out" / "letter.pdf", folder / "out" / "letter.docx"):
        text = squash(pdf_text(path) if path.suffix == ".pdf" else docx_text(path))
        for name in PRINTED:
            assert name in text, (name, path.name)
        for name in HELD:
            assert name not in text, (name, path.name)
        assert "12 signatories" in text.replace("SIGNATORIES", "signatories")
        assert "Mr François" not in text and "Mx" not in text
        assert "@example.org" not in text
    for name in HELD:
        assert name not in run.stdout + run.stderr


def test_the_report_counts_those_held_back_per_file_and_in_total(
    letter: tuple[Path, Run],
) -> None:
    folder, _ = letter
    run = run_cli("check", folder / "letter.yaml")
    assert run.exit_code == 0, run.stderr
    assert (
        "letter, 12 signatories (24 rows read from 3 files, 2 duplicates merged, 0 skipped;"
        " 10 held back: 6 said no, 1 unclear answer, 3 no answer; 1 as initials)"
    ) in run.stdout
    google = folder / "google-forms.csv"
    assert f'{google}:1: columns: timestamp ← "Timestamp"; email ← "Email address"; name ←' in (
        run.stderr
    )
    assert 'ignored: "Any message for the minister?"' in run.stderr
    assert f"{google}: 12 rows read; consent: blank answers held back; 6 held back" in run.stderr
    assert f"{folder / 'excel-cp1252.csv'}: 6 rows read" in run.stderr
    # Dave Okoro changed his mind; Kate Shepherd's initials-only answer was overtaken by the
    # petition read after it (neither file's time can be compared with the other's).
    assert f"{google}:11: consent: the later answer (2024-06-05 09:00) counts" in run.stderr
    assert (
        f"{folder / 'action-network.csv'}:6: consent: the later answer (read later) counts,"
        f" not the one at {google}:6"
    ) in run.stderr


def test_names_sort_by_the_real_surname(letter: tuple[Path, Run]) -> None:
    folder, _ = letter
    text = squash(pdf_text(folder / "out" / "letter.pdf"))
    # van der Berg under B, the compound García López under G (from a surname column),
    # O'Brien under O; María García López, from a full-name column, under López.
    order = [
        "Pieter van der Berg",
        "Cllr Zoë Brontë-Smith",
        "Noël Dupré",
        "Carmen García López",
        "Niamh Kelly",
        "Dr Amélie Lefèvre",
        "Gareth Llewellyn",
        "María García López",
        "François Müller",
        "Aoife O'Brien",
        "Kate Shepherd",
    ]
    positions = [text.index(name) for name in order]
    assert positions == sorted(positions), sorted(zip(positions, order, strict=True))


def test_every_export_shape_is_read(cli: object) -> None:
    """Each fixture's columns are recognised without help (see the folder's README)."""
    from toolkit.signatories import read_signatories

    expected = {
        "google-forms.csv": {"name", "organisation", "role", "consent", "timestamp", "email"},
        "microsoft-forms.csv": {"name", "organisation", "role", "consent", "timestamp"},
        "action-network.csv": {"first_name", "last_name", "organisation", "role", "consent"},
        "mailchimp.csv": {"first_name", "last_name", "email", "organisation", "consent"},
        "typeform.csv": {"name", "organisation", "role", "email", "consent", "timestamp"},
        "excel-cp1252.csv": {"title", "first_name", "last_name", "role", "consent"},
        "sign-on-sheet-typed.csv": {"name", "role", "organisation", "email", "consent"},
    }
    for name, fields in expected.items():
        read = read_signatories(EXPORTS / name)
        assert fields <= set(read.mapping.fields), (name, read.mapping.describe())
        assert read.has_consent, name
    microsoft = read_signatories(EXPORTS / "microsoft-forms.csv")
    assert [p.name for p in microsoft.people][:2] == ["Helen Marsh", "Kirill Sokolov"]
    assert '"Name" (only "anonymous" in it)' in microsoft.mapping.describe()
    mailchimp = read_signatories(EXPORTS / "mailchimp.csv")
    assert "(a mailing-list opt-in" not in mailchimp.mapping.describe()
    network = read_signatories(EXPORTS / "action-network.csv")
    assert '"can2_subscription_status" (a mailing-list opt-in, not consent to publish)' in (
        network.mapping.describe()
    )
    assert network.people[0].organisation == "Unite, Leeds Bus"


def test_russian_names_sort_surname_first(cli: object, tmp_path: Path) -> None:
    from toolkit.signatories import group_signatories, read_signatories

    (tmp_path / "ru.csv").write_text(
        "ФИО;Организация;Согласие на публикацию\n"
        "Соколов Кирилл;КТР;Да\nАбаев Ерлан;КТР;да\nИванова Мария Петровна;КТР;Да\n",
        encoding="utf-8",
    )
    read = read_signatories(tmp_path / "ru.csv")
    assert read.people[0].surname_first
    ((_, people),) = group_signatories(read.people, [], "surname")
    assert [p.name for p in people] == ["Абаев Ерлан", "Иванова Мария Петровна", "Соколов Кирилл"]
    # Without a ФИО column, a Russian letter reads two-word names surname first too.
    (tmp_path / "plain.csv").write_text("Имя и фамилия\nСоколов Кирилл\nАбаев Ярослав\n")
    people = read_signatories(tmp_path / "plain.csv").people
    ((_, given_first),) = group_signatories(people, [], "surname")
    ((_, surname_first),) = group_signatories(people, [], "surname", surname_first=True)
    assert [p.name for p in surname_first] == ["Абаев Ярослав", "Соколов Кирилл"]
    assert [p.name for p in given_first] == ["Соколов Кирилл", "Абаев Ярослав"]
