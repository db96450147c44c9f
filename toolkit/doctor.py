"""`unionkit doctor`: what this machine has for making documents, and what is missing."""

from __future__ import annotations

import ctypes
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass, field

# WeasyPrint looks for HarfBuzz's subsetter under these names (weasyprint/text/ffi.py).
_SUBSET_NAMES = (
    "libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll",
    "libharfbuzz-subset-0", "harfbuzz-subset",
)  # fmt: skip
# Measured with `make bench`: WeasyPrint's fallback subsetter (fontTools) against hb-subset.
SLOWER_WITHOUT_SUBSET = "about four times"

INSTALL = {
    "pango": {
        "Debian/Ubuntu": "sudo apt install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0",
        "Fedora": "sudo dnf install pango harfbuzz",
        "macOS": "brew install pango",
    },
    "harfbuzz-subset": {
        "Debian/Ubuntu": "sudo apt install libharfbuzz-subset0",
        "Fedora": "sudo dnf install harfbuzz",
        "macOS": "brew install harfbuzz",
    },
    "libreoffice": {
        "Debian/Ubuntu": "sudo apt install libreoffice-writer-nogui",
        "Fedora": "sudo dnf install libreoffice-writer",
        "macOS": "brew install --cask libreoffice",
    },
    "chromium": {
        "Debian/Ubuntu": "sudo apt install chromium",
        "Fedora": "sudo dnf install chromium",
        "macOS": "brew install --cask chromium",
    },
    "cjk-fonts": {
        "Debian/Ubuntu": "sudo apt install fonts-noto-cjk",
        "Fedora": "sudo dnf install google-noto-sans-cjk-fonts",
        "macOS": "(the system's own fonts cover Chinese, Japanese and Korean)",
    },
}


def harfbuzz_subset_available() -> bool:
    """Whether the dynamic loader finds HarfBuzz's subsetter, as WeasyPrint looks for it."""
    # Names only: ctypes.util.find_library would start ldconfig and a compiler to search.
    for name in _SUBSET_NAMES:
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return False


def harfbuzz_subset_advice() -> str | None:
    """What to say when PDFs are made without HarfBuzz's subsetter (None when it is there)."""
    if harfbuzz_subset_available():
        return None
    return (
        "the HarfBuzz subsetter (libharfbuzz-subset) is missing, so PDFs take"
        f" {SLOWER_WITHOUT_SUBSET} longer to make: install it"
        f" (Debian/Ubuntu: {INSTALL['harfbuzz-subset']['Debian/Ubuntu']};"
        f" Fedora: {INSTALL['harfbuzz-subset']['Fedora']};"
        f" macOS: {INSTALL['harfbuzz-subset']['macOS']})"
    )


@dataclass
class Finding:
    """One line of the report: what was looked at, what was found, and whether builds
    need it."""

    what: str
    found: str
    ok: bool
    required: bool = False
    advice: list[str] = field(default_factory=list)


def _install_lines(key: str) -> list[str]:
    return [f"{system}: {line}" for system, line in INSTALL[key].items()]


def _version_of(command: list[str]) -> str | None:
    program = shutil.which(command[0])
    if program is None:
        return None
    try:
        result = subprocess.run(
            [program, *command[1:]], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "present, but it did not say its version"
    text = (result.stdout or result.stderr).strip().splitlines()
    return text[0] if text else "present"


def examine() -> list[Finding]:
    """Look at the machine: Python, WeasyPrint and Pango, HarfBuzz's subsetter, fonts for
    the scripts people's names are written in, LibreOffice and Chromium."""
    from toolkit import glyphs

    findings = [
        Finding(
            "Python",
            f"{platform.python_version()} ({sys.executable})",
            sys.version_info >= (3, 11),
            required=True,
            advice=[] if sys.version_info >= (3, 11) else ["unionkit needs Python 3.11 or newer"],
        )
    ]
    try:
        import weasyprint
        from weasyprint.text.ffi import pango

        number = int(pango.pango_version())
        pango_version = f"{number // 10000}.{number // 100 % 100}.{number % 100}"
        findings.append(
            Finding("WeasyPrint (PDF)", str(weasyprint.__version__), True, required=True)
        )
        findings.append(Finding("Pango (text layout)", pango_version, True, required=True))
    except (OSError, ImportError) as exc:
        detail = " ".join(str(exc).split())[:200]
        findings.append(
            Finding(
                "WeasyPrint and Pango (PDF)",
                f"cannot be loaded: {detail}",
                False,
                required=True,
                advice=["install Pango:", *_install_lines("pango")],
            )
        )
    subset = harfbuzz_subset_available()
    findings.append(
        Finding(
            "HarfBuzz subsetter",
            "present" if subset else f"missing: PDFs take {SLOWER_WITHOUT_SUBSET} longer",
            subset,
            advice=[] if subset else _install_lines("harfbuzz-subset"),
        )
    )
    findings.append(
        Finding(
            "Shipped fonts",
            f"Noto Sans and Noto Serif with {', '.join(glyphs.SHIPPED_SCRIPTS)}",
            True,
        )
    )
    missing = glyphs.scripts_without_fonts()
    findings.append(
        Finding(
            "System fonts for other scripts",
            "all found"
            if not missing
            else f"none for {', '.join(missing)}: names in them"
            " print as empty boxes (unionkit warns with the file and line)",
            not missing,
            advice=_install_lines("cjk-fonts") if missing else [],
        )
    )
    office = _version_of(["soffice", "--version"]) or _version_of(["libreoffice", "--version"])
    findings.append(
        Finding(
            "LibreOffice (DOCX checks in tests)",
            office or "not found (optional)",
            office is not None,
            advice=[] if office else _install_lines("libreoffice"),
        )
    )
    browser = None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        browser = _version_of([name, "--version"])
        if browser:
            break
    findings.append(
        Finding(
            "Chromium (browser tests of the web app)",
            browser or "not found (optional)",
            browser is not None,
            advice=[] if browser else _install_lines("chromium"),
        )
    )
    return findings


def builds_work(findings: list[Finding]) -> bool:
    """Whether documents can be built: every required part is there."""
    return all(finding.ok for finding in findings if finding.required)
