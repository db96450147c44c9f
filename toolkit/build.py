"""The pipeline for one document and for a batch: load, validate (layout included), render,
write; and the plan that says which documents (and `--data` rows) a run builds."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from toolkit.context import DocumentContext
from toolkit.data import DataRow, row_name
from toolkit.document import YAML_SUFFIXES, LoadedDocument, is_document, load_document
from toolkit.errors import Problem, UnionkitError, UsageError
from toolkit.formats import FORMATS
from toolkit.loader import Loaded
from toolkit.output import safe_stem, unique_stems, write_atomically
from toolkit.paths import is_scratch_file

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
    dependencies: list[Path] = field(default_factory=list)

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


@dataclass(frozen=True)
class Settings:
    """How to build: formats and command-line choices, the same for every job of a run."""

    formats: tuple[str, ...] = FORMATS
    overrides: tuple[tuple[str, str], ...] = ()
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
    named: set[Path] = field(default_factory=set)
    """Files the documents name (campaign files, signatories, letters, the table): not
    reported as skipped."""

    def skipped(self) -> list[Path]:
        """The YAML files that are neither documents nor named by one."""
        named = {path.resolve() for path in self.named}
        return [path for path in self.not_documents if path.resolve() not in named]


# -- one document ------------------------------------------------------------------------------
def load(
    source: Path | Loaded, overrides: Mapping[str, str] | None = None, row: DataRow | None = None
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


def validate(document: LoadedDocument, context: DocumentContext, *, render: bool = True) -> Checked:
    """The checks that need more than the fields: a local template's names, and the layout
    of a kind whose pages are checked. `check` and `build` both pass through here, so they
    can never disagree. With `render=False` (`unionkit check`, which writes nothing) the
    pages are laid out only when they can fail a check (a one-page kind), not merely to
    fit them."""
    from toolkit.glyphs import glyph_warnings

    context.warnings.extend(glyph_warnings(document.kind.printed_texts(document)))
    if not document.template.builtin:
        from toolkit.template_check import check_template

        problems = check_template(document.template)
        if problems:
            raise UnionkitError(problems=problems)
    pages = None
    layout = context.layout
    if layout.checked and (render or layout.one_page):
        from toolkit.render.pdf import lay_out

        target = layout.page_target(context)
        pages = fit_pages(document, context)
        if layout.refine is not None and layout.refine(context, pages):
            pages = lay_out(context, document.template)
        count = len(pages.document.pages)
        if layout.one_page and count > target:
            raise UnionkitError(
                f"the {document.kind.name} runs to {count} pages at {context.print.size}"
                f" (it should take {target}): shorten the body, drop an event or speaker,"
                " or choose a bigger size",
                file=context.source,
                line=1,
            )
    return Checked(document, context, pages)


def fit_pages(document: LoadedDocument, context: DocumentContext) -> Any:
    """Lay the document out at full size and, when it runs over its page target, at its
    kind's fitting steps in turn until one fits. When none does, it takes the fewest pages
    at the largest size that gives them (a document that may run on is not shrunk for
    nothing). A document over twice its target is not tried smaller: no legible scale
    (the area shrinks with its square) saves it. Sets `fit` in the context to the step
    chosen and returns that step's layout."""
    from toolkit.render.pdf import lay_out

    target = context.layout.page_target(context)
    scales = (1.0, *context.layout.fit_steps)
    counts: dict[int, int] = {}
    tried: dict[int, Any] = {}
    for step, scale in enumerate(scales):
        context.values["fit"] = {"scale": scale, "step": step}
        tried[step] = lay_out(context, document.template)
        counts[step] = len(tried[step].document.pages)
        if counts[step] <= target or counts[0] > 2 * target:
            break
    fits = [step for step, count in counts.items() if count <= target]
    fewest = min(counts.values())
    chosen = fits[0] if fits else min(s for s, count in counts.items() if count == fewest)
    context.values["fit"] = {"scale": scales[chosen], "step": chosen}
    return tried[chosen]


def check(
    source: Path | Loaded,
    overrides: Mapping[str, str] | None = None,
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


def build_one(
    job: Job,
    settings: Settings = Settings(),
    previous: str | None = None,
    *,
    write: bool = True,
) -> Outcome:
    """Build one document into each format; each output is written only if it rendered
    (with `write=False`, the bytes are kept in `outcome.data` instead). When its inputs'
    fingerprint equals `previous` and its outputs exist, nothing is built."""
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
    outcome.dependencies = dependencies(document, context)
    variants = [name for name in settings.variants if name in document.kind.variants]
    if write:
        from toolkit.incremental import input_digest

        fingerprint: dict[str, object] = {
            "formats": settings.formats,
            "overrides": settings.overrides,
            "pdf_variant": settings.pdf_variant,
            "row": sorted(job.row.values.items()) if job.row else [],
            "variants": settings.variants,
        }
        outcome.digest = input_digest(document, outcome.dependencies, fingerprint)
        outputs = [
            job.stem.with_name(f"{job.stem.name}{suffix}.{fmt}")
            for suffix in ("", *(f"-{name}" for name in variants))
            for fmt in settings.formats
        ]
        if (
            not settings.force
            and previous == outcome.digest
            and all(path.is_file() for path in outputs)
        ):
            outcome.skipped = True
            return outcome
    checked: list[Checked] = []
    _guarded(job.source, outcome, lambda: checked.append(validate(document, context)))
    if not checked:
        outcome.digest = ""
        return outcome
    outcome.summary = document.kind.summary(document, context)
    for fmt in settings.formats:

        def step(fmt: str = fmt) -> None:
            data = render(checked[0], fmt)
            if not write:
                outcome.data[fmt] = data
                return
            target = job.stem.with_name(f"{job.stem.name}.{fmt}")
            write_atomically(target, data)
            outcome.written.append(target)

        _guarded(job.source, outcome, step)
    for name in variants:

        def make_variant(name: str = name) -> None:
            _build_variant(checked[0], name, settings, job, outcome, write=write)

        _guarded(job.source, outcome, make_variant)
    if outcome.problems:
        outcome.digest = ""  # a partly failed build is never taken as up to date
    return outcome


def _build_variant(
    checked: Checked, name: str, settings: Settings, job: Job, outcome: Outcome, *, write: bool
) -> None:
    """Make, check and render a document's variant `name` into NAME-VARIANT.<format>."""
    document, context = checked.document, checked.context
    variant = document.kind.variants[name](document, context)
    made = validate(variant.document, variant.context)
    for fmt in settings.formats:
        data = render(made, fmt)
        if not write:
            outcome.data[f"{name}.{fmt}"] = data
            continue
        target = job.stem.with_name(f"{job.stem.name}-{name}.{fmt}")
        write_atomically(target, data)
        outcome.written.append(target)


def build_pdf(job: Job) -> tuple[Outcome, bytes | None]:
    """Build a document's PDF in memory only (for previews)."""
    outcome = build_one(job, Settings(formats=("pdf",)), write=False)
    return outcome, outcome.data.get("pdf")


# -- a batch -----------------------------------------------------------------------------------
def default_jobs(documents: int) -> int:
    """Worker processes for a batch: none below `PARALLEL_FROM` documents, else a core each."""
    if documents < PARALLEL_FROM:
        return 1
    return min(os.cpu_count() or 1, documents)


def _build_in_worker(args: tuple[Job, Settings, str | None]) -> Outcome:
    return build_one(*args)


def build_many(
    jobs: list[Job],
    settings: Settings,
    out_dir: Path,
    workers: int | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Build every job, in order, on `workers` processes (default: `default_jobs`); skip what
    is up to date; keep the fingerprints of what was built in the output folder for next
    time."""
    from toolkit.incremental import BuildCache

    workers = workers or default_jobs(len(jobs))
    report = on_outcome or (lambda outcome: None)
    cache = BuildCache(out_dir)
    work = [(job, settings, cache.entries.get(str(job.stem))) for job in jobs]
    outcomes: list[Outcome] = []
    try:
        if workers <= 1 or len(jobs) <= 1:
            for item in work:
                outcome = _build_in_worker(item)
                outcomes.append(outcome)
                report(outcome)
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # Spawned workers start clean on every system; each warms its own caches.
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                for outcome in pool.map(_build_in_worker, work, chunksize=4):
                    outcomes.append(outcome)
                    report(outcome)
    finally:
        for job, outcome in zip(jobs, outcomes, strict=False):
            if outcome.digest:
                cache.entries[str(job.stem)] = outcome.digest
            else:
                cache.entries.pop(str(job.stem), None)
        if cache.entries or cache.file.exists():
            cache.save()
    return outcomes


# -- the plan ----------------------------------------------------------------------------------
def plan(
    arguments: Iterable[Path],
    out_dir: Path,
    *,
    data: Path | None = None,
    name_by: str | None = None,
) -> Plan:
    """The documents named (folders searched), where each one's output goes, and with a
    `--data` table one job per document and row. A document whose kind lacks a column's
    field is reported once, not per row, and not built. Raises `UsageError` for a
    `--name-by` column the table does not have."""
    result = Plan()
    sources: list[tuple[Path, Path]] = []
    for argument in arguments:
        if argument.is_dir():
            for path in sorted(argument.rglob("*")):
                relative = path.relative_to(argument)
                if (
                    path.suffix.lower() not in YAML_SUFFIXES
                    or any(part.startswith(".") for part in relative.parts)
                    or is_scratch_file(path.name)
                    or not path.is_file()
                ):
                    continue
                if not is_document(path):
                    result.not_documents.append(path)
                    continue
                folders = [safe_stem(part) for part in relative.parent.parts]
                sources.append((path, Path(*folders, safe_stem(path.stem))))
        else:
            sources.append((argument, Path(safe_stem(argument.stem))))
    sources = list(dict((source.resolve(), (source, rel)) for source, rel in sources).values())
    stems = unique_stems([out_dir / relative for _, relative in sources])
    result.jobs = [Job(source, stem) for (source, _), stem in zip(sources, stems, strict=True)]
    for job in result.jobs:
        result.named |= named_files(job.source)
    if data is not None:
        result.named.add(data)
        _plan_rows(result, data, name_by)
    return result


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


def _plan_rows(result: Plan, table: Path, name_by: str | None) -> None:
    """Replace the plan's jobs by one per document and row of `table`."""
    import difflib

    from toolkit.data import check_columns, read_data
    from toolkit.document import kind_of

    try:
        columns, rows = read_data(table)
    except UnionkitError as exc:
        result.problems.extend(exc.problems)
        result.failed += len(result.jobs)
        result.jobs = []
        return
    if name_by is not None and name_by not in columns:
        close = difflib.get_close_matches(name_by, columns, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise UsageError(
            f"{table} has no column {name_by!r}: {hint}it has {', '.join(columns)}",
            field="--name-by",
        )
    good = []
    for job in result.jobs:
        try:
            kind = kind_of(job.source)
        except UnionkitError as exc:
            result.problems.extend(exc.problems)
            result.failed += 1
            continue
        problems = check_columns(columns, kind.model, table)
        result.problems.extend(problems)
        if problems:
            result.failed += 1
        else:
            good.append(job)
    pairs = [(job, row) for job in good for row in rows]
    stems = unique_stems(
        [job.stem.parent / safe_stem(row_name(row, name_by)) for job, row in pairs]
    )
    result.jobs = [
        Job(job.source, stem, row) for (job, row), stem in zip(pairs, stems, strict=True)
    ]
