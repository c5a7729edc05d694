"""Dates at a time of day in the park's time zone (Asia/Shanghai, settings.TIME_ZONE)."""

from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Every date a person enters lies on or after a first day, and a date that records a fact lies on or
# before today; one that plans something lies at most in the YEARS_AHEAD-th calendar year ahead.
# People and the park's structure (members, organizations, enterprises, coverage) date from FIRST_DAY,
# the party's founding year: no member joined and no organization was founded before it. The portal's
# own work records (meetings, activities, bookings, ratings, subsidies, plans, the pipeline, reports)
# date from WORK_FIRST_DAY: a year before it is a typing slip.
FIRST_DAY = date(1921, 1, 1)
WORK_FIRST_DAY = date(2000, 1, 1)
YEARS_AHEAD = 5


def last_planned_day() -> date:
    return date(timezone.localdate().year + YEARS_AHEAD, 12, 31)


def _day_of(value) -> date:
    """The day of a date, or of a moment in the park's time zone."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            try:
                return timezone.localtime(value).date()
            except (OverflowError, ValueError):  # year 1 or 9999 with an offset: outside any bounds anyway
                return value.date()
        return value.date()
    return value


@deconstructible
class DateBounds:
    """A model field's validator: the day lies in the portal's years; a fact's day is not after today.
    On the field, so full_clean (services, imports) and ModelSerializers (the API) all check it, and
    `date_errors` lets a service check it before anything else reads the date."""

    def __init__(self, fact: bool = True, first: date = FIRST_DAY):
        self.fact = fact
        self.first = first

    def last(self) -> date:
        return timezone.localdate() if self.fact else last_planned_day()

    def holds(self, value) -> bool:
        return self.first <= _day_of(value) <= self.last()

    def holds_year(self, year: int) -> bool:
        return self.first.year <= year <= self.last().year

    def __call__(self, value) -> None:
        if not self.holds(value):
            if self.fact:
                message = _("Give a date from %(first)s to today.")
            else:
                message = _("Give a date from %(first)s to %(last)s.")
            raise ValidationError(
                message, code="date_bounds", params={"first": self.first.isoformat(), "last": self.last().isoformat()}
            )

    def error(self, value) -> str | None:
        """The message `__call__` raises for `value`, or None when it lies within the bounds."""
        try:
            self(value)
        except ValidationError as error:
            return error.messages[0]
        return None

    def __eq__(self, other) -> bool:
        return isinstance(other, DateBounds) and (other.fact, other.first) == (self.fact, self.first)


fact_date = DateBounds(fact=True)
planned_date = DateBounds(fact=False)
work_fact = DateBounds(fact=True, first=WORK_FIRST_DAY)
work_plan = DateBounds(fact=False, first=WORK_FIRST_DAY)


def bounds_of(field) -> DateBounds | None:
    """The DateBounds validator of a model field, if it has one."""
    return next((v for v in field.validators if isinstance(v, DateBounds)), None)


def date_errors(instance, fields: list[str] | None = None) -> dict[str, str]:
    """The DateBounds messages of a model instance's dates (all of them, or `fields`), by field: for a
    service that must refuse a date before it reaches a query or a comparison (a year 1 has no UTC
    equivalent), and for a bulk loader that does not run full_clean. Empty dates are left to the field."""
    errors = {}
    for field in instance._meta.concrete_fields:
        bounds = bounds_of(field)
        value = getattr(instance, field.attname)
        if bounds is None or value is None or (fields is not None and field.name not in fields):
            continue
        if (message := bounds.error(value)) is not None:
            errors[field.name] = message
    return errors


def year_in_range(year: int) -> bool:
    """A year a work record names (a plan's, a rating's, a period code's): the years of `work_plan`."""
    return work_plan.holds_year(year)


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
