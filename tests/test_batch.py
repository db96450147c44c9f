"""A campaign organiser's story: one motion, personalised for every branch on a list."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, Run, docx_text, outputs, pdf_text, squash

Write = Callable[[str, str], Path]
TABLE = (
    "branch.name,branch.union,branch.meeting_date,send_to.0.email\n"
    "Offshore Energy Branch,RMT,2013-12-10,offshore@example.org\n"
    "Eastbridge Trades Council,,2013-12-11,\n"
    "Northgate Unite,Unite,2013-12-12,north@example.org\n"
)
MOTION = MINIMAL + "send_to:\n  - name: The campaign\n    email: campaign@example.org\n"


@pytest.fixture
def batch(write: Write) -> tuple[Path, Path]:
    return write("motion.yaml", MOTION), write("branches.csv", TABLE)


def test_each_row_fills_its_fields(
    cli: Callable[..., Run], batch: tuple[Path, Path], tmp_path: Path
) -> None:
    motion, table = batch
    run = cli("build", motion, "--data", table, "-o", tmp_path / "out", "-j", "1")
    assert run.exit_code == 0, run.stderr
    assert outputs(tmp_path / "out") == sorted(
        f"{name}.{fmt}"
        for name in ("Offshore-Energy-Branch", "Eastbridge-Trades-Council", "Northgate-Unite")
        for fmt in ("pdf", "docx")
    )
    text = squash(pdf_text(tmp_path / "out" / "Offshore-Energy-Branch.pdf"))
    assert "Offshore Energy Branch" in text and "10 December 2013" in text
    assert "offshore@example.org" in text and "campaign@example.org" not in text
    # An empty cell leaves the document's own value.
    word = docx_text(tmp_path / "out" / "Eastbridge-Trades-Council.docx")
    assert "Eastbridge Trades Council" in word and "RMT" in word
    assert "campaign@example.org" in word


def test_a_yaml_list_works_as_a_table(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    motion = write("motion.yaml", MOTION)
    rows = write(
        "rows.yaml",
        "- branch:\n    name: Riverside Branch\n  title: A motion for Riverside\n"
        "- branch.name: Hilltop Branch\n",
    )
    run = cli("build", motion, "--data", rows, "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 0, run.stderr
    assert "A motion for Riverside" in pdf_text(tmp_path / "out" / "Riverside-Branch.pdf")
    assert (tmp_path / "out" / "Hilltop-Branch.pdf").exists()


def test_a_column_that_names_no_field_is_reported_once(
    cli: Callable[..., Run], batch: tuple[Path, Path], write: Write, tmp_path: Path
) -> None:
    motion, _ = batch
    table = write("bad.csv", TABLE.replace("branch.name", "brnch.name"))
    run = cli("build", motion, "--data", table, "-o", tmp_path / "out")
    assert run.exit_code == 1
    lines = [line for line in run.stderr.splitlines() if "brnch.name" in line]
    assert len(lines) == 1
    assert (
        lines[0].startswith(f"{table}:1: brnch.name: ") and "did you mean 'branch.name'" in lines[0]
    )
    assert not (tmp_path / "out").exists() or not outputs(tmp_path / "out")


def test_a_bad_row_is_reported_at_its_line_and_the_others_are_built(
    cli: Callable[..., Run], batch: tuple[Path, Path], write: Write, tmp_path: Path
) -> None:
    motion, _ = batch
    table = write("rows.csv", TABLE.replace("2013-12-11", "2013-02-30"))
    run = cli("build", motion, "--data", table, "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 1
    assert f"{table}:3: branch.meeting_date: 2013-02-30 is not a real date" in run.stderr
    assert outputs(tmp_path / "out") == ["Northgate-Unite.pdf", "Offshore-Energy-Branch.pdf"]
    assert "2 built, 0 up to date, 1 failed" in run.stderr


def test_names_come_from_a_chosen_column_and_never_collide(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    motion = write("motion.yaml", MOTION)
    table = write("rows.csv", "branch.name,branch.union\nSame,RMT\nSame,GMB\nsame,Unite\n")
    run = cli("build", motion, "--data", table, "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 0, run.stderr
    assert outputs(tmp_path / "out") == ["Same-2.pdf", "Same.pdf", "same-3.pdf"]
    run = cli(
        "build", motion, "--data", table, "-o", tmp_path / "by-union", "-f", "pdf",
        "--name-by", "branch.union",
    )  # fmt: skip
    assert run.exit_code == 0, run.stderr
    assert outputs(tmp_path / "by-union") == ["GMB.pdf", "RMT.pdf", "Unite.pdf"]
    run = cli("build", motion, "--data", table, "--name-by", "branch.unoin")
    assert run.exit_code == 2 and "did you mean 'branch.union'" in run.stderr


def test_two_jobs_give_the_same_files_in_the_same_order(
    cli: Callable[..., Run],
    batch: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    motion, table = batch
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1386806400")
    one = cli("build", motion, "--data", table, "-o", tmp_path / "one", "-j", "1")
    two = cli("build", motion, "--data", table, "-o", tmp_path / "two", "-j", "2")
    assert one.exit_code == two.exit_code == 0, two.stderr
    assert one.stdout.replace("/one/", "/") == two.stdout.replace("/two/", "/")
    for name in outputs(tmp_path / "one"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_a_batchs_rows_try_the_step_the_row_before_chose_and_print_as_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layouts: list[int]
) -> None:
    """A flyer for each venue: the rows differ in a line or two, so after the first the
    fitting starts from the step the row before chose (two layouts, not four), and each row
    is the same file as when it is built alone."""
    import shutil

    from tests.conftest import EXAMPLES
    from tests.print_inputs import rally
    from toolkit import api
    from toolkit.cache import FIT_CHOICES

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1386806400")
    for name in ("campaign.yaml", "logo.png"):
        shutil.copy(EXAMPLES / "zhanaozen" / name, tmp_path / name)
    flyer = tmp_path / "flyer.yaml"
    flyer.write_text(rally("A6").replace("image: photo.jpg\n", ""), encoding="utf-8")
    table = tmp_path / "venues.csv"
    table.write_text(
        "events.0.venue,events.0.address\n"
        'Leeds Trades Hall,"12 Union Street, Leeds LS1 1AB"\n'
        'Unity Hall,"3 Station Road, Wakefield WF1 1QX"\n'
        'Miners\' Welfare Hall,"Front Street, Durham DH1 4HZ"\n',
        encoding="utf-8",
    )
    jobs = api.plan([flyer], tmp_path / "out", data=table).jobs
    settings = api.Settings(force=True, formats=("pdf",))

    FIT_CHOICES.clear()
    in_turn, per_row = [], []
    for job in jobs:
        before = len(layouts)
        in_turn.append(api.build(job, settings, write=False))
        per_row.append(len(layouts) - before)
    assert per_row[0] >= 3 and per_row[1:] == [2, 2], per_row
    for job, batched in list(zip(jobs, in_turn, strict=True))[1:]:
        FIT_CHOICES.clear()
        alone = api.build(job, settings, write=False)
        assert not batched.problems and not alone.problems
        assert batched.data["pdf"] == alone.data["pdf"], job


def test_unchanged_outputs_are_skipped_until_an_input_changes(
    cli: Callable[..., Run], batch: tuple[Path, Path], write: Write, tmp_path: Path
) -> None:
    motion, table = batch
    out = tmp_path / "out"
    assert cli("build", motion, "--data", table, "-o", out, "-j", "1").exit_code == 0
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    again = cli("build", motion, "--data", table, "-o", out, "-j", "1")
    assert again.stdout == "" and "0 built, 3 up to date, 0 failed" in again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.suffix != ".json"} == {
        k: v for k, v in stamps.items() if not k.startswith(".")
    }
    # One row edited: only that branch is built again.
    table.write_text(TABLE.replace("Northgate Unite,Unite", "Northgate Unite,GMB"))
    edited = cli("build", motion, "--data", table, "-o", out, "-j", "1")
    assert "1 built, 2 up to date" in edited.stderr
    # The template's wording changed for everyone: all built again.
    motion.write_text(MOTION.replace("To write to the embassy.", "To write to the minister."))
    assert "3 built, 0 up to date" in cli("build", motion, "--data", table, "-o", out).stderr
    forced = cli("build", motion, "--data", table, "-o", out, "--force")
    assert "3 built, 0 up to date" in forced.stderr


def test_a_campaign_file_change_rebuilds(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    campaign = write("campaign.yaml", "name: First Name\n")
    motion = write("motion.yaml", MINIMAL + "campaign: campaign.yaml\n")
    assert cli("build", motion, "-o", tmp_path / "out", "-f", "pdf").exit_code == 0
    unchanged = cli("build", motion, "-o", tmp_path / "out", "-f", "pdf")
    assert "0 built, 1 up to date" in unchanged.stderr
    campaign.write_text("name: Second Name\n")
    run = cli("build", motion, "-o", tmp_path / "out", "-f", "pdf")
    assert "1 built" in run.stderr
    assert "Second Name" in pdf_text(tmp_path / "out" / "motion.pdf")


def test_source_date_epoch_makes_rebuilds_byte_identical(
    cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, example_outputs: Path
) -> None:
    from tests.conftest import EXAMPLE_DOCUMENTS, EXAMPLES, SOURCE_DATE

    # The session's build of the examples was made with the same date, in another process:
    # one document of each kind (and each kind of picture and page) is built again.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE)
    again = ("model-resolution", "open-letter", "sign-on-sheet", "demo-leaflet", "film-flyer",
             "conference-amendment")  # fmt: skip
    sources = [EXAMPLES / "zhanaozen" / f"{name}.yaml" for name in again]
    assert set(sources) <= set(EXAMPLE_DOCUMENTS)
    run = cli("build", *sources, "-o", tmp_path / "second", "-j", "2")
    assert run.exit_code == 0, run.stderr
    for name in again:
        for suffix in (".pdf", ".docx"):
            first = (example_outputs / "zhanaozen" / f"{name}{suffix}").read_bytes()
            assert first == (tmp_path / "second" / f"{name}{suffix}").read_bytes(), name


def test_quiet_prints_only_problems(
    cli: Callable[..., Run], batch: tuple[Path, Path], write: Write, tmp_path: Path
) -> None:
    motion, table = batch
    run = cli("build", motion, "--data", table, "-o", tmp_path / "out", "-q", "-f", "pdf")
    assert run.exit_code == 0 and run.stdout == "" and run.stderr == ""
    bad = write("bad.csv", TABLE.replace("2013-12-11", "someday"))
    run = cli("build", motion, "--data", bad, "-o", tmp_path / "out2", "-q", "-f", "pdf")
    assert run.exit_code == 1 and run.stdout == ""
    assert re.search(r"bad\.csv:3: branch\.meeting_date: ", run.stderr)
    assert "\r" not in run.stderr, "no progress bar when stderr is not a terminal"


def test_small_batches_build_in_this_process_and_large_ones_on_every_core() -> None:
    from toolkit.build import PARALLEL_FROM, default_jobs

    assert default_jobs(1) == 1
    assert default_jobs(PARALLEL_FROM - 1) == 1
    assert default_jobs(PARALLEL_FROM) == min(os.cpu_count() or 1, PARALLEL_FROM)
    assert default_jobs(10_000) == (os.cpu_count() or 1)


# -- tables as people make them ----------------------------------------------------------------
EXPORTS = Path(__file__).resolve().parent / "fixtures" / "exports"
PLAIN_MOTION = MINIMAL.replace(
    "branch:\n  name: Offshore Energy Branch\n  union: RMT\n  meeting_date: 2013-12-10\n", ""
)


def test_fifty_branches_with_plain_headers_and_uk_dates(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    import shutil

    motion = write("motion.yaml", PLAIN_MOTION)
    table = tmp_path / "branches.csv"
    shutil.copy(EXPORTS / "branches.csv", table)
    run = cli("build", motion, "--data", table, "-o", tmp_path / "out", "-f", "docx", "-j", "1")
    assert run.exit_code == 0, run.stderr
    assert len(outputs(tmp_path / "out")) == 50
    assert (
        f'{table}:1: columns: branch.name ← "Branch"; branch.union ← "Union";'
        ' branch.meeting_date ← "Meeting date"; ignored: "Secretary email"'
    ) in run.stderr
    assert "dates read day first (01/06/2024 is 1 June 2024), since 15/06/2024" in run.stderr
    # One line for the batch, not fifty.
    assert f"{motion}: 50 rows of {table}: resolution, 16 words" in run.stderr
    assert "words" not in run.stderr.replace(
        f"{motion}: 50 rows of {table}: resolution, 16 words", ""
    )
    first = docx_text(tmp_path / "out" / "Aberdeen-Branch.docx")
    assert "Aberdeen Branch" in first and "RMT" in first and "1 June 2024" in first
    last = docx_text(tmp_path / "out" / "York-Retired-Members.docx")
    assert "Aberdeen" not in last and "Aslef" in last and "8 July 2024" in last
    assert "secretary.york@example.org" not in last, "an ignored column is not printed"


def test_a_wrong_date_reports_its_row_and_value_once(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    motion = write("motion.yaml", PLAIN_MOTION)
    table = write(
        "branches.csv",
        "Branch,Union,Meeting date\nLeeds Branch,RMT,15/06/2024\nYork Branch,GMB,31/06/2024\n"
        "Hull Branch,GMB,1 July 2024\n",
    )
    run = cli("build", motion, "--data", table, "-o", tmp_path / "out", "-f", "docx")
    assert run.exit_code == 1
    lines = [line for line in run.stderr.splitlines() if "31/06/2024" in line]
    assert lines == [
        f"{table}:3: branch.meeting_date: 31/06/2024 is not a real date: check the day and month"
        " (YYYY-MM-DD)"
    ]
    assert outputs(tmp_path / "out") == ["Hull-Branch.docx", "Leeds-Branch.docx"]
    assert "2 built, 0 up to date, 1 failed" in run.stderr


@pytest.mark.parametrize(
    ("options", "expected", "said"),
    [
        ((), "6 January 2024", "dates read day first (06/01/2024 is 6 January 2024), as British"),
        (("--month-first",), "1 June 2024", "dates read month first (06/01/2024 is 1 June"),
        (("--day-first",), "6 January 2024", "as asked on the command line"),
    ],
)
def test_dates_that_read_two_ways_follow_the_language_or_the_option(
    cli: Callable[..., Run],
    write: Write,
    tmp_path: Path,
    options: tuple[str, ...],
    expected: str,
    said: str,
) -> None:
    motion = write("motion.yaml", PLAIN_MOTION)
    table = write("t.csv", "Branch,Meeting date\nLeeds Branch,06/01/2024\nYork Branch,45444\n")
    run = cli("build", motion, "--data", table, "-o", tmp_path / "out", "-f", "docx", *options)
    assert run.exit_code == 0, run.stderr
    assert said in run.stderr
    assert "Excel date numbers read as dates (45444 is 1 June 2024)" in run.stderr
    assert expected in docx_text(tmp_path / "out" / "Leeds-Branch.docx")
    assert "1 June 2024" in docx_text(tmp_path / "out" / "York-Branch.docx")


def test_a_column_named_by_hand_and_a_misread_date_suggesting_the_iso_form(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    motion = write("motion.yaml", PLAIN_MOTION)
    # One date says day first, the other month first: read day first, the other is wrong.
    table = write(
        "t.csv",
        "Name of branch (as registered),Date\nLeeds Branch,12/25/2024\nYork Branch,24/12/2024\n",
    )
    run = cli(
        "build", motion, "--data", table, "-o", tmp_path / "out", "-f", "docx",
        "--column", "branch.name=Name of branch (as registered)",
        "--column", "branch.meeting_date=Date",
    )  # fmt: skip
    assert run.exit_code == 1
    assert 'branch.name ← "Name of branch (as registered)" (by hand)' in run.stderr
    assert "24 December 2024" in docx_text(tmp_path / "out" / "York-Branch.docx")
    assert (
        f"{table}:2: branch.meeting_date: 12/25/2024 is not a real date read day first: if you"
        " meant 25 December 2024, write 2024-12-25 (or read the whole column month first"
        " with --month-first)"
    ) in run.stderr
    bad = cli("build", motion, "--data", table, "--column", "branch.nmae=Date")
    assert bad.exit_code == 1 and "did you mean 'branch.name'" in bad.stderr
    usage = cli("build", motion, "--column", "branch.name=Date")
    assert usage.exit_code == 2 and "need --data" in usage.stderr


def test_the_same_problem_in_every_row_is_said_once(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    motion = write(
        "motion.yaml", PLAIN_MOTION.replace("resolves:\n  - To write to the embassy.\n", "")
    )
    table = write("t.csv", "Branch,Union\nA Branch,RMT\nB Branch,GMB\nC Branch,\n")
    run = cli("build", motion, "--data", table, "-o", tmp_path / "out", "-f", "docx")
    assert run.exit_code == 1
    lines = [line for line in run.stderr.splitlines() if "resolves" in line]
    assert lines == [
        f"{motion}:1: resolves: required: add `resolves:` with at least one item (a motion"
        " that only notes and believes does nothing; or instructs:, calls_on:, ...) (every"
        f" row of {table})"
    ]
    # A warning a few rows share is said once too, with their rows.
    motion.write_text(PLAIN_MOTION)
    run = cli("build", motion, "--data", table, "-o", tmp_path / "out", "-f", "docx")
    assert run.exit_code == 0, run.stderr
    blanks = [line for line in run.stderr.splitlines() if "branch.union: warning" in line]
    assert len(blanks) == 1 and blanks[0].endswith(f"(row 4 of {table})"), blanks
    meeting = [line for line in run.stderr.splitlines() if "branch.meeting_date: warning" in line]
    assert len(meeting) == 1 and meeting[0].endswith(f"(every row of {table})"), meeting
    verbose = cli("build", motion, "--data", table, "-o", tmp_path / "v", "-f", "docx", "-v")
    assert verbose.stderr.count(": resolution, 16 words") == 3


def test_outputs_of_rows_that_are_gone_are_reported_and_cleaned(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    motion = write("motion.yaml", PLAIN_MOTION)
    table = write("t.csv", "Branch\nOld Name Branch\nKept Branch\n")
    out = tmp_path / "out"
    assert cli("build", motion, "--data", table, "-o", out).exit_code == 0
    (out / "Notes.pdf").write_bytes(b"%PDF- the organiser's own file")
    table.write_text("Branch\nNew Name Branch\nKept Branch\n")
    run = cli("build", motion, "--data", table, "-o", out)
    assert run.exit_code == 0, run.stderr
    for suffix in ("pdf", "docx"):
        assert (
            f"{out / f'Old-Name-Branch.{suffix}'}: warning: left over from a row no longer in"
            f" {table}: delete it, or build again with --clean"
        ) in run.stderr
    assert "Notes.pdf" not in run.stderr
    run = cli("build", motion, "--data", table, "-o", out, "--clean")
    assert run.exit_code == 0, run.stderr
    assert f"{out / 'Old-Name-Branch.pdf'}: removed: its row is no longer in {table}" in run.stderr
    assert outputs(out) == sorted(
        ["Kept-Branch.docx", "Kept-Branch.pdf", "New-Name-Branch.docx", "New-Name-Branch.pdf",
         "Notes.pdf"]
    )  # fmt: skip
    assert "left over" not in cli("build", motion, "--data", table, "-o", out).stderr


def test_a_date_typed_in_yaml_follows_the_same_rule(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    motion = write("motion.yaml", MINIMAL.replace("2013-12-10", "06/12/2013"))
    run = cli("build", motion, "-o", tmp_path / "out", "-f", "docx")
    assert run.exit_code == 0, run.stderr
    assert (
        f"{motion}:6: branch.meeting_date: warning: 06/12/2013 read day first, as 6 December"
        " 2013: write 2013-12-06 to be sure"
    ) in run.stderr
    assert "6 December 2013" in docx_text(tmp_path / "out" / "motion.docx")
    for written in ("16.12.2013", "16 December 2013", "2013-12-16"):
        motion.write_text(MINIMAL.replace("2013-12-10", written))
        run = cli("build", motion, "-o", tmp_path / written, "-f", "docx")
        assert run.exit_code == 0 and "read day first" not in run.stderr, run.stderr
        assert "16 December 2013" in docx_text(tmp_path / written / "motion.docx")
