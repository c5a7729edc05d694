"""Rows a sheet names (an organization, a district, a grid), read once for the whole file."""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class Names:
    """The rows of one park by name. A name from another park is not found, with the same message
    as one that exists nowhere: the lookup never sees other parks' rows. Where two rows share a
    name, the active ones (`active(row)`) are preferred; if several remain, the name is ambiguous."""

    def __init__(self, rows, *, active=None):
        self._by_name: dict[str, list] = defaultdict(list)
        self._active = active or (lambda row: True)
        for row in rows:
            self.add(row)

    def add(self, row) -> None:
        self._by_name[row.name.strip()].append(row)

    def find(self, name: str, field: str):
        rows = self._by_name.get(name.strip(), [])
        if len(rows) > 1:
            rows = [row for row in rows if self._active(row)] or rows
        if not rows:
            raise ValidationError({field: _("Nothing of this name in this park.")})
        if len(rows) > 1:
            raise ValidationError({field: _("Several records of this park have this name; rename one of them first.")})
        return rows[0]


def renamed(error: ValidationError, renames: dict[str, str]) -> ValidationError:
    """A service's refusal with its fields named as the sheet's columns."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError({renames.get(name, name): messages for name, messages in error.message_dict.items()})
