"""Sign-on sheets: ruled rows to pass round a meeting, collecting signatures for a letter."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError

from toolkit.context import DocumentContext, common_context
from toolkit.document import YAML_SUFFIXES, LoadedDocument, data_file, place_of
from toolkit.errors import InputError
from toolkit.kinds.base import Kind, Section
from toolkit.kinds.letter import Letter
from toolkit.loader import Loaded, load_yaml
from toolkit.markdown import first_paragraph
from toolkit.model import Document, Line, Markdown
from toolkit.validate import problems_from

SUMMARY_WORDS = 60  # what fits above the ruled rows of a landscape sheet


class SignOnSheet(Document):
    """A ruled sheet to pass round a meeting, collecting signatures for an open letter."""

    letter: Line
    """The letter YAML this sheet collects signatures for (its path, relative to this file)."""
    summary: Markdown | None = None
    """What people are signing, in a few lines (default: the first paragraph of the letter)."""
    rows: Annotated[int, Field(ge=1, le=25)] = 15
    """Ruled rows on each page (1-25)."""
    pages: Annotated[int, Field(ge=1, le=50)] = 1
    """How many pages to print (1-50)."""


def read_letter(model: Document, loaded: Loaded) -> Letter:
    """The open letter a sign-on sheet collects signatures for."""
    assert isinstance(model, SignOnSheet)
    where = place_of(loaded, ("letter",))
    path = data_file(model.letter, loaded.file, where, own_tree=True)
    if path.suffix.lower() not in YAML_SUFFIXES or not path.is_file():
        raise where.problem(f"letter {model.letter!r} not found: give the letter's .yaml file")
    letter_data = load_yaml(path)
    if not isinstance(letter_data.data, dict):
        raise where.problem(f"{model.letter!r} is not a letter document")
    try:
        return Letter.model_validate(letter_data.data)
    except ValidationError as exc:
        raise InputError(problems=problems_from(exc, letter_data, Letter)) from None


def letter_file(model: Document, folder: Path) -> list[Path]:
    assert isinstance(model, SignOnSheet)
    return [folder / model.letter]


def _shortened(text: str, words: int) -> str:
    """`text` cut to about `words` words, at a word, with an ellipsis if it was longer."""
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]).rstrip(",;:") + "…"


def build_context(doc: LoadedDocument) -> DocumentContext:
    """A sign-on sheet's context: the letter's subject, a summary, ruled rows per page."""
    model, letter = doc.model, doc.linked
    assert isinstance(model, SignOnSheet) and isinstance(letter, Letter)
    context = common_context(doc, letter.subject, None)
    labels = context.values["labels"]
    summary = model.summary or _shortened(first_paragraph(letter.body), SUMMARY_WORDS)
    context.values.update(
        {
            "subject": letter.subject,
            "summary": summary,
            # The consent column is read back when the sheet is typed up (`signatories:`).
            "columns": [
                labels[key]
                for key in ("name", "role", "organisation", "email", "publish_consent", "signature")
            ],
            "consent_note": labels["consent_note"],
            "rows": model.rows,
            # Rows share the height left under the heading, never less than 5 mm to sign in.
            "row_height_mm": round(max(5.0, min(11.0, 118.0 / model.rows)), 1),
            "pages": [
                {"number": n + 1, "rows": list(range(model.rows))} for n in range(model.pages)
            ],
        }
    )
    return context


KIND = Kind(
    name="sign-on-sheet",
    model=SignOnSheet,
    build_context=build_context,
    values=frozenset(
        {"subject", "summary", "columns", "consent_note", "rows", "row_height_mm", "pages"}
    ),
    sections=(Section("Sign-on sheet (`template: sign-on-sheet`)", SignOnSheet, own_only=True),),
    link=read_letter,
    dependencies=letter_file,
    companions=(("letter", "open-letter.yaml"),),
    name_fields=("letter",),
)
