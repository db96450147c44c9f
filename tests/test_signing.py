"""Signing open letters on the campaign's site over real HTTP, on SQLite and on PostgreSQL: the
three publication choices kept and applied, the letter's own rules (email, groups, closing
date, approval), one row a person by the import's rules, the abuse defences, the organisers'
login and audited moderation, the data-protection duties, and logs that never name anyone."""

from __future__ import annotations

import csv
import logging
import re
import socket
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import pdf_text, run_cli
from tests.databases import BACKENDS, postgresql_schema
from tests.web_server import running, serving, signing_campaign

pytestmark = pytest.mark.xdist_group("signing")
httpx = pytest.importorskip("httpx")

ORGANISER = "Aigerim"
PASSWORD = "four words for moderators"
LETTER = "/sign/open-letter"  # approval required, email optional
PETITION = "/sign/petition"  # published at once, email required, two groups
CLOSED = "/sign/closed"

PETITION_YAML = """\
template: letter
language: en
campaign: campaign.yaml
date: 2013-12-16
subject: Free the jailed oil workers of Zhanaozen
salutation: Dear Ambassador,
body: |
  Roza Tuletaeva and the oil workers jailed after the shootings of 16 December 2011
  were convicted on evidence given under torture. We ask for their release.
signatories: [{collected}]
collect: true
signer_email: required
groups:
  - Branches and organisations
  - Trade union officials
"""

CLOSED_YAML = """\
template: letter
language: en
campaign: campaign.yaml
subject: Solidarity with the striking oil workers of Mangistau
body: |
  We stand with the oil workers of Karazhanbasmunai and Ozenmunaigas on strike since May 2011.
signatories: [{collected}]
collect: true
closes: 2011-12-15
"""

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.\w+")
# Whatever any logger wrote while this module's servers ran (unionkit's, uvicorn's).
LOGGED: list[str] = []


class _Keep(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        LOGGED.append(self.format(record))


_HANDLER = _Keep(level=logging.DEBUG)
_LOGGERS = ("", "unionkit", "uvicorn", "uvicorn.error", "uvicorn.access", "toolkit")


def listen() -> None:
    """Catch every logger's lines again (each uvicorn server configures its loggers anew,
    dropping handlers it did not make)."""
    for name in _LOGGERS:
        logging.getLogger(name).addHandler(_HANDLER)  # once: a handler is never added twice


@pytest.fixture(scope="module")
def logs() -> Iterator[list[str]]:
    listen()
    try:
        yield LOGGED
    finally:
        for name in _LOGGERS:
            logging.getLogger(name).removeHandler(_HANDLER)


@dataclass
class Served:
    backend: str
    address: str
    folder: Path
    url: str
    store: Any  # toolkit.database.signatures.Signatures
    config: Any  # toolkit.web.app.ServeConfig


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, logs: list[str]
) -> Iterator[Served]:
    from toolkit.database import Database, campaign_url
    from toolkit.database.signatures import Signatures
    from toolkit.web.server import set_password

    with ExitStack() as stack:
        database = None
        if request.param == "postgresql":
            database = stack.enter_context(postgresql_schema())
        root = tmp_path_factory.mktemp(f"signing-{request.param}")
        folder = signing_campaign(root, database or "collected")
        collected = repr(database or "collected")
        (folder / "petition.yaml").write_text(PETITION_YAML.format(collected=collected), "utf-8")
        (folder / "closed.yaml").write_text(CLOSED_YAML.format(collected=collected), "utf-8")
        set_password(folder, ORGANISER, PASSWORD, database=database)
        address, config = stack.enter_context(
            running(
                folder,
                root / "cache",
                database=database,
                sign_burst=10_000,
                letter_sign_burst=10_000,
                login_burst=1_000,
            )
        )
        store = Database(campaign_url(folder, database))
        stack.callback(store.close)
        url = campaign_url(folder, database)
        yield Served(request.param, address, folder, url, Signatures(store), config)


def client(address: str, **headers: str) -> Any:
    listen()
    return httpx.Client(base_url=address, timeout=30, follow_redirects=False, headers=headers)


def form_token(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match
    return match[1]


def sign(web: Any, path: str, **values: str) -> Any:
    """Open the sign-on page and send its form as a browser would."""
    page = web.get(path)
    assert page.status_code == 200
    data = {"name": "", "organisation": "", "role": "", "email": "", "publish": "name"}
    data |= {"csrf": form_token(page.text), "website": ""} | values
    return web.post(path, data=data)


def rows_of(served: Served, letter: str) -> list[Any]:
    rows: list[Any] = served.store.of_letter(letter)
    return rows


def unique(name: str) -> str:
    """A name no other test of the module signs with (the database is shared)."""
    return f"{name} {uuid.uuid4().hex[:4].upper()}"


@contextmanager
def organiser(address: str) -> Iterator[Any]:
    """A browser with an organiser logged in."""
    with client(address) as web:
        token = form_token(web.get("/organise/").text)
        login = web.post(
            "/organise/login", data={"csrf": token, "name": ORGANISER, "password": PASSWORD}
        )
        assert login.status_code == 303, login.text
        yield web


def audit_rows(served: Served, signature: int) -> list[Any]:
    from sqlalchemy import select

    from toolkit.database import audit

    with served.store.database.engine.connect() as connection:
        query = select(audit).where(audit.c.signature == signature).order_by(audit.c.id)
        return list(connection.execute(query))


# -- signing --------------------------------------------------------------------------------------
def test_the_three_publication_choices_are_kept_and_applied(served: Served) -> None:
    named, initialled, counted = (
        unique("Saule Abenova"),
        unique("Bolat Nurlanov"),
        unique("Galym Ospan"),
    )
    before = rows_of(served, "petition")
    with client(served.address) as web:
        for name, choice, email in (
            (named, "name", "saule@example.kz"),
            (initialled, "initials", "bolat@example.kz"),
            (counted, "count", "galym@example.kz"),
        ):
            sent = sign(web, PETITION, name=name, organisation="Unite, Leeds", email=email,
                        group="Trade union officials", publish=choice)  # fmt: skip
            assert sent.status_code == 303 and sent.headers["location"].endswith("signed=1#thanks")
        page = web.get(PETITION).text
    kept = {row.name: row for row in rows_of(served, "petition")[len(before) :]}
    assert {name: row.publish for name, row in kept.items()} == {
        named: "name", initialled: "initials", counted: "count"
    }  # fmt: skip
    assert all(row.status == "new" for row in kept.values())  # no approval needed: printed now
    names = page[page.index('class="signed"') :]
    assert named in names and "Unite, Leeds" in names
    assert "B. N." in names and initialled not in names
    assert counted not in page and "Ospan" not in page
    assert re.search(r'id="signature-count"[^>]*>\d+ signatories, including \d+ not named', page)


def test_a_choice_and_a_name_are_required_email_and_group_as_the_letter_says(
    served: Served,
) -> None:
    before = len(rows_of(served, "petition")), len(rows_of(served, "open-letter"))
    with client(served.address) as web:
        no_choice = sign(web, PETITION, name="Asel Kim", email="asel@example.kz", publish="")
        assert no_choice.status_code == 422
        assert "Choose one." in no_choice.text
        assert 'value="Asel Kim"' in no_choice.text  # what was typed is kept
        no_email = sign(web, PETITION, name="Asel Kim", publish="name")
        assert no_email.status_code == 422
        no_name = sign(web, LETTER, name="", publish="name")
        assert no_name.status_code == 422
        other_group = sign(web, PETITION, name="Asel Kim", email="asel@example.kz",
                           group="Members of Parliament")  # fmt: skip
        assert other_group.status_code == 422  # a group of another letter, not of this one
        not_an_email = sign(web, LETTER, name="Asel Kim", email="asel at example")
        assert not_an_email.status_code == 422
    assert (len(rows_of(served, "petition")), len(rows_of(served, "open-letter"))) == before
    with client(served.address) as web:
        assert sign(web, LETTER, name=unique("Asel Kim")).status_code == 303  # email optional here


def test_a_closed_letter_shows_its_names_and_takes_no_more(served: Served) -> None:
    with client(served.address) as web:
        page = web.get(CLOSED)
        assert page.status_code == 200
        assert "15 December 2011" in page.text and 'name="publish"' not in page.text
        refused = web.post(CLOSED, data={"csrf": form_token(web.get(LETTER).text),
                                         "name": "Late Signer", "publish": "name"})  # fmt: skip
        assert refused.status_code == 403
    assert rows_of(served, "closed") == []


def test_signing_again_updates_the_first_signature_by_the_imports_rules(
    served: Served, tmp_path: Path
) -> None:
    from toolkit.signatories import merge_duplicates, read_signatories

    surname = unique("Tulegenov")
    sent = [
        {"name": f"Marat {surname}", "organisation": "RMT",
         "email": f"m.{surname[-4:]}@example.org", "publish": "name"},
        {"name": f"MARAT {surname.upper()}", "organisation": "RMT",
         "email": f"M.{surname[-4:]}@Example.org", "publish": "initials"},
        {"name": f"Zhanna {surname}", "organisation": "Unison", "publish": "name"},
        {"name": f"zhanna  {surname}", "organisation": "UNISON", "publish": "count"},
        {"name": f"Zhanna {surname}", "organisation": "PCS", "publish": "name"},
    ]  # fmt: skip
    with client(served.address) as web:
        for values in sent:
            assert sign(web, LETTER, **values).status_code == 303
    mine = [
        row for row in rows_of(served, "open-letter") if surname.casefold() in row.name.casefold()
    ]
    # The same email (in any case) is one person, whose latest answer counts; without an
    # email the same name and organisation are one person; another organisation is another.
    assert sorted((row.organisation.casefold(), row.publish) for row in mine) == [
        ("pcs", "name"), ("rmt", "initials"), ("unison", "count")
    ]  # fmt: skip
    # The same rows in a form export, read and merged by the import: the same people.
    export = tmp_path / "export.csv"
    with export.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Name", "Organisation", "Email", "May we publish your name?"])
        for values in sent:
            writer.writerow(
                [values["name"], values["organisation"], values.get("email", ""), "yes"]
            )
    read = read_signatories(export)
    assert len(merge_duplicates(read.people).kept) == len(mine) == 3


def test_forms_need_their_token_and_a_filled_trap_keeps_nothing(served: Served) -> None:
    before = len(rows_of(served, "open-letter"))
    with client(served.address) as web:
        token = form_token(web.get(LETTER).text)
        values = {"name": "Forged Signer", "publish": "name"}
        assert web.post(LETTER, data=values | {"csrf": "forged"}).status_code == 403
        assert web.post(LETTER, data=values).status_code == 403
        from_elsewhere = web.post(LETTER, data=values | {"csrf": token},
                                  headers={"sec-fetch-site": "cross-site"})  # fmt: skip
        assert from_elsewhere.status_code == 403
        trapped = sign(web, LETTER, name="Robot Signer", website="https://spam.example")
        assert trapped.status_code == 303 and trapped.headers["location"].endswith(
            "signed=1#thanks"
        )
    with client(served.address) as stranger:  # a token without the cookie it was made for
        assert stranger.post(LETTER, data=values | {"csrf": token}).status_code == 403
    assert len(rows_of(served, "open-letter")) == before


def test_large_requests_are_refused_and_text_is_cleaned_and_escaped(served: Served) -> None:
    before = len(rows_of(served, "petition"))
    with client(served.address) as web:
        huge = sign(web, PETITION, name="x" * 400_000, email="huge@example.org")
        assert huge.status_code == 413
        too_long = sign(web, PETITION, name="y" * 101, email="long@example.org")
        assert too_long.status_code == 422
        assert len(rows_of(served, "petition")) == before
        hostile = f"<script>alert('{served.backend}')</script>\u202e\u0007 Ivanova"
        assert sign(web, PETITION, name=hostile, organisation="Kaz\u200bMunai\u0000Gas",
                    email="ivanova@example.org").status_code == 303  # fmt: skip
        page = web.get(PETITION).text
    row = rows_of(served, "petition")[-1]
    assert row.name == f"<script>alert('{served.backend}')</script> Ivanova"
    assert row.organisation == "KazMunaiGas"
    assert "<script>alert" not in page
    assert f"&lt;script&gt;alert(&#39;{served.backend}&#39;)&lt;/script&gt; Ivanova" in page


def test_the_letter_prints_visitors_text_as_text_and_erased_people_leave_it(
    served: Served, tmp_path: Path
) -> None:
    if served.backend != "sqlite":
        pytest.skip("one PDF build is enough here: tests/test_signing_browser.py builds from both")
    erased = unique("Erased Person")
    hostile = "<script>alert('pdf')</script> Zhaksylykova"
    with client(served.address) as web:
        assert sign(web, PETITION, name=erased, email="erase.me@example.org").status_code == 303
        assert sign(web, PETITION, name=hostile, email="z@example.org").status_code == 303
    with organiser(served.address) as web:
        token = form_token(web.get("/organise/").text)
        found = web.post("/organise/find", data={"csrf": token, "email": "Erase.Me@example.org"})
        assert erased in found.text
        exported = web.post(
            "/organise/export", data={"csrf": token, "email": "erase.me@example.org"}
        )
        data = exported.json()
        assert exported.headers["content-type"] == "application/json"
        assert [one["name"] for one in data["signatures"]] == [erased]
        assert data["signatures"][0]["email"] == "erase.me@example.org"
        assert data["signatures"][0]["publication"] == "publish my name and organisation"
        unconfirmed = web.post(
            "/organise/erase", data={"csrf": token, "email": "erase.me@example.org"}
        )
        assert unconfirmed.status_code == 200 and served.store.find("erase.me@example.org")
        confirmed = {"csrf": token, "email": "erase.me@example.org", "confirm": "yes"}
        gone = web.post("/organise/erase", data=confirmed)
        assert gone.status_code == 200
    assert served.store.find("erase.me@example.org") == []
    built = run_cli("build", served.folder / "petition.yaml", "-f", "pdf", "-o", tmp_path)
    assert built.exit_code == 0, built.stderr
    text = pdf_text(tmp_path / "petition.pdf")
    assert hostile in text
    assert erased not in text and "erase.me" not in text


def test_signatures_are_limited_per_address_and_per_letter(served: Served) -> None:
    from dataclasses import replace

    from toolkit.web.app import create_app

    if served.backend != "sqlite":
        pytest.skip("the limits are kept in the server, not the database: SQLite shows them")
    before = len(rows_of(served, "open-letter"))
    per_address = replace(served.config, sign_burst=2, signs_per_hour=0.01)
    with serving(create_app(per_address)) as address:
        with client(address, **{"x-forwarded-for": "198.51.100.1"}) as web:
            assert sign(web, LETTER, name=unique("First Signer")).status_code == 303
            assert sign(web, LETTER, name=unique("Second Signer")).status_code == 303
            assert sign(web, LETTER, name=unique("Third Signer")).status_code == 429
            assert (
                sign(web, PETITION, name=unique("Fourth"), email="f@example.org").status_code == 429
            )
        with client(address, **{"x-forwarded-for": "198.51.100.2"}) as web:
            assert sign(web, LETTER, name=unique("Another Office")).status_code == 303
    per_letter = replace(served.config, letter_sign_burst=2, letter_signs_per_minute=0.01)
    with serving(create_app(per_letter)) as address:
        for number, expected in enumerate((303, 303, 429)):
            with client(address, **{"x-forwarded-for": f"198.51.100.{10 + number}"}) as web:
                assert sign(web, LETTER, name=unique("Flood")).status_code == expected
        with client(address, **{"x-forwarded-for": "198.51.100.99"}) as web:
            other = sign(web, PETITION, name=unique("Other"), email="other@example.org")
            assert other.status_code == 303  # another letter is not held up
    assert len(rows_of(served, "open-letter")) == before + 5


def test_a_load_test_lifts_the_limits_on_this_machine_only(served: Served) -> None:
    from toolkit.errors import UnionkitError
    from toolkit.web.app import ServeConfig
    from toolkit.web.server import for_load_test

    if served.backend != "sqlite":
        pytest.skip("the limits are kept in the server, not the database: SQLite shows them")
    lifted = for_load_test(served.config, "127.0.0.1")
    assert lifted.sign_burst >= 10**9 and lifted.letter_sign_burst >= 10**9
    assert for_load_test(served.config, "::1").signs_per_hour >= 10**9
    for public in ("0.0.0.0", "203.0.113.5", "campaign.example.org"):
        with pytest.raises(UnionkitError, match="UNIONKIT_LOAD_TEST"):
            for_load_test(served.config, public)
    defaults = ServeConfig(folder="", site_dir="", catalogue="", secret="")
    assert (defaults.sign_burst, defaults.signs_per_hour) == (20, 60.0)


# -- organisers -----------------------------------------------------------------------------------
def test_the_organisers_password_is_kept_as_a_hash_and_the_session_cookie_is_guarded(
    served: Served,
) -> None:
    from sqlalchemy import select

    from toolkit.database import organiser_accounts as organisers

    with served.store.database.engine.connect() as connection:
        stored = connection.execute(
            select(organisers.c.password_hash).where(organisers.c.name == ORGANISER)
        ).scalar_one()
    assert stored.startswith(("scrypt$", "$argon2")) and PASSWORD not in stored
    with client(served.address) as web:
        token = form_token(web.get("/organise/").text)
        login = web.post("/organise/login", headers={"x-forwarded-proto": "https"},
                         data={"csrf": token, "name": ORGANISER, "password": PASSWORD})  # fmt: skip
        assert login.status_code == 303
        cookie = next(
            c for c in login.headers.get_list("set-cookie") if c.startswith("unionkit_session=")
        )
        flags = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"httponly", "secure", "samesite=strict"} <= flags
        assert web.get("/organise/audit").status_code == 401  # without a session


def test_repeated_failures_lock_the_organiser_out(served: Served) -> None:
    from toolkit.web.server import set_password

    name = unique("Locked")
    set_password(
        served.folder, name, PASSWORD, database=None if served.backend == "sqlite" else served.url
    )
    with client(served.address) as web:
        token = form_token(web.get("/organise/").text)
        for _ in range(5):
            wrong = web.post(
                "/organise/login", data={"csrf": token, "name": name, "password": "not it at all"}
            )
            assert wrong.status_code == 401
        right = web.post(
            "/organise/login", data={"csrf": token, "name": name, "password": PASSWORD}
        )
        assert right.status_code == 401 and "locked" in right.text.lower()
        assert "unionkit_session" not in right.headers.get("set-cookie", "")


def test_moderation_hides_names_until_approved_and_every_change_is_audited(served: Served) -> None:
    name, other = unique("Kuanysh Sultanov"), unique("Spam Signer")
    with client(served.address) as web:
        assert sign(web, LETTER, name=name, organisation="GMB", publish="name").status_code == 303
        assert sign(web, LETTER, name=other, publish="name").status_code == 303
        assert name not in web.get(LETTER).text  # waits for approval
    ids = {row.name: row.id for row in rows_of(served, "open-letter") if row.name in (name, other)}
    with organiser(served.address) as web:
        token = form_token(web.get("/organise/").text)
        listed = web.get("/organise/letter/open-letter")
        assert name in listed.text and "GMB" in listed.text
        assert "<h1>Justice for the oil workers of Zhanaozen</h1>" in listed.text  # not in Kazakh
        both = [str(ids[name]), str(ids[other])]
        approve = web.post(
            "/organise/letter/open-letter", data={"csrf": token, "action": "approve", "id": both}
        )
        assert approve.status_code == 303
        hide = web.post(
            "/organise/letter/open-letter", data={"csrf": token, "action": f"hide:{ids[other]}"}
        )
        assert hide.status_code == 303
        edited = web.post(f"/organise/signature/{ids[name]}", data={
            "csrf": token, "action": "save", "name": name.replace("Kuanysh", "Quanysh"),
            "organisation": "GMB Scotland", "role": "", "group": ""})  # fmt: skip
        assert edited.status_code == 200
        deleted = web.post(f"/organise/signature/{ids[other]}",
                           data={"csrf": token, "action": "delete", "confirm": "yes"})  # fmt: skip
        assert deleted.status_code == 303
        shown = web.get("/organise/audit").text
        assert f"<td>{ids[other]}</td>" in shown and "delete" in shown and ORGANISER in shown
        assert "Quanysh" not in shown  # what was done, never the personal data
    with client(served.address) as web:
        page = web.get(LETTER).text
    assert name.replace("Kuanysh", "Quanysh") in page and other not in page
    assert served.store.get(ids[other]) is None
    actions = [(row.organiser, row.action, row.detail) for row in audit_rows(served, ids[name])]
    assert actions == [(ORGANISER, "approve", "new → approved"),
                       (ORGANISER, "edit", "changed name, organisation")]  # fmt: skip
    actions = [(row.organiser, row.action) for row in audit_rows(served, ids[other])]
    assert actions == [(ORGANISER, "approve"), (ORGANISER, "hide"), (ORGANISER, "delete")]
    assert all(row.at is not None for row in audit_rows(served, ids[other]))
    for row in audit_rows(served, ids[name]):  # fields, never the values
        assert "Quanysh" not in row.detail and "GMB" not in row.detail


def test_the_clean_list_from_the_database(served: Served, tmp_path: Path) -> None:
    formula = unique('=HYPERLINK("http://evil.example") Smith')
    initialled, counted = unique("Yerlan Temirov"), unique("Counted Only")
    waiting, approved = unique("Waiting Person"), unique("Approved Person")
    with client(served.address) as web:
        assert sign(web, PETITION, name=formula, email="formula@example.org").status_code == 303
        for name, choice in ((initialled, "initials"), (counted, "count")):
            sent = sign(web, PETITION, name=name, email=f"{choice}@example.org", publish=choice)
            assert sent.status_code == 303
        assert sign(web, LETTER, name=waiting, publish="name").status_code == 303
        assert sign(web, LETTER, name=approved, publish="name").status_code == 303
    ids = [row.id for row in rows_of(served, "open-letter") if row.name == approved]
    assert served.store.set_status(ids, "approved", ORGANISER) == 1
    out = tmp_path / "clean.csv"
    database = str(served.folder) if served.backend == "sqlite" else served.url
    for letter in ("petition", "open-letter"):
        done = run_cli("signatories", "--from-db", database, "--letter", letter, "-o", out)
        assert done.exit_code == 0, done.stderr
        assert not EMAIL.search(done.stdout + done.stderr)
        with out.open(encoding="utf-8-sig", newline="") as file:
            rows = {row["name"]: row for row in csv.DictReader(file)}
        assert all("consent" in row for row in rows.values())
        if letter == "petition":
            assert "'" + formula in rows and formula not in rows  # a spreadsheet shows it as text
            assert rows["'" + formula]["consent"] == "yes"
            shown = [row for name, row in rows.items() if name.startswith("Y. T.")]
            assert [row["consent"] for row in shown] == ["initials only"]
            assert not any("Temirov" in name or counted in name for name in rows)
        else:
            assert approved in rows and waiting not in rows  # not approved yet


# -- the data kept --------------------------------------------------------------------------------
@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    from toolkit.database import Database
    from toolkit.database.signatures import Signatures

    with ExitStack() as stack:
        url = f"sqlite:///{tmp_path / 'kept.sqlite3'}"
        if request.param == "postgresql":
            url = stack.enter_context(postgresql_schema())
        database = Database(url)
        stack.callback(database.close)
        database.migrate()
        yield Signatures(database)


def test_purge_after_days_drops_emails_and_keeps_only_what_is_published(store: Any) -> None:
    import datetime

    from toolkit.database.signatures import LetterSettings
    from toolkit.signatories import Signatory

    store.remember_letters([
        LetterSettings("handed-in", "Handed in", "required", datetime.date(2013, 12, 16)),
        LetterSettings("still-open", "Still open", "none", None, datetime.date(2099, 1, 1)),
    ])  # fmt: skip
    people = {
        "Aliya Dzhaksybekova": ("name", "approved"),
        "Serik Akhmetov": ("initials", "approved"),
        "Nurlan Bekov": ("count", "approved"),
        "Waiting Forever": ("name", "new"),
    }
    for name, (choice, _) in people.items():
        email = name.split()[0].lower() + "@example.org"
        for letter in ("handed-in", "still-open"):
            store.sign(letter, Signatory(name=name, organisation="Unite", email=email), choice,
                       "en", moderated=letter == "handed-in")  # fmt: skip
    for row in store.of_letter("handed-in"):
        if people[row.name][1] == "approved":
            store.set_status([row.id], "approved", ORGANISER)
    early = store.purge(30, today=datetime.date(2014, 1, 10))
    assert (early.emails, early.deleted) == (0, 0)  # not yet 30 days after the hand-in
    done = store.purge(30, today=datetime.date(2014, 1, 20))
    assert (done.emails, done.reduced, done.deleted) == (3, 2, 1)
    kept = {row.publish: row for row in store.of_letter("handed-in")}
    assert set(kept) == {"name", "initials", "count"}
    assert all(row.email == "" and row.purged for row in kept.values())
    assert (kept["name"].name, kept["name"].organisation) == ("Aliya Dzhaksybekova", "Unite")
    assert (kept["initials"].name, kept["initials"].organisation) == ("S. A.", "")
    assert kept["count"].name == "" and kept["count"].signatory().name == f"#{kept['count'].id}"
    assert store.find("aliya@example.org")[0].letter == "still-open"  # that letter is still open
    assert len(store.of_letter("still-open")) == 4


def test_serve_purge_after_runs_at_start_and_names_letters_it_cannot_date(served: Served) -> None:
    from toolkit.web.server import prepare

    with client(served.address) as web:
        assert (
            sign(web, PETITION, name=unique("Kept Email"), email="kept@example.kz").status_code
            == 303
        )
    said: list[str] = []
    database = None if served.backend == "sqlite" else served.url
    # A hundred years: the wiring, not the effect (which the test above shows), on a database
    # the other tests still use.
    config, _ = prepare(served.folder, cache=served.folder.parent / "cache", database=database,
                        render_workers=1, purge_after=36_500, say=said.append)  # fmt: skip
    assert config.purge_after == 36_500
    assert "--purge-after 36500: 0 emails removed, 0 names reduced to what is published," \
        " 0 unpublished signatures deleted" in said  # fmt: skip
    assert not any("closed" in line for line in said)  # it has closes:, so it can be dated
    assert all(not EMAIL.search(line) for line in said)
    assert served.store.find("kept@example.kz")[0].email == "kept@example.kz"  # nothing purged


# -- last: what the servers logged --------------------------------------------------------------
def test_no_email_or_address_was_logged(served: Served, logs: list[str]) -> None:
    listen()
    host, port = served.address.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as raw:  # something uvicorn logs
        raw.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        raw.recv(1000)
    with client(served.address, **{"x-forwarded-for": "203.0.113.77"}) as web:
        sign(web, LETTER, name="Logged Nowhere", email="logged.nowhere@example.org")
    assert logs, "the capture caught nothing: it cannot show that nothing personal is logged"
    for line in logs:
        assert not EMAIL.search(line), line
        assert "127.0.0.1" not in line and "203.0.113.77" not in line, line
