"""Read the tables people really have (CSV/TSV from forms and spreadsheets, or a YAML list)."""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections.abc import Mapping
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
class Table:
    """The rows of a table and the fields its columns were found to hold."""

    rows: list[Row]
    fields: frozenset[str]
    columns: list[str] = field(default_factory=list)
    """The field of each column in order ("" for a column ignored)."""


@dataclass(frozen=True)
class Row:
    """One row of a table: its line in the file and its cells under canonical column names."""

    file: Path
    line: int
    cells: dict[str, str]


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


def _header_key(text: str) -> str:
    words = re.sub(r"[^\w]+", " ", tidy_cell(text).casefold()).split()
    kept = [w for w in words if w not in _FILLER]
    return " ".join(kept or words)


def map_columns(header: list[str], aliases: Mapping[str, tuple[str, ...]]) -> list[str | None]:
    """The field each column holds (None: ignored). Aliases are listed best first, so when
    two columns claim a field ("Job title" and "Title"), the better-named one wins."""
    rank: dict[str, tuple[str, int]] = {}
    for key, names in aliases.items():
        for index, alias in enumerate((key, *names)):
            rank.setdefault(_header_key(alias), (key, index))
    claims = [rank.get(_header_key(cell)) for cell in header]
    best: dict[str, tuple[int, int]] = {}
    for position, claim in enumerate(claims):
        if claim is not None and (claim[0] not in best or claim[1] < best[claim[0]][0]):
            best[claim[0]] = (claim[1], position)
    winners = {position: key for key, (_, position) in best.items()}
    return [winners.get(position) for position in range(len(header))]


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


def read_table(path: Path, aliases: Mapping[str, tuple[str, ...]] | None = None) -> Table:
    """Rows of a CSV, TSV or YAML list, with columns renamed to the keys of `aliases`.

    Headers match case-insensitively, ignoring punctuation; unknown columns are dropped.
    Without `aliases`, every column keeps the name in its header (a YAML row's nested groups
    become dotted names, `branch: {name: x}` giving `branch.name`).
    """
    if path.suffix.lower() in (".yaml", ".yml"):
        return _read_yaml_rows(path, aliases)
    text = decode(read_bounded(path, MAX_TABLE_BYTES), path)
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise InputError("the file is empty: its first line should name the columns", file=path)
    header_line = lines[0]
    delimiter = max(_DELIMITERS, key=header_line.count)
    if path.suffix.lower() == ".tsv":
        delimiter = "\t"
    # strict: a quote left open is an error at its line, not the rest of the file in one cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
        while not any(cell.strip() for cell in header):
            header = next(reader)
        columns = (
            map_columns(header, aliases) if aliases else [tidy_cell(c) or None for c in header]
        )
        rows: list[Row] = []
        line = reader.line_num + 1
        for record in reader:
            if len(rows) >= MAX_ROWS:
                raise InputError(f"more than {MAX_ROWS} rows: split the file", file=path, line=line)
            cells: dict[str, str] = {}
            for column, value in zip(columns, record, strict=False):
                if column is None:
                    continue
                if len(value) > MAX_CELL:
                    raise InputError(
                        f"a cell holds {len(value)} characters, more than the {MAX_CELL}"
                        " allowed: is this the right column?",
                        file=path,
                        line=line,
                        field=column,
                    )
                cells[column] = tidy_cell(value)
            if any(cells.values()):
                rows.append(Row(path, line, cells))
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
    if not any(columns):
        expected = ", ".join(aliases or ["a column"])
        raise InputError(
            f"no known column in the first line ({len(header)} columns, none of them"
            f" recognised): name the columns {expected}",
            file=path,
            line=1,
        )
    return Table(rows, frozenset(c for c in columns if c), [c or "" for c in columns])


def _flatten(item: dict[str, object], prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _read_yaml_rows(path: Path, aliases: Mapping[str, tuple[str, ...]] | None) -> Table:
    loaded = load_yaml(path)
    data = loaded.data
    if not isinstance(data, list):
        raise InputError("should be a list of rows, each starting with '- '", file=path, line=1)
    if len(data) > MAX_ROWS:
        raise InputError(f"more than {MAX_ROWS} rows: split the file", file=path, line=1)
    rows = []
    fields: set[str] = set()
    for index, item in enumerate(data):
        line = loaded.line_of((index,)) or 1
        if not isinstance(item, dict):
            raise InputError(
                "each row should be a group of `name: value` lines", file=path, line=line
            )
        cells: dict[str, str] = {}
        if aliases is None:
            item = _flatten(item)
        keys = list(item)
        names = map_columns(keys, aliases) if aliases else list(keys)
        for key, column in zip(keys, names, strict=True):
            value = item[key]
            if column is None:
                continue
            fields.add(column)
            if value is not None and not isinstance(value, str):
                raise InputError(
                    "should be text", file=path, line=loaded.line_of((index, key)), field=key
                )
            cells[column] = tidy_cell(value or "")
        rows.append(Row(path, line, cells))
    return Table(rows, frozenset(fields), sorted(fields))
