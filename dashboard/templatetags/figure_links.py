"""The figure links of a report's page: each figure of a section with the list of the rows it counts,
dated at the report's day (its `as_of`: the period's end, or the day a running period was built)."""

from __future__ import annotations

from datetime import date

from django import template

from dashboard.figure_links import DATED_BY, figure_url

register = template.Library()


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


@register.simple_tag
def linked_figures(section: dict, data: dict, park_id: int, ends_on: date) -> list[tuple]:
    """(label, cell, url or None) for each figure of a displayed section (reports.views.report_sections),
    whose keys come from the stored section of the same key in `data` (the same order)."""
    stored = next((entry for entry in data.get("sections", []) if entry.get("key") == section["key"]), {})
    values = stored.get("figures", {})
    day = _day(data.get("as_of")) or ends_on
    return [
        (label, cell, figure_url(key, park_id=park_id, as_of=_day(values.get(DATED_BY.get(key))) or day))
        for key, (label, cell) in zip(values, section["figures"], strict=False)
    ]
