"""The `unionkit` command line: parse options, call the core, print what happened."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from toolkit import __version__, kinds
from toolkit.formats import FORMATS, PDF_VARIANTS

if TYPE_CHECKING:
    from toolkit.api import Outcome, Plan

CONTEXT = {"help_option_names": ["-h", "--help"]}


# Options `build` and `watch` share.
format_option = click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
    help="Only this format (repeat for both). Default: pdf and docx.",
)
out_option = click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="Folder to write into.",
)


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
@format_option
@out_option
@click.option(
    "--per-sheet",
    type=click.IntRange(1, 4),
    default=None,
    help="Leaflets: copies on each A4 sheet (1, 2 for A5, 4 for A6). Default: the document's.",
)
@click.option(
    "--pdf-variant",
    type=click.Choice(PDF_VARIANTS),
    default=None,
    help="A PDF standard: pdf/ua-1 for accessibility, pdf/a-3b for archiving, pdf/x-4 for"
    " print shops. Default: the document's, else plain tagged PDF.",
)
@click.option(
    "--data",
    "data_table",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A table (CSV, TSV or YAML list) whose columns are field paths such as branch.name:"
    " one document per row.",
)
@click.option(
    "--name-by",
    metavar="COLUMN",
    help="With --data: the column that names each row's files (default: branch.name, name,"
    " else the row's line).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Documents built at once, one process each. Default: one for a small batch, one"
    " per core for a large one.",
)
@click.option("--force", is_flag=True, help="Build everything, even what is up to date.")
@click.option(
    "--amended",
    is_flag=True,
    help="Amendments: also write the motion as amended, its changes marked"
    " (NAME-amended.pdf, and NAME-amended.docx with Word tracked changes).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but problems.")
def build(
    paths: tuple[Path, ...],
    formats: tuple[str, ...],
    out_dir: Path,
    per_sheet: int | None,
    pdf_variant: str | None,
    data_table: Path | None,
    name_by: str | None,
    jobs: int | None,
    force: bool,
    amended: bool,
    quiet: bool,
) -> None:
    """Build documents (YAML files, or folders of them) into PDF and DOCX.

    Prints each file written. Problems are reported as FILE:LINE: field: message;
    a document that fails never stops the others. Outputs whose inputs have not
    changed since they were built are skipped (--force builds them anyway).
    """
    from toolkit import api

    chosen = tuple(f for f in FORMATS if f in formats) if formats else FORMATS
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.BadParameter(
            f"cannot make the folder: {exc.strerror}", param_hint="-o"
        ) from None
    try:
        work = api.plan(paths, out_dir, data=data_table, name_by=name_by)
    except api.UsageError as exc:
        raise click.BadParameter(exc.problems[0].message, param_hint="--name-by") from None
    for problem in work.problems:
        click.echo(problem.format(), err=True)
    overrides = (("per_sheet", str(per_sheet)),) if per_sheet is not None else ()
    variants = ("amended",) if amended else ()
    settings = api.Settings(chosen, overrides, pdf_variant, force, variants)
    jobs_total = len(work.jobs)
    progress = _Progress(jobs_total, enabled=not quiet and jobs_total > 1 and _is_terminal())

    def report(outcome: Outcome) -> None:
        progress.clear()
        if quiet:
            for problem in outcome.problems:
                click.echo(problem.format(), err=True)
        else:
            _show(outcome, ok_line=False)
        progress.advance()

    outcomes = api.build_all(work, settings, out_dir, jobs=jobs, on_outcome=report)
    progress.clear()
    if not quiet:
        _report_skipped(work)
    written = sum(len(o.written) for o in outcomes)
    built = sum(1 for o in outcomes if o.ok and not o.skipped)
    skipped = sum(1 for o in outcomes if o.skipped)
    failed = sum(not o.ok for o in outcomes) + work.failed
    status = 1 if failed else 0
    documents = jobs_total + work.failed
    summary = (
        f"{_count(written, 'file', 'files')} written from"
        f" {_count(documents, 'document', 'documents')}: {built} built,"
        f" {skipped} up to date, {failed} failed"
    )
    if not work.jobs and not work.failed:
        summary = (
            f"{', '.join(map(str, paths))}: no documents found (a document YAML has `template:`)"
        )
        status = 1
    if not quiet and any(p.suffix == ".pdf" for o in outcomes for p in o.written):
        _warn_if_slow()
    if not quiet or status:
        click.echo(summary, err=True)
    sys.exit(status)


def _report_skipped(work: Plan) -> None:
    """Name, once each, the YAML files in the folders built that are not documents."""
    for path in work.skipped():
        click.echo(
            f"{path}: skipped: not a document (it has no `template:` line), and no document"
            " names it",
            err=True,
        )


def _warn_if_slow() -> None:
    """Say once per run when PDFs are made the slow way."""
    from toolkit.doctor import harfbuzz_subset_advice

    advice = harfbuzz_subset_advice()
    if advice:
        click.echo(f"unionkit: warning: {advice}", err=True)


def _print_problems(exc: Exception) -> None:
    """Print a `UnionkitError`'s problems, one line each."""
    for problem in getattr(exc, "problems", []):
        click.echo(problem.format(), err=True)


def _is_terminal() -> bool:
    return sys.stderr.isatty()


class _Progress:
    """A one-line progress bar on stderr: count, rate and time left."""

    def __init__(self, total: int, *, enabled: bool) -> None:
        import time

        self.total, self.done, self.enabled = total, 0, enabled
        self.start = time.monotonic()

    def advance(self) -> None:
        import time

        self.done += 1
        if not self.enabled:
            return
        elapsed = max(time.monotonic() - self.start, 1e-6)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0
        filled = int(24 * self.done / max(self.total, 1))
        bar = "#" * filled + "-" * (24 - filled)
        click.echo(
            f"\r[{bar}] {self.done}/{self.total}  {rate:.1f}/s  {int(left) // 60}:"
            f"{int(left) % 60:02d} left",
            err=True,
            nl=False,
        )

    def clear(self) -> None:
        if self.enabled and self.done:
            click.echo("\r\033[K", err=True, nl=False)


@main.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def check(paths: tuple[Path, ...]) -> None:
    """Check documents for mistakes without building them.

    Every rule `build` applies is checked, the layout of leaflets included, so a document
    that passes here builds.
    """
    from toolkit import api

    work = api.plan(paths, Path("."))
    outcomes = []
    for job in work.jobs:
        outcome = api.check_file(job.source)
        _show(outcome, ok_line=True)
        outcomes.append(outcome)
    _report_skipped(work)
    status = 1 if any(not o.ok for o in outcomes) else 0
    if not outcomes:
        where = ", ".join(map(str, paths))
        click.echo(f"{where}: no documents found (a document YAML has `template:`)", err=True)
        status = 1
    sys.exit(status)


def _fail(exc: Exception) -> None:
    """Print a `UnionkitError`'s problems and exit 1."""
    _print_problems(exc)
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


@main.command(context_settings=CONTEXT)
@click.argument("kind", type=click.Choice(kinds.names(aliases=True)))
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
@click.argument("kind", required=False, type=click.Choice(kinds.names(aliases=True)))
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
@format_option
@out_option
def watch(paths: tuple[Path, ...], formats: tuple[str, ...], out_dir: Path) -> None:
    """Build documents, then build them again each time you save one of their files.

    Watches the documents, their campaign files, signatory files, pictures and
    local template folders. Stop with Ctrl-C.
    """
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
@click.option("-q", "--quiet", is_flag=True, help="Print only what is wrong.")
def doctor(quiet: bool) -> None:
    """Say what this machine has for making documents and what is missing.

    Exit status 0 when documents can be built (perhaps slowly: it says so), 1 when they
    cannot, with the line that installs what is missing on Debian/Ubuntu, Fedora and macOS.
    """
    from toolkit.doctor import builds_work, examine

    findings = examine()
    for finding in findings:
        if quiet and finding.ok:
            continue
        mark = "ok" if finding.ok else ("MISSING" if finding.required else "note")
        click.echo(f"{mark:>7}  {finding.what}: {finding.found}")
        for line in finding.advice:
            click.echo(f"         {line}")
    if builds_work(findings):
        if not quiet:
            click.echo("unionkit can build documents on this machine.")
        sys.exit(0)
    click.echo("unionkit cannot build PDFs on this machine: install what is MISSING above.")
    sys.exit(1)


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
            _print_problems(exc)
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
