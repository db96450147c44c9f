"""The field reference in the README, written from the models' own docstrings."""

from __future__ import annotations

import types
import typing
from datetime import date
from typing import Any

from pydantic import BaseModel

from toolkit.model import (
    Addressee,
    Branch,
    Campaign,
    Letter,
    Recipient,
    Resolution,
    SignatoryEntry,
    SignOnSheet,
)

START = "<!-- field-reference:start (make readme) -->"
END = "<!-- field-reference:end -->"

SECTIONS: list[tuple[str, type[BaseModel], str]] = [
    ("Every document", Resolution, "common"),
    ("Resolution (`template: resolution`)", Resolution, "own"),
    ("`branch:`", Branch, "all"),
    ("`send_to:` items", Recipient, "all"),
    ("Open letter (`template: letter`)", Letter, "own"),
    ("`to:`", Addressee, "all"),
    (
        "`signatories:` items (in the letter, or columns of a signatories file)",
        SignatoryEntry,
        "all",
    ),
    ("Sign-on sheet (`template: sign-on-sheet`)", SignOnSheet, "own"),
    ("Campaign file (`campaign: campaign.yaml`)", Campaign, "all"),
]
COMMON = ("template", "language", "campaign")


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        if str in args and any(_type_name(a).startswith("list") for a in args):
            return "file name, or " + _type_name(next(a for a in args if a is not str))
        names = [_type_name(a) for a in args if a is not type(None)]
        return " or ".join(dict.fromkeys(names))
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is typing.Literal:
        return " / ".join(str(a) for a in args)
    if annotation is date:
        return "date (YYYY-MM-DD)"
    if annotation is str:
        return "text"
    if annotation is int:
        return "number"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "fields" if annotation is not Campaign else "campaign fields"
    return getattr(annotation, "__name__", str(annotation))


def field_reference() -> str:
    """Markdown tables of every document field: name, type, required, description."""
    out: list[str] = []
    for title, model, which in SECTIONS:
        out += [f"#### {title}", "", "| field | type | what it is |", "| --- | --- | --- |"]
        for name, info in model.model_fields.items():
            if which == "common" and name not in COMMON:
                continue
            if which == "own" and name in COMMON:
                continue
            required = " **(required)**" if info.is_required() else ""
            description = " ".join((info.description or "").split()).replace("|", "\\|")
            kind = _type_name(info.annotation)
            out.append(f"| `{name}`{required} | {kind} | {description} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def update_readme(text: str) -> str:
    """`text` with the part between the markers replaced by the current reference."""
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{field_reference()}{END}{tail}"
