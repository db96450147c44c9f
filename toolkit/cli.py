"""The `unionkit` command line: parse options, call the core, print what happened."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from toolkit import __version__

if TYPE_CHECKING:
    from toolkit.build import Outcome

CONTEXT = {"help_option_names": ["-h", "--help"]}
# Kept here, not imported from the model, so `unionkit -h` does not load pydantic.
PDF_VARIANT_CHOICES = [
    "pdf/ua-1", "pdf/ua-2", "pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u",
    "pdf/a-4u", "pdf/x-1a", "pdf/x-3", "pdf/x-4",
]  # fmt: skip


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def _show(outcome: Outcome, *, ok_line: bool) -> None:
    """Print what happened to one document: files to stdout, the rest to stderr."""
    for path in outcome.written:
        click.echo(str(path))
    if ok_line and outcome.ok:
        click.echo(f"{outcome.source}: ok ({outcome.summary})")
    elif outcome.ok and outcome.summary:
        click.echo(f"{outcome.source}: {outcome.summary}", err=True)
    for problem in (*outcome.warnings, *outcome.problems):
        click.echo(problem.format(), err=True)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="unionkit")
def main() -> None:
    """Make model resolutions, open letters and leaflets from short YAML files.

    Every document comes out as a PDF (to print, email and archive) and a DOCX
    (for a branch to edit in Word or LibreOffice).
    """


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["pdf", "docx"]),
    help="Only this format (repeat for both). Default: pdf and docx.",
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder to write into.",
)
@click.option(
    "--per-sheet",
    type=click.IntRange(1, 4),
    default=None,
    help="Leaflets: copies on each A4 sheet (1, 2 for A5, 4 for A6). Default: the document's.",
)
@click.option(
    "--pdf-variant",
    type=click.Choice(PDF_VARIANT_CHOICES),
    default=None,
    help="A PDF standard: pdf/ua-1 for accessibility, pdf/a-3b for archiving, pdf/x-4 for"
    " print shops. Default: the document's, else plain tagged PDF.",
)
def build(
    paths: tuple[Path, ...],
    formats: tuple[str, ...],
    out_dir: Path,
    per_sheet: int | None,
    pdf_variant: str | None,
) -> None:
    """Build documents (YAML files, or folders of them) into PDF and DOCX.

    Prints each file written. Problems are reported as FILE:LINE: field: message;
    a document that fails never stops the others.
    """
    from toolkit.build import FORMATS, build_one, plan

    chosen = [f for f in FORMATS if f in formats] if formats else list(FORMATS)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.BadParameter(
            f"cannot make the folder: {exc.strerror}", param_hint="-o"
        ) from None
    jobs = plan(paths, out_dir)
    outcomes = []
    for job in jobs:
        overrides = {"per_sheet": str(per_sheet)} if per_sheet is not None else None
        outcome = build_one(job, chosen, overrides, pdf_variant)
        _show(outcome, ok_line=False)
        outcomes.append(outcome)
    status = 1 if any(not o.ok for o in outcomes) else 0
    written = sum(len(o.written) for o in outcomes)
    failed = sum(not o.ok for o in outcomes)
    summary = f"{_count(written, 'file', 'files')} written from"
    summary += f" {_count(len(jobs), 'document', 'documents')}"
    if failed:
        summary += f"; {failed} failed"
    if not jobs:
        summary = (
            f"{', '.join(map(str, paths))}: no documents found (a document YAML has `template:`)"
        )
        status = 1
    click.echo(summary, err=True)
    sys.exit(status)


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Check documents for mistakes without building them."""
    from toolkit.build import check_one, plan

    outcomes = []
    for job in plan(paths, Path(".")):
        outcome = check_one(job.source)
        _show(outcome, ok_line=True)
        outcomes.append(outcome)
    status = 1 if any(not o.ok for o in outcomes) else 0
    if not outcomes:
        where = ", ".join(map(str, paths))
        click.echo(f"{where}: no documents found (a document YAML has `template:`)", err=True)
        status = 1
    sys.exit(status)


def _fail(exc: Exception) -> None:
    """Print a `UnionkitError`'s problems and exit 1."""
    for problem in getattr(exc, "problems", []):
        click.echo(problem.format(), err=True)
    sys.exit(1)


@main.group(context_settings=CONTEXT, invoke_without_command=True)
@click.pass_context
def templates(ctx: click.Context) -> None:
    """List the templates, one line each, with where each comes from.

    Local template folders (in the current folder) come first, then installed
    template packs, then the built-in templates.
    """
    if ctx.invoked_subcommand is not None:
        return
    from toolkit.errors import UnionkitError
    from toolkit.templates import available_templates, read_template

    try:
        for entry in available_templates(Path.cwd()):
            manifest = read_template(entry.folder).manifest
            click.echo(
                f"{entry.name:<16} {manifest.kind:<14} {entry.source:<20} {manifest.description}"
            )
    except UnionkitError as exc:
        _fail(exc)


@templates.command("copy", context_settings=CONTEXT)
@click.argument("name")
@click.argument("destination", type=click.Path(file_okay=False, path_type=Path))
def copy_template(name: str, destination: Path) -> None:
    """Copy template NAME into DESTINATION to adapt it (letterhead, colours, wording).

    Then name the folder in a document: `template: ./DESTINATION`.
    """
    from toolkit.errors import UnionkitError
    from toolkit.templates import copy_template as copy

    try:
        copy(name, destination)
    except UnionkitError as exc:
        _fail(exc)
    click.echo(f"{destination}: copied from {name}; use it with `template: ./{destination.name}`")


KIND_NAMES = ["resolution", "letter", "sign-on-sheet", "leaflet"]


@main.command(context_settings=CONTEXT)
@click.argument("kind", type=click.Choice(KIND_NAMES))
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def new(kind: str, file: Path) -> None:
    """Write a starter document of KIND to FILE, every field present and explained.

    It builds at once. An existing file is never overwritten.
    """
    from toolkit.errors import UnionkitError
    from toolkit.starters import write_starter

    try:
        for path in write_starter(kind, file):
            click.echo(str(path))
    except UnionkitError as exc:
        _fail(exc)


@main.command(context_settings=CONTEXT)
@click.argument("kind", required=False, type=click.Choice(KIND_NAMES))
def schema(kind: str | None) -> None:
    """Print the JSON Schema of a document kind (or of all), for editors."""
    import json

    from toolkit.schema import all_schemas, kind_schema

    click.echo(json.dumps(kind_schema(kind) if kind else all_schemas(), indent=2))


@main.command(context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--dpi", type=click.IntRange(30, 300), default=100, show_default=True)
@click.option(
    "-o",
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The PNG to write (default: out/<name>-<page>.png).",
)
def preview(file: Path, page: int, dpi: int, out_file: Path | None) -> None:
    """Build FILE's PDF and draw one page as a PNG, to look at without a PDF viewer."""
    from toolkit.preview import preview_page

    outcome, written = preview_page(file, page, dpi, out_file)
    _show(outcome, ok_line=False)
    if written is None:
        sys.exit(1)
    click.echo(str(written))


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(["pdf", "docx"]),
    help="Only this format (repeat for both). Default: pdf and docx.",
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
)
def watch(paths: tuple[Path, ...], formats: tuple[str, ...], out_dir: Path) -> None:
    """Build documents, then build them again each time you save one of their files.

    Watches the documents, their campaign files, signatory files, pictures and
    local template folders. Stop with Ctrl-C.
    """
    from toolkit.build import FORMATS
    from toolkit.watch import watch_and_build

    chosen = [f for f in FORMATS if f in formats] if formats else list(FORMATS)

    def report(outcome: Outcome) -> None:
        _show(outcome, ok_line=False)

    # Ctrl-C is how a person stops watching: not an error, and no traceback.
    with contextlib.suppress(KeyboardInterrupt):
        watch_and_build(
            list(paths), out_dir, chosen, report, lambda text: click.echo(text, err=True)
        )
    click.echo("stopped watching", err=True)


@main.command(context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the merged list to this CSV (UTF-8, safe to open in a spreadsheet).",
)
def signatories(files: tuple[Path, ...], out_file: Path | None) -> None:
    """Read signatory files (CSV, TSV or YAML), merge duplicates and report.

    Several files are read in order, as one list: a web form export plus typed-up
    sign-on sheets, say. Emails match case-insensitively; without an email, the
    same name and organisation mean the same person.
    """
    from toolkit.errors import UnionkitError
    from toolkit.output import write_atomically
    from toolkit.signatories import Signatory, merge_duplicates, read_signatories, to_csv

    rows: list[Signatory] = []
    warnings = []
    failed = False
    for path in files:
        try:
            found, read_warnings = read_signatories(path)
        except UnionkitError as exc:
            for problem in exc.problems:
                click.echo(problem.format(), err=True)
            failed = True
            continue
        click.echo(f"{path}: {_count(len(found), 'row', 'rows')} read")
        rows.extend(found)
        warnings.extend(read_warnings)
    report = merge_duplicates(rows)
    report.warnings[:0] = warnings
    for warning in report.warnings:
        click.echo(warning.format(), err=True)
    for kept, duplicate in report.merged:
        click.echo(f"merged {duplicate.place} ({duplicate.name}) into {kept.place} ({kept.name})")
    click.echo(
        f"{_count(len(report.kept), 'signatory', 'signatories')} kept,"
        f" {_count(len(report.merged), 'duplicate', 'duplicates')} merged,"
        f" {_count(report.skipped, 'row', 'rows')} skipped"
    )
    if out_file is not None and failed:
        click.echo(f"{out_file}: not written, since a file could not be read", err=True)
    elif out_file is not None:
        try:
            write_atomically(out_file, to_csv(report.kept))
        except OSError as exc:
            click.echo(f"{out_file}: cannot write: {exc.strerror}", err=True)
            sys.exit(1)
        click.echo(f"{out_file}: {len(report.kept)} signatories written")
    sys.exit(1 if failed else 0)
