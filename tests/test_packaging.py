"""The wheel ships the built-in templates, so a plain `pip install` can build every example."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_wheel_contains_package_and_templates(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("unionkit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "toolkit/cli.py",
        "toolkit/render/pdf.py",
        "toolkit/_templates/resolution/manifest.yaml",
        "toolkit/_templates/resolution/document.html.j2",
        "toolkit/_templates/resolution/style.css",
        "toolkit/_templates/resolution/document.docx",
    ):
        assert name in names, name
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "unionkit = toolkit.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()
