"""The pipeline for one document: load, validate, build the context, render, write."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from toolkit.context import DocumentContext, build_context
from toolkit.data import DataRow, row_name
from toolkit.document import YAML_SUFFIXES, LoadedDocument, is_document, load_document
from toolkit.errors import Problem, UnionkitError
from toolkit.output import safe_stem, unique_stems, write_atomically

FORMATS = ("pdf", "docx")


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


def plan(arguments: Iterable[Path], out_dir: Path) -> list[Job]:
    """Documents named on the command line (folders searched) and where each one's output goes."""
    sources: list[tuple[Path, Path]] = []
    for argument in arguments:
        if argument.is_dir():
            for path in sorted(argument.rglob("*")):
                relative = path.relative_to(argument)
                if (
                    path.suffix.lower() in YAML_SUFFIXES
                    and path.is_file()
                    and not any(part.startswith(".") for part in relative.parts)
                    and is_document(path)
                ):
                    folders = [safe_stem(part) for part in relative.parent.parts]
                    sources.append((path, Path(*folders, safe_stem(path.stem))))
        else:
            sources.append((argument, Path(safe_stem(argument.stem))))
    sources = list(dict((source.resolve(), (source, rel)) for source, rel in sources).values())
    stems = unique_stems([out_dir / relative for _, relative in sources])
    return [Job(source, stem) for (source, _), stem in zip(sources, stems, strict=True)]


def plan_rows(jobs: list[Job], rows: list[DataRow], name_by: str | None) -> list[Job]:
    """One job per document and row, named by the row (`--name-by`), never colliding."""
    pairs = [(job, row) for job in jobs for row in rows]
    stems = unique_stems(
        [job.stem.parent / safe_stem(row_name(row, name_by)) for job, row in pairs]
    )
    return [Job(job.source, stem, row) for (job, row), stem in zip(pairs, stems, strict=True)]


def check(
    source: Path, overrides: dict[str, str] | None = None, row: DataRow | None = None
) -> tuple[LoadedDocument, DocumentContext]:
    """Load, validate and build the context without rendering; raises `UnionkitError`."""
    document = load_document(source, overrides, row)
    return document, build_context(document)


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


def describe(document: LoadedDocument, context: DocumentContext) -> str:
    """One line about a document: its kind and what was counted, e.g. "resolution, 270
    words" or "letter, 18 signatories (22 rows read, 3 duplicates merged, 1 skipped)"."""
    kind = document.template.manifest.kind
    values = context.values
    if "word_count" in values:
        limit = values.get("word_limit")
        return f"{kind}, {values['word_count']} words" + (f" of {limit} allowed" if limit else "")
    report = document.signatories
    if report is not None:
        return (
            f"{kind}, {len(report.kept)} signatories ({report.rows_read} rows read,"
            f" {len(report.merged)} duplicates merged, {report.skipped} skipped)"
        )
    return kind


def check_one(source: Path) -> Outcome:
    """Validate one document; the outcome's summary describes it."""
    outcome = Outcome(source)

    def step() -> None:
        document, context = check(source)
        outcome.warnings.extend(context.warnings)
        outcome.summary = describe(document, context)
        if not document.template.builtin:
            from toolkit.template_check import check_template

            outcome.problems.extend(check_template(document.template))

    _guarded(source, outcome, step)
    return outcome


def render(fmt: str, document: LoadedDocument, context: DocumentContext) -> bytes:
    """The document's bytes in one format (the renderers are imported only when needed)."""
    if fmt == "pdf":
        from toolkit.render.pdf import render_pdf

        return render_pdf(context, document.template)
    from toolkit.render.docx import render_docx

    return render_docx(context, document.template)


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
    loaded: list[tuple[LoadedDocument, DocumentContext]] = []

    def load() -> None:
        loaded.append(check(job.source, dict(settings.overrides), job.row))

    _guarded(job.source, outcome, load)
    if not loaded:
        return outcome
    document, context = loaded[0]
    if settings.pdf_variant is not None:
        if context.print.per_sheet > 1:
            outcome.problems.append(
                Problem(
                    job.source,
                    None,
                    "",
                    "--pdf-variant cannot be combined with copies per sheet: add --per-sheet 1",
                )
            )
            return outcome
        context.print = replace(context.print, pdf_variant=settings.pdf_variant)
    outcome.warnings.extend(context.warnings)
    outcome.summary = describe(document, context)
    if write:
        from toolkit.incremental import input_digest

        fingerprint: dict[str, object] = {
            "formats": settings.formats,
            "overrides": settings.overrides,
            "pdf_variant": settings.pdf_variant,
            "row": sorted(job.row.values.items()) if job.row else [],
        }
        outcome.digest = input_digest(document, context, fingerprint)
        outputs = [job.stem.with_name(f"{job.stem.name}.{fmt}") for fmt in settings.formats]
        if (
            not settings.force
            and previous == outcome.digest
            and all(path.is_file() for path in outputs)
        ):
            outcome.skipped = True
            return outcome
    for fmt in settings.formats:

        def step(fmt: str = fmt) -> None:
            data = render(fmt, document, context)
            if not write:
                outcome.data[fmt] = data
                return
            target = job.stem.with_name(f"{job.stem.name}.{fmt}")
            write_atomically(target, data)
            outcome.written.append(target)

        _guarded(job.source, outcome, step)
    if outcome.problems:
        outcome.digest = ""  # a partly failed build is never taken as up to date
    return outcome


def _build_in_worker(args: tuple[Job, Settings, str | None]) -> Outcome:
    return build_one(*args)


def build_many(
    jobs: list[Job],
    settings: Settings,
    out_dir: Path,
    workers: int,
    on_outcome: Callable[[Outcome], None],
) -> list[Outcome]:
    """Build every job, in order, on `workers` processes; skip what is up to date; keep the
    fingerprints of what was built in the output folder for next time."""
    from toolkit.incremental import BuildCache

    cache = BuildCache(out_dir)
    work = [(job, settings, cache.entries.get(str(job.stem))) for job in jobs]
    outcomes: list[Outcome] = []
    try:
        if workers <= 1 or len(jobs) <= 1:
            for item in work:
                outcome = _build_in_worker(item)
                outcomes.append(outcome)
                on_outcome(outcome)
        else:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            # Spawned workers start clean; each warms its own caches on its first document.
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
                for outcome in pool.map(_build_in_worker, work, chunksize=4):
                    outcomes.append(outcome)
                    on_outcome(outcome)
    finally:
        for job, outcome in zip(jobs, outcomes, strict=False):
            if outcome.digest:
                cache.entries[str(job.stem)] = outcome.digest
            else:
                cache.entries.pop(str(job.stem), None)
        if cache.entries or cache.file.exists():
            cache.save()
    return outcomes


def build_pdf(job: Job) -> tuple[Outcome, bytes | None]:
    """Build a document's PDF in memory only (for previews)."""
    outcome = build_one(job, Settings(formats=("pdf",)), write=False)
    return outcome, outcome.data.get("pdf")
