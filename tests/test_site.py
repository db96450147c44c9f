"""`unionkit site`: the Zhanaozen campaign as a static site in English, Russian and Kazakh,
every link and picture of it found, the leaflets' printings, built again only where needed."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import EXAMPLES, Run, pdf_text, run_cli, squash

pytestmark = pytest.mark.xdist_group("site")

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Page(HTMLParser):
    """What a page holds: its links, pictures, ids and elements, and whether its tags nest."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self.ids: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []
        self.nesting: list[str] = []
        self.doctype = ""
        self.text: list[str] = []

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append((tag, values))
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if tag in ("a", "link") and values.get("href"):
            self.links.append(str(values["href"]))
        if tag in ("img", "script") and tag == "img":
            self.images.append(values)
        if tag == "script" and values.get("src"):
            self.links.append(str(values["src"]))
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.open or self.open[-1] != tag:
            self.nesting.append(f"</{tag}> closes <{self.open[-1] if self.open else ''}>")
            return
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


# Every document of the example campaign (YAML files with a `template:` line).
EXAMPLE_DOCUMENTS = sorted(
    p
    for p in (EXAMPLES / "zhanaozen").rglob("*.yaml")
    if "template:" in p.read_text(encoding="utf-8")
)


def read_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run, Path]:
    folder = tmp_path_factory.mktemp("site")
    public, cache = folder / "public", folder / "cache"
    run = run_cli("site", EXAMPLES / "zhanaozen", "-o", public, "--cache", cache)
    return public, run, cache


PAGES = {"en": "index.html", "ru": "ru/index.html", "kk": "kk/index.html"}


def test_the_campaign_site_is_written_in_english_russian_and_kazakh(
    site: tuple[Path, Run, Path],
) -> None:
    public, run, _ = site
    assert run.exit_code == 0, run.stderr
    count = len(EXAMPLE_DOCUMENTS)
    assert (
        f"{count} documents in 3 languages (en, ru, kk): {count} built, 0 up to date, 0 failed"
        in run.stderr
    )
    for language, name in PAGES.items():
        page = read_page(public / name)
        html = next(values for tag, values in page.tags if tag == "html")
        assert html["lang"] == language
        assert page.doctype.lower() == "doctype html"
        assert [tag for tag, _ in page.tags].count("h1") == 1
        assert not page.nesting and page.open == []
        assert len(page.ids) == len(set(page.ids)), "ids are unique"
        # Plain HTML and CSS: no script, no inline style (a strict policy would refuse it).
        assert not any(tag == "script" for tag, _ in page.tags)
        assert not any("style" in values for _, values in page.tags)
        alternates = {
            values["hreflang"]
            for tag, values in page.tags
            if tag == "link" and values.get("hreflang")
        }
        assert alternates == {"en", "ru", "kk"}
    russian = squash(" ".join(read_page(public / PAGES["ru"]).text))
    assert "Справедливость для нефтяников Жанаозена" in russian
    assert "Скачайте документы кампании" in russian
    kazakh = squash(" ".join(read_page(public / PAGES["kk"]).text))
    assert "Жаңаөзен мұнайшыларына әділдік" in kazakh


def test_every_link_and_picture_on_every_page_resolves(site: tuple[Path, Run, Path]) -> None:
    public, _, _ = site
    checked = 0
    for name in PAGES.values():
        page_file = public / name
        page = read_page(page_file)
        targets = page.links + [str(image["src"]) for image in page.images]
        for target in targets:
            parts = urlsplit(target)
            if parts.scheme in ("http", "https", "mailto"):
                assert parts.scheme != "http" or "example" in target, target
                continue
            assert not parts.scheme and not parts.netloc, target
            file = (page_file.parent / unquote(parts.path)).resolve() if parts.path else page_file
            if file.is_dir():
                file = file / "index.html"
            assert file.is_file(), f"{name}: {target} leads nowhere"
            assert file.is_relative_to(public.resolve()), target
            if parts.fragment:
                assert parts.fragment in read_page(file).ids, f"{name}: {target}: no such place"
            checked += 1
    assert checked > 60


def test_pictures_have_words_and_first_pages_are_drawn(site: tuple[Path, Run, Path]) -> None:
    from PIL import Image, ImageStat

    public, _, _ = site
    page = read_page(public / "index.html")
    for image in page.images:
        assert "alt" in image
    thumbnails = [i for i in page.images if "thumbnail" in str(i.get("class"))]
    # One a document, a document once in all its languages: the motion, the conference
    # motion and its amendment, the letter, the sheet, two leaflets.
    assert len(thumbnails) == 7
    assert "First page of “Justice for the Zhanaozen oil workers”" in [t["alt"] for t in thumbnails]
    qr = next(i for i in page.images if "qr-en.svg" in str(i["src"]))
    assert (
        qr["alt"]
        == "QR code of this page: https://peopleandnature.wordpress.com/kazakh-oil-workers/"
    )
    for image in thumbnails:
        with Image.open(public / str(image["src"])) as picture:
            assert picture.size == (int(str(image["width"])), int(str(image["height"])))
            # A page with a red band and text on it, not a blank square.
            assert max(ImageStat.Stat(picture.convert("L")).stddev) > 20


def test_documents_printings_counts_and_sizes(site: tuple[Path, Run, Path]) -> None:
    import pypdfium2

    public, _, _ = site
    text = squash(" ".join(read_page(public / "index.html").text))
    assert "19 signatories" in text  # the open letter's count, as it prints it
    assert re.search(r"Also in: Русский ?, Қазақша", text)
    assert re.search(r"For an office printer: 2 to an A4 sheet, then cut \d+ pages? · \d+ KB", text)
    assert "For a print shop: A6 with bleed and crop marks (PDF/X-4)" in text
    shop = pypdfium2.PdfDocument(public / "files" / "demo-leaflet.print-shop.pdf")
    office = pypdfium2.PdfDocument(public / "files" / "demo-leaflet.pdf")
    try:
        page = shop[0]
        assert page.get_trimbox() != page.get_mediabox()  # bleed and marks around the A5
        width, height = (
            page.get_trimbox()[2] - page.get_trimbox()[0],
            page.get_trimbox()[3] - page.get_trimbox()[1],
        )
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (148, 210)
        sheet = office[0].get_size()
        assert (round(sheet[0] / 72 * 25.4), round(sheet[1] / 72 * 25.4)) == (297, 210)
    finally:
        shop.close()
        office.close()
    assert "Справедливость для нефтяников Жанаозена" in pdf_text(
        public / "files" / "ru" / "model-resolution.pdf"
    )


def test_a_second_run_builds_nothing_and_keeps_the_files(
    site: tuple[Path, Run, Path], cli: Callable[..., Run]
) -> None:
    public, _, cache = site
    pdf = public / "files" / "model-resolution.pdf"
    before = pdf.stat().st_mtime_ns
    run = cli("site", EXAMPLES / "zhanaozen", "-o", public, "--cache", cache)
    assert run.exit_code == 0, run.stderr
    assert f"0 built, {len(EXAMPLE_DOCUMENTS)} up to date, 0 failed" in run.stderr
    assert pdf.stat().st_mtime_ns == before
    # Nothing private is published: no build record, no path of this machine.
    assert not list(public.rglob(".unionkit-build.json"))
    for page in PAGES.values():
        assert str(EXAMPLES) not in (public / page).read_text(encoding="utf-8")


def test_a_campaign_restyles_its_site_with_a_copied_site_template(
    tmp_path: Path, cli: Callable[..., Run]
) -> None:
    import shutil

    folder = tmp_path / "campaign"
    folder.mkdir()
    for name in ("campaign.yaml", "logo.png", "model-resolution.yaml"):
        shutil.copy(EXAMPLES / "zhanaozen" / name, folder / name)
    listed = cli("templates")
    assert re.search(r"^site\s+site\s+built-in\s+The campaign's web pages", listed.stdout, re.M)
    assert cli("templates", "copy", "site", folder / "our-site").exit_code == 0
    words = folder / "our-site" / "words" / "en.yaml"
    words.write_text(
        words.read_text(encoding="utf-8").replace(
            "intro: Download the campaign's documents to print, adapt and pass on.",
            "intro: Everything your branch needs for the Zhanaozen campaign.",
        ),
        encoding="utf-8",
    )
    campaign = folder / "campaign.yaml"
    campaign.write_text(
        campaign.read_text(encoding="utf-8") + "site:\n  template: ./our-site\n", encoding="utf-8"
    )
    run = cli("site", folder, "-o", tmp_path / "public", "--cache", tmp_path / "cache")
    assert run.exit_code == 0, run.stderr
    page = (tmp_path / "public" / "index.html").read_text(encoding="utf-8")
    assert "Everything your branch needs for the Zhanaozen campaign." in page
    # The folder is not a document template, and saying so is clear.
    motion = folder / "model-resolution.yaml"
    motion.write_text(
        motion.read_text(encoding="utf-8").replace("template: resolution", "template: ./our-site"),
        encoding="utf-8",
    )
    checked = cli("check", motion)
    assert "is a site template (for `unionkit site` and `unionkit serve`)" in checked.stderr


def test_colours_are_made_readable() -> None:
    from toolkit.site.pages import contrast, readable_colours

    for colour in ("#ffd700", "#b3121b", "#0a5c36", "#eeeeee", "#000"):
        colours = readable_colours(colour)
        assert contrast(colours["accent"], "#ffffff") >= 4.5, colour
        assert contrast(colours["band"], colours["on_band"]) >= 4.5, colour
    assert readable_colours("#b3121b")["accent"] == "#b3121b"  # already readable: unchanged


def test_every_site_word_catalogue_names_every_kind() -> None:
    from toolkit import kinds
    from toolkit.site.theme import find_site_template

    template = find_site_template(None, EXAMPLES)
    for language, words in template.words.items():
        for name in kinds.names():
            assert f"kind_{name}" in words, (language, name)
