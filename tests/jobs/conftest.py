"""The due jobs' fixtures: a migrated database on SQLite and on PostgreSQL, and the SMTP server."""

from tests.support.databases import database, database_url  # noqa: F401 - fixtures
from tests.support.smtp import smtp_server  # noqa: F401 - a fixture
