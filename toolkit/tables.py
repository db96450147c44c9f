"""Read the tables people really have (CSV/TSV from forms and spreadsheets, or a YAML list)."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import InputError
from toolkit.loader import MAX_YAML_BYTES, clean_text, load_yaml, read_bounded

MAX_TABLE_BYTES = MAX_YAML_BYTES
MAX_ROWS = 5_000  # a campaign's biggest list is a few thousand; far more is a mistake
MAX_CELL = 2_000
_SPACES = re.compile(r"\s+")
_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class Row:
    """One row of a table: its line in the file and its cells under canonical column names."""

    file: Path
    line: int
    cells: dict[str, str]


@dataclass(frozen=True)
class RawTable:
    """A table as written: its header cells, and each row's line and cells (tidied), before
    any column is given a meaning."""

    file: Path
    header: list[str]
    records: list[tuple[int, list[str]]] = field(default_factory=list)
    header_line: int = 1

    def column(self, index: int) -> list[str]:
        """Every row's cell in one column ("" where a row is short)."""
        return [cells[index] if index < len(cells) else "" for _, cells in self.records]


_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")


def tidy_cell(value: str) -> str:
    """A cell as people meant it: NFC, no control or invisible characters, spaces trimmed and
    collapsed."""
    value = unicodedata.normalize("NFC", _INVISIBLE.sub("", clean_text(value)))
    return _SPACES.sub(" ", value).strip()


# Words forms wrap around a column's real name: "What's your email address? (optional)".
_FILLER = frozenset(
    "your you what whats s is are which best describes describe the please enter optional "
    "here of a an".split()
)


def header_key(text: str) -> str:
    """A header as compared with known names: lower case, punctuation and underscores as
    spaces, and the words forms wrap around a question left out ("What's your email
    address? (optional)" -> "email address")."""
    words = re.sub(r"[\W_]+", " ", tidy_cell(text).casefold()).split()
    kept = [w for w in words if w not in _FILLER]
    return " ".join(kept or words)


def decode(raw: bytes, path: Path) -> str:
    """Text from bytes in UTF-8 (BOM or not), UTF-16 (with BOM), or whatever else it most
    likely is (Windows-1252 from Excel, say), as detected by charset-normalizer."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # The legacy encodings unionkit's languages are really saved in (Excel's "CSV" on Windows);
    # left to itself the detector confuses French accents with Central European ones.
    best = from_bytes(raw, cp_isolation=["cp1252", "cp1251", "koi8_r", "mac_roman"]).best()
    if best is None:
        raise InputError(
            "cannot tell the text encoding: save the file as CSV UTF-8 from your spreadsheet",
            file=path,
            line=1,
        )
    return str(best)


def read_raw(path: Path) -> RawTable:
    """The header and rows of a CSV, TSV or YAML list, cells tidied, blank rows dropped.

    A YAML list's rows are groups of `name: value` lines; nested groups become dotted
    names (`branch: {name: x}` gives the column `branch.name`).
    """
    if path.suffix.lower() in (".yaml", ".yml"):
        return _read_yaml_rows(path)
    text = decode(read_bounded(path, MAX_TABLE_BYTES), path)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise InputError("the file is empty: its first line should name the columns", file=path)
    delimiter = max(_DELIMITERS, key=lines[0].count)
    if path.suffix.lower() == ".tsv":
        delimiter = "\t"
    # strict: a quote left open is an error at its line, not the rest of the file in one cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    try:
        header = next(reader)
        while not any(cell.strip() for cell in header):
            header = next(reader)
        header_line = reader.line_num
        records: list[tuple[int, list[str]]] = []
        line = reader.line_num + 1
        for record in reader:
            if len(records) >= MAX_ROWS:
                raise InputError(f"more than {MAX_ROWS} rows: split the file", file=path, line=line)
            for index, value in enumerate(record):
                if len(value) > MAX_CELL:
                    name = tidy_cell(header[index]) if index < len(header) else ""
                    raise InputError(
                        f"a cell holds {len(value)} characters, more than the {MAX_CELL}"
                        " allowed: is this the right column?",
                        file=path,
                        line=line,
                        field=name,
                    )
            cells = [tidy_cell(value) for value in record]
            if any(cells):
                records.append((line, cells))
            line = reader.line_num + 1
    except StopIteration:
        raise InputError(
            "the file is empty: its first line should name the columns", file=path
        ) from None
    except csv.Error as exc:
        raise InputError(
            f"not a readable table ({exc}): check the quotes on this line",
            file=path,
            line=line,
        ) from None
    return RawTable(path, [tidy_cell(c) for c in header], records, header_line)


def _flatten(item: dict[str, object], prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _read_yaml_rows(path: Path) -> RawTable:
    loaded = load_yaml(path)
    data = loaded.data
    if not isinstance(data, list):
        raise InputError("should be a list of rows, each starting with '- '", file=path, line=1)
    if len(data) > MAX_ROWS:
        raise InputError(f"more than {MAX_ROWS} rows: split the file", file=path, line=1)
    header: list[str] = []
    items: list[tuple[int, dict[str, str]]] = []
    for index, item in enumerate(data):
        line = loaded.line_of((index,)) or 1
        if not isinstance(item, dict):
            raise InputError(
                "each row should be a group of `name: value` lines", file=path, line=line
            )
        cells: dict[str, str] = {}
        for key, value in _flatten(item).items():
            if value is not None and not isinstance(value, str):
                raise InputError(
                    "should be text", file=path, line=loaded.line_of((index, key)), field=key
                )
            if key not in header:
                header.append(key)
            cells[key] = tidy_cell(value or "")
        items.append((line, cells))
    records = [(line, [cells.get(name, "") for name in header]) for line, cells in items]
    return RawTable(path, header, records)


@dataclass
class ColumnMap:
    """What each column of a table was taken to hold, and why the others were left out."""

    header: list[str]
    fields: list[str | None]
    """The field of each column, None for a column ignored."""
    reasons: dict[int, str] = field(default_factory=dict)
    """Why a column was ignored, by position, where there is more to say than "unknown"."""
    by_hand: set[int] = field(default_factory=set)
    """Columns named by hand (`columns:` or `--column`)."""

    def columns_of(self, name: str) -> list[int]:
        """The positions of the columns that hold `name`."""
        return [i for i, f in enumerate(self.fields) if f == name]

    def describe(self) -> str:
        """The mapping in one line: `name ← "Your full name"; ignored: "Timestamp"`."""
        parts: list[str] = []
        seen: list[str] = []
        for name in self.fields:
            if name is not None and name not in seen:
                seen.append(name)
        for name in seen:
            headers = " + ".join(f'"{self.header[i]}"' for i in self.columns_of(name))
            hand = " (by hand)" if any(i in self.by_hand for i in self.columns_of(name)) else ""
            parts.append(f"{name} ← {headers}{hand}")
        ignored = [
            f'"{self.header[i]}"' + (f" ({self.reasons[i]})" if i in self.reasons else "")
            for i, name in enumerate(self.fields)
            if name is None and self.header[i]
        ]
        if ignored:
            parts.append("ignored: " + ", ".join(ignored))
        return "; ".join(parts)


def find_header(header: list[str], wanted: str) -> int | None:
    """The column whose header is `wanted` (case, spaces and punctuation aside)."""
    exact = [i for i, h in enumerate(header) if h == wanted]
    if exact:
        return exact[0]
    key = header_key(wanted)
    loose = [i for i, h in enumerate(header) if header_key(h) == key]
    return loose[0] if loose else None
