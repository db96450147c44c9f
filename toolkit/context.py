"""Validated document -> the plain data a template sees (one context for PDF and DOCX)."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from toolkit.dates import reading_warnings
from toolkit.document import LoadedDocument, Place
from toolkit.errors import Problem
from toolkit.kinds.base import Layout
from toolkit.markdown import to_plain
from toolkit.messages import BABEL_LOCALE, labels_for
from toolkit.paths import is_inside

_WORD = re.compile(r"\w", re.UNICODE)
MAX_LOGO_PIXELS = 2000 * 2000
MAX_IMAGE_PIXELS = 40_000_000  # a 300 dpi A4 photograph is 8.7 million
MAX_SVG_BYTES = 2 * 1024 * 1024
DEFAULT_COLOUR = "#b3121b"


class ImageRef:
    """An image a template may place (through the `image` filter) but cannot look inside."""

    __slots__ = ("_description", "_path")

    def __init__(self, path: Path, description: str = "") -> None:
        self._path = path
        self._description = description

    def path(self) -> Path:
        return self._path

    def description(self) -> str:
        """The alternative text a screen reader says for the image."""
        return self._description


@dataclass(frozen=True)
class PrintSetup:
    """How the PDF is laid on paper: the finished size, copies per A4 sheet, PDF standard."""

    per_sheet: int = 1
    size: str = "A4"
    orientation: str = "portrait"
    pdf_variant: str | None = None
    bleed_mm: float = 0.0
    crop_marks: bool = False
    sides: int = 1
    """2 for a double-sided document: its pages are fronts and backs in turn."""
    type_scale: float = 1.0
    """How much larger than its Word template the paper's type is (a leaflet's template is
    drawn for A5); the DOCX multiplies it by the fitting scale."""
    min_type_pt: float = 0.0
    """No text in the DOCX is set smaller than this."""
    line_numbers: int = 0
    """Number every Nth line of the text in the margin (0: none): the PDF numbers the lines
    it lays out, the DOCX turns on Word's own line numbering."""


@dataclass(frozen=True)
class Revision:
    """Who made the changes a document marks (an amendment's mover) and when: the DOCX
    records them as Word tracked changes by that author on that date."""

    author: str
    date: datetime


@dataclass
class DocumentContext:
    """What the renderers need: the template data plus metadata and build warnings."""

    values: dict[str, Any]
    title: str
    author: str
    language: str
    allowed_files: list[Path]
    source: Path
    warnings: list[Problem] = field(default_factory=list)
    print: PrintSetup = field(default_factory=PrintSetup)
    layout: Layout = field(default_factory=Layout)
    """The kind's rules about pages (one page a side; its own paper size)."""
    prepared: dict[Path, bytes] = field(default_factory=dict)
    """Copies the renderers use instead of files in `allowed_files` (a photo turned upright
    and downsampled for print)."""
    revision: Revision | None = None
    """Set when the text marks insertions and deletions (see `toolkit.markdown.INSERTED`)."""


def format_date(value: date, language: str, *, with_weekday: bool = False) -> str:
    """A date in the language's long form, e.g. "16 December 2013" (or "Monday 16 December
    2013" when the weekday helps, as on a leaflet)."""
    from babel.dates import format_date as babel_format_date

    locale = BABEL_LOCALE[language]
    text = str(babel_format_date(value, format="long", locale=locale))
    if with_weekday:
        weekday = str(babel_format_date(value, format="EEEE", locale=locale))
        text = f"{weekday} {text}" if language in ("en", "fr") else f"{weekday}, {text}"
    return text


def format_time(value: str, language: str) -> str:
    """A 24-hour HH:MM time in the language's usual short form."""
    from babel.dates import format_time as babel_format_time

    hours, minutes = (int(part) for part in value.split(":"))
    return str(
        babel_format_time(time(hours, minutes), format="short", locale=BABEL_LOCALE[language])
    )


def count_words(texts: list[str]) -> int:
    """Words in Markdown texts, as a conference standing orders committee would count them."""
    return sum(1 for text in texts for token in to_plain(text).split() if _WORD.search(token))


def common_context(doc: LoadedDocument, title: str, author: str | None) -> DocumentContext:
    """What every kind's context shares: language, labels, campaign block, metadata, and the
    kind's layout rules."""
    kind = doc.kind.name
    language = doc.model.language or doc.campaign.language or "en"
    campaign = doc.campaign
    logo = _logo(doc) if campaign.logo else None
    website = campaign.website.split("://", 1)[-1].rstrip("/") if campaign.website else None
    contact = [v for v in (campaign.name, website, campaign.email) if v]
    labels = labels_for(language)
    labels.update((key, value) for key, value in label_overrides(doc).items() if key in labels)
    values: dict[str, Any] = {
        "kind": kind,
        "language": language,
        "labels": labels,
        "title": title,
        "campaign": {
            "name": campaign.name,
            "website": campaign.website,
            "email": campaign.email,
            "colour": campaign.colour or DEFAULT_COLOUR,
            "logo": logo,
            "contact_line": " · ".join(contact),
        },
        # How far the layout was scaled to fit its pages (1: full size); see Layout.fit_steps.
        "fit": {"scale": 1.0, "step": 0},
    }
    images = [logo.path()] if logo is not None else []
    author = campaign.name or author or "unionkit"
    context = DocumentContext(
        values, title, author, language, images, doc.source.file, layout=doc.kind.layout
    )
    # Dates typed in a form that reads two ways (01/06/2024): say how they were read.
    context.warnings.extend(reading_warnings(doc.model, doc.source))
    return context


def label_overrides(doc: LoadedDocument) -> dict[str, str]:
    """The labels a document sets in `labels:`, over those its campaign sets."""
    return {**doc.campaign.labels, **doc.model.labels}


def _logo(doc: LoadedDocument) -> ImageRef:
    """The campaign logo, checked."""
    assert doc.campaign.logo is not None and doc.logo_place is not None
    return checked_image(
        doc.campaign.logo,
        doc.campaign_folder,
        doc.logo_place,
        where="the campaign's folder",
        max_pixels=MAX_LOGO_PIXELS,
        svg=False,
        description=f"Logo: {doc.campaign.name or 'campaign'}",
    )


# An SVG drawing of a leaflet has hundreds of elements; thousands of reuses is a bomb.
MAX_SVG_ELEMENTS = 20_000
MAX_SVG_EXPANSION = 50_000
MAX_SVG_USE_DEPTH = 8
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*([^)'\"\s]*)", re.IGNORECASE)


def svg_problem(data: bytes) -> str | None:
    """Why an SVG picture is refused (None when it is not): entities or a DOCTYPE, a
    reference to any other file or to the internet, too many elements, or `<use>` chains
    that multiply them (a few kilobytes that would keep the layout busy for hours)."""
    from xml.etree import ElementTree

    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        return "it declares a DOCTYPE or entities; save it again as plain SVG"
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        return "it is not readable SVG"
    elements = list(root.iter())
    if len(elements) > MAX_SVG_ELEMENTS:
        return f"it has {len(elements):,} elements, more than {MAX_SVG_ELEMENTS:,}"
    by_id = {element.get("id"): element for element in elements if element.get("id")}
    for element in elements:
        for key in ("href", _XLINK_HREF, "src"):
            target = (element.get(key) or "").strip()
            if target and not target.startswith(("#", "data:image/")):
                return f"it refers to {target[:60]!r}; a picture must hold all it shows"
        for text in (element.get("style") or "", element.text or ""):
            for target in _CSS_URL.findall(text):
                if target and not target.startswith(("#", "data:image/")):
                    return f"it refers to {target[:60]!r}; a picture must hold all it shows"
    sizes: dict[int, int] = {}

    def expanded(element: Any, chain: tuple[int, ...]) -> int:
        key = id(element)
        if key in chain:
            raise ValueError("its <use> elements refer to each other in a circle")
        if len(chain) > MAX_SVG_USE_DEPTH * 4:
            raise ValueError("its <use> elements are nested too deeply")
        if key in sizes:
            return sizes[key]
        total = 1
        for child in element:
            total += expanded(child, (*chain, key))
        target = (element.get("href") or element.get(_XLINK_HREF) or "").strip()
        is_use = element.tag.rsplit("}", 1)[-1] == "use"
        if is_use and target.startswith("#") and target[1:] in by_id:
            total += expanded(by_id[target[1:]], (*chain, key))
        if total > MAX_SVG_EXPANSION:
            raise ValueError(
                f"its <use> elements multiply it to more than {MAX_SVG_EXPANSION:,} elements"
            )
        sizes[key] = total
        return total

    try:
        expanded(root, ())
    except ValueError as exc:
        return str(exc)
    except RecursionError:
        return "its <use> elements are nested too deeply"
    return None


def checked_image(
    name: str,
    folder: Path,
    place: Place,
    *,
    where: str,
    max_pixels: int,
    svg: bool,
    description: str,
) -> ImageRef:
    """An image a document names: local, inside `folder`, a sound PNG or JPEG (or SVG) of
    sane size. Anything else is an error at `place`."""
    from PIL import Image, UnidentifiedImageError

    kinds = "PNG, JPEG or SVG" if svg else "PNG or JPEG"
    if "://" in name:
        raise place.problem(
            f"{name!r} is on the internet: download it, put it in {where} and give its file name"
        )
    path = folder / name
    if not is_inside(path, folder):
        raise place.problem(f"{name!r} lies outside {where}: copy it there")
    path = path.resolve()
    if not path.is_file():
        raise place.problem(f"{name!r} not found: put the image in {where}")
    if svg and path.suffix.lower() == ".svg":
        with path.open("rb") as stream:
            head = stream.read(MAX_SVG_BYTES + 1)
        if len(head) > MAX_SVG_BYTES or b"<svg" not in head:
            raise place.problem(f"{name!r} is not an SVG image of sensible size (under 2 MB)")
        why = svg_problem(head)
        if why:
            raise place.problem(f"{name!r} cannot be used: {why}")
        return ImageRef(path, description)
    try:
        with warnings.catch_warnings():
            # Pillow only warns of a decompression bomb below twice its limit: refuse it.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(path)
        with image:
            if image.format not in ("PNG", "JPEG"):
                raise place.problem(f"{name!r} is {image.format}, not a {kinds} image")
            if image.width * image.height > max_pixels:
                raise place.problem(
                    f"{name!r} is {image.width}×{image.height} pixels, more than"
                    f" {max_pixels // 1_000_000} million: make it smaller"
                )
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise place.problem(f"{name!r} is not a readable {kinds} image") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise place.problem(f"{name!r} is far too large an image") from None
    return ImageRef(path, description)
