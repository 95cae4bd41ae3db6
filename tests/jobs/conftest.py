"""The due jobs' fixtures: a migrated database on SQLite and on PostgreSQL, and the SMTP server."""

from tests.support.databases import (  # noqa: F401 - fixtures
    database,
    database_url,
    migrated_postgres,
    migrated_sqlite,
)
from tests.support.smtp import smtp_server  # noqa: F401 - a fixture
