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

    @model_validator(mode="after")
    def _refuse_development_secret(self) -> Settings:
        if self.environment == "production" and not self.rasa_callbacks_token:
            raise ValueError(
                "RASA_CALLBACKS_TOKEN must be set in production (a long random value, "
                "given to Rasa as HELPDESK_CALLBACKS_TOKEN)"
            )
        if self.environment == "production" and self.demo_mode:
            raise ValueError("DEMO_MODE signs demo customers in on request: never in production")
        return self

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
