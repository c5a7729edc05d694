"""Which page lists the rows a figure counts: a figure's key → its list page, filtered and dated.

The overview's tiles and a report's figures link through this one table, so the same figure opens the
same rows wherever it is shown. Each list applies the figure's own selector to the day (the ledger:
`enterprises_in_park_on` with the coverage in force that day; the roster: `members_as_of`), so the page
lists exactly as many rows as the figure says. The keys are those of `coverage_summary` and the reports'
sections (reports/sections.py); a key without an entry (a rate, a change, a flow) links nowhere.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse

from organizations.models import Organization, PartyMember

FIGURE_LISTS: dict[str, tuple[str, dict[str, str]]] = {
    "total_enterprises": ("enterprise-list", {}),
    "covered_enterprises": ("enterprise-list", {"covered": "true"}),
    "uncovered_enterprises": ("enterprise-list", {"covered": "false"}),
    "standalone_covered": ("enterprise-list", {"formation": Organization.Formation.STANDALONE}),
    "joint_covered": ("enterprise-list", {"formation": Organization.Formation.JOINT}),
    "work_covered": ("enterprise-list", {"work_covered": "true"}),
    "previous_covered_enterprises": ("enterprise-list", {"covered": "true"}),
    "branches": ("organization-tree", {"covering": "true"}),
    "members": ("member-list", {}),
    "probationary": ("member-list", {"status": PartyMember.Status.PROBATIONARY}),
}

# Figures of a report dated by another of its figures than the report's own day.
DATED_BY = {"previous_covered_enterprises": "previous_as_of"}


def figure_url(key: str, *, park_id: int, as_of: date) -> str | None:
    """The page listing the rows of figure `key` of the park as of the day, or None when no list has them."""
    if key not in FIGURE_LISTS:
        return None
    name, filters = FIGURE_LISTS[key]
    query = {"park": park_id, "as_of": as_of.isoformat(), **filters}
    return f"{reverse(name)}?{urlencode(query)}"


def figure_urls(keys, *, park_id: int, as_of: date) -> dict[str, str]:
    """`figure_url` of each key that has a list."""
    urls = {key: figure_url(key, park_id=park_id, as_of=as_of) for key in keys}
    return {key: url for key, url in urls.items() if url}
