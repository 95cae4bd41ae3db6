"""The loyalty tests' fixtures: a migrated database on SQLite and on PostgreSQL."""

from tests.support.databases import (  # noqa: F401 - fixtures
    database,
    database_url,
    migrated_postgres,
    migrated_sqlite,
)
