"""The mail tests' fixtures: the real SMTP server, a migrated database on SQLite and PostgreSQL."""

from tests.support.databases import database, database_url  # noqa: F401 - fixtures
from tests.support.smtp import smtp_server  # noqa: F401 - a fixture
