"""The dashboard's charts: SVG images that are well formed, write every text as text, break a
line where nothing was counted, speak the agent's language, and answer admins only, with a 400
that says what to fix for a chart asked the wrong way."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest

from helpdesk.insights import charts
from tests.insights.retention_shop import SCENE_RANGE, logged_in

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)


def texts(svg: str) -> list[str]:
    return [element.text or "" for element in parsed(svg).iter(f"{SVG}text")]


def test_a_line_breaks_where_nothing_was_counted():
    svg = charts.lines(
        "Rates",
        ["1 Nov", "2 Nov", "3 Nov", "4 Nov"],
        [charts.Series("CSAT", [0.5, 0.75, None, 1.0]), charts.Series("Other", [0, 0, 0, 0])],
        "en",
    )
    lines = list(parsed(svg).iter(f"{SVG}polyline"))
    assert len(lines) == 3  # CSAT in two stretches, the other in one
    points = list(parsed(svg).iter(f"{SVG}circle"))
    assert len(points) == 7
    assert points[1].find(f"{SVG}title").text == "CSAT, 2 Nov: 75%"
    assert parsed(svg).get("aria-label") == "Rates"


def test_the_scale_is_written_as_the_agent_writes_numbers():
    english = texts(charts.lines("Rates", ["a"], [charts.Series("x", [0.5])], "en"))
    french = texts(charts.lines("Taux", ["a"], [charts.Series("x", [0.5])], "fr"))
    assert "25%" in english and "25\xa0%" in french  # a space before the sign, kept on its line
    counted = texts(charts.bars("N", ["a"], [charts.Series("x", [12345])], "de", stacked=True))
    assert "12.345" in counted  # German groups thousands with a point


def test_markup_in_a_group_name_stays_text():
    hostile = '<script>alert(1)</script>"&'
    svg = charts.bars("Groups", [hostile], [charts.Series("n", [3])], "en", stacked=True)
    tree = parsed(svg)
    assert not list(tree.iter(f"{SVG}script"))
    assert hostile in [title.text for title in tree.iter(f"{SVG}title")]


def test_bars_side_by_side_show_each_value_and_long_names_are_cut():
    name = "a-very-long-agent-address@shop.example"
    svg = charts.bars(
        "Repeat",
        [name, "US"],
        [charts.Series("contacted", [0.5, None]), charts.Series("not", [0.25, 0.1])],
        "en",
        stacked=False,
        rates=True,
    )
    shown = texts(svg)
    assert {"50%", "25%", "0%", "10%"} <= set(shown)
    assert name not in shown and name[: charts.LONGEST_NAME - 1] + "…" in shown
    assert len(list(parsed(svg).iter(f"{SVG}rect"))) == 2 + 4  # the legend's two, four bars


async def test_an_admin_gets_each_chart_in_their_language(admin):
    for name, extra in (("rates", "&period=week"), ("groups", "&by=team"), ("retention", "")):
        response = await admin.get(
            f"/api/agent/insights/charts/{name}?{SCENE_RANGE}{extra}&lang=de"
        )
        assert response.status == 200, await response.text()
        assert response.content_type == "image/svg+xml"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'"
        assert response.headers["Cache-Control"] == "no-store"
        svg = await response.text()
        parsed(svg)  # well formed
        if name == "rates":
            assert "Automatisierungsquote" in texts(svg)


@pytest.mark.parametrize(
    ("asked", "status", "said"),
    [
        ("rates?by=team", 400, "leave out by"),
        ("groups", 400, "give by"),
        ("retention?by=market", 400, "leave out by"),
        ("rates?lang=%3Cscript%3E", 400, "language tag"),
        ("rates?lang=en&lang=de", 400, "given twice"),
        ("pie", 404, "there are rates, groups, retention"),
    ],
)
async def test_a_chart_asked_the_wrong_way_says_what_to_fix(admin, asked, status, said):
    response = await admin.get(f"/api/agent/insights/charts/{asked}")
    body = await response.json()
    assert response.status == status and said in body["error"], body


async def test_charts_are_for_admins(shop_client):
    assert (await shop_client.get("/api/agent/insights/charts/rates")).status == 401
    agent = await logged_in(shop_client, "eva@shop.example", "agent")
    try:
        assert (await agent.get("/api/agent/insights/charts/rates")).status == 403
    finally:
        await agent.close()
