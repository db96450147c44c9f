"""Turn pydantic's validation errors into `FILE:LINE: field.path: message` problems."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from toolkit.errors import Problem
from toolkit.loader import Loaded, Path_
from toolkit.model import Campaign


def problems_from(error: ValidationError, loaded: Loaded, model: type[BaseModel]) -> list[Problem]:
    """One problem per pydantic error, placed on the line of the offending value."""
    problems = []
    for detail in error.errors(include_url=False):
        path = _data_path(loaded.data, detail["loc"])
        field = ".".join(str(p) for p in path)
        message = _message(detail, path, model)
        problems.append(Problem(loaded.file, loaded.line_of(path), field, message))
    return sorted(problems, key=lambda p: p.line or 0)


def _data_path(data: Any, loc: tuple[str | int, ...]) -> Path_:
    """Follow pydantic's location through the data, dropping union tags it adds."""
    node = data
    path: list[str | int] = []
    for index, key in enumerate(loc):
        in_dict = isinstance(node, dict) and key in node
        in_list = isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)
        if in_dict or in_list:
            node = node[key]
        elif index == len(loc) - 1 and isinstance(node, dict):
            node = None  # a missing or unknown key: name it, it has no value
        else:
            continue  # a union member's tag, not a key in the file
        path.append(key)
    return tuple(path)


def _fields_at(model: type[BaseModel], path: Path_) -> dict[str, Any]:
    """The fields allowed at `path` inside `model`, following nested models and lists."""
    current: Any = model
    for key in path:
        if isinstance(key, int):
            continue
        fields = current.model_fields if _is_model(current) else {}
        if key not in fields:
            return {}
        current = inner_model(fields[key].annotation)
        if current is None:
            return {}
    return dict(current.model_fields) if _is_model(current) else {}


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def inner_model(annotation: Any) -> type[BaseModel] | None:
    """The model inside `X | None`, `list[X]`, `Annotated[...]`, if there is one."""
    if _is_model(annotation):
        return typing.cast(type[BaseModel], annotation)
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return inner_model(typing.get_args(annotation)[0])
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = inner_model(arg)
            if found is not None:
                return found
    return None


def _message(detail: ErrorDetails, path: Path_, model: type[BaseModel]) -> str:
    kind = detail["type"]
    ctx = detail.get("ctx", {})
    name = str(path[-1]) if path else ""
    if kind == "extra_forbidden":
        allowed = sorted(_fields_at(model, path[:-1]))
        if len(path) == 1 and name in Campaign.model_fields and "campaign" in allowed:
            return (
                f"unknown field: {name} belongs to the campaign; write it in the campaign file"
                " or indented under `campaign:`"
            )
        close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"unknown field: {hint}allowed here: {', '.join(allowed)}"
    if kind == "missing":
        return f"required: add `{name}:` with a value"
    if kind in ("string_type", "str_type"):
        return "should be text (put it in quotes if it starts with a special character)"
    if kind == "list_type":
        return "should be a list: one item per line, each starting with '- '"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "should be a group of `name: value` lines, indented under this one"
    if kind in ("int_parsing", "int_type", "int_from_float", "int_parsing_size"):
        return "should be a whole number, for example 250"
    if kind == "less_than_equal":
        return f"should be at most {ctx.get('le')}"
    if kind == "string_too_long" or (kind == "too_long" and isinstance(detail["input"], str)):
        return f"is longer than the {ctx.get('max_length')} characters allowed here: shorten it"
    if kind == "too_long":
        return f"has more than the {ctx.get('max_length')} items allowed here"
    if kind == "greater_than":
        return f"should be more than {ctx.get('gt')}"
    if kind == "literal_error":
        return f"should be one of: {ctx.get('expected', '').replace(chr(39), '')}"
    if kind == "too_short":
        return "is empty: give at least one item"
    if kind == "string_too_short":
        return "is empty: write some text, or leave the field out"
    if kind == "value_error":
        return str(ctx.get("error", detail["msg"]))
    if kind == "union_tag_invalid":
        return "should be a file name or a group of `name: value` lines"
    return str(detail["msg"])
