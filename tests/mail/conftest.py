"""The mail tests' fixtures: the real SMTP server."""

from tests.support.smtp import smtp_server  # noqa: F401 - a fixture
