"""Mail merge: a table gives one document a row; its columns are field paths (`branch.name`) or
the plain headers people write (`Branch`, `Meeting date`), matched through names derived from
the kind's model and the fixed words of every language."""

from __future__ import annotations

import difflib
import itertools
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from toolkit.cache import memo
from toolkit.dates import DateError, Order, column_order, in_words, parse_date
from toolkit.errors import InputError, Problem
from toolkit.model import LANGUAGES
from toolkit.tables import ColumnMap, RawTable, find_header, header_key, read_raw
from toolkit.validate import inner_model

MAX_DATA_ROWS = 5_000  # a union's branches number in the hundreds


@dataclass(frozen=True)
class DataRow:
    """One row of a `--data` table: where it is, and the values it sets by field path."""

    file: Path
    line: int
    values: dict[str, str]

    def covers(self, field: str) -> bool:
        """Whether a problem at `field` comes from a value this row set."""
        return any(field == path or field.startswith(f"{path}.") for path in self.values)


def read_data(path: Path) -> RawTable:
    """A data table as written (CSV, TSV or YAML list), its size checked."""
    table = read_raw(path)
    if len(table.records) > MAX_DATA_ROWS:
        raise InputError(
            f"{len(table.records)} rows, more than the {MAX_DATA_ROWS} allowed: split the table",
            file=path,
            line=1,
        )
    return table


def field_paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every dotted path a column may name, with 0 standing for any list position."""
    paths = []
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        annotation = info.annotation
        nested = inner_model(annotation)
        is_list = _is_list(annotation)
        if nested is not None and nested.__name__ != "Campaign":
            paths += field_paths(nested, f"{path}.0." if is_list else f"{path}.")
        elif is_list:
            paths.append(f"{path}.0")
        else:
            paths.append(path)
    return paths


def _is_list(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin is list:
        return True
    return any(_is_list(arg) for arg in typing.get_args(annotation))


def _holds_date(annotation: Any) -> bool:
    if annotation is date:
        return True
    return any(_holds_date(arg) for arg in typing.get_args(annotation))


def _leaf(model: type[BaseModel], parts: list[str]) -> Any:
    """The annotation of the field `parts` walk to (list positions skipped), or None."""
    current: type[BaseModel] | None = model
    annotation: Any = None
    for part in parts:
        if part.isdigit():
            continue
        if current is None or part not in current.model_fields:
            return None
        annotation = current.model_fields[part].annotation
        current = inner_model(annotation)
    return annotation


# A column may name a list position up to the list's own limit, or this many; and whatever
# the limits say, a row never grows a list past MAX_ROW_LIST.
MAX_LIST_POSITIONS = 100
MAX_ROW_LIST = 5_000


def _max_items(info: Any) -> int:
    """The most items a list field takes (its `max_length`, else `MAX_LIST_POSITIONS`)."""
    for item in getattr(info, "metadata", []):
        limit = getattr(item, "max_length", None)
        if isinstance(limit, int):
            return limit
    return MAX_LIST_POSITIONS


def _column_problem(model: type[BaseModel], parts: list[str]) -> str | None:
    """Why `parts` do not walk from `model` to a single value ("" for a path that names no
    field at all), or None when they do. A list position past the list's limit is refused
    here, before any row makes a list that long."""
    current: type[BaseModel] | None = model
    index = 0
    while index < len(parts):
        if current is None:
            return ""
        info = current.model_fields.get(parts[index])
        if info is None:
            return ""
        index += 1
        if _is_list(info.annotation):
            if index >= len(parts) or not parts[index].isdigit():
                return ""
            limit = _max_items(info)
            if len(parts[index]) > 6 or int(parts[index]) >= limit:
                return (
                    f"a list here holds at most {limit} items, numbered from 0 to"
                    f" {limit - 1}: check the number in the column's name"
                )
            index += 1
        current = inner_model(info.annotation)
    return None if current is None else ""


def _names_a_field(model: type[BaseModel], parts: list[str]) -> bool:
    """Whether `parts` walk from `model` to a single value (a list item needs its number,
    within the list's limit)."""
    return _column_problem(model, parts) is None


@memo(16)
def header_names(model: type[BaseModel]) -> dict[str, str]:
    """Plain headers (as `header_key`s) and the field path each means, derived from the
    model's field names and the fixed words every language prints for them: `Branch` and
    `Branch name` mean branch.name, `Union` branch.union, `Meeting date` and `Дата собрания`
    branch.meeting_date. A name two fields could claim (`Name`) means neither."""
    from toolkit.messages import labels_for

    labels = [labels_for(language) for language in LANGUAGES]
    # Each header a field could be named by, and how well: the whole path (0), a group's
    # name for its `name` field (1), the field's own word or label alone (2). A header
    # means the one field that claims it best; two equally good claims mean neither.
    claims: dict[str, dict[str, int]] = {}

    def claim(text: str, path: str, rank: int) -> None:
        key = header_key(text)
        if key:
            known = claims.setdefault(key, {})
            known[path] = min(rank, known.get(path, rank))

    for path in field_paths(model):
        parts = [p for p in path.split(".") if not p.isdigit()]
        words = [p.replace("_", " ") for p in parts]
        claim(" ".join(words), path, 0)
        claim(words[-1], path, 2)
        for catalogue in labels:
            if parts[-1] in catalogue:
                claim(catalogue[parts[-1]], path, 2)
        if len(parts) > 1:
            parent = parts[-2]
            parent_labels = [c[parent] for c in labels if parent in c]
            for name in (parent.replace("_", " "), *parent_labels):
                claim(f"{name} {words[-1]}", path, 0)
                if parts[-1] == "name":
                    claim(name, path, 1)  # "Branch" is the branch's name
    found = {}
    for key, paths in claims.items():
        best = min(paths.values())
        winners = [path for path, rank in paths.items() if rank == best]
        if len(winners) == 1:
            found[key] = winners[0]
    return found


@dataclass
class MappedTable:
    """A data table read for one kind of document: its rows as field values, and what
    reading found."""

    mapping: ColumnMap
    rows: list[DataRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    """Problems with the table itself (a column naming no field): nothing is built."""
    row_problems: list[tuple[DataRow, Problem]] = field(default_factory=list)
    """Rows that cannot be built (a date that is not one), each with its problem."""
    notes: list[str] = field(default_factory=list)
    """How the columns and dates were read."""
    warnings: list[Problem] = field(default_factory=list)


def map_table(
    table: RawTable,
    model: type[BaseModel],
    by_hand: Mapping[str, str] | None = None,
    order: Order | None = None,
) -> MappedTable:
    """The rows of `table` as values by field path for documents of `model`: each header a
    field path, a plain header the model's names recognise, or one named by hand
    ({field path: header}); other plain headers are ignored and said so. Dates in any of
    the forms people type become YYYY-MM-DD, the whole column read in one order."""
    header = table.header
    fields: list[str | None] = [None] * len(header)
    hand: set[int] = set()
    result = MappedTable(ColumnMap(header, fields, {}, hand))
    known = field_paths(model)
    for path, wanted in (by_hand or {}).items():
        position = find_header(header, wanted)
        if not _names_a_field(model, path.split(".")):
            result.problems.append(_no_field(model, path, table.file, known, "--column"))
        elif position is None:
            close = difflib.get_close_matches(wanted, header, n=1, cutoff=0.5)
            hint = f'did you mean "{close[0]}"? ' if close else ""
            result.problems.append(
                Problem(
                    table.file,
                    table.header_line,
                    "--column",
                    f'no column "{wanted}" in the first line: {hint}it has '
                    + ", ".join(f'"{h}"' for h in header if h),
                )
            )
        else:
            fields[position] = path
            hand.add(position)
    names = header_names(model)
    for position, text in enumerate(header):
        if position in hand or not text:
            continue
        if text in known or "." in text or _names_a_field(model, text.split(".")):
            if _names_a_field(model, text.split(".")):
                fields[position] = text
            else:
                result.problems.append(_no_field(model, text, table.file, known, text))
            continue
        recognised = names.get(header_key(text))
        if recognised is None:
            close = difflib.get_close_matches(header_key(text), list(names), n=1, cutoff=0.8)
            if close:
                result.mapping.reasons[position] = f"did you mean {names[close[0]]}?"
            continue
        fields[position] = recognised
    for path in {f for f in fields if f}:
        positions = result.mapping.columns_of(path)
        for position in positions[1:]:
            fields[position] = None
            result.mapping.reasons[position] = f'{path} comes from "{header[positions[0]]}"'
            result.warnings.append(
                Problem(
                    table.file,
                    table.header_line,
                    path,
                    f'column "{header[position]}" ignored: {path} comes from'
                    f' "{header[positions[0]]}"; choose one with --column {path}="..."',
                    warning=True,
                )
            )
    plain = any(f and f != header[i] for i, f in enumerate(fields))
    ignored = any(f is None and header[i] for i, f in enumerate(fields))
    if (plain or ignored or hand) and not result.problems:
        result.notes.append(
            f"{table.file}:{table.header_line}: columns: {result.mapping.describe()}"
        )
    bad: dict[int, Problem] = {}
    readings = {
        position: _read_dates(table, position, path, order, result, bad)
        for position, path in enumerate(fields)
        if path and _holds_date(_leaf(model, path.split(".")))
    }
    for index, (line, cells) in enumerate(table.records):
        values = {}
        for position, target in enumerate(fields):
            if target is None or position >= len(cells) or not cells[position]:
                continue
            values[target] = readings.get(position, {}).get(index, cells[position])
        row = DataRow(table.file, line, values)
        if line in bad:
            result.row_problems.append((row, bad[line]))
        else:
            result.rows.append(row)
    return result


def _no_field(
    model: type[BaseModel], column: str, table: Path, known: list[str], label: str
) -> Problem:
    why = _column_problem(model, column.split("."))
    if why:
        return Problem(table, 1, label, why)
    pattern = ".".join("0" if part.isdigit() else part for part in column.split("."))
    close = difflib.get_close_matches(pattern, known, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return Problem(
        table,
        1,
        label,
        f"this column names no field of a {model.__name__.lower()}: {hint}columns are"
        f" field paths such as {', '.join(known[:6])}, or plain headers such as"
        " Branch, Union, Meeting date",
    )


def _read_dates(
    table: RawTable,
    position: int,
    path: str,
    order: Order | None,
    result: MappedTable,
    bad: dict[int, Problem],
) -> dict[int, str]:
    """A date column's cells as YYYY-MM-DD by row index, read in one order; a row whose cell
    is not a date becomes a row problem."""
    values = table.column(position)
    chosen, why = column_order(values, order)
    converted: dict[int, str] = {}
    example_ambiguous = example_serial = None
    for index, value in enumerate(values):
        if not value:
            continue
        line = table.records[index][0]
        try:
            reading = parse_date(value, chosen, table=True)
        except DateError as exc:
            bad.setdefault(line, Problem(table.file, line, path, str(exc)))
            continue
        converted[index] = reading.value.isoformat()
        if reading.how == "an Excel date number":
            example_serial = example_serial or reading
        elif reading.how:
            example_ambiguous = example_ambiguous or reading
    where = f'{table.file}:{table.header_line}: {path} ("{table.header[position]}")'
    if example_ambiguous is not None:
        other = "--month-first" if chosen == "day-first" else "--day-first"
        result.notes.append(
            f"{where}: dates read {chosen.replace('-', ' ')} ({example_ambiguous.written} is"
            f" {in_words(example_ambiguous.value)}), {why}; {other} reads them the other way"
        )
    if example_serial is not None:
        result.notes.append(
            f"{where}: Excel date numbers read as dates ({example_serial.written} is"
            f" {in_words(example_serial.value)})"
        )
    return converted


def apply_row(data: dict[str, Any], row: DataRow) -> None:
    """Set each of the row's values at its field path in the document's data."""
    for path, value in row.values.items():
        node: Any = data
        parts = path.split(".")
        for part, following in itertools.pairwise(parts):
            key: Any = int(part) if part.isdigit() else part
            if isinstance(key, int) and key > MAX_ROW_LIST:
                raise ValueError(f"list position {key} in a column: check_columns refuses it")
            if isinstance(node, list):
                while len(node) <= key:
                    node.append({})
                node = node[key]
                continue
            child = node.get(key)
            if not isinstance(child, dict | list):
                child = [] if following.isdigit() else {}
                node[key] = child
            node = child
        last: Any = int(parts[-1]) if parts[-1].isdigit() else parts[-1]
        if isinstance(last, int) and last > MAX_ROW_LIST:
            raise ValueError(f"list position {last} in a column: check_columns refuses it")
        if isinstance(node, list):
            while len(node) <= last:
                node.append(None)
        node[last] = value


def row_name(row: DataRow, name_by: str | None) -> str:
    """The value that names a row's outputs: `--name-by`, else branch.name or name."""
    for column in [name_by] if name_by else ["branch.name", "name"]:
        if row.values.get(column):
            return row.values[column]
    return f"row-{row.line}"


# -- reporting a batch -------------------------------------------------------------------------
def line_ranges(lines: Iterable[int]) -> str:
    """ "2–51" or "2, 5–7, 9": line numbers as runs."""
    numbers = sorted(set(lines))
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def group_row_problems(
    items: Iterable[tuple[DataRow | None, Problem]], rows_in_table: int = 0
) -> list[Problem]:
    """Problems of a batch with the same message said once, with the rows they affect:
    `branches.csv: rows 2–51: field: message` for a problem in the table's cells, and the
    document's own place with `(rows 2–51 of branches.csv)` for one in the document that
    every such row met."""
    groups: dict[tuple[object, ...], tuple[Problem, list[int], Path | None]] = {}
    for row, problem in items:
        in_table = row is not None and str(problem.file) == str(row.file)
        key: tuple[object, ...] = (
            (str(problem.file), problem.field, problem.message, problem.warning)
            if in_table
            else (str(problem.file), problem.line, problem.field, problem.message, problem.warning)
        )
        line = (problem.line or 0) if in_table else (row.line if row is not None else 0)
        if key not in groups:
            groups[key] = (problem, [], None if in_table or row is None else row.file)
        if row is not None:
            groups[key][1].append(line)
    result = []
    for problem, lines, table in groups.values():
        if len(set(lines)) <= 1 and table is None:
            result.append(problem)
        elif table is None:
            result.append(
                Problem(
                    f"{problem.file}: rows {line_ranges(lines)}",
                    None,
                    problem.field,
                    problem.message,
                    problem.warning,
                )
            )
        else:
            count = len(set(lines))
            which = (
                "every row"
                if count == rows_in_table and count > 1
                else f"{'row' if count == 1 else 'rows'} {line_ranges(lines)}"
            )
            result.append(
                Problem(
                    problem.file,
                    problem.line,
                    problem.field,
                    f"{problem.message} ({which} of {table})",
                    problem.warning,
                )
            )
    return result


def table_rows(path: Path, model: type[BaseModel]) -> list[DataRow]:
    """The rows of a data table as field values for documents of `model` (for callers that
    need no report: benchmarks, scripts)."""
    return map_table(read_data(path), model).rows
