"""Dates at a time of day in the park's time zone (Asia/Shanghai, settings.TIME_ZONE)."""

from datetime import date, datetime, time

from django.utils import timezone

# Meetings and reports of this portal lie in this century, and at most a few years ahead.
EARLIEST_YEAR = 2000
YEARS_AHEAD = 5


def year_in_range(year: int) -> bool:
    return EARLIEST_YEAR <= year <= timezone.localdate().year + YEARS_AHEAD


def parse_month(text: str) -> date | None:
    """'YYYY-MM' → the first day of that month; None when malformed or outside the portal's years
    (a year 1 or 9999 would overflow the month arithmetic of calendars and compliance windows)."""
    if len(text) != 7 or text[4] != "-" or not (text[:4].isdigit() and text[5:].isdigit()):
        return None
    year, month = int(text[:4]), int(text[5:])
    if not (1 <= month <= 12 and year_in_range(year)):
        return None
    return date(year, month, 1)


def local_datetime(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())
