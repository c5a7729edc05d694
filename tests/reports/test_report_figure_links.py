"""A report's figures link to the list of the rows each counts, filtered and dated at the report's day
(issue 14): the same list pages the overview's tiles open (dashboard.figure_links)."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from reports.models import Report

pytestmark = pytest.mark.django_db


def figure_links(response) -> dict[str, str]:
    """Each linked figure's shown value → its link, by the label of its row."""
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td[^>]*><a href="([^"]+)" data-figure-link>([^<]+)</a>',
                      response.content.decode())  # fmt: skip
    return {label: (int(value), html.unescape(url)) for label, url, value in rows}


def with_sections(report: Report, *sections: dict) -> Report:
    report.data = {**report.data, "sections": [*report.data["sections"], *sections]}
    report.save(update_fields=["data"])
    return report


def test_each_count_opens_a_list_of_exactly_as_many_rows_as_of_the_reports_day(world, client):
    report = with_sections(
        world.report_a,
        {"key": "members", "figures": {"members": 2, "probationary": 0, "applications": 1, "recommended_share": None}},
    )
    client.force_login(world.users["viewer"])
    response = client.get(reverse("report-detail", args=[report.pk]), HTTP_ACCEPT_LANGUAGE="en")
    links = figure_links(response)
    assert set(links) == {"Enterprises in the park", "Covered enterprises", "Party members", "Probationary members"}
    for label, (figure, url) in links.items():
        query = parse_qs(urlsplit(url).query)
        assert query["park"] == [str(world.park.pk)] and query["as_of"] == ["2024-05-31"], label
        listed = client.get(url)
        assert listed.status_code == 200
        assert listed.context["page"].paginator.count == figure, label


def test_a_figure_of_the_day_before_the_period_is_dated_that_day(world, client):
    coverage = {**world.report_a.data["sections"][0]}
    coverage["figures"] = {**coverage["figures"], "previous_as_of": "2024-04-30", "previous_covered_enterprises": 2}
    report = world.report_a
    report.data = {**report.data, "sections": [coverage]}
    report.save(update_fields=["data"])
    client.force_login(world.users["admin"])
    links = figure_links(client.get(reverse("report-detail", args=[report.pk]), HTTP_ACCEPT_LANGUAGE="en"))
    figure, url = links["Covered enterprises before"]
    assert parse_qs(urlsplit(url).query)["as_of"] == ["2024-04-30"]
    assert client.get(url).context["page"].paginator.count == figure


def test_rates_and_changes_link_nowhere(world, client):
    client.force_login(world.users["admin"])
    content = client.get(reverse("report-detail", args=[world.report_a.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert content.count("data-figure-link") == 2  # the two counts of the stored coverage section
    assert re.search(r"Coverage rate</th><td[^>]*>66\.7%</td>", content)
