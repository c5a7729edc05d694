"""Reading a row's id from what a person sent: one rule for every form, query string and posted list.

An id is ASCII digits below 2**63. Anything else names no row: "²" passes str.isdigit() but int()
refuses it, and a number past 64 bits makes SQLite's query overflow (an OverflowError, a 500) where
PostgreSQL just finds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

# The largest value of a BigAutoField, on every database the portal runs on.
MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """The id `value` spells, or None when it cannot be the id of any row."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def parse_ids(values: Iterable) -> list[int] | None:
    """The ids of a posted list in order, or None when any of them cannot be an id."""
    ids = [parse_id(value) for value in values]
    return None if None in ids else ids
