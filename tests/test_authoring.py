"""An organiser's authoring loop: start from a starter, preview, watch, adapt a template."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml
from PIL import Image

from tests.conftest import EXAMPLES, MINIMAL, ROOT, Run, pdf_text
from toolkit import kinds

Write = Callable[[str, str], Path]


@pytest.mark.parametrize("kind", kinds.names())
def test_new_writes_a_starter_that_builds_at_once(
    cli: Callable[..., Run], tmp_path: Path, kind: str
) -> None:
    target = tmp_path / f"my-{kind}.yaml"
    run = cli("new", kind, target)
    assert run.exit_code == 0, run.stderr
    first_line = target.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == f"# yaml-language-server: $schema=.unionkit/schema/{kind}.json"
    schema = json.loads((tmp_path / ".unionkit" / "schema" / f"{kind}.json").read_text())
    jsonschema.validate(_typed_yaml(target), schema)
    run = cli("build", target, "-o", tmp_path / "out")
    assert run.exit_code == 0, run.stderr
    assert (tmp_path / "out" / f"my-{kind}.pdf").exists()
    assert (tmp_path / "out" / f"my-{kind}.docx").exists()


def test_new_never_overwrites(cli: Callable[..., Run], write: Write) -> None:
    existing = write("motion.yaml", "my careful work")
    run = cli("new", "resolution", existing)
    assert run.exit_code == 1 and "already exists" in run.stderr
    assert existing.read_text() == "my careful work"


def _typed_yaml(path: Path) -> object:
    """The file as an editor's YAML parser types it (dates become ISO strings for JSON)."""

    def plain(value: object) -> object:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items() if v is not None}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value

    return plain(yaml.safe_load(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    "source",
    sorted(p for p in EXAMPLES.rglob("*.yaml") if "template:" in p.read_text(encoding="utf-8")),
    ids=lambda p: p.stem,
)
def test_the_schema_accepts_every_example(cli: Callable[..., Run], source: Path) -> None:
    run = cli("schema")
    assert run.exit_code == 0
    jsonschema.validate(_typed_yaml(source), json.loads(run.stdout))


def test_the_schema_catches_a_typo(cli: Callable[..., Run]) -> None:
    schema = json.loads(cli("schema", "resolution").stdout)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"template": "resolution", "titel": "x", "resolves": ["y"]}, schema)


def test_preview_draws_a_page_of_the_right_size(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    source = write("motion.yaml", MINIMAL)
    target = tmp_path / "page.png"
    run = cli("preview", source, "--dpi", "50", "-o", target)
    assert run.exit_code == 0, run.stderr
    assert run.stdout.strip() == str(target)
    with Image.open(target) as picture:
        width, height = picture.size
    assert abs(width - 210 / 25.4 * 50) <= 1 and abs(height - 297 / 25.4 * 50) <= 1
    run = cli("preview", source, "--page", "9", "-o", tmp_path / "nine.png")
    assert run.exit_code == 1 and "no page 9" in run.stderr


def test_templates_copy_then_build_from_the_copy(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    run = cli("templates", "copy", "resolution", tmp_path / "letterhead")
    assert run.exit_code == 0, run.stderr
    html = tmp_path / "letterhead" / "document.html.j2"
    html.write_text(
        html.read_text().replace("<h1>{{ title }}</h1>", "<h1>OUR BRANCH: {{ title }}</h1>")
    )
    source = write("motion.yaml", MINIMAL.replace("template: resolution", "template: ./letterhead"))
    run = cli("build", source, "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 0, run.stderr
    assert "OUR BRANCH: Solidarity" in pdf_text(tmp_path / "out" / "motion.pdf")
    again = cli("templates", "copy", "resolution", tmp_path / "letterhead")
    assert again.exit_code == 1 and "not empty" in again.stderr


def test_check_reports_a_template_using_a_value_its_kind_lacks(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    assert cli("templates", "copy", "resolution", tmp_path / "mine").exit_code == 0
    html = tmp_path / "mine" / "document.html.j2"
    lines = html.read_text().splitlines()
    lines.insert(2, "{{ signatory_count }} {{ title | shout }}")
    html.write_text("\n".join(lines) + "\n")
    source = write("motion.yaml", MINIMAL.replace("template: resolution", "template: ./mine"))
    run = cli("check", source)
    assert run.exit_code == 1
    assert "document.html.j2:3: signatory_count: the template uses 'signatory_count'" in run.stderr
    assert "document.html.j2:3: shout: the template uses filter 'shout'" in run.stderr


# The pack is installed on this process's path, which workers see only when forked after it.
@pytest.mark.usefixtures("fresh_workers")
def test_an_installed_template_pack_is_listed_and_used(
    cli: Callable[..., Run], write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    site = tmp_path / "site"
    pack = site / "branchpack"
    shutil.copytree(ROOT / "templates" / "resolution", pack / "banner")
    manifest = pack / "banner" / "manifest.yaml"
    manifest.write_text(manifest.read_text().replace("name: resolution", "name: banner"))
    (pack / "__init__.py").write_text('"""A template pack."""\n')
    info = site / "branchpack-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: branchpack\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[unionkit.templates]\nbranchpack = branchpack\n")
    monkeypatch.syspath_prepend(str(site))
    run = cli("templates")
    assert run.exit_code == 0, run.stderr
    line = next(line for line in run.stdout.splitlines() if line.startswith("banner"))
    assert "package branchpack" in line
    source = write("motion.yaml", MINIMAL.replace("template: resolution", "template: banner"))
    run = cli("build", source, "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 0, run.stderr


def test_watch_builds_again_after_a_save_and_stops_cleanly(write: Write, tmp_path: Path) -> None:
    source = write("motion.yaml", MINIMAL)
    target = tmp_path / "out" / "motion.pdf"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "toolkit",
            "watch",
            str(source),
            "-o",
            str(tmp_path / "out"),
            "-f",
            "pdf",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        _wait_for(lambda: target.exists() and "Solidarity" in pdf_text(target))
        time.sleep(1.0)  # let the watcher settle before the save
        source.write_text(MINIMAL.replace("Solidarity with", "Rebuilt for"))
        _wait_for(lambda: "Rebuilt for" in pdf_text(target))
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert "building again" in stderr and "stopped watching" in stderr
    assert "Traceback" not in stderr


def _wait_for(condition: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except Exception:  # noqa: BLE001 - the file may be mid-write; try again
            pass
        time.sleep(0.2)
    raise AssertionError("timed out")
