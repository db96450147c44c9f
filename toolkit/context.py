"""Validated document -> the plain data a template sees (one context for PDF and DOCX)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, time
from pathlib import Path
from typing import Any

from toolkit.clock import creation_date
from toolkit.document import LoadedDocument, Place
from toolkit.errors import InputError, Problem
from toolkit.markdown import first_paragraph, to_plain
from toolkit.messages import BABEL_LOCALE, count_text, labels_for
from toolkit.model import Leaflet, Letter, Resolution, SignOnSheet
from toolkit.signatories import Signatory, group_signatories

_WORD = re.compile(r"\w", re.UNICODE)
MAX_LOGO_PIXELS = 2000 * 2000
MAX_IMAGE_PIXELS = 40_000_000  # a 300 dpi A4 photograph is 8.7 million
MAX_SVG_BYTES = 2 * 1024 * 1024
DEFAULT_COLOUR = "#b3121b"
RUN_IN_FROM = 300
SUMMARY_WORDS = 60  # what fits above the ruled rows of a landscape sheet


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


def build_context(doc: LoadedDocument) -> DocumentContext:
    """Turn a loaded document into the data its template sees."""
    builders = {
        Resolution: _resolution,
        Letter: _letter,
        SignOnSheet: _sign_on_sheet,
        Leaflet: _leaflet,
    }
    return builders[type(doc.model)](doc)


def _common(doc: LoadedDocument, kind: str, title: str, author: str | None) -> DocumentContext:
    """What every kind shares: language, labels, campaign block, metadata."""
    language = doc.model.language or doc.campaign.language or "en"
    campaign = doc.campaign
    logo = _logo(doc) if campaign.logo else None
    website = campaign.website.split("://", 1)[-1].rstrip("/") if campaign.website else None
    contact = [v for v in (campaign.name, website, campaign.email) if v]
    values: dict[str, Any] = {
        "kind": kind,
        "language": language,
        "labels": labels_for(language),
        "title": title,
        "campaign": {
            "name": campaign.name,
            "website": campaign.website,
            "email": campaign.email,
            "colour": campaign.colour or DEFAULT_COLOUR,
            "logo": logo,
            "contact_line": " · ".join(contact),
        },
    }
    images = [logo.path()] if logo is not None else []
    author = campaign.name or author or "unionkit"
    return DocumentContext(values, title, author, language, images, doc.source.file)


def _resolution(doc: LoadedDocument) -> DocumentContext:
    """A resolution's context; checks its word limit and reports its fill-in blanks."""
    model = doc.model
    assert isinstance(model, Resolution)
    source = doc.source
    context = _common(doc, "resolution", model.title, model.branch.name)
    language, labels = context.language, context.values["labels"]

    branch: dict[str, str | None] = {
        "name": model.branch.name,
        "union": model.branch.union,
        "meeting_date": (
            format_date(model.branch.meeting_date, language) if model.branch.meeting_date else None
        ),
    }
    for key, value in branch.items():
        if value is None:
            path = ("branch", key)
            context.warnings.append(
                Problem(
                    source.file,
                    source.line_of(path),
                    f"branch.{key}",
                    "left out: printed as a fill-in blank for the branch to complete",
                    warning=True,
                )
            )

    sections: list[dict[str, Any]] = [
        {"key": key, "heading": labels[key], "points": list(items)}
        for key, items in (
            ("notes", model.notes),
            ("believes", model.believes),
            ("resolves", model.resolves),
        )
        if items
    ]
    word_count = count_words(
        [s["heading"] for s in sections] + [point for s in sections for point in s["points"]]
    )
    if model.word_limit is not None and word_count > model.word_limit:
        raise InputError(
            f"the motion has {word_count} words, {word_count - model.word_limit} more than the"
            f" limit of {model.word_limit}: shorten the notes, believes and resolves items",
            file=source.file,
            line=source.line_of(("word_limit",)),
            field="word_limit",
        )
    context.values.update(
        {
            "branch": branch,
            "intro": model.intro,
            "sections": sections,
            "send_to": [{"name": r.name, "email": r.email} for r in model.send_to],
            "word_count": word_count,
            "word_limit": model.word_limit,
            "word_count_text": (
                labels["word_count_limit"].format(count=word_count, limit=model.word_limit)
                if model.word_limit
                else labels["word_count"].format(count=word_count)
            ),
            "signatures": [
                labels["proposed_by"],
                labels["seconded_by"],
                labels["chair_or_secretary"],
                labels["date"],
            ],
        }
    )
    return context


def signatory_line(person: Signatory) -> str:
    """How one signatory prints: name, role, organisation (never the email)."""
    return ", ".join(part for part in (person.name, person.role, person.organisation) if part)


def _letter(doc: LoadedDocument) -> DocumentContext:
    """A letter's context: its parts and its grouped, sorted, counted signatories."""
    model = doc.model
    assert isinstance(model, Letter) and doc.signatories is not None
    context = _common(doc, "letter", model.subject, None)
    language, labels = context.language, context.values["labels"]
    context.warnings.extend(doc.signatories.warnings)
    people = doc.signatories.kept
    groups = group_signatories(people, list(model.groups), model.sort)
    named_groups = [heading for heading, _ in groups if heading]
    context.values.update(
        {
            "date": format_date(model.date or creation_date().date(), language),
            "to": (
                {"name": model.to.name, "role": model.to.role, "address": list(model.to.address)}
                if model.to
                else None
            ),
            "subject": model.subject,
            "salutation": model.salutation,
            "body": model.body,
            "closing": model.closing or labels["closing"],
            "signatory_count": len(people),
            "signatory_count_text": count_text(language, "signatories", len(people)),
            "signatory_groups": [
                {
                    # Under named groups, the ungrouped need a heading of their own.
                    "heading": heading or (labels["other_signatories"] if named_groups else ""),
                    "count_text": count_text(language, "signatories", len(members))
                    if named_groups
                    else "",
                    "people": [
                        {
                            "name": person.name,
                            "details": ", ".join(
                                part for part in (person.role, person.organisation) if part
                            ),
                            "line": signatory_line(person),
                        }
                        for person in members
                    ],
                }
                for heading, members in groups
            ],
            # Long lists go into columns so hundreds of names take a few pages, not hundreds;
            # past a few hundred, names run on in their columns like a newspaper's list.
            "signatory_columns": 1 if len(people) <= 12 else 2 if len(people) <= 60 else 3,
            "signatory_run_in": len(people) > RUN_IN_FROM,
        }
    )
    return context


def _shortened(text: str, words: int) -> str:
    """`text` cut to about `words` words, at a word, with an ellipsis if it was longer."""
    parts = text.split()
    return text if len(parts) <= words else " ".join(parts[:words]).rstrip(",;:") + "…"


def _sign_on_sheet(doc: LoadedDocument) -> DocumentContext:
    """A sign-on sheet's context: the letter's subject, a summary, ruled rows per page."""
    model = doc.model
    assert isinstance(model, SignOnSheet) and doc.letter is not None
    letter = doc.letter
    context = _common(doc, "sign-on-sheet", letter.subject, None)
    labels = context.values["labels"]
    summary = model.summary or _shortened(first_paragraph(letter.body), SUMMARY_WORDS)
    context.values.update(
        {
            "subject": letter.subject,
            "summary": summary,
            "columns": [labels[key] for key in ("name", "role", "organisation", "email")]
            + [labels["signature"]],
            "rows": model.rows,
            # Rows share the height left under the heading, never less than 5 mm to sign in.
            "row_height_mm": round(max(5.0, min(11.0, 118.0 / model.rows)), 1),
            "pages": [
                {"number": n + 1, "rows": list(range(model.rows))} for n in range(model.pages)
            ],
        }
    )
    return context


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
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()):
        raise place.problem(f"{name!r} lies outside {where}: copy it there")
    if not path.is_file():
        raise place.problem(f"{name!r} not found: put the image in {where}")
    if svg and path.suffix.lower() == ".svg":
        head = path.read_bytes()[: MAX_SVG_BYTES + 1]
        if len(head) > MAX_SVG_BYTES or b"<svg" not in head:
            raise place.problem(f"{name!r} is not an SVG image of sensible size (under 2 MB)")
        return ImageRef(path, description)
    try:
        with Image.open(path) as image:
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
    except Image.DecompressionBombError:
        raise place.problem(f"{name!r} is far too large an image") from None
    return ImageRef(path, description)


def _leaflet(doc: LoadedDocument) -> DocumentContext:
    """A leaflet's context: events in the language's date and time forms, image, QR link."""
    model = doc.model
    assert isinstance(model, Leaflet)
    context = _common(doc, "leaflet", model.headline, None)
    language = context.language
    image = None
    if model.image:
        image = checked_image(
            model.image,
            doc.source.file.parent,
            Place(doc.source.file, doc.source.line_of(("image",)), "image"),
            where="this document's folder",
            max_pixels=MAX_IMAGE_PIXELS,
            svg=True,
            description=model.headline,
        )
        context.allowed_files.append(image.path())
    options = model.print
    if model.per_sheet > 1 and (
        options.bleed != "0mm" or options.crop_marks or options.pdf_variant
    ):
        raise InputError(
            "per_sheet is for printing copies on an office printer; for a print shop (bleed,"
            " crop marks, a PDF standard) use per_sheet: 1 and let the shop impose",
            file=doc.source.file,
            line=doc.source.line_of(("per_sheet",)),
            field="per_sheet",
        )
    context.values.update(
        {
            "size": model.size,
            "orientation": model.orientation,
            "page_css": f"{model.size} {model.orientation}",
            "bleed": options.bleed,
            "crop_marks": options.crop_marks,
            "headline": model.headline,
            "subheading": model.subheading,
            "events": [
                {
                    "title": event.title,
                    "date": format_date(event.date, language, with_weekday=True),
                    "time": format_time(event.time, language) if event.time else None,
                    "venue": event.venue,
                    "address": event.address,
                }
                for event in model.events
            ],
            "body": model.body,
            "speakers": [{"name": s.name, "role": s.role} for s in model.speakers],
            "image": image,
            "link": model.link,
            "link_text": model.link.split("://", 1)[-1].rstrip("/") if model.link else None,
            "organisers": model.organisers,
        }
    )
    context.print = PrintSetup(
        per_sheet=model.per_sheet,
        size=model.size,
        orientation=model.orientation,
        pdf_variant=options.pdf_variant,
        bleed_mm=float(options.bleed.removesuffix("mm")),
        crop_marks=options.crop_marks,
    )
    return context
