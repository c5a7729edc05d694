"""Widgets shared by every app's forms."""

from __future__ import annotations

from django import forms


class SearchSelect(forms.Select):
    """A choice list the browser turns into a searchable picker (static/js/picker.js): typing filters
    the options by name. Without script it stays a plain select, so a form works either way.

    Give it only the rows the user may pick (one park's organizations, not every park's): the page
    then stays small, and what cannot be chosen is not shown.
    """

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-picker": "", **(attrs or {})}, choices)


class SearchSelectMultiple(forms.SelectMultiple):
    """`SearchSelect` for several rows: the picker shows the chosen ones as removable tags."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-picker": "", **(attrs or {})}, choices)
