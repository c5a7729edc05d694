"""Form building blocks every app's pages use: the date picker, the park chooser, id checkboxes, and
putting a service's refusal onto the form's fields."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from parkparty.ids import parse_id


class DateInput(forms.DateInput):
    """The browser's date picker; its value is always ISO, whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def park_choices(parks: list) -> list[tuple[int, str]]:
    return [(park.pk, park.name) for park in parks]


def cleaned_value(form: forms.Form, name: str, default=None):
    """A filter form's cleaned value of a field, or the default when it was left out or is invalid."""
    value = (getattr(form, "cleaned_data", None) or {}).get(name)
    return default if value in (None, "") else value


class ParkForm(forms.Form):
    """Which of the user's parks a page shows. The parks come as a list the view has already read,
    so rendering and validating the choice costs no query."""

    park = forms.TypedChoiceField(coerce=int, required=False, label=_("Park"))

    def __init__(self, *args, parks: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.parks = {park.pk: park for park in parks}
        self.fields["park"].choices = park_choices(parks)

    def value(self, name: str, default):
        return cleaned_value(self, name, default)

    def chosen_park(self) -> object | None:
        """The park asked for, else the first one (None when the user has no park at all)."""
        chosen = self.parks.get(self.value("park", None))
        return chosen or next(iter(self.parks.values()), None)


class ModelIds(forms.ModelMultipleChoiceField):
    """Several rows by id. Every multiple choice of rows on a page uses this one, not Django's: an id
    that cannot be one (parkparty.ids) is an invalid value, where Django's `__in` query with a number
    past 64 bits overflows on SQLite, a 500."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class IdChoices(ModelIds):
    """Checkboxes of rows by id."""

    widget = forms.CheckboxSelectMultiple


def add_service_errors(form: forms.Form, error: ValidationError | dict, renames: dict[str, str] | None = None) -> None:
    """A service's refusal on the form: each message on the field it names (through `renames` where the
    service's name differs from the form's), the others above the form. `error` is the ValidationError a
    service raised, or the {field: message} its *_errors check returned."""
    if isinstance(error, dict):
        messages = error
    else:
        messages = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    renames = renames or {}
    for name, texts in messages.items():
        target = renames.get(name, name)
        form.add_error(target if target in form.fields else None, texts)


class ServiceErrorsMixin:
    """A form a view saves through a service: `form.add_service_errors(error)` when the service refuses."""

    # Where the service names a field the form calls otherwise.
    service_fields: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError | dict) -> None:
        add_service_errors(self, error, self.service_fields)
