"""Forms of the pages where park admins set up ratings: scoring sheets, their criteria, and the park's
star levels. The rules (one sheet a year, no change to a sheet confirmed ratings use, thresholds in
order, a veto item without points) live in `organizations.ratings.services`; these forms check shapes,
and `add_service_errors` puts the service's refusals on their fields."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.models import MAX_STARS, Classification, Criterion, StarLevel
from organizations.ratings.services import threshold_errors
from parkparty.forms import ServiceErrorsMixin

YEAR = {"min_value": 2000, "max_value": 2100}


class SheetForm(ServiceErrorsMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), **YEAR)
    title = forms.CharField(label=_("Title"), max_length=150)


class SheetCopyForm(ServiceErrorsMixin, forms.Form):
    year = forms.IntegerField(label=_("Year of the new sheet"), **YEAR)


class CriterionForm(ServiceErrorsMixin, forms.Form):
    """One line of a sheet. The service says "sheet" when the sheet is frozen: that goes above the form."""

    position = forms.IntegerField(
        label=_("Position"), min_value=0, max_value=999, help_text=_("Criteria are listed by this number.")
    )
    title = forms.CharField(label=_("Title"), max_length=150)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    max_points = forms.DecimalField(
        label=_("Maximum points"),
        min_value=0,
        max_digits=5,
        decimal_places=2,
        initial=Decimal(10),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
    )
    weight = forms.DecimalField(
        label=_("Weight"),
        min_value=0,
        max_digits=4,
        decimal_places=2,
        initial=Decimal(1),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.1"}),
        help_text=_("The total is out of 100 whatever the points: a criterion counts its points times its weight."),
    )
    is_veto = forms.BooleanField(
        label=_("Veto item"),
        required=False,
        help_text=_("Triggered, it drops the rating to the lowest star level. A veto item carries no points."),
    )
    source = forms.ChoiceField(label=_("Suggested from"), choices=Criterion.Source.choices, required=False)

    FIELDS = ("position", "title", "description", "max_points", "weight", "is_veto", "source")

    def apply(self, criterion: Criterion) -> Criterion:
        for name in self.FIELDS:
            setattr(criterion, name, self.cleaned_data[name])
        return criterion


class StarLevelsForm(ServiceErrorsMixin, forms.Form):
    """The park's five thresholds in one form: a minimum score (of 100) and a class per star level. A
    level the park has is required; one it lacks may stay blank (it is then not added)."""

    def __init__(self, *args, stored: dict[int, StarLevel], **kwargs):
        super().__init__(*args, **kwargs)
        self.stored = stored
        for stars in range(MAX_STARS, 0, -1):
            level = stored.get(stars)
            self.fields[f"min_score_{stars}"] = forms.DecimalField(
                label=_("%(stars)s stars from") % {"stars": stars},
                required=level is not None,
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
                initial=level.min_score if level else None,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
            )
            self.fields[f"classification_{stars}"] = forms.ChoiceField(
                label=_("Class"),
                choices=Classification.choices,
                initial=level.classification if level else _default_class(stars),
            )

    @property
    def rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField]]:
        return [(n, self[f"min_score_{n}"], self[f"classification_{n}"]) for n in range(MAX_STARS, 0, -1)]

    def levels(self) -> list[StarLevel]:
        """The levels filled in (the blank ones are not added)."""
        data = self.cleaned_data
        return [
            StarLevel(stars=n, min_score=data[f"min_score_{n}"], classification=data[f"classification_{n}"])
            for n in range(MAX_STARS, 0, -1)
            if data.get(f"min_score_{n}") is not None
        ]

    def clean(self):
        data = super().clean()
        if not self.errors:
            for stars, message in threshold_errors(self.levels()).items():
                self.add_error(f"min_score_{stars}", message)
        return data


def _default_class(stars: int) -> str:
    return {5: Classification.DEMONSTRATION, 4: Classification.STANDARD, 1: Classification.INCUBATING}.get(
        stars, Classification.GROWING
    )
