"""Open letters with their signatories: grouped, sorted, counted, never with an email printed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from toolkit.clock import creation_date
from toolkit.consent import Policy, read_answer
from toolkit.context import DocumentContext, common_context, format_date
from toolkit.document import LoadedDocument, campaign_file, data_file, place_of
from toolkit.errors import InputError, Problem, UnionkitError
from toolkit.glyphs import PlacedText
from toolkit.kinds.base import Kind, Section
from toolkit.loader import Loaded
from toolkit.messages import count_text
from toolkit.model import Document, Email, IsoDate, Line, LongMarkdown, Strict
from toolkit.names import surname_first_expected
from toolkit.signatories import (
    COLUMN_FIELDS,
    MergeReport,
    Publication,
    Signatory,
    SignatoryFile,
    group_signatories,
    merge_files,
    read_signatories,
    report_lines,
    tidy,
    total_text,
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
    title: Line | None = None
    """An honorific: Dr, Prof, Cllr or Rev print before the name; Mr, Mrs, Ms do not."""
    consent: Line | None = None
    """Their answer to "May we publish your name?": yes, no, or "initials only" (in any of
    the five languages). Left out: the letter's `consent:` rule decides."""


ConsentPolicy = Literal["required", "assumed"]
Columns = Annotated[dict[str, Line], Field(max_length=len(COLUMN_FIELDS))]


class SignatorySource(Strict):
    """A signatories file with its own rules."""

    file: Line
    """The CSV, TSV or YAML file, relative to the letter."""
    consent: ConsentPolicy | None = None
    """What a blank (or missing) answer means in this file; default: the letter's."""
    columns: Columns = {}
    """Which column holds which field, by its header, for this file (wins over the
    letter's `columns:`)."""


def _source_kind(value: Any) -> str:
    if isinstance(value, str):
        return "file"
    if isinstance(value, dict) and "file" in value:
        return "source"
    return "entry"


SignatoryItem = Annotated[
    Annotated[Line, Tag("file")]
    | Annotated[SignatorySource, Tag("source")]
    | Annotated[SignatoryEntry, Tag("entry")],
    Discriminator(_source_kind),
]


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
    signatories: str | Annotated[list[SignatoryItem], Field(max_length=5_000)] = []
    """The signatories: the path of a CSV, TSV or YAML file (a web form export will do), a list
    of such files, or a list of people (`name`, `role`, `organisation`, `group`, `email`,
    `title`, `consent`); a file may be given as `file:` with its own `consent:` and
    `columns:`; `collected` (or a `sqlite:`/`postgresql:` address) reads the signatures
    collected on the campaign's site. Duplicates are merged across them all; emails are never
    printed."""
    consent: ConsentPolicy | None = None
    """What a blank answer to "May we publish your name?" means: `required` (not printed; the
    default for a file that has a consent column) or `assumed` (printed: a list signed under
    a printed notice that names are published). A "no" is never printed."""
    columns: Columns = {}
    """Which column of the signatories files holds which field, by header, when the guess is
    wrong: e.g. `name: "Name (as you'd like it to appear)"`. Fields: name, first_name,
    last_name, title, role, organisation, group, email, consent, consent_inverted (a question
    asked the other way round: "Sign anonymously?"), organisation_consent, timestamp."""
    groups: list[Line] = []
    """The order of the group headings (groups not listed follow in order of appearance)."""
    sort: SortOrder = "as-given"
    """Order within a group: as-given, surname, name or organisation."""
    collect: bool = False
    """`true` gives the letter a sign-on page in `unionkit serve`: people sign on the
    campaign's own site and `signatories: collected` prints them (see "Collect
    signatures")."""
    closes: IsoDate | None = None
    """The last day the sign-on page takes signatures, as YYYY-MM-DD (it then shows the
    count and the names only)."""
    moderation: Literal["none", "required"] = "none"
    """`required`: no name collected on the site is published (on the page or in the
    letter) before an organiser approves it; `none` (the default): at once, and organisers
    hide what should not be there."""
    signer_email: Literal["optional", "required"] = "optional"
    """Whether the sign-on page asks for an email address as `optional` (the default) or
    `required`. It is never published; a second signature with the same email updates the
    first."""


def _entries(model: Letter) -> list[SignatoryEntry]:
    return (
        [i for i in model.signatories if isinstance(i, SignatoryEntry)]
        if isinstance(model.signatories, list)
        else []
    )


COLLECTED = "collected"
DATABASE_PREFIXES = ("sqlite:", "postgresql:", "postgres:", "postgresql+psycopg:")


def is_database(value: str) -> bool:
    """Whether a `signatories:` entry names the signatures collected on the site (rather
    than a file)."""
    return value.strip() == COLLECTED or value.strip().startswith(DATABASE_PREFIXES)


def _sources(model: Letter) -> list[tuple[int | None, SignatorySource]]:
    """The files a letter names (with their position in its list), as sources."""
    if isinstance(model.signatories, str):
        if is_database(model.signatories):
            return []
        return [(None, SignatorySource(file=model.signatories))]
    found: list[tuple[int | None, SignatorySource]] = []
    for index, item in enumerate(model.signatories):
        if isinstance(item, str) and not is_database(item):
            found.append((index, SignatorySource(file=item)))
        elif isinstance(item, SignatorySource):
            found.append((index, item))
    return found


def named_databases(model: Letter) -> list[tuple[int | None, str]]:
    """The collected signatures a letter names (`collected`, or a database's address)."""
    if isinstance(model.signatories, str):
        return [(None, model.signatories.strip())] if is_database(model.signatories) else []
    return [
        (index, item.strip())
        for index, item in enumerate(model.signatories)
        if isinstance(item, str) and is_database(item)
    ]


def _read_collected(
    model: Letter,
    loaded: Loaded,
    index: int | None,
    written: str,
    first: int,
    database: str | None = None,
) -> tuple[list[Signatory], str, str]:
    """The published signatures collected on the site for this letter (by its file name,
    which its translations share), each with their choice; a line saying what was read; and
    a fingerprint of it. `database` is what `collected` means when given."""
    from toolkit.database.collected import read_collected

    where = place_of(loaded, ("signatories",) if index is None else ("signatories", index))
    campaign = campaign_file(model, loaded.file.parent)
    found = read_collected(
        written,
        loaded.file,
        campaign.parent if campaign is not None else None,
        where,
        letter_key=loaded.file.stem,
        moderated=model.moderation == "required",
        database=database,
    )
    people = [
        replace(stored.signatory(file=loaded.file, line=where.line), order=first + number)
        for number, stored in enumerate(found.rows)
    ]
    return people, f"{where.file}:{where.line}: {found.describe()}", found.fingerprint


def read_letter_signatories(
    model: Document, loaded: Loaded, *, collected: str | None = None
) -> MergeReport:
    """The letter's signatories as written (its own list, every row of its files, and the
    signatures collected on the site), merged across them all, with each person's answer to
    "May we publish your name?" applied; with warnings about the rows read. `collected` is
    the database `signatories: collected` reads (the web app's own), instead of the one
    found beside the letter."""
    assert isinstance(model, Letter)
    surname_first = surname_first_expected(model.language or "")
    listed = isinstance(model.signatories, list)
    positions: list[int | None] = list(range(len(model.signatories))) if listed else [None]
    files: list[SignatoryFile] = []
    people: list[Signatory] = []
    problems = []
    # Everything numbered in the order the letter lists it, so that "the later answer" of a
    # person typed in after a file (a withdrawal: `consent: no`) is theirs.
    count = 0
    by_position = dict(_sources(model))
    for index in positions:
        item = model.signatories[index] if index is not None else None
        if isinstance(item, SignatoryEntry) and index is not None:
            people.append(
                tidy(
                    Signatory(
                        name=item.name,
                        role=item.role or "",
                        organisation=item.organisation or "",
                        group=item.group or "",
                        email=item.email or "",
                        title=item.title or "",
                        file=loaded.file,
                        line=loaded.line_of(("signatories", index)),
                        answer=read_answer(item.consent or ""),
                        # Typed into the letter by the coordinator: printed unless it says
                        # otherwise.
                        policy=model.consent or "assumed",
                        order=count,
                    )
                )
            )
            count += 1
            continue
        source = by_position.get(index)
        if source is None:
            continue
        in_yaml: tuple[str | int, ...] = ("signatories",)
        if index is not None:
            in_yaml = ("signatories", index)
            if isinstance(model.signatories[index], SignatorySource):
                in_yaml = (*in_yaml, "file")
        where = place_of(loaded, in_yaml)
        try:
            path = data_file(source.file, loaded.file, where, own_tree=True)
            if path.suffix.lower() not in SIGNATORY_SUFFIXES:
                raise where.problem(
                    f"{source.file!r} should be a .csv, .tsv, .txt or .yaml file of signatories"
                )
            if not path.is_file():
                raise where.problem(f"signatories file {source.file!r} not found next to this file")
            policy: Policy | None = source.consent or model.consent
            read = read_signatories(
                path,
                {**model.columns, **source.columns},
                consent=policy,
                surname_first=surname_first,
                first=count,
            )
        except UnionkitError as exc:
            problems.extend(exc.problems)
            continue
        count += len(read.people)
        files.append(read)
    from_site: list[Signatory] = []
    sources: list[str] = []
    fingerprints: list[str] = []
    for index, written in named_databases(model):
        try:
            found, said, fingerprint = _read_collected(
                model, loaded, index, written, count, collected
            )
        except UnionkitError as exc:
            problems.extend(exc.problems)
            continue
        count += len(found)
        from_site.extend(found)
        sources.append(said)
        fingerprints.append(fingerprint)
    if problems:
        raise InputError(problems=problems)
    report = merge_files(files, people, from_site)
    report.sources = sources
    report.fingerprint = "|".join(fingerprints)
    if model.collect and not named_databases(model):
        report.warnings.append(
            Problem(
                loaded.file,
                loaded.line_of(("collect",)),
                "collect",
                "the letter collects signatures on the site, but `signatories:` does not name"
                " `collected`: add it, or the signatures given there are not printed",
                warning=True,
            )
        )
    if report.rows_read and not report.kept:
        raise place_of(loaded, ("signatories",)).problem(
            "no signatory has a name: check that the file has a Name column"
        )
    if report.publication.details_held:
        first = report.publication.details_held[0]
        report.warnings.append(
            Problem(
                first.file or loaded.file,
                first.line,
                "signatories",
                f"{report.publication.details_text()}: check those lines",
                warning=True,
            )
        )
    if report.kept and not report.publication.printed:
        publication = report.publication
        why = "; ".join(
            part
            for part in (
                publication.held_text(),
                f"{publication.counted} counted, names not published"
                if publication.counted
                else "",
            )
            if part
        )
        report.warnings.append(
            Problem(
                loaded.file,
                loaded.line_of(("signatories",)),
                "signatories",
                f"no signatory may be printed: {why}; the letter goes out without names",
                warning=True,
            )
        )
    return report


def collected_fingerprint(report: object) -> str:
    """What was read from the signatures collected on the site, for rebuilding when they
    change (no file holds them)."""
    assert isinstance(report, MergeReport)
    return report.fingerprint


def signatory_files(model: Document, folder: Path) -> list[Path]:
    """The signatories files a letter names."""
    assert isinstance(model, Letter)
    return [folder / source.file for _, source in _sources(model)]


def signatory_notes(document: LoadedDocument) -> list[str]:
    """How each signatories file was read (columns, rows, answers) and the total."""
    report = document.linked
    assert isinstance(report, MergeReport)
    return report_lines(report) if report.files or report.sources else []


def signatory_texts(report: object) -> Iterator[PlacedText]:
    """Each signatory's printed parts, at the line where the signatory was read."""
    assert isinstance(report, MergeReport)
    for person in report.publication.printed:
        for key in ("name", "role", "organisation", "group"):
            value = person.printed_name if key == "name" else getattr(person, key)
            if value:
                yield person.file or "", person.line, key, value


# What a signatory's line prints of each part: a name, a role and an organisation fit in a
# line or two; a longer cell is a message pasted into the wrong column of a form. In a list
# of hundreds run on like a newspaper's, role and organisation share a shorter room.
PRINTED_LENGTH = {"name": 100, "role": 120, "organisation": 150}
RUN_IN_LENGTH = {"name": 60, "details": 80}


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,;") + "…"


def _parts(person: Signatory, run_in: bool = False) -> tuple[str, str]:
    """A signatory's printed name and details (role, organisation), cut to their room."""
    role = _cut(person.role, PRINTED_LENGTH["role"])
    organisation = _cut(person.organisation, PRINTED_LENGTH["organisation"])
    details = ", ".join(part for part in (role, organisation) if part)
    if run_in:
        return _cut(person.printed_name, RUN_IN_LENGTH["name"]), _cut(
            details, RUN_IN_LENGTH["details"]
        )
    return _cut(person.printed_name, PRINTED_LENGTH["name"]), details


def signatory_line(person: Signatory, run_in: bool = False) -> str:
    """How one signatory prints: name, role, organisation (never the email), each cut to a
    length a line of names can hold."""
    return ", ".join(part for part in _parts(person, run_in) if part)


def _cut_warning(people: list[Signatory], run_in: bool) -> Problem | None:
    """One warning for all the signatories whose parts were cut, at the first of them."""
    whole = [
        (p.printed_name, ", ".join(part for part in (p.role, p.organisation) if part))
        for p in people
    ]
    cut = [p for p, full in zip(people, whole, strict=True) if _parts(p, run_in) != full]
    if not cut:
        return None
    first = cut[0]
    room = RUN_IN_LENGTH if run_in else PRINTED_LENGTH
    return Problem(
        first.file or "",
        first.line,
        "name" if len(first.printed_name) > room["name"] else "role",
        f"{len(cut):,} signatories have a name, role or organisation longer than a line of"
        f" names holds ({', '.join(f'{k} {v}' for k, v in room.items())} characters):"
        " printed cut short with …; is a message in the wrong column?",
        warning=True,
    )


def build_context(doc: LoadedDocument) -> DocumentContext:
    """A letter's context: its parts and its grouped, sorted, counted signatories."""
    model = doc.model
    report = doc.linked
    assert isinstance(model, Letter) and isinstance(report, MergeReport)
    context = common_context(doc, model.subject, None)
    language, labels = context.language, context.values["labels"]
    context.warnings.extend(report.warnings)
    publication = report.publication
    people = publication.printed
    run_in = len(people) > RUN_IN_FROM
    cut = _cut_warning(people, run_in)
    if cut is not None:
        context.warnings.append(cut)
    groups = group_signatories(
        people,
        list(model.groups),
        model.sort,
        surname_first=surname_first_expected(language),
    )
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
            "signatory_count": publication.total,
            "signatory_count_text": total_text_of(publication, language),
            "signatory_groups": [
                {
                    # Under named groups, the ungrouped need a heading of their own.
                    "heading": heading or (labels["other_signatories"] if named_groups else ""),
                    "count_text": count_text(language, "signatories", len(members))
                    if named_groups
                    else "",
                    "people": [
                        {
                            "name": _parts(person, run_in)[0],
                            "details": _parts(person, run_in)[1],
                            "line": signatory_line(person, run_in),
                        }
                        for person in members
                    ],
                }
                for heading, members in groups
            ],
            # Long lists go into columns so hundreds of names take a few pages, not hundreds;
            # past a few hundred, names run on in their columns like a newspaper's list.
            "signatory_columns": 1 if len(people) <= 12 else 2 if len(people) <= 60 else 3,
            "signatory_run_in": run_in,
        }
    )
    return context


def total_text_of(publication: Publication, language: str) -> str:
    """The count the letter prints: everyone who signed, those who asked to be counted
    without their names included ("23 signatories, including 2 not named at their
    request")."""
    text = count_text(language, "signatories", publication.total)
    if publication.counted:
        text += ", " + count_text(language, "signatories_unnamed", publication.counted)
    return text


def describe(document: LoadedDocument, context: DocumentContext) -> str:
    """How many signatories, and what merging did."""
    report = document.linked
    assert isinstance(report, MergeReport)
    return total_text(report)


def site_note(context: DocumentContext) -> str | None:
    """The count of signatories, as the letter prints it."""
    return str(context.values["signatory_count_text"])


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
        Section("`signatories:` files with their own rules (`- file: ...`)", SignatorySource),
    ),
    link=read_letter_signatories,
    dependencies=signatory_files,
    linked_fingerprint=collected_fingerprint,
    describe=describe,
    notes=signatory_notes,
    name_fields=("signatories", "sort", "consent", "columns"),
    linked_texts=signatory_texts,
    site_note=site_note,
)
