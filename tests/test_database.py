"""The campaign's database: migrations that make exactly the schema the code declares, on
SQLite (the default, in WAL mode) and on PostgreSQL (skipped where none is running)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.databases import BACKENDS, postgresql_schema
from toolkit.database import Database, branch_key, campaign_url, engine_url, metadata


@pytest.fixture(params=BACKENDS)
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        store = Database(campaign_url(tmp_path))
        yield store
        store.close()
        return
    with postgresql_schema() as url:
        store = Database(url)
        yield store
        store.close()


def test_migrations_make_the_declared_schema_once(database: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    assert database.migrate() == ["empty → 0002"]
    assert database.migrate() == []  # up to date: nothing to do
    assert database.revision() == "0002"
    with database.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_a_branch_that_reports_twice_is_counted_once(database: Database) -> None:
    database.migrate()
    day = datetime.date(2013, 12, 10)
    database.report_passed("model-resolution", "Offshore Energy Branch", "RMT", day, 23, 1)
    database.report_passed("model-resolution", "offshore  energy branch", "rmt", day, 24, 0)
    database.report_passed("model-resolution", "Eastbridge Trades Council", "", day, None, None)
    database.report_passed("ru/model-resolution", "Нефтяник", "Профсоюз", day, 40, 2)
    assert database.passed_counts() == {"model-resolution": 2, "ru/model-resolution": 1}
    from sqlalchemy import select

    from toolkit.database import passed_reports

    with database.engine.connect() as connection:
        votes = connection.execute(
            select(passed_reports.c.votes_for).where(
                passed_reports.c.branch_key == branch_key("Offshore Energy Branch", "RMT")
            )
        ).scalar_one()
    assert votes == 24  # the latest report wins


def test_sqlite_is_one_file_in_the_campaign_folder_in_wal_mode(tmp_path: Path) -> None:
    from sqlalchemy import text

    store = Database(campaign_url(tmp_path))
    try:
        store.migrate()
        with store.engine.connect() as connection:
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        store.close()
    assert (tmp_path / "unionkit.sqlite3").is_file()


def test_database_addresses() -> None:
    from toolkit.errors import UnionkitError

    assert engine_url("postgresql://kit@db/campaign") == "postgresql+psycopg://kit@db/campaign"
    with pytest.raises(UnionkitError, match="not a database unionkit uses"):
        engine_url("mysql://root:secret@db/x")
    try:
        engine_url("mysql://root:secret@db/x")
    except UnionkitError as exc:
        assert "secret" not in str(exc)
