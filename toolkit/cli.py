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
    from toolkit.consent import Policy
    from toolkit.dates import Order
    from toolkit.signatories import Signatory

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


def _column(
    ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    """`FIELD=Header` pairs, the header as written (quotes around it are the shell's)."""
    pairs = []
    for value in values:
        name, sep, header = value.partition("=")
        if not sep or not name.strip() or not header.strip():
            raise click.BadParameter(
                f'{value!r}: write FIELD="Header", e.g. name="Your full name"',
                param_hint="--column",
            )
        pairs.append((name.strip(), header.strip()))
    return tuple(pairs)


column_option = click.option(
    "--column",
    "columns",
    multiple=True,
    metavar='FIELD="Header"',
    callback=_column,
    help="Which column holds a field, by its header, when the guess is wrong (repeat for"
    " more): wins over recognising the headers.",
)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


# A document with thousands of mistakes is one mistake repeated: the first ones say it.
MAX_PROBLEMS_SHOWN = 50


def _show(outcome: Outcome, *, ok_line: bool, quiet: bool = False) -> None:
    """Print what happened to one document: files to stdout, the rest to stderr."""
    if not quiet:
        for path in outcome.written:
            click.echo(str(path))
        if ok_line and outcome.ok:
            click.echo(f"{outcome.source}: ok ({outcome.summary})")
        elif outcome.ok and outcome.summary:
            click.echo(f"{outcome.source}: {outcome.summary}", err=True)
    said = [*(() if quiet else outcome.warnings), *outcome.problems]
    for problem in said[:MAX_PROBLEMS_SHOWN]:
        click.echo(problem.format(), err=True)
    if len(said) > MAX_PROBLEMS_SHOWN:
        click.echo(
            f"{outcome.source}: {len(said) - MAX_PROBLEMS_SHOWN:,} more problems not shown;"
            " fix those above first",
            err=True,
        )


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
@column_option
@click.option(
    "--day-first/--month-first",
    "day_first",
    default=None,
    help="With --data: read dates such as 01/06/2024 day first (1 June) or month first"
    " (January 6). Default: what the column's own dates show, else day first.",
)
@click.option(
    "--clean",
    is_flag=True,
    help="With --data: delete the files an earlier build wrote for rows no longer in the"
    " table (only files unionkit's build record says it wrote).",
)
@click.option("--force", is_flag=True, help="Build everything, even what is up to date.")
@click.option(
    "--amended",
    is_flag=True,
    help="Amendments: also write the motion as amended, its changes marked"
    " (NAME-amended.pdf, and NAME-amended.docx with Word tracked changes).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but problems.")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Say more: how signatory files were read, and with --data a line for every row.",
)
def build(
    paths: tuple[Path, ...],
    formats: tuple[str, ...],
    out_dir: Path,
    per_sheet: int | None,
    pdf_variant: str | None,
    data_table: Path | None,
    name_by: str | None,
    jobs: int | None,
    columns: tuple[tuple[str, str], ...],
    day_first: bool | None,
    clean: bool,
    force: bool,
    amended: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build documents (YAML files, or folders of them) into PDF and DOCX.

    Prints each file written. Problems are reported as FILE:LINE: field: message;
    a document that fails never stops the others. Outputs whose inputs have not
    changed since they were built are skipped (--force builds them anyway).
    """
    from toolkit import api

    chosen = tuple(f for f in FORMATS if f in formats) if formats else FORMATS
    if out_dir.is_symlink():
        raise click.BadParameter(
            f"{out_dir} is a link to another folder: unionkit does not write through links;"
            " give the real folder",
            param_hint="-o",
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.BadParameter(
            f"cannot make the folder: {exc.strerror}", param_hint="-o"
        ) from None
    if data_table is None and (columns or day_first is not None or clean):
        raise click.UsageError("--column, --day-first, --month-first and --clean need --data")
    order: Order | None = None
    if day_first is not None:
        order = "day-first" if day_first else "month-first"
    try:
        work = api.plan(
            paths,
            out_dir,
            data=data_table,
            name_by=name_by,
            columns=dict(columns),
            date_order=order,
        )
    except api.UsageError as exc:
        problem = exc.problems[0]
        raise click.BadParameter(problem.message, param_hint=problem.field) from None
    batch = data_table is not None and not verbose
    if not quiet:
        for note in work.notes:
            click.echo(note, err=True)
    for problem in work.problems:
        if not (quiet and problem.warning):
            click.echo(problem.format(), err=True)
    overrides = (("per_sheet", str(per_sheet)),) if per_sheet is not None else ()
    variants = ("amended",) if amended else ()
    settings = api.Settings(chosen, overrides, pdf_variant, force, variants)
    jobs_total = len(work.jobs)
    progress = _Progress(jobs_total, enabled=not quiet and jobs_total > 1 and _is_terminal())

    def report(outcome: Outcome) -> None:
        progress.clear()
        if batch:
            # A batch says its problems once, with the rows they affect, at the end.
            for path in outcome.written if not quiet else ():
                click.echo(str(path))
        else:
            for note in outcome.notes if verbose and not quiet else ():
                click.echo(note, err=True)
            _show(outcome, ok_line=False, quiet=quiet)
        progress.advance()

    outcomes = api.build_all(work, settings, out_dir, jobs=jobs, on_outcome=report)
    progress.clear()
    if batch:
        grouped, lines = api.batch_report(work, outcomes)
        for problem in grouped:
            if not (quiet and problem.warning):
                click.echo(problem.format(), err=True)
        if not quiet:
            for line in lines:
                click.echo(line, err=True)
    elif work.row_problems:
        for _, problem in work.row_problems:
            click.echo(problem.format(), err=True)
    _report_leftovers(work, out_dir, clean=clean, quiet=quiet)
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


def _report_leftovers(work: Plan, out_dir: Path, *, clean: bool, quiet: bool) -> None:
    """Say which files were left by rows no longer in the table; with --clean, delete them."""
    from toolkit import api

    if clean:
        for path in api.remove_leftovers(work, out_dir):
            if not quiet:
                click.echo(f"{path}: removed: its row is no longer in {work.data}", err=True)
    for path in work.leftovers:
        click.echo(
            f"{path}: warning: left over from a row no longer in {work.data}: delete it, or"
            " build again with --clean",
            err=True,
        )


def _report_skipped(work: Plan) -> None:
    """Name, once each, the YAML files in the folders built that are not documents, and
    those that are links to files elsewhere."""
    for path in work.outside:
        click.echo(
            f"{path}: skipped: a link to a file outside the folder being built; copy the file"
            " here if it belongs to this campaign",
            err=True,
        )
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

    try:
        work = api.plan(paths, Path("."))
    except api.UsageError as exc:
        raise click.BadParameter(exc.problems[0].message, param_hint="PATHS") from None
    outcomes = []
    for outcome in api.check_all(work):
        for note in outcome.notes:
            click.echo(note, err=True)
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
    from toolkit.templates import available_templates, listing

    try:
        for entry in available_templates(Path.cwd()):
            kind, description = listing(entry.folder)
            click.echo(f"{entry.name:<16} {kind:<14} {entry.source:<20} {description}")
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
    except OSError as exc:
        click.echo(f"{destination}: cannot copy there: {exc.strerror}", err=True)
        sys.exit(1)
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
    if written is not None:
        click.echo(str(written))
    # A page drawn for a document that does not build (it overflows) still fails.
    if written is None or outcome.problems:
        sys.exit(1)


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

    from toolkit.errors import UsageError

    # Ctrl-C is how a person stops watching: not an error, and no traceback.
    with contextlib.suppress(KeyboardInterrupt):
        try:
            watch_and_build(
                list(paths), out_dir, chosen, report, lambda text: click.echo(text, err=True)
            )
        except UsageError as exc:
            raise click.BadParameter(exc.problems[0].message, param_hint="PATHS") from None
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
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the printable list to this CSV (UTF-8, safe to open in a spreadsheet): only"
    " people who may be published, as they will print. Never one of the files read.",
)
@click.option(
    "--from-db",
    "database",
    metavar="DATABASE",
    default=None,
    help="Also read the signatures collected on the campaign's site: the campaign folder"
    " (its unionkit.sqlite3), or postgresql://USER@HOST/NAME.",
)
@click.option(
    "--letter",
    metavar="NAME",
    default=None,
    help="With --from-db: the letter's file name without .yaml (needed when several letters"
    " collect signatures).",
)
@column_option
@click.option(
    "--consent",
    type=click.Choice(["required", "assumed"]),
    default=None,
    help="What a blank answer to the consent question means: required (not printed; the"
    " default when a file has a consent column) or assumed (a list signed under a printed"
    " notice).",
)
@click.option(
    "--surname-first",
    is_flag=True,
    help="Names are written surname first (Соколов Кирилл), for sorting.",
)
def signatories(
    files: tuple[Path, ...],
    out_file: Path | None,
    database: str | None,
    letter: str | None,
    columns: tuple[tuple[str, str], ...],
    consent: str | None,
    surname_first: bool,
) -> None:
    """Read signatory files (CSV, TSV or YAML), merge duplicates, apply consent and report.

    Several files are read in order, as one list: a web form export plus typed-up
    sign-on sheets, say, and with --from-db the signatures collected on the campaign's
    site that may be published (approved, where the letter needs approval). Emails
    match case-insensitively; without an email, the same name and organisation mean
    the same person. Says which column became which field, and how many were held
    back (never who).
    """
    from toolkit.output import write_atomically
    from toolkit.signatories import (
        merge_files,
        merge_lines,
        read_many,
        report_lines,
        to_csv,
        total_text,
    )

    if out_file is not None:
        inputs = {path.resolve() for path in files}
        if out_file.resolve() in inputs:
            raise click.BadParameter(
                f"{out_file} is one of the files read: write the cleaned list to a new file"
                " (the export keeps the answers and times the cleaned list leaves out)",
                param_hint="-o",
            )
    policy: Policy | None = None
    if consent is not None:
        policy = "required" if consent == "required" else "assumed"
    if not files and database is None:
        raise click.UsageError("give signatory files, or --from-db DATABASE, or both")
    if letter is not None and database is None:
        raise click.BadParameter("only with --from-db", param_hint="--letter")
    read, problems = read_many(files, dict(columns), consent=policy, surname_first=surname_first)
    collected: list[Signatory] = []
    said: list[str] = []
    if database is not None:
        from toolkit.database.collected import from_database
        from toolkit.errors import UnionkitError

        try:
            collected, said = from_database(
                database, letter, first=sum(len(r.people) for r in read)
            )
        except UnionkitError as exc:
            _fail(exc)
    for problem in problems:
        click.echo(problem.format(), err=True)
    report = merge_files(read, (), collected)
    report.sources = said
    for warning in report.warnings:
        click.echo(warning.format(), err=True)
    for line in report_lines(report):
        click.echo(line)
    for line in merge_lines(report):
        click.echo(line)
    click.echo(total_text(report))
    failed = bool(problems)
    if out_file is not None and failed:
        click.echo(f"{out_file}: not written, since a file could not be read", err=True)
    elif out_file is not None:
        try:
            write_atomically(out_file, to_csv(report.kept))
        except OSError as exc:
            click.echo(f"{out_file}: cannot write: {exc.strerror}", err=True)
            sys.exit(1)
        printed = len(report.publication.printed)
        held = report.publication.held_text()
        click.echo(
            f"{out_file}: {printed} {'signatory' if printed == 1 else 'signatories'} written"
            + (f"; {held}, not written" if held else "")
        )
    sys.exit(1 if failed else 0)


@main.command(context_settings=CONTEXT)
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("public"),
    show_default=True,
    help="Folder to write the site into (upload it, or copy it to a USB stick).",
)
@click.option(
    "--cache",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to keep the builds between runs (default: your cache folder, never the"
    " published one).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but problems.")
@click.option("-v", "--verbose", is_flag=True, help="Also print the documents' warnings.")
def site(folder: Path, out_dir: Path, cache: Path | None, quiet: bool, verbose: bool) -> None:
    """Write the campaign's web site from FOLDER: a page per language with every document to
    download (PDF and DOCX, first-page pictures, leaflets for an office printer and a print
    shop), plain HTML and CSS that any web host, a USB stick or a union's own site can carry.

    Only documents that changed are built again.
    """
    from toolkit.errors import UnionkitError
    from toolkit.site import build_site

    if out_dir.is_symlink():
        raise click.BadParameter(
            f"{out_dir} is a link to another folder: give the real folder", param_hint="-o"
        )
    try:
        catalogue = build_site(folder, out_dir, cache=cache)
    except UnionkitError as exc:
        _fail(exc)
    for problem in catalogue.problems:
        click.echo(problem.format(), err=True)
    if verbose:
        for warning in catalogue.warnings:
            click.echo(warning.format(), err=True)
    pages = len(catalogue.languages)
    failed = len({str(p.file) for p in catalogue.problems if not p.warning})
    if not quiet or failed:
        click.echo(
            f"{out_dir}: {_count(len(catalogue.entries), 'document', 'documents')} in"
            f" {_count(pages, 'language', 'languages')} ({', '.join(catalogue.languages)}):"
            f" {catalogue.built} built, {catalogue.up_to_date} up to date, {failed} failed",
            err=True,
        )
    sys.exit(1 if failed else 0)


@main.command(context_settings=CONTEXT)
@click.argument("folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1, 32),
    default=1,
    show_default=True,
    help="Server processes (each with its own render workers).",
)
@click.option(
    "--render-workers",
    type=click.IntRange(1, 16),
    default=2,
    show_default=True,
    help="Processes each server keeps ready to make visitors' copies.",
)
@click.option(
    "--render-seconds",
    type=click.FloatRange(1, 600),
    default=30.0,
    show_default=True,
    help="A visitor's copy that takes longer is stopped.",
)
@click.option(
    "--database",
    metavar="URL",
    default=None,
    help="Where the campaign keeps what branches report and the signatures its letters"
    " collect: postgresql://USER@HOST/NAME."
    " Default: unionkit.sqlite3 in FOLDER (made only when the campaign keeps something).",
)
@click.option(
    "--address",
    metavar="URL",
    default="",
    help="The site's public address (for its QR codes), e.g. https://campaign.example.org/."
    " Default: the campaign's site address, else the address each request came to.",
)
@click.option(
    "--forwarded-allow-ips",
    metavar="IPS",
    default=None,
    help="Reverse proxies whose X-Forwarded-For and -Proto to trust (comma-separated)."
    " Default: 127.0.0.1.",
)
@click.option(
    "--cache",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to keep the built site (default: your cache folder).",
)
@click.option(
    "--set-password",
    "organiser",
    metavar="[NAME]",
    is_flag=False,
    flag_value="organiser",
    default=None,
    help="Set the password of an organiser who moderates signatures (asked for twice, never"
    " shown), then stop. NAME defaults to 'organiser'.",
)
@click.option(
    "--purge-after",
    type=click.IntRange(0, 36_500),
    default=None,
    metavar="DAYS",
    help="Delete the emails of signatures (and what they do not publish) once a letter's"
    " hand-in date is DAYS days past: at start, then every hour.",
)
def serve(
    folder: Path,
    host: str,
    port: int,
    workers: int,
    render_workers: int,
    render_seconds: float,
    database: str | None,
    address: str,
    forwarded_allow_ips: str | None,
    cache: Path | None,
    organiser: str | None,
    purge_after: int | None,
) -> None:
    """Run the campaign's web app: the pages of `unionkit site`, plus a "Make it yours" form
    for every motion, which makes a branch's own PDF and DOCX (nothing it types is kept);
    when the campaign turns them on, a "tell us you passed it" form, and a sign-on page for
    every open letter with `collect: true`, moderated by organisers at /organise/.

    Listens on 127.0.0.1:8000 by default; put it behind a reverse proxy (see the README,
    "Put the campaign online") to open it to the internet.
    """
    import os

    from toolkit.database.collected import DATABASE_VARIABLE
    from toolkit.errors import UnionkitError
    from toolkit.web.server import LOAD_TEST_VARIABLE, for_load_test, prepare, run, set_password

    def say(text: str) -> None:
        click.echo(text, err=True)

    if organiser is not None:
        password = click.prompt(
            f"Password for {organiser}", hide_input=True, confirmation_prompt=True, err=True
        )
        try:
            created, where = set_password(folder, organiser, password, database=database)
        except UnionkitError as exc:
            _fail(exc)
        say(f"{where}: {'organiser' if created else 'password of'} {organiser!r} set")
        return
    if database:
        # The builds this server makes read its database where a letter says `collected`.
        from toolkit.database import engine_url

        try:
            os.environ.setdefault(DATABASE_VARIABLE, engine_url(database))
        except UnionkitError as exc:
            _fail(exc)
    try:
        config, catalogue = prepare(
            folder,
            database=database,
            cache=cache,
            address=address,
            render_workers=render_workers,
            render_seconds=render_seconds,
            purge_after=purge_after,
            say=say,
        )
    except UnionkitError as exc:
        _fail(exc)
    for problem in catalogue.problems:
        say(problem.format())
    if os.environ.get(LOAD_TEST_VARIABLE):
        try:
            config = for_load_test(config, host)
        except UnionkitError as exc:
            _fail(exc)
        say(f"{LOAD_TEST_VARIABLE} is set: no limit on signatures a minute (a load test)")
    shown = "[" + host + "]" if ":" in host else host
    say(
        f"{folder}: {_count(len(catalogue.entries), 'document', 'documents')} at"
        f" http://{shown}:{port}/ (Ctrl-C to stop)"
    )
    with contextlib.suppress(KeyboardInterrupt):
        run(config, host=host, port=port, workers=workers, forwarded=forwarded_allow_ips)
