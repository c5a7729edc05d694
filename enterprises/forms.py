"""Query forms of the pages (GET): the coverage overview and the enterprise ledger's filters.

Choices come from what the view has already scoped with `access.visible`; a park, district or grid
outside the user's scope is therefore an invalid choice, exactly like one that does not exist.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise
from organizations.models import District, Grid, Park
from parkparty.forms import DateInput, ParkForm, park_choices


class PlaceChoiceField(forms.ModelChoiceField):
    """A district or grid; named with its park when the user sees several parks (names repeat across parks)."""

    with_park = False

    def label_from_instance(self, obj) -> str:
        return f"{obj.park.name} · {obj.name}" if self.with_park else obj.name


class OverviewForm(ParkForm):
    """Which park, as of which day, grouped by what."""

    GROUPINGS = (("district", _("District")), ("grid", _("Grid")), ("industry", _("Industry")))

    as_of = forms.DateField(required=False, label=_("As of"), widget=DateInput)
    group_by = forms.ChoiceField(choices=GROUPINGS, required=False, widget=forms.HiddenInput)


class LedgerForm(forms.Form):
    """Search, filters and sort order of the enterprise ledger."""

    SORTS = (
        ("name", _("Name")),
        ("-employees", _("Employees, most first")),
        ("employees", _("Employees, fewest first")),
        ("-output_value", _("Output value, highest first")),
        ("output_value", _("Output value, lowest first")),
        ("-entered_on", _("Entered the park, latest first")),
        ("entered_on", _("Entered the park, earliest first")),
    )
    COVERAGE = (("", _("Covered or not")), ("covered", _("Covered")), ("uncovered", _("Not covered")))

    q = forms.CharField(required=False, max_length=100, label=_("Name or credit code"))
    park = forms.TypedChoiceField(coerce=int, required=False, label=_("Park"))
    district = PlaceChoiceField(queryset=District.objects.none(), required=False, label=_("District"))
    grid = PlaceChoiceField(queryset=Grid.objects.none(), required=False, label=_("Grid"))
    industry = forms.ChoiceField(required=False, label=_("Industry"))
    status = forms.ChoiceField(
        required=False, label=_("Status"), choices=[("", _("Any status")), *Enterprise.Status.choices]
    )
    coverage = forms.ChoiceField(required=False, label=_("Coverage"), choices=COVERAGE)
    above_scale = forms.BooleanField(required=False, label=_("Above designated size only"))
    above_quota = forms.BooleanField(required=False, label=_("Above quota only"))
    sort = forms.ChoiceField(required=False, label=_("Sort by"), choices=SORTS)

    def __init__(self, *args, parks: list[Park], districts, grids, industries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].choices = [("", _("All parks")), *park_choices(parks)]
        self.fields["district"].queryset = districts
        self.fields["district"].empty_label = _("All districts")
        self.fields["grid"].queryset = grids
        self.fields["grid"].empty_label = _("All grids")
        self.fields["district"].with_park = self.fields["grid"].with_park = len(parks) > 1
        self.fields["industry"].choices = [("", _("All industries")), *((i, i) for i in industries)]

    def filter(self, enterprises: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
        """Apply the valid criteria; an invalid one is reported on the form and left out, not guessed.

        `enterprises` must carry `with_current_coverage`'s annotation for the coverage filter.
        """
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        if query := data.get("q", "").strip():
            enterprises = enterprises.filter(Q(name__icontains=query) | Q(credit_code__icontains=query))
        for name in ("park", "district", "grid", "industry", "status"):
            if value := data.get(name):
                enterprises = enterprises.filter(**{name: value})
        if coverage := data.get("coverage"):
            enterprises = enterprises.filter(covering_organization_id__isnull=coverage == "uncovered")
        for flag in ("above_scale", "above_quota"):
            if data.get(flag):
                enterprises = enterprises.filter(**{flag: True})
        return enterprises.order_by(data.get("sort") or "name", "pk")
