"""`unionkit new`: commented starter documents that build at once, with their editor schema."""

from __future__ import annotations

import json
from pathlib import Path

from toolkit.errors import InputError
from toolkit.output import write_atomically

SCHEMA_FOLDER = Path(".unionkit") / "schema"


def write_starter(kind: str, file: Path) -> list[Path]:
    """Write a starter `kind` document to `file` (never over an existing file) and the JSON
    Schema editors use to check it; a sign-on sheet also gets the letter it needs."""
    from toolkit import kinds
    from toolkit.schema import kind_schema

    found = kinds.get(kind)
    kind = found.name

    if file.exists():
        raise InputError(
            "already exists: choose another name (unionkit never overwrites)", file=file
        )
    if file.suffix.lower() not in (".yaml", ".yml"):
        raise InputError("give the new document a .yaml name", file=file)
    written = []
    schema = file.parent / SCHEMA_FOLDER / f"{kind}.json"
    write_atomically(schema, json.dumps(kind_schema(kind), indent=2).encode("utf-8"))
    header = f"# yaml-language-server: $schema={(SCHEMA_FOLDER / f'{kind}.json').as_posix()}\n"
    text = found.starter.read_text(encoding="utf-8")
    write_atomically(file, (header + text).encode("utf-8"))
    written.append(file)
    for companion, name in found.companions:
        if not (file.parent / name).exists():
            written += write_starter(companion, file.parent / name)
    return written
