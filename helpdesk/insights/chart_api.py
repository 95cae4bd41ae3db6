"""The dashboard's charts, for admins: `GET /api/agent/insights/charts/{name}` answers an SVG image
of the same figures as the support and retention calls, asked with the same parameters, in the
agent's language (`lang`). The page shows each beside the table of its figures.

- rates: automation, hand-over and CSAT per period, for all conversations (no `by`);
- groups: per group of `by` over the whole range: conversations resolved by the bot, handed
  over, and the others (left before either, or still open), stacked;
- retention: the repeat-purchase rate of customers who contacted support against those who did
  not, for everyone and per market.
"""

from __future__ import annotations

from aiohttp import web
from babel import Locale

from helpdesk.errors import BadRequest, NotFound
from helpdesk.insights import charts
from helpdesk.insights.answers import SupportKpis
from helpdesk.insights.api import INSIGHTS, PRIVATE, require_admin
from helpdesk.insights.conversation_sql import Dimension
from helpdesk.insights.queries import ChartQuery, parse_query
from helpdesk.insights.support import ALL, Period
from helpdesk.languages.locales import FALLBACK_LANGUAGE, Locales
from helpdesk.languages.tags import base_language
from helpdesk.web.keys import LOCALES

routes = web.RouteTableDef()
# Opened on its own, the image may run nothing and load nothing.
SVG_HEADERS = {**PRIVATE, "Content-Security-Policy": "default-src 'none'"}


@routes.get("/api/agent/insights/charts/{name}")
async def chart(request: web.Request) -> web.Response:
    await require_admin(request)
    query = parse_query(ChartQuery, request.query.items())
    locales: Locales = request.app[LOCALES]
    lang = base_language(query.lang)
    lang = lang if lang in locales.texts else FALLBACK_LANGUAGE
    name = request.match_info["name"]
    drawers = {"rates": _rates, "groups": _groups, "retention": _retention}
    if name not in drawers:
        raise NotFound(f"no chart named {name[:40]!r}: there are {', '.join(drawers)}")
    svg = await drawers[name](request, query, lang)
    return web.Response(
        text=svg, content_type="image/svg+xml", charset="utf-8", headers=SVG_HEADERS
    )


def _text(request: web.Request, key: str, lang: str) -> str:
    return request.app[LOCALES].render(key, lang).text


async def _rates(request: web.Request, query: ChartQuery, lang: str) -> str:
    if query.by is not None:
        raise BadRequest("the rates chart is of all conversations: leave out by")
    answer = await request.app[INSIGHTS].support(query)
    figures = answer.figures
    named = charts.period_label(lang, query.period)
    labels = [named(kpis.period) for kpis in figures]
    series = [
        charts.Series(_text(request, key, lang), [getattr(kpis, rate) for kpis in figures])
        for key, rate in (
            ("insights_automation_rate", "automation_rate"),
            ("insights_handover_rate", "handover_rate"),
            ("insights_csat", "csat"),
        )
    ]
    return charts.lines(_text(request, "insights_chart_rates", lang), labels, series, lang)


async def _groups(request: web.Request, query: ChartQuery, lang: str) -> str:
    if query.by is None:
        raise BadRequest("the groups chart splits the conversations: give by")
    whole = query.model_copy(update={"period": Period.RANGE})
    answer = await request.app[INSIGHTS].support(whole)
    figures = sorted(answer.figures, key=lambda kpis: -kpis.conversations)
    groups = [_group_label(request, query.by, kpis.group, lang) for kpis in figures]
    series = [
        charts.Series(
            _text(request, "insights_automated", lang), [kpis.automated for kpis in figures]
        ),
        charts.Series(
            _text(request, "insights_handed_over", lang), [kpis.handed_over for kpis in figures]
        ),
        charts.Series(_text(request, "insights_other", lang), [_others(k) for k in figures]),
    ]
    title = _text(request, "insights_chart_groups", lang)
    return charts.bars(title, groups, series, lang, stacked=True)


def _others(kpis: SupportKpis) -> int:
    return kpis.conversations - kpis.automated - kpis.handed_over


def _group_label(request: web.Request, by: Dimension, group: str, lang: str) -> str:
    """A language or a topic by its name in `lang`; other groups as the figures name them."""
    if by == Dimension.LANGUAGE:
        return Locale.parse(lang).languages.get(group, group)
    if by == Dimension.INTENT and request.app[LOCALES].has(f"intent_{group}", FALLBACK_LANGUAGE):
        return _text(request, f"intent_{group}", lang)
    return group


async def _retention(request: web.Request, query: ChartQuery, lang: str) -> str:
    if query.by is not None:
        raise BadRequest("the retention chart is split by market: leave out by")
    answer = await request.app[INSIGHTS].retention(query)  # of its days alone
    comparisons = [answer.everyone, *answer.by_market]
    groups = [
        _text(request, "insights_all", lang) if c.group == ALL else c.group for c in comparisons
    ]
    series = [
        charts.Series(
            _text(request, "insights_contacted", lang),
            [c.contacted.repeat_purchase_rate for c in comparisons],
        ),
        charts.Series(
            _text(request, "insights_not_contacted", lang),
            [c.not_contacted.repeat_purchase_rate for c in comparisons],
        ),
    ]
    title = _text(request, "insights_chart_retention", lang)
    return charts.bars(title, groups, series, lang, stacked=False, rates=True)
