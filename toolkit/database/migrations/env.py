"""Alembic's entry point for unionkit's migrations: run on the connection the caller opened
(`toolkit.database.Database.migrate`), never from a configuration file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from toolkit.database import metadata

connection = context.config.attributes["connection"]
# Servers of one campaign starting together migrate one after the other.
if connection.dialect.name == "postgresql":
    connection.execute(text("SELECT pg_advisory_xact_lock(7468370517)"))
context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite changes tables by copying them: Alembic's batch mode does it.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
