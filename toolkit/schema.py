"""JSON Schema of the document kinds, from the same models that validate them."""

from __future__ import annotations

from typing import Any

from toolkit import kinds

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def kind_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema for one document kind, for editors to complete and check YAML."""
    found = kinds.get(kind)
    schema = found.model.model_json_schema(mode="validation")
    schema["$schema"] = SCHEMA_DRAFT
    schema["title"] = f"unionkit {found.name}"
    return schema


def all_schemas() -> dict[str, Any]:
    """One schema that accepts a document of any kind."""
    return {
        "$schema": SCHEMA_DRAFT,
        "title": "unionkit document",
        "anyOf": [{"$ref": f"#/$defs/{kind}"} for kind in kinds.names()],
        "$defs": {kind: _inlined(kind_schema(kind)) for kind in kinds.names()},
    }


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """A kind's schema with its own `$defs` references made to work under `$defs/<kind>`."""
    import json

    kind_defs = schema.pop("$defs", {})
    title = schema["title"].removeprefix("unionkit ")
    text = json.dumps(schema).replace('"#/$defs/', f'"#/$defs/{title}/$defs/')
    inlined: dict[str, Any] = json.loads(text)
    if kind_defs:
        text = json.dumps(kind_defs).replace('"#/$defs/', f'"#/$defs/{title}/$defs/')
        inlined["$defs"] = json.loads(text)
    inlined.pop("$schema", None)
    return inlined
