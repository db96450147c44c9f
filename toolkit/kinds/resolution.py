"""Model resolutions (motions): a branch adapts, debates, passes, signs and sends them on."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from toolkit.context import DocumentContext, common_context, count_words, format_date
from toolkit.document import LoadedDocument
from toolkit.errors import InputError, Problem
from toolkit.kinds.base import Kind, Section
from toolkit.model import Document, Email, IsoDate, Items, Line, Markdown, Strict


class Branch(Strict):
    """The branch that debates the motion. Anything left out prints as a fill-in blank."""

    name: Line | None = None
    """The branch's name, e.g. "Offshore Energy Branch". Left out: a fill-in blank."""
    union: Line | None = None
    """The union the branch belongs to, e.g. "RMT". Left out: a fill-in blank."""
    meeting_date: IsoDate | None = None
    """The date of the meeting that debates the motion, as YYYY-MM-DD. Left out: a fill-in
    blank."""


class Recipient(Strict):
    """Somebody the passed motion is sent to."""

    name: Line
    """Who receives the motion, e.g. "Union Solidarity International"."""
    email: Email | None = None
    """Their email address, printed beside the name."""


class Resolution(Document):
    """A model resolution (motion) that a branch adapts, debates, passes and sends on."""

    title: Line
    """The motion's title, e.g. "Justice for the Zhanaozen oil workers"."""
    branch: Branch = Branch()
    """The branch debating it: `name`, `union`, `meeting_date`."""
    intro: Markdown | None = None
    """A short paragraph before the motion (Markdown), e.g. how to adapt it."""
    notes: Items = []
    """"This branch notes": the facts, one Markdown item each."""
    believes: Items = []
    """"This branch believes": the branch's view, one Markdown item each."""
    resolves: Annotated[list[Markdown], Field(min_length=1, max_length=100)]
    """"This branch resolves": what the branch will do, one Markdown item each (at least one)."""
    send_to: list[Recipient] = []
    """Where to send the passed motion: a list of `name` and `email`."""
    word_limit: Annotated[int, Field(gt=0, le=100_000)] | None = None
    """A cap on the motion's words (conferences often set 250). `build` and `check` count the
    section headings and items (not the title or intro) and fail when there are too many."""


def build_context(doc: LoadedDocument) -> DocumentContext:
    """A resolution's context; checks its word limit and reports its fill-in blanks."""
    model = doc.model
    assert isinstance(model, Resolution)
    source = doc.source
    context = common_context(doc, model.title, model.branch.name)
    language, labels = context.language, context.values["labels"]

    branch: dict[str, str | None] = {
        "name": model.branch.name,
        "union": model.branch.union,
        "meeting_date": (
            format_date(model.branch.meeting_date, language) if model.branch.meeting_date else None
        ),
    }
    for key, value in branch.items():
        if value is None:
            path = ("branch", key)
            context.warnings.append(
                Problem(
                    source.file,
                    source.line_of(path),
                    f"branch.{key}",
                    "left out: printed as a fill-in blank for the branch to complete",
                    warning=True,
                )
            )

    sections: list[dict[str, Any]] = [
        {"key": key, "heading": labels[key], "points": list(items)}
        for key, items in (
            ("notes", model.notes),
            ("believes", model.believes),
            ("resolves", model.resolves),
        )
        if items
    ]
    word_count = count_words(
        [s["heading"] for s in sections] + [point for s in sections for point in s["points"]]
    )
    if model.word_limit is not None and word_count > model.word_limit:
        raise InputError(
            f"the motion has {word_count} words, {word_count - model.word_limit} more than the"
            f" limit of {model.word_limit}: shorten the notes, believes and resolves items",
            file=source.file,
            line=source.line_of(("word_limit",)),
            field="word_limit",
        )
    context.values.update(
        {
            "branch": branch,
            "intro": model.intro,
            "sections": sections,
            "send_to": [{"name": r.name, "email": r.email} for r in model.send_to],
            "word_count": word_count,
            "word_limit": model.word_limit,
            "word_count_text": (
                labels["word_count_limit"].format(count=word_count, limit=model.word_limit)
                if model.word_limit
                else labels["word_count"].format(count=word_count)
            ),
            "signatures": [
                labels["proposed_by"],
                labels["seconded_by"],
                labels["chair_or_secretary"],
                labels["date"],
            ],
        }
    )
    return context


def describe(document: LoadedDocument, context: DocumentContext) -> str:
    """The word count, against the limit when there is one."""
    count, limit = context.values["word_count"], context.values["word_limit"]
    return f"{count} words" + (f" of {limit} allowed" if limit else "")


KIND = Kind(
    name="resolution",
    model=Resolution,
    build_context=build_context,
    values=frozenset(
        {
            "branch",
            "intro",
            "sections",
            "send_to",
            "word_count",
            "word_limit",
            "word_count_text",
            "signatures",
        }
    ),
    sections=(
        Section("Resolution (`template: resolution`)", Resolution, own_only=True),
        Section("`branch:`", Branch),
        Section("`send_to:` items", Recipient),
    ),
    describe=describe,
    form_fields=("branch", "send_to"),
    editable_fields=("notes", "believes", "resolves"),
)
