"""Signing an open letter in a real browser (Chromium from Debian, driven by Playwright), on
SQLite and on PostgreSQL: a signature in English as initials only and one in Kazakh counted
without the name, the count changing, an organiser approving them, and the letter built from
the database with exactly what each person chose."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import pdf_text, run_cli, squash
from tests.databases import BACKENDS, postgresql_schema
from tests.web_server import chromium_browser, running, signing_campaign

pytestmark = pytest.mark.xdist_group("browser")
PASSWORD = "four words for moderators"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for both databases."""
    with chromium_browser() as chromium:
        yield chromium


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, browser: Any
) -> Iterator[tuple[Any, str, Path]]:
    from toolkit.web.server import set_password

    with ExitStack() as stack:
        database = None
        if request.param == "postgresql":
            database = stack.enter_context(postgresql_schema())
        root = tmp_path_factory.mktemp(f"signing-{request.param}")
        folder = signing_campaign(root, database or "collected")
        set_password(folder, "Aigerim", PASSWORD, database=database)
        address, _ = stack.enter_context(running(folder, root / "cache", database=database))
        yield browser, address, folder


def test_signatures_given_in_the_browser_reach_the_letter_after_approval(
    served: tuple[Any, str, Path], tmp_path: Path
) -> None:
    from playwright.sync_api import expect  # installed, or `served` has skipped

    chromium, address, folder = served
    page = chromium.new_page()
    try:
        # English, initials only: nothing is published before an organiser approves it.
        page.goto(address + "/")
        page.get_by_role("link", name="Sign the letter").first.click()
        page.wait_for_url("**/sign/open-letter")
        assert page.locator("#signature-count").inner_text() == "19 signatories"
        page.locator("#sign-name").fill("Dariga Nurpeisova")
        page.get_by_label("Union, branch or organisation (optional)").fill("Unite, Leeds branch")
        page.get_by_label("Email (optional)").fill("dariga.n@example.org")
        page.get_by_label("Sign as").select_option("Trade union officials")
        page.get_by_label("Initials only").check()
        page.get_by_role("button", name="Sign", exact=True).click()
        page.wait_for_url("**/sign/open-letter?signed=1*")
        assert "once an organiser has checked it" in page.locator("#thanks").inner_text()
        waiting = page.locator("#signatures-waiting").inner_text()
        assert waiting == "1 more signature is waiting to be checked."

        # Kazakh, counted without the name: the page and its choices are in Kazakh.
        page.goto(address + "/sign/kk/open-letter")
        assert page.locator("html").get_attribute("lang") == "kk"
        page.get_by_label("Аты-жөніңіз").fill("Ерлан Сейітов")
        page.get_by_label("Мені санаңыз, бірақ атымды жарияламаңыз").check()
        page.get_by_role("button", name="Қол қою", exact=True).click()
        page.wait_for_url("**/sign/kk/open-letter?signed=1*")
        assert page.locator("#signatures-waiting").inner_text().startswith("Тағы 2 қолтаңба")
        assert "Сейітов" not in page.content()

        # The organiser logs in and approves both.
        page.goto(address + "/organise/")
        page.get_by_label("Name").fill("Aigerim")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name="Justice for the oil workers of Zhanaozen").click()
        # A click does not wait for the next page to load: counting at once may count none.
        page.wait_for_url("**/organise/letter/open-letter")
        rows = page.locator("table.signatures tbody tr")
        expect(rows).to_have_count(2)
        for index in range(2):
            rows.nth(index).locator("input[type=checkbox]").check()
        page.get_by_role("button", name="Approve", exact=True).last.click()
        expect(page.get_by_role("status")).to_have_text("2 signatures changed.")

        page.goto(address + "/sign/open-letter")
        count = page.locator("#signature-count").inner_text()
        assert count == "21 signatories, including 1 not named at their request"
        names = page.locator("section.signed").inner_text()
        assert "D. N." in names and "Nurpeisova" not in names and "Сейітов" not in names
    finally:
        page.close()

    # The letter, built from what was collected: the initials, and the count of both.
    out = tmp_path / "out"
    built = run_cli("build", folder / "open-letter.yaml", "-f", "pdf", "-o", out)
    assert built.exit_code == 0, built.stderr
    text = squash(pdf_text(out / "open-letter.pdf"))
    assert "21 SIGNATORIES, INCLUDING 1 NOT NAMED AT THEIR REQUEST" in text  # a heading
    assert "D. N." in text
    for never in ("Dariga", "Nurpeisova", "dariga.n@example.org", "Ерлан", "Сейітов"):
        assert never not in text
