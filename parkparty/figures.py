"""Arithmetic of published figures: rates to four decimals, rounded half up as the parks' reports do."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def rate(part: int, whole: int) -> Decimal | None:
    """part ÷ whole to 4 decimals (half up); None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
