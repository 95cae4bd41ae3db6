"""Benchmark: the insights dashboard's queries on a year of a shop's history, SQLite and PostgreSQL.

Run: .venv/bin/python -m benchmarks.insights_history [--database sqlite|postgres|both]
     [--scale 1.0] [--keep] [--postgres-url URL] [--runs 3] [--limit 60] [--reuse URL]
     [--only REGEX]

1. A fresh database, made by the project's own migrations (Database.upgrade) so that the indexes
   are the real ones: SQLite, a file in a temporary folder; PostgreSQL, a new database on
   127.0.0.1:5432 (trust authentication, user postgres, else root), dropped at the end unless
   --keep.
2. A year of history up to a fixed instant (NOW), the same on every run (seeded). At scale 1:
   200,000 orders of about 85,000 customers, with items, shipments and some returns and refunds;
   100,000 conversations with 1,000,000 messages and the event log the helpdesk writes for them
   (opened, bot turns with intent and confidence, fallbacks, escalations, queue waits, claims,
   first replies, transfers, resolutions by the bot and by agents, reopenings, ratings with
   comments); the verification rows that link conversations to customers; the agents of the
   teams of policies/support.yml, who work to those teams' hours (policies.availability routes
   each hand-over). The shop's seven languages and its markets are mixed. Rows are written in
   bulk (executemany on SQLite, COPY on PostgreSQL), their ids given in the order of their
   moments, as the helpdesk would have written them; PostgreSQL is then VACUUM ANALYZEd, as its
   autovacuum would do; SQLite gets no ANALYZE, as the helpdesk runs none. Then the facts of
   every conversation are folded (insights/facts.py), as the service's sweep does every minute,
   and the year's closed days into the daily roll-up (insights/rollup.py), as the first read of
   the year does; both times are reported with the fill's. With --reuse URL a database kept by an earlier
   run is upgraded, folded and timed instead.
3. Every dashboard query, best of 3 (one that takes over RUN_ONCE_SECONDS runs once), each in
   a session of its own as a request has: the support KPIs of a month and of the year, by no
   group and by each dimension, per day, week and month, in business and calendar hours; their
   comments; the first page of the conversations behind a figure; retention; support-influenced
   revenue (--only REGEX: those whose name matches). A run that takes longer than --limit
   (60 s) is stopped. A table of seconds per query and engine, those over 1 s marked, the fill
   times, the machine's load average while timing, and the peak memory (RSS) of this process.
"""

from __future__ import annotations

import argparse
import asyncio
import heapq
import json
import math
import os
import random
import re
import resource
import sqlite3
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.exc import DBAPIError

from helpdesk.database import Database
from helpdesk.insights import facts, rollup
from helpdesk.insights.conversation_sql import Dimension
from helpdesk.insights.drilldown import Behind, conversations_behind
from helpdesk.insights.events import EventKind, Resolver, TurnOutcome
from helpdesk.insights.hours import Hours
from helpdesk.insights.influence import support_influence
from helpdesk.insights.retention import retention
from helpdesk.insights.support import Period, Scope, comments, support_kpis
from helpdesk.policies import Policies, load_policies
from helpdesk.policies.markets import market_of
from helpdesk.policies.support import Availability, availability, teams_for_language
from helpdesk.settings import PROJECT_ROOT

NOW = datetime(2026, 12, 1, tzinfo=UTC)  # the history ends here; the queries ask at this moment
NOW_S = NOW.timestamp()
DAY_S, HOUR_S, MINUTE_S = 86400.0, 3600.0, 60.0
START_S = NOW_S - 365 * DAY_S
SEED = 14
PER_SCALE = {"conversations": 100_000, "messages": 1_000_000, "orders": 200_000}
RANGES = {  # the dashboard's date ranges: UTC days, both included
    "month": (date(2026, 11, 1), date(2026, 11, 30)),
    "year": (date(2025, 12, 1), date(2026, 11, 30)),
}
SLOW_SECONDS = 1.0
RUN_ONCE_SECONDS = 10.0
DEFAULT_POSTGRES = (
    "postgresql://postgres@127.0.0.1:5432/postgres",
    "postgresql://root@127.0.0.1:5432/postgres",
)
CHUNK = 2000  # conversations (or ten times as many orders) per write

# --- the shop's world ------------------------------------------------------------------------

# (country, weight, its shoppers' languages with weights, UTC offset of their evenings)
COUNTRIES = [
    ("DE", 13, {"de": 9, "en": 1}, 1), ("FR", 10, {"fr": 9, "en": 1}, 1),
    ("ES", 8, {"es": 1}, 1), ("IT", 7, {"it": 1}, 1), ("NL", 6, {"en": 1}, 1),
    ("BE", 3, {"fr": 1, "en": 1}, 1), ("AT", 2, {"de": 1}, 1), ("PT", 2, {"pt": 1}, 0),
    ("PL", 1, {"en": 1}, 1), ("IE", 1, {"en": 1}, 0), ("SE", 1, {"en": 1}, 1),
    ("GB", 10, {"en": 1}, 0), ("US", 12, {"en": 6, "es": 1}, -5), ("BR", 9, {"pt": 1}, -3),
    ("CN", 7, {"zh": 1}, 8), ("CH", 2, {"de": 2, "fr": 1}, 1), ("CA", 2, {"en": 3, "fr": 1}, -5),
    ("AU", 1, {"en": 1}, 10), ("MX", 1, {"es": 1}, -6), ("JP", 1, {"en": 1}, 9),
]  # fmt: skip
# When shoppers write and buy, by local hour (their evenings most).
HOUR_WEIGHTS = [2, 1, 1, 1, 1, 1, 2, 4, 6, 7, 8, 8, 8, 8, 8, 8, 8, 8, 9, 10, 11, 10, 7, 4]
# By month, January first: Black Friday and Christmas make November and December the busiest.
SEASON = [0.9, 0.8, 0.85, 0.9, 0.9, 0.85, 0.9, 0.9, 0.95, 1.0, 1.35, 1.3]
CURRENCY_FACTOR = {"EUR": 1.0, "GBP": 0.86, "USD": 1.08, "BRL": 5.6, "CNY": 7.8}
CARRIER = {"GB": "royal_mail", "US": "ups", "BR": "correios", "CN": "sf_express", "NL": "postnl"}
CATEGORIES = ["shoes", "jackets", "knitwear", "trousers", "bags", "accessories"]
ORDERS_PER_CUSTOMER = [(1, 55), (2, 18), (3, 10), (4, 6), (5, 4), (8, 5), (16, 2)]
# Agents per team (policies/support.yml), with the languages each writes in.
AGENTS = {
    "eu": ["de,en", "fr,en", "en,nl", "es,en", "it,en", "de,en,fr", "en"],
    "americas": ["pt,es,en", "pt,en", "es,en"],
    "apac": ["zh,en"],
}
AGENTS_PER_TEAM = {"eu": 20, "americas": 8, "apac": 5}
WAIT_MEDIAN_MINUTES = {"eu": 3.0, "americas": 5.0, "apac": 7.0}

# What a conversation is first about: (topic, weight, bot resolves, hands over, kind of topic).
# The rest of each share is abandoned: the shopper leaves without an answer.
TOPICS = [
    ("order_status", 26, 0.62, 0.22, "order"), ("start_return", 8, 0.58, 0.25, "order"),
    ("refund_status", 8, 0.57, 0.30, "order"), ("cancel_order", 5, 0.45, 0.45, "order"),
    ("change_order", 4, 0.20, 0.70, "order"), ("complaint", 4, 0.0, 0.85, "order"),
    ("shipping_info", 12, 0.75, 0.08, "presale"), ("return_policy", 8, 0.76, 0.07, "presale"),
    ("payment_methods", 6, 0.74, 0.08, "presale"), ("loyalty_balance", 4, 0.70, 0.10, "presale"),
    ("loyalty_program", 3, 0.78, 0.05, "presale"), ("out_of_scope", 4, 0.0, 0.30, "other"),
    ("human_handoff", 4, 0.0, 0.95, "other"), ("greet", 4, 0.0, 0.0, "other"),
]  # fmt: skip
ANSWERS = {
    "order_status": ["utter_order_in_transit", "utter_order_delivered", "utter_order_delayed"],
    "start_return": ["utter_return_created", "utter_return_policy_answer"],
    "refund_status": ["utter_refund_issued", "utter_refund_processing", "utter_refund_settled"],
    "cancel_order": ["utter_order_cancelled_now"],
    "change_order": ["utter_change_too_late"],
    "shipping_info": ["utter_shipping_answer"],
    "return_policy": ["utter_return_policy_answer"],
    "payment_methods": ["utter_payment_answer"],
    "loyalty_balance": ["utter_loyalty_balance_answer", "utter_loyalty_no_account"],
    "loyalty_program": ["utter_loyalty_program_answer"],
    "thank_you": ["utter_you_are_welcome"],
}
REASONS = {"cancel_order": "cancel_order", "change_order": "change_order"}
REASONS |= {"complaint": "complaint", "order_status": "order_status"}
URGENT = {"complaint", "damaged_goods"}
SAYS = {
    "order_status": {
        "en": "Where is my order? It should have arrived by now.",
        "es": "¿Dónde está mi pedido? Ya debería haber llegado.",
        "pt": "Onde está o meu pedido? Já deveria ter chegado.",
        "fr": "Où est ma commande ? Elle aurait dû arriver.",
        "de": "Wo ist meine Bestellung? Sie sollte längst da sein.",
        "it": "Dov'è il mio ordine? Doveva già arrivare.",
        "zh": "我的订单在哪里？应该已经到了。",
    },
    "greet": {"en": "Hi!", "es": "¡Hola!", "pt": "Olá!", "fr": "Bonjour !", "de": "Hallo!"},
    "human_handoff": {
        "en": "Can I talk to a person please?",
        "es": "¿Puedo hablar con una persona?",
        "pt": "Posso falar com um atendente?",
        "fr": "Je voudrais parler à quelqu'un.",
        "de": "Kann ich bitte mit einem Menschen sprechen?",
        "it": "Posso parlare con un operatore?",
        "zh": "我想和人工客服说话。",
    },
}
COMMENTS = {
    5: ["Quick and clear, thank you!", "Super helpful, problem solved in minutes."],
    4: ["Good answer, a bit slow.", "Helpful, thanks."],
    3: ["It was ok.", "Answered, but I had to explain twice."],
    2: ["Took far too long to get an answer.", "Not really what I asked."],
    1: ["Still no parcel and no real answer.", "Useless, nobody could help me."],
}
BOT_RATING = [(5, 50), (4, 25), (3, 10), (2, 7), (1, 8)]
AGENT_RATING = [(5, 55), (4, 22), (3, 8), (2, 6), (1, 9)]


def scaled(scale: float) -> dict[str, int]:
    return {name: max(1, round(count * scale)) for name, count in PER_SCALE.items()}


def pick(rng: random.Random, weighted: Sequence[tuple[Any, float]] | Mapping[Any, float]) -> Any:
    items = list(weighted.items()) if isinstance(weighted, Mapping) else weighted
    return rng.choices([item for item, _ in items], [weight for _, weight in items])[0]


def log_normal(rng: random.Random, median: float, sigma: float) -> float:
    return rng.lognormvariate(math.log(median), sigma)


# --- how each engine takes a value ------------------------------------------------------------


@dataclass(frozen=True)
class Encoding:
    """Values as the tables hold them. SQLite: as SQLAlchemy writes them (UTC moments as
    'YYYY-MM-DD HH:MM:SS.ffffff', NUMERIC as a float, booleans as 0 and 1); PostgreSQL: as
    asyncpg's COPY takes them. JSON columns take text on both."""

    moment: Callable[[float], Any]
    day: Callable[[float], Any]
    money: Callable[[int], Any]  # from whole cents
    flag: Callable[[bool], Any]


def _utc(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


SQLITE = Encoding(
    moment=lambda s: _utc(s).strftime("%Y-%m-%d %H:%M:%S.%f"),
    day=lambda s: _utc(s).strftime("%Y-%m-%d"),
    money=lambda cents: cents / 100,
    flag=int,
)
POSTGRES = Encoding(
    moment=_utc,
    day=lambda s: _utc(s).date(),
    money=lambda cents: Decimal(cents).scaleb(-2),
    flag=bool,
)
JSON_NULL = "null"  # a plain JSON column (not none_as_null) stores Python's None so


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- rows in the order of their moments -------------------------------------------------------


class Entry:
    """A row waiting for its id: rows given ids later refer to it by this."""

    __slots__ = ("fields", "ref", "id")

    def __init__(self, fields: tuple, ref: Entry | None) -> None:
        self.fields, self.ref, self.id = fields, ref, 0


class Ordered:
    """The rows of one table, given ids in the order of their moments as the helpdesk writes
    them (conversations interleave); a row may point at an earlier row of its table (an event's
    refers_to, a reply's reply_to), placed at `ref_column` of its fields."""

    def __init__(self, ref_column: int | None = None) -> None:
        self.heap: list[tuple[float, int, Entry]] = []
        self.ref_column, self.seq, self.last_id = ref_column, 0, 0

    def add(self, at: float, fields: tuple, ref: Entry | None = None) -> Entry:
        entry = Entry(fields, ref)
        heapq.heappush(self.heap, (at, self.seq, entry))
        self.seq += 1
        return entry

    def take(self, before: float) -> list[tuple]:
        """The rows of moments before `before`: no conversation opened later writes earlier."""
        rows, heap, k = [], self.heap, self.ref_column
        while heap and heap[0][0] < before:
            entry = heapq.heappop(heap)[2]
            self.last_id += 1
            entry.id = self.last_id
            fields = entry.fields
            if k is None:
                rows.append((entry.id, *fields))
            else:
                ref = entry.ref.id if entry.ref is not None else None
                rows.append((entry.id, *fields[:k], ref, *fields[k:]))
        return rows


COLUMNS = {
    "agent": "id email name password_hash role languages team capacity active created_at",
    "shop_order": "id number email postal_code country currency subtotal shipping_cost total "
    "placed_at status payment_method shipping_option customer_name source external_id "
    "updated_at",
    "orderitem": "id order_id sku name category quantity unit_price final_sale",
    "shipment": "id order_id carrier tracking_number shipped_on estimated_delivery delivered_on "
    "external_id",
    "orderreturn": "id rma order_id items reason status refund_status refund_amount received_on "
    "refund_issued_on created_at",
    "conversation": "id token_hash shop locale lang state created_at updated_at agent_id team "
    "priority reason summary queued_at claimed_at resolved_at contact_email rating "
    "rating_comment state_version client_address",
    "verificationattempt": "id conversation_id order_number method succeeded email address at",
    "message": "id conversation_id sender text lang client_id reply_to delivery bot_attempts "
    "template_key template_vars buttons translated_text translated_lang author agent_id "
    "internal created_at",
    "conversation_event": "id conversation_id kind at lang team agent_id intent confidence "
    "outcome reason rating refers_to detail",
}
TABLES = {table: tuple(columns.split()) for table, columns in COLUMNS.items()}


# --- the shop: customers, agents, orders ------------------------------------------------------


@dataclass(slots=True)
class Customer:
    email: str
    name: str
    country: str
    currency: str
    lang: str
    postal_code: str
    evening: int  # UTC offset


@dataclass(slots=True)
class Placed:
    """What conversations need of an order."""

    id: int
    number: str
    customer: Customer
    placed: float


@dataclass(slots=True)
class Agent:
    id: int
    email: str
    name: str
    team: str
    languages: str  # as the agent table has them: the first is the one they write in

    @property
    def language(self) -> str:
        return self.languages.split(",")[0]


def moment_on(rng: random.Random, low: float, high: float, evening: int) -> float:
    """A moment in [low, high): a day by the season, an hour by the shopper's day."""
    for _ in range(20):
        day = low + rng.random() * (high - low)
        if rng.random() * max(SEASON) <= SEASON[_utc(day).month - 1]:
            break
    midnight = day - day % DAY_S
    hour = pick(rng, list(enumerate(HOUR_WEIGHTS)))
    moment = midnight + (hour - evening) * HOUR_S + rng.random() * HOUR_S
    return min(max(moment, low), high - 1.0)


class Shop:
    """The shop's customers, agents and orders (what conversations link to)."""

    def __init__(self, policies: Policies, counts: dict[str, int], rng: random.Random) -> None:
        self.policies, self.rng = policies, rng
        self.markets = policies.payments.markets
        self.agents = self._agents()
        self.team_agents = {
            team: [agent for agent in self.agents if agent.team == team] for team in AGENTS
        }
        self.customers: list[Customer] = []
        self.orders = self._orders(counts["orders"])
        self.next_item_id = 1

    def _agents(self) -> list[Agent]:
        agents: list[Agent] = []
        for team, count in AGENTS_PER_TEAM.items():
            for n in range(count):
                languages = AGENTS[team][n % len(AGENTS[team])]
                email = f"{team}.agent{n + 1}@atelier-nord.example"
                agents.append(Agent(len(agents) + 1, email, f"{team} {n + 1}", team, languages))
        return agents

    def agent_rows(self, e: Encoding) -> list[tuple]:
        return [
            (a.id, a.email, a.name.title(), "!benchmark", "admin" if a.id <= 2 else "agent",
             a.languages, a.team, 4, e.flag(True), e.moment(START_S - 30 * DAY_S))
            for a in self.agents
        ]  # fmt: skip

    def _customer(self, n: int) -> Customer:
        rng = self.rng
        country, _, languages, evening = rng.choices(COUNTRIES, [c[1] for c in COUNTRIES])[0]
        market = market_of(self.markets, country) or "default"
        currency = self.markets[market].currency
        domain = rng.choice(["example.com", "mail.example", "post.example", "web.example"])
        name = f"{rng.choice(['Ana', 'Ben', 'Chen', 'Dara', 'Eli', 'Femi', 'Gus'])} {n}"
        postal = f"{rng.randrange(10000, 99999)}"
        return Customer(f"c{n:06d}@{domain}", name, country, currency, pick(rng, languages),
                        postal, evening)  # fmt: skip

    def _orders(self, count: int) -> list[Placed]:
        """`count` orders; each customer's at moments of the whole year (by the season)."""
        rng, placed = self.rng, list[tuple[float, Customer]]()
        while len(placed) < count:
            customer = self._customer(len(self.customers) + 1)
            self.customers.append(customer)
            how_many = min(pick(rng, ORDERS_PER_CUSTOMER), count - len(placed))
            placed += [
                (moment_on(rng, START_S, NOW_S - HOUR_S, customer.evening), customer)
                for _ in range(how_many)
            ]
        placed.sort(key=lambda order: order[0])
        return [
            Placed(n, str(100000 + n), customer, moment)
            for n, (moment, customer) in enumerate(placed, 1)
        ]

    def order_rows(self, e: Encoding) -> Iterator[dict[str, list[tuple]]]:
        """The orders with their items, shipments and returns, CHUNK * 10 orders at a time."""
        rng, self.next_item_id = random.Random(SEED + 1), 1
        rows: dict[str, list[tuple]] = {"shop_order": [], "orderitem": []}
        rows |= {"shipment": [], "orderreturn": []}
        for order in self.orders:
            self._order(rng, order, e, rows)
            if len(rows["shop_order"]) >= CHUNK * 10:
                yield rows
                rows = {table: [] for table in rows}
        yield rows

    def _order(self, rng, order: Placed, e: Encoding, rows: dict[str, list[tuple]]) -> None:
        customer, age = order.customer, NOW_S - order.placed
        factor = CURRENCY_FACTOR.get(customer.currency, 1.0)
        subtotal = 0
        for _ in range(pick(rng, [(1, 50), (2, 30), (3, 14), (4, 6)])):
            sku = rng.randrange(1, 400)
            price = round((19 + (sku * 37) % 180) * factor) * 100 - 5  # 24.95, 61.95 ...
            quantity = 1 if rng.random() < 0.9 else 2
            subtotal += price * quantity
            rows["orderitem"].append(
                (self.next_item_id, order.id, f"AN-{sku:04d}",
                 f"Atelier piece {sku}", CATEGORIES[sku % len(CATEGORIES)], quantity,
                 e.money(price), e.flag(sku % 23 == 0))
            )  # fmt: skip
            self.next_item_id += 1
        shipping = 0 if subtotal >= 100 * 100 * factor else round(4.95 * factor * 100)
        status = self._status(rng, age)
        method = rng.choice(self.policies.payments.markets[self._market(customer)].methods)
        rows["shop_order"].append(
            (order.id, order.number, customer.email, customer.postal_code, customer.country,
             customer.currency, e.money(subtotal), e.money(shipping), e.money(subtotal + shipping),
             e.moment(order.placed), status, method,
             "express" if rng.random() < 0.15 else "standard", customer.name, "import",
             None, e.moment(min(order.placed + 3 * DAY_S, NOW_S - 1)))
        )  # fmt: skip
        if status in ("shipped", "in_transit", "delayed", "delivered", "returned"):
            shipped = order.placed + (1 + rng.random()) * DAY_S
            delivered = shipped + rng.uniform(2, 6) * DAY_S
            rows["shipment"].append(
                (order.id, order.id, CARRIER.get(customer.country, "dhl"),
                 f"TRK{order.id:09d}", e.day(shipped), e.day(shipped + 5 * DAY_S),
                 e.day(delivered) if status in ("delivered", "returned") else None, None)
            )  # fmt: skip
        returned = status == "delivered" and age > 12 * DAY_S and rng.random() < 0.05
        if status == "returned" or returned:
            self._return(rng, order, status, subtotal, e, rows)

    def _market(self, customer: Customer) -> str:
        return market_of(self.markets, customer.country) or "default"

    @staticmethod
    def _status(rng: random.Random, age: float) -> str:
        if rng.random() < 0.04:
            return "cancelled"
        if age < DAY_S:
            return "paid" if rng.random() < 0.7 else "placed"
        if age < 4 * DAY_S:
            return pick(rng, [("paid", 2), ("shipped", 4), ("in_transit", 4)])
        if age < 10 * DAY_S:
            return pick(rng, [("in_transit", 40), ("delivered", 55), ("delayed", 5)])
        return "returned" if rng.random() < 0.03 else "delivered"

    def _return(self, rng, order: Placed, status: str, subtotal: int, e, rows) -> None:
        created = order.placed + rng.uniform(8, 30) * DAY_S
        if created >= NOW_S:
            return
        age = NOW_S - created
        refund = subtotal if status == "returned" else subtotal // 2
        if age > 14 * DAY_S:
            progress = pick(rng, [("settled", 80), ("issued", 5), ("rejected", 15)])
        else:
            progress = pick(rng, [("not_started", 3), ("processing", 3), ("issued", 4)])
        state = {"settled": "refunded", "issued": "refunded", "rejected": "rejected"}
        state |= {"processing": "received", "not_started": "in_transit"}
        refund_status = "not_started" if progress == "rejected" else progress
        received = created + 5 * DAY_S if progress != "not_started" else None
        issued = created + 7 * DAY_S if progress in ("issued", "settled") else None
        rows["orderreturn"].append(
            (order.id, f"RMA-{order.number}-1", order.id,
             as_json([{"sku": "AN-0001", "quantity": 1}]), "doesn't fit", state[progress],
             refund_status, e.money(refund if issued else 0),
             e.day(received) if received and received < NOW_S else None,
             e.day(issued) if issued and issued < NOW_S else None, e.moment(created))
        )  # fmt: skip


# --- conversations ----------------------------------------------------------------------------

TOPIC_INFO = {
    topic: (resolves, hands_over, kind) for topic, _, resolves, hands_over, kind in TOPICS
}
FOLLOW_UPS = ["order_status", "refund_status", "start_return", "shipping_info", "human_handoff"]
Q, A, FB, NA = TurnOutcome.QUESTION, TurnOutcome.ANSWER, TurnOutcome.FALLBACK, TurnOutcome.NO_ANSWER
HANDOVER = TurnOutcome.HANDOVER
SHOP_LANGUAGES = ["en", "es", "pt", "fr", "de", "it", "zh"]
PAD_SALT = 0x5EED


@dataclass(slots=True)
class Spec:
    """What a conversation is about, drawn before it is lived."""

    created: float
    lang: str
    topic: str
    order: Placed | None  # the order it proves, or (signed in) the order that followed it
    signed_in: Customer | None
    seed: int


def conversation_specs(shop: Shop, count: int) -> list[Spec]:
    """Questions about an order come days after it; a signed-in shopper's question before
    shipping or returns comes before an order; the rest at any moment of the year."""
    rng, specs = random.Random(SEED + 2), []
    topics = [(topic, weight) for topic, weight, *_ in TOPICS]
    for _ in range(count):
        topic = pick(rng, topics)
        kind, order, signed_in = TOPIC_INFO[topic][2], None, None
        if kind == "order":
            order, created = about_an_order(rng, shop, topic)
            lang = order.customer.lang
        elif kind == "presale" and rng.random() < 0.45:
            order = rng.choice(shop.orders)
            signed_in = order.customer
            created = max(order.placed - rng.uniform(0.1, 72) * HOUR_S, START_S)
            lang = signed_in.lang
        else:
            _, _, languages, evening = rng.choices(COUNTRIES, [c[1] for c in COUNTRIES])[0]
            lang = pick(rng, languages)
            created = moment_on(rng, START_S, NOW_S - MINUTE_S, evening)
        if rng.random() < 0.04:  # writes in another of the shop's languages
            lang = rng.choice(SHOP_LANGUAGES)
        specs.append(Spec(created, lang, topic, order, signed_in, rng.getrandbits(64)))
    specs.sort(key=lambda spec: spec.created)
    return specs


def about_an_order(rng: random.Random, shop: Shop, topic: str) -> tuple[Placed, float]:
    """An order and the moment a question about it comes: one whose question would come after
    NOW is not asked about yet, and another order is (so that none pile up before NOW)."""
    if topic in ("cancel_order", "change_order"):
        low, high = 0.02, 1.0
    else:
        low = rng.uniform(2, 14) if topic in ("order_status", "complaint") else 20.0
        high = 2 * low
    for _ in range(100):
        order = rng.choice(shop.orders)
        created = order.placed + rng.uniform(low, high) * DAY_S
        if created < NOW_S - MINUTE_S:
            break
    else:  # a history too short for the delay: as soon as it may be
        created = order.placed + rng.random() * (NOW_S - MINUTE_S - order.placed)
    return order, created


class _Later(Exception):
    """What comes next would happen after NOW: it has not happened yet."""


@dataclass(slots=True)
class Resolution:
    entry: Entry | None
    resolver: str
    team: str | None
    agent_id: int | None


class Talk:
    """One conversation lived from its opening up to NOW, as the helpdesk records it: every
    message and event goes to `out` (Counting, or Rows), and at the end the conversation row."""

    def __init__(self, shop: Shop, spec: Spec, index: int, out: Counting | Rows) -> None:
        self.shop, self.spec, self.index, self.out = shop, spec, index, out
        self.support = shop.policies.support
        self.rng = rng = random.Random(spec.seed)
        self.id = f"{rng.getrandbits(128):032x}"
        self.token_hash = f"{rng.getrandbits(256):064x}"
        self.lang, self.t = spec.lang, spec.created
        self.client_address = f"198.51.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        self.state, self.state_version, self.priority = "bot", 0, 0
        self.agent: Agent | None = None
        self.team: str | None = None
        self.reason: str | None = None
        self.summary: dict[str, Any] | None = None
        self.queued_at: float | None = None
        self.claimed_at: float | None = None
        self.resolved_at: float | None = None
        self.contact_email: str | None = None
        self.rating: int | None = None
        self.rating_comment: str | None = None
        self.available: Availability | None = None
        # The events later ones refer to (None in the first pass).
        self.escalation: Entry | None = None
        self.queued: Entry | None = None
        self.last_answer: Entry | None = None
        self.reopening: Resolution | None = None
        self.proved, self.phase = False, 0
        self.intents: list[str] = []

    def live(self) -> None:
        rng, reopenings = self.rng, 0
        try:
            self.out.event(self, EventKind.OPENED)
            if self.spec.signed_in is not None:
                self.out.proof(self, None, "identity", True, self.spec.signed_in.email)
            ending = self._bot_phase(self.spec.topic)
            while True:
                resolution: Resolution | None = None
                if ending == "bot":
                    resolution = self._resolved_by_bot()
                elif ending == "person":
                    resolution = self._with_people()
                else:
                    break
                if resolution is None:
                    break
                self._rate(resolution)
                if reopenings == 2 or rng.random() >= (0.09 if ending == "bot" else 0.07):
                    break
                reopenings += 1
                soon = rng.random() < 0.7
                gap = rng.expovariate(1 / (1.5 * DAY_S)) if soon else rng.uniform(7, 40) * DAY_S
                self._when(self.t + max(gap, HOUR_S / 2))
                self.reopening, self.phase = resolution, self.phase + 1
                ending = self._bot_phase(rng.choice(FOLLOW_UPS))
        except _Later:
            pass
        self.out.conversation(self)

    def _client(self) -> str:
        """The widget's id of a shopper message."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _when(self, moment: float) -> None:
        if moment >= NOW_S:
            raise _Later
        self.t = moment

    # --- with the bot ---

    def _bot_phase(self, topic: str) -> str:
        """The shopper and the bot. How it ends: "bot" (its answer stands), "person" (handed
        over) or "left" (the shopper left without an answer)."""
        rng = self.rng
        resolves, hands_over, kind = TOPIC_INFO[topic]
        roll = rng.random()
        end = "bot" if roll < resolves else "person" if roll < resolves + hands_over else "left"
        if topic == "greet" or (self.reopening is None and rng.random() < 0.25):
            self._turn("greet", ["utter_greet"], Q)
            if topic == "greet":
                return "left"
        if rng.random() < 0.12:
            self._turn(
                "nlu_fallback", ["utter_ask_rephrase"], FB, confidence=rng.uniform(0.1, 0.45)
            )
        answer, answered = None, False  # the entry is None in the first pass: not a flag
        if kind == "order" and self.spec.order is not None and not self.proved:
            self._turn(topic, ["utter_ask_order_number"], Q)
            if end == "left" and rng.random() < 0.6:
                return "left"
            self._turn("inform", ["utter_ask_verification"], Q)
            if rng.random() < 0.08:
                self._turn("inform", ["utter_verification_failed"], NA, proof=False)
                if end == "left":
                    return "left"
            key = rng.choice(ANSWERS.get(topic, ANSWERS["order_status"]))
            answer, answered = self._turn("inform", [key], A, proof=True), True
        if end == "left":
            if topic == "out_of_scope":
                self._turn(topic, ["utter_out_of_scope"], NA)
            else:
                unhelpful = [("utter_ask_affirmation", FB), ("utter_ask_country", Q)]
                key, outcome = pick(rng, [*zip(unhelpful, (5, 3), strict=True),
                                          (("utter_policies_unavailable", NA), 1)])  # fmt: skip
                self._turn(topic, [key], outcome)
            return "left"
        if end == "person":
            self._hand_over(topic, answered=answered)
            return "person"
        if not answered:
            answer = self._turn(topic, [rng.choice(ANSWERS[topic])], A)
        if rng.random() < 0.2:
            answer = self._turn("thank_you", ["utter_you_are_welcome"], A)
        self.last_answer = answer
        return "bot"

    def _hand_over(self, topic: str, *, answered: bool) -> None:
        rng = self.rng
        if topic == "complaint":
            self._turn("complaint", ["utter_complaint"], Q)
            reason = "damaged_goods" if rng.random() < 0.3 else "complaint"
            self._turn("affirm", ["utter_handoff"], HANDOVER, escalate=reason)
        elif topic in ("cancel_order", "change_order"):
            key = (
                "utter_cancel_needs_person"
                if topic == "cancel_order"
                else "utter_change_needs_person"
            )
            self._turn(topic, [key, "utter_handoff"], HANDOVER, escalate=topic)
        else:
            if topic == "out_of_scope":
                self._turn(topic, ["utter_out_of_scope"], NA)
            if not answered and topic in ANSWERS and rng.random() < 0.5:
                self._turn(topic, [rng.choice(ANSWERS[topic])], A)
            if rng.random() < 0.15:  # the bot did not understand twice, and offered a person
                self._turn("nlu_fallback", ["utter_ask_rephrase"], FB, confidence=0.3)
                self._turn("nlu_fallback", ["utter_offer_human"], FB, confidence=0.25)
                self._turn("affirm", ["utter_handoff"], HANDOVER, escalate="human_handoff")
            else:
                reason = "order_status" if topic == "order_status" else "human_handoff"
                self._turn("human_handoff", ["utter_handoff"], HANDOVER, escalate=reason)

    def _turn(
        self,
        intent: str,
        keys: list[str],
        outcome: TurnOutcome,
        *,
        confidence: float | None = None,
        proof: bool | None = None,
        escalate: str | None = None,
    ) -> Entry | None:
        """A shopper message, and the bot's answer a moment later."""
        rng, out = self.rng, self.out
        first = not self.intents
        self._when(self.t + (rng.uniform(3, 25) if first else log_normal(rng, 35, 0.7)))
        said = SAYS.get(intent, {}).get(self.lang) or f"About {intent.replace('_', ' ')}, please."
        asked = out.message(self, "shopper", said, client=self._client(), delivery="answered")
        if self.reopening is not None:
            out.event(self, EventKind.REOPENED, outcome=self.reopening.resolver,
                      refers_to=self.reopening.entry)  # fmt: skip
            if self.state == "resolved":
                self.state, self.agent, self.state_version = "bot", None, self.state_version + 1
            self.reopening = None
        self._when(self.t + rng.uniform(0.4, 2.5))
        if proof is not None:
            order = self.spec.order
            assert order is not None
            method = "email" if rng.random() < 0.65 else "postal_code"
            out.proof(self, order.number, method, proof, order.customer.email if proof else None)
            self.proved = self.proved or proof
        if escalate is not None:
            self._escalate(escalate)
        if confidence is None:
            confidence = rng.uniform(0.95, 0.995) if intent == "greet" else rng.uniform(0.6, 0.99)
        turn = out.event(self, EventKind.BOT_TURN, intent=intent, confidence=round(confidence, 4),
                         outcome=outcome, detail={"said": keys})  # fmt: skip
        if outcome == FB:
            out.event(self, EventKind.FALLBACK, intent=intent, confidence=round(confidence, 4))
        for key in keys:
            out.message(self, "bot", BOT_TEXT, reply_to=asked, key=key)
        self.intents.append(intent)
        if escalate is not None and self.available is not None and not self.available.open:
            self._agents_away()
        return turn

    def _escalate(self, reason: str) -> None:
        self.available = availability(self.support, _utc(self.t), language=self.lang)
        self.team, self.reason = self.available.team, reason
        self.priority = 1 if reason in URGENT else 0
        self.summary = {"reason": reason, "intents": list(self.intents), "lang": self.lang}
        self.state, self.agent, self.state_version = "queued", None, self.state_version + 1
        self.queued_at, self.claimed_at, self.resolved_at = self.t, None, None
        self.escalation = self.out.event(self, EventKind.ESCALATED, reason=reason)
        self.queued = self.out.event(self, EventKind.QUEUED, team=self.team)

    def _agents_away(self) -> None:
        """Outside the team's hours the shopper is told when; some leave an email."""
        self.out.message(self, "system", "Our team is away right now.", key="notice_agents_away")
        if self.rng.random() < 0.35:
            self._when(self.t + log_normal(self.rng, 40, 0.5))
            email = (
                self.spec.order.customer.email if self.spec.order else f"{self.id[:8]}@x.example"
            )
            self.out.message(self, "shopper", email, client=self._client(), delivery="held")
            self.out.message(self, "system", "Thank you.", key="notice_contact_saved")
            self.contact_email = email

    def _resolved_by_bot(self) -> Resolution:
        """The sweep, a minute at most after an hour's quiet."""
        self._when(self.t + HOUR_S + self.rng.uniform(0, 60))
        entry = self.out.event(self, EventKind.RESOLVED, outcome=Resolver.BOT,
                               refers_to=self.last_answer)  # fmt: skip
        self.out.message(self, "system", "How did we do?", key="prompt_rating")
        self.resolved_at = self.t
        return Resolution(entry, Resolver.BOT, None, None)

    # --- with people ---

    def _claim_wait(self, available: Availability) -> float | None:
        wait = log_normal(self.rng, WAIT_MEDIAN_MINUTES[available.team] * MINUTE_S, 0.9)
        if available.open:
            return wait
        if available.next_open is None:
            return None
        return available.next_open.timestamp() - self.t + wait

    def _with_people(self) -> Resolution | None:
        rng = self.rng
        assert self.available is not None and self.team is not None
        wait = self._claim_wait(self.available)
        if wait is None or rng.random() < 0.04:  # nobody took it in time: the shopper left
            return None
        self._when(self.t + wait)
        self._claim(rng.choice(self.shop.team_agents[self.team]))
        self._when(self.t + log_normal(rng, 70, 0.7))
        self._agent_says()
        self.out.event(self, EventKind.FIRST_AGENT_REPLY, team=self.team,
                       agent_id=self.agent.id if self.agent else None,
                       refers_to=self.escalation)  # fmt: skip
        first_reply = self.t
        exchanges = rng.randint(1, 4)
        transfer_after = rng.randrange(exchanges) if rng.random() < 0.06 else None
        for n in range(exchanges):
            self._when(self.t + log_normal(rng, 90, 0.8))
            self.out.message(self, "shopper", "Thanks, and what about the rest?", client=self._client(),
                             delivery="held")  # fmt: skip
            self._when(self.t + log_normal(rng, 100, 0.8))
            self._agent_says()
            if n == transfer_after and not self._transfer():
                return None
        if rng.random() < 0.1:
            self._agent_says(internal=True)
        if extra := self.out.extra((self.index, self.phase)):
            self._pad(extra, first_reply, self.t)
        self._when(self.t + log_normal(rng, 240, 0.9))
        assert self.agent is not None
        entry = self.out.event(self, EventKind.RESOLVED, outcome=Resolver.AGENT, team=self.team,
                               agent_id=self.agent.id, refers_to=self.escalation)  # fmt: skip
        self.out.message(self, "system", "How did we do?", key="prompt_rating")
        self.state, self.resolved_at, self.state_version = (
            "resolved",
            self.t,
            self.state_version + 1,
        )
        return Resolution(entry, Resolver.AGENT, self.team, self.agent.id)

    def _claim(self, agent: Agent) -> None:
        self.agent, self.claimed_at = agent, self.t
        self.state, self.state_version = "with_agent", self.state_version + 1
        self.out.event(self, EventKind.CLAIMED, agent_id=agent.id, team=self.team,
                       refers_to=self.queued)  # fmt: skip
        self.out.message(self, "system", f"{agent.name} has joined.", key="notice_agent_joined")

    def _agent_says(self, *, internal: bool = False, at: float | None = None) -> None:
        text = "A note for the team." if internal else "I've checked: it is on its way."
        self.out.message(self, "agent", text, agent=self.agent, internal=internal, at=at)

    def _transfer(self) -> bool:
        """To a colleague, or to another team that speaks the language (a new wait)."""
        rng, by = self.rng, self.agent
        assert by is not None and self.team is not None
        self._when(self.t + log_normal(rng, 60, 0.5))
        others = [team for team in teams_for_language(self.support, self.lang) if team != self.team]
        detail = {"by_agent_id": by.id}
        if not others or rng.random() < 0.5:
            colleague = rng.choice([a for a in self.shop.team_agents[self.team] if a is not by])
            self.agent, self.team, self.claimed_at = colleague, colleague.team, self.t
            self.out.event(self, EventKind.TRANSFERRED, team=colleague.team,
                           agent_id=colleague.id, detail=detail)  # fmt: skip
            return True
        self.team, self.agent, self.state = rng.choice(others), None, "queued"
        self.queued_at, self.state_version = self.t, self.state_version + 1
        self.out.event(self, EventKind.TRANSFERRED, team=self.team, detail=detail)
        self.queued = self.out.event(self, EventKind.QUEUED, team=self.team)
        wait = self._claim_wait(availability(self.support, _utc(self.t), team=self.team))
        if wait is None:
            return False
        self._when(self.t + wait)
        self._claim(rng.choice(self.shop.team_agents[self.team]))
        return True

    def _pad(self, count: int, low: float, high: float) -> None:
        """More of the talk with the agent, between the first reply and the last message (so
        that nothing after moves): what makes the messages add up to the count asked for."""
        rng = random.Random((self.spec.seed ^ PAD_SALT) + self.phase)
        for n, at in enumerate(sorted(rng.uniform(low, high) for _ in range(count))):
            if n % 2:
                self._agent_says(at=at)
            else:
                client = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                self.out.message(self, "shopper", "One more question.", client=client,
                                 delivery="held", at=at)  # fmt: skip

    # --- after a resolution ---

    def _rate(self, resolution: Resolution) -> None:
        rng = self.rng
        by_bot = resolution.resolver == Resolver.BOT
        if rng.random() >= (0.22 if by_bot else 0.38):
            return
        for again in range(2):  # a few rate again; the newest rating counts
            self._when(self.t + log_normal(rng, 240 if not again else 3600, 1.0))
            score = pick(rng, BOT_RATING if by_bot else AGENT_RATING)
            comment = rng.choice(COMMENTS[score]) if rng.random() < 0.3 else None
            self.out.event(self, EventKind.RATED, rating=score, team=resolution.team,
                           agent_id=resolution.agent_id, refers_to=resolution.entry,
                           detail={"comment": comment} if comment else None)  # fmt: skip
            self.rating, self.rating_comment = score, comment
            if rng.random() >= 0.03:
                return


BOT_TEXT = "Here is what I found for you."


class Counting:
    """The first pass: how many messages the conversations write, and the talks with agents
    that could take more (`extra` is asked once each)."""

    def __init__(self) -> None:
        self.messages = 0
        self.paddable: list[tuple[int, int]] = []

    def event(self, talk: Talk, kind: EventKind, **fields: Any) -> None:
        return None

    def message(self, talk: Talk, sender: str, text: str, **fields: Any) -> None:
        self.messages += 1

    def proof(self, talk: Talk, *fields: Any) -> None:
        pass

    def conversation(self, talk: Talk) -> None:
        pass

    def extra(self, key: tuple[int, int]) -> int:
        self.paddable.append(key)
        return 0


class Rows:
    """The second pass: the rows of every conversation, given ids in the order of moments."""

    def __init__(self, encoding: Encoding, extras: Counter[tuple[int, int]]) -> None:
        self.e, self.extras = encoding, extras
        self.events = Ordered(ref_column=11)  # refers_to
        self.messages = Ordered(ref_column=5)  # reply_to
        self.proofs = Ordered()
        self.conversations: list[tuple] = []
        self.details: dict[tuple, str] = {}

    def event(
        self,
        talk: Talk,
        kind: EventKind,
        *,
        team: str | None = None,
        agent_id: int | None = None,
        intent: str | None = None,
        confidence: float | None = None,
        outcome: str | None = None,
        reason: str | None = None,
        rating: int | None = None,
        refers_to: Entry | None = None,
        detail: dict[str, Any] | None = None,
    ) -> Entry:
        fields = (talk.id, str(kind), self.e.moment(talk.t), talk.lang, team, agent_id, intent,
                  confidence, None if outcome is None else str(outcome), reason, rating,
                  None if detail is None else self._json(detail))  # fmt: skip
        return self.events.add(talk.t, fields, refers_to)

    def _json(self, detail: dict[str, Any]) -> str:
        """The few details there are, each encoded once."""
        key = tuple((name, tuple(v) if isinstance(v, list) else v) for name, v in detail.items())
        if key not in self.details:
            self.details[key] = as_json(detail)
        return self.details[key]

    def message(
        self,
        talk: Talk,
        sender: str,
        text: str,
        *,
        client: str | None = None,
        reply_to: Entry | None = None,
        delivery: str | None = None,
        key: str | None = None,
        agent: Agent | None = None,
        internal: bool = False,
        at: float | None = None,
    ) -> Entry:
        at = talk.t if at is None else at
        translated_text = translated_lang = None
        if agent is not None and not internal and agent.language != talk.lang:
            translated_text, translated_lang = text, agent.language  # written in theirs
        fields = (talk.id, sender, text, talk.lang, client, delivery,
                  int(delivery == "answered"), key, JSON_NULL, JSON_NULL,
                  translated_text, translated_lang, agent.name if agent else None,
                  agent.id if agent else None, self.e.flag(internal), self.e.moment(at))  # fmt: skip
        return self.messages.add(at, fields, reply_to)

    def proof(self, talk: Talk, number: str | None, method: str, ok: bool, email: str | None):
        fields = (talk.id, number, method, self.e.flag(ok), email, talk.client_address,
                  self.e.moment(talk.t))  # fmt: skip
        self.proofs.add(talk.t, fields)

    def extra(self, key: tuple[int, int]) -> int:
        return self.extras.get(key, 0)

    def conversation(self, talk: Talk) -> None:
        moment = self.e.moment

        def maybe(seconds: float | None) -> Any:
            return None if seconds is None else moment(seconds)

        locale = (
            talk.lang
            if talk.spec.order is None
            else f"{talk.lang}-{talk.spec.order.customer.country}"
        )
        self.conversations.append(
            (talk.id, talk.token_hash, "atelier-nord", locale, talk.lang, talk.state,
             moment(talk.spec.created), moment(talk.t), talk.agent.id if talk.agent else None,
             talk.team, talk.priority, talk.reason,
             JSON_NULL if talk.summary is None else as_json(talk.summary), maybe(talk.queued_at),
             maybe(talk.claimed_at), maybe(talk.resolved_at), talk.contact_email, talk.rating,
             talk.rating_comment, talk.state_version, talk.client_address)
        )  # fmt: skip

    def take(self, before: float) -> dict[str, list[tuple]]:
        """What can be written now: conversations first (the rest refers to them)."""
        rows = {"conversation": self.conversations}
        rows["verificationattempt"] = self.proofs.take(before)
        rows["message"] = self.messages.take(before)
        rows["conversation_event"] = self.events.take(before)
        self.conversations = []
        return rows


# --- filling a database -----------------------------------------------------------------------


class SqliteWriter:
    """executemany in one transaction per chunk, as SQLAlchemy would store the values."""

    encoding = SQLITE

    def __init__(self, path: Path) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None)
        self.connection.execute("PRAGMA synchronous=OFF")  # a benchmark's file: no crash to survive
        self.connection.execute("BEGIN")

    async def write(self, table: str, rows: list[tuple]) -> None:
        columns = TABLES[table]
        names, marks = ", ".join(columns), ", ".join("?" * len(columns))
        self.connection.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    async def commit(self) -> None:
        self.connection.execute("COMMIT")
        self.connection.execute("BEGIN")

    async def finish(self) -> None:
        self.connection.execute("COMMIT")
        self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.connection.close()


class PostgresWriter:
    """COPY (binary, through asyncpg), with the foreign keys checked as rows arrive."""

    encoding = POSTGRES

    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def write(self, table: str, rows: list[tuple]) -> None:
        await self.connection.copy_records_to_table(table, records=rows, columns=TABLES[table])

    async def commit(self) -> None:
        pass

    async def finish(self) -> None:
        """Serial ids go on after the ones given; the planner gets its statistics, and the
        visibility map its pages (index-only scans), as autovacuum would give them."""
        for table, columns in TABLES.items():
            if "id" in columns and table != "conversation":
                await self.connection.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"
                )
        await self.connection.execute("VACUUM ANALYZE")
        await self.connection.close()


@dataclass
class Filled:
    rows: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)  # migrate, orders, conversations...


async def fill(writer: SqliteWriter | PostgresWriter, policies: Policies, counts: dict[str, int]):
    """The year of history (the database already migrated); what was written, and how long
    each part took."""
    filled, e = Filled(), writer.encoding
    started = time.perf_counter()
    shop = Shop(policies, counts, random.Random(SEED))

    async def write(rows: dict[str, list[tuple]]) -> None:
        for table, table_rows in rows.items():
            if table_rows:
                await writer.write(table, table_rows)
                filled.rows[table] += len(table_rows)
        await writer.commit()

    await write({"agent": shop.agent_rows(e)})
    for rows in shop.order_rows(e):
        await write(rows)
    filled.seconds["orders"] = time.perf_counter() - started

    started = time.perf_counter()
    specs = conversation_specs(shop, counts["conversations"])
    counting = Counting()
    for index, spec in enumerate(specs):
        Talk(shop, spec, index, counting).live()
    extras = padding(counting, counts["messages"])
    filled.seconds["conversations: first pass"] = time.perf_counter() - started

    started = time.perf_counter()
    out = Rows(e, extras)
    for index, spec in enumerate(specs):
        Talk(shop, spec, index, out).live()
        if (index + 1) % CHUNK == 0 or index + 1 == len(specs):
            following = specs[index + 1].created if index + 1 < len(specs) else math.inf
            await write(out.take(following))
    filled.seconds["conversations"] = time.perf_counter() - started
    if filled.rows["message"] != counting.messages + extras.total():
        raise RuntimeError("the second pass lived the conversations otherwise than the first")
    started = time.perf_counter()
    await writer.finish()
    filled.seconds["finish"] = time.perf_counter() - started
    return filled


def padding(counting: Counting, messages: int) -> Counter[tuple[int, int]]:
    """The messages short of the count asked for, spread over the talks with agents."""
    rng, extras = random.Random(SEED + 3), Counter[tuple[int, int]]()
    short = messages - counting.messages
    if short > 0 and counting.paddable:
        extras.update(rng.choice(counting.paddable) for _ in range(short))
    return extras


# --- the dashboard's queries ------------------------------------------------------------------

Query = Callable[[Any], Awaitable[Any]]


@dataclass(frozen=True)
class DashboardQuery:
    name: str
    # The SQL it sends: the period and the hours only change the Python that follows it.
    shape: tuple[str, str, str]  # (function, range, group)
    run: Query


@dataclass(frozen=True)
class Timing:
    seconds: float | None  # the best run; None: stopped at the limit, or not run
    runs: int
    note: str = ""  # "stopped", or why it was not run


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def dashboard_queries(policies: Policies) -> list[DashboardQuery]:
    """Every query the dashboard runs, for a month and for the year."""
    support, markets, insights = policies.support, policies.payments.markets, policies.insights
    queries = []
    for label, (first, last) in RANGES.items():
        for by in (None, *Dimension):
            group = by.value if by else "none"
            for period in Period:
                for hours in Hours:
                    scope = Scope(first, last, period, by, hours, support, markets)
                    name = f"support_kpis {label:<5} by {group:<8} per {period:<5} {hours}"
                    shape = ("support_kpis", label, group)
                    queries.append(DashboardQuery(name, shape, _kpis(scope)))
            scope = Scope(first, last, by=by, support=support, markets=markets)
            name = f"comments     {label:<5} by {group}"
            queries.append(DashboardQuery(name, ("comments", label, group), _comments(scope)))
        scope = Scope(first, last, support=support, markets=markets)
        name = f"conversations_behind {label} handed_over, first page"
        queries.append(DashboardQuery(name, ("behind", label, ""), _behind(scope)))
        start, end = midnight(first), midnight(last + timedelta(days=1))
        name, run = f"retention    {label}", _retention(start, end, policies)
        queries.append(DashboardQuery(name, ("retention", label, ""), run))
        name, run = f"support_influence {label}", _influence(start, end, insights)
        queries.append(DashboardQuery(name, ("influence", label, ""), run))
    return queries


def _kpis(scope: Scope) -> Query:
    return lambda session: support_kpis(session, scope, now=NOW)


def _comments(scope: Scope) -> Query:
    return lambda session: comments(session, scope)


def _behind(scope: Scope) -> Query:
    """The first page of a figure's conversations, as the API gives it."""
    return lambda session: conversations_behind(
        session, scope, Behind.HANDED_OVER, group=None, limit=100, offset=0, now=NOW
    )


def _retention(start: datetime, end: datetime, policies: Policies) -> Query:
    insights, markets = policies.insights, policies.payments.markets
    return lambda session: retention(
        session, start=start, end=end, insights=insights, markets=markets
    )


def _influence(start: datetime, end: datetime, insights: Any) -> Query:
    return lambda session: support_influence(session, start=start, end=end, insights=insights)


async def time_queries(
    database: Database, queries: list[DashboardQuery], runs: int, limit: float, engine: str
) -> dict[str, Timing]:
    """Best of `runs` per query, each run in a session of its own as a request has. A run is
    stopped at `limit` seconds; then the queries that send the same SQL, and those of the year
    whose month was stopped, are not run (they could only take longer)."""
    results, stopped = {}, set()
    for query in queries:
        function, label, group = query.shape
        if query.shape in stopped or (function, "month", group) in stopped:
            results[query.name] = Timing(None, 0, "not run")
            progress(f"  {engine} {query.name}: not run (as a query stopped before)")
            continue
        seconds: list[float] = []
        while len(seconds) < runs and not any(taken > RUN_ONCE_SECONDS for taken in seconds):
            taken = await timed_run(database, query.run, limit)
            if taken is None:
                stopped.add(query.shape)
                break
            seconds.append(taken)
        timing = Timing(min(seconds), len(seconds)) if seconds else Timing(None, 1, "stopped")
        results[query.name] = timing
        said = f"{timing.seconds:.3f} s" if seconds else f"stopped after {limit:g} s"
        progress(f"  {engine} {query.name}: {said}")
    return results


async def timed_run(database: Database, query: Query, limit: float) -> float | None:
    """Seconds a run took, from opening its session; None when stopped at `limit` (SQLite:
    interrupted; PostgreSQL: its statement_timeout)."""
    started = time.perf_counter()
    async with database.session() as session:
        connection = await session.connection()
        if not database.is_sqlite:
            await connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(limit * 1000)}")
        raw: Any = (await connection.get_raw_connection()).driver_connection
        task = asyncio.ensure_future(query(session))
        await asyncio.wait({task}, timeout=limit)
        while database.is_sqlite and not task.done():
            await raw.interrupt()  # whichever statement runs now; the next one may follow
            await asyncio.wait({task}, timeout=0.2)
        try:
            await task
        except DBAPIError:
            if time.perf_counter() - started < limit:
                raise
            return None
    return time.perf_counter() - started


# --- the run ----------------------------------------------------------------------------------


def progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


@dataclass
class EngineRun:
    engine: str
    where: str
    filled: Filled
    size_mb: float
    timings: dict[str, Timing]
    load: float  # the machine's load average (1 min) before or after the timing, the higher


async def run_engine(
    engine: str, url: str, writer_for: Callable[[], Awaitable[Any]], args, policies: Policies
) -> EngineRun:
    counts = scaled(args.scale)
    database = Database(url)
    try:
        started = time.perf_counter()
        await database.upgrade()
        migrated = time.perf_counter() - started
        progress(f"{engine}: migrated in {migrated:.1f} s; filling {counts}")
        if args.reuse:
            filled = Filled()  # filled by an earlier run (--keep)
        else:
            filled = await fill(await writer_for(), policies, counts)
        filled.seconds = {"migrate": migrated, **filled.seconds}
        started = time.perf_counter()
        async with database.session() as session:  # what the service's sweep does all year
            filled.rows["conversation_facts (folded)"] = await facts.fold(session)
        filled.seconds["fold"] = time.perf_counter() - started
        started = time.perf_counter()
        async with database.session() as session:  # what the first read of the year does
            first, last = RANGES["year"]
            recent = await facts.recent(await session.connection())
            filled.rows["days rolled up"] = await rollup.fold(
                session, first, last, today=NOW.date(), recent=recent, support=policies.support
            )
        filled.seconds["roll-up"] = time.perf_counter() - started
        total = sum(filled.seconds.values())
        progress(f"{engine}: filled in {total:.1f} s ({_parts(filled.seconds)})")
        size = await database_size(database)
        queries, load = chosen(dashboard_queries(policies), args.only), os.getloadavg()[0]
        timings = await time_queries(database, queries, args.runs, args.limit, engine)
        load = max(load, os.getloadavg()[0])
    finally:
        await database.close()
    return EngineRun(engine, url, filled, size, timings, load)


def chosen(queries: list[DashboardQuery], only: str | None) -> list[DashboardQuery]:
    """The queries whose name matches --only (a regular expression, searched), or all."""
    if only is None:
        return queries
    return [query for query in queries if re.search(only, query.name)]


def _parts(seconds: dict[str, float]) -> str:
    return ", ".join(f"{part} {value:.1f} s" for part, value in seconds.items())


async def database_size(database: Database) -> float:
    from sqlalchemy import text

    async with database.engine.connect() as connection:
        if database.is_sqlite:
            pages = (await connection.execute(text("PRAGMA page_count"))).scalar_one()
            size = (await connection.execute(text("PRAGMA page_size"))).scalar_one()
            return pages * size / 2**20
        query = text("SELECT pg_database_size(current_database())")
        return (await connection.execute(query)).scalar_one() / 2**20


async def run_sqlite(args, policies: Policies) -> EngineRun:
    if args.reuse:
        url = args.reuse
        return await run_engine("sqlite", url, _no_writer, args, policies)
    folder = Path(tempfile.mkdtemp(prefix="helpdesk-insights-history-"))
    path = folder / "history.db"

    async def writer() -> SqliteWriter:
        return SqliteWriter(path)

    try:
        return await run_engine("sqlite", f"sqlite:///{path}", writer, args, policies)
    finally:
        if args.keep:
            progress(f"sqlite: kept {path}")
        else:
            for leftover in folder.iterdir():
                leftover.unlink()
            folder.rmdir()


async def postgres_server(urls: tuple[str, ...]) -> str:
    for url in urls:
        try:
            connection = await asyncpg.connect(url, timeout=3)
        except (OSError, asyncpg.PostgresError, TimeoutError):
            continue
        await connection.close()
        return url
    raise SystemExit(f"no PostgreSQL answers at {' or '.join(urls)} (--postgres-url)")


async def _no_writer() -> None:
    raise AssertionError("--reuse: the database is filled already")


async def run_postgres(args, policies: Policies) -> EngineRun:
    if args.reuse:
        return await run_engine("postgres", args.reuse, _no_writer, args, policies)
    server = await postgres_server((args.postgres_url,) if args.postgres_url else DEFAULT_POSTGRES)
    name = f"helpdesk_insights_history_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server)
    await admin.execute(f"CREATE DATABASE {name}")
    await admin.close()
    url = server.rsplit("/", 1)[0] + f"/{name}"

    async def writer() -> PostgresWriter:
        return PostgresWriter(await asyncpg.connect(url))

    try:
        return await run_engine("postgres", url, writer, args, policies)
    finally:
        if args.keep:
            progress(f"postgres: kept database {name} ({url})")
        else:
            admin = await asyncpg.connect(server)
            await admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
            await admin.close()


def report(runs: list[EngineRun], args) -> list[str]:
    lines = [f"History: a year up to {NOW:%Y-%m-%d %H:%M} UTC, scale {args.scale:g}, seed {SEED}"]
    for run in runs:
        rows = ", ".join(f"{table} {count:,}" for table, count in run.filled.rows.items())
        total = sum(run.filled.seconds.values())
        lines.append(f"{run.engine}: filled in {total:.1f} s ({_parts(run.filled.seconds)}); ")
        lines[-1] += f"{run.size_mb:,.0f} MB"
        lines.append(f"  rows: {rows}")
        lines.append(f"  load average while timing: {run.load:.1f} on {os.cpu_count()} cores")
    header = f"query: seconds, best of {args.runs}"
    lines += ["", f"{header:<56}" + "".join(f"{run.engine:>16}  " for run in runs)]
    slow: Counter[str] = Counter()
    for name in runs[0].timings:
        cells = []
        for run in runs:
            cell, over = _cell(run.timings[name], args)
            cells.append(f"{cell:>18}")
            slow[run.engine] += over
        lines.append(f"{name:<56}" + "".join(cells))
    lines += [
        "",
        f"* over {SLOW_SECONDS:g} s: "
        + ", ".join(f"{run.engine} {slow[run.engine]}" for run in runs),
        f"1 run only: it took over {RUN_ONCE_SECONDS:g} s",
        f"stopped: at the limit of {args.limit:g} s (--limit)",
        "not run: sends the SQL of a query that was stopped, or is the year of a stopped month",
        f"peak RSS of this process: {peak_rss_mb():,.0f} MB",
    ]
    return lines


def _cell(timing: Timing, args) -> tuple[str, bool]:
    if timing.seconds is None:
        return f"{timing.note} *", True
    over = timing.seconds > SLOW_SECONDS
    runs = " (1 run)" if timing.runs < args.runs else ""
    return f"{timing.seconds:.3f}{runs}{' *' if over else '  '}", over


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 100,000 conversations")
    parser.add_argument("--keep", action="store_true", help="keep the databases filled")
    parser.add_argument("--postgres-url", help="a server whose user may create databases")
    parser.add_argument("--runs", type=int, default=3, help="runs of each query; the best counts")
    parser.add_argument("--limit", type=float, default=60.0, help="seconds a run may take")
    parser.add_argument(
        "--only",
        metavar="REGEX",
        help="time only the queries whose name matches (searched): 'year .*by agent'",
    )
    parser.add_argument(
        "--reuse",
        metavar="URL",
        help="time a database an earlier run kept (--keep) instead of filling a new one; "
        "give --database sqlite or postgres to say which engine the URL is",
    )
    args = parser.parse_args(argv)
    if args.reuse and args.database == "both":
        parser.error("--reuse names one database: give --database sqlite or postgres")
    policies = load_policies(PROJECT_ROOT / "policies")
    if isinstance(policies, list):
        raise SystemExit("the policy files have errors: python -m helpdesk policies check")
    runs = []
    if args.database in ("sqlite", "both"):
        runs.append(asyncio.run(run_sqlite(args, policies)))
    if args.database in ("postgres", "both"):
        runs.append(asyncio.run(run_postgres(args, policies)))
    print("\n".join(report(runs, args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
