"""Small presentation helpers for the pages: percentages, role names, history markers."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from parkparty import once
from parkparty.access import Scope
from parkparty.models import Role

register = template.Library()


@register.filter
def percent(rate: Decimal | None) -> str:
    """0.8451 → "84.5%", one decimal as the published reports give it; no rate (nothing to divide) → "—"."""
    if rate is None:
        return "—"
    value = (Decimal(rate) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value}%"


@register.simple_tag
def role_names(scope: Scope) -> str:
    """The user's roles in words, for the header ("park admin · branch secretary")."""
    names = []
    if scope.everything:
        names.append(_("superuser"))
    if scope.admin_parks:
        names.append(str(Role.PARK_ADMIN.label))
    if scope.viewer_parks:
        names.append(str(Role.PARK_VIEWER.label))
    if scope.is_secretary:
        names.append(str(Role.SECRETARY.label))
    if scope.is_instructor:
        names.append(_("instructor"))
    return " · ".join(names) or _("no role yet")


@register.filter
def change_kind(history_type: str) -> str:
    """simple-history's record type as a word."""
    return {"+": _("created"), "~": _("changed"), "-": _("deleted")}.get(history_type, history_type)


@register.simple_tag(takes_context=True)
def submission_token(context) -> str:
    """The hidden one-time token of a page form that writes (parkparty.once), next to {% csrf_token %}.
    A form shown again after a refused POST keeps the token it was sent with."""
    token = once.posted_token(context.get("request")) or once.new_token()
    return format_html('<input type="hidden" name="{}" value="{}">', once.FIELD, token)
