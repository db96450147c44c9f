"""The campaign page and the "Make it yours" form in a real browser (Chromium from Debian,
driven by Playwright): a branch with a Cyrillic name, the preview changing as it types, both
files downloaded and read, a mistake shown at its field, and the form used from the keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import docx_text, pdf_text, squash
from tests.web_server import campaign_copy, chromium_browser, running

pytestmark = pytest.mark.xdist_group("browser")
BRANCH = "Первичная профсоюзная организация «Нефтяник»"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, str]]:
    with chromium_browser() as browser:
        folder = campaign_copy(tmp_path_factory.mktemp("browser"))
        with running(folder, folder.parent / "cache", render_workers=2) as (address, _):
            yield browser, address


def test_a_branch_makes_the_motion_its_own_in_the_browser(
    browser: tuple[Any, str], tmp_path: Path
) -> None:
    chromium, address = browser
    page = chromium.new_page(accept_downloads=True)
    try:
        page.goto(address + "/")
        assert page.locator("h1").inner_text() == "Justice for Kazakhstan Oil Workers"
        page.locator('a[href$="make/model-resolution"]').first.click()
        page.wait_for_url("**/make/model-resolution")
        preview = page.locator("#preview-image")
        assert preview.get_attribute("hidden") is not None  # nothing drawn yet
        page.get_by_label("Branch", exact=True).fill(BRANCH)
        page.get_by_label("Union", exact=True).fill("Unite")
        page.get_by_label("Meeting date").fill("2013-12-10")
        # The page's script draws the first page again a moment after the typing stops.
        page.wait_for_function(
            "() => document.getElementById('preview-image').src.startsWith('blob:')",
            timeout=30_000,
        )
        first = preview.get_attribute("src")
        page.get_by_label("Union", exact=True).fill("RMT")
        page.wait_for_function(
            f"() => document.getElementById('preview-image').src !== {first!r}", timeout=30_000
        )
        assert "The preview shows your changes." in page.locator("#preview-status").inner_text()
        with page.expect_download() as pdf_download:
            page.get_by_role("button", name="Download the PDF").click()
        with page.expect_download() as docx_download:
            page.get_by_role("button", name="Download for Word (DOCX)").click()
        pdf, docx = tmp_path / "mine.pdf", tmp_path / "mine.docx"
        pdf_download.value.save_as(pdf)
        docx_download.value.save_as(docx)
        assert pdf_download.value.suggested_filename.endswith(".pdf")
        for text in (squash(pdf_text(pdf)), squash(docx_text(docx))):
            assert BRANCH in text
            assert "RMT" in text
            assert "10 December 2013" in text
    finally:
        page.close()


def test_a_mistake_is_shown_at_its_field(browser: tuple[Any, str]) -> None:
    chromium, address = browser
    page = chromium.new_page()
    try:
        page.goto(address + "/make/model-resolution")
        email = page.locator("#f-send-to-0-email")
        email.fill("offshore at example")
        error = page.locator("#f-send-to-0-email-error")
        error.wait_for(state="visible", timeout=30_000)
        assert "is not one email address" in error.inner_text()
        assert email.get_attribute("aria-invalid") == "true"
        # Without the script too: the button sends the form and the page comes back with it.
        with page.expect_navigation():
            page.get_by_role("button", name="Show the preview").click()
        assert "is not one email address" in page.locator("#f-send-to-0-email-error").inner_text()
        assert page.get_by_role("alert").is_visible()
    finally:
        page.close()


def test_the_form_is_used_from_the_keyboard_alone(browser: tuple[Any, str], tmp_path: Path) -> None:
    chromium, address = browser
    page = chromium.new_page(accept_downloads=True)
    try:
        page.goto(address + "/")
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.textContent.trim()")
        assert focused == "Skip to the documents"
        page.keyboard.press("Enter")
        # From the documents, Tab reaches the model resolution's "Make it yours" link.
        for _ in range(80):
            page.keyboard.press("Tab")
            focused = page.evaluate(
                "[document.activeElement.textContent.trim(),"
                " document.activeElement.getAttribute('href') || '']"
            )
            if focused[0] == "Make it yours" and focused[1].endswith("make/model-resolution"):
                break
        else:
            raise AssertionError("no 'Make it yours' link reached with Tab")
        page.keyboard.press("Enter")
        page.wait_for_url("**/make/model-resolution")
        for _ in range(30):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.name") == "branch.name":
                break
        else:
            raise AssertionError("the branch field was not reached with Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"  # the focused field is visibly marked
        page.keyboard.type("Eastbridge Trades Council")
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.value") == "pdf":
                break
        else:
            raise AssertionError("the PDF button was not reached with Tab")
        with page.expect_download() as download:
            page.keyboard.press("Enter")
        path = tmp_path / "keyboard.pdf"
        download.value.save_as(path)
        assert "Eastbridge Trades Council" in squash(pdf_text(path))
    finally:
        page.close()


def test_the_campaign_page_fits_a_phone(browser: tuple[Any, str]) -> None:
    chromium, address = browser
    page = chromium.new_page(viewport={"width": 360, "height": 740})
    try:
        for path in ("/", "/ru/", "/make/kk/model-resolution"):
            page.goto(address + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{path} is {width}px wide on a 360px phone"
    finally:
        page.close()
