"""Reading one cell: what a person types in Excel (or Excel makes of it) into a Python value.

Each parser takes the cell's value as openpyxl reads it (str, int, float, datetime, bool or None) and
returns the value, or raises ValidationError with a translated message naming what was expected.
An empty cell is None here; the engine decides whether the column may be empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

TRUE_WORDS = {"是", "yes", "y", "true", "1", "√", "✓"}
FALSE_WORDS = {"否", "no", "n", "false", "0", "×", "✗"}
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


def text(value) -> str:
    """Text as typed; a number Excel kept as a number (a phone, a code of digits) as its digits."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        value = value.isoformat()
    return str(value).strip()


def code(value) -> str:
    """A credit code or ID-card number: digits and capital letters, with no spaces."""
    if isinstance(value, float) and not value.is_integer():
        raise ValidationError(_("Excel rounded this number: format the column as text and type it again."))
    return re.sub(r"\s+", "", text(value)).upper()


def boolean(value) -> bool:
    if isinstance(value, bool):
        return value
    word = text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValidationError(_("Write 是 or 否."))


def day(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.match(text(value))
    if match:
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            pass
    raise ValidationError(_("Write a date such as 2024-03-05."))


def count(value) -> int:
    """A whole number of zero or more."""
    try:
        number = Decimal(text(value).replace(",", ""))
    except InvalidOperation:
        number = None
    if number is None or number != number.to_integral_value() or number < 0:
        raise ValidationError(_("Write a whole number of zero or more."))
    return int(number)


def amount(value) -> Decimal:
    """A sum with at most two decimals, zero or more."""
    try:
        number = Decimal(text(value).replace(",", ""))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0 or number != number.quantize(Decimal("0.01")):
        raise ValidationError(_("Write a number of zero or more with at most two decimals."))
    return number.quantize(Decimal("0.01"))


def choice(choices) -> Callable[[object], str]:
    """A value of a model's TextChoices, written as its Chinese label (as the template lists them),
    its English label or its stored value."""

    def parse(value) -> str:
        word = text(value)
        for stored, label in choices.choices:
            if word.lower() in {str(stored).lower(), str(label).lower()} or word == zh(label):
                return stored
        raise ValidationError(_("Write one of: %(values)s.") % {"values": "、".join(labels(choices))})

    return parse


def labels(choices) -> list[str]:
    """The Chinese labels of a model's choices, as the template lists them (the empty one left out)."""
    return [zh(label) for stored, label in choices.choices if stored]


def zh(label) -> str:
    with translation.override("zh-hans"):
        return str(label)
