"""Signatory lists: read from files, merge duplicates, group, sort, count and export."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from toolkit.errors import InputError, Problem
from toolkit.tables import Row, read_table, tidy_cell

FIELDS = ("name", "role", "organisation", "group", "email")
# Column names people use, best first: when two columns claim a field, the earlier name wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("full name", "fullname", "signatory", "signatory name", "фио", "nom complet"),
    "first_name": ("first name", "firstname", "given name", "forename", "first", "имя", "prénom"),
    "last_name": (
        "last name",
        "lastname",
        "surname",
        "family name",
        "last",
        "фамилия",
        "nom de famille",
        "nom",
    ),
    "role": (
        "position",
        "job title",
        "role position",
        "job",
        "должность",
        "fonction",
        "title",
    ),
    "organisation": (
        "organization",
        "organisation name",
        "organization name",
        "org",
        "union",
        "union branch",
        "organisation union",
        "branch",
        "организация",
        "syndicat",
    ),
    "group": ("category", "type", "section", "группа", "catégorie"),
    "email": ("e-mail", "email address", "e-mail address", "mail", "почта", "courriel"),
}
_EMAIL = re.compile(r"[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+")
_NAME_WITH_EMAIL = re.compile(r"^(.*?)\s*<\s*(\S+@\S+)\s*>\s*$")
# Titles and letters after a name that do not make a different person.
_HONORIFICS = frozenset(
    "dr mr mrs ms miss mx prof professor cllr councillor rev sir dame lord lady".split()
)
_POST_NOMINALS = frozenset("mp mep msp ms am mla obe cbe mbe kc qc phd".split())
SORTS = ("as-given", "surname", "name", "organisation")
# A spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Signatory:
    """One person (or body) who signed, and where they were first read."""

    name: str
    role: str = ""
    organisation: str = ""
    group: str = ""
    email: str = ""
    file: Path | None = None
    line: int | None = None

    @property
    def place(self) -> str:
        return f"{self.file}:{self.line}" if self.file else "the letter"


@dataclass
class MergeReport:
    """What merging did: rows read, kept, merged (with their lines) and skipped."""

    rows_read: int = 0
    kept: list[Signatory] = field(default_factory=list)
    merged: list[tuple[Signatory, Signatory]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    skipped: int = 0


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def _plain(text: str) -> str:
    """Lower case without accents or punctuation, for comparing and sorting names."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", bare).split())


def name_key(name: str) -> str:
    """Who a name means: "Dr. Helen  Marsh MP" and "helen marsh" are the same person."""
    words = _plain(name).split()
    while words and words[0] in _HONORIFICS:
        words.pop(0)
    while len(words) > 1 and words[-1] in _POST_NOMINALS:
        words.pop()
    return " ".join(words)


def clean_email(value: str) -> str:
    """An email address as people paste it (`mailto:`, `<...>`, capitals), or "" if none."""
    value = value.strip().strip("<>").strip()
    if value.lower().startswith("mailto:"):
        value = value[len("mailto:") :]
    value = value.strip().lower()
    return value if _EMAIL.fullmatch(value) else ""


def from_rows(rows: Iterable[Row]) -> tuple[list[Signatory], list[Problem]]:
    """Signatories from table rows (columns already named), and warnings about what was
    changed so that no email address can reach a printed line."""
    people: list[Signatory] = []
    warnings: list[Problem] = []
    for row in rows:
        cells = dict(row.cells)

        def warn(field: str, message: str, row: Row = row) -> None:
            warnings.append(Problem(row.file, row.line, field, message, warning=True))

        name = cells.get("name", "") or " ".join(
            part for part in (cells.get("first_name", ""), cells.get("last_name", "")) if part
        )
        email = cells.get("email", "")
        if match := _NAME_WITH_EMAIL.match(name):
            name, email = match[1], email or match[2]
        if _EMAIL.fullmatch(name.strip("<> ")):
            warn("name", "the name is an email address; row skipped (emails are never printed)")
            continue
        for column in ("role", "organisation", "group"):
            if _EMAIL.search(cells.get(column, "")):
                cells[column] = " ".join(_EMAIL.sub(" ", cells[column]).split()).strip(" ,;")
                warn(column, "an email address was removed from it: emails are never printed")
        cleaned = clean_email(email)
        if email and not cleaned:
            warn("email", f"{email!r} is not an email address: not used to merge duplicates")
        people.append(
            Signatory(
                name=name,
                role=cells.get("role", ""),
                organisation=cells.get("organisation", ""),
                group=cells.get("group", ""),
                email=cleaned,
                file=row.file,
                line=row.line,
            )
        )
    return people, warnings


def read_signatories(path: Path) -> tuple[list[Signatory], list[Problem]]:
    """Every row of a CSV, TSV or YAML signatory file, unmerged, with warnings."""
    table = read_table(path, ALIASES)
    if not table.fields & {"name", "first_name", "last_name"}:
        raise InputError(
            "no name column: the first line should name a Name (or First name and Last name)"
            " column",
            file=path,
            line=1,
            field="name",
        )
    return from_rows(table.rows)


def _casing_rank(name: str) -> int:
    """Properly cased beats all lower case beats ALL CAPITALS."""
    if name.isupper():
        return 0
    if name.islower():
        return 1
    return 2


def _better_name(kept: str, other: str) -> str:
    """A name written all in capitals (or all in lower case) loses to a properly cased one."""
    return other if other and _casing_rank(other) > _casing_rank(kept) else kept


def merge_duplicates(signatories: Iterable[Signatory]) -> MergeReport:
    """One entry per person: same email, or (without one) same name and organisation.

    The first appearance keeps its place; blanks are filled from later duplicates.
    """
    report = MergeReport()
    by_email: dict[str, int] = {}
    by_name: dict[tuple[str, str], int] = {}
    for person in signatories:
        report.rows_read += 1
        person = replace(person, email=clean_email(person.email))
        if not person.name:
            report.skipped += 1
            report.warnings.append(
                Problem(
                    person.file or "",
                    person.line,
                    "name",
                    "row without a name skipped: add the name or delete the row",
                    warning=True,
                )
            )
            continue
        key = (name_key(person.name), _key(person.organisation))
        index = by_email.get(person.email) if person.email else None
        if index is not None and name_key(report.kept[index].name) != key[0]:
            report.warnings.append(
                Problem(
                    person.file or "",
                    person.line,
                    "email",
                    f"same email as {report.kept[index].place} ({report.kept[index].name}) but"
                    f" another name ({person.name}): merged as one person; check them",
                    warning=True,
                )
            )
        if index is None and key in by_name:
            candidate = by_name[key]
            existing_email = report.kept[candidate].email
            if not person.email or not existing_email or existing_email == person.email:
                index = candidate
        if index is None:
            by_name[key] = len(report.kept)
            if person.email:
                by_email[person.email] = len(report.kept)
            report.kept.append(person)
            continue
        kept = report.kept[index]
        merged = replace(
            kept,
            name=_better_name(kept.name, person.name),
            role=kept.role or person.role,
            organisation=kept.organisation or person.organisation,
            group=kept.group or person.group,
            email=kept.email or person.email,
        )
        report.kept[index] = merged
        report.merged.append((kept, person))
        if merged.email:
            by_email.setdefault(merged.email, index)
        by_name.setdefault((name_key(merged.name), _key(merged.organisation)), index)
    return report


def _surname(name: str) -> str:
    parts = name_key(name).split()
    return parts[-1] if parts else ""


def sort_key(sort: str) -> Callable[[Signatory], tuple[str, str]] | None:
    """The key function for `sort:` (accents and titles ignored); `as-given` keeps the order
    of appearance."""
    if sort == "surname":
        return lambda s: (_surname(s.name), name_key(s.name))
    if sort == "name":
        return lambda s: (name_key(s.name), "")
    if sort == "organisation":
        return lambda s: (_plain(s.organisation), name_key(s.name))
    return None


def group_signatories(
    signatories: list[Signatory], order: list[str], sort: str
) -> list[tuple[str, list[Signatory]]]:
    """(heading, people) pairs: groups in `order`, then in order of first appearance;
    people without a group come last under an empty heading."""
    groups: dict[str, list[Signatory]] = {}
    wanted = {_key(g): g for g in order}
    for heading in order:
        groups.setdefault(heading, [])
    for person in signatories:
        heading = wanted.get(_key(person.group), person.group)
        groups.setdefault(heading, []).append(person)
    if "" in groups:
        groups[""] = groups.pop("")  # the ungrouped go last
    key = sort_key(sort)
    result = []
    for heading, people in groups.items():
        if key is not None:
            people = sorted(people, key=key)
        if people:
            result.append((heading, people))
    return result


def formula_safe(value: str) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(signatories: Iterable[Signatory]) -> bytes:
    """The merged list as UTF-8 CSV (with BOM, so Excel reads the accents), formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for person in signatories:
        writer.writerow([formula_safe(getattr(person, name)) for name in FIELDS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def tidy(person: Signatory) -> Signatory:
    """A signatory typed into the letter YAML, tidied like a row read from a file."""
    return replace(
        person,
        name=tidy_cell(person.name),
        role=tidy_cell(person.role),
        organisation=tidy_cell(person.organisation),
        group=tidy_cell(person.group),
        email=tidy_cell(person.email),
    )
