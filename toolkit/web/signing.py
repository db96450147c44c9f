"""The sign-on page of every open letter that collects signatures (`collect: true`): the
letter, its count and published names as the letter prints them, and a form that works
without JavaScript; what a visitor sends is cleaned like a row of an export, checked, and
kept by the same rules as the import."""

from __future__ import annotations

import datetime
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from toolkit import api
from toolkit.site.catalogue import Catalogue, Entry

if TYPE_CHECKING:
    from toolkit.database.signatures import LetterSettings
    from toolkit.web.app import AppState

# The field a person never sees (hidden by the stylesheet, skipped by the keyboard): a
# program that fills in every field fills this one too, and its signature is dropped.
TRAP = "website"
FIELDS = ("name", "organisation", "role", "email", "group", "publish")
LISTING_SECONDS = 2.0


@dataclass
class SigningLetter:
    """An open letter that collects signatures, as its sign-on page shows it."""

    entry: Entry
    key: str
    source: Path
    document: api.LoadedDocument
    language: str
    subject: str
    salutation: str
    body: str
    closing: str
    date: str
    to: dict[str, Any] | None
    groups: list[str]
    closes: datetime.date | None
    moderated: bool
    email_required: bool
    hand_in: datetime.date | None

    def settings(self) -> LetterSettings:
        from toolkit.database.signatures import LetterSettings

        return LetterSettings(
            self.key,
            self.subject,
            "required" if self.moderated else "none",
            self.hand_in,
            self.closes,
        )

    def closed(self, today: datetime.date | None = None) -> bool:
        today = today or datetime.datetime.now(datetime.UTC).date()
        return self.closes is not None and today > self.closes


@dataclass(frozen=True)
class Listing:
    """The letter's signatories as a build would print them now (every source it names),
    and how many collected ones wait for approval."""

    total: int
    count_text: str
    groups: list[dict[str, Any]]
    waiting: int = 0


def signing_letters(catalogue: Catalogue) -> dict[str, SigningLetter]:
    """The campaign's letters that collect signatures, by their id on the site."""
    from toolkit.context import format_date
    from toolkit.kinds.letter import Letter
    from toolkit.messages import labels_for

    found: dict[str, SigningLetter] = {}
    for entry in catalogue.entries:
        # The model says whether a document is a collecting letter (its kind's name never
        # does: the registry alone lists kinds).
        try:
            document = api.load(Path(entry.source))
        except api.UnionkitError:
            continue  # the site build reported it
        model = document.model
        if not isinstance(model, Letter) or not model.collect:
            continue
        labels = labels_for(entry.language)
        found[entry.id] = SigningLetter(
            entry=entry,
            key=Path(entry.id).name,
            source=Path(entry.source),
            document=document,
            language=entry.language,
            subject=model.subject,
            salutation=model.salutation or "",
            body=model.body,
            closing=model.closing or labels["closing"],
            date=format_date(model.date, entry.language) if model.date else "",
            to={"name": model.to.name, "role": model.to.role or "", "address": model.to.address}
            if model.to
            else None,
            groups=list(model.groups),
            closes=model.closes,
            moderated=model.moderation == "required",
            email_required=model.signer_email == "required",
            hand_in=model.date,
        )
    return found


def listing(letter: SigningLetter, database: str | None, waiting: int) -> Listing:
    """What the letter prints now: read as a build reads it (files, the letter's own list,
    and the signatures collected in this app's database), grouped and counted as it prints."""
    from toolkit.kinds.letter import (
        Letter,
        read_letter_signatories,
        signatory_line,
        total_text_of,
    )
    from toolkit.messages import count_text, labels_for
    from toolkit.names import surname_first_expected
    from toolkit.signatories import group_signatories

    model = letter.document.model
    assert isinstance(model, Letter)
    report = read_letter_signatories(model, letter.document.source, collected=database)
    publication = report.publication
    grouped = group_signatories(
        publication.printed,
        list(model.groups),
        model.sort,
        surname_first=surname_first_expected(letter.language),
    )
    named = any(heading for heading, _ in grouped)
    other = labels_for(letter.language)["other_signatories"]
    groups = [
        {
            "heading": heading or (other if named else ""),
            "count_text": count_text(letter.language, "signatories", len(people)) if named else "",
            "people": [signatory_line(person) for person in people],
        }
        for heading, people in grouped
    ]
    return Listing(publication.total, total_text_of(publication, letter.language), groups, waiting)


# -- the state the app keeps ----------------------------------------------------------------
# A listing is made again when it is older than LISTING_SECONDS, or when someone signed
# since: at once while the letter is small (a signer sees their own signature), else no more
# often than REMAKE_SHARE times the time it took, so that a letter of thousands of names
# under a flood of signatures spends a bounded share of the server on its listing. (By the
# count, not the time taken: a busy machine must not make a small letter lag.)
LARGE_LETTER = 500
REMAKE_SHARE = 4.0


@dataclass
class Made:
    """A listing, when it was made and how long that took."""

    listing: Listing
    at: float
    took: float
    signed: int
    """How many signatures this process had taken on the letter when it began."""

    def fresh(self, now: float, signed: int) -> bool:
        if now >= self.at + LISTING_SECONDS:
            return False
        if self.signed == signed:
            return True
        large = self.listing.total >= LARGE_LETTER
        return large and now < self.at + REMAKE_SHARE * self.took


@dataclass
class Listings:
    """Each letter's listing, made again only when it may have changed (a page with
    thousands of names is not read from the database for every visitor), by one request at
    a time (the others wait for it)."""

    made: dict[str, Made] = field(default_factory=dict)
    """By the letter's id on the site (its translations list their own sources)."""
    locks: dict[str, anyio.Lock] = field(default_factory=dict)
    signed: Counter[str] = field(default_factory=Counter)
    """Signatures this process took, by letter (its file name)."""

    def forget(self, key: str, *, signed: bool = False) -> None:
        """The listings of a letter (and its translations) may have changed: an organiser's
        change shows at once; a new signature as `Made.fresh` says."""
        if signed:
            self.signed[key] += 1
            return
        for entry_id in list(self.made):
            if Path(entry_id).name == key:
                self.made.pop(entry_id, None)


async def current_listing(state: AppState, letter: SigningLetter) -> Listing:
    listings: Listings = state.listings
    key = letter.entry.id
    cached = listings.made.get(key)
    if cached is not None and cached.fresh(time.monotonic(), listings.signed[letter.key]):
        return cached.listing

    def make() -> Listing:
        waiting = 0
        if letter.moderated and state.signatures is not None:
            waiting = state.signatures.counts().get(letter.key, {}).get("new", 0)
        return listing(letter, state.config.database, waiting)

    async with listings.locks.setdefault(key, anyio.Lock()):
        cached = listings.made.get(key)  # made while this request waited
        signed = listings.signed[letter.key]
        if cached is not None and cached.fresh(time.monotonic(), signed):
            return cached.listing
        started = time.monotonic()
        made: Listing = await anyio.to_thread.run_sync(make)
        listings.made[key] = Made(made, started, time.monotonic() - started, signed)
        return made


async def counts_for_index(state: AppState) -> dict[str, str]:
    """The count of every collecting letter, by its id on the site, for the pages."""
    found = {}
    for entry_id, letter in state.signing.items():
        found[entry_id] = (await current_listing(state, letter)).count_text
    return found


# -- the page ---------------------------------------------------------------------------------
def routes(state: AppState) -> list[Route]:
    return [Route("/sign/{letter:path}", partial(sign_page, state=state), methods=["GET", "POST"])]


def _letter(request: Request, state: AppState) -> SigningLetter:
    found: SigningLetter | None = state.signing.get(request.path_params["letter"])
    if found is None:
        raise HTTPException(404)
    return found


def check_signature(
    letter: SigningLetter, values: dict[str, str], words: dict[str, str]
) -> dict[str, str]:
    """What is wrong with a signature sent, by field, in the page's words."""
    from toolkit.database.signatures import CHOICES, LENGTHS
    from toolkit.signatories import clean_email, has_email

    errors: dict[str, str] = {}
    for name in ("name", "organisation", "role", "email"):
        if len(values.get(name, "")) > LENGTHS[name]:
            errors[name] = words["sign_too_long"].format(limit=LENGTHS[name])
    if not values.get("name"):
        errors.setdefault("name", words["sign_required"])
    for name in ("name", "organisation", "role"):
        if has_email(values.get(name, "")):
            errors.setdefault(name, words["sign_email_elsewhere"])
    email = values.get("email", "")
    if email and not clean_email(email):
        errors.setdefault("email", words["sign_not_email"])
    if not email and letter.email_required:
        errors.setdefault("email", words["sign_required"])
    group = values.get("group", "")
    if group and group not in letter.groups:
        errors["group"] = words["sign_bad_group"]
    if values.get("publish") not in CHOICES:
        errors["publish"] = words["sign_choose"]
    return errors


def cleaned_values(form: dict[str, str]) -> dict[str, str]:
    """The form's fields as the import cleans a cell (control characters, bidirectional
    overrides and invisible characters out, spaces collapsed, Unicode normalised)."""
    from toolkit.tables import tidy_cell

    return {name: tidy_cell(form.get(name, ""))[:2000] for name in FIELDS}


async def sign_page(request: Request, state: AppState) -> Response:
    from toolkit.web.app import _cookie, _posted, _set_cookie, _text_fields

    letter = _letter(request, state)
    cookie, new_cookie = _cookie(request, state)
    words = _words(state, letter.language)
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = _text_fields(await _posted(request, state))
        address = request.client.host if request.client else "unknown"
        if form.get(TRAP):
            # A program filled in the field no person sees: thank it and keep nothing.
            return _signed(letter)
        if letter.closed():
            status = 403
        else:
            values = cleaned_values(form)
            errors = check_signature(letter, values, words)
            if errors:
                status = 422
            else:
                if not state.signs.allow(address) or not state.letter_signs.allow(letter.key):
                    raise HTTPException(429)
                await anyio.to_thread.run_sync(_keep, state, letter, values)
                state.listings.forget(letter.key, signed=True)
                state.pages.clear()
                return _signed(letter)
    current = await current_listing(state, letter)
    body = _page(request, state, letter, words, cookie, current, values, errors)
    response = HTMLResponse(body, status_code=status, headers={"cache-control": "no-store"})
    if new_cookie:
        _set_cookie(response, request, cookie)
    return response


def _keep(state: AppState, letter: SigningLetter, values: dict[str, str]) -> None:
    from toolkit.database.signatures import CHOICES
    from toolkit.signatories import Signatory

    if state.signatures is None:
        raise HTTPException(503)
    # The form was checked: its choice is one of CHOICES (found there for its type).
    choice = next(option for option in CHOICES if option == values["publish"])
    state.signatures.sign(
        letter.key,
        Signatory(
            name=values["name"],
            role=values["role"],
            organisation=values["organisation"],
            group=values["group"],
            email=values["email"],
        ),
        choice,
        letter.language,
        moderated=letter.moderated,
    )


def _signed(letter: SigningLetter) -> Response:
    depth = letter.entry.id.count("/") + 1
    return RedirectResponse(
        f"{'../' * depth}sign/{letter.entry.id}?signed=1#thanks", status_code=303
    )


def _words(state: AppState, language: str) -> dict[str, str]:
    from toolkit.site.pages import PageWords

    return PageWords(state.template.words[language], language).plain()


def _page(
    request: Request,
    state: AppState,
    letter: SigningLetter,
    words: dict[str, str],
    cookie: str,
    current: Listing,
    values: dict[str, str],
    errors: dict[str, str],
) -> bytes:
    from toolkit.context import format_date
    from toolkit.database.signatures import CHOICES
    from toolkit.markdown import to_html
    from toolkit.site.pages import PageWords, page_context, page_url
    from toolkit.web.app import _address, _render

    entry = letter.entry
    language = letter.language
    depth = entry.id.count("/") + 1
    root = "../" * depth
    page = PageWords(state.template.words[language], language)
    context = page_context(
        state.catalogue,
        state.template,
        language,
        root=root,
        qr=f"{root}qr-{language}.svg",
        address=_address(request, state) + page_url(language, state.catalogue),
        serving=True,
    )
    anchor = next((d["anchor"] for d in context["documents"] if d["id"] == entry.id), "")
    campaign_email = context["campaign"]["email"]

    def one(
        name: str, label: str, kind: str, hint: str = "", autocomplete: str = ""
    ) -> dict[str, Any]:
        return {
            "name": name,
            "id": f"sign-{name}",
            "label": label,
            "type": kind,
            "value": values.get(name, ""),
            "error": errors.get(name, ""),
            "hint": hint,
            "autocomplete": autocomplete,
            "required": name == "name" or (name == "email" and letter.email_required),
        }

    optional = words["sign_optional"]
    email_hint = words["sign_email_hint"]
    fields = [
        one("name", words["sign_name"], "text", words["sign_name_hint"], "name"),
        one("organisation", f"{words['sign_organisation']} {optional}", "text", "", "organization"),
        one(
            "role",
            f"{words['sign_role']} {optional}",
            "text",
            words["sign_role_hint"],
            "organization-title",
        ),
        one(
            "email",
            words["sign_email"] + ("" if letter.email_required else f" {optional}"),
            "email",
            email_hint,
            "email",
        ),
    ]
    group = one("group", words["sign_group"], "select")
    group["options"] = [{"value": "", "label": words["sign_group_none"]}] + [
        {"value": name, "label": name} for name in letter.groups
    ]
    choices = [
        {"value": value, "label": words[f"sign_publish_{value}"], "id": f"sign-publish-{value}"}
        for value in CHOICES
    ]
    closed = letter.closed()
    values_out = context | {
        "heading": words["sign_title"].format(title=letter.subject),
        "anchor": anchor,
        "letter": {
            "subject": letter.subject,
            "salutation": letter.salutation,
            "body": to_html(letter.body),
            "closing": letter.closing,
            "date": letter.date,
            "to": letter.to,
        },
        "count": {
            "text": current.count_text if current.total else words["sign_count_none"],
            "waiting": page.count("sign_waiting", current.waiting) if current.waiting else "",
            "groups": current.groups,
        },
        "form": None
        if closed
        else {
            "action": f"{root}sign/{entry.id}",
            "csrf": state.csrf.token(cookie),
            "fields": fields,
            "group": group if letter.groups else None,
            "publish": {
                "name": "publish",
                "legend": words["sign_publish"],
                "choices": choices,
                "value": values.get("publish", ""),
                "error": errors.get("publish", ""),
            },
            "trap": {"name": TRAP, "id": f"sign-{TRAP}", "label": words["sign_trap"]},
            "problems": bool(errors),
        },
        "closes": words["sign_closes"].format(date=format_date(letter.closes, language))
        if letter.closes and not closed
        else "",
        "closed": words["sign_closed"].format(date=format_date(letter.closes, language))
        if closed and letter.closes
        else "",
        "thanks": (words["sign_thanks_moderated"] if letter.moderated else words["sign_thanks"])
        if request.query_params.get("signed") == "1" and request.method == "GET"
        else "",
        "privacy": words["sign_privacy"],
        "privacy_contact": words["sign_privacy_contact"].format(email=campaign_email)
        if campaign_email
        else "",
        "campaign_email": campaign_email,
    }
    return _render(state, state.template.manifest.site.sign, values_out)
