"""The document kinds: one pydantic model each; their field docstrings are the field reference."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

LANGUAGES = ("en", "ru", "kk", "uk", "fr")
Language = Literal["en", "ru", "kk", "uk", "fr"]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_WEB = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


def _iso_date(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        raise ValueError("write the date as YYYY-MM-DD, for example 2026-12-16")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(
            f"{value.strip()} is not a real date: check the day and month (YYYY-MM-DD)"
        ) from None


def _colour(value: str) -> str:
    if not _COLOUR.fullmatch(value):
        raise ValueError('write the colour as a hex code in quotes, for example "#b3121b"')
    return value.lower()


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise ValueError(f"{value!r} is not an email address (name@example.org)")
    return value


def _web_address(value: str) -> str:
    if not _WEB.fullmatch(value):
        raise ValueError("write the full web address, starting with https://")
    return value


def _one_line(value: str) -> str:
    return " ".join(value.split())


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Colour = Annotated[str, AfterValidator(_colour)]
Email = Annotated[str, AfterValidator(_email)]
WebAddress = Annotated[str, AfterValidator(_web_address)]
# Generous for any real motion, yet it keeps pathological input from tying up the renderers.
Line = Annotated[str, AfterValidator(_one_line), Field(min_length=1, max_length=500)]
MAX_LIST_DEPTH = 6


def _shallow_lists(value: str) -> str:
    from toolkit.markdown import list_depth

    if list_depth(value) > MAX_LIST_DEPTH:
        raise ValueError(
            f"lists are nested more than {MAX_LIST_DEPTH} deep: no reader can follow that;"
            " flatten them"
        )
    return value


Markdown = Annotated[str, Field(min_length=1, max_length=5000), AfterValidator(_shallow_lists)]
LongMarkdown = Annotated[
    str, Field(min_length=1, max_length=30_000), AfterValidator(_shallow_lists)
]
Items = Annotated[list[Markdown], Field(max_length=100)]


class Strict(BaseModel):
    """A model where an unknown field is an error and field docstrings are descriptions."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        use_attribute_docstrings=True,
    )

    @model_validator(mode="before")
    @classmethod
    def _empty_means_left_out(cls, data: Any) -> Any:
        # `notes:` with nothing after it is the same as leaving `notes` out.
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value is not None}
        return data


class Campaign(Strict):
    """Facts shared by every document of one campaign: its name, contacts, logo and colour."""

    file: str | None = None
    """Only when `campaign:` is written out inside a document: a campaign file to start from.
    The values written beside it win."""
    name: Line | None = None
    """The campaign's name, printed in the header, e.g. "Justice for Kazakhstan Oil Workers"."""
    website: WebAddress | None = None
    """The campaign's web page, printed in the footer (https://...)."""
    email: Email | None = None
    """The campaign's contact email, printed in the footer."""
    logo: str | None = None
    """A PNG or JPEG file beside the campaign file, printed at the top of every document."""
    colour: Colour | None = None
    """The campaign colour for headings and rules, as a hex code in quotes, e.g. "#b3121b"."""
    language: Language | None = None
    """The language of the campaign's documents when a document does not say: en, ru, kk, uk
    or fr."""


def _campaign_kind(value: Any) -> str:
    return "file" if isinstance(value, str) else "inline"


CampaignRef = Annotated[
    Annotated[str, Tag("file")] | Annotated[Campaign, Tag("inline")],
    Discriminator(_campaign_kind),
]


class Document(Strict):
    """Fields every document kind has."""

    template: Line
    """Which template fills this document: a built-in name (`unionkit templates` lists them)
    or the path of a template folder, relative to this file."""
    language: Language | None = None
    """The document's language: en, ru, kk, uk or fr. It sets the fixed words, date forms,
    hyphenation and spell-checking language. Default: the campaign file's, else en."""
    campaign: CampaignRef | None = None
    """The campaign file (e.g. `campaign.yaml`) whose name, website, email, logo and colour the
    document uses; or those fields written out here. Values written in the document win."""


class Branch(Strict):
    """The branch that debates the motion. Anything left out prints as a fill-in blank."""

    name: Line | None = None
    """The branch's name, e.g. "Offshore Energy Branch". Left out: a fill-in blank."""
    union: Line | None = None
    """The union the branch belongs to, e.g. "RMT". Left out: a fill-in blank."""
    meeting_date: IsoDate | None = None
    """The date of the meeting that debates the motion, as YYYY-MM-DD. Left out: a fill-in
    blank."""


class Recipient(Strict):
    """Somebody the passed motion is sent to."""

    name: Line
    """Who receives the motion, e.g. "Union Solidarity International"."""
    email: Email | None = None
    """Their email address, printed beside the name."""


class Resolution(Document):
    """A model resolution (motion) that a branch adapts, debates, passes and sends on."""

    title: Line
    """The motion's title, e.g. "Justice for the Zhanaozen oil workers"."""
    branch: Branch = Branch()
    """The branch debating it: `name`, `union`, `meeting_date`."""
    intro: Markdown | None = None
    """A short paragraph before the motion (Markdown), e.g. how to adapt it."""
    notes: Items = []
    """"This branch notes": the facts, one Markdown item each."""
    believes: Items = []
    """"This branch believes": the branch's view, one Markdown item each."""
    resolves: Annotated[list[Markdown], Field(min_length=1, max_length=100)]
    """"This branch resolves": what the branch will do, one Markdown item each (at least one)."""
    send_to: list[Recipient] = []
    """Where to send the passed motion: a list of `name` and `email`."""
    word_limit: Annotated[int, Field(gt=0, le=100_000)] | None = None
    """A cap on the motion's words (conferences often set 250). `build` and `check` count the
    section headings and items (not the title or intro) and fail when there are too many."""


class Addressee(Strict):
    """Who a letter is addressed to."""

    name: Line
    """The addressee, e.g. "The Rt Hon William Hague MP"."""
    role: Line | None = None
    """Their position, e.g. "Secretary of State for Foreign and Commonwealth Affairs"."""
    address: list[Line] = []
    """Address lines, one per item."""


class SignatoryEntry(Strict):
    """One signatory written in the letter itself."""

    name: Line
    """The person's (or body's) name as it should print."""
    role: Line | None = None
    """Their position, e.g. "General Secretary" or "MP for Eastbridge"."""
    organisation: Line | None = None
    """Their union, branch or organisation."""
    group: Line | None = None
    """The heading to print them under, e.g. "Members of Parliament"."""
    email: Email | None = None
    """For the coordinator only: never printed, used to merge duplicates."""


SortOrder = Literal["as-given", "surname", "name", "organisation"]


class Letter(Document):
    """An open letter with its list of signatories."""

    date: IsoDate | None = None
    """The letter's date, as YYYY-MM-DD (default: the day it is built)."""
    to: Addressee | None = None
    """The addressee: `name`, `role`, `address` (a list of lines)."""
    subject: Line
    """The subject line, e.g. "Justice for the jailed oil workers of Zhanaozen"."""
    salutation: Line | None = None
    """The greeting, e.g. "Dear Foreign Secretary," (default: none)."""
    body: LongMarkdown
    """The letter itself, in Markdown (paragraphs, emphasis, links, lists)."""
    closing: Line | None = None
    """The words before the signatures (default: "Yours sincerely," in the letter's
    language)."""
    signatories: str | Annotated[list[SignatoryEntry], Field(max_length=5_000)] = []
    """The signatories: a list of `name`, `role`, `organisation`, `group`, `email`, or the path
    of a CSV, TSV or YAML file with those columns (a web form export will do). Duplicates are
    merged; emails are never printed."""
    groups: list[Line] = []
    """The order of the group headings (groups not listed follow in order of appearance)."""
    sort: SortOrder = "as-given"
    """Order within a group: as-given, surname, name or organisation."""


class SignOnSheet(Document):
    """A ruled sheet to pass round a meeting, collecting signatures for an open letter."""

    letter: Line
    """The letter YAML this sheet collects signatures for (its path, relative to this file)."""
    summary: Markdown | None = None
    """What people are signing, in a few lines (default: the first paragraph of the letter)."""
    rows: Annotated[int, Field(ge=1, le=25)] = 15
    """Ruled rows on each page (1-25)."""
    pages: Annotated[int, Field(ge=1, le=50)] = 1
    """How many pages to print (1-50)."""


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
PDF_VARIANTS = Literal[
    "pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u",
    "pdf/ua-1", "pdf/x-1a", "pdf/x-3", "pdf/x-4",
]  # fmt: skip


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
    pdf_variant: PDF_VARIANTS | None = None
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


KINDS: dict[str, type[Document]] = {
    "resolution": Resolution,
    "letter": Letter,
    "sign-on-sheet": SignOnSheet,
    "leaflet": Leaflet,
}
