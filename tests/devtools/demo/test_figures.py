"""Every published figure in docs/figures.md, read through the API as of the report's date.

The rows come from the document's tables, so the document and the portal cannot drift apart: a row whose
status is `ok` must reproduce its value; a row marked `gap: …` is a strict expected failure, which turns
red the day the gap is closed (then switch the row to `ok`).
"""

import re
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from organizations.models import Park
from parkparty.filters import RENAMED

pytestmark = pytest.mark.django_db

DOC = Path(settings.BASE_DIR) / "docs" / "figures.md"
# The date parameters a statistic echoes.
DATES = ("as_of", "on", "since", "until")
# A list's date parameters, and the day that leaves nothing to list when the date is applied: before
# everything for a stock's date or a range's end, after everything for a range's start.
BEFORE_EVERYTHING, AFTER_EVERYTHING = "1900-01-01", "2100-01-01"
LIST_DATES = {
    "as_of": BEFORE_EVERYTHING,
    "on": BEFORE_EVERYTHING,
    "until": BEFORE_EVERYTHING,
    "held_before": BEFORE_EVERYTHING,
    "starts_before": BEFORE_EVERYTHING,
    "since": AFTER_EVERYTHING,
    "held_after": AFTER_EVERYTHING,
    "starts_after": AFTER_EVERYTHING,
}


def rows() -> list:
    """(park heading, figure, call, field, value, status) for each table row below a `## ` heading."""
    found, park = [], None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            park = line[3:].split(" — ")[0]
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if park and len(cells) == 6 and cells[2].startswith("`GET "):
            found.append((park, cells[0], cells[2].strip("`")[4:], cells[3], cells[4], cells[5]))
        elif park and len(cells) == 6 and cells[2] == "—":
            found.append((park, cells[0], None, None, None, cells[5]))
    return found


def params():
    for park, figure, call, field, value, status in rows():
        marks = [] if status == "ok" else [pytest.mark.xfail(strict=True, reason=status.removeprefix("gap: "))]
        yield pytest.param(call, field, value, marks=marks, id=f"{park}: {figure}")


def test_the_document_has_a_row_for_each_park():
    parks = {row[0] for row in rows()}
    assert len(parks) == 4, parks
    assert all(row[5] == "ok" or row[5].startswith("gap: ") for row in rows())


@pytest.fixture
def admin():
    client = APIClient()
    client.force_login(get_user_model().objects.get(username="demo-admin"))
    return client


def matches(value, expected: str) -> bool:
    if expected.startswith("≈"):
        places = len(expected.partition(".")[2])
        return abs(Decimal(str(value)) - Decimal(expected[1:])) <= Decimal(5) / 10 ** (places + 1)
    if expected.startswith("≥"):
        return Decimal(str(value)) >= Decimal(expected[1:])
    return str(value) == expected


def read(answer, field: str):
    """The value at `field`: keys, list positions (`results.0`) and `#`, a list's length."""
    for key in field.split("."):
        if key == "#":
            answer = len(answer)
        elif isinstance(answer, list):
            answer = answer[int(key)]
        else:
            answer = answer[key]
    return answer


def test_a_field_reads_keys_positions_and_lengths():
    body = {"count": 1, "results": [{"rotation": [4, 5, 6], "by_kind": {"demo_post": 2}}]}
    assert read(body, "results.0.rotation.#") == 3
    assert read(body, "results.0.by_kind.demo_post") == 2
    assert read(body, "count") == 1


@pytest.mark.parametrize(("call", "field", "value"), list(params()))
def test_the_published_figure(admin, call, field, value):
    if call is None:
        pytest.fail("the portal has no call for this figure yet")
    path = urlsplit(call).path
    query = {
        key: Park.objects.get(code=found[1]).pk if (found := re.fullmatch(r"<(.+)>", raw)) else raw
        for key, raw in parse_qsl(urlsplit(call).query)
    }
    is_list = "/stats/" not in path
    response = admin.get(path, {**query, "page_size": 1} if is_list else query)
    assert response.status_code == 200, response.content
    body = response.json()
    answer = read(body, field)
    assert matches(answer, value), f"{field} = {answer!r}, published {value}"
    if not is_list:
        for key in DATES:
            if key in query:
                echoed = body[key] if key in body else body.get(RENAMED.get(key))
                assert str(echoed) == query[key], f"{key} was not applied: {echoed!r}"
        return
    for key, day in LIST_DATES.items():
        if key in query:
            moved = admin.get(path, {**query, key: day, "page_size": 1})
            assert moved.status_code == 200, moved.content
            assert moved.json()["count"] == 0, f"{key} was not applied: {key}={day} still lists rows"
