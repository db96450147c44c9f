"""The pipeline for one document: load, validate, build the context, render, write."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from toolkit.context import DocumentContext, build_context
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

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Job:
    """One document to build and the output path without suffix."""

    source: Path
    stem: Path


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


def check(
    source: Path, overrides: dict[str, str] | None = None
) -> tuple[LoadedDocument, DocumentContext]:
    """Load, validate and build the context without rendering; raises `UnionkitError`."""
    document = load_document(source, overrides)
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
    formats: Iterable[str],
    overrides: dict[str, str] | None = None,
    pdf_variant: str | None = None,
    *,
    write: bool = True,
) -> Outcome:
    """Build one document into each format; each output is written only if it rendered
    (with `write=False`, the bytes are kept in `outcome.data` instead)."""
    outcome = Outcome(job.source)
    loaded: list[tuple[LoadedDocument, DocumentContext]] = []

    def load() -> None:
        loaded.append(check(job.source, overrides))

    _guarded(job.source, outcome, load)
    if not loaded:
        return outcome
    document, context = loaded[0]
    if pdf_variant is not None:
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
        context.print = replace(context.print, pdf_variant=pdf_variant)
    outcome.warnings.extend(context.warnings)
    outcome.summary = describe(document, context)
    for fmt in formats:

        def step(fmt: str = fmt) -> None:
            data = render(fmt, document, context)
            if not write:
                outcome.data[fmt] = data
                return
            target = job.stem.with_name(f"{job.stem.name}.{fmt}")
            write_atomically(target, data)
            outcome.written.append(target)

        _guarded(job.source, outcome, step)
    return outcome


def build_pdf(job: Job) -> tuple[Outcome, bytes | None]:
    """Build a document's PDF in memory only (for previews)."""
    outcome = build_one(job, ["pdf"], write=False)
    return outcome, outcome.data.get("pdf")
