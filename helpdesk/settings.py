"""Service settings, read from environment variables (documented in .env.example)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Everything the service reads from its environment, with the embedded defaults."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    environment: Literal["development", "test", "production"] = "development"
    host: str = Field("127.0.0.1", validation_alias="HELPDESK_HOST")
    port: int = Field(8080, validation_alias="HELPDESK_PORT")
    public_url: str = Field("", validation_alias="HELPDESK_PUBLIC_URL")

    var_dir: Path = PROJECT_ROOT / "var"
    database_url: str = ""
    # PostgreSQL connections per helpdesk process, and how long a request waits for one.
    database_pool_size: int = Field(10, ge=1, le=200)
    database_pool_timeout_seconds: float = Field(10.0, gt=0)
    # Several helpdesk replicas: their live events meet in Redis (empty: one process, in memory).
    redis_url: str = ""
    locales_dir: Path = PROJECT_ROOT / "locales"
    policies_dir: Path = PROJECT_ROOT / "policies"

    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str = ""  # Rasa's own API token (its /status and trackers)
    # Where Rasa calls the helpdesk (custom actions, the texts of replies): a listener of its
    # own, private by default, that takes only calls carrying this shared secret.
    rasa_callbacks_host: str = "127.0.0.1"
    rasa_callbacks_port: int = Field(5056, ge=0, le=65535)
    rasa_callbacks_token: str = ""
    bot_timeout_seconds: float = 30.0
    # Bot calls at once from this process; more wait for a slot (within the timeout above), so a
    # hung bot ties up neither every worker nor the database.
    bot_concurrency: int = Field(8, ge=1, le=256)
    bot_startup_grace_seconds: float = 300.0

    # Shared secrets: Shopify's webhook signing secret, and the one the shop signs logged-in
    # customers' identities with (HMAC-SHA256 of the email), passed on by the widget.
    shopify_webhook_secret: str = ""
    identity_secret: str = ""
    # The example shop's page signs its demo customers in on request (/demo?customer=...): only
    # where this is on, which `make run` does. Never in a shop that serves real customers.
    demo_mode: bool = False

    shop: str = "atelier-nord"
    # Languages shoppers are served in, and those the bot reads natively; the others are
    # translated to English for the bot (argostranslate packages: python -m helpdesk languages).
    # Chinese is read natively: the multilingual sentence encoder of the bot's pipeline
    # understands it better (0.864 on tests/eval/dev_zh.csv) than zh->en translation (0.754).
    shop_languages: str = "en,es,pt,fr,de,it,zh"
    nlu_languages: str = "en,es,pt,fr,de,it,zh"
    allowed_origins: str = ""
    # Behind reverse proxies every request comes from the nearest one: then the client's address
    # and scheme are the X-Forwarded-For / X-Forwarded-Proto entries our own proxies wrote, the
    # TRUSTED_PROXIES-th from the right (entries further left are the client's own words).
    behind_proxy: bool = False
    trusted_proxies: int = Field(1, ge=1, le=10)
    # GET /metrics (Prometheus) answers only requests with "Authorization: Bearer <this>";
    # empty: metrics are off and /metrics refuses every request (401).
    metrics_token: str = ""

    # The shop's emails (helpdesk/mail/). With SMTP_HOST empty (the embedded default) nothing is
    # sent: each email is written to var/outbox-mail/ and listed on the workspace's mail page.
    mail_from: str = "Atelier Nord <support@atelier-nord.example>"
    smtp_host: str = ""
    smtp_port: int = Field(587, ge=1, le=65535)
    # starttls: upgrade a plain connection (port 587); tls: TLS from the start (465); none: only
    # for a relay on this machine.
    smtp_security: Literal["starttls", "tls", "none"] = "starttls"
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_timeout_seconds: float = Field(30.0, gt=0)
    # The server's certificate is always checked: against the system's CAs, or those of this
    # file (PEM) for a server with a private CA.
    smtp_ca_file: str = ""
    # Signs the one-click unsubscribe links (HMAC-SHA256): links stay valid across restarts, so
    # it is a fixed secret, required once mail really goes out in production.
    mail_secret: str = ""
    # Work due later (helpdesk/jobs/): a replica holds a claimed job for the lease; one that dies
    # loses it and another replica takes the job. A failed job is tried again after
    # backoff * 2^(attempts-1) seconds, and after max_attempts it waits in the dead-letter list.
    jobs_poll_seconds: float = Field(5.0, gt=0)
    jobs_lease_seconds: float = Field(300.0, gt=0)
    jobs_max_attempts: int = Field(6, ge=1, le=100)
    jobs_backoff_seconds: float = Field(60.0, gt=0)
    jobs_batch: int = Field(20, ge=1, le=1000)
    jobs_concurrency: int = Field(4, ge=1, le=100)

    @model_validator(mode="after")
    def _refuse_development_secret(self) -> Settings:
        if self.environment == "production" and not self.rasa_callbacks_token:
            raise ValueError(
                "RASA_CALLBACKS_TOKEN must be set in production (a long random value, "
                "given to Rasa as HELPDESK_CALLBACKS_TOKEN)"
            )
        if self.environment == "production" and self.demo_mode:
            raise ValueError("DEMO_MODE signs demo customers in on request: never in production")
        if self.environment == "production" and self.smtp_host and len(self.mail_secret) < 32:
            raise ValueError(
                "MAIL_SECRET must be set in production when SMTP_HOST sends mail (a long random "
                "value, at least 32 characters: it signs the unsubscribe links)"
            )
        return self

    @property
    def unsubscribe_secret(self) -> bytes:
        """The key of the unsubscribe links; outside production a fixed one serves when unset."""
        return (self.mail_secret or f"development-only-unsubscribe-key-{self.shop}").encode()

    @property
    def outbox_mail_dir(self) -> Path:
        return self.var_dir / "outbox-mail"

    @property
    def database(self) -> str:
        """The SQLAlchemy URL: DATABASE_URL, or an SQLite file under var/."""
        return self.database_url or f"sqlite:///{self.var_dir / 'helpdesk.db'}"

    @property
    def base_url(self) -> str:
        return self.public_url.rstrip("/") or f"http://{self.host}:{self.port}"

    @property
    def languages(self) -> list[str]:
        return [code.strip() for code in self.shop_languages.split(",") if code.strip()]

    @property
    def native_languages(self) -> list[str]:
        return [code.strip() for code in self.nlu_languages.split(",") if code.strip()]

    @property
    def origins(self) -> set[str]:
        """Browser origins allowed on the websocket and state-changing requests."""
        listed = {o.strip().rstrip("/") for o in self.allowed_origins.split(",") if o.strip()}
        own = {self.base_url, f"http://localhost:{self.port}", f"http://127.0.0.1:{self.port}"}
        return listed | own
