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
    cli: Callable[..., Run], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import EXAMPLES
    from tests.test_build import EXAMPLE_DOCUMENTS

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1386806400")
    for name in ("first", "second"):
        run = cli("build", EXAMPLES, "-o", tmp_path / name, "-j", "1")
        assert run.exit_code == 0, run.stderr
    files = [p.relative_to(tmp_path / "first") for p in (tmp_path / "first").rglob("*.*")]
    files = [f for f in files if not f.name.startswith(".")]
    assert len(files) == 2 * len(EXAMPLE_DOCUMENTS)
    for relative in files:
        first = (tmp_path / "first" / relative).read_bytes()
        assert first == (tmp_path / "second" / relative).read_bytes(), relative


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
