"""The public build API: what every front end (the CLI, the campaign site, the web app) calls.

    from toolkit import api

    document = api.load(Path("motion.yaml"))            # or api.load({...}, folder=...)
    checked = api.check(document)                        # every rule, layout included
    pdf = api.render(checked, "pdf")                     # bytes; "docx" likewise
    api.write(Path("out/motion.pdf"), pdf)               # atomically

    plan = api.plan([Path("campaign/")], Path("out"), data=Path("branches.csv"))
    outcomes = api.build_all(plan, api.Settings(), Path("out"))

Problems are raised as `UnionkitError` (each with `FILE:LINE: field: message` problems) or,
in `build`/`build_all`/`check_file`, collected in each `Outcome`. Every function here is safe
to call from several threads at once; renders are bounded in time and size by the sandbox.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from toolkit import build as _pipeline
from toolkit.build import Checked, Job, Outcome, Plan, Settings
from toolkit.data import DataRow
from toolkit.dates import Order
from toolkit.document import LoadedDocument, mapping_source
from toolkit.errors import Problem, UnionkitError, UsageError
from toolkit.formats import FORMATS, PDF_VARIANTS

__all__ = [
    "FORMATS",
    "PDF_VARIANTS",
    "Checked",
    "Job",
    "LoadedDocument",
    "Outcome",
    "Plan",
    "Problem",
    "Settings",
    "UnionkitError",
    "UsageError",
    "batch_report",
    "build",
    "build_all",
    "check",
    "check_all",
    "check_file",
    "fingerprint",
    "load",
    "plan",
    "remove_leftovers",
    "render",
    "write",
]


def load(
    source: Path | Mapping[str, Any],
    *,
    folder: Path | None = None,
    name: str = "form",
    overrides: Mapping[str, str | None] | None = None,
    row: DataRow | None = None,
) -> LoadedDocument:
    """Read a document: a YAML file, or a mapping (what a web form sends) whose relative
    paths (campaign file, pictures) are looked up in `folder` and whose problems are
    reported under `name`. `overrides` set fields by dotted path (`per_sheet`, `print.bleed`;
    None leaves one out) on a kind that has them. Its fields and the files it names are
    validated; raises `UnionkitError`."""
    if isinstance(source, Path):
        return _pipeline.load(source, overrides, row)
    if folder is None:
        raise TypeError("a document given as a mapping needs the folder its paths are in")
    return _pipeline.load(mapping_source(source, folder, name), overrides, row)


def check(document: LoadedDocument, *, pdf_variant: str | None = None) -> Checked:
    """Every remaining rule: the kind's own (word limits, copies per sheet), a local
    template's names, and the layout of kinds whose pages are checked (a leaflet is one
    page). Raises `UnionkitError`. What passes here renders."""
    return _pipeline.validate(document, _pipeline.context_of(document, pdf_variant))


def fingerprint(document: LoadedDocument) -> str:
    """A fingerprint of what a document is made from besides its own fields: the files it
    names, its template folder, what is linked to it (a letter's collected signatures),
    `SOURCE_DATE_EPOCH` and unionkit's version. Two loads of the same fields with the same
    fingerprint check and render alike, so a front end may keep one checked document for
    every format it is asked for."""
    files = _pipeline.dependencies(document, _pipeline.context_of(document))
    return _pipeline.inputs_digest(document, files, {})


def render(checked: Checked, fmt: str) -> bytes:
    """The document in one format, "pdf" or "docx", as bytes."""
    return _pipeline.render(checked, fmt)


def write(path: Path, data: bytes) -> None:
    """Write a file atomically: a reader sees the old file or the new one, never half."""
    from toolkit.output import write_atomically

    write_atomically(path, data)


def plan(
    paths: Iterable[Path],
    out_dir: Path,
    *,
    data: Path | None = None,
    name_by: str | None = None,
    columns: Mapping[str, str] | None = None,
    date_order: Order | None = None,
) -> Plan:
    """The jobs for documents and folders of documents, with a mail-merge table's rows
    (`columns` names its columns by hand, {field path: header}; `date_order` reads its
    ambiguous dates "day-first" or "month-first"). Raises `UsageError` for a `name_by`
    column the table lacks."""
    return _pipeline.plan(
        paths, out_dir, data=data, name_by=name_by, columns=columns, date_order=date_order
    )


def batch_report(plan: Plan, outcomes: list[Outcome]) -> tuple[list[Problem], list[str]]:
    """A `--data` batch's problems and warnings, each said once with the rows it affects,
    and one summary line per document."""
    return _pipeline.batch_report(plan, outcomes)


def remove_leftovers(plan: Plan, out_dir: Path) -> list[Path]:
    """Delete the files an earlier build wrote for table rows that are gone (only files the
    build state records writing); returns them."""
    return _pipeline.remove_leftovers(plan, out_dir)


def build(job: Job, settings: Settings | None = None, *, write: bool = True) -> Outcome:
    """Build one job into its formats (written, or kept in `outcome.data` with
    `write=False`); never raises for a bad document."""
    return _pipeline.build_one(job, settings or Settings(), write=write)


def build_all(
    plan: Plan,
    settings: Settings,
    out_dir: Path,
    *,
    jobs: int | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    seconds: float | None = None,
) -> list[Outcome]:
    """Build a plan's jobs in order, skipping what is up to date, in `jobs` worker processes
    (default: one for a small batch, one per core for a large one). Each document must be
    built within `seconds` (default: a minute, layout included): past it, its worker is
    ended and the document reported, and the rest go on."""
    return _pipeline.build_many(plan.jobs, settings, out_dir, jobs, on_outcome, seconds=seconds)


def check_file(path: Path) -> Outcome:
    """Check one document file as `build` would, without rendering, in this process; never
    raises."""
    return _pipeline.check_one(path)


def check_all(plan: Plan, *, seconds: float | None = None) -> Iterator[Outcome]:
    """Check a plan's documents in order, each in a worker process and within `seconds`
    (default: a minute), as `build_all` builds them."""
    return _pipeline.check_many([job.source for job in plan.jobs], seconds=seconds)
