"""The pipeline for one document and for a batch: load, validate (layout included), render,
write; and the plan that says which documents (and `--data` rows) a run builds."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from toolkit.context import DocumentContext
from toolkit.data import DataRow, MappedTable, row_name
from toolkit.dates import Order
from toolkit.document import YAML_SUFFIXES, LoadedDocument, is_document, load_document
from toolkit.errors import Problem, UnionkitError, UsageError
from toolkit.formats import FORMATS
from toolkit.incremental import Built
from toolkit.loader import Loaded
from toolkit.output import check_output_path, safe_stem, unique_stems, write_atomically
from toolkit.paths import is_inside, is_scratch_file, real_path

# Below this many documents a batch builds in this process: starting worker processes (each
# importing WeasyPrint) costs more than it saves. Measured with `make bench` (README: Speed).
PARALLEL_FROM = 8


@dataclass
class Outcome:
    """What happened to one document: files written, problems and warnings."""

    source: Path
    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    summary: str = ""
    data: dict[str, bytes] = field(default_factory=dict)
    skipped: bool = False
    digest: str = ""
    """The fingerprint of the inputs, when every output was written ("" otherwise)."""
    hashes: dict[str, str] = field(default_factory=dict)
    """The SHA-256 of each file written, by name, for the build record."""
    dependencies: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """How the files the document names were read (shown by `check` and `build -v`)."""

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Job:
    """One document to build (with its `--data` row, if any) and its output path without
    suffix."""

    source: Path
    stem: Path
    row: DataRow | None = None
    out_dir: Path | None = None
    """The output folder the stem lies in: nothing is written through a link below it."""


@dataclass(frozen=True)
class Settings:
    """How to build: formats and command-line choices, the same for every job of a run."""

    formats: tuple[str, ...] = FORMATS
    overrides: tuple[tuple[str, str | None], ...] = ()
    """Values set on every document whose kind has the field, by field path (None: left out)."""
    pdf_variant: str | None = None
    force: bool = False
    variants: tuple[str, ...] = ()
    """Other documents to write beside each one whose kind makes them (`--amended`), as
    NAME-VARIANT.pdf/.docx."""


@dataclass
class Checked:
    """A document that passed every check, ready to render: its context and, for a kind
    whose layout is checked, the laid-out pages the PDF is written from."""

    document: LoadedDocument
    context: DocumentContext
    pages: Any = None
    overflow: Any = None
    """How the layout measured against its page target (`toolkit.render.overflow.Overflow`);
    with `allow_overflow`, a document that does not fit still gets here with it."""


@dataclass
class Plan:
    """What a run builds, and what it found on the way."""

    jobs: list[Job] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    """Problems found before building (a bad table, a column a document's kind lacks)."""
    failed: int = 0
    """Documents that will not be built because of those problems."""
    not_documents: list[Path] = field(default_factory=list)
    """YAML files in the folders searched that are not documents (no `template:`)."""
    outside: list[Path] = field(default_factory=list)
    """YAML files in the folders searched that are links to files elsewhere: never built."""
    named: set[Path] = field(default_factory=set)
    """Files the documents name (campaign files, signatories, letters, the table): not
    reported as skipped."""
    notes: list[str] = field(default_factory=list)
    """How a `--data` table was read: which column became which field, how dates were read."""
    row_problems: list[tuple[DataRow, Problem]] = field(default_factory=list)
    """Rows of the table that will not be built (a date that is not one), with why."""
    data: Path | None = None
    rows: int = 0
    """Rows of the `--data` table."""
    leftovers: list[Path] = field(default_factory=list)
    """Files an earlier build of the same document and table wrote for rows that are gone."""

    def skipped(self) -> list[Path]:
        """The YAML files that are neither documents nor named by one."""
        named = {path.resolve() for path in self.named}
        return [path for path in self.not_documents if path.resolve() not in named]


# -- one document ------------------------------------------------------------------------------
def load(
    source: Path | Loaded,
    overrides: Mapping[str, str | None] | None = None,
    row: DataRow | None = None,
) -> LoadedDocument:
    """Read and validate a document's fields and the files it names; raises `UnionkitError`."""
    return load_document(source, dict(overrides or {}), row)


def context_of(document: LoadedDocument, pdf_variant: str | None = None) -> DocumentContext:
    """The document's template data (its kind's rules checked), with a PDF standard chosen
    on the command line applied."""
    context = document.kind.build_context(document)
    if pdf_variant is not None:
        if context.print.per_sheet > 1:
            raise UnionkitError(
                "--pdf-variant cannot be combined with copies per sheet: add --per-sheet 1",
                file=document.source.file,
            )
        context.print = replace(context.print, pdf_variant=pdf_variant)
    return context


def validate(
    document: LoadedDocument,
    context: DocumentContext,
    *,
    allow_overflow: bool = False,
    render: bool = True,
) -> Checked:
    """The checks that need more than the fields: a local template's names, and the layout
    of a kind whose pages are checked (fitted to its page target by the kind's steps). `check`
    and `build` both pass through here, so they can never disagree. With `allow_overflow`, a
    document that cannot fit is laid out at its last step instead of refused (for previews).
    With `render=False` (`unionkit check`, which writes nothing) the pages are laid out only
    when they can fail a check (a one-page kind), not merely to fit them."""
    from toolkit.glyphs import glyph_warnings

    context.warnings.extend(glyph_warnings(document.kind.printed_texts(document)))
    if not document.template.builtin:
        from toolkit.template_check import check_template

        problems = check_template(document.template)
        if problems:
            raise UnionkitError(problems=problems)
    pages = overflow = None
    layout = context.layout
    if layout.checked and (render or layout.one_page):
        from toolkit.render.pdf import lay_out

        pages, overflow = fit_to_pages(document, context)
        if layout.refine is not None and layout.refine(context, pages):
            pages = lay_out(context, document.template)
        if layout.one_page and not overflow.fits and not allow_overflow:
            raise UnionkitError(
                overflow_message(document, context, overflow), file=context.source, line=1
            )
    return Checked(document, context, pages, overflow)


def fit_to_pages(document: LoadedDocument, context: DocumentContext) -> tuple[Any, Any]:
    """Lay the document out at full size and, if it overflows its page target, find the
    largest fitting step (a bisection that starts where the overflow of the layout the
    smaller steps keep says the fit will be, so a fitted document costs two or three more
    layouts, not one per step). A batch's next row of the same file tries the step the last
    row chose, and the one before it, first: if that one fits and the one before does not,
    it is the answer, in two layouts. The context is left at the chosen step, for every
    renderer; returns its layout and its measure (at the last step when none fits)."""
    from toolkit.cache import FIT_CHOICES, stamp
    from toolkit.render.overflow import measure
    from toolkit.render.pdf import lay_out

    layout = context.layout
    target = layout.page_target(context)
    scales = (1.0, *layout.steps(context))
    tried: dict[int, tuple[Any, Any]] = {}

    def fits(step: int) -> bool:
        if step not in tried:
            context.values["fit"] = {"scale": scales[step], "step": step}
            pages = lay_out(context, document.template)
            tried[step] = (pages, measure(pages.document, target))
        return bool(tried[step][1].fits)

    last = len(scales) - 1
    try:
        key: tuple[Any, ...] | None = (stamp(context.source), str(document.template.folder),
                                       target, scales)  # fmt: skip
    except OSError:
        key = None  # a document with no file (a web form's) has no earlier rows
    hint = FIT_CHOICES.peek(key) if key is not None else None
    if hint is not None and 0 < hint <= last and fits(hint) and not fits(hint - 1):
        chosen = hint
    else:
        chosen = _search(fits, tried, scales, one_page=layout.one_page)
    if key is not None:
        FIT_CHOICES.put(key, chosen)
    context.values["fit"] = {"scale": scales[chosen], "step": chosen}
    return tried[chosen]


# Overflows below this ratio try the gentlest fitting step first.
GENTLE_FIRST_BELOW = 1.12


def _search(
    fits: Callable[[int], bool],
    tried: dict[int, tuple[Any, Any]],
    scales: tuple[float, ...],
    *,
    one_page: bool,
) -> int:
    """The step `fit_to_pages` chooses, laying out (through `fits`) the steps it needs."""
    last = len(scales) - 1
    if fits(0) or last == 0:
        return 0
    if not one_page and tried[0][1].ratio > 2.0:
        # Over twice its pages: no legible scale saves it, so it runs on at full size.
        return 0
    failing, fitting = 0, last + 1  # the largest step known not to fit; the smallest that does

    def guess_after(step: int) -> int:
        # Type and pictures take room roughly as the square of the scale.
        guess = scales[step] * (1.0 / max(tried[step][1].ratio, 1.0)) ** 0.5
        return next((i for i in range(step + 1, last + 1) if scales[i] <= guess + 0.005), last)

    # The first steps may change the layout without shrinking the type (a motion's tighter
    # spacing, a leaflet's columns). For a document that may run on, or one a little over,
    # try the first of them: it often suffices and costs the reader nothing. Otherwise try
    # the last: the smaller steps keep its layout, so its overflow says best how far to go.
    full = max(i for i, scale in enumerate(scales) if scale >= 1.0)
    gentle = not one_page or tried[0][1].ratio < GENTLE_FIRST_BELOW
    probe = 1 if full > 0 and gentle else guess_after(0)
    if full > 0 and not gentle:
        if fits(full):
            fitting, probe = full, full - 1
        else:
            failing, probe = full, guess_after(full)
    while fitting - failing > 1:
        if not failing < probe < fitting:
            probe = (failing + fitting) // 2
        if fits(probe):
            fitting = probe
        else:
            failing = probe
        # Look next door first: the guess is usually one step off at most.
        probe = probe - 1 if fitting == probe else probe + 1
    if fitting > last:
        # Nothing fits: a one-page kind is measured at its last step (and refused), a
        # document that may run on is not shrunk for nothing.
        return last if one_page else 0
    return fitting


def overflow_message(document: LoadedDocument, context: DocumentContext, overflow: Any) -> str:
    """What to say when a document cannot fit its pages even at its smallest legible size:
    by how much, and what takes the room."""
    kind = document.kind.name
    where = f"at {context.print.size}" if context.layout.own_paper else ""
    sides = overflow.overflowing
    what = f"the {kind}'s {' and '.join(sides)}" if sides else f"the {kind}"
    if overflow.lines:
        amount = f"about {overflow.lines} lines ({overflow.words} words) too many"
    else:
        amount = f"about {overflow.over_mm:.0f} mm too long"
    shrunk = (
        " even with the type at its smallest legible size"
        if len(context.layout.steps(context))
        else ""
    )
    room = ", ".join(f"{name} ({share:.0%})" for name, share in overflow.parts[:3])
    advice = "shorten them, drop an event or a speaker, or use a smaller picture"
    if context.layout.own_paper:
        if context.print.per_sheet > 1:
            advice += ", or print fewer copies to a sheet (per_sheet: 1 prints it full size)"
        elif context.print.size != "A4":
            advice += ", or choose a bigger size"
    most = f"; most room goes to {room}: {advice}" if room else f": {advice}"
    return (
        f"{what} does not fit {where} ({overflow.pages} pages for"
        f" {overflow.target}){shrunk}: {amount}{most}"
    ).replace("  ", " ")


def check(
    source: Path | Loaded,
    overrides: Mapping[str, str | None] | None = None,
    row: DataRow | None = None,
    pdf_variant: str | None = None,
) -> Checked:
    """Load and validate a document completely without rendering it; raises
    `UnionkitError` with every problem found."""
    document = load(source, overrides, row)
    return validate(document, context_of(document, pdf_variant))


def render(checked: Checked, fmt: str) -> bytes:
    """The document's bytes in one format (the renderers are imported only when needed)."""
    document, context = checked.document, checked.context
    if fmt == "pdf":
        from toolkit.render.pdf import render_pdf

        return render_pdf(context, document.template, checked.pages)
    if fmt == "docx":
        from toolkit.render.docx import render_docx

        return render_docx(context, document.template)
    raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")


def _guarded(source: Path, outcome: Outcome, step: Callable[[], None]) -> None:
    """Run a step; turn any failure into problems so one document never stops the others."""
    try:
        step()
    except UnionkitError as exc:
        outcome.problems.extend(exc.problems)
    except OSError as exc:
        target = exc.filename or "the output"
        outcome.problems.append(Problem(source, None, "", f"cannot write {target}: {exc.strerror}"))
    except RecursionError:
        outcome.problems.append(Problem(source, None, "", "nested too deeply to render"))
    except MemoryError:
        outcome.problems.append(Problem(source, None, "", "ran out of memory: is it too large?"))
    except Exception as exc:
        if os.environ.get("UNIONKIT_DEBUG"):
            raise
        detail = " ".join(str(exc).split())
        detail = detail if len(detail) <= 200 else detail[:200] + "…"
        outcome.problems.append(
            Problem(
                source,
                None,
                "",
                f"unexpected failure ({type(exc).__name__}: {detail}); please report this"
                " (set UNIONKIT_DEBUG=1 for details)",
            )
        )


def check_one(source: Path) -> Outcome:
    """Validate one document as `build` would, layout included; the outcome's summary
    describes it."""
    outcome = Outcome(source)

    def step() -> None:
        document = load(source)
        context = context_of(document)
        outcome.warnings = context.warnings
        outcome.summary = document.kind.summary(document, context)
        outcome.notes = document.kind.notes(document) if document.kind.notes else []
        outcome.dependencies = dependencies(document, context)
        validate(document, context, render=False)
        outcome.summary = document.kind.summary(document, context)

    _guarded(source, outcome, step)
    return outcome


def dependencies(document: LoadedDocument, context: DocumentContext) -> list[Path]:
    """Every file a document's outputs depend on, besides its template folder."""
    from toolkit.document import campaign_file

    here = document.source.file.parent
    files = [document.source.file, *context.allowed_files]
    campaign = campaign_file(document.model, here)
    if campaign is not None:
        files.append(campaign)
    return files + document.kind.dependencies(document.model, here)


def inputs_digest(document: LoadedDocument, files: list[Path], settings: dict[str, object]) -> str:
    """The fingerprint of a document's files, template folder and `settings`, with what is
    linked to it (a letter's collected signatures) when there is any."""
    from toolkit.incremental import input_digest

    if document.kind.linked_fingerprint is not None:
        linked = document.kind.linked_fingerprint(document.linked)
        if linked:  # only then, so that other documents keep their fingerprints
            settings = {**settings, "linked": linked}
    return input_digest(document, files, settings)


def build_one(
    job: Job,
    settings: Settings = Settings(),
    previous: Built | None = None,
    *,
    write: bool = True,
) -> Outcome:
    """Build one document into each format; each output is written only if it rendered
    (with `write=False`, the bytes are kept in `outcome.data` instead). When its inputs'
    fingerprint is what `previous` records and its outputs are the files written then,
    nothing is built."""
    outcome = Outcome(job.source)
    prepared: list[tuple[LoadedDocument, DocumentContext]] = []

    def prepare() -> None:
        document = load(job.source, dict(settings.overrides), job.row)
        context = context_of(document, settings.pdf_variant)
        prepared.append((document, context))

    _guarded(job.source, outcome, prepare)
    if not prepared:
        return outcome
    document, context = prepared[0]
    # The context's list grows as validation and rendering find more to say.
    outcome.warnings = context.warnings
    outcome.summary = document.kind.summary(document, context)
    outcome.notes = document.kind.notes(document) if document.kind.notes else []
    outcome.dependencies = dependencies(document, context)
    variants = [name for name in settings.variants if name in document.kind.variants]
    if write:
        fingerprint: dict[str, object] = {
            "formats": settings.formats,
            "overrides": settings.overrides,
            "pdf_variant": settings.pdf_variant,
            "row": sorted(job.row.values.items()) if job.row else [],
            "variants": settings.variants,
        }
        outcome.digest = inputs_digest(document, outcome.dependencies, fingerprint)
        outputs = [
            job.stem.with_name(f"{job.stem.name}{suffix}.{fmt}")
            for suffix in ("", *(f"-{name}" for name in variants))
            for fmt in settings.formats
        ]
        if (
            not settings.force
            and previous is not None
            and previous.inputs == outcome.digest
            and previous.still_there(outputs)
        ):
            outcome.skipped = True
            outcome.hashes = dict(previous.outputs)
            return outcome
    checked: list[Checked] = []
    _guarded(job.source, outcome, lambda: checked.append(validate(document, context)))
    if not checked:
        outcome.digest = ""
        return outcome
    outcome.summary = document.kind.summary(document, context)
    for fmt in settings.formats:

        def step(fmt: str = fmt) -> None:
            _keep(render(checked[0], fmt), fmt, job, outcome, write=write)

        _guarded(job.source, outcome, step)
    for name in variants:

        def make_variant(name: str = name) -> None:
            _build_variant(checked[0], name, settings, job, outcome, write=write)

        _guarded(job.source, outcome, make_variant)
    if outcome.problems:
        outcome.digest = ""  # a partly failed build is never taken as up to date
    return outcome


def preview_pdf(job: Job) -> tuple[Outcome, bytes | None, Any]:
    """A document's PDF in memory for a preview, drawn even when it does not fit its pages
    (then the outcome has the same problem `build` reports, and the overflow says where the
    content leaves each page)."""
    outcome = Outcome(job.source)
    result: list[tuple[bytes, Any]] = []

    def step() -> None:
        document = load(job.source, None, job.row)
        context = context_of(document)
        outcome.warnings = context.warnings
        checked = validate(document, context, allow_overflow=True)
        outcome.summary = document.kind.summary(document, context)
        overflow = checked.overflow
        if overflow is not None and not overflow.fits and context.layout.one_page:
            outcome.problems.append(
                Problem(context.source, 1, "", overflow_message(document, context, overflow))
            )
            # The page itself, not a sheet of copies, so the overflow can be marked on it.
            context.print = replace(context.print, per_sheet=1)
        result.append((render(checked, "pdf"), overflow))

    _guarded(job.source, outcome, step)
    if not result:
        return outcome, None, None
    return outcome, result[0][0], result[0][1]


def preview_in_worker(
    job: Job, *, seconds: float | None = None
) -> tuple[Outcome, bytes | None, Any]:
    """`preview_pdf` in a worker process, within `seconds` (default: a minute)."""
    from toolkit.workers import Workers, build_seconds

    with Workers(1, seconds or build_seconds(), warm_renderers, share=True) as pool:
        result = next(pool.run(preview_pdf, [(job,)]))
    if isinstance(result, tuple):
        return result
    return outcome_of(job.source, result), None, None


def _build_variant(
    checked: Checked, name: str, settings: Settings, job: Job, outcome: Outcome, *, write: bool
) -> None:
    """Make, check and render a document's variant `name` into NAME-VARIANT.<format>."""
    document, context = checked.document, checked.context
    variant = document.kind.variants[name](document, context)
    made = validate(variant.document, variant.context)
    for fmt in settings.formats:
        _keep(render(made, fmt), fmt, job, outcome, write=write, variant=name)


def _keep(
    data: bytes, fmt: str, job: Job, outcome: Outcome, *, write: bool, variant: str = ""
) -> None:
    """One output: kept in the outcome (as "pdf", or "amended.pdf" for a variant) when not
    writing, else written as STEM.pdf (STEM-amended.pdf) with its hash recorded."""
    if not write:
        outcome.data[f"{variant}.{fmt}" if variant else fmt] = data
        return
    name = f"{job.stem.name}-{variant}" if variant else job.stem.name
    target = job.stem.with_name(f"{name}.{fmt}")
    check_output_path(target, job.out_dir)
    write_atomically(target, data)
    outcome.written.append(target)
    outcome.hashes[target.name] = hashlib.sha256(data).hexdigest()


# -- a batch -----------------------------------------------------------------------------------
def default_jobs(documents: int) -> int:
    """Worker processes for a batch: none below `PARALLEL_FROM` documents, else a core each."""
    if documents < PARALLEL_FROM:
        return 1
    return min(os.cpu_count() or 1, documents)


def _build_in_worker(job: Job, settings: Settings, previous: Built | None) -> Outcome:
    return build_one(job, settings, previous)


def warm_renderers() -> None:
    """Load what every build needs (the renderers, WeasyPrint, docxtpl, the shipped fonts)
    once, before worker processes are forked, so that each starts ready."""
    from toolkit.render import docx, pdf

    pdf.warm()
    docx.warm()


def outcome_of(source: Path, result: object) -> Outcome:
    """A worker's result as an outcome: the outcome it sent, or a problem saying why the
    document has none (past its time, its worker ended)."""
    from toolkit.workers import Failed, Stopped

    if isinstance(result, Outcome):
        return result
    outcome = Outcome(source)
    if isinstance(result, Stopped):
        outcome.problems.append(Problem(source, None, "", result.describe()))
    elif isinstance(result, Failed):
        outcome.problems.append(
            Problem(
                source,
                None,
                "",
                f"unexpected failure ({result.kind}: {result.message}); please report this",
            )
        )
    return outcome


def build_many(
    jobs: list[Job],
    settings: Settings,
    out_dir: Path,
    workers: int | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    *,
    seconds: float | None = None,
) -> list[Outcome]:
    """Build every job, in order, in `workers` worker processes (default: `default_jobs`),
    each document within `seconds` (default `toolkit.workers.build_seconds()`); skip what is
    up to date; keep the fingerprints of what was built in the output folder for next time."""
    from toolkit.incremental import BuildCache
    from toolkit.workers import Workers, build_seconds

    workers = workers or default_jobs(len(jobs))
    report = on_outcome or (lambda outcome: None)
    cache = BuildCache(out_dir)
    # A record that is not unionkit's is said once, with the first document.
    pending_warning = (
        Problem(cache.file, None, "", cache.warning, warning=True) if cache.warning else None
    )
    work = [(job, settings, cache.entries.get(str(job.stem))) for job in jobs]
    outcomes: list[Outcome] = []
    try:
        with Workers(workers, seconds or build_seconds(), warm_renderers, share=True) as pool:
            for job, result in zip(jobs, pool.run(_build_in_worker, work), strict=False):
                outcome = outcome_of(job.source, result)
                if pending_warning is not None:
                    outcome.warnings.insert(0, pending_warning)
                    pending_warning = None
                outcomes.append(outcome)
                report(outcome)
    finally:
        for job, outcome in zip(jobs, outcomes, strict=False):
            if outcome.digest:
                cache.entries[str(job.stem)] = Built(outcome.digest, outcome.hashes)
            else:
                cache.entries.pop(str(job.stem), None)
            if outcome.written:
                cache.record(
                    job.stem, job.source, job.row.file if job.row else None, outcome.written
                )
        if cache.entries or os.path.lexists(cache.file):
            cache.save()
    return outcomes


def check_many(sources: list[Path], *, seconds: float | None = None) -> Iterator[Outcome]:
    """`check_one` for each document, in order, each in a worker process within `seconds`."""
    from toolkit.workers import Workers, build_seconds

    # No warming: most checks need no renderer (only a leaflet's layout does).
    with Workers(1, seconds or build_seconds(), share=True) as pool:
        results = pool.run(check_one, [(source,) for source in sources])
        for source, result in zip(sources, results, strict=False):
            yield outcome_of(source, result)


def build_in_memory(job: Job, formats: tuple[str, ...], *, seconds: float | None = None) -> Outcome:
    """Build a job's formats into `outcome.data` (nothing written), in a worker process
    within `seconds` (for previews)."""
    from toolkit.workers import Workers, build_seconds

    with Workers(1, seconds or build_seconds(), warm_renderers, share=True) as pool:
        result = next(pool.run(_build_unwritten, [(job, formats)]))
    return outcome_of(job.source, result)


def _build_unwritten(job: Job, formats: tuple[str, ...]) -> Outcome:
    return build_one(job, Settings(formats=formats), write=False)


# -- the plan ----------------------------------------------------------------------------------
def plan(
    arguments: Iterable[Path],
    out_dir: Path,
    *,
    data: Path | None = None,
    name_by: str | None = None,
    columns: Mapping[str, str] | None = None,
    date_order: Order | None = None,
) -> Plan:
    """The documents named (folders searched), where each one's output goes, and with a
    `--data` table one job per document and row. A document whose kind lacks a column's
    field is reported once, not per row, and not built. `columns` names a table's columns
    by hand ({field path: header}); `date_order` reads its ambiguous dates day or month
    first. Raises `UsageError` for a `--name-by` column the table does not have."""
    result = Plan()
    sources: list[tuple[Path, Path]] = []
    for argument in arguments:
        if not argument.is_dir():
            sources.append((argument, Path(safe_stem(argument.stem))))
            continue
        if real_path(argument) == Path(os.sep).resolve():
            raise UsageError(
                f"{argument} is the whole disk: give the folder of a campaign", field="PATHS"
            )
        for path in _yaml_files(argument):
            relative = path.relative_to(argument)
            if not is_inside(path, argument):
                result.outside.append(path)
            elif not is_document(path):
                result.not_documents.append(path)
            else:
                folders = [safe_stem(part) for part in relative.parent.parts]
                sources.append((path, Path(*folders, safe_stem(path.stem))))
    sources = list(dict((source.resolve(), (source, rel)) for source, rel in sources).values())
    stems = unique_stems([out_dir / relative for _, relative in sources])
    result.jobs = [
        Job(source, stem, out_dir=out_dir) for (source, _), stem in zip(sources, stems, strict=True)
    ]
    for job in result.jobs:
        result.named |= named_files(job.source)
    if data is not None:
        result.named.add(data)
        _plan_rows(result, data, name_by, columns or {}, date_order, out_dir)
    return result


def _yaml_files(folder: Path) -> list[Path]:
    """The YAML files in `folder` and below, in order: not in hidden folders, not editors'
    scratch files, and never through a linked folder (which could lead anywhere)."""
    found = []
    for top, folders, files in os.walk(folder, followlinks=False):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(files):
            path = Path(top) / name
            if (
                path.suffix.lower() in YAML_SUFFIXES
                and not name.startswith(".")
                and not is_scratch_file(name)
                and (path.is_file() or path.is_symlink())
            ):
                found.append(path)
    return sorted(found)


def named_files(document: Path) -> set[Path]:
    """The files a document's YAML names (any text value, or `campaign.file`, that is the
    name of a file beside it or below or above it), read from the raw YAML so that a
    document with mistakes still claims its campaign file."""
    from toolkit.loader import load_yaml

    try:
        data = load_yaml(document).data
    except UnionkitError:
        return set()
    if not isinstance(data, dict):
        return set()
    values = list(data.values())
    values += [v for value in data.values() if isinstance(value, dict) for v in value.values()]
    # A list of files (a letter's `signatories:`), some given as `file:` with their rules.
    for value in data.values():
        if isinstance(value, list):
            values += [i.get("file") if isinstance(i, dict) else i for i in value]
    found = set()
    for value in values:
        if isinstance(value, str) and "\n" not in value and len(value) < 300:
            try:
                candidate = document.parent / value
                if candidate.suffix and candidate.is_file():
                    found.add(candidate)
            except (OSError, ValueError):
                continue
    return found


def _plan_rows(
    result: Plan,
    table: Path,
    name_by: str | None,
    columns: Mapping[str, str],
    date_order: Order | None,
    out_dir: Path,
) -> None:
    """Replace the plan's jobs by one per document and row of `table`, its columns read for
    each document's kind; say how they were read, which rows cannot be built, and which
    files an earlier build made for rows that are gone."""
    import difflib

    from toolkit.data import map_table, read_data
    from toolkit.document import kind_of

    result.data = table
    try:
        raw = read_data(table)
    except UnionkitError as exc:
        result.problems.extend(exc.problems)
        result.failed += len(result.jobs)
        result.jobs = []
        return
    result.rows = len(raw.records)
    pairs: list[tuple[Job, DataRow]] = []
    mapped_by_kind: dict[str, MappedTable] = {}
    for job in result.jobs:
        try:
            kind = kind_of(job.source)
        except UnionkitError as exc:
            result.problems.extend(exc.problems)
            result.failed += 1
            continue
        first = kind.name not in mapped_by_kind
        if first:
            mapped_by_kind[kind.name] = map_table(raw, kind.model, columns, date_order)
        mapped = mapped_by_kind[kind.name]
        if first:
            result.notes.extend(mapped.notes)
            result.problems.extend([*mapped.problems, *mapped.warnings])
        if mapped.problems:
            result.failed += 1
            continue
        if first:
            result.row_problems.extend(mapped.row_problems)
        result.failed += len(mapped.row_problems)
        pairs += [(job, row) for row in mapped.rows]
    fields = {path for mapped in mapped_by_kind.values() for path in mapped.mapping.fields if path}
    if name_by is not None and name_by not in fields:
        header_match = [
            path
            for mapped in mapped_by_kind.values()
            for path, text in zip(mapped.mapping.fields, raw.header, strict=True)
            if path and text == name_by
        ]
        if not header_match:
            choices = sorted(fields) + [h for h in raw.header if h]
            close = difflib.get_close_matches(name_by, choices, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise UsageError(
                f"{table} has no column {name_by!r}: {hint}it has {', '.join(sorted(fields))}",
                field="--name-by",
            )
        name_by = header_match[0]
    stems = unique_stems(
        [job.stem.parent / safe_stem(row_name(row, name_by)) for job, row in pairs]
    )
    result.jobs = [
        Job(job.source, stem, row, job.out_dir)
        for (job, row), stem in zip(pairs, stems, strict=True)
    ]
    result.leftovers = _leftovers(result.jobs, table, out_dir)


def _leftovers(jobs: list[Job], table: Path, out_dir: Path) -> list[Path]:
    """Files the build state says an earlier build of these documents with this table wrote,
    for rows that no longer exist (their names are not among this run's)."""
    from toolkit.incremental import BuildCache

    cache = BuildCache(out_dir)
    wanted = {str(job.stem) for job in jobs}
    documents = {str(job.source.resolve()) for job in jobs}
    found = []
    for stem, record in cache.outputs.items():
        if stem in wanted or record.get("data") != str(table.resolve()):
            continue
        if record.get("document") not in documents:
            continue
        found += [
            path
            for name in record.get("files", [])
            if (path := Path(stem).with_name(name)).is_file()
        ]
    return found


def remove_leftovers(plan: Plan, out_dir: Path) -> list[Path]:
    """Delete the plan's leftover files (only those the build state records writing) and
    forget them; the files removed."""
    from toolkit.incremental import BuildCache

    cache = BuildCache(out_dir)
    removed = []
    for path in plan.leftovers:
        stem = str(path.with_suffix(""))
        record = cache.outputs.get(stem)
        if record is None or path.name not in record.get("files", []):
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
        record["files"] = [name for name in record["files"] if name != path.name]
        if not record["files"]:
            cache.outputs.pop(stem, None)
            cache.entries.pop(stem, None)
    cache.save()
    plan.leftovers = [path for path in plan.leftovers if path not in removed]
    return removed


def batch_report(plan: Plan, outcomes: list[Outcome]) -> tuple[list[Problem], list[str]]:
    """What a `--data` batch says once, not once a row: its problems and warnings, the same
    ones said once with the rows they affect, and one summary line per document (the most
    common summary of its rows)."""
    from collections import Counter

    from toolkit.data import group_row_problems

    items: list[tuple[DataRow | None, Problem]] = list(plan.row_problems)
    summaries: dict[Path, Counter[str]] = {}
    for job, outcome in zip(plan.jobs, outcomes, strict=False):
        for problem in (*outcome.warnings, *outcome.problems):
            items.append((job.row, problem))
        if outcome.ok and outcome.summary and not outcome.skipped:
            summaries.setdefault(job.source, Counter())[outcome.summary] += 1
    built_rows = sum(1 for job in plan.jobs if job.row is not None)
    documents = max(len({job.source for job in plan.jobs}), 1)
    problems = group_row_problems(items, built_rows // documents)
    lines = []
    table = plan.data
    for source, counter in summaries.items():
        summary, count = counter.most_common(1)[0]
        total = sum(counter.values())
        rows = f"{total} {'row' if total == 1 else 'rows'} of {table}"
        differ = f" ({total - count} differ; -v shows each)" if count < total else ""
        lines.append(f"{source}: {rows}: {summary}{differ}")
    return problems, lines
