"""The figures as plain-text tables for the terminal (`python -m helpdesk insights`): the support
KPIs, retention, and support-influenced revenue. Each share shows what it divides."""

from __future__ import annotations

from datetime import date

from helpdesk.insights.answers import Comment, Durations, SupportKpis
from helpdesk.insights.influence import SupportInfluence
from helpdesk.insights.retention import CohortFigures, Comparison, CurrencyFigures, Retention
from helpdesk.insights.support import Scope

NOTHING = "-"


def support_table(figures: list[SupportKpis], said: list[Comment], scope: Scope) -> str:
    lines = [f"Conversations opened {scope.start} to {scope.end} (UTC), {scope.hours} hours"]
    if not figures:
        lines.append("no conversations were opened in these days")
    for kpis in figures:
        lines += ["", f"{scope.period} of {kpis.period} - {kpis.group}", *_block(kpis)]
    if said:
        lines += ["", "Comments"]
        lines += [f"  {c.at:%Y-%m-%d %H:%M} {c.rating}/5 {c.group}: {c.comment}" for c in said]
    return "\n".join(lines) + "\n"


def _block(k: SupportKpis) -> list[str]:
    intents = ", ".join(f"{i.intent} {i.handovers}" for i in k.handover_intents) or NOTHING
    figures = [
        ("conversations", str(k.conversations)),
        ("automation rate", _share(k.automation_rate, k.automated, k.conversations)),
        ("hand-over rate", _share(k.handover_rate, k.handed_over, k.conversations)),
        ("durable resolution", _share(k.durable_resolution_rate, k.durable, k.conversations)),
        ("reopen rate", _share(k.reopen_rate, k.reopened, k.resolved)),
        ("fallback rate", _share(k.fallback_rate, k.fallbacks, k.bot_turns)),
        ("hand-over intents", intents),
        ("first human reply", _times(k.first_human_reply)),
        ("resolution time", _times(k.resolution_time)),
        ("queue wait", _times(k.queue_wait)),
        ("answered in time", _share(k.answered_in_time_rate, k.answered_in_time, k.waits_judged)),
        ("CSAT", _share(k.csat, k.satisfied, k.ratings)),
        ("response rate", _share(k.response_rate, k.ratings, k.resolutions)),
        ("comments", str(k.comments)),
    ]
    return [f"  {name:<20} {value}" for name, value in figures]


def _share(rate: float | None, part: int, whole: int) -> str:
    return NOTHING if rate is None else f"{rate:6.1%}  ({part} of {whole})"


def _times(figures: Durations) -> str:
    if not figures.count:
        return NOTHING
    median, p90 = _minutes(figures.median_seconds), _minutes(figures.p90_seconds)
    return f"median {median}, p90 {p90}  ({figures.count})"


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return NOTHING
    if seconds < 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


# --- retention and influence ---------------------------------------------------------------


def retention_table(figures: Retention, first: date, last: date) -> str:
    days = figures.churn_days
    lines = [
        f"Retention, {first} to {last} (UTC): the customers with an order in the {days} days "
        f"before {first}",
        "or since, who contacted support in these days and who did not. Churned: no order in the "
        f"last {days} days.",
    ]
    sections = [("", figures.everyone)]
    sections += [("market ", comparison) for comparison in figures.by_market]
    sections += [("language ", comparison) for comparison in figures.by_language]
    for kind, comparison in sections:
        lines += ["", *_comparison(f"{kind}{comparison.group}", comparison)]
    return "\n".join(lines) + "\n"


def _comparison(title: str, comparison: Comparison) -> list[str]:
    ours, theirs = comparison.contacted, comparison.not_contacted
    rows = [(title, "contacted support", "did not")]
    rows += [(f"  {name}", show(ours), show(theirs)) for name, show in _COUNTS]
    for name, field in _AMOUNTS:
        for index, currency in enumerate(_currencies(ours, theirs)):
            label = f"  {name if index == 0 else '':<20} {currency}"
            rows.append((label, _money(ours, currency, field), _money(theirs, currency, field)))
    return [f"{label:<26} {left:>18} {right:>12}" for label, left, right in rows]


_AMOUNTS = [("average order value", "average_order_value"), ("lifetime value", "lifetime_value")]
_COUNTS = [
    ("customers", lambda cohort: str(cohort.customers)),
    ("repeat-purchase rate", lambda c: _rate(c.repeat_purchase_rate, c.repeat_customers)),
    ("churn rate", lambda c: _rate(c.churn_rate, c.churned_customers)),
]


def _rate(rate: float | None, count: int) -> str:
    return NOTHING if rate is None else f"{rate:6.1%} ({count})"


def _currencies(*cohorts: CohortFigures) -> list[str]:
    return sorted({money.currency for cohort in cohorts for money in cohort.currencies})


def _money(cohort: CohortFigures, currency: str, field: str) -> str:
    found: CurrencyFigures | None = next(
        (money for money in cohort.currencies if money.currency == currency), None
    )
    amount = getattr(found, field) if found is not None else None
    return NOTHING if amount is None else str(amount)


def influence_table(figures: SupportInfluence, first: date, last: date) -> str:
    lines = [
        f"Support-influenced revenue: orders placed within {figures.influence_days} days after a "
        f"conversation begun {first} to {last} (UTC), net of refunds",
        "",
        f"  {'handled by':<14} {'conversations':>13} {'orders':>7}  net revenue",
    ]
    for group in figures.groups:
        money = ", ".join(f"{m.currency} {m.net_revenue}" for m in group.currencies) or NOTHING
        name = group.handled_by.value.replace("_", " ")
        lines.append(f"  {name:<14} {group.conversations:>13} {group.orders:>7}  {money}")
    return "\n".join(lines) + "\n"
