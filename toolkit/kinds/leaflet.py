"""Event leaflets and flyers: A4, A5 or A6, one page a side, for an office printer or a shop."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, ValidationInfo, field_validator

from toolkit.context import (
    MAX_IMAGE_PIXELS,
    DocumentContext,
    PrintSetup,
    checked_image,
    common_context,
    format_date,
    format_time,
)
from toolkit.document import LoadedDocument, Place
from toolkit.errors import InputError
from toolkit.formats import PDF_VARIANTS
from toolkit.kinds.base import Kind, Layout, Section
from toolkit.model import Document, IsoDate, Line, Markdown, Strict, WebAddress

if TYPE_CHECKING:
    PdfVariant = str
else:
    PdfVariant = Literal[PDF_VARIANTS]

COPIES_PER_A4: dict[str, tuple[int, ...]] = {"A4": (1,), "A5": (1, 2), "A6": (1, 2, 4)}
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_LENGTH = re.compile(r"(\d+(?:\.\d+)?)\s*mm")


def _clock_time(value: str) -> str:
    match = _TIME.fullmatch(value.strip())
    if not match:
        raise ValueError("write the time as HH:MM on the 24-hour clock, e.g. 18:00")
    return f"{int(match[1]):02d}:{match[2]}"


def _bleed(value: str) -> str:
    match = _LENGTH.fullmatch(value.strip())
    if not match or not 0 <= float(match[1]) <= 10:
        raise ValueError("write the bleed in millimetres, from 0mm to 10mm, e.g. 3mm")
    return f"{float(match[1]):g}mm"


ClockTime = Annotated[str, AfterValidator(_clock_time)]
PaperSize = Literal["A4", "A5", "A6"]


class Event(Strict):
    """One stop of an event: a demonstration can have two, a film showing one."""

    title: Line | None = None
    """What happens there, e.g. "Protest at the Foreign Office"."""
    date: IsoDate
    """The day, as YYYY-MM-DD; printed in the leaflet's language."""
    time: ClockTime | None = None
    """The start, as HH:MM on the 24-hour clock; printed in the language's usual form."""
    venue: Line | None = None
    """Where, e.g. "Foreign Office"."""
    address: Line | None = None
    """The street address, e.g. "King Charles Street, London SW1A 2AH"."""


class Speaker(Strict):
    """Somebody speaking at the event."""

    name: Line
    """The speaker's name."""
    role: Line | None = None
    """Who they are, e.g. "director of the film"."""


class PrintOptions(Strict):
    """For a print shop: bleed, crop marks, a PDF standard."""

    bleed: Annotated[str, AfterValidator(_bleed)] = "0mm"
    """How far the background runs past the trim, in mm (print shops ask for 3mm)."""
    crop_marks: bool = False
    """Print crop marks outside the trim, where the print shop cuts."""
    pdf_variant: PdfVariant | None = None
    """A PDF standard the print shop or archive wants, e.g. pdf/x-4 or pdf/a-3b."""


class Leaflet(Document):
    """An event leaflet or flyer: A4, A5 or A6, with a QR code, for an office printer or a
    print shop."""

    size: PaperSize = "A5"
    """The finished size: A4, A5 or A6."""
    orientation: Literal["portrait", "landscape"] = "portrait"
    """portrait or landscape."""
    per_sheet: int = 1
    """Copies on one A4 sheet, with cut marks: 2 for A5, 4 for A6 (1: the leaflet alone)."""
    headline: Line
    """The big words, e.g. "Justice for Kazakhstan's oil workers"."""
    subheading: Line | None = None
    """A line under the headline, e.g. "Demonstration on the second anniversary"."""
    events: list[Event] = []
    """When and where: a list of `title`, `date`, `time`, `venue`, `address`."""
    body: Markdown | None = None
    """A few lines of Markdown: why people should come."""
    speakers: list[Speaker] = []
    """Who speaks: a list of `name` and `role`."""
    image: Line | None = None
    """A PNG, JPEG or SVG file in this document's folder (or below it), placed on the
    leaflet."""
    link: WebAddress | None = None
    """A web address printed as text and as a QR code."""
    organisers: Line | None = None
    """Who organises, e.g. "Organised by the Solicitors International Human Rights Group"."""
    print: PrintOptions = PrintOptions()
    """For a print shop: `bleed` (e.g. 3mm), `crop_marks` (true/false), `pdf_variant`."""

    @field_validator("per_sheet")
    @classmethod
    def _fits_the_sheet(cls, per_sheet: int, info: ValidationInfo) -> int:
        size = info.data.get("size", "A5")
        fits = COPIES_PER_A4[size]
        if per_sheet not in fits:
            raise ValueError(
                f"{size} fits {' or '.join(map(str, fits))} to an A4 sheet, not {per_sheet}:"
                f" choose {'a smaller size' if per_sheet > fits[-1] else 'another number'}"
            )
        return per_sheet


def build_context(doc: LoadedDocument) -> DocumentContext:
    """A leaflet's context: events in the language's date and time forms, image, QR link."""
    model = doc.model
    assert isinstance(model, Leaflet)
    context = common_context(doc, model.headline, None)
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


KIND = Kind(
    name="leaflet",
    model=Leaflet,
    build_context=build_context,
    values=frozenset(
        {
            "size",
            "orientation",
            "page_css",
            "bleed",
            "crop_marks",
            "headline",
            "subheading",
            "events",
            "body",
            "speakers",
            "image",
            "link",
            "link_text",
            "organisers",
        }
    ),
    sections=(
        Section("Leaflet (`template: leaflet`)", Leaflet, own_only=True),
        Section("`events:` items", Event),
        Section("`speakers:` items", Speaker),
        Section("`print:`", PrintOptions),
    ),
    layout=Layout(one_page=True, own_paper=True),
    name_fields=("image", "size", "orientation", "print", "link"),
)
