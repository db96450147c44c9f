"""Signatory lists: read from files, merge duplicates, group, sort, count and export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from toolkit.errors import Problem
from toolkit.tables import Row, read_table, tidy_cell

FIELDS = ("name", "role", "organisation", "group", "email")
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("full name", "fullname", "your name", "signatory", "имя", "фио", "nom"),
    "role": ("position", "title", "job title", "job", "role position", "должность", "fonction"),
    "organisation": (
        "organization",
        "org",
        "union",
        "union branch",
        "branch",
        "organisation union",
        "организация",
        "syndicat",
    ),
    "group": ("category", "type", "section", "группа", "catégorie"),
    "email": ("e-mail", "email address", "e-mail address", "mail", "почта", "courriel"),
}
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

    @property
    def skipped(self) -> int:
        return len(self.warnings)


def _key(text: str) -> str:
    return " ".join(text.casefold().split())


def from_rows(rows: Iterable[Row]) -> list[Signatory]:
    """Signatories from table rows (columns already named `name`, `role`, ...)."""
    return [
        Signatory(**{k: row.cells.get(k, "") for k in FIELDS}, file=row.file, line=row.line)
        for row in rows
    ]


def read_signatories(path: Path) -> list[Signatory]:
    """Every row of a CSV, TSV or YAML signatory file, unmerged."""
    return from_rows(read_table(path, ALIASES))


def _better_name(kept: str, other: str) -> str:
    """A name written all in capitals loses to a properly cased spelling of it."""
    if kept.isupper() and not other.isupper() and other:
        return other
    return kept


def merge_duplicates(signatories: Iterable[Signatory]) -> MergeReport:
    """One entry per person: same email, or (without one) same name and organisation.

    The first appearance keeps its place; blanks are filled from later duplicates.
    """
    report = MergeReport()
    by_email: dict[str, int] = {}
    by_name: dict[tuple[str, str], int] = {}
    for person in signatories:
        report.rows_read += 1
        person = replace(person, email=person.email.strip().lower())
        if not person.name:
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
        name_key = (_key(person.name), _key(person.organisation))
        index = by_email.get(person.email) if person.email else None
        if index is None and name_key in by_name:
            candidate = by_name[name_key]
            existing_email = report.kept[candidate].email
            if not person.email or not existing_email or existing_email == person.email:
                index = candidate
        if index is None:
            by_name[name_key] = len(report.kept)
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
        by_name.setdefault((_key(merged.name), _key(merged.organisation)), index)
    return report


def _surname(name: str) -> str:
    parts = name.split()
    return parts[-1] if parts else ""


def sort_key(sort: str) -> Callable[[Signatory], tuple[str, str]] | None:
    """The key function for `sort:`; `as-given` keeps the order of appearance."""
    if sort == "surname":
        return lambda s: (_key(_surname(s.name)), _key(s.name))
    if sort == "name":
        return lambda s: (_key(s.name), "")
    if sort == "organisation":
        return lambda s: (_key(s.organisation), _key(s.name))
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
