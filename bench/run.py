"""`make bench`: mail-merge speed and memory as ratios measured in one run on this machine.

Every figure is a ratio of two timings (or memory peaks) taken here, now, so the numbers
compare unionkit with the floor of its own route rather than with another machine.
"""

from __future__ import annotations

import csv
import http.client
import itertools
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "zhanaozen"
PYTHON = sys.executable
ROWS = 200

TARGETS = {
    "pdf_vs_bare_weasyprint": ("PDF per document ÷ bare WeasyPrint, fonts reused", "<=", 1.15),
    "docx_vs_bare_docxtpl": ("DOCX per document ÷ bare docxtpl", "<=", 1.25),
    "jobs2_speedup": ("--jobs 2 speed-up over --jobs 1", ">=", 1.7),
    "rerun_vs_first": ("unchanged re-run ÷ first run", "<=", 0.05),
    "rss_600_vs_100": ("peak memory at 600 documents ÷ at 100", "<=", 1.2),
    "help_vs_import": ("`unionkit -h` ÷ `import click, yaml`", "<=", 1.5),
    # Fitting lays out at full size, then bisects the steps: at most three more layouts.
    "fit_vs_one_layout": ("fitting a leaflet ÷ one layout of it", "<=", 4.0),
    # Not a ratio: issue 18 asks for a 5,000-row, 8.3 MB signatories file in under 30 s.
    "long_letter_s": ("seconds: letter of 5,000 signatories, 8.3 MB CSV", "<=", 30.0),
    # The web app (unionkit serve, 2 server processes, against 127.0.0.1 only).
    "web_copy_vs_cli": ("web PDF+DOCX of a branch's motion ÷ the CLI's", "<=", 1.2),
    "web_index_per_second": ("campaign page requests a second, 2 workers", ">=", 500.0),
    # Signing an open letter: 5,000 signatures from 50 clients, 2 server processes, against
    # 127.0.0.1 only; PostgreSQL's only where UNIONKIT_TEST_DATABASE_URL names a server. Not
    # ratios: a letter shared widely brings a few signatures a second at its peak, so 20 a
    # second (each with its thank-you page of thousands of names) leaves room, and a signer
    # should not wait a second for the page to answer.
    "sign_sqlite_per_second": ("signatures a second, 50 clients, SQLite", ">=", 20.0),
    "sign_sqlite_p99_ms": ("p99 ms to keep a signature, 50 clients, SQLite", "<=", 1000.0),
    "sign_postgresql_per_second": ("signatures a second, 50 clients, PostgreSQL", ">=", 20.0),
    "sign_postgresql_p99_ms": ("p99 ms to keep a signature, 50 clients, PostgreSQL", "<=", 1000.0),
}


def long_letter(folder: Path) -> float:
    """Seconds to build (PDF and DOCX) a letter whose signatories file has 5,000 rows and
    8.3 MB, most of it text pasted into the role and organisation columns."""
    import random

    words = (
        "solidarity union branch workers oil strike justice release prisoners campaign"
        " national executive council member district regional secretary"
    ).split()
    chooser = random.Random(18)
    with (folder / "form.csv").open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["Name", "Role", "Organisation", "Group", "Email"])
        for n in range(5000):
            role = " ".join(chooser.choice(words) for _ in range(110))[:800]
            organisation = " ".join(chooser.choice(words) for _ in range(110))[:800]
            writer.writerow(
                [f"Person Number{n} Surname{n % 97}", role, organisation, f"Group {n % 7}",
                 f"p{n}@example.org"]
            )  # fmt: skip
    letter = folder / "long-letter.yaml"
    letter.write_text(
        "template: letter\nsubject: Free them\nbody: Free the oil workers now.\n"
        "signatories: form.csv\nconsent: assumed\n",
        encoding="utf-8",
    )
    return timed(unionkit("build", letter, "-o", folder / "long", "-q", "--force"))


LEAFLET = """\
template: leaflet
campaign: campaign.yaml
size: {size}
per_sheet: {per_sheet}
headline: Free the jailed oil workers of Zhanaozen
subheading: Rally on the second anniversary of the massacre
image: demonstration.jpg
events:
  - title: Rally at the Foreign Office
    date: 2013-12-16
    time: "10:00"
    venue: Foreign and Commonwealth Office
    address: King Charles Street, off Whitehall, London SW1A 2AH
  - title: March to the Kazakh embassy
    date: 2013-12-16
    time: "12:00"
    venue: Embassy of the Republic of Kazakhstan
    address: 125 Pall Mall, London SW1Y 5EA
body: |
  Two years ago, on 16 December 2011, police opened fire on oil workers who had been on
  strike for seven months in Zhanaozen, western Kazakhstan. At least 16 people were killed
  and 60 wounded. Strikers and their supporters were then jailed for up to six years, after
  trials in which defendants spoke of torture in custody. We are asking the British
  government, which courts the Kazakh regime for oil and trade, to speak up for them.

  - Free the jailed oil workers and Roza Tuletaeva
  - An independent inquiry into the shootings
  - The right to strike and to organise in Kazakhstan
speakers:
  - name: Yulia Mazurova
    role: director of the film about Zhanaozen
  - name: Kirill Buketov
    role: International Union of Food Workers
  - name: Steve Hedley
    role: RMT Offshore Energy Branch
link: https://peopleandnature.wordpress.com/kazakh-oil-workers/
organisers: Called by Justice for Kazakhstan Oil Workers with the RMT Offshore Energy Branch
"""
FITTED = [("A4", 1), ("A5", 1), ("A5", 2), ("A6", 1), ("A6", 4)]


def fitting(folder: Path) -> tuple[float, dict[str, float]]:
    """Mean over realistic leaflets (every size, single and imposed) of the time `check`
    takes to fit one ÷ the time of one layout at the scale it chose; and each one's scale."""
    from toolkit.build import check
    from toolkit.cache import FIT_CHOICES
    from toolkit.render.pdf import lay_out

    def fit_alone(source: Path) -> None:
        # As a document built on its own: no step remembered from the same file's last build.
        FIT_CHOICES.clear()
        check(source)

    for name in ("campaign.yaml", "logo.png", "demonstration.jpg"):
        shutil.copy(EXAMPLE / name, folder / name)
    ratios, scales = [], {}
    for size, copies in FITTED:
        source = folder / f"leaflet-{size}-{copies}.yaml"
        source.write_text(LEAFLET.format(size=size, per_sheet=copies), encoding="utf-8")
        checked = check(source)  # warms the caches
        fit = statistics.median(_seconds(partial(fit_alone, source)) for _ in range(3))
        context, template = checked.context, checked.document.template
        one = statistics.median(_seconds(partial(lay_out, context, template)) for _ in range(3))
        ratios.append(fit / one)
        scales[f"fit_scale_{size}_{copies}up"] = float(context.values["fit"]["scale"])
    return statistics.mean(ratios), scales


def _seconds(step: Callable[[], object]) -> float:
    start = time.perf_counter()
    step()
    return time.perf_counter() - start


def workspace(folder: Path, rows: int) -> tuple[Path, Path]:
    """The example resolution, its campaign, and a table of `rows` branches."""
    for name in ("campaign.yaml", "logo.png", "model-resolution.yaml"):
        shutil.copy(EXAMPLE / name, folder / name)
    table = folder / f"branches-{rows}.csv"
    with table.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(["branch.name", "branch.union", "branch.meeting_date"])
        for n in range(rows):
            union = ("RMT", "Unite", "GMB", "Unison")[n % 4]
            writer.writerow([f"Branch {n:03d}", union, f"2013-12-{n % 28 + 1:02d}"])
    return folder / "model-resolution.yaml", table


def form_session(port: int, path: str) -> tuple[http.client.HTTPConnection, dict[str, str], str]:
    """A connection to the bench's server that has fetched the form at `path`: the headers
    to post it with (its session cookie) and its CSRF token."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path)
    response = connection.getresponse()
    page = response.read().decode()
    cookie = response.getheader("set-cookie", "").split(";")[0]
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token, f"no form at {path}"
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    return connection, headers, token[1]


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def unionkit(*args: str | Path) -> list[str]:
    return [PYTHON, "-m", "toolkit", *map(str, args)]


BARE_PDF = """
import sys, pickle
from weasyprint import HTML, CSS
from weasyprint.text.fonts import FontConfiguration
from toolkit.fonts import font_face_css
from toolkit.render.pdf import LocalFetcher
from toolkit.fonts import FONTS
pages, base, files = pickle.load(open(sys.argv[1], "rb"))
fetcher = LocalFetcher([FONTS, base], files)
fonts = FontConfiguration()
css = CSS(string=font_face_css(), font_config=fonts, url_fetcher=fetcher)
for html in pages:
    # Tagged like unionkit's own PDFs, so both loops make the same file.
    HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher).write_pdf(
        stylesheets=[css], font_config=fonts, pdf_tags=True
    )
"""

BARE_DOCX = """
import io, sys, pickle
from docxtpl import DocxTemplate
from jinja2 import Environment
contexts, template = pickle.load(open(sys.argv[1], "rb"))
from docxtpl import RichText
from markupsafe import Markup
env = Environment(autoescape=True)
paragraph = Markup('<w:p><w:r><w:t>text</w:t></w:r></w:p>')
for name in ("markdown", "numbered_list", "name_columns"):
    env.filters[name] = lambda value, *args: paragraph
env.filters["fill_in"] = lambda value, *args: RichText(str(value))
for name in ("image", "qr_code"):
    env.filters[name] = lambda value, *args: ""
for values in contexts:
    tpl = DocxTemplate(template)
    tpl.render(values, jinja_env=env, autoescape=True)
    tpl.save(io.BytesIO())
"""


def floors(document: Path, table: Path, folder: Path) -> tuple[float, float]:
    """Seconds for the bare WeasyPrint and bare docxtpl loops over the same rows."""
    import pickle

    from toolkit.build import check
    from toolkit.data import table_rows
    from toolkit.document import kind_of
    from toolkit.render.pdf import render_html

    rows = table_rows(table, kind_of(document).model)
    pages, contexts = [], []
    template = None
    for row in rows:
        checked = check(document, None, row)
        context, template = checked.context, checked.document.template
        pages.append(render_html(context, template))
        plain = {k: v for k, v in context.values.items() if k != "campaign"}
        plain["campaign"] = {**context.values["campaign"], "logo": None}
        plain["sections"] = [
            {**s, "points": "\n".join(s["points"])} for s in context.values["sections"]
        ]
        contexts.append(plain)
    assert template is not None
    pdf_input, docx_input = folder / "pdf.pickle", folder / "docx.pickle"
    files = [(folder / "logo.png").resolve()]
    pdf_input.write_bytes(pickle.dumps((pages, template.folder.resolve(), files)))
    docx_input.write_bytes(pickle.dumps((contexts, str(template.docx_file))))
    bare_pdf = timed([PYTHON, "-c", BARE_PDF, str(pdf_input)])
    bare_docx = timed([PYTHON, "-c", BARE_DOCX, str(docx_input)])
    return bare_pdf, bare_docx


def peak_rss_kib(command: list[str]) -> int:
    probe = textwrap.dedent(
        f"""
        import resource, subprocess
        subprocess.run({command!r}, check=True, capture_output=True)
        print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        """
    )
    result = subprocess.run([PYTHON, "-c", probe], check=True, capture_output=True, text=True)
    return int(result.stdout.strip())


def median_time(command: list[str], runs: int = 7) -> float:
    return statistics.median(timed(command) for _ in range(runs))


WEB_BRANCH = {
    "branch.name": "Offshore Energy Branch",
    "branch.union": "RMT",
    "branch.meeting_date": "2013-12-10",
}


def web(folder: Path) -> tuple[dict[str, float], dict[str, float]]:
    """`unionkit serve` with 2 server processes on 127.0.0.1: time to first byte of the
    campaign page, a branch's PDF and DOCX through the form against the CLI's own build of
    the same document (warm, in one process), and campaign page requests a second from 8
    keep-alive clients (bounded: 3,000 requests or 20 seconds)."""
    import threading
    import urllib.parse

    from toolkit import api

    campaign = folder / "web-campaign"
    shutil.copytree(EXAMPLE, campaign)
    port = _port()
    server = subprocess.Popen(
        [
            *unionkit(
                "serve",
                campaign,
                "--port",
                str(port),
                "--workers",
                "2",
                "--cache",
                folder / "web-cache",
            )
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results: dict[str, float] = {}
    figures: dict[str, float] = {}
    try:
        _wait_for(port, server)
        time.sleep(8)  # both server processes' render workers ready

        def first_byte() -> float:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            start = time.perf_counter()
            connection.request("GET", "/")
            response = connection.getresponse()
            response.read(1)
            took = time.perf_counter() - start
            response.read()
            connection.close()
            return took

        first_byte()
        figures["web_ttfb_ms"] = 1000 * statistics.median(first_byte() for _ in range(50))

        connection, headers, token = form_session(port, "/make/model-resolution")

        copies = itertools.count()

        def copy() -> float:
            # A branch of its own each time: a render worker keeps a visitor's checked copy
            # for their next format, never for the next visitor.
            branch = {**WEB_BRANCH, "branch.name": f"Branch {next(copies)}"}
            start = time.perf_counter()
            for fmt in ("pdf", "docx"):
                body = urllib.parse.urlencode({"csrf": token, "action": fmt, **branch})
                connection.request("POST", "/make/model-resolution", body, headers)
                answer = connection.getresponse()
                data = answer.read()
                assert answer.status == 200 and len(data) > 1000, answer.status
            return time.perf_counter() - start

        copy()
        web_copy = statistics.median(copy() for _ in range(9))
        motion = campaign / "branch-motion.yaml"
        text = (campaign / "model-resolution.yaml").read_text(encoding="utf-8")
        text = text.replace(
            "branch:\n  name:\n  union:\n  meeting_date:\n",
            "branch:\n  name: Offshore Energy Branch\n  union: RMT\n  meeting_date: 2013-12-10\n",
        )
        motion.write_text(text, encoding="utf-8")
        job = api.Job(motion, folder / "cli-out" / "branch-motion")
        settings = api.Settings(force=True)
        api.build(job, settings, write=False)
        cli_copy = statistics.median(
            _seconds(partial(api.build, job, settings, write=False)) for _ in range(9)
        )
        results["web_copy_vs_cli"] = web_copy / cli_copy
        figures |= {"web_copy_s": web_copy, "cli_copy_s": cli_copy}

        done = 0
        lock = threading.Lock()
        stop = time.monotonic() + 20

        def client() -> None:
            nonlocal done
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while time.monotonic() < stop:
                with lock:
                    if done >= 3000:
                        return
                    done += 1
                connection.request("GET", "/")
                answer = connection.getresponse()
                answer.read()
                assert answer.status == 200

        start = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        results["web_index_per_second"] = done / (time.perf_counter() - start)
        figures["web_index_requests"] = done
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results, figures


SIGNATURES = 5000
SIGNING_CLIENTS = 50
SIGNING_SECONDS = 180.0


def _port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(port: int, server: subprocess.Popen[bytes]) -> None:

    deadline = time.monotonic() + 180
    while True:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            raise RuntimeError("unionkit serve did not start")
        time.sleep(0.5)


def signing(folder: Path, backend: str) -> tuple[dict[str, float], dict[str, float]]:
    """`unionkit serve` with 2 server processes on 127.0.0.1 and the example's open letter
    collecting signatures, published without approval: 50 clients (each a browser with its
    own cookie and form token) send 5,000 signatures, each answered by the redirect to the
    thank-you page, which they then load, as a browser does (bounded: 5,000 signatures or
    180 seconds). Signatures a second, p99 of the time to keep one, and the rows counted
    afterwards: none lost, none duplicated (a failure stops the bench)."""
    import os
    import threading
    import urllib.parse
    import uuid

    from sqlalchemy import create_engine, func, select, text

    from toolkit.database import Database, engine_url, signatures

    campaign = folder / f"signing-{backend}"
    campaign.mkdir()
    for name in ("campaign.yaml", "logo.png", "signatories.csv", "open-letter.yaml"):
        shutil.copy(EXAMPLE / name, campaign / name)
    # Without approval (the default), so that every signature is published at once and the
    # page each signer is sent to lists them all: the heavier case.
    letter = campaign / "open-letter.yaml"
    written = letter.read_text(encoding="utf-8")
    assert "moderation: required\n" in written
    letter.write_text(written.replace("moderation: required\n", ""), encoding="utf-8")
    database: str | None = None
    schema = ""
    admin = None
    if backend == "postgresql":
        base = os.environ["UNIONKIT_TEST_DATABASE_URL"]
        schema = f"bench_{uuid.uuid4().hex[:12]}"
        admin = create_engine(engine_url(base))
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        database = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    port = _port()
    command = unionkit("serve", campaign, "--port", str(port), "--workers", "2", "--cache",
                       folder / f"signing-cache-{backend}")  # fmt: skip
    if database:
        command += ["--database", database]
    environment = os.environ | {"UNIONKIT_LOAD_TEST": "1"}
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environment
    )
    latencies: list[float] = []
    failures: list[int] = []
    problems: list[str] = []
    lock = threading.Lock()
    taken = 0
    try:
        _wait_for(port, server)
        stop = time.monotonic() + SIGNING_SECONDS
        choices = ("name", "initials", "count")

        def client() -> None:
            try:
                signer()
            except Exception as exc:  # noqa: BLE001 - said after the threads end
                with lock:
                    problems.append(f"{type(exc).__name__}: {exc}")

        def signer() -> None:
            nonlocal taken
            connection, headers, token = form_session(port, "/sign/open-letter")
            while time.monotonic() < stop:
                with lock:
                    if taken >= SIGNATURES:
                        return
                    number = taken
                    taken += 1
                body = urllib.parse.urlencode({
                    "csrf": token, "website": "", "name": f"Signer {number} Bench",
                    "organisation": f"Branch {number % 40}", "role": "member",
                    "email": f"signer{number}@example.org", "publish": choices[number % 3],
                })  # fmt: skip
                start = time.perf_counter()
                connection.request("POST", "/sign/open-letter", body, headers)
                answer = connection.getresponse()
                answer.read()
                took = time.perf_counter() - start
                location = answer.getheader("location", "")
                if answer.status != 303:
                    with lock:
                        failures.append(answer.status)
                    continue
                with lock:
                    latencies.append(took)
                thanks_page = urllib.parse.urljoin("/sign/open-letter", location).split("#")[0]
                connection.request("GET", thanks_page)
                thanks = connection.getresponse()
                thanks.read()
                assert thanks.status == 200, thanks.status

        start = time.perf_counter()
        threads = [threading.Thread(target=client) for _ in range(SIGNING_CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
    store = Database(database or f"sqlite:///{campaign / 'unionkit.sqlite3'}")
    try:
        with store.engine.connect() as connection:
            rows, people = connection.execute(
                select(func.count(), func.count(func.distinct(signatures.c.email)))
            ).one()
    finally:
        store.close()
        if admin is not None:
            with admin.begin() as connection:
                connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()
    accepted = len(latencies)
    if problems or failures or rows != accepted or people != accepted:
        raise RuntimeError(
            f"signing on {backend}: {accepted} accepted, {len(failures)} refused"
            f" ({sorted(set(failures))}), {rows} rows kept for {people} people;"
            f" {len(problems)} clients failed: {problems[:3]}"
        )
    latencies.sort()
    p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
    results = {
        f"sign_{backend}_per_second": accepted / elapsed,
        f"sign_{backend}_p99_ms": 1000 * p99,
    }
    figures = {
        f"sign_{backend}_signatures": float(accepted),
        f"sign_{backend}_rows_kept": float(rows),
        f"sign_{backend}_seconds": elapsed,
        f"sign_{backend}_median_ms": 1000 * statistics.median(latencies),
    }
    return results, figures


def signing_all(folder: Path) -> tuple[dict[str, float], dict[str, float]]:
    import os

    results: dict[str, float] = {}
    figures: dict[str, float] = {}
    backends = ["sqlite"]
    if os.environ.get("UNIONKIT_TEST_DATABASE_URL"):
        backends.append("postgresql")
    for backend in backends:
        found, measured = signing(folder, backend)
        results |= found
        figures |= measured
    return results, figures


def report(results: dict[str, float], figures: dict[str, float]) -> dict[str, object]:
    """Print each ratio against its target; the entries for results.json."""
    print(f"{'ratio':<52} {'measured':>9}  target   met")
    entries: dict[str, object] = {}
    for key, (label, sense, target) in TARGETS.items():
        if key not in results:
            print(f"{label:<52} {'not run':>9}  {sense} {target}")
            continue
        value = results[key]
        met = value <= target if sense == "<=" else value >= target
        print(f"{label:<52} {value:>9.3f}  {sense} {target:<5} {'yes' if met else 'NO'}")
        entries[key] = {"label": label, "value": round(value, 4), "target": f"{sense} {target}",
                        "met": met}  # fmt: skip
    print("raw figures: " + ", ".join(f"{k}={v:.3f}" for k, v in figures.items()))
    return entries


def main() -> int:
    results: dict[str, float] = {}
    figures: dict[str, float] = {}
    if sys.argv[1:] == ["signing"]:
        # Only the signing load test (`python bench/run.py signing`): its entries replace
        # theirs in results.json, the others stay as the last full run left them.
        with tempfile.TemporaryDirectory() as temporary:
            results, figures = signing_all(Path(temporary))
        out_file = ROOT / "bench" / "results.json"
        kept = json.loads(out_file.read_text()) if out_file.is_file() else {}
        entries = report(results, figures)
        kept["ratios"] = kept.get("ratios", {}) | entries
        kept["figures"] = kept.get("figures", {}) | figures
        out_file.write_text(json.dumps(kept, indent=2) + "\n")
        print(f"written to {out_file.relative_to(ROOT)}")
        return 0

    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        document, table = workspace(folder, ROWS)
        out = folder / "out"
        one = unionkit("build", document, "--data", table, "-o", out, "-q", "--force", "-j", "1")
        pdf_seconds = timed([*one, "-f", "pdf"])
        docx_seconds = timed([*one, "-f", "docx"])
        bare_pdf, bare_docx = floors(document, table, folder)
        results["pdf_vs_bare_weasyprint"] = pdf_seconds / bare_pdf
        results["docx_vs_bare_docxtpl"] = docx_seconds / bare_docx
        figures |= {"pdf_s": pdf_seconds, "bare_pdf_s": bare_pdf}
        figures |= {"docx_s": docx_seconds, "bare_docx_s": bare_docx}

        first = timed(one)
        both = unionkit("build", document, "--data", table, "-o", out, "-q")
        rerun = timed([*both, "-j", "1"])
        two = timed(
            [*unionkit("build", document, "--data", table, "-o", out, "-q", "--force", "-j", "2")]
        )
        results["jobs2_speedup"] = first / two
        results["rerun_vs_first"] = rerun / first
        figures |= {"jobs1_s": first, "jobs2_s": two, "rerun_s": rerun}

        _, small = workspace(folder, 100)
        _, large = workspace(folder, 600)
        rss_100 = peak_rss_kib(
            unionkit("build", document, "--data", small, "-o", folder / "o100", "-q", "-j", "1")
        )
        rss_600 = peak_rss_kib(
            unionkit("build", document, "--data", large, "-o", folder / "o600", "-q", "-j", "1")
        )
        results["rss_600_vs_100"] = rss_600 / rss_100
        figures |= {"rss_100_kib": rss_100, "rss_600_kib": rss_600}

        fit_ratio, scales = fitting(folder)
        results["fit_vs_one_layout"] = fit_ratio
        figures |= scales
        results["long_letter_s"] = long_letter(folder)

        web_results, web_figures = web(folder)
        results |= web_results
        figures |= web_figures
        signing_results, signing_figures = signing_all(folder)
        results |= signing_results
        figures |= signing_figures

    help_s = median_time(unionkit("-h"))
    import_s = median_time([PYTHON, "-c", "import click, yaml"])
    results["help_vs_import"] = help_s / import_s
    figures |= {"help_s": help_s, "import_click_yaml_s": import_s}

    entries = report(results, figures)
    print(f"{ROWS} documents a batch")
    out_file = ROOT / "bench" / "results.json"
    out_file.write_text(json.dumps({"ratios": entries, "figures": figures}, indent=2) + "\n")
    print(f"written to {out_file.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
