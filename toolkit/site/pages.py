"""The campaign site's pages: the plain data each page's template sees (words in its language,
documents, links between languages, readable colours, the QR code), and the pages written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from toolkit import api
from toolkit.site.catalogue import CampaignFacts, Catalogue, Entry
from toolkit.site.theme import SiteTemplate, Words, environment, find_site_template

# The language's own name, for links between the pages of each language.
AUTONYMS = {"en": "English", "ru": "Русский", "kk": "Қазақша", "uk": "Українська", "fr": "Français"}
BABEL_LOCALE = {"en": "en_GB", "ru": "ru", "kk": "kk", "uk": "uk", "fr": "fr"}


def page_path(language: str, catalogue: Catalogue) -> str:
    """Where a language's page lies in the site: the campaign's language at the root."""
    return "index.html" if language == catalogue.default_language else f"{language}/index.html"


def page_url(language: str, catalogue: Catalogue) -> str:
    """The page's address below the site's address ("" or "ru/")."""
    return "" if language == catalogue.default_language else f"{language}/"


class PageWords:
    """The site's words in one language, with counts in its plural forms."""

    def __init__(self, words: Words, language: str) -> None:
        self.words = words
        self.language = language

    def __getitem__(self, key: str) -> str:
        value = self.words[key]
        return value if isinstance(value, str) else value.get("other", "")

    def get(self, key: str, default: str = "") -> str:
        return self[key] if key in self.words else default

    def count(self, key: str, count: int) -> str:
        from babel import Locale
        from babel.numbers import format_decimal

        entry = self.words[key]
        locale = BABEL_LOCALE[self.language]
        number = format_decimal(count, locale=locale)
        if isinstance(entry, str):
            return entry.format(count=number)
        form = Locale.parse(locale).plural_form(count)
        return entry.get(form, entry["other"]).format(count=number)

    def size(self, size: int) -> str:
        from babel.numbers import format_decimal

        locale = BABEL_LOCALE[self.language]
        if size < 1_000_000:
            return self["size_kb"].format(
                size=format_decimal(max(1, round(size / 1000)), locale=locale)
            )
        return self["size_mb"].format(
            size=format_decimal(round(size / 1_000_000, 1), locale=locale)
        )

    def plain(self) -> dict[str, str]:
        return {key: self[key] for key in self.words}


def campaign_for(language: str, catalogue: Catalogue) -> CampaignFacts:
    """The campaign as the page in `language` names it: from a document in that language,
    else from the campaign's own language."""
    for code in (language, catalogue.default_language):
        for entry in catalogue.entries:
            if entry.language == code:
                return entry.campaign
    return catalogue.entries[0].campaign if catalogue.entries else CampaignFacts()


def _luminance(colour: str) -> float:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours."""
    a, b = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _darker(colour: str, amount: float) -> str:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = [round(int(value[i : i + 2], 16) * (1 - amount)) for i in (0, 2, 4)]
    return "#" + "".join(f"{c:02x}" for c in channels)


def readable_colours(colour: str) -> dict[str, str]:
    """The campaign colour made readable (WCAG AA, 4.5:1): the colour for text and links on
    white (darkened as far as needed), and white or near-black for text on the colour."""
    text = colour
    step = 0.0
    while contrast(text, "#ffffff") < 4.5 and step < 1:
        step += 0.05
        text = _darker(colour, step)
    on_band = "#ffffff" if contrast(colour, "#ffffff") >= contrast(colour, "#111111") else "#111111"
    band = colour if contrast(colour, on_band) >= 4.5 else text
    return {"accent": text, "band": band, "on_band": on_band}


def campaign_css(colour: str) -> str:
    """The campaign's colours as CSS custom properties (a file, so no inline style is
    needed under a strict Content-Security-Policy)."""
    colours = readable_colours(colour)
    return (
        ":root {\n"
        f"  --campaign-accent: {colours['accent']};\n"
        f"  --campaign-band: {colours['band']};\n"
        f"  --campaign-on-band: {colours['on_band']};\n"
        "}\n"
    )


def qr_svg(address: str, title: str) -> bytes:
    """A QR code of a page's address, as an SVG file with a title for screen readers."""
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(address, error="m").save(
        buffer, kind="svg", scale=4, border=2, title=title, xmldecl=True, svgns=True
    )
    return buffer.getvalue()


def _slug(entry: Entry) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", entry.group.lower()).strip("-")


def page_context(
    catalogue: Catalogue,
    template: SiteTemplate,
    language: str,
    *,
    root: str,
    qr: str,
    address: str,
    serving: bool = False,
    passed: dict[str, int] | None = None,
    signing: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What a page's template sees: only plain data (text, numbers, lists, groups).
    `signing`: the current count of each letter that collects signatures (by its id), which
    then gets a link to its sign-on page."""
    words = PageWords(template.words[language], language)
    campaign = campaign_for(language, catalogue)
    groups: dict[str, list[Entry]] = {}
    for entry in catalogue.entries:
        groups.setdefault(entry.group, []).append(entry)
    documents = []
    for members in groups.values():
        chosen = next((e for e in members if e.language == language), None)
        chosen = chosen or next(
            (e for e in members if e.language == catalogue.default_language), members[0]
        )
        others = [e for e in members if e is not chosen]
        documents.append(
            _document(chosen, others, words, catalogue, root, serving, passed, signing or {})
        )
    languages = [
        {
            "code": code,
            "name": AUTONYMS[code],
            "href": root + (page_url(code, catalogue) or "./"),
            "current": code == language,
        }
        for code in catalogue.languages
    ]
    return {
        "language": language,
        "direction": "ltr",
        "root": root,
        "words": words.plain(),
        "languages": languages if len(languages) > 1 else [],
        "campaign": {
            "name": campaign.name,
            "email": campaign.email,
            "website": campaign.website,
            "website_text": campaign.website.split("://", 1)[-1].rstrip("/"),
            "logo": root + campaign.logo if campaign.logo else "",
            "icon": root + campaign.logo if campaign.logo else "",
            "logo_alt": words["logo_alt"].format(name=campaign.name) if campaign.name else "",
        },
        "stylesheets": [root + "assets/site.css", root + "assets/campaign.css"],
        "qr": {"src": qr, "address": address, "alt": words["qr_alt"].format(address=address)}
        if address
        else None,
        "documents": documents,
        "serving": serving,
    }


def _document(
    entry: Entry,
    others: list[Entry],
    words: PageWords,
    catalogue: Catalogue,
    root: str,
    serving: bool,
    passed: dict[str, int] | None,
    signing: dict[str, str],
) -> dict[str, Any]:
    printings = []
    for printing in entry.printings:
        facts = dict(printing.facts)
        label = words.get(f"printing_{printing.key}", "").format(**facts) if facts else ""
        if printing.key != "document" and not label:
            label = words.get(f"printing_{printing.key}", printing.key)
        printings.append(
            {
                "key": printing.key,
                "label": label,
                "href": root + printing.pdf,
                "size": words.size(printing.pdf_bytes),
                "pages": words.count("pages", printing.pages),
            }
        )
    first = entry.printings[0] if entry.printings else None
    count = passed.get(entry.id) if passed else None
    return {
        "id": entry.id,
        "anchor": _slug(entry),
        "kind": entry.kind,
        "kind_name": words.get(f"kind_{entry.kind}", entry.kind),
        "language": entry.language,
        "language_name": AUTONYMS[entry.language],
        "title": entry.title,
        # A letter that collects signatures shows its count now, not when it was built.
        "note": signing.get(entry.id, entry.note),
        "pages": words.count("pages", first.pages) if first else "",
        "thumbnail": {
            "src": root + entry.thumbnail,
            "width": entry.thumbnail_size[0],
            "height": entry.thumbnail_size[1],
            "alt": words["thumbnail_alt"].format(title=entry.title),
        }
        if entry.thumbnail
        else None,
        "printings": printings,
        "docx": {"href": root + entry.docx, "size": words.size(entry.docx_bytes)}
        if entry.docx
        else None,
        "translations": [
            {
                "language": other.language,
                "name": AUTONYMS[other.language],
                "href": root + (page_url(other.language, catalogue) or "./") + "#" + _slug(other),
            }
            for other in sorted(others, key=lambda e: catalogue.languages.index(e.language))
        ],
        "form": {"href": root + "make/" + entry.id} if serving and entry.form else None,
        "passed": words.count("passed_count", count) if count else "",
        "sign": {"href": root + "sign/" + entry.id} if serving and entry.id in signing else None,
    }


def site_address(catalogue: Catalogue, language: str) -> str:
    """The published address of a language's page, when the campaign says where the site is
    (else its website, which is then taken for the campaign's page)."""
    base = campaign_for(catalogue.default_language, catalogue).address
    if not base:
        return ""
    return base.rstrip("/") + "/" + page_url(language, catalogue)


def write_pages(catalogue: Catalogue, public: Path) -> list[Path]:
    """Write the page of every language, the stylesheets and the QR codes; the pages
    written."""
    from toolkit.sandbox import time_limit

    template = find_site_template_of(catalogue)
    env = environment(template, {})
    written = []
    default = campaign_for(catalogue.default_language, catalogue)
    stylesheet = (template.folder / template.manifest.site.stylesheet).read_bytes()
    api.write(public / "assets" / "site.css", stylesheet)
    # The form's script, for `unionkit serve` (the static pages need none).
    script = template.folder / template.manifest.site.script
    api.write(public / "assets" / Path(template.manifest.site.script).name, script.read_bytes())
    api.write(public / "assets" / "campaign.css", campaign_css(default.colour).encode())
    for language in catalogue.languages:
        relative = page_path(language, catalogue)
        root = "../" * relative.count("/")
        address = site_address(catalogue, language)
        qr = ""
        if address:
            qr_file = f"assets/qr-{language}.svg"
            title = PageWords(template.words[language], language)["qr_alt"].format(address=address)
            api.write(public / qr_file, qr_svg(address, title))
            qr = root + qr_file
        values = page_context(catalogue, template, language, root=root, qr=qr, address=address)
        with time_limit():
            html = env.get_template(template.manifest.site.index).render(values)
        api.write(public / relative, html.encode("utf-8"))
        written.append(public / relative)
    return written


def find_site_template_of(catalogue: Catalogue) -> SiteTemplate:
    from toolkit.site.theme import read_site_template

    if catalogue.site_template:
        return read_site_template(Path(catalogue.site_template))
    return find_site_template(None, Path(catalogue.campaign_folder))
