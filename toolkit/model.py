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
Markdown = Annotated[str, Field(min_length=1, max_length=5000)]
LongMarkdown = Annotated[str, Field(min_length=1, max_length=30_000)]


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
    notes: list[Markdown] = []
    """"This branch notes": the facts, one Markdown item each."""
    believes: list[Markdown] = []
    """"This branch believes": the branch's view, one Markdown item each."""
    resolves: Annotated[list[Markdown], Field(min_length=1)]
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
    signatories: str | Annotated[list[SignatoryEntry], Field(max_length=20_000)] = []
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


KINDS: dict[str, type[Document]] = {
    "resolution": Resolution,
    "letter": Letter,
    "sign-on-sheet": SignOnSheet,
}
