"""The one loop every management page runs: validate the form, save through the service, put the
service's refusal on the form's fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404

from parkparty.forms import add_service_errors
from parkparty.ids import parse_id

T = TypeVar("T")


def save_form(request, form: forms.Form, save: Callable[[dict], T]) -> T | None:
    """On a valid POST, `save(form.cleaned_data)` (which calls the service) and return what it returns;
    None when the form was not sent, is invalid, or the service refused (its messages are then on the
    form's fields, under the service's field names or `form.service_fields`)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return save(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error, getattr(form, "service_fields", None))
        return None


def chosen_row(request, name: str, rows: list[Model], visible: QuerySet) -> Model:
    """The row `?<name>=` (or the posted one) asks for among the `rows` the user may write, else the
    first of them. One they may see (it is in `visible`) but not write is 403; one they may not see,
    or an id no row can have, does not exist (404)."""
    raw = request.POST.get(name) or request.GET.get(name)
    if not raw:
        if not rows:
            raise PermissionDenied
        return rows[0]
    pk = parse_id(raw)
    if pk is None:
        raise Http404
    for row in rows:
        if row.pk == pk:
            return row
    if visible.filter(pk=pk).exists():
        raise PermissionDenied
    raise Http404


def query_id(request, name: str) -> int | None:
    """The id `?<name>=` gives, None when it is absent; an id no row can have is a row that does not
    exist (404)."""
    value = request.GET.get(name)
    if value in (None, ""):
        return None
    pk = parse_id(value)
    if pk is None:
        raise Http404
    return pk
