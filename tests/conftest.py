"""Shared helpers: run the CLI, write YAML into tmp_path, read text out of PDF and DOCX."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from toolkit.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# Every example document (YAML files with a `template:` line).
EXAMPLE_DOCUMENTS = sorted(
    p for p in EXAMPLES.rglob("*.yaml") if "template:" in p.read_text(encoding="utf-8")
)
# The build date of the examples built once for the session (12 December 2013).
SOURCE_DATE = "1386806400"


# The modules that take longest on two cores, longest first. The test processes take whole
# modules (`--dist loadscope`) in this order, then the rest, largest first, so that no long
# module starts last while the other process has nothing left to do.
LONGEST_FIRST = (
    "hostile/test_corpus.py",
    "test_motions.py",
    "test_print.py",
    "test_pipeline.py",
    "test_browser.py",
    "test_signing_browser.py",
    "test_signing.py",
    "test_batch.py",
    "test_site.py",
    "test_build.py",
    "test_web.py",
    "test_letters.py",
    "test_authoring.py",
    "test_leaflets.py",
    "test_clients.py",
)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: a test process per core and one more, since the suite spends a part of its
    time waiting on browsers, LibreOffice and servers that the extra process fills (on two
    cores, 86 s against 89-91 s with two processes)."""
    import os

    return (os.cpu_count() or 1) + 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    from collections import Counter

    module = {item: item.path.relative_to(ROOT / "tests").as_posix() for item in items}
    tests = Counter(module.values())

    def order(item: pytest.Item) -> tuple[int, int]:
        name = module[item]
        if name in LONGEST_FIRST:
            return (LONGEST_FIRST.index(name), 0)
        return (len(LONGEST_FIRST), -tests[name])

    items.sort(key=order)


@dataclass
class Run:
    """What one CLI invocation did."""

    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None


def run_cli(*args: str | Path) -> Run:
    """Run `unionkit ARGS` in-process; stdout and stderr kept apart."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    exception = result.exception if not isinstance(result.exception, SystemExit) else None
    return Run(result.exit_code, result.stdout, result.stderr, exception)


@pytest.fixture
def cli() -> Callable[..., Run]:
    return run_cli


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a dedented text file under tmp_path and return its path."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def example_campaign(tmp_path: Path) -> Path:
    """A copy of the Zhanaozen example folder, safe to change."""
    target = tmp_path / "zhanaozen"
    shutil.copytree(EXAMPLES / "zhanaozen", target)
    return target


MINIMAL = """
template: resolution
title: Solidarity with the oil workers
branch:
  name: Offshore Energy Branch
  union: RMT
  meeting_date: 2013-12-10
notes:
  - The strike lasted seven months.
resolves:
  - To write to the embassy.
"""


def document_lines(stderr: str) -> str:
    """What a run said about its documents, without the machine's own notes (such as the
    once-a-run warning that PDFs are slow without libharfbuzz-subset)."""
    return "\n".join(line for line in stderr.splitlines() if not line.startswith("unionkit:"))


def outputs(folder: Path) -> list[str]:
    """The names of the files unionkit wrote in `folder` (not its hidden build record)."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def pdf_text(path: Path, *, layout: bool = False) -> str:
    """All text on all pages of a PDF, as pypdf extracts it (layout mode keeps list numbers)."""
    from pypdf import PdfReader

    mode = "layout" if layout else "plain"
    pages = PdfReader(path).pages
    return "\n".join(page.extract_text(extraction_mode=mode) or "" for page in pages)


def docx_text(path: Path) -> str:
    """All text of a DOCX: body paragraphs, tables, headers and footers."""
    import docx

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        for story in (section.header, section.footer, section.first_page_footer):
            if story.is_linked_to_previous:
                continue
            parts.extend(p.text for p in story.paragraphs)
            for table in story.tables:
                for row in table.rows:
                    parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def squash(text: str) -> str:
    """Whitespace collapsed and soft hyphens dropped, so line breaks do not split words."""
    text = text.replace("\u00ad", "").replace("-\n", "").replace("\u2010\n", "")
    return " ".join(text.split())


@pytest.fixture(scope="session", autouse=True)
def warm_renderers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Render a short document of each built-in template in this test process, once, and
    keep the worker processes that builds start for the next build (`toolkit.workers.kept`,
    as `unionkit watch` does): the workers are forked from this process with the templates
    compiled and the fonts loaded, and then serve every test's builds, as a long batch's
    worker serves its documents (without this, every build would pay a cold start)."""
    from toolkit import api
    from toolkit.build import warm_renderers as load
    from toolkit.workers import kept

    load()
    folder = tmp_path_factory.mktemp("warm")
    for name in ("campaign.yaml", "logo.png"):
        shutil.copy(EXAMPLES / "zhanaozen" / name, folder / name)
    starter = ROOT / "toolkit" / "starter_files" / "letter.yaml"
    (folder / "letter.yaml").write_text(starter.read_text(encoding="utf-8"), encoding="utf-8")
    documents = {
        "motion.yaml": MINIMAL + "campaign: campaign.yaml\n",
        "sheet.yaml": "template: sign-on-sheet\ncampaign: campaign.yaml\nletter: letter.yaml\n"
        "rows: 5\npages: 1\n",
    }
    for name, text in documents.items():
        (folder / name).write_text(text, encoding="utf-8")
    # The flyer as it is: it warms the pictures' code too.
    flyer = EXAMPLES / "zhanaozen" / "film-flyer.yaml"
    for source in (folder / "motion.yaml", folder / "letter.yaml", folder / "sheet.yaml", flyer):
        checked = api.check(api.load(source))
        for fmt in ("pdf", "docx"):
            api.render(checked, fmt)
    with kept():
        yield


@pytest.fixture
def layouts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry for every layout WeasyPrint makes in this process during the test (builds
    run here through `toolkit.api`, not in worker processes)."""
    import toolkit.render.pdf

    made: list[int] = []
    lay_out = toolkit.render.pdf.lay_out

    def counted(*args: Any) -> Any:
        made.append(1)
        return lay_out(*args)

    monkeypatch.setattr(toolkit.render.pdf, "lay_out", counted)
    return made


@pytest.fixture
def fresh_workers() -> Iterator[None]:
    """Each build of the test in worker processes of its own, forked when it starts, as a
    command run alone has them (they see what the test changed in this process)."""
    from toolkit.workers import kept

    with kept(False):
        yield


@pytest.fixture(scope="session")
def example_outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every example built once for the whole test run (dated by `SOURCE_DATE`), for the tests
    that read the examples' files rather than test the building of them. The test processes
    share it: the first to need it builds it, the others wait for that and read it."""
    import fcntl
    import os

    # The test processes of one run share their base folder's parent; a run without them
    # has only its own (whose parent every run shares).
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "examples-once"
    shared.mkdir(parents=True, exist_ok=True)
    out = shared / "out"
    with (shared / "lock").open("w") as lock:
        # A POSIX lock belongs to this process alone: the worker processes forked while it
        # is held (and kept for later builds) do not hold it with their copy of the file.
        fcntl.lockf(lock, fcntl.LOCK_EX)
        if not (shared / "done").exists():
            before = os.environ.get("SOURCE_DATE_EPOCH")
            os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE
            try:
                run = run_cli("build", EXAMPLES, "-o", out, "-j", "1")
            finally:
                if before is None:
                    os.environ.pop("SOURCE_DATE_EPOCH", None)
                else:
                    os.environ["SOURCE_DATE_EPOCH"] = before
            assert run.exit_code == 0, run.stderr
            (shared / "done").write_text("built")
    return out


def example_output(out: Path, source: Path, suffix: str) -> Path:
    """Where `example_outputs` put an example's PDF or DOCX."""
    return out / source.relative_to(EXAMPLES).with_suffix(suffix)
