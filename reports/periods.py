"""Report kinds and their periods: which code names which days, and which period the schedule reports on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from parkparty.dates import add_months, parse_period

from .models import ReportKind

# The shape of a period code for each kind, as the user types it.
SHAPES = {
    ReportKind.MONTHLY: "YYYY-MM",
    ReportKind.QUARTERLY: "YYYY-Qn",
    ReportKind.HALF_YEAR: "YYYY-H1 / YYYY-H2",
    ReportKind.ANNUAL: "YYYY",
}
MONTHS = {ReportKind.MONTHLY: 1, ReportKind.QUARTERLY: 3, ReportKind.HALF_YEAR: 6, ReportKind.ANNUAL: 12}


@dataclass(frozen=True)
class Period:
    kind: str
    code: str
    start: date
    end: date  # the first day after the period

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end.toordinal() - 1)

    def as_of(self, today: date) -> date:
        """The day the figures are for: the last day, or today while the period is still running."""
        return min(self.last_day, today)

    def previous(self) -> Period:
        return period_containing(self.kind, date.fromordinal(self.start.toordinal() - 1))


def code_for(kind: str, start: date) -> str:
    if kind == ReportKind.MONTHLY:
        return f"{start:%Y-%m}"
    if kind == ReportKind.QUARTERLY:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if kind == ReportKind.HALF_YEAR:
        return f"{start.year}-H{(start.month - 1) // 6 + 1}"
    return str(start.year)


def period_containing(kind: str, day: date) -> Period:
    size = MONTHS[kind]
    start = date(day.year, (day.month - 1) // size * size + 1, 1)
    return Period(kind, code_for(kind, start), start, add_months(start, size))


def last_closed(kind: str, today: date) -> Period:
    """The latest period of this kind that ended before today: what the schedule reports on."""
    return period_containing(kind, today).previous()


def parse(kind: str, code: str, today: date) -> Period:
    """The period a user asked for, or a ValidationError naming the field. A period that has not begun
    is refused; one still running is allowed (its figures are as of today)."""
    if kind not in MONTHS:
        raise ValidationError({"kind": _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(MONTHS)}})
    bounds = parse_period(code or "")
    if bounds is None or code_for(kind, bounds[0]) != code or add_months(bounds[0], MONTHS[kind]) != bounds[1]:
        raise ValidationError(
            {"period": _("Give the period of this kind of report as %(shape)s.") % {"shape": SHAPES[kind]}}
        )
    if bounds[0] > today:
        raise ValidationError({"period": _("This period has not begun yet.")})
    return Period(kind, code, *bounds)
