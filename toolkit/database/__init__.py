"""The campaign's database: one schema (SQLAlchemy Core) for SQLite, one file in the campaign
folder by default, and PostgreSQL for a campaign run on several servers, kept up to date by
versioned migrations (Alembic) that run before the app starts."""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from toolkit.errors import UnionkitError

# The file a campaign's database is kept in, in its folder, unless `--database` says otherwise.
DEFAULT_FILE = "unionkit.sqlite3"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# Constraint names spelt out, so that migrations can name what they change on every database.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

passed_reports = Table(
    "passed_reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document", String(300), nullable=False),
    Column("branch_key", String(1100), nullable=False),
    Column("branch", String(500), nullable=False),
    Column("union_name", String(500), nullable=False, server_default=""),
    Column("passed_on", Date, nullable=False),
    Column("votes_for", Integer, nullable=True),
    Column("votes_against", Integer, nullable=True),
    Column("reported_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("document", "branch_key"),
)
"""Branches that told the campaign they passed a motion (the "tell us you passed it" form):
which document (its id on the site), the branch and union as typed, the date and the votes.
One row a branch and document: a second report replaces the first."""


letters = Table(
    "letters",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("title", String(500), nullable=False, server_default=""),
    Column("moderation", String(20), nullable=False, server_default="none"),
    Column("hand_in", Date, nullable=True),
    Column("closes", Date, nullable=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
"""The open letters that collect signatures on the campaign's site, as `unionkit serve` last
found them: whether names wait for approval, and the hand-in date `--purge-after` counts
from (so the database alone says what may be published and when emails go)."""

signatures = Table(
    "signatures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("letter", String(200), nullable=False),
    Column("dedupe_key", String(700), nullable=False),
    Column("person_key", String(700), nullable=False),
    Column("name", String(500), nullable=False),
    Column("role", String(500), nullable=False, server_default=""),
    Column("organisation", String(500), nullable=False, server_default=""),
    Column("group_name", String(500), nullable=False, server_default=""),
    Column("email", String(320), nullable=True),
    Column("publish", String(20), nullable=False),
    Column("language", String(8), nullable=False, server_default="en"),
    Column("status", String(20), nullable=False, server_default="new"),
    Column("signed_at", DateTime(timezone=True), nullable=False),
    Column("answered_at", DateTime(timezone=True), nullable=False),
    Column("purged_at", DateTime(timezone=True), nullable=True),
    UniqueConstraint("letter", "dedupe_key"),
    Index("ix_signatures_letter_status", "letter", "status"),
    Index("ix_signatures_letter_person", "letter", "person_key"),
    Index("ix_signatures_email", "email"),
)
"""Signatures given on an open letter's sign-on page: one row a person and letter (the same
email, else the same name and organisation, is one person: a second signature updates the
first). `publish` is the person's choice (name, initials, count); `status` the organisers'
(new, approved, hidden); `answered_at` when the person last answered. No address, browser or
other trace of the visitor is kept."""

organiser_accounts = Table(
    "organisers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("password_hash", String(300), nullable=False),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("locked_until", DateTime(timezone=True), nullable=True),
    Column("changed_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("name"),
)
"""Who may moderate: a name and a scrypt hash of the password (`serve --set-password`), and
the failed logins that lock the name out for a while."""

organiser_sessions = Table(
    "organiser_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("organiser", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)
"""Organisers logged in: the SHA-256 of each session's cookie (the cookie itself is never
stored), so that several servers share the sessions and a copy of the database opens none."""

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("organiser", String(100), nullable=False),
    Column("action", String(40), nullable=False),
    Column("letter", String(200), nullable=False, server_default=""),
    Column("signature", Integer, nullable=True),
    Column("detail", String(500), nullable=False, server_default=""),
)
"""Every change to the signatures and who made it: when, which organiser, what (approve,
hide, edit, delete, erase, export, purge), which signature, and which fields changed, never
the personal data itself (an erased person stays erased)."""


def engine_url(url: str) -> str:
    """A database address as people write it, as SQLAlchemy wants it: `postgresql://` uses
    the psycopg driver; `sqlite:///path` stays."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    if url.startswith(("sqlite:///", "postgresql+psycopg://")):
        return url
    raise UnionkitError(
        f"{_shown_url(url)} is not a database unionkit uses: give postgresql://USER@HOST/NAME"
        " or sqlite:///PATH",
        field="--database",
    )


def _shown_url(url: str) -> str:
    """An address without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a garbled address is shown cut, not parsed
        return url.split("@")[-1][:80]


def campaign_url(folder: Path, database: str | None = None) -> str:
    """The database a campaign uses: `database`, else the SQLite file in its folder."""
    if database:
        return engine_url(database)
    return f"sqlite:///{(folder / DEFAULT_FILE).resolve()}"


class Database:
    """A campaign's database: its engine, its migrations, and what the app keeps in it."""

    def __init__(self, url: str) -> None:
        self.url = engine_url(url)
        self.sqlite = self.url.startswith("sqlite")
        options: dict[str, Any] = {"future": True}
        if not self.sqlite:
            # A server that does not answer is reported after ten seconds, not waited for.
            options |= {
                "pool_pre_ping": True,
                "pool_size": 5,
                "max_overflow": 5,
                "connect_args": {"connect_timeout": 10},
            }
        try:
            self.engine: Engine = create_engine(self.url, **options)
        except ModuleNotFoundError:
            raise UnionkitError(
                "PostgreSQL needs the psycopg driver: pip install 'unionkit[postgresql]'",
                field="--database",
            ) from None
        if self.sqlite:
            event.listen(self.engine, "connect", _sqlite_settings)

    def describe(self) -> str:
        """The address without its password, for messages."""
        return _shown_url(self.url)

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    def migrate(self) -> list[str]:
        """Bring the schema to the newest version (creating it the first time); the revisions
        applied. Several servers starting at once take turns (PostgreSQL: an advisory lock)."""
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        try:
            with self.engine.begin() as connection:
                before = MigrationContext.configure(connection).get_current_revision()
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                after = MigrationContext.configure(connection).get_current_revision()
        except Exception as exc:
            from sqlalchemy.exc import SQLAlchemyError

            if not isinstance(exc, SQLAlchemyError):
                raise
            detail = " ".join(str(getattr(exc, "orig", exc)).split())[:200]
            raise UnionkitError(
                f"cannot open the database {self.describe()}: {detail}", field="--database"
            ) from None
        return [] if before == after else [f"{before or 'empty'} → {after}"]

    def revision(self) -> str | None:
        """The schema's current migration."""
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    # -- "tell us you passed it" ------------------------------------------------------------
    def report_passed(
        self,
        document: str,
        branch: str,
        union: str,
        passed_on: datetime.date,
        votes_for: int | None,
        votes_against: int | None,
    ) -> None:
        """Record that a branch passed a motion; a branch that reports again replaces its
        report."""
        values = {
            "branch": branch,
            "union_name": union,
            "passed_on": passed_on,
            "votes_for": votes_for,
            "votes_against": votes_against,
            "reported_at": datetime.datetime.now(datetime.UTC),
        }
        key = branch_key(branch, union)
        where = (passed_reports.c.document == document) & (passed_reports.c.branch_key == key)
        for _ in range(2):
            try:
                with self.transaction() as connection:
                    found = connection.execute(select(passed_reports.c.id).where(where)).first()
                    if found is None:
                        connection.execute(
                            passed_reports.insert().values(
                                document=document, branch_key=key, **values
                            )
                        )
                    else:
                        connection.execute(
                            passed_reports.update()
                            .where(passed_reports.c.id == found.id)
                            .values(**values)
                        )
                return
            except IntegrityError:
                continue  # another request inserted the same branch first: update it

    def passed_counts(self) -> dict[str, int]:
        """How many branches reported passing each document."""
        query = select(passed_reports.c.document, func.count()).group_by(passed_reports.c.document)
        with self.engine.connect() as connection:
            return {row[0]: int(row[1]) for row in connection.execute(query)}


def branch_key(branch: str, union: str) -> str:
    """One branch however it is typed: case, accents, spaces and punctuation aside."""

    def plain(text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        letters = "".join(c for c in decomposed if c.isalnum() or c.isspace())
        return " ".join(letters.split())

    return f"{plain(branch)}|{plain(union)}"[:1100]


def _sqlite_settings(connection: Any, record: Any) -> None:
    """Write-ahead logging (readers never wait for the writer), a wait instead of an error
    when another process writes, and foreign keys kept."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
