"""The figures as CSV, one flat row per line, for the API's exports and the command line alike.

Retention and influence are written long: one row per cohort (or way of handling) and currency,
the cohort's own counts repeated on each of its currencies' rows (amounts in two currencies are
never added). A text cell a spreadsheet would run as a formula (a comment starting with "=")
is written with a leading apostrophe."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from helpdesk.insights.answers import BehindConversation, Comment, Durations, SupportKpis
from helpdesk.insights.influence import SupportInfluence
from helpdesk.insights.retention import CohortFigures, Retention

Row = dict[str, Any]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_csv(columns: list[str], rows: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows({name: _cell(value) for name, value in row.items()} for row in rows)
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        try:
            float(value)  # a negative amount stays a number
        except ValueError:
            return "'" + value
    return "" if value is None else value


# --- the support KPIs ----------------------------------------------------------------------


def support_columns() -> list[str]:
    """Durations as columns of their own (queue_wait_median_seconds...)."""
    columns = []
    for name, field in SupportKpis.model_fields.items():
        if field.annotation is Durations:
            columns += [f"{name}_{part}" for part in Durations.model_fields]
        else:
            columns.append(name)
    return columns


def support_rows(figures: Iterable[SupportKpis]) -> list[Row]:
    """Hand-over intents as `intent:count;...`."""
    rows = []
    for kpis in figures:
        row: Row = {}
        for name, value in kpis.model_dump(mode="json").items():
            if isinstance(value, dict):
                row.update({f"{name}_{part}": figure for part, figure in value.items()})
            elif isinstance(value, list):
                row[name] = ";".join(f"{item['intent']}:{item['handovers']}" for item in value)
            else:
                row[name] = value
        rows.append(row)
    return rows


COMMENT_COLUMNS = list(Comment.model_fields)
CONVERSATION_COLUMNS = list(BehindConversation.model_fields)


def model_rows(items: Iterable[Comment | BehindConversation]) -> list[Row]:
    return [item.model_dump(mode="json") for item in items]


# --- retention and influence ---------------------------------------------------------------

RETENTION_COLUMNS = ["split", "group", "cohort", "customers", "repeat_customers"]
RETENTION_COLUMNS += ["churned_customers", "repeat_purchase_rate", "churn_rate", "currency"]
RETENTION_COLUMNS += ["currency_customers", "orders", "order_total", "average_order_value"]
RETENTION_COLUMNS += ["net_revenue", "lifetime_value"]


def retention_rows(figures: Retention) -> list[Row]:
    """split: all, market or language; cohort: contacted or not_contacted."""
    rows = []
    splits = [("all", [figures.everyone]), ("market", figures.by_market)]
    for split, comparisons in [*splits, ("language", figures.by_language)]:
        for comparison in comparisons:
            for cohort in ("contacted", "not_contacted"):
                cohort_figures: CohortFigures = getattr(comparison, cohort)
                rows += _cohort_rows(
                    {"split": split, "group": comparison.group, "cohort": cohort}, cohort_figures
                )
    return rows


def _cohort_rows(key: Row, cohort: CohortFigures) -> list[Row]:
    counts = cohort.model_dump(mode="json", exclude={"currencies"})
    rows = []
    for money in cohort.model_dump(mode="json")["currencies"]:
        money["currency_customers"] = money.pop("customers")
        rows.append({**key, **counts, **money})
    return rows or [{**key, **counts}]


INFLUENCE_COLUMNS = ["handled_by", "conversations", "orders", "currency", "currency_orders"]
INFLUENCE_COLUMNS += ["net_revenue"]


def influence_rows(figures: SupportInfluence) -> list[Row]:
    rows = []
    for group in figures.groups:
        key: Row = {
            "handled_by": group.handled_by.value,
            "conversations": group.conversations,
            "orders": group.orders,
        }
        money: list[Row] = [
            {"currency": m.currency, "currency_orders": m.orders, "net_revenue": str(m.net_revenue)}
            for m in group.currencies
        ]
        rows += [{**key, **each} for each in money] or [key]
    return rows
