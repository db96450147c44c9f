"""`unionkit serve`: build the campaign's site once (only what changed), bring its database up
to date when one is needed, then run the app in uvicorn's server processes."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from toolkit import api
from toolkit.site import build_site
from toolkit.site.catalogue import CATALOGUE_FILE, Catalogue, cache_folder
from toolkit.web.app import CONFIG_VARIABLE, ServeConfig

SECRET_VARIABLE = "UNIONKIT_SECRET"


def prepare(
    folder: Path,
    *,
    database: str | None = None,
    cache: Path | None = None,
    address: str = "",
    render_workers: int = 2,
    render_seconds: float = 30.0,
    on_outcome: Callable[[api.Outcome], None] | None = None,
    say: Callable[[str], None] = lambda text: None,
) -> tuple[ServeConfig, Catalogue]:
    """Everything the server processes share, made once before they start: the built site
    and its catalogue, the database migrated (only when the campaign keeps something), the
    secret that signs the forms' tokens (`UNIONKIT_SECRET`, else a new one each start)."""
    from toolkit.database import Database, campaign_url

    cache = cache or cache_folder("serve", folder)
    site_dir = cache / "site"
    catalogue = build_site(folder, site_dir, cache=cache, on_outcome=on_outcome)
    catalogue_file = cache / CATALOGUE_FILE
    catalogue.save(catalogue_file)
    url = None
    if catalogue.report_passed:
        url = campaign_url(folder, database)
        store = Database(url)
        try:
            applied = store.migrate()
        finally:
            store.close()
        for step in applied:
            say(f"database {store.describe()}: migrated {step}")
    elif database:
        say("--database given, but the campaign keeps nothing: set report_passed in its site:")
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
    )
    return config, catalogue


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
