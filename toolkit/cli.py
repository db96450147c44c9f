"""The `unionkit` command line: parse options, call the core, print what happened."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from toolkit import __version__

if TYPE_CHECKING:
    from toolkit.build import Outcome

CONTEXT = {"help_option_names": ["-h", "--help"]}


def _show(outcome: Outcome, *, ok_line: bool) -> None:
    """Print what happened to one document: files to stdout, the rest to stderr."""
    for path in outcome.written:
        click.echo(str(path))
    if ok_line and outcome.ok:
        click.echo(f"{outcome.source}: ok ({outcome.summary})")
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
def build(paths: tuple[Path, ...], formats: tuple[str, ...], out_dir: Path) -> None:
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
        outcome = build_one(job, chosen)
        _show(outcome, ok_line=False)
        outcomes.append(outcome)
    status = 1 if any(not o.ok for o in outcomes) else 0
    written = sum(len(o.written) for o in outcomes)
    failed = sum(not o.ok for o in outcomes)
    summary = f"{written} file{'s' if written != 1 else ''} written from {len(jobs)} document"
    summary += "s" if len(jobs) != 1 else ""
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


@main.command(context_settings=CONTEXT)
def templates() -> None:
    """List the built-in templates, one line each."""
    from toolkit.errors import UnionkitError
    from toolkit.templates import builtin_folder, builtin_names, read_template

    try:
        for name in builtin_names():
            template = read_template(builtin_folder() / name, builtin=True)
            manifest = template.manifest
            click.echo(f"{manifest.name:<14} {manifest.kind:<12} {manifest.description}")
    except UnionkitError as exc:
        for problem in exc.problems:
            click.echo(problem.format(), err=True)
        sys.exit(1)
