"""Forms of the pages where park admins set up activities: venues (阵地), designations (先锋岗, 示范岗 …)
and the park's annual plans with their targets.

Choices are the rows of the one park the page is about (an enterprise, organization or member of
another park is "not a valid choice", like one that does not exist); the rules live in
`activities.services`, whose refusals `add_service_errors` puts on the fields.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from activities.models import ActivityKind, AnnualPlan, Designation, PlanTarget, Venue
from meetings.models import MeetingKind
from parkparty.forms import DateInput, ModelIds, ServiceErrorsMixin
from parkparty.widgets import SearchSelect, SearchSelectMultiple


class NamedChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class NamedChoices(ModelIds):
    def label_from_instance(self, obj) -> str:
        return obj.name


class VenueForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    owner = NamedChoice(
        label=_("Owner enterprise"),
        queryset=None,
        required=False,
        widget=SearchSelect,
        help_text=_("Leave empty for a venue of the park's own."),
    )
    shared = forms.BooleanField(label=_("Shared with other enterprises"), required=False, initial=True)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=0, max_value=100_000, initial=0)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    FIELDS = ("name", "owner", "shared", "capacity", "address")

    def __init__(self, *args, enterprises: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = enterprises
        self.fields["owner"].empty_label = _("the park's own")

    def apply(self, venue: Venue) -> Venue:
        for name in self.FIELDS:
            setattr(venue, name, self.cleaned_data[name])
        return venue


class DesignationForm(ServiceErrorsMixin, forms.Form):
    organization = NamedChoice(label=_("Organization"), queryset=None, widget=SearchSelect)
    kind = forms.ChoiceField(label=_("Kind of designation"), choices=Designation.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=150)
    members = NamedChoices(label=_("Members"), queryset=None, required=False, widget=SearchSelectMultiple)
    started_on = forms.DateField(label=_("Started on"), widget=DateInput)
    ended_on = forms.DateField(
        label=_("Ended on"),
        required=False,
        widget=DateInput,
        help_text=_("A designation ends with a date; it is never deleted."),
    )

    FIELDS = ("organization", "kind", "name", "started_on", "ended_on")

    def __init__(self, *args, organizations: QuerySet, members: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["members"].queryset = members

    def apply(self, designation: Designation) -> Designation:
        for name in self.FIELDS:
            setattr(designation, name, self.cleaned_data[name])
        return designation


class PlanForm(ServiceErrorsMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=150)

    def apply(self, plan: AnnualPlan) -> AnnualPlan:
        plan.year, plan.title = self.cleaned_data["year"], self.cleaned_data["title"]
        return plan


def target_choices() -> list:
    """What a target counts, as one choice: "activities:training", "meetings:party_lesson"…"""
    return [
        ("", "—"),
        (_("Activities"), [(f"activities:{kind}", label) for kind, label in ActivityKind.choices]),
        (_("Meetings"), [(f"meetings:{kind}", label) for kind, label in MeetingKind.choices]),
    ]


class TargetForm(forms.Form):
    """One target of a plan; a row left empty is no target, and a ticked "remove" takes one away."""

    what = forms.ChoiceField(label=_("What it counts"), choices=target_choices, required=False)
    target = forms.IntegerField(label=_("Target"), min_value=1, max_value=1_000_000, required=False)
    label = forms.CharField(
        label=_("Label"), max_length=100, required=False, help_text=_("Leave empty for the kind's name.")
    )

    def clean(self):
        data = super().clean()
        if data.get("what") and data.get("target") is None and "target" not in self.errors:
            self.add_error("target", _("Give the number the plan aims at."))
        if data.get("target") is not None and not data.get("what"):
            self.add_error("what", _("Choose what the target counts."))
        return data

    def plan_target(self) -> PlanTarget | None:
        data = self.cleaned_data
        if not data.get("what") or data.get("DELETE"):
            return None
        counts, kind = data["what"].split(":", 1)
        return PlanTarget(counts=counts, kind=kind, target=data["target"], label=data["label"])


TargetFormSet = forms.formset_factory(TargetForm, extra=3, can_delete=True, max_num=50, validate_max=True)


def target_initial(plan: AnnualPlan) -> list[dict]:
    return [
        {"what": f"{target.counts}:{target.kind}", "target": target.target, "label": target.label}
        for target in plan.targets.all()
    ]
