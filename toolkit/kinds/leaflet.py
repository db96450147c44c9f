"""Event leaflets and flyers: A4, A5 or A6, one page a side, for an office printer or a shop."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import AfterValidator, ValidationInfo, field_validator, model_validator

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
from toolkit.kinds.base import Kind, Layout, Section, Version
from toolkit.model import Document, IsoDate, Line, Markdown, Strict, WebAddress
from toolkit.pictures import print_picture

if TYPE_CHECKING:
    PdfVariant = str
else:
    PdfVariant = Literal[PDF_VARIANTS]

COPIES_PER_A4: dict[str, tuple[int, ...]] = {"A4": (1,), "A5": (1, 2), "A6": (1, 2, 4)}
PAPER_MM = {"A4": (210.0, 297.0), "A5": (148.0, 210.0), "A6": (105.0, 148.0)}
# The body text at full size, on the leaflet itself (the design is set in em from it).
BODY_PT = {"A4": 14.0, "A5": 10.5, "A6": 8.5}
# The smallest body text a leaflet may be fitted down to, on the printed sheet (so an
# imposed copy, which prints smaller, has less room to shrink), and the smallest of any text.
LEGIBLE_BODY_PT = {"A4": 9.0, "A5": 8.0, "A6": 6.5}
LEGIBLE_ANY_PT = 6.0
# The QR code keeps its size when the type shrinks: below about 0.4 mm a module, phones
# struggle.
QR_MM = {"A4": 32.0, "A5": 22.0, "A6": 17.0}
# The picture's largest height, as a share of the page height, at full size.
PICTURE_SHARE = 0.22
FIT_RATIO = 0.95
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


class Back(Strict):
    """The back of a double-sided leaflet: more to read, more dates, how to join in."""

    heading: Line | None = None
    """A heading for the back, e.g. "Why we demonstrate"."""
    body: Markdown | None = None
    """More to read, in Markdown: the story, the demands, a list."""
    events: list[Event] = []
    """Further dates: a list of `title`, `date`, `time`, `venue`, `address`."""
    join: Markdown | None = None
    """A "join us" block in Markdown: how to get involved and whom to contact."""

    @model_validator(mode="after")
    def _says_something(self) -> Back:
        if not (self.heading or self.body or self.events or self.join):
            raise ValueError("give the back a heading, body, events or join block, or leave it out")
        return self


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
    back: Back | None = None
    """Makes the leaflet double-sided: the back's `heading`, `body` (Markdown), further
    `events`, and a `join` block (Markdown)."""
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


def _events(events: list[Event], language: str) -> list[dict[str, str | None]]:
    return [
        {
            "title": event.title,
            "date": format_date(event.date, language, with_weekday=True),
            "time": format_time(event.time, language) if event.time else None,
            "venue": event.venue,
            "address": event.address,
        }
        for event in events
    ]


def page_mm(size: str, orientation: str) -> tuple[float, float]:
    """The finished leaflet's width and height in millimetres."""
    width, height = PAPER_MM[size]
    return (height, width) if orientation == "landscape" else (width, height)


def design(size: str, orientation: str, per_sheet: int) -> dict[str, float]:
    """The measures a leaflet template builds on: body type, the smallest type allowed
    (so that it prints at 6 pt or more, imposed copies included), the QR code, the page."""
    from toolkit.render.impose import imposed_scale

    width, height = page_mm(size, orientation)
    printed = imposed_scale(PrintSetup(per_sheet=per_sheet), (width, height))
    return {
        "body_pt": BODY_PT[size],
        "min_pt": round(LEGIBLE_ANY_PT / printed, 2),
        "floor_scale": LEGIBLE_BODY_PT[size] / (BODY_PT[size] * printed),
        "printed_scale": printed,
        "qr_mm": QR_MM[size],
        "width_mm": width,
        "height_mm": height,
        "picture_mm": round(height * PICTURE_SHARE, 1),
    }


def fit_steps(context: DocumentContext) -> tuple[float, ...]:
    """At full size, first speakers and events set in two columns, then the picture beside
    the text too; then the type and picture a step smaller at a time, down to the legible
    floor for the printed size."""
    floor = float(context.values["design"]["floor_scale"])
    steps = [1.0, 1.0]
    scale = 1.0
    while scale * FIT_RATIO >= floor - 0.005:
        scale *= FIT_RATIO
        steps.append(round(scale, 4))
    if steps[-1] > floor + 0.01:
        steps.append(round(floor, 4))
    return tuple(steps)


def sides(context: DocumentContext) -> int:
    """One page, or two for a double-sided leaflet."""
    return context.print.sides


def build_context(doc: LoadedDocument) -> DocumentContext:
    """A leaflet's context: events in the language's date and time forms, the picture made
    ready for print, the QR link, the back, and the measures the template is drawn to."""
    model = doc.model
    assert isinstance(model, Leaflet)
    context = common_context(doc, model.headline, None)
    language = context.language
    measures = design(model.size, model.orientation, model.per_sheet)
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
        # The largest box the picture can take: the text width by its greatest height.
        box = (measures["width_mm"] * 0.9, measures["picture_mm"])
        prepared = print_picture(image.path(), box)
        if prepared is not None:
            context.prepared[image.path()] = prepared
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
    # Imposed copies are laid out with a bleed of their own, which runs into the gutter
    # between them on the sheet.
    from toolkit.render.impose import COPY_BLEED_MM

    bleed = f"{COPY_BLEED_MM:g}mm" if model.per_sheet > 1 else options.bleed
    back = model.back
    context.values.update(
        {
            "size": model.size,
            "orientation": model.orientation,
            "page_css": f"{model.size} {model.orientation}",
            "bleed": bleed,
            "crop_marks": options.crop_marks,
            "headline": model.headline,
            "subheading": model.subheading,
            "events": _events(model.events, language),
            "body": model.body,
            "speakers": [{"name": s.name, "role": s.role} for s in model.speakers],
            "image": image,
            "link": model.link,
            "link_text": model.link.split("://", 1)[-1].rstrip("/") if model.link else None,
            "organisers": model.organisers,
            "back": (
                {
                    "heading": back.heading,
                    "body": back.body,
                    "events": _events(back.events, language),
                    "join": back.join,
                }
                if back
                else None
            ),
            "design": measures,
        }
    )
    context.print = PrintSetup(
        per_sheet=model.per_sheet,
        size=model.size,
        orientation=model.orientation,
        pdf_variant=options.pdf_variant,
        bleed_mm=float(options.bleed.removesuffix("mm")),
        crop_marks=options.crop_marks,
        sides=2 if back else 1,
        type_scale=BODY_PT[model.size] / BODY_PT["A5"],
        min_type_pt=measures["min_pt"],
    )
    return context


def describe(doc: LoadedDocument, context: DocumentContext) -> str:
    """ "A5, double-sided" for the build summary."""
    parts = [f"{context.print.size} {context.print.orientation}"]
    if context.print.sides == 2:
        parts.append("double-sided")
    if context.print.per_sheet > 1:
        parts.append(f"{context.print.per_sheet} to an A4 sheet")
    return ", ".join(parts)


# What a print shop asks for when the leaflet does not say.
PRINT_SHOP = (
    ("per_sheet", "1"),
    ("print.bleed", "3mm"),
    ("print.crop_marks", "true"),
    ("print.pdf_variant", "pdf/x-4"),
)


def versions(model: Document) -> tuple[Version, ...]:
    """The printings the campaign site offers: the leaflet alone (for screens, email and
    printing one), copies on an office printer's A4 sheet where its size takes more than
    one, and a print shop's file (bleed, crop marks, PDF/X-4) — each the document as
    written where it already is that one."""
    assert isinstance(model, Leaflet)
    options = model.print
    for_shop = options.crop_marks or options.bleed != PrintOptions().bleed or options.pdf_variant
    plain = (("per_sheet", "1"), ("print", None))
    size = (("size", model.size),)
    found = [Version("single", () if model.per_sheet == 1 and not for_shop else plain, size)]
    most = COPIES_PER_A4[model.size][-1]
    if most > 1:
        copies = model.per_sheet if model.per_sheet > 1 else most
        values = () if model.per_sheet > 1 else (("per_sheet", str(copies)), ("print", None))
        found.append(Version("office", values, (*size, ("per_sheet", str(copies)))))
    shop = () if for_shop and model.per_sheet == 1 else PRINT_SHOP
    found.append(Version("print-shop", shop, size))
    return tuple(found)


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
            "back",
            "design",
        }
    ),
    sections=(
        Section("Leaflet (`template: leaflet`)", Leaflet, own_only=True),
        Section("`events:` items", Event),
        Section("`speakers:` items", Speaker),
        Section("`back:`", Back),
        Section("`print:`", PrintOptions),
    ),
    describe=describe,
    layout=Layout(one_page=True, own_paper=True, fit_steps=fit_steps, pages=sides),
    name_fields=("image", "size", "orientation", "print", "link"),
    versions=versions,
)
