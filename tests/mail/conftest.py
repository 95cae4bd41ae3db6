"""The mail tests' fixtures: the real SMTP server, a migrated database on SQLite and PostgreSQL."""

from tests.support.databases import (  # noqa: F401 - fixtures
    database,
    database_url,
    migrated_postgres,
    migrated_sqlite,
)
from tests.support.smtp import smtp_server  # noqa: F401 - a fixture
