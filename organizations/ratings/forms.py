"""Forms of the rating pages: choosing what to rate, the inspection form itself, the star map's and the
honours list's filters.

Choices come from lists the view has already scoped with `access`; the business rules (a score above
the criterion's maximum, an override without a reason, a second rating of a quarter…) live in
`organizations.ratings.services`. The form checks the per-item ones too, so that each error sits next
to its input; `add_service_errors` puts whatever the service still refuses on the fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Criterion, Honor, Organization, RatingItem
from organizations.ratings.services import CENT, ItemLine
from parkparty.forms import DateInput, ParkForm, ServiceErrorsMixin

QUARTERS = [(1, _("first quarter")), (2, _("second quarter")), (3, _("third quarter")), (4, _("fourth quarter"))]


def current_quarter() -> tuple[int, int]:
    today = timezone.localdate()
    return today.year, (today.month - 1) // 3 + 1


class OrganizationChoiceField(forms.ModelChoiceField):
    """An organization named with its park when the user rates in several parks."""

    with_park = False

    def label_from_instance(self, obj: Organization) -> str:
        return f"{obj.park.name} · {obj.name}" if self.with_park else obj.name


class RatingTargetForm(forms.Form):
    """What is rated: an organization the user may rate, a year and a quarter (the page reloads with
    its scoring sheet and suggestions when they change)."""

    organization = OrganizationChoiceField(label=_("Organization"), queryset=Organization.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTERS, coerce=int)

    def __init__(self, *args, organizations, several_parks: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].with_park = several_parks


@dataclass
class ItemRow:
    """One criterion on the form: its score, reason and veto inputs, and what the portal suggests."""

    criterion: Criterion
    suggested: Decimal | None
    score: forms.BoundField | None
    reason: forms.BoundField | None
    triggered: forms.BoundField | None


class RatingForm(ServiceErrorsMixin, forms.Form):
    """The inspection: a score per criterion (a veto item is a checkbox), a reason where the score is not
    the suggested one, the day of the inspection and notes. `stored` (editing) maps criterion ids to the
    rating's items: only the lines that change are sent to the service, so a stored score whose
    suggestion has moved since needs no new reason."""

    service_fields = {"reason": "change_reason"}

    assessed_on = forms.DateField(label=_("Inspected on"), widget=DateInput)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    change_reason = forms.CharField(
        label=_("Why the confirmed rating changes"),
        max_length=100,  # simple-history keeps at most 100 characters of a change reason
        required=False,
    )

    def __init__(
        self,
        *args,
        criteria: list[Criterion],
        suggestions: dict[int, Decimal],
        stored: dict[int, RatingItem] | None = None,
        locked: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.suggestions = suggestions
        self.stored = stored or {}
        self.locked = locked
        if not locked:
            del self.fields["change_reason"]
        for criterion in criteria:
            item = self.stored.get(criterion.pk)
            if criterion.is_veto:
                self.fields[f"triggered_{criterion.pk}"] = forms.BooleanField(
                    label=criterion.title, required=False, initial=item.triggered if item else False
                )
            else:
                suggested = suggestions.get(criterion.pk)
                initial = item.score if item else suggested
                self.fields[f"score_{criterion.pk}"] = forms.DecimalField(
                    label=criterion.title,
                    min_value=0,
                    max_value=criterion.max_points,
                    max_digits=5,
                    decimal_places=2,
                    initial=initial if initial is not None else None,
                    widget=forms.NumberInput(
                        attrs={
                            "step": "0.5",
                            "min": "0",
                            "max": criterion.max_points,
                            "inputmode": "decimal",
                            "data-max": criterion.max_points,
                            "data-weight": criterion.weight,
                            "data-suggested": "" if suggested is None else suggested,
                        }
                    ),
                )
            self.fields[f"reason_{criterion.pk}"] = forms.CharField(
                label=_("Reason"),
                max_length=300,
                required=False,
                initial=item.reason if item else "",
                widget=forms.TextInput(
                    attrs={"placeholder": _("Why this score (needed when it is not the suggestion)")}
                ),
            )

    @property
    def rows(self) -> list[ItemRow]:
        def bound(name: str):
            return self[name] if name in self.fields else None

        return [
            ItemRow(
                criterion,
                self.suggestions.get(criterion.pk),
                bound(f"score_{criterion.pk}"),
                bound(f"reason_{criterion.pk}"),
                bound(f"triggered_{criterion.pk}"),
            )
            for criterion in self.criteria
        ]

    def _line(self, criterion: Criterion) -> ItemLine:
        data = self.cleaned_data
        if criterion.is_veto:
            score, triggered = Decimal(0), bool(data.get(f"triggered_{criterion.pk}"))
        else:
            score, triggered = data.get(f"score_{criterion.pk}"), False
        return ItemLine(criterion, score, data.get(f"reason_{criterion.pk}", "").strip(), triggered)

    def _changed(self, line: ItemLine) -> bool:
        item = self.stored.get(line.criterion.pk)
        if item is None:
            return True
        return (item.score.quantize(CENT), item.reason, item.triggered) != (
            line.score.quantize(CENT),
            line.reason,
            line.triggered,
        )

    def clean(self):
        data = super().clean()
        if self.locked and not data.get("change_reason", "").strip():
            self.add_error("change_reason", _("The rating is confirmed: say why it changes."))
        for criterion in self.criteria:
            if criterion.is_veto or data.get(f"score_{criterion.pk}") is None:
                continue
            line = self._line(criterion)
            suggested = self.suggestions.get(criterion.pk)
            overrides = suggested is not None and line.score.quantize(CENT) != suggested.quantize(CENT)
            if overrides and self._changed(line) and not line.reason:
                self.add_error(
                    f"reason_{criterion.pk}",
                    _("Give a reason for scoring other than the suggested %(suggested)s.") % {"suggested": suggested},
                )
        return data

    def item_lines(self) -> list[ItemLine]:
        """The lines to save: all of them on a new rating, the changed ones on a stored rating."""
        return [line for line in map(self._line, self.criteria) if self._changed(line)]


class StarMapForm(ParkForm):
    as_of = forms.DateField(required=False, label=_("As of"), widget=DateInput)


class HonorFilterForm(forms.Form):
    park = forms.TypedChoiceField(coerce=int, required=False, label=_("Park"))
    year = forms.IntegerField(required=False, label=_("Year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(required=False, label=_("Kind of honour"))

    def __init__(self, *args, parks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].choices = [("", _("All parks")), *((park.pk, park.name) for park in parks)]
        self.fields["kind"].choices = [("", _("All kinds")), *Honor.Kind.choices]

    def filter(self, honors):
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        for name in ("park", "year", "kind"):
            if data.get(name) not in (None, ""):
                honors = honors.filter(**{name: data[name]})
        return honors

    @property
    def filtering(self) -> bool:
        return any(self.data.get(name) for name in self.fields)
