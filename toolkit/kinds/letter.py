"""Open letters with their signatories: grouped, sorted, counted, never with an email printed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field

from toolkit.clock import creation_date
from toolkit.context import DocumentContext, common_context, format_date
from toolkit.document import LoadedDocument, data_file, place_of
from toolkit.errors import Problem
from toolkit.glyphs import PlacedText
from toolkit.kinds.base import Kind, Section
from toolkit.loader import Loaded
from toolkit.messages import count_text
from toolkit.model import Document, Email, IsoDate, Line, LongMarkdown, Strict
from toolkit.signatories import (
    MergeReport,
    Signatory,
    group_signatories,
    merge_duplicates,
    read_signatories,
    tidy,
)

RUN_IN_FROM = 300
SIGNATORY_SUFFIXES = (".csv", ".tsv", ".txt", ".yaml", ".yml")


class Addressee(Strict):
    """Who a letter is addressed to."""

    name: Line
    """The addressee, e.g. "The Rt Hon William Hague MP"."""
    role: Line | None = None
    """Their position, e.g. "Secretary of State for Foreign and Commonwealth Affairs"."""
    address: list[Line] = []
    """Address lines, one per item."""


class SignatoryEntry(Strict):
    """One signatory written in the letter itself."""

    name: Line
    """The person's (or body's) name as it should print."""
    role: Line | None = None
    """Their position, e.g. "General Secretary" or "MP for Eastbridge"."""
    organisation: Line | None = None
    """Their union, branch or organisation."""
    group: Line | None = None
    """The heading to print them under, e.g. "Members of Parliament"."""
    email: Email | None = None
    """For the coordinator only: never printed, used to merge duplicates."""


SortOrder = Literal["as-given", "surname", "name", "organisation"]


class Letter(Document):
    """An open letter with its list of signatories."""

    date: IsoDate | None = None
    """The letter's date, as YYYY-MM-DD (default: the day it is built)."""
    to: Addressee | None = None
    """The addressee: `name`, `role`, `address` (a list of lines)."""
    subject: Line
    """The subject line, e.g. "Justice for the jailed oil workers of Zhanaozen"."""
    salutation: Line | None = None
    """The greeting, e.g. "Dear Foreign Secretary," (default: none)."""
    body: LongMarkdown
    """The letter itself, in Markdown (paragraphs, emphasis, links, lists)."""
    closing: Line | None = None
    """The words before the signatures (default: "Yours sincerely," in the letter's
    language)."""
    signatories: str | Annotated[list[SignatoryEntry], Field(max_length=5_000)] = []
    """The signatories: a list of `name`, `role`, `organisation`, `group`, `email`, or the path
    of a CSV, TSV or YAML file with those columns (a web form export will do). Duplicates are
    merged; emails are never printed."""
    groups: list[Line] = []
    """The order of the group headings (groups not listed follow in order of appearance)."""
    sort: SortOrder = "as-given"
    """Order within a group: as-given, surname, name or organisation."""


def read_letter_signatories(model: Document, loaded: Loaded) -> MergeReport:
    """The letter's signatories as written (its own list, or every row of its file), merged,
    with warnings about the rows read."""
    assert isinstance(model, Letter)
    if isinstance(model.signatories, list):
        people = [
            tidy(
                Signatory(
                    name=entry.name,
                    role=entry.role or "",
                    organisation=entry.organisation or "",
                    group=entry.group or "",
                    email=entry.email or "",
                    file=loaded.file,
                    line=loaded.line_of(("signatories", index)),
                )
            )
            for index, entry in enumerate(model.signatories)
        ]
        warnings: list[Problem] = []
    else:
        where = place_of(loaded, ("signatories",))
        path = data_file(model.signatories, loaded.file, where, own_tree=True)
        if path.suffix.lower() not in SIGNATORY_SUFFIXES:
            raise where.problem(
                f"{model.signatories!r} should be a .csv, .tsv, .txt or .yaml file of signatories"
            )
        if not path.is_file():
            raise where.problem(
                f"signatories file {model.signatories!r} not found next to this file"
            )
        people, warnings = read_signatories(path)
    report = merge_duplicates(people)
    report.warnings[:0] = warnings
    if people and not report.kept:
        raise place_of(loaded, ("signatories",)).problem(
            "no signatory has a name: check that the file has a Name column"
        )
    return report


def signatory_files(model: Document, folder: Path) -> list[Path]:
    """The signatories file a letter names, if it names one."""
    assert isinstance(model, Letter)
    return [folder / model.signatories] if isinstance(model.signatories, str) else []


def signatory_texts(report: object) -> Iterator[PlacedText]:
    """Each signatory's printed parts, at the line where the signatory was read."""
    assert isinstance(report, MergeReport)
    for person in report.kept:
        for key in ("name", "role", "organisation", "group"):
            value = getattr(person, key)
            if value:
                yield person.file or "", person.line, key, value


def signatory_line(person: Signatory) -> str:
    """How one signatory prints: name, role, organisation (never the email)."""
    return ", ".join(part for part in (person.name, person.role, person.organisation) if part)


def build_context(doc: LoadedDocument) -> DocumentContext:
    """A letter's context: its parts and its grouped, sorted, counted signatories."""
    model = doc.model
    report = doc.linked
    assert isinstance(model, Letter) and isinstance(report, MergeReport)
    context = common_context(doc, model.subject, None)
    language, labels = context.language, context.values["labels"]
    context.warnings.extend(report.warnings)
    people = report.kept
    groups = group_signatories(people, list(model.groups), model.sort)
    named_groups = [heading for heading, _ in groups if heading]
    context.values.update(
        {
            "date": format_date(model.date or creation_date().date(), language),
            "to": (
                {"name": model.to.name, "role": model.to.role, "address": list(model.to.address)}
                if model.to
                else None
            ),
            "subject": model.subject,
            "salutation": model.salutation,
            "body": model.body,
            "closing": model.closing or labels["closing"],
            "signatory_count": len(people),
            "signatory_count_text": count_text(language, "signatories", len(people)),
            "signatory_groups": [
                {
                    # Under named groups, the ungrouped need a heading of their own.
                    "heading": heading or (labels["other_signatories"] if named_groups else ""),
                    "count_text": count_text(language, "signatories", len(members))
                    if named_groups
                    else "",
                    "people": [
                        {
                            "name": person.name,
                            "details": ", ".join(
                                part for part in (person.role, person.organisation) if part
                            ),
                            "line": signatory_line(person),
                        }
                        for person in members
                    ],
                }
                for heading, members in groups
            ],
            # Long lists go into columns so hundreds of names take a few pages, not hundreds;
            # past a few hundred, names run on in their columns like a newspaper's list.
            "signatory_columns": 1 if len(people) <= 12 else 2 if len(people) <= 60 else 3,
            "signatory_run_in": len(people) > RUN_IN_FROM,
        }
    )
    return context


def describe(document: LoadedDocument, context: DocumentContext) -> str:
    """How many signatories, and what merging did."""
    report = document.linked
    assert isinstance(report, MergeReport)
    return (
        f"{len(report.kept)} signatories ({report.rows_read} rows read,"
        f" {len(report.merged)} duplicates merged, {report.skipped} skipped)"
    )


KIND = Kind(
    name="letter",
    model=Letter,
    build_context=build_context,
    values=frozenset(
        {
            "date",
            "to",
            "subject",
            "salutation",
            "body",
            "closing",
            "signatory_count",
            "signatory_count_text",
            "signatory_groups",
            "signatory_columns",
            "signatory_run_in",
        }
    ),
    sections=(
        Section("Open letter (`template: letter`)", Letter, own_only=True),
        Section("`to:`", Addressee),
        Section(
            "`signatories:` items (in the letter, or columns of a signatories file)",
            SignatoryEntry,
        ),
    ),
    link=read_letter_signatories,
    dependencies=signatory_files,
    describe=describe,
    name_fields=("signatories", "sort"),
    linked_texts=signatory_texts,
)
