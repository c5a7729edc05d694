"""Reasons kept with a change in django-simple-history's records."""

from __future__ import annotations

from django.utils.translation import gettext as _

# simple-history keeps a change's reason in a varchar(100): a longer one would fail on PostgreSQL
# (SQLite does not enforce the length, so only PostgreSQL shows it).
CHANGE_REASON_LENGTH = 100


def change_reason_errors(reason: str, *, missing: str) -> dict[str, str]:
    """{"reason": message} when the reason of a change is blank (`missing` says what to write) or too long
    for the history to keep."""
    if not reason.strip():
        return {"reason": missing}
    if len(reason) > CHANGE_REASON_LENGTH:
        return {"reason": _("Say why in at most %(max)s characters.") % {"max": CHANGE_REASON_LENGTH}}
    return {}


def user_or_none(actor):
    """The user to record as having done something: a signed-in user, else nobody (the demo loader, a
    task, an anonymous caller)."""
    return actor if actor is not None and actor.is_authenticated else None
