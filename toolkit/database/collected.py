"""A letter's `signatories: collected`: which database holds the signatures collected on the
campaign's site, and the ones the letter may print, read from it for a build."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from toolkit.database import DEFAULT_FILE
from toolkit.database.signatures import Stored
from toolkit.document import Place
from toolkit.paths import is_inside
from toolkit.signatories import Signatory

# `collected` means this database when it is set (`unionkit serve` sets it for its own
# builds), else the SQLite file beside the letter or its campaign file.
DATABASE_VARIABLE = "UNIONKIT_DATABASE"


@dataclass
class Collected:
    """The published signatures a letter read from the site's database, and what else it
    found there (how many wait for approval or were hidden)."""

    where: str
    rows: list[Stored] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    fingerprint: str = ""
    found: bool = True
    moderated: bool = False

    def describe(self) -> str:
        if not self.found:
            return (
                f"signatories: collected: no signatures collected yet (no {DEFAULT_FILE} beside"
                " the letter or its campaign file; `unionkit serve` makes it)"
            )
        count = len(self.rows)
        parts = []
        if self.moderated and self.statuses["new"]:
            parts.append(f"{self.statuses['new']} waiting for approval")
        if self.statuses["hidden"]:
            parts.append(f"{self.statuses['hidden']} hidden")
        extra = f" ({', '.join(parts)}, not printed)" if parts else ""
        return (
            f"signatories: collected: {count} {'signature' if count == 1 else 'signatures'}"
            f" read from {self.where}{extra}"
        )


def database_of(
    written: str,
    letter: Path,
    campaign_folder: Path | None,
    where: Place,
    *,
    database: str | None = None,
) -> tuple[str, str] | None:
    """The database a letter's `signatories:` entry names, as (address, how to show it), or
    None when `collected` finds no database yet. `collected` is `database` when given (the
    web app's own), else `UNIONKIT_DATABASE`, else the SQLite file beside the letter or its
    campaign file. A SQLite file the letter names must lie in the letter's folder or its
    campaign's (a received letter cannot read the user's other databases)."""
    from toolkit.database import _shown_url, engine_url
    from toolkit.errors import UnionkitError

    here = letter.parent
    if written == "collected":
        configured = database or os.environ.get(DATABASE_VARIABLE, "").strip()
        if configured:
            try:
                address = engine_url(configured)
            except UnionkitError as exc:
                raise where.problem(f"{DATABASE_VARIABLE}: {exc.problems[0].message}") from None
            if address.startswith("sqlite:///"):
                file = Path(address.removeprefix("sqlite:///"))
                # Reading never makes a database: none yet means nothing collected yet.
                return (address, file.name) if file.is_file() else None
            return address, _shown_url(address)
        folders = [here.resolve()]
        if campaign_folder is not None and is_inside(here, campaign_folder):
            top = campaign_folder.resolve()
            while folders[-1] != top and folders[-1] != folders[-1].parent:
                folders.append(folders[-1].parent)
        for folder in folders:
            candidate = folder / DEFAULT_FILE
            if candidate.is_file():
                return f"sqlite:///{candidate}", candidate.name
        return None
    if written.startswith("sqlite:"):
        rest = written.removeprefix("sqlite:")
        if not rest.startswith("///") or rest.startswith("////") or not rest[3:]:
            raise where.problem(
                "write the SQLite file relative to the letter, e.g. sqlite:///unionkit.sqlite3"
            )
        relative = rest[3:]
        path = here / relative
        allowed = [here, *([campaign_folder] if campaign_folder is not None else [])]
        if not any(is_inside(path, folder) for folder in allowed):
            raise where.problem(
                f"{relative!r} lies outside the letter's folder and its campaign's: copy it here"
            )
        if not path.is_file():
            raise where.problem(f"no database {relative!r} next to the letter")
        return f"sqlite:///{path.resolve()}", relative
    try:
        address = engine_url(written)
    except UnionkitError as exc:
        raise where.problem(exc.problems[0].message) from None
    return address, _shown_url(address)


def read_collected(
    written: str,
    letter: Path,
    campaign_folder: Path | None,
    where: Place,
    *,
    letter_key: str,
    moderated: bool,
    database: str | None = None,
) -> Collected:
    """The signatures of the letter `letter_key` that it may print (approved; or not hidden
    when the letter needs no approval), each with its own choice of what to publish."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    from toolkit.database import Database
    from toolkit.database.signatures import Signatures, fingerprint
    from toolkit.errors import UnionkitError

    found = database_of(written, letter, campaign_folder, where, database=database)
    if found is None:
        return Collected("", found=False)
    address, shown = found
    try:
        store = Database(address)
    except UnionkitError as exc:
        raise where.problem(exc.problems[0].message) from None
    try:
        if not inspect(store.engine).has_table("signatures"):
            return Collected(shown, moderated=moderated)
        kept = Signatures(store)
        rows = kept.published(letter_key, moderated)
        statuses = kept.counts().get(letter_key, Counter())
    except SQLAlchemyError as exc:
        detail = " ".join(str(getattr(exc, "orig", exc)).split())[:200]
        raise where.problem(f"cannot read the signatures collected in {shown}: {detail}") from None
    finally:
        store.close()
    return Collected(shown, rows, statuses, fingerprint(rows), moderated=moderated)


def from_database(
    database: str, letter: str | None, *, first: int = 0
) -> tuple[list[Signatory], list[str]]:
    """`unionkit signatories --from-db`: the published signatures of one letter (the only
    one, or `letter`), as signatories placed at the database and each signature's number,
    and a line saying what was read. `database` is a campaign folder (its SQLite file), a
    SQLite file, or a database's address."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    from toolkit.database import Database, engine_url
    from toolkit.database.signatures import Signatures, fingerprint
    from toolkit.errors import UnionkitError

    given = Path(database)
    if "://" not in database:
        file = given / DEFAULT_FILE if given.is_dir() else given
        if not file.is_file():
            raise UnionkitError(
                f"no database at {database}: give the campaign folder `unionkit serve` ran"
                f" on (it keeps {DEFAULT_FILE}), the file itself, or postgresql://USER@HOST/NAME",
                field="--from-db",
            )
        address, shown = f"sqlite:///{file.resolve()}", file.name
    else:
        address = engine_url(database)
        shown = Database(address).describe()
    store = Database(address)
    try:
        if not inspect(store.engine).has_table("signatures"):
            raise UnionkitError(f"{shown}: no signatures were collected here", field="--from-db")
        kept = Signatures(store)
        settings = {found.key: found for found in kept.letters()}
        counts = kept.counts()
        keys = sorted(set(settings) | set(counts))
        if letter is None:
            if len(keys) != 1:
                raise UnionkitError(
                    f"{shown} holds the signatures of {len(keys)} letters: say which with"
                    f" --letter ({', '.join(keys) or 'none yet'})",
                    field="--letter",
                )
            letter = keys[0]
        elif letter not in keys:
            raise UnionkitError(
                f"{shown} holds no letter {letter!r}: it has {', '.join(keys) or 'none yet'}",
                field="--letter",
            )
        known = settings.get(letter)
        moderated = known is not None and known.moderated
        rows = kept.published(letter, moderated)
        found = Collected(
            shown, rows, counts.get(letter, Counter()), fingerprint(rows), moderated=moderated
        )
    except SQLAlchemyError as exc:
        detail = " ".join(str(getattr(exc, "orig", exc)).split())[:200]
        raise UnionkitError(f"cannot read {shown}: {detail}", field="--from-db") from None
    finally:
        store.close()
    people = [
        replace(stored.signatory(file=Path(shown), line=stored.id), order=first + number)
        for number, stored in enumerate(rows)
    ]
    return people, [
        f"{shown}: letter {letter}: {found.describe().removeprefix('signatories: collected: ')}"
    ]
