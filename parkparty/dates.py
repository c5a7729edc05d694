"""Dates at a time of day in the park's time zone (Asia/Shanghai, settings.TIME_ZONE)."""

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Meetings and reports of this portal lie in this century, and at most a few years ahead.
EARLIEST_YEAR = 2000
YEARS_AHEAD = 5


# Every date a person enters lies on or after this day (the party's founding year: no member joined
# and no organization was founded before it), and a date that records a fact lies on or before today;
# one that plans something lies at most in the YEARS_AHEAD-th calendar year ahead.
FIRST_DAY = date(1921, 1, 1)


def last_planned_day() -> date:
    return date(timezone.localdate().year + YEARS_AHEAD, 12, 31)


@deconstructible
class DateBounds:
    """A model field's validator: the day lies in the portal's years; a fact's day is not after today.
    On the field, so full_clean (services, imports) and ModelSerializers (the API) all check it."""

    def __init__(self, fact: bool = True):
        self.fact = fact

    def __call__(self, value) -> None:
        day = timezone.localtime(value).date() if isinstance(value, datetime) and timezone.is_aware(value) else value
        day = day.date() if isinstance(day, datetime) else day
        last = timezone.localdate() if self.fact else last_planned_day()
        if not (FIRST_DAY <= day <= last):
            if self.fact:
                message = _("Give a date from %(first)s to today.")
            else:
                message = _("Give a date from %(first)s to %(last)s.")
            raise ValidationError(
                message, code="date_bounds", params={"first": FIRST_DAY.isoformat(), "last": last.isoformat()}
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, DateBounds) and other.fact == self.fact


fact_date = DateBounds(fact=True)
planned_date = DateBounds(fact=False)


def year_in_range(year: int) -> bool:
    return EARLIEST_YEAR <= year <= timezone.localdate().year + YEARS_AHEAD


def parse_month(text: str) -> date | None:
    """'YYYY-MM' → the first day of that month; None when malformed or outside the portal's years
    (a year 1 or 9999 would overflow the month arithmetic of calendars and compliance windows)."""
    # isascii(): str.isdigit() accepts "²" and other digits int() refuses.
    if len(text) != 7 or text[4] != "-" or not (text.isascii() and text[:4].isdigit() and text[5:].isdigit()):
        return None
    year, month = int(text[:4]), int(text[5:])
    if not (1 <= month <= 12 and year_in_range(year)):
        return None
    return date(year, month, 1)


def local_datetime(day: date, hour: int = 0, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def parse_period(text: str) -> tuple[date, date] | None:
    """A period code → [first day, first day after): 'YYYY-MM', 'YYYY-Qn', 'YYYY-H1'/'YYYY-H2' or 'YYYY'.
    None when malformed or outside the portal's years. Subsidies and reports name periods this way."""
    if not text.isascii():
        return None
    if len(text) == 4 and text.isdigit():
        return (date(int(text), 1, 1), date(int(text) + 1, 1, 1)) if year_in_range(int(text)) else None
    if len(text) == 7 and text[4:6] in ("-Q", "-H") and text[:4].isdigit() and text[6].isdigit():
        year, index, months = int(text[:4]), int(text[6]), 3 if text[5] == "Q" else 6
        if not (year_in_range(year) and 1 <= index <= 12 // months):
            return None
        start = date(year, (index - 1) * months + 1, 1)
        return start, add_months(start, months)
    month = parse_month(text)
    return None if month is None else (month, add_months(month, 1))


def quarter_code(year: int, quarter: int) -> str:
    return f"{year}-Q{quarter}"


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """[first day, first day after) of a quarter."""
    start = date(year, 3 * quarter - 2, 1)
    return start, add_months(start, 3)
