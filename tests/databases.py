"""The databases storage tests run on: SQLite in a temporary folder, and PostgreSQL in a
schema of its own in the server `.ci/run` starts (skipped, with the reason, where there is
none)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

POSTGRESQL = os.environ.get("UNIONKIT_TEST_DATABASE_URL", "")
BACKENDS = ("sqlite", "postgresql")


@contextmanager
def postgresql_schema() -> Iterator[str]:
    """The address of a fresh, empty schema in the test PostgreSQL database (dropped
    afterwards); skips the test where PostgreSQL is not available."""
    if not POSTGRESQL:
        pytest.skip(
            "PostgreSQL not available: set UNIONKIT_TEST_DATABASE_URL=postgresql://USER:PW@HOST/DB"
            " (.ci/run starts one)"
        )
    from sqlalchemy import create_engine, text

    from toolkit.database import engine_url

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(engine_url(POSTGRESQL))
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:  # noqa: BLE001 - a server that is not there is a reason to skip
        admin.dispose()
        pytest.skip(f"PostgreSQL at UNIONKIT_TEST_DATABASE_URL not reachable: {type(exc).__name__}")
    separator = "&" if "?" in POSTGRESQL else "?"
    try:
        yield f"{POSTGRESQL}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
