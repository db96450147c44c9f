"""`unionkit serve` over real HTTP: a branch's own copy of the motion, the CLI's messages next
to the fields, nothing a visitor sends reaching anything but the form's fields, CSRF, headers,
size and rate limits, errors without tracebacks, and "tell us you passed it"."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES, docx_text, squash
from tests.web_server import campaign_copy, running

pytestmark = pytest.mark.xdist_group("web")
httpx = pytest.importorskip("httpx")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = campaign_copy(tmp_path_factory.mktemp("web"))
    with running(folder, folder.parent / "cache", render_burst=12, renders_per_minute=30) as (
        address,
        _,
    ):
        yield address, folder


def client(address: str) -> Any:
    return httpx.Client(base_url=address, timeout=60, follow_redirects=False)


def form_token(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match
    return match[1]


MOTION = "/make/model-resolution"


def fields(token: str, **more: str) -> dict[str, str]:
    values = {
        "csrf": token,
        "branch.name": "Первичная профсоюзная организация «Нефтяник»",
        "branch.union": "Unite",
        "branch.meeting_date": "2013-12-10",
        "send_to.0.name": "Justice for Kazakhstan Oil Workers",
        "send_to.0.email": "justice.kazakh.oil@example.org",
        "resolves.0": "To write to the Kazakh embassy.",
        "resolves.1": "To send a delegate to the demonstration on 16 December.",
    }
    values.update(more)
    return values


def test_pages_and_files_carry_the_security_headers(server: tuple[str, Path]) -> None:
    address, _ = server
    with client(address) as web:
        for path in ("/", "/ru/", MOTION, "/files/model-resolution.pdf", "/nowhere"):
            response = web.get(path)
            policy = response.headers["content-security-policy"]
            assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
            assert "unsafe-inline" not in policy
            assert response.headers["x-content-type-options"] == "nosniff"
        assert web.get("/files/model-resolution.pdf").content.startswith(b"%PDF")
        index = web.get("/").text
        assert 'href="make/model-resolution"' in index
        assert 'href="make/ru/model-resolution"' not in index  # the page shows one language's


def test_a_branch_downloads_its_own_pdf_and_docx(server: tuple[str, Path]) -> None:
    address, _ = server
    with client(address) as web:
        page = web.get(MOTION)
        assert page.status_code == 200
        assert "unionkit_csrf" in page.headers["set-cookie"]
        assert "httponly" in page.headers["set-cookie"].lower()
        assert "samesite=strict" in page.headers["set-cookie"].lower()
        token = form_token(page.text)
        pdf = web.post(MOTION, data=fields(token, action="pdf"))
        assert pdf.status_code == 200, pdf.text[:500]
        assert pdf.headers["content-type"] == "application/pdf"
        assert "filename*=UTF-8''model-resolution-" in pdf.headers["content-disposition"]
        docx = web.post(MOTION, data=fields(token, action="docx"))
        assert docx.status_code == 200
    import io

    from pypdf import PdfReader

    text = squash(
        " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.content)).pages)
    )
    assert "Первичная профсоюзная организация «Нефтяник»" in text
    assert "10 December 2013" in text
    assert "To send a delegate to the demonstration on 16 December." in text
    assert "PROPOSED BY" in text.upper()


def test_the_docx_has_the_branch_too(server: tuple[str, Path], tmp_path: Path) -> None:
    address, _ = server
    with client(address) as web:
        token = form_token(web.get(MOTION).text)
        docx = web.post(MOTION, data=fields(token, action="docx"))
    path = tmp_path / "mine.docx"
    path.write_bytes(docx.content)
    text = squash(docx_text(path))
    assert "Первичная профсоюзная организация «Нефтяник»" in text
    assert "To write to the Kazakh embassy." in text


def test_a_mistake_is_shown_next_to_its_field_with_the_clis_message(
    server: tuple[str, Path], cli: Any, tmp_path: Path
) -> None:
    address, _ = server
    with client(address) as web:
        token = form_token(web.get(MOTION).text)
        answer = web.post(
            MOTION, data=fields(token, action="pdf", **{"send_to.0.email": "offshore at example"})
        )
    assert answer.status_code == 422
    error = re.search(
        r'id="f-send-to-0-email-error" data-error-for="send_to.0.email">([^<]+)</p>', answer.text
    )
    assert error, answer.text
    # The command line says the same of the same value in a YAML file.
    motion = tmp_path / "motion.yaml"
    motion.write_text(
        "template: resolution\ntitle: T\nresolves: [x]\nsend_to:\n  - name: A\n"
        "    email: offshore at example\n",
        encoding="utf-8",
    )
    said = cli("check", motion).stderr
    message = error[1].replace("&#39;", "'")
    assert f"send_to.0.email: {message}" in said
    assert 'aria-invalid="true"' in answer.text


def test_a_visitor_reaches_only_the_forms_fields(server: tuple[str, Path]) -> None:
    address, folder = server
    with client(address) as web:
        token = form_token(web.get(MOTION).text)
        sneaky = fields(
            token,
            action="pdf",
            template="../../../../etc",
            campaign="/etc/passwd",
            title="Something else entirely",
            **{"campaign.logo": "/etc/shadow", "word_limit": "1"},
        )
        pdf = web.post(MOTION, data=sneaky)
        assert pdf.status_code == 200
        import io

        from pypdf import PdfReader

        text = " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf.content)).pages)
        assert "Justice for the Zhanaozen oil workers" in squash(text)
        assert "Something else entirely" not in text
        for path in (
            "/make/../campaign.yaml",
            "/make/campaign",
            "/files/../campaign.yaml",
            "/files/%2e%2e/campaign.yaml",
            "/make/model-resolution.yaml",
        ):
            response = web.get(path, follow_redirects=True)
            assert response.status_code == 404, path
            assert "Traceback" not in response.text and str(folder) not in response.text


def test_points_can_be_changed_added_and_removed_when_the_campaign_allows(
    server: tuple[str, Path],
) -> None:
    address, _ = server
    with client(address) as web:
        token = form_token(web.get(MOTION).text)
        added = web.post(MOTION, data=fields(token, action="add:resolves"))
        assert added.status_code == 200
        assert 'name="resolves.2"' in added.text
        removed = web.post(MOTION, data=fields(token, action="remove:resolves.0"))
        assert 'name="resolves.1"' not in removed.text
        assert "To send a delegate" in removed.text and "To write to the Kazakh" not in removed.text
        none_left = {
            k: v for k, v in fields(token, action="pdf").items() if not k.startswith("resolves")
        }
        answer = web.post(MOTION, data=none_left)
        assert answer.status_code == 422
        assert re.search(r'data-error-for="resolves">required', answer.text)


def test_forms_are_refused_without_their_token_or_from_another_site(
    server: tuple[str, Path],
) -> None:
    address, _ = server
    with client(address) as web:
        token = form_token(web.get(MOTION).text)
        assert web.post(MOTION, data=fields("forged", action="pdf")).status_code == 403
        other_site = web.post(
            MOTION, data=fields(token, action="pdf"), headers={"sec-fetch-site": "cross-site"}
        )
        assert other_site.status_code == 403
    with client(address) as stranger:  # the token without the cookie it was made for
        refused = stranger.post(MOTION, data=fields(token, action="pdf"))
        assert refused.status_code == 403
        assert "This form has expired" in refused.text


def test_requests_too_large_and_errors_say_little(server: tuple[str, Path]) -> None:
    address, folder = server
    with client(address) as web:
        token = form_token(web.get(MOTION).text)
        huge = web.post(MOTION, data=fields(token, **{"resolves.0": "x" * 400_000}))
        assert huge.status_code == 413
        assert "more than this form takes" in huge.text
        wrong = web.put("/")
        assert wrong.status_code == 405
        for response in (huge, wrong, web.get("/nowhere")):
            assert "Traceback" not in response.text and str(folder) not in response.text
            assert "toolkit" not in response.text


def test_a_preview_for_the_pages_script(server: tuple[str, Path]) -> None:
    address, _ = server
    with client(address) as web:
        token = form_token(web.get(MOTION).text)
        image = web.post("/preview/model-resolution", data=fields(token))
        assert image.status_code == 200 and image.headers["content-type"] == "image/png"
        bad = web.post(
            "/preview/model-resolution", data=fields(token, **{"branch.meeting_date": "2013-02-30"})
        )
        assert bad.status_code == 422
        problems = bad.json()["problems"]
        assert problems[0]["field"] == "branch.meeting_date"
        assert "2013-02-30" in problems[0]["message"]


def test_a_branch_tells_the_campaign_it_passed_the_motion(server: tuple[str, Path]) -> None:
    address, folder = server
    assert (folder / "unionkit.sqlite3").is_file()  # the campaign keeps reports
    with client(address) as web:
        token = form_token(web.get(MOTION).text)
        report = {"csrf": token, "branch": "Offshore Energy Branch", "union": "RMT",
                  "passed_on": "2013-12-10", "votes_for": "23", "votes_against": "1"}  # fmt: skip
        bad = web.post("/passed/model-resolution", data={**report, "passed_on": "10/13/2013"})
        assert bad.status_code == 422
        assert re.search(r'data-error-for="passed_on">[^<]*not a real date', bad.text)
        done = web.post("/passed/model-resolution", data=report)
        assert done.status_code == 303
        thanks = web.get(MOTION + "?passed=1")
        assert "Thank you! Your branch is counted." in thanks.text
        again = web.post(
            "/passed/model-resolution", data={**report, "branch": "offshore energy branch"}
        )
        assert again.status_code == 303
        import time

        time.sleep(2.1)  # the page with counts is made again every two seconds
        assert "1 branch has passed this motion" in web.get("/").text


def test_renders_are_limited_per_address(tmp_path: Path) -> None:
    # A campaign of one motion, kept small: its site is built before the server starts.
    folder = tmp_path / "zhanaozen"
    folder.mkdir()
    for name in ("campaign.yaml", "logo.png", "model-resolution.yaml"):
        shutil.copy(EXAMPLES / "zhanaozen" / name, folder / name)
    with running(folder, tmp_path / "cache", render_burst=2, renders_per_minute=1) as (address, _):
        assert not (folder / "unionkit.sqlite3").exists()  # nothing kept: no database made
        with client(address) as web:
            token = form_token(web.get(MOTION).text)
            codes = [
                web.post(MOTION, data=fields(token, action="preview")).status_code for _ in range(4)
            ]
            assert codes[:2] == [200, 200] and codes[2:] == [429, 429]
            assert "Too many requests" in web.post(MOTION, data=fields(token, action="pdf")).text
            assert "Tell us you passed it" not in web.get(MOTION).text


def test_rate_limiter_refills() -> None:
    from toolkit.web.security import RateLimiter

    limiter = RateLimiter(per_minute=60, burst=2, keys=2)
    assert limiter.allow("a", now=0) and limiter.allow("a", now=0)
    assert not limiter.allow("a", now=0.5)
    assert limiter.allow("a", now=1.6)
    limiter.allow("b", now=2)
    limiter.allow("c", now=2)
    assert len(limiter._buckets) == 2  # bounded: the oldest address forgotten


def sleepy(seconds: float) -> str:
    import time

    time.sleep(seconds)
    return "done"


def test_a_render_past_its_time_is_stopped_and_the_others_go_on() -> None:
    import threading

    from toolkit.web.pool import RenderPool
    from toolkit.workers import Stopped

    pool = RenderPool(2, seconds=1.0, wait=20)
    pool.start()
    try:
        # Each worker loads this test module once, before the timings mean anything.
        warming = [threading.Thread(target=pool.run, args=(sleepy, (0.2,))) for _ in range(2)]
        for thread in warming:
            thread.start()
        for thread in warming:
            thread.join()
        results: dict[str, Any] = {}
        slow = threading.Thread(target=lambda: results.update(slow=pool.run(sleepy, (60,))))
        slow.start()
        assert pool.run(sleepy, (0.1,)) == "done"  # the other worker answers meanwhile
        slow.join(timeout=30)
        assert isinstance(results["slow"], Stopped)
        assert pool.run(sleepy, (0.1,)) == "done"  # its worker was replaced
    finally:
        pool.close()


def worker_pid() -> int:
    import os

    return os.getpid()


def test_tasks_with_one_key_go_to_the_worker_that_ran_the_last_of_them() -> None:
    from toolkit.web.pool import RenderPool

    pool = RenderPool(2, seconds=30.0, wait=20)
    pool.start()
    try:
        # Without a key the workers take turns; with one, a free worker that ran it before
        # gets it again (where a visitor's checked document is kept).
        assert len({pool.run(worker_pid, ()) for _ in range(4)}) == 2
        first = pool.run(worker_pid, (), "branch A")
        assert [pool.run(worker_pid, (), "branch A") for _ in range(3)] == [first] * 3
        other = pool.run(worker_pid, ())
        assert other != first, "a task without a key took the worker that was next in turn"
        assert pool.run(worker_pid, (), "branch A") == first
    finally:
        pool.close()


def test_a_visitors_preview_pdf_and_docx_are_laid_out_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layouts: list[int]
) -> None:
    import yaml

    from tests.conftest import SOURCE_DATE, pdf_text
    from toolkit.cache import CHECKED
    from toolkit.web.tasks import make

    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE)
    folder = tmp_path / "campaign"
    folder.mkdir()
    for name in ("campaign.yaml", "logo.png", "model-resolution.yaml"):
        shutil.copy(EXAMPLES / "zhanaozen" / name, folder / name)
    mapping = yaml.safe_load((folder / "model-resolution.yaml").read_text(encoding="utf-8"))
    mapping["branch"] = {"name": "Eastbridge Trades Council", "union": "Unite"}
    CHECKED.clear()

    preview = make(mapping, str(folder), "model-resolution", "preview")
    fitted = len(layouts)
    assert preview.data.startswith(b"\x89PNG") and fitted >= 1
    made = {
        fmt: make(mapping, str(folder), "model-resolution", fmt).data for fmt in ("pdf", "docx")
    }
    assert len(layouts) == fitted, "the PDF and the DOCX came from the preview's layout"
    assert "Eastbridge Trades Council" in docx_text_of(made["docx"], tmp_path)
    # The same bytes as a copy checked afresh.
    CHECKED.clear()
    assert make(mapping, str(folder), "model-resolution", "pdf").data == made["pdf"]
    assert make(mapping, str(folder), "model-resolution", "docx").data == made["docx"]
    assert len(layouts) == 2 * fitted
    # Other fields, or a changed campaign file, are checked again.
    mapping["branch"]["name"] = "Northgate Branch"
    make(mapping, str(folder), "model-resolution", "pdf")
    assert len(layouts) == 3 * fitted
    campaign = folder / "campaign.yaml"
    campaign.write_text(
        campaign.read_text(encoding="utf-8").replace(
            "Justice for Kazakhstan Oil Workers", "Kazakhstan Solidarity Committee"
        ),
        encoding="utf-8",
    )
    renamed = make(mapping, str(folder), "model-resolution", "pdf").data
    assert len(layouts) == 4 * fitted
    (tmp_path / "renamed.pdf").write_bytes(renamed)
    assert "Kazakhstan Solidarity Committee" in squash(pdf_text(tmp_path / "renamed.pdf"))


def docx_text_of(data: bytes, folder: Path) -> str:
    path = folder / "copy.docx"
    path.write_bytes(data)
    return squash(docx_text(path))


def test_a_request_waits_for_a_free_worker_only_so_long() -> None:
    import threading
    import time

    from toolkit.web.pool import Busy, RenderPool

    pool = RenderPool(1, seconds=30.0, wait=0.5)
    pool.start()
    try:
        busy = threading.Thread(target=pool.run, args=(sleepy, (2.0,)))
        busy.start()
        time.sleep(0.2)
        start = time.monotonic()
        with pytest.raises(Busy):
            pool.run(sleepy, (0.0,), "branch A")
        assert 0.4 <= time.monotonic() - start < 1.5
        busy.join()
        assert pool.run(sleepy, (0.0,), "branch A") == "done"  # free again, it is taken
    finally:
        pool.close()
