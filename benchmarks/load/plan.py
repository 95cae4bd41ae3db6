"""What a load run does: the shoppers' loopback addresses, the interleaved batches of both paths,
and whether the plan stays within the helpdesk's per-address and per-session rate limits."""

from __future__ import annotations

import math
from dataclasses import dataclass

from helpdesk.chat.guard import (
    MESSAGES_PER_ADDRESS,
    NEW_SESSIONS_PER_ADDRESS,
    REQUESTS_PER_ADDRESS,
    SESSION_LIMITS,
)

PATHS = ("chat", "bare")  # the product's chat API; Rasa's bare REST webhook
MIX_NAMES = ("small_talk", "policy")


def shopper_address(index: int) -> str:
    """The index-th shopper's own address, 127.16.0.1, 127.16.0.2, … (62,500 of them): a range
    of its own, apart from the conversation suite's 127.100.x.y."""
    if not 0 <= index < 250 * 250:
        raise ValueError(f"no loopback address for shopper {index}")
    return f"127.16.{index // 250}.{index % 250 + 1}"


@dataclass(frozen=True)
class Batch:
    """Every shopper sends `count` messages of `mix` through `path`, all at once."""

    round: int
    mix: str
    path: str
    start: int  # how many messages of this mix each shopper sent in earlier rounds
    count: int


@dataclass(frozen=True)
class Plan:
    shoppers: int
    messages: int  # per path and mix, all shoppers together
    batch_size: int = 5  # messages each shopper sends in one batch (one chat session)
    solo: int = 20  # messages of the shopper alone, per path
    mixes: tuple[str, ...] = MIX_NAMES
    paths: tuple[str, ...] = PATHS  # compared: the first over the second

    @property
    def per_shopper(self) -> int:
        """Messages each shopper sends per path and mix."""
        return max(1, math.ceil(self.messages / self.shoppers))

    @property
    def rounds(self) -> int:
        return math.ceil(self.per_shopper / self.batch_size)

    @property
    def solo_address(self) -> str:
        return shopper_address(self.shoppers)  # the one after the crowd's: nobody else's budget


def schedule(plan: Plan) -> list[Batch]:
    """Round after round, each mix through both paths, the path that goes first alternating, so
    that whatever else the machine does falls on both paths alike."""
    batches = []
    for round_ in range(plan.rounds):
        start = round_ * plan.batch_size
        count = min(plan.batch_size, plan.per_shopper - start)
        for number, mix in enumerate(plan.mixes):
            first_path = (round_ + number) % 2 == 0
            for path in plan.paths if first_path else tuple(reversed(plan.paths)):
                batches.append(Batch(round_, mix, path, start, count))
    return batches


def limit_problems(plan: Plan) -> list[str]:
    """The product's rate limits the plan would run into (counting only on their burst, not on
    their refill): the benchmark refuses such a plan instead of raising the limits."""
    if "chat" not in plan.paths:
        return []
    session_burst = SESSION_LIMITS["messages"][0].burst
    chat_sessions = plan.rounds * len(plan.mixes)  # one per chat batch
    messages = plan.per_shopper * len(plan.mixes)
    solo_sessions = math.ceil(plan.solo / plan.batch_size)
    checks = [
        (plan.batch_size, session_burst, "messages per chat session", "--batch"),
        (chat_sessions, NEW_SESSIONS_PER_ADDRESS.burst, "new chats per address", "--messages"),
        (solo_sessions, NEW_SESSIONS_PER_ADDRESS.burst, "new chats of the shopper alone", "--solo"),
        (messages, MESSAGES_PER_ADDRESS.burst, "messages per address", "--messages"),
        (plan.solo, MESSAGES_PER_ADDRESS.burst, "messages of the shopper alone", "--solo"),
        (
            messages + chat_sessions,
            REQUESTS_PER_ADDRESS.burst,
            "chat API requests per address",
            "--messages",
        ),
    ]
    return [
        f"{planned} {what} planned, over the helpdesk's limit of {limit}: lower {option} or add "
        "shoppers (the benchmark keeps the product's rate limits on)"
        for planned, limit, what, option in checks
        if planned > limit
    ]
