"""This app's instruments, on a registry of its own (two apps in one process never mix their
figures), and the small recording hooks create_app hands to the parts that count.

Labels take only values from short, fixed lists (senders, outcomes, routes as declared, teams of
support.yml): never a conversation id, a token, an email or a URL as requested."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.metrics_core import Metric

from helpdesk.chat.models import Message, Sender

BOT_SECONDS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
TRANSLATION_SECONDS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _ScrapeTime:
    """A collector of the figures read just before each scrape (the queue from the database,
    open sockets, the bot's state): `families` holds them only while the scrape is written."""

    def __init__(self) -> None:
        self.families: list[Metric] = []

    def collect(self) -> Iterable[Metric]:
        return list(self.families)

    def describe(self) -> Iterable[Metric]:
        return []


class Metrics:
    """One app's instruments (app[METRICS]); create_app hands each part the hook it needs."""

    def __init__(self) -> None:
        self.registry = registry = CollectorRegistry()
        self.messages_received = Counter(
            "helpdesk_messages_received",
            "Messages shoppers wrote, counted once stored.",
            registry=registry,
        )
        self.messages_sent = Counter(
            "helpdesk_messages_sent",
            "Messages to shoppers, by who sent them (bot, agent, system notices).",
            ["sender"],
            registry=registry,
        )
        self.bot_reply_seconds = Histogram(
            "helpdesk_bot_reply_seconds",
            "How long the bot (Rasa) took to answer one shopper message, by outcome.",
            ["outcome"],
            buckets=BOT_SECONDS,
            registry=registry,
        )
        self.translation_seconds = Histogram(
            "helpdesk_translation_seconds",
            "Machine translations not found in the cache: time until the text came back.",
            buckets=TRANSLATION_SECONDS,
            registry=registry,
        )
        self.translation_cache = Counter(
            "helpdesk_translation_cache",
            "Translations asked of the cache: result is hit or miss.",
            ["result"],
            registry=registry,
        )
        self.claims = Counter(
            "helpdesk_claims", "Conversations agents claimed from the queue.", registry=registry
        )
        self.claim_conflicts = Counter(
            "helpdesk_claim_conflicts",
            "Claims refused because another agent had the conversation first.",
            registry=registry,
        )
        self.http_requests = Counter(
            "helpdesk_http_requests",
            "HTTP requests answered, by method, route (as declared) and status.",
            ["method", "route", "status"],
            registry=registry,
        )
        self.translation = TranslationCounts(self)  # the Translator's observer
        self._scrape_time = _ScrapeTime()
        registry.register(self._scrape_time)
        for sender in (Sender.BOT, Sender.AGENT, Sender.SYSTEM):
            self.messages_sent.labels(sender=sender.value)  # shown at 0 before the first
        for result in ("hit", "miss"):
            self.translation_cache.labels(result=result)

    # --- hooks for the parts that count ---------------------------------------------------

    def count_message(self, message: Message) -> None:
        """Outbox: a message stored and published. Agents' internal notes are not messages to
        or from the shopper."""
        if message.internal:
            return
        if message.sender == Sender.SHOPPER:
            self.messages_received.inc()
        elif message.sender in (Sender.BOT, Sender.AGENT, Sender.SYSTEM):
            self.messages_sent.labels(sender=str(message.sender)).inc()

    def count_claim(self, won: bool) -> None:
        """AgentDesk: a claim won, or lost to another agent."""
        (self.claims if won else self.claim_conflicts).inc()

    # --- the scrape -----------------------------------------------------------------------

    def exposition(self, scraped: list[Metric], accept: str = "") -> tuple[bytes, str]:
        """(the body, its content type) of a scrape: the instruments and `scraped`, read just
        before, in the format the scraper asked for (Prometheus text by default)."""
        encode, content_type = choose_encoder(accept)
        with self._showing(scraped):
            return encode(self.registry), content_type

    @contextmanager
    def _showing(self, scraped: list[Metric]) -> Iterator[None]:
        # Set and cleared with no await in between: concurrent scrapes never see each other's.
        self._scrape_time.families = scraped
        try:
            yield
        finally:
            self._scrape_time.families = []


class TranslationCounts:
    """The Translator's observer (helpdesk/languages/translation.py)."""

    def __init__(self, metrics: Metrics) -> None:
        self._hits = metrics.translation_cache.labels(result="hit")
        self._misses = metrics.translation_cache.labels(result="miss")
        self._seconds = metrics.translation_seconds

    def hit(self) -> None:
        self._hits.inc()

    def missed(self, seconds: float) -> None:
        self._misses.inc()
        self._seconds.observe(seconds)


METRICS = web.AppKey("metrics", Metrics)
