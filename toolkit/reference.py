"""The field reference in the README, written from the models' own docstrings."""

from __future__ import annotations

import types
import typing
from datetime import date
from typing import Any

from pydantic import BaseModel

from toolkit import kinds
from toolkit.kinds.base import Section
from toolkit.model import Campaign, Document, Site

START = "<!-- field-reference:start (make readme) -->"
END = "<!-- field-reference:end -->"
COMMON = ("template", "language", "campaign", "labels")


def sections() -> list[Section]:
    """The tables of the reference: the fields every document has, each kind's (from the
    registry, in its order), then the campaign file's."""
    every = Section("Every document", Document)
    kind_sections = [section for kind in kinds.all_kinds() for section in kind.sections]
    return [
        every,
        *kind_sections,
        Section("Campaign file (`campaign: campaign.yaml`)", Campaign),
        Section("`site:` (in the campaign file)", Site),
    ]


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
    if origin is dict:
        return "fields"
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
    for section in sections():
        out += [f"#### {section.title}", "", "| field | type | what it is |", "| --- | --- | --- |"]
        for name, info in section.model.model_fields.items():
            if section.model is Document and name not in COMMON:
                continue
            if section.own_only and name in COMMON:
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
