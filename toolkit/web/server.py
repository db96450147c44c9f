"""`unionkit serve`: build the campaign's site once (only what changed), bring its database up
to date when one is needed, then run the app in uvicorn's server processes."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from toolkit import api
from toolkit.site import build_site
from toolkit.site.catalogue import CATALOGUE_FILE, Catalogue, cache_folder
from toolkit.web.app import CONFIG_VARIABLE, ServeConfig

SECRET_VARIABLE = "UNIONKIT_SECRET"
# `UNIONKIT_LOAD_TEST=1 unionkit serve ...` lifts the limits on signatures a second (per
# address and per letter) so that a load test from one machine measures the server, not the
# limits; honoured only on a loopback address, so it can never open a public site to floods.
LOAD_TEST_VARIABLE = "UNIONKIT_LOAD_TEST"


def prepare(
    folder: Path,
    *,
    database: str | None = None,
    cache: Path | None = None,
    address: str = "",
    render_workers: int = 2,
    render_seconds: float = 30.0,
    purge_after: int | None = None,
    on_outcome: Callable[[api.Outcome], None] | None = None,
    say: Callable[[str], None] = lambda text: None,
) -> tuple[ServeConfig, Catalogue]:
    """Everything the server processes share, made once before they start: the built site
    and its catalogue, the database migrated (only when the campaign keeps something) with
    the letters that collect signatures recorded (and, with `purge_after`, old emails
    purged), the secret that signs the forms' tokens (`UNIONKIT_SECRET`, else a new one
    each start)."""
    from toolkit.database import Database, campaign_url
    from toolkit.web.signing import signing_letters

    cache = cache or cache_folder("serve", folder)
    site_dir = cache / "site"
    catalogue = build_site(folder, site_dir, cache=cache, on_outcome=on_outcome)
    catalogue_file = cache / CATALOGUE_FILE
    catalogue.save(catalogue_file)
    signing = signing_letters(catalogue)
    if signing:
        _check_signing_pages(catalogue)
        _say_uncollected(signing, say)
    url = None
    if catalogue.report_passed or signing:
        from toolkit.database.signatures import Signatures

        url = campaign_url(folder, database)
        store = Database(url)
        try:
            applied = store.migrate()
            kept = Signatures(store)
            kept.remember_letters(letter.settings() for letter in signing.values())
            if purge_after is not None:
                purged = kept.purge(purge_after)
                say(f"--purge-after {purge_after}: {purged.describe()}")
                for key in purged.undated or []:
                    say(
                        f"--purge-after: the letter {key!r} has no date: give it `date:` (the"
                        " day it is handed in) or `closes:` so that its emails can be purged"
                    )
        finally:
            store.close()
        for step in applied:
            say(f"database {store.describe()}: migrated {step}")
    elif database:
        say(
            "--database given, but the campaign keeps nothing: set report_passed in its site:"
            " or collect: true in a letter"
        )
    secret = os.environ.get(SECRET_VARIABLE) or secrets.token_hex(32)
    config = ServeConfig(
        folder=str(folder.resolve()),
        site_dir=str(site_dir),
        catalogue=str(catalogue_file),
        secret=secret,
        database=url,
        address=address,
        render_workers=render_workers,
        render_seconds=render_seconds,
        purge_after=purge_after,
    )
    return config, catalogue


def _check_signing_pages(catalogue: Catalogue) -> None:
    """A site template copied before letters collected signatures lacks their pages and
    words: say what to add, before the server starts."""
    from toolkit.errors import TemplateError
    from toolkit.site.theme import BUILTIN, read_site_template
    from toolkit.templates import builtin_folder

    template = read_site_template(Path(catalogue.site_template))
    builtin = read_site_template(builtin_folder() / BUILTIN)
    for key in ("sign", "organise"):
        name = getattr(template.manifest.site, key)
        if not (template.folder / name).is_file():
            raise TemplateError(
                f"{name} is missing: a letter collects signatures, and this site template"
                " (copied from an older unionkit) has no page for it; copy it from a new"
                " `unionkit templates copy site NEW-FOLDER`",
                file=template.folder / "manifest.yaml",
            )
    missing = sorted(set(builtin.words["en"]) - set(template.words["en"]))
    if missing:
        raise TemplateError(
            f"the words of the signing pages are missing ({', '.join(missing[:5])}"
            f"{', ...' if len(missing) > 5 else ''}): copy them into every words file from"
            " a new `unionkit templates copy site NEW-FOLDER`",
            file=template.folder / template.manifest.site.words / "en.yaml",
        )


def _say_uncollected(signing: dict[str, Any], say: Callable[[str], None]) -> None:
    from toolkit.kinds.letter import Letter, named_databases

    for letter in signing.values():
        model = letter.document.model
        if isinstance(model, Letter) and not named_databases(model):
            say(
                f"{letter.source}: warning: the letter collects signatures, but its"
                " `signatories:` does not name `collected`: they are not printed"
            )


def for_load_test(config: ServeConfig, host: str) -> ServeConfig:
    """The config with the signing rate limits lifted, for a load test on this machine only
    (`UNIONKIT_LOAD_TEST=1`); refused on any address but a loopback one."""
    import ipaddress
    from dataclasses import replace

    from toolkit.errors import UnionkitError

    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise UnionkitError(
            f"{LOAD_TEST_VARIABLE} is set: a load test lifts the limits on signatures, so the"
            f" server listens on 127.0.0.1 only, not {host}; unset {LOAD_TEST_VARIABLE}",
            field="--host",
        )
    unlimited = 10**9
    return replace(
        config,
        signs_per_hour=float(unlimited),
        sign_burst=unlimited,
        letter_signs_per_minute=float(unlimited),
        letter_sign_burst=unlimited,
    )


def set_password(
    folder: Path, name: str, password: str, *, database: str | None = None
) -> tuple[bool, str]:
    """Set an organiser's password in the campaign's database (made and migrated if need
    be); whether the organiser is new, and the database's address without its password."""
    from toolkit.database import Database, campaign_url
    from toolkit.database.organisers import Organisers, check_password_choice

    check_password_choice(name, password)
    store = Database(campaign_url(folder, database))
    try:
        store.migrate()
        return Organisers(store).set_password(name, password), store.describe()
    finally:
        store.close()


def run(config: ServeConfig, *, host: str, port: int, workers: int, forwarded: str | None) -> None:
    """Serve the app with uvicorn (each of `workers` processes runs its own render pool). No
    access log: visitors' addresses are personal data; the reverse proxy's log is yours."""
    import uvicorn

    os.environ[CONFIG_VARIABLE] = config.to_environment()
    uvicorn.run(
        "toolkit.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=forwarded,
        server_header=False,
        log_level="warning",
        timeout_graceful_shutdown=10,
    )
