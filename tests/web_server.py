"""A real `unionkit serve` app on 127.0.0.1 for a test module: uvicorn in a thread, its render
workers started once."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from tests.conftest import EXAMPLES

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium_browser() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, for a test module; skips, with the reason,
    where either is missing."""
    import os

    import pytest

    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    if not Path(CHROMIUM).is_file():
        pytest.skip("Chromium is not installed (apt install chromium; .ci/run installs it)")
    # Chromium needs the real libharfbuzz-subset that `make test-without-harfbuzz-subset`
    # hides from unionkit with LD_LIBRARY_PATH, so it starts without that path.
    env = {key: value for key, value in os.environ.items() if key != "LD_LIBRARY_PATH"}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env)
        try:
            yield browser
        finally:
            browser.close()


SITE_SETTINGS = """
site:
  address: https://justice.example.org/
  editable: true
  report_passed: true
"""


# The web tests need the model resolution in its three languages, not the whole campaign:
# fewer documents make the site build before the server starts a few seconds, not a dozen.
SERVED = ("campaign.yaml", "logo.png", "model-resolution.yaml", "ru/model-resolution.yaml",
          "kk/model-resolution.yaml")  # fmt: skip


def campaign_copy(folder: Path, settings: str = SITE_SETTINGS) -> Path:
    """The Zhanaozen example's model resolution (in English, Russian and Kazakh) and campaign
    file, with the site settings given added to the campaign file."""
    target = folder / "zhanaozen"
    for name in SERVED:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(EXAMPLES / "zhanaozen" / name, target / name)
    campaign = target / "campaign.yaml"
    campaign.write_text(campaign.read_text(encoding="utf-8") + settings, encoding="utf-8")
    return target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running(folder: Path, cache: Path, **settings: Any) -> Iterator[tuple[str, Any]]:
    """Serve `folder` on a free port of 127.0.0.1; yields its address and its config."""
    from toolkit.web.app import create_app
    from toolkit.web.server import prepare

    config, _ = prepare(
        folder,
        cache=cache,
        render_workers=settings.pop("render_workers", 1),
        database=settings.pop("database", None),
    )
    config = replace(config, **settings)
    with serving(create_app(config)) as address:
        yield address, config


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve an app on a free port of 127.0.0.1; yields its address."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, access_log=False, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


KAZAKH_LETTER = """\
template: letter
language: kk
campaign: ../campaign.yaml
date: 2013-12-16
subject: Жаңаөзен мұнайшыларына әділдік
salutation: Құрметті Сыртқы істер министрі,
body: |
  2011 жылғы 16 желтоқсанда Жаңаөзен қаласында полиция жеті ай бойы ереуілде тұрған
  мұнайшыларға оқ атты. Кемінде 16 адам қаза тапты, 60 адам жараланды.

  Біз, төменде қол қойғандар, түрмедегі жұмысшыларды босатуға және болған оқиғаны
  тәуелсіз тергеуге шақырамыз.
closing: Құрметпен,
signatories: [{collected}]
collect: true
moderation: required
"""


def signing_campaign(folder: Path, collected: str = "collected") -> Path:
    """The Zhanaozen open letter collecting signatures (approval required), as the example
    has it, with a Kazakh translation that shares its signatures; `collected` is what the
    letters name for them (a database's address instead of the campaign's SQLite file)."""
    target = folder / "zhanaozen"
    (target / "kk").mkdir(parents=True, exist_ok=True)
    for name in ("campaign.yaml", "logo.png", "signatories.csv", "open-letter.yaml"):
        shutil.copy(EXAMPLES / "zhanaozen" / name, target / name)
    letter = target / "open-letter.yaml"
    text = letter.read_text(encoding="utf-8")
    assert "  - collected\n" in text and "moderation: required" in text
    letter.write_text(text.replace("  - collected\n", f"  - {collected!r}\n"), encoding="utf-8")
    (target / "kk" / "open-letter.yaml").write_text(
        KAZAKH_LETTER.format(collected=repr(collected)), encoding="utf-8"
    )
    return target
