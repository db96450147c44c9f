"""One pipeline for every front end: the kind registry, the public build API, threads, folder
builds that say what they skip, the one containment rule."""

from __future__ import annotations

import ast
import os
import re
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLES, MINIMAL, ROOT, Run, docx_text, pdf_text, squash
from toolkit import api, kinds
from toolkit.formats import PDF_VARIANTS
from toolkit.paths import is_inside, is_scratch_file

Write = Callable[[str, str], Path]


# -- the registry ------------------------------------------------------------------------------
def test_every_kind_has_its_module_template_starter_and_readme_sections() -> None:
    from toolkit.reference import field_reference

    reference = field_reference()
    for kind in kinds.all_kinds():
        manifest = yaml.safe_load((ROOT / "templates" / kind.name / "manifest.yaml").read_text())
        assert manifest["kind"] == kind.name
        assert kind.starter.is_file()
        for section in kind.sections:
            assert f"#### {section.title}" in reference
    starters = {p.stem for p in kinds.get("resolution").starter.parent.glob("*.yaml")}
    assert starters == set(kinds.names())


def test_command_line_choices_and_schemas_come_from_the_registry(cli: Callable[..., Run]) -> None:
    import json

    from toolkit.cli import main

    commands = {command.name: command for command in main.commands.values()}
    for name in ("new", "schema"):
        kind_argument = next(p for p in commands[name].params if p.name == "kind")
        assert list(kind_argument.type.choices) == kinds.names(aliases=True)  # type: ignore[attr-defined]
    variant = next(p for p in commands["build"].params if p.name == "pdf_variant")
    assert tuple(variant.type.choices) == PDF_VARIANTS  # type: ignore[attr-defined]
    schema = json.loads(cli("schema").stdout)
    assert list(schema["$defs"]) == kinds.names()


def test_every_pdf_standard_offered_is_one_weasyprint_writes_and_the_model_takes(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    from weasyprint.pdf import VARIANTS

    from toolkit.kinds.leaflet import PrintOptions

    assert set(PDF_VARIANTS) <= set(VARIANTS)
    for variant in PDF_VARIANTS:
        assert PrintOptions.model_validate({"pdf_variant": variant}).pdf_variant == variant
    # The one the command line offered and the model refused before.
    run = cli("build", write("motion.yaml", MINIMAL), "-o", tmp_path, "--pdf-variant", "pdf/ua-2")
    assert run.exit_code == 0, run.stderr


def _string_lists(tree: ast.AST) -> list[tuple[int, set[str]]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.List | ast.Tuple | ast.Set | ast.Dict):
            items = node.keys if isinstance(node, ast.Dict) else node.elts
            strings = {
                i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str)
            }
            found.append((node.lineno, strings))
    return found


def test_no_list_of_kinds_is_written_by_hand_outside_the_registry() -> None:
    names = set(kinds.names())
    registry = ROOT / "toolkit" / "kinds" / "__init__.py"
    offenders = []
    for path in [*(ROOT / "toolkit").rglob("*.py"), *(ROOT / "scripts").glob("*.py")]:
        if path == registry:
            continue
        text = path.read_text(encoding="utf-8")
        for line, strings in _string_lists(ast.parse(text)):
            if len(strings & names) >= 2:
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {sorted(strings & names)}")
        # Renderers and the pipeline follow a kind's declared layout, never its name.
        for match in re.finditer(
            r"(?:\.kind|\[\"kind\"\]|get\(\"kind\"\))\s*(?:==|!=|in)\s*[\"'(]", text
        ):
            line = text[: match.start()].count("\n") + 1
            offenders.append(f"{path.relative_to(ROOT)}:{line}: tests a kind by name")
    assert not offenders, "kinds listed by hand:\n" + "\n".join(offenders)


def test_the_word_template_generator_covers_exactly_the_registry() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_docx", ROOT / "scripts" / "make_docx_templates.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in kinds.names():
        assert callable(module.builder(name))
    with pytest.raises(SystemExit, match="no Word template"):
        module.builder("pamphlet")


def test_a_manifest_must_name_a_registered_kind(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    folder = tmp_path / "tpl"
    shutil.copytree(ROOT / "templates" / "resolution", folder)
    manifest = folder / "manifest.yaml"
    manifest.write_text(manifest.read_text().replace("kind: resolution", "kind: pamphlet"))
    source = write("motion.yaml", MINIMAL.replace("template: resolution", "template: ./tpl"))
    run = cli("check", source)
    assert run.exit_code == 1
    assert re.search(r"manifest\.yaml:\d+: kind: should be one of: resolution, letter", run.stderr)


# -- the API -----------------------------------------------------------------------------------
def test_a_document_given_as_a_mapping_builds_like_its_yaml(write: Write, tmp_path: Path) -> None:
    data = yaml.safe_load(MINIMAL)
    data["branch"]["meeting_date"] = "2013-12-10"
    data["campaign"] = "campaign.yaml"
    write("campaign.yaml", "name: Justice for Kazakhstan Oil Workers\n")
    document = api.load(data, folder=tmp_path)
    checked = api.check(document)
    pdf, word = api.render(checked, "pdf"), api.render(checked, "docx")
    api.write(tmp_path / "out" / "form.pdf", pdf)
    api.write(tmp_path / "out" / "form.docx", word)
    printed = squash(pdf_text(tmp_path / "out" / "form.pdf"))
    assert "Solidarity with the oil workers" in printed
    assert "Justice for Kazakhstan Oil Workers" in printed
    assert "Offshore Energy Branch" in docx_text(tmp_path / "out" / "form.docx")


def test_a_mapping_s_problems_name_the_field_and_no_line(tmp_path: Path) -> None:
    with pytest.raises(api.UnionkitError) as caught:
        api.load(
            {"template": "resolution", "title": "", "resolves": ["x"], "branch": {"nmae": "X"}},
            folder=tmp_path,
            name="make-it-yours",
        )
    lines = [problem.format() for problem in caught.value.problems]
    assert f"{tmp_path / 'make-it-yours'}: branch.nmae: unknown field: did you mean 'name'?" in (
        " ".join(lines)
    )
    assert any(line.startswith(f"{tmp_path / 'make-it-yours'}: title: is empty") for line in lines)
    with pytest.raises(api.UnionkitError, match="should be text"):
        api.load({"template": "resolution", "title": object()}, folder=tmp_path)


def test_check_and_build_say_the_same_of_a_leaflet_that_does_not_fit(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    body = " ".join(["Every word of this body is a reason to come."] * 100)
    source = write(
        "leaflet.yaml",
        f"template: leaflet\nsize: A6\nheadline: Justice for the oil workers\nbody: {body}\n",
    )
    checked, built = cli("check", source), cli("build", source, "-o", tmp_path / "out")
    assert checked.exit_code == built.exit_code == 1
    problem = next(line for line in checked.stderr.splitlines() if "pages" in line)
    assert problem in built.stderr
    assert not (tmp_path / "out" / "leaflet.pdf").exists()


SOURCE_DATE = "1386806400"  # 12 December 2013


@pytest.fixture(scope="module")
def twenty_documents(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Twenty documents of every kind, from the examples with their names changed."""
    folder = tmp_path_factory.mktemp("twenty")
    shutil.copytree(EXAMPLES / "zhanaozen", folder, dirs_exist_ok=True)
    sources = []
    # A short motion of the campaign (a long one is laid out several times to fit its page).
    (folder / "motion.yaml").write_text(
        MINIMAL.replace("Solidarity", "Solidarity in Zhanaozen") + "campaign: campaign.yaml\n",
        encoding="utf-8",
    )
    for number in range(20):
        base = ("motion", "open-letter", "film-flyer", "sign-on-sheet")[number % 4]
        text = (folder / f"{base}.yaml").read_text(encoding="utf-8")
        text = text.replace("Zhanaozen", f"Zhanaozen {number}", 1)
        # One page of the sheet is enough to share its table code between the threads.
        text = text.replace("\npages: 2\n", "\npages: 1\n")
        source = folder / f"{base}-{number}.yaml"
        source.write_text(text, encoding="utf-8")
        sources.append(source)
    return sources


def test_twenty_documents_built_from_eight_threads_are_the_bytes_of_a_serial_build(
    twenty_documents: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE)

    def build(source: Path) -> tuple[bytes, bytes]:
        checked = api.check(api.load(source))
        return api.render(checked, "pdf"), api.render(checked, "docx")

    serial = [build(source) for source in twenty_documents]
    threads_seen: set[int] = set()

    def in_thread(source: Path) -> tuple[bytes, bytes]:
        threads_seen.add(threading.get_ident())
        return build(source)

    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(in_thread, twenty_documents))
    assert len(threads_seen) > 1
    for source, one, other in zip(twenty_documents, serial, threaded, strict=True):
        assert one[0] == other[0], f"{source.name}: the PDF differs"
        assert one[1] == other[1], f"{source.name}: the DOCX differs"


def test_a_slow_template_is_stopped_in_any_thread(
    write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setattr("toolkit.sandbox.RENDER_SECONDS", 1.0)
    folder = tmp_path / "slow"
    shutil.copytree(ROOT / "templates" / "resolution", folder)
    html = folder / "document.html.j2"
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    html.write_text(html.read_text().replace("<body>", "<body>" + loop, 1))
    source = write("motion.yaml", MINIMAL.replace("template: resolution", "template: ./slow"))

    def build() -> float:
        start = time.monotonic()
        with pytest.raises(api.UnionkitError, match="took more than 1 seconds"):
            api.render(api.check(api.load(source)), "pdf")
        return time.monotonic() - start

    with ThreadPoolExecutor(max_workers=2) as pool:
        seconds = list(pool.map(lambda _: build(), range(2)))
    assert max(seconds) < 5


# -- folder builds -----------------------------------------------------------------------------
def test_a_folder_build_names_each_yaml_it_skips_once_and_ignores_editor_files(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    write("campaign/campaign.yaml", "name: Justice for Kazakhstan Oil Workers\n")
    write("campaign/motion.yaml", MINIMAL + "campaign: campaign.yaml\n")
    write("campaign/people.yaml", "- name: Helen Marsh\n")
    write(
        "campaign/letter.yaml",
        "template: letter\nsubject: Free them\nbody: Free them now.\nsignatories: people.yaml\n",
    )
    write("campaign/notes.yaml", "todo: ask the branch secretary\n")
    for scratch in ("~$motion.yaml", ".~lock.motion.yaml#", "motion.yaml~", ".#motion.yaml"):
        write(f"campaign/{scratch}", MINIMAL.replace("Solidarity", "Scratch"))
    run = cli("build", tmp_path / "campaign", "-o", tmp_path / "out", "-f", "pdf")
    assert run.exit_code == 0, run.stderr
    skipped = [line for line in run.stderr.splitlines() if "skipped: not a document" in line]
    assert skipped == [
        f"{tmp_path / 'campaign' / 'notes.yaml'}: skipped: not a document (it has no"
        " `template:` line), and no document names it"
    ]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        ".unionkit-build.json", "letter.pdf", "motion.pdf",
    ]  # fmt: skip
    assert "Scratch" not in run.stdout + run.stderr


def test_editor_files_in_a_template_folder_do_not_make_outputs_stale(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    shutil.copytree(ROOT / "templates" / "resolution", tmp_path / "tpl")
    source = write("motion.yaml", MINIMAL.replace("template: resolution", "template: ./tpl"))
    out = tmp_path / "out"
    assert cli("build", source, "-o", out, "-f", "docx").exit_code == 0
    (tmp_path / "tpl" / "~$document.docx").write_bytes(b"Word's lock file")
    (tmp_path / "tpl" / "style.css~").write_text("backup")
    again = cli("build", source, "-o", out, "-f", "docx")
    assert "1 up to date" in again.stderr, again.stderr


@pytest.mark.parametrize(
    ("name", "scratch"),
    [("~$motion.docx", True), (".~lock.motion.docx#", True), ("motion.yaml~", True),
     (".#motion.yaml", True), ("motion.yaml", False), ("notes~draft.yaml", False)],
)  # fmt: skip
def test_scratch_file_names(name: str, scratch: bool) -> None:
    assert is_scratch_file(name) is scratch


# -- the one containment rule ------------------------------------------------------------------
def test_containment_holds_against_every_trick(tmp_path: Path) -> None:
    root = tmp_path / "campaign"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "ok.yaml").write_text("x")
    outside = tmp_path / "campaign-private"  # shares the folder name as a prefix
    outside.mkdir()
    (outside / "secret.txt").write_text("x")
    (root / "link-out").symlink_to(outside / "secret.txt")
    (root / "folder-out").symlink_to(outside)
    (root / "chain").symlink_to(root / "link-out")
    (root / "link-in").symlink_to(root / "sub" / "ok.yaml")
    (root / "loop-a").symlink_to(root / "loop-b")
    (root / "loop-b").symlink_to(root / "loop-a")
    (root / "dangling").symlink_to(tmp_path / "nowhere")
    alias = tmp_path / "alias"
    alias.symlink_to(root)

    assert is_inside(root / "sub" / "ok.yaml", root)
    assert is_inside(root, root)
    assert is_inside(root / "link-in", root)
    assert is_inside(alias / "sub" / "ok.yaml", root), "the folder itself may be named by a link"
    assert is_inside(root / "sub" / "ok.yaml", alias)
    assert is_inside(root / "not-yet-written.pdf", root)
    for escape in (
        outside / "secret.txt",
        root / ".." / "campaign-private" / "secret.txt",
        root / "sub" / ".." / ".." / "campaign-private" / "secret.txt",
        root / "link-out",
        root / "chain",
        root / "folder-out" / "secret.txt",
        root / "dangling",
        Path("/etc/passwd"),
        root / "loop-a",
    ):
        assert not is_inside(escape, root), escape


def test_only_one_function_decides_containment() -> None:
    offenders = []
    for path in (ROOT / "toolkit").rglob("*.py"):
        if path.name == "paths.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "is_relative_to(" in line and "resolve" in line:
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "containment decided outside toolkit.paths:\n" + "\n".join(offenders)


def test_a_huge_list_index_in_a_data_column_is_refused_before_anything_is_made(
    cli: Callable[..., Run], write: Write, tmp_path: Path
) -> None:
    import resource
    import subprocess
    import sys

    source = write("motion.yaml", MINIMAL)
    table = write("rows.csv", "branch.name,resolves.300000000\nBranch,Give everything\n")

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    result = subprocess.run(
        [sys.executable, "-m", "toolkit", "build", str(source), "--data", str(table),
         "-o", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=60, preexec_fn=cap, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    assert re.search(r"rows\.csv:1: resolves\.300000000: .*at most 100", result.stderr)


# -- the machine -------------------------------------------------------------------------------
def test_doctor_says_what_the_machine_has(cli: Callable[..., Run]) -> None:
    run = cli("doctor")
    assert run.exit_code == 0, run.stdout
    for what in ("Python", "WeasyPrint", "Pango", "HarfBuzz subsetter", "Shipped fonts"):
        assert what in run.stdout


def _environment(**extra: str) -> dict[str, str]:
    return {**os.environ, **extra}


def test_doctor_gives_the_install_line_when_a_library_is_missing(tmp_path: Path) -> None:
    import subprocess
    import sys

    hidden = tmp_path / "hidden"
    hidden.mkdir()

    def doctor_without(library: str) -> subprocess.CompletedProcess[str]:
        # An empty file of the library's name first on the search path hides the real one.
        (hidden / library).write_bytes(b"")
        return subprocess.run(
            [sys.executable, "-m", "toolkit", "doctor"],
            capture_output=True, text=True, env=_environment(LD_LIBRARY_PATH=str(hidden)),
        )  # fmt: skip

    slow = doctor_without("libharfbuzz-subset.so.0")
    assert slow.returncode == 0, slow.stdout + slow.stderr
    assert "HarfBuzz subsetter: missing" in slow.stdout
    assert "sudo apt install libharfbuzz-subset0" in slow.stdout
    broken = doctor_without("libpango-1.0.so.0")
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "MISSING  WeasyPrint and Pango" in broken.stdout
    for line in ("sudo apt install libpango-1.0-0", "sudo dnf install pango", "brew install pango"):
        assert line in broken.stdout
    assert "Traceback" not in broken.stdout + broken.stderr


NAMES = {
    "Latin": "Jane Roe",
    "Cyrillic": "Иван Петров",
    "Greek": "Νίκος Παπαδόπουλος",
    "Arabic": "فاطمة الزهراء",
    "Hebrew": "דוד כהן",
    "Devanagari": "अनीता शर्मा",
    "Georgian": "ნინო ბერიძე",
    "Armenian": "Արամ Սարգսյան",
}


def test_names_in_eight_scripts_print_on_a_machine_without_fonts_and_others_are_warned(
    write: Write, tmp_path: Path
) -> None:
    import subprocess
    import sys

    from pypdf import PdfReader

    config = write(
        "fonts.conf",
        f'<?xml version="1.0"?>\n<fontconfig><cachedir>{tmp_path}/cache</cachedir></fontconfig>\n',
    )
    people = "".join(f"  - name: {name}\n" for name in [*NAMES.values(), "王小明"])
    source = write(
        "letter.yaml",
        "template: letter\nsubject: Solidarity in every script\nbody: Free them.\n"
        f"signatories:\n{people}",
    )
    result = subprocess.run(
        [sys.executable, "-m", "toolkit", "build", str(source), "-o", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=ROOT,
        env=_environment(FONTCONFIG_FILE=str(config)),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    warnings = [
        line
        for line in result.stderr.splitlines()
        if ": warning:" in line and not line.startswith("unionkit: ")
    ]
    assert warnings == [
        f"{source}:13: name: warning: no font on this machine draws '王小明' (Chinese): they"
        " print as empty boxes; install a font for them (`unionkit doctor` says which)"
    ]
    import pypdfium2

    reader = PdfReader(tmp_path / "out" / "letter.pdf")
    # pdfium reads the one-byte encodings WeasyPrint gives fonts with few glyphs (pypdf not).
    pdf = pypdfium2.PdfDocument(tmp_path / "out" / "letter.pdf")
    text = "".join(page.get_textpage().get_text_range() for page in pdf)
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    for script, name in NAMES.items():
        if script in ("Arabic", "Hebrew", "Devanagari"):
            # Shaped scripts come back from a PDF's glyphs only letter by letter (ligatures,
            # right-to-left runs in visual order): every letter must be there.
            assert set(name) - {" "} <= set(text), script
        else:
            assert name in text, script
    for family in ("Arabic", "Hebrew", "Devanagari", "Georgian", "Armenian"):
        assert any(f"Noto-Sans-{family}" in font for font in fonts), family


def test_a_process_that_rendered_in_process_exits_cleanly() -> None:
    import subprocess
    import sys

    # Pango objects freed during interpreter shutdown once crashed the process (exit 139).
    code = (
        "from pathlib import Path\n"
        "from toolkit import api\n"
        "checked = api.check(api.load(Path('examples/zhanaozen/film-flyer.yaml')))\n"
        "api.render(checked, 'pdf'); api.render(checked, 'docx')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True)
    assert result.returncode == 0, result.stderr.decode()


def _worker_pid() -> tuple[int, str, str]:
    return os.getpid(), os.getcwd(), os.environ.get("UNIONKIT_TEST_MARK", "")


def test_kept_workers_serve_the_next_command_with_its_own_environment_and_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from toolkit.workers import Workers, kept

    seen = []
    with kept():
        for number in range(3):
            folder = tmp_path / str(number)
            folder.mkdir()
            monkeypatch.chdir(folder)
            monkeypatch.setenv("UNIONKIT_TEST_MARK", f"command {number}")
            with Workers(1, 30, share=True) as pool:
                seen.append(next(pool.run(_worker_pid, [()])))
        pids = {pid for pid, _, _ in seen}
        assert len(pids) == 1 and os.getpid() not in pids
        (worker,) = pids
    assert [(Path(where).name, mark) for _, where, mark in seen] == [
        ("0", "command 0"), ("1", "command 1"), ("2", "command 2"),
    ]  # fmt: skip
    # Stopped when the block ends; outside it, a pool starts its own.
    assert _ends(worker)
    with Workers(1, 30, share=True) as pool:
        assert next(pool.run(_worker_pid, [()]))[0] != worker


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"  # a zombie has ended
    except (ProcessLookupError, FileNotFoundError):
        return False


def _ends(pid: int, seconds: float = 10) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while _running(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see other processes")
def test_the_workers_of_a_command_that_was_killed_end_with_it() -> None:
    import signal
    import subprocess
    import sys

    # A command that keeps two workers (as `unionkit watch` does) and is then killed.
    code = (
        "import os, sys\n"
        "from toolkit.workers import Workers, kept\n"
        "def pid():\n"
        "    return os.getpid()\n"
        "with kept():\n"
        "    with Workers(2, 30, share=True) as pool:\n"
        "        print(*set(pool.run(pid, [(), ()])), flush=True)\n"
        "    sys.stdin.read()\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    ) as process:
        assert process.stdout is not None
        workers = [int(pid) for pid in process.stdout.readline().split()]
        assert len(workers) == 2 and all(_running(pid) for pid in workers)
        process.send_signal(signal.SIGKILL)
    assert all(_ends(pid) for pid in workers)


def _imported(module: str) -> bool:
    import sys

    return module in sys.modules


def test_workers_from_a_fork_server_start_with_the_renderers_imported() -> None:
    from toolkit.workers import Workers

    # A process running other threads (a web server) cannot fork itself safely: its workers
    # come from a fork server, which has imported the renderers once for all of them.
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        with Workers(1, 60) as pool:
            assert pool.method == "forkserver"
            imported = next(pool.run(_imported, [("weasyprint",)]))
    finally:
        stop.set()
        thread.join()
    assert imported is True


PDFIUM_FROM_THREADS = """
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from toolkit.preview import first_page_picture
from toolkit.safety import pdf_findings
pdfs = [path.read_bytes() for path in sorted(Path(sys.argv[1]).rglob("*.pdf"))][:6]
def check(number):
    data = pdfs[number % len(pdfs)]
    for _ in range(6):
        assert pdf_findings(data) == [], "a sound PDF was said to hold something"
        first_page_picture(data, 120)
with ThreadPoolExecutor(8) as pool:
    list(pool.map(check, range(16)))
print("ok")
"""


def test_pdfium_is_used_by_one_thread_at_a_time(example_outputs: Path) -> None:
    import subprocess
    import sys

    # PDFium called from two threads at once returns wrong answers or crashes the process:
    # the checks of written PDFs and the pictures of their pages take turns. In a process of
    # its own, so that a crash fails this test rather than ending the test run.
    run = subprocess.run(
        [sys.executable, "-c", PDFIUM_FROM_THREADS, str(example_outputs)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (run.returncode, run.stdout.strip()) == (0, "ok"), run.stderr[-2000:]
