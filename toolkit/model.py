"""The fields every document shares and the value types kinds build on; field docstrings are the
field reference."""

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

_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
# One address: no `?cc=`, no second address after a comma, nothing a mail link could carry.
_EMAIL = re.compile(r"[^@\s?,;:<>()\[\]\"'\\/]+@[\w-]+(\.[\w-]+)+")
_WEB = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)


class WrittenDate(date):
    """A date read from text that could be read two ways (01/06/2024), remembering what was
    written and how it was read, so the reading can be said."""

    written: str = ""
    how: str = ""


def _iso_date(value: Any) -> Any:
    """A date as people type it: 2024-06-01, 01/06/2024 (day first, as every language
    unionkit prints writes it), 1.6.2024 or 1 June 2024."""
    from toolkit.dates import DateError, parse_date

    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("write the date as YYYY-MM-DD, for example 2026-12-16")
    try:
        reading = parse_date(value)
    except DateError as exc:
        raise ValueError(str(exc)) from None
    if not reading.how:
        return reading.value
    written = WrittenDate(reading.value.year, reading.value.month, reading.value.day)
    written.written, written.how = reading.written, reading.how
    return written


def _colour(value: str) -> str:
    if not _COLOUR.fullmatch(value):
        raise ValueError('write the colour as a hex code in quotes, for example "#b3121b"')
    return value.lower()


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        from toolkit.errors import shown

        raise ValueError(
            f"{shown(value)} is not one email address (name@example.org, nothing after it)"
        )
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
    from toolkit.markdown import list_depth, mail_links
    from toolkit.safety import mailto_problem

    for link in mail_links(value):
        why = mailto_problem(link)
        if why:
            from toolkit.errors import shown

            raise ValueError(f"{why}: {shown(link, 100)}")

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


def _known_label(key: str) -> str:
    """A key of `labels:`: one of the fixed words a template prints."""
    import difflib

    from toolkit.messages import label_keys

    known = label_keys()
    if key not in known:
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ValueError(f"unknown label: {hint}labels are {', '.join(sorted(known))}")
    return key


LabelKey = Annotated[str, AfterValidator(_known_label)]
Labels = dict[LabelKey, Line]


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


class Site(Strict):
    """How the campaign's web pages (`unionkit site` and `unionkit serve`) present it."""

    address: WebAddress | None = None
    """Where the campaign's pages are published (https://...): their QR codes lead there.
    Default: the campaign's website."""
    template: Line | None = None
    """A site template folder beside the campaign file, to restyle the pages (`unionkit
    templates copy site our-site`, then `template: ./our-site`), or an installed one's name.
    Default: the built-in `site`."""
    editable: bool = False
    """`true` lets branches rewrite, add and remove the motion's points in the "Make it yours"
    form of `unionkit serve`, not only fill in their branch."""
    report_passed: bool = False
    """`true` offers the "tell us you passed it" form in `unionkit serve`: a branch reports the
    date of its meeting and the votes, kept in the campaign's database, and the pages count
    the branches that passed the motion."""


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
    site: Site | None = None
    """The campaign's web pages: `address`, `template`, `editable`, `report_passed` (see
    "Put the campaign online")."""
    labels: Labels = {}
    """Your own words for any fixed word the templates print, e.g. `proposed_by: Moved by`
    (keys as in `toolkit/messages/en.yaml`, or a motion's section keys)."""
    model: bool = False
    """The campaign's documents are models for branches to fill in: branch fields left out
    print as fill-in lines without a warning."""


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
    labels: Labels = {}
    """Your own words for any fixed word the template prints, in both formats, e.g.
    `proposed_by: Moved by` or `resolves: This AGM resolves`; they win over the campaign's."""
