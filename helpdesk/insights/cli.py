"""`python -m helpdesk insights`: the figures of a date range as a table or as CSV: the support
KPIs (the default report), retention, or support-influenced revenue."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel.ext.asyncio.session import AsyncSession

from helpdesk.clock import Clock
from helpdesk.database import Database
from helpdesk.insights import printed, tables
from helpdesk.insights.conversation_sql import Dimension
from helpdesk.insights.hours import Hours
from helpdesk.insights.influence import support_influence
from helpdesk.insights.queries import DEFAULT_DAYS, FIRST_DAY, LAST_DAY, midnight
from helpdesk.insights.retention import retention
from helpdesk.insights.support import Period, Scope, comments, support_kpis
from helpdesk.policies.loading import Policies
from helpdesk.settings import Settings


class Report(StrEnum):
    SUPPORT = "support"  # the KPIs, per period (and group)
    RETENTION = "retention"  # customers who contacted support against those who did not
    INFLUENCE = "influence"  # the orders that followed conversations, bot against people


def add_commands(commands) -> None:
    insights = commands.add_parser(
        "insights",
        help="the support KPIs, retention or support-influenced revenue of a date range",
        description="The figures of the days from --from to --to (UTC, both included). The "
        "support KPIs count the conversations opened in them; retention compares the customers "
        "who contacted support in them with those who did not; influence counts the orders that "
        "followed their conversations. README.md ('What support does', 'Retention') defines each.",
    )
    insights.add_argument(
        "--report", choices=[r.value for r in Report], default=Report.SUPPORT, help="which figures"
    )
    insights.add_argument("--from", dest="start", type=_day, help="first day, YYYY-MM-DD")
    insights.add_argument(
        "--to", dest="end", type=_day, help="last day, YYYY-MM-DD (default today)"
    )
    support = insights.add_argument_group("the support report's options")
    support.add_argument("--by", choices=[d.value for d in Dimension], help="one row per group")
    support.add_argument("--period", choices=[p.value for p in Period], help="default month")
    support.add_argument("--hours", choices=[h.value for h in Hours], help="default business")
    insights.add_argument("--csv", action="store_true", help="CSV instead of a table")
    insights.set_defaults(handler=run)


def _day(written: str) -> date:
    try:
        day = date.fromisoformat(written)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{written!r} is not a date: write YYYY-MM-DD") from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(f"give a day from {FIRST_DAY} to {LAST_DAY}")
    return day


def run(settings: Settings, args: argparse.Namespace) -> int:
    from helpdesk.policies import load_policies

    clock = Clock()
    end = args.end or clock.today()
    start = args.start or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        print(f"--from {start} is after --to {end}: nothing to count", file=sys.stderr)
        return 2
    report = Report(args.report)
    if report != Report.SUPPORT and (args.by or args.period or args.hours):
        print(
            f"--by, --period and --hours split the support report; the {report} report "
            "always shows everyone, each market and each language",
            file=sys.stderr,
        )
        return 2
    policies = load_policies(settings.policies_dir)
    if isinstance(policies, list):
        print("the policy files have errors (python -m helpdesk policies check):", file=sys.stderr)
        print("\n".join(map(str, policies)), file=sys.stderr)
        return 1
    try:
        said = asyncio.run(_read(settings, report, args, policies, (start, end), clock))
    except (OSError, SQLAlchemyError) as error:  # the database does not answer, or refuses
        print(f"cannot read the database (DATABASE_URL): {error}", file=sys.stderr)
        return 1
    print(said, end="")
    return 0


async def _read(
    settings: Settings,
    report: Report,
    args: argparse.Namespace,
    policies: Policies,
    days: tuple[date, date],
    clock: Clock,
) -> str:
    """The report, written out."""
    database = Database(settings.database)
    try:
        await database.upgrade()
        async with database.session() as session:
            if report == Report.SUPPORT:
                return await _support(session, args, policies, days, clock)
            if report == Report.RETENTION:
                return await _retention(session, args, policies, days)
            return await _influence(session, args, policies, days)
    finally:
        await database.close()


async def _support(session: AsyncSession, args, policies: Policies, days, clock: Clock) -> str:
    scope = Scope(
        start=days[0],
        end=days[1],
        period=Period(args.period or Period.MONTH),
        by=Dimension(args.by) if args.by else None,
        hours=Hours(args.hours or Hours.BUSINESS),
        support=policies.support,
        markets=policies.payments.markets,
    )
    figures = await support_kpis(session, scope, now=clock.now())
    if args.csv:
        return tables.as_csv(tables.support_columns(), tables.support_rows(figures))
    return printed.support_table(figures, await comments(session, scope), scope)


async def _retention(session: AsyncSession, args, policies: Policies, days) -> str:
    first, last = days
    figures = await retention(
        session,
        start=midnight(first),
        end=midnight(last + timedelta(days=1)),
        insights=policies.insights,
        markets=policies.payments.markets,
    )
    if args.csv:
        return tables.as_csv(tables.RETENTION_COLUMNS, tables.retention_rows(figures))
    return printed.retention_table(figures, first, last)


async def _influence(session: AsyncSession, args, policies: Policies, days) -> str:
    first, last = days
    figures = await support_influence(
        session,
        start=midnight(first),
        end=midnight(last + timedelta(days=1)),
        insights=policies.insights,
    )
    if args.csv:
        return tables.as_csv(tables.INFLUENCE_COLUMNS, tables.influence_rows(figures))
    return printed.influence_table(figures, first, last)
