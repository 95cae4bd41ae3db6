"""Sending to an SMTP server that wants TLS and a login, as a shop's provider does: STARTTLS on a
plain port and TLS from the start, the login from the settings, and the server's certificate
checked (a private CA through SMTP_CA_FILE); a wrong password or an unknown CA is an error."""

from __future__ import annotations

import gc
import shutil
import ssl
import subprocess
from datetime import UTC, datetime

import aiosmtplib
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from helpdesk.languages.locales import Locales
from helpdesk.mail.compose import Letter, compose
from helpdesk.mail.senders import SmtpSender
from helpdesk.settings import PROJECT_ROOT, Settings
from tests.support.servers import free_port
from tests.support.smtp import Mailbox

NOW = datetime(2026, 11, 18, 9, 30, tzinfo=UTC)
pytestmark = [
    # With TLS from the start every byte is encrypted, but aiosmtpd counts only STARTTLS as TLS
    # and warns that AUTH is asked for without it.
    pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS"),
]
USER, PASSWORD = "shop", "a password for the relay"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[str, str]:
    """A self-signed certificate for 127.0.0.1 (its own CA), made by the openssl command."""
    if not shutil.which("openssl"):
        pytest.fail("the openssl command is needed to make the test server's certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = str(folder / "cert.pem"), str(folder / "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", key, "-out", cert, "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return cert, key


def authenticate(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself


@pytest.fixture(params=["starttls", "tls"])
def secure_server(request, certificate):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    mailbox = Mailbox()
    tls = {"tls_context": context, "require_starttls": True, "auth_require_tls": True}
    if request.param == "tls":
        # The whole connection is TLS; aiosmtpd counts only STARTTLS as TLS for AUTH.
        tls = {"ssl_context": context, "auth_require_tls": False}
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=authenticate,
        auth_required=True,
        **tls,
    )
    controller.start()
    yield request.param, controller.port, mailbox
    controller.stop()
    gc.collect()


def email():
    letter = Letter(
        "shipped_thank_you",
        "ana@example.com",
        "it",
        {"name": "Ana", "order_number": "AN-9", "tracking_url": "https://t.example/9"},
    )
    return compose(
        Locales.load(PROJECT_ROOT / "locales"),
        letter,
        sender="Atelier Nord <support@atelier-nord.example>",
        unsubscribe_url="https://support.example.com/mail/unsubscribe?t=x.y",
        now=NOW,
    )


def settings_for(mode: str, port: int, **changes) -> Settings:
    values = {
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_security": mode,
        "smtp_user": USER,
        "smtp_password": PASSWORD,
        "smtp_timeout_seconds": 10,
        **changes,
    }
    return Settings(environment="test", **values)


async def test_tls_and_the_login_from_the_settings(secure_server, certificate):
    mode, port, mailbox = secure_server
    sender = SmtpSender(settings_for(mode, port, smtp_ca_file=certificate[0]))
    assert await sender.send(email(), now=NOW) == f"sent to 127.0.0.1:{port}"
    [received] = mailbox.wait_for(1)
    assert received["Subject"] == "Il tuo ordine AN-9 è in viaggio"


async def test_a_wrong_password_is_refused(secure_server, certificate):
    mode, port, mailbox = secure_server
    sender = SmtpSender(
        settings_for(mode, port, smtp_ca_file=certificate[0], smtp_password="wrong")
    )
    with pytest.raises(aiosmtplib.SMTPAuthenticationError):
        await sender.send(email(), now=NOW)
    assert mailbox.count() == 0


async def test_a_server_whose_certificate_no_known_ca_signed_is_refused(secure_server):
    mode, port, mailbox = secure_server
    with pytest.raises((aiosmtplib.SMTPException, ssl.SSLError)):
        await SmtpSender(settings_for(mode, port)).send(email(), now=NOW)
    assert mailbox.count() == 0
