"""Reading and validating the policy directory into one `Policies` value, or every error found."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .engagement_schema import EngagementPolicy
from .errors import PolicyError
from .fields import PolicyFile
from .insights_schema import InsightsPolicy
from .loyalty_schema import LoyaltyPolicy
from .payments_schema import PaymentsPolicy
from .returns_schema import ReturnsPolicy
from .shipping_schema import ShippingPolicy
from .support_schema import SupportPolicy
from .validation import validate
from .yamlsource import Document, read_document

SCHEMAS: dict[str, type[PolicyFile]] = {
    "returns": ReturnsPolicy,
    "shipping": ShippingPolicy,
    "payments": PaymentsPolicy,
    "loyalty": LoyaltyPolicy,
    "support": SupportPolicy,
    "insights": InsightsPolicy,
    "engagement": EngagementPolicy,
}
FILE_NAMES = tuple(f"{name}.yml" for name in SCHEMAS)


@dataclass(frozen=True)
class Policies:
    """The merchant's policy files, validated."""

    returns: ReturnsPolicy
    shipping: ShippingPolicy
    payments: PaymentsPolicy
    loyalty: LoyaltyPolicy
    support: SupportPolicy
    insights: InsightsPolicy
    engagement: EngagementPolicy


def load_policies(directory: Path | str) -> Policies | list[PolicyError]:
    """Every file read and checked; a `Policies` when all are valid, else every error of every file."""
    directory = Path(directory)
    docs: dict[str, Document] = {}
    models: dict[str, Any] = {}
    errors: list[PolicyError] = []
    for name, schema in SCHEMAS.items():
        path = directory / f"{name}.yml"
        if not path.is_file():
            errors.append(PolicyError(path.name, 0, "", f"is missing: expected at {path}"))
            continue
        docs[name] = read_document(path)
        model, found = validate(docs[name], schema)
        errors.extend(found)
        if model is not None:
            models[name] = model
    if errors:
        return errors
    errors = [docs[name].error(path, message) for name, path, message in _across_files(models)]
    return errors or Policies(**models)


def _across_files(models: dict[str, Any]) -> Iterator[tuple[str, tuple[str | int, ...], str]]:
    """What one file says that another contradicts: a market's currency, a refund's payment method."""
    payments: PaymentsPolicy = models["payments"]
    for name in ("shipping", "loyalty"):
        for market, rules in models[name].markets.items():
            paid = payments.markets.get(market)
            if paid is not None and rules.currency != paid.currency:
                yield (
                    name,
                    ("markets", market, "currency"),
                    f"is {rules.currency}, but payments.yml charges market {market} in {paid.currency}",
                )
    for market, rules in models["returns"].markets.items():
        for method in rules.refund.settlement_days:
            if method != "other" and method not in payments.methods:
                yield (
                    "returns",
                    ("markets", market, "refund", "settlement_days", method),
                    f"names {method!r}, which is not a payment method declared in payments.yml "
                    f"({', '.join(payments.methods)}, or other)",
                )
