"""Every command answers -h and --help; the CLI starts without loading the renderers."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import click
import pytest

from tests.conftest import Run
from toolkit.cli import main


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found += _commands(command, (*prefix, name))
        else:
            found.append((*prefix, name))
    return found


@pytest.mark.parametrize("command", _commands(main), ids=lambda c: " ".join(c) or "unionkit")
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_every_command_answers_help(
    cli: Callable[..., Run], command: tuple[str, ...], flag: str
) -> None:
    run = cli(*command, flag)
    assert run.exit_code == 0
    assert run.stdout.startswith("Usage: ")
    assert "-h, --help" in run.stdout


def test_version(cli: Callable[..., Run]) -> None:
    run = cli("--version")
    assert run.exit_code == 0 and run.stdout.startswith("unionkit, version ")


def test_templates_lists_the_built_in_resolution(cli: Callable[..., Run]) -> None:
    run = cli("templates")
    assert run.exit_code == 0
    line = next(line for line in run.stdout.splitlines() if line.startswith("resolution"))
    assert "model resolution" in line.lower()


def test_help_and_check_of_a_motion_never_import_the_renderers(tmp_path: object) -> None:
    # A leaflet's check lays its page out (with WeasyPrint); nothing else needs a renderer.
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from toolkit.cli import main\n"
        "CliRunner().invoke(main, ['-h'])\n"
        "CliRunner().invoke(main, ['templates'])\n"
        "CliRunner().invoke(main, ['check', 'examples/zhanaozen/model-resolution.yaml'])\n"
        "heavy = [m for m in ('weasyprint', 'docxtpl', 'docx') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_bad_usage_exits_2(cli: Callable[..., Run]) -> None:
    assert cli("build").exit_code == 2
    assert cli("build", "x.yaml", "-f", "rtf").exit_code == 2
    assert cli("frobnicate").exit_code == 2
