"""On every demo park at its article's date, each of the overview's figures opens a page listing exactly
that many rows (issue 14: "the overview's tiles open those lists")."""

import html
import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from organizations.models import Park

pytestmark = pytest.mark.django_db

PARKS = {
    "dehua-chengdong": date(2019, 12, 31),
    "yutai": date(2020, 9, 29),
    "quanzhou": date(2023, 7, 10),
    "kaihua": date(2015, 3, 24),
}
TILE = re.compile(r'<a class="figure-value" data-figure="([\w-]+)" href="([^"]+)">(\d+)</a>')
# A note's number may stand anywhere in its (translated) words: "未覆盖 3 家", "3 not covered".
NOTE = re.compile(r'<a href="([^"]+)" data-figure="([\w-]+)">[^<\d]*(\d+)[^<]*</a>')


@pytest.fixture
def admin():
    client = Client()
    client.force_login(get_user_model().objects.get(username="demo-admin"))
    return client


def rows_behind(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    if "page" in response.context:
        return response.context["page"].paginator.count
    return len(response.context["rows"])


@pytest.mark.parametrize("code", PARKS)
def test_each_tile_opens_exactly_its_rows(admin, code):
    park = Park.objects.get(code=code)
    content = admin.get(reverse("overview"), {"park": park.pk, "as_of": PARKS[code].isoformat()}).content.decode()
    figures = {name: (int(value), html.unescape(url)) for name, url, value in TILE.findall(content)}
    figures |= {name: (int(value), html.unescape(url)) for url, name, value in NOTE.findall(content)}
    assert {"total", "covered", "uncovered", "members", "branches", "work-covered"} <= set(figures)
    for name, (figure, url) in figures.items():
        assert f"as_of={PARKS[code].isoformat()}" in url
        assert rows_behind(admin, url) == figure, (code, name)
