"""The "Make it yours" form, generated from a document kind's JSON Schema: which inputs to
show for the fields its kind lets a branch fill in, what a visitor sent (read only at those
field paths, never anywhere else), and the document it makes."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from toolkit.kinds.base import Kind

MAX_ITEMS = 100
_INDEXED = re.compile(r"^([a-z_]+)\.(\d{1,3})(?:\.([a-z_]+))?$")


@dataclass(frozen=True)
class Input:
    """One text input: its name in the group, its HTML type."""

    name: str
    type: str
    title: str = ""


@dataclass(frozen=True)
class Part:
    """One top-level field of the form: a group of inputs (`branch`), a list of groups
    (`send_to`) or a list of texts (`resolves`)."""

    path: str
    shape: str
    inputs: tuple[Input, ...] = ()
    max_items: int = MAX_ITEMS
    title: str = ""


@dataclass
class State:
    """What the form holds: the visitor's values by part, empty items included (so that an
    added item shows), as lists and groups of text."""

    values: dict[str, Any] = field(default_factory=dict)


def _resolve(node: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in node:
        return _resolve(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    choices = node.get("anyOf") or node.get("oneOf")
    if choices:
        options = [_resolve(o, defs) for o in choices if o.get("type") != "null"]
        # A field that is a group or a word (`branch:` or `branch: to fill in`): the form
        # fills in the group.
        shaped = [o for o in options if o.get("type") in ("object", "array")]
        if shaped or len(options) == 1:
            return (shaped or options)[0]
    return node


def _input(name: str, schema: dict[str, Any]) -> Input:
    if schema.get("format") == "date":
        kind = "date"
    elif name == "email":
        kind = "email"
    elif schema.get("type") == "string" and schema.get("maxLength", 10**6) <= 500:
        kind = "text"
    else:
        kind = "textarea"
    return Input(name, kind, str(schema.get("title", name)))


def parts_of(kind: Kind, *, editable: bool) -> list[Part]:
    """The form's parts for a kind: its `form_fields`, and its `editable_fields` when the
    campaign allows it, read from the kind's JSON Schema."""
    schema = kind.model.model_json_schema(mode="validation")
    defs = schema.get("$defs", {})
    paths = [*kind.form_fields, *(kind.editable_fields if editable else ())]
    parts = []
    for path in paths:
        node = _resolve(schema["properties"][path], defs)
        title = str(schema["properties"][path].get("title", path))
        if node.get("type") == "object":
            inputs = tuple(
                _input(name, _resolve(sub, defs)) for name, sub in node["properties"].items()
            )
            parts.append(Part(path, "group", inputs, title=title))
        elif node.get("type") == "array":
            items = _resolve(node["items"], defs)
            most = min(int(node.get("maxItems", MAX_ITEMS)), MAX_ITEMS)
            if items.get("type") == "object":
                inputs = tuple(
                    _input(name, _resolve(sub, defs)) for name, sub in items["properties"].items()
                )
                parts.append(Part(path, "groups", inputs, most, title))
            else:
                parts.append(Part(path, "items", (_input("", items),), most, title))
    return parts


def _text(value: Any) -> str:
    if value is None:
        return ""
    return " ".join(str(value).split()) if "\n" not in str(value).strip() else str(value).strip()


def initial_state(parts: list[Part], base: Mapping[str, Any]) -> State:
    """The form filled from the document as the campaign wrote it."""
    state = State()
    for part in parts:
        value = base.get(part.path)
        if part.shape == "group":
            group = value if isinstance(value, Mapping) else {}
            state.values[part.path] = {i.name: _text(group.get(i.name)) for i in part.inputs}
        elif part.shape == "groups":
            items = value if isinstance(value, list) else []
            state.values[part.path] = [
                {
                    i.name: _text(item.get(i.name)) if isinstance(item, Mapping) else ""
                    for i in part.inputs
                }
                for item in items[: part.max_items]
            ]
        else:
            items = value if isinstance(value, list) else []
            state.values[part.path] = [_text(item) for item in items[: part.max_items]]
    return state


def posted_state(parts: list[Part], form: Mapping[str, str]) -> State:
    """The form as the visitor sent it: values read only at the parts' own names."""
    state = State()
    indexed: dict[str, dict[int, dict[str, str] | str]] = {}
    for key, value in form.items():
        match = _INDEXED.match(key)
        if match:
            path, index, sub = match[1], int(match[2]), match[3]
            slot = indexed.setdefault(path, {})
            if sub:
                group = slot.setdefault(index, {})
                if isinstance(group, dict):
                    group[sub] = str(value)
            else:
                slot[index] = str(value)
    for part in parts:
        if part.shape == "group":
            state.values[part.path] = {
                i.name: str(form.get(f"{part.path}.{i.name}", "")) for i in part.inputs
            }
            continue
        found = indexed.get(part.path, {})
        ordered = [found[index] for index in sorted(found) if index < part.max_items]
        if part.shape == "groups":
            state.values[part.path] = [
                {i.name: str(item.get(i.name, "")) for i in part.inputs}
                for item in ordered
                if isinstance(item, dict)
            ]
        else:
            state.values[part.path] = [item for item in ordered if isinstance(item, str)]
    return state


def apply_action(parts: list[Part], state: State, action: str) -> bool:
    """An "add:PATH" or "remove:PATH.N" button pressed; whether it was one."""
    verb, _, target = action.partition(":")
    by_path = {part.path: part for part in parts}
    if verb == "add" and target in by_path and by_path[target].shape != "group":
        part = by_path[target]
        items = state.values[target]
        if len(items) < part.max_items:
            items.append({i.name: "" for i in part.inputs} if part.shape == "groups" else "")
        return True
    if verb == "remove":
        path, _, index = target.rpartition(".")
        if path in by_path and index.isdigit():
            items = state.values.get(path, [])
            if int(index) < len(items):
                del items[int(index)]
            return True
    return False


def _filled(value: Any) -> bool:
    if isinstance(value, dict):
        return any(str(v).strip() for v in value.values())
    return bool(str(value).strip())


def document_data(
    parts: list[Part], state: State, base: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[int]]]:
    """The document to make: the campaign's own data with the visitor's values at the form's
    field paths only (an empty field left out, so it prints as a fill-in blank; empty items
    dropped). Also, for each list, which item of the form each item of the document is, to
    put a problem next to the right input."""
    data = copy.deepcopy(dict(base))
    kept: dict[str, list[int]] = {}
    for part in parts:
        value = state.values.get(part.path)
        if part.shape == "group":
            group = {k: v.strip() for k, v in (value or {}).items() if v.strip()}
            data[part.path] = group or None
            continue
        positions = [index for index, item in enumerate(value or []) if _filled(item)]
        kept[part.path] = positions
        items = [value[index] for index in positions] if value else []
        if part.shape == "groups":
            items = [{k: v.strip() for k, v in item.items() if v.strip()} for item in items]
        else:
            items = [item.strip() for item in items]
        data[part.path] = items or None
    return data, kept


def form_field(problem_field: str, kept: dict[str, list[int]]) -> str:
    """The form input a problem at a document's field path belongs to."""
    parts = problem_field.split(".")
    if len(parts) >= 2 and parts[0] in kept and parts[1].isdigit():
        positions = kept[parts[0]]
        index = int(parts[1])
        if index < len(positions):
            parts[1] = str(positions[index])
    return ".".join(parts)


def field_id(path: str) -> str:
    return "f-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


def view(
    parts: list[Part],
    state: State,
    labels: Mapping[str, str],
    words: Mapping[str, str],
    errors: Mapping[str, str],
) -> list[dict[str, Any]]:
    """The form's parts as the page's template sees them: labels in the document's language,
    values, and the problem next to each input."""

    def label(name: str, fallback: str) -> str:
        return labels.get(name) or fallback

    def one(path: str, spec: Input, value: str, text: str) -> dict[str, Any]:
        return {
            "name": path,
            "id": field_id(path),
            "label": text,
            "type": spec.type,
            "value": value,
            "rows": 4 if spec.type == "textarea" else 1,
            "error": errors.get(path, ""),
            "hint": "",
            "autocomplete": "email" if spec.type == "email" else "",
        }

    shown = []
    for part in parts:
        value = state.values.get(part.path)
        if part.shape == "group":
            group = value or {}
            shown.append(
                {
                    "kind": "group",
                    "name": part.path,
                    "label": words.get(f"form_group_{part.path}") or label(part.path, part.title),
                    "hint": words["form_blank_hint"],
                    "fields": [
                        one(
                            f"{part.path}.{i.name}",
                            i,
                            group.get(i.name, ""),
                            # A group's own name is what the group is called ("Branch").
                            label(part.path if i.name == "name" else i.name, i.title),
                        )
                        for i in part.inputs
                    ],
                    "error": errors.get(part.path, ""),
                }
            )
        elif part.shape == "groups":
            items = []
            for index, item in enumerate(value or []):
                items.append(
                    {
                        "label": words["form_recipient"].format(number=index + 1),
                        "fields": [
                            one(
                                f"{part.path}.{index}.{i.name}",
                                i,
                                item.get(i.name, ""),
                                label(i.name, i.title),
                            )
                            for i in part.inputs
                        ],
                        "remove": f"remove:{part.path}.{index}",
                    }
                )
            shown.append(
                {
                    "kind": "groups",
                    "name": part.path,
                    "label": words["form_recipients"],
                    "entries": items,
                    "add": f"add:{part.path}" if len(items) < part.max_items else "",
                    "add_label": words["form_add_recipient"],
                    "error": errors.get(part.path, ""),
                }
            )
        else:
            spec = part.inputs[0]
            points: list[dict[str, Any]] = [
                {
                    "field": one(
                        f"{part.path}.{index}",
                        Input("", "textarea"),
                        text,
                        words["form_point"].format(number=index + 1),
                    )
                    | {"type": "textarea" if spec.type == "textarea" else spec.type},
                    "remove": f"remove:{part.path}.{index}",
                }
                for index, text in enumerate(value or [])
            ]
            shown.append(
                {
                    "kind": "items",
                    "name": part.path,
                    "label": label(part.path, part.title),
                    "entries": points,
                    "add": f"add:{part.path}" if len(points) < part.max_items else "",
                    "add_label": words["form_add_point"],
                    "error": errors.get(part.path, ""),
                }
            )
    return shown
