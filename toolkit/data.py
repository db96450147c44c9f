"""Mail merge: a table whose columns are field paths (`branch.name`) gives one document a row."""

from __future__ import annotations

import difflib
import itertools
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from toolkit.errors import InputError, Problem
from toolkit.tables import read_table
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


def read_data(path: Path) -> tuple[list[str], list[DataRow]]:
    """The columns and rows of a data table (CSV, TSV or YAML list)."""
    table = read_table(path)
    if len(table.rows) > MAX_DATA_ROWS:
        raise InputError(
            f"{len(table.rows)} rows, more than the {MAX_DATA_ROWS} allowed: split the table",
            file=path,
            line=1,
        )
    rows = [
        DataRow(row.file, row.line, {k: v for k, v in row.cells.items() if v}) for row in table.rows
    ]
    return [c for c in table.columns if c], rows


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


def check_columns(columns: list[str], model: type[BaseModel], table: Path) -> list[Problem]:
    """A problem for each column that names no field of `model`, with a suggestion."""
    known = field_paths(model)
    problems = []
    for column in columns:
        why = _column_problem(model, column.split("."))
        if why is None:
            continue
        if why:
            problems.append(Problem(table, 1, column, why))
            continue
        pattern = ".".join("0" if part.isdigit() else part for part in column.split("."))
        close = difflib.get_close_matches(pattern, known, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        problems.append(
            Problem(
                table,
                1,
                column,
                f"this column names no field of a {model.__name__.lower()}: {hint}columns are"
                f" field paths such as {', '.join(known[:6])}",
            )
        )
    return problems


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
