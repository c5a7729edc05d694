"""The one loop every management page runs: validate the form, save through the service, put the
service's refusal on the form's fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError

from parkparty.forms import add_service_errors

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
