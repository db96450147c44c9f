"""What the web app's render workers do: make a visitor's copy of a document from the
fields they sent, through the public build API, as bytes (nothing is written)."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from toolkit import api

PREVIEW_WIDTH = 640


@dataclass(frozen=True)
class Made:
    """A visitor's copy (a PDF, a DOCX or a first-page PNG), or what is wrong with the
    fields they sent: (field path, message) pairs, the messages the command line prints."""

    data: bytes = b""
    problems: tuple[tuple[str, str], ...] = ()
    size: tuple[int, int] = (0, 0)


def make(mapping: dict[str, Any], folder: str, name: str, fmt: str) -> Made:
    """Load, check and render the document `mapping` describes (its paths relative to
    `folder`, its problems reported under `name`): "pdf", "docx", or "preview" (the first
    page as a PNG). The checked document is kept for the next format of the same fields."""
    from toolkit.cache import CHECKED

    form = Path(folder) / name
    try:
        document = api.load(mapping, folder=Path(folder), name=name)
        key = (api.fingerprint(document), folder, name, fields_key(mapping))
        checked = CHECKED.get(key, lambda: api.check(document))
        if fmt != "preview":
            return Made(api.render(checked, fmt))
        return _first_page(api.render(checked, "pdf"))
    except api.UnionkitError as exc:
        # A problem in another file (the campaign file) is the campaign's, not the field's.
        return Made(
            problems=tuple(
                (p.field if Path(p.file) == form else "", p.message) for p in exc.problems
            )
        )


def fields_key(mapping: dict[str, Any]) -> str:
    """A digest of the fields a visitor sent (for keeping their checked document, and for
    sending their next request to the worker that keeps it)."""
    text = json.dumps(mapping, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _first_page(pdf: bytes) -> Made:
    from toolkit.preview import first_page_picture

    image = first_page_picture(pdf, PREVIEW_WIDTH)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=6)
    return Made(buffer.getvalue(), size=image.size)
