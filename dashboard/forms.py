"""The organization tree's filters (GET): which park, as of which day, and only the covering ones."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from parkparty.forms import DateInput, ParkForm


class TreeForm(ParkForm):
    as_of = forms.DateField(required=False, label=_("As of"), widget=DateInput)
    # The overview's "covering branches": party organizations covering an enterprise of the park that day.
    covering = forms.BooleanField(required=False, label=_("Only party organizations covering an enterprise"))
