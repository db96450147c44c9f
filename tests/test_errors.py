"""Bad input through the CLI: `FILE:LINE: field: message` errors, exit 1, never a crash."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import MINIMAL, docx_text, pdf_text, squash
from toolkit.loader import load_yaml

PROBLEM = re.compile(r"^(?P<file>.+?):(?P<line>\d+): (?:(?P<field>[\w.]+): )?(?P<message>.+)$")


def problems(run, file: Path | str) -> list[re.Match[str]]:
    """The error lines about `file` (warnings left out); each must be FILE:LINE: ... ."""
    lines = [
        line
        for line in run.stderr.splitlines()
        if line.startswith(f"{file}:") and ": warning: " not in line
    ]
    matches = [PROBLEM.match(line) for line in lines]
    assert lines and all(matches), run.stderr
    return matches  # type: ignore[return-value]


def assert_failed_cleanly(run) -> None:
    assert run.exit_code == 1, (run.exit_code, run.stdout, run.stderr)
    assert run.exception is None, run.exception
    assert "Traceback" not in run.stderr
    assert "please report this" not in run.stderr
    assert not [line for line in run.stderr.splitlines() if line[:1].isspace()], run.stderr


def outputs(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.pdf")) + sorted(folder.rglob("*.docx"))


# --- values keep the text written ------------------------------------------------------

AS_WRITTEN = """
template: resolution
title: 3.10
branch:
  name: NO
  union: on
  meeting_date: 2013-12-10
notes:
  - 01234
  - +447700900123
  - 12:30
resolves:
  - To write to the embassy.
"""


@pytest.mark.parametrize(
    ("path", "text"),
    [
        (("title",), "3.10"),
        (("branch", "name"), "NO"),
        (("branch", "union"), "on"),
        (("notes", 0), "01234"),
        (("notes", 1), "+447700900123"),
        (("notes", 2), "12:30"),
    ],
)
def test_loader_keeps_values_as_written(write, path, text):
    data = load_yaml(write("doc.yaml", AS_WRITTEN)).data
    for key in path:
        data = data[key]
    assert data == text


def test_built_documents_print_values_as_written(cli, write, tmp_path):
    source = write("doc.yaml", AS_WRITTEN)
    run = cli("build", source, "-o", tmp_path / "out")
    assert run.exit_code == 0, run.stderr
    for text in (
        squash(pdf_text(tmp_path / "out" / "doc.pdf")),
        squash(docx_text(tmp_path / "out" / "doc.docx")),
    ):
        for value in ("3.10", "NO", "on", "01234", "+447700900123", "12:30"):
            assert re.search(rf"(?<![\w+]){re.escape(value)}(?![\w])", text), (value, text)
        assert "True" not in text and "False" not in text, text


# --- dates ----------------------------------------------------------------------------


@pytest.mark.parametrize("date", ["2024-02-30", "31/02/2013"])
@pytest.mark.parametrize("command", ["check", "build"])
def test_meeting_date_must_be_a_real_iso_date(cli, write, tmp_path, command, date):
    source = write("doc.yaml", MINIMAL.replace("2013-12-10", date))
    extra = ["-o", tmp_path / "out"] if command == "build" else []
    run = cli(command, source, *extra)
    assert_failed_cleanly(run)
    [problem] = problems(run, source)
    assert problem["line"] == "6"
    assert problem["field"] == "branch.meeting_date"
    assert "YYYY-MM-DD" in problem["message"]
    assert not outputs(tmp_path / "out")


# --- duplicate keys, anchors, aliases and tags -----------------------------------------


def test_duplicate_key_names_both_lines(cli, write):
    source = write("doc.yaml", MINIMAL + "title: Again\n")
    run = cli("check", source)
    assert_failed_cleanly(run)
    [problem] = problems(run, source)
    assert problem["line"] == "11"
    assert problem["field"] == "title"
    assert "line 2" in problem["message"] and "line 11" in problem["message"]


def test_anchors_and_aliases_are_refused_with_their_lines(cli, write):
    source = write(
        "doc.yaml",
        """
        template: resolution
        title: &t Solidarity
        branch:
          name: *t
        resolves:
          - To write.
        """,
    )
    run = cli("check", source)
    assert_failed_cleanly(run)
    found = problems(run, source)
    assert [(p["line"], "&t" in p["message"], "*t" in p["message"]) for p in found] == [
        ("2", True, False),
        ("4", False, True),
    ]


@pytest.mark.parametrize(
    "tagged",
    [
        '!!python/object/apply:os.system ["touch {marker}"]',
        "!!python/object:os.system {{command: touch {marker}}}",
        '!!python/object/new:subprocess.check_call [["touch", "{marker}"]]',
    ],
)
@pytest.mark.parametrize("command", ["check", "build"])
def test_python_tags_are_refused_and_never_run(cli, write, tmp_path, command, tagged):
    marker = tmp_path / "pwned"
    source = write("doc.yaml", MINIMAL.replace("Solidarity with the oil workers", tagged))
    source.write_text(source.read_text().format(marker=marker))
    extra = ["-o", tmp_path / "out"] if command == "build" else []
    run = cli(command, source, *extra)
    assert_failed_cleanly(run)
    [problem] = problems(run, source)
    assert problem["line"] == "2"
    assert "tags" in problem["message"]
    assert not marker.exists()
    assert not outputs(tmp_path / "out")


# --- unknown fields, missing fields and limits -----------------------------------------


def test_misspelt_title_suggests_title(cli, write):
    source = write("doc.yaml", MINIMAL.replace("title:", "titel:"))
    run = cli("check", source)
    assert_failed_cleanly(run)
    by_field = {p["field"]: p for p in problems(run, source)}
    assert by_field["titel"]["line"] == "2"
    assert "did you mean 'title'?" in by_field["titel"]["message"]


def test_misspelt_branch_name_suggests_name_with_its_path(cli, write):
    source = write("doc.yaml", MINIMAL.replace("  name:", "  nmae:"))
    run = cli("check", source)
    assert_failed_cleanly(run)
    [problem] = problems(run, source)
    assert (problem["line"], problem["field"]) == ("4", "branch.nmae")
    assert "did you mean 'name'?" in problem["message"]


def test_every_problem_in_a_file_is_reported_together(cli, write):
    source = write(
        "doc.yaml",
        """
        template: resolution
        title: Solidarity
        colour: "#b3121b"
        branch:
          name: Offshore Energy Branch
          meeting_date: 2024-02-30
        notes:
          - The strike lasted seven months.
        """,
    )
    run = cli("check", source)
    assert_failed_cleanly(run)
    found = {p["field"]: p["line"] for p in problems(run, source)}
    assert found == {"resolves": "1", "colour": "3", "branch.meeting_date": "6"}


@pytest.mark.parametrize("command", ["check", "build"])
def test_missing_resolves_is_named(cli, write, tmp_path, command):
    source = write("doc.yaml", MINIMAL.split("resolves:")[0])
    extra = ["-o", tmp_path / "out"] if command == "build" else []
    run = cli(command, source, *extra)
    assert_failed_cleanly(run)
    [problem] = problems(run, source)
    assert problem["field"] == "resolves"
    assert "resolves" in problem["message"]


def test_word_limit_exceeded_gives_count_and_limit_and_writes_nothing(cli, write, tmp_path):
    source = write("doc.yaml", MINIMAL + "word_limit: 5\n")
    run = cli("build", source, "-o", tmp_path / "out")
    assert_failed_cleanly(run)
    [problem] = problems(run, source)
    assert (problem["line"], problem["field"]) == ("11", "word_limit")
    count = re.search(r"(\d+) words", problem["message"])
    assert count and int(count[1]) > 5
    assert "limit of 5" in problem["message"]
    assert not outputs(tmp_path / "out")


def test_misspelt_template_suggests_resolution(cli, write):
    source = write("doc.yaml", MINIMAL.replace("template: resolution", "template: resolutoin"))
    run = cli("check", source)
    assert_failed_cleanly(run)
    [problem] = problems(run, source)
    assert (problem["line"], problem["field"]) == ("1", "template")
    assert "did you mean 'resolution'?" in problem["message"]


# --- files that are not documents at all -----------------------------------------------

BROKEN = {
    "unclosed-bracket": "template: resolution\ntitle: [Solidarity\nresolves:\n  - x\n",
    "bad-indentation": "template: resolution\ntitle: Solidarity\n  oops: x\nresolves:\n  - x\n",
    "tab-indentation": "template: resolution\nbranch:\n\tname: X\nresolves:\n  - x\n",
    "unclosed-quote": 'template: resolution\ntitle: "Solidarity\nresolves:\n  - x\n',
    "empty": "",
    "only-comments": "# nothing here\n",
    "list-at-top": "- template: resolution\n- title: Solidarity\n",
    "scalar-at-top": "just some words\n",
    "deep-block-nesting": "".join(f"{'  ' * i}k:\n" for i in range(200)) + "  " * 200 + "v\n",
    "deep-flow-nesting": "template: resolution\ntitle: " + "[" * 200 + "]" * 200 + "\n",
}

BINARY = {
    "png-bytes": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",
    "latin-1": "template: resolution\ntitle: Café\n".encode("latin-1"),
    "utf-16": "template: resolution\n".encode("utf-16"),
    "nul-bytes": b"template: resolution\ntitle: X\n\x00\x01\x02\nresolves:\n  - x\n",
}


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("text", BROKEN.values(), ids=BROKEN.keys())
def test_broken_yaml_gives_one_line_per_problem(cli, tmp_path, command, text):
    source = tmp_path / "doc.yaml"
    source.write_text(text, encoding="utf-8")
    extra = ["-o", tmp_path / "out"] if command == "build" else []
    run = cli(command, source, *extra)
    assert_failed_cleanly(run)
    for problem in problems(run, source):
        assert int(problem["line"]) >= 1
    assert not outputs(tmp_path / "out")


def test_a_tab_in_the_indentation_is_named_at_its_line(cli, tmp_path):
    source = tmp_path / "doc.yaml"
    source.write_text(BROKEN["tab-indentation"], encoding="utf-8")
    run = cli("check", source)
    assert_failed_cleanly(run)
    assert f"{source}:3: not valid YAML" in run.stderr
    assert "indented with a tab: YAML indents with spaces only" in run.stderr


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("data", BINARY.values(), ids=BINARY.keys())
def test_binary_or_non_utf8_file_gives_a_clean_error(cli, tmp_path, command, data):
    source = tmp_path / "doc.yaml"
    source.write_bytes(data)
    extra = ["-o", tmp_path / "out"] if command == "build" else []
    run = cli(command, source, *extra)
    assert_failed_cleanly(run)
    assert problems(run, source)
    assert not outputs(tmp_path / "out")


def test_file_over_ten_megabytes_is_refused_quickly(cli, tmp_path):
    source = tmp_path / "huge.yaml"
    with source.open("wb") as stream:
        stream.truncate(10 * 1024 * 1024 + 1)  # sparse: no time or disk spent
    run = cli("build", source, "-o", tmp_path / "out")
    assert_failed_cleanly(run)
    [line] = [line for line in run.stderr.splitlines() if line.startswith(f"{source}:")]
    assert "KiB" in line
    assert not outputs(tmp_path / "out")


@pytest.mark.parametrize("command", ["check", "build"])
def test_nonexistent_file_is_reported(cli, tmp_path, command):
    source = tmp_path / "missing.yaml"
    extra = ["-o", tmp_path / "out"] if command == "build" else []
    run = cli(command, source, *extra)
    assert_failed_cleanly(run)
    [line] = [line for line in run.stderr.splitlines() if line.startswith(f"{source}:")]
    assert "not found" in line


@pytest.mark.parametrize("command", ["check", "build"])
def test_folder_without_documents_is_reported(cli, write, tmp_path, command):
    write("folder/campaign.yaml", "name: Justice\n")
    write("folder/notes.txt", "not yaml\n")
    extra = ["-o", tmp_path / "out"] if command == "build" else []
    run = cli(command, tmp_path / "folder", *extra)
    assert_failed_cleanly(run)
    assert "no documents found" in run.stderr
    assert not outputs(tmp_path / "out")


# --- campaign files --------------------------------------------------------------------

WITH_CAMPAIGN = MINIMAL + "campaign: campaign.yaml\n"


def test_missing_campaign_file_is_named_on_the_document_line(cli, write):
    source = write("doc.yaml", WITH_CAMPAIGN)
    run = cli("check", source)
    assert_failed_cleanly(run)
    [problem] = problems(run, source)
    assert (problem["line"], problem["field"]) == ("11", "campaign")
    assert "campaign.yaml" in problem["message"] and "not found" in problem["message"]


def test_campaign_colour_must_be_hex(cli, write):
    source = write("doc.yaml", WITH_CAMPAIGN)
    campaign = write("campaign.yaml", "name: Justice\ncolour: red\n")
    run = cli("check", source)
    assert_failed_cleanly(run)
    [problem] = problems(run, campaign)
    assert (problem["line"], problem["field"]) == ("2", "colour")
    assert "hex" in problem["message"]


def test_unknown_key_in_campaign_file_names_that_file_and_line(cli, write):
    source = write("doc.yaml", WITH_CAMPAIGN)
    campaign = write("campaign.yaml", "name: Justice\nwebsite: https://example.org\nlogoo: x.png\n")
    run = cli("check", source)
    assert_failed_cleanly(run)
    [problem] = problems(run, campaign)
    assert (problem["line"], problem["field"]) == ("3", "logoo")
    assert "did you mean 'logo'?" in problem["message"]


def test_inline_campaign_values_override_the_campaign_file(cli, write, tmp_path):
    write("campaign.yaml", "name: Justice for Kazakhstan Oil Workers\ncolour: '#b3121b'\n")
    source = write("doc.yaml", MINIMAL + "campaign: {file: campaign.yaml, name: Other}\n")
    run = cli("build", source, "-o", tmp_path / "out")
    assert run.exit_code == 0, run.stderr
    for text in (pdf_text(tmp_path / "out/doc.pdf"), docx_text(tmp_path / "out/doc.docx")):
        assert "Other" in text
        assert "Justice for Kazakhstan" not in text


# --- one failure never costs good work -------------------------------------------------


def test_one_bad_document_does_not_stop_the_others(cli, write, tmp_path):
    good = write("good.yaml", MINIMAL)
    bad = write("bad.yaml", MINIMAL.replace("2013-12-10", "2024-02-30"))
    good2 = write("good2.yaml", MINIMAL)
    out = tmp_path / "out"
    run = cli("build", good, bad, good2, "-o", out)
    assert_failed_cleanly(run)
    assert [p.name for p in outputs(out)] == ["good.pdf", "good2.pdf", "good.docx", "good2.docx"]
    assert [p["field"] for p in problems(run, bad)] == ["branch.meeting_date"]


def test_failed_rebuild_keeps_the_good_output(cli, write, tmp_path):
    source = write("doc.yaml", MINIMAL)
    out = tmp_path / "out"
    assert cli("build", source, "-o", out).exit_code == 0
    before = {p.name: p.read_bytes() for p in outputs(out)}
    write("doc.yaml", MINIMAL + "title: [unclosed\n")
    run = cli("build", source, "-o", out)
    assert_failed_cleanly(run)
    assert {p.name: p.read_bytes() for p in outputs(out)} == before
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "doc.docx",
        "doc.pdf",
    ]


# --- text that no renderer can print ---------------------------------------------------


def test_control_characters_are_removed_and_the_build_succeeds(cli, write, tmp_path):
    import docx

    source = write(
        "doc.yaml",
        MINIMAL.replace(
            "title: Solidarity with the oil workers",
            r'title: "Solidarity\x07 with\x00 the oil workers"',
        ),
    )
    assert load_yaml(source).data["title"] == "Solidarity with the oil workers"
    run = cli("build", source, "-o", tmp_path / "out")
    assert run.exit_code == 0, run.stderr
    docx.Document(str(tmp_path / "out/doc.docx"))
    for text in (docx_text(tmp_path / "out/doc.docx"), pdf_text(tmp_path / "out/doc.pdf")):
        assert "Solidarity with the oil workers" in squash(text)
        assert "\x07" not in text and "\x00" not in text


# --- bad usage -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["build", "--no-such-option", "doc.yaml"],
        ["build", "doc.yaml", "-f", "rtf"],
        ["build"],
        ["check"],
        ["no-such-command"],
    ],
    ids=["unknown-option", "unknown-format", "build-nothing", "check-nothing", "unknown-command"],
)
def test_bad_usage_exits_2(cli, write, args):
    write("doc.yaml", MINIMAL)
    run = cli(*args)
    assert run.exit_code == 2, (run.stdout, run.stderr)
    assert run.exception is None
    assert "Traceback" not in run.stderr
    assert "Usage:" in run.stderr
