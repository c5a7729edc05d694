"""Forms of the pages: the coverage overview's and the ledger's filters (GET), and the park admin's
management forms (enterprises, coverage, instructors), which save through enterprises.services.

Choices come from what the view has already scoped (`access.visible`, one park's rows); a park,
district, grid, organization or enterprise outside it is therefore an invalid choice, exactly like one
that does not exist.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise, Instructor
from organizations.models import District, Grid, Organization, Park
from parkparty.forms import DateInput, ParkForm, ServiceErrorsMixin, cleaned_value, park_choices
from parkparty.widgets import SearchSelect


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
    COVERED = (("", _("Covered or not")), ("true", _("Covered")), ("false", _("Not covered")))
    # The coverage figures' parts: the covering organization's formation, or an instructor and no branch.
    FORMATIONS = (
        ("", _("Any formation")),
        (Organization.Formation.STANDALONE, Organization.Formation.STANDALONE.label),
        (Organization.Formation.JOINT, Organization.Formation.JOINT.label),
    )
    # The ledger's old name of the coverage filter (?coverage=covered|uncovered), still read.
    OLD_COVERAGE = {"covered": "true", "uncovered": "false"}

    q = forms.CharField(required=False, max_length=100, label=_("Name or credit code"))
    park = forms.TypedChoiceField(coerce=int, required=False, label=_("Park"))
    district = PlaceChoiceField(queryset=District.objects.none(), required=False, label=_("District"))
    grid = PlaceChoiceField(queryset=Grid.objects.none(), required=False, label=_("Grid"))
    industry = forms.ChoiceField(required=False, label=_("Industry"))
    status = forms.ChoiceField(
        required=False, label=_("Status"), choices=[("", _("Any status")), *Enterprise.Status.choices]
    )
    as_of = forms.DateField(
        required=False,
        label=_("As of"),
        widget=DateInput,
        help_text=_("The enterprises in the park on that day, with their coverage on that day."),
    )
    covered = forms.ChoiceField(required=False, label=_("Coverage"), choices=COVERED)
    formation = forms.ChoiceField(required=False, label=_("Covered by an organization formed"), choices=FORMATIONS)
    work_covered = forms.BooleanField(required=False, label=_("Work coverage only (an instructor, no branch)"))
    above_scale = forms.BooleanField(required=False, label=_("Above designated size only"))
    above_quota = forms.BooleanField(required=False, label=_("Above quota only"))
    sort = forms.ChoiceField(required=False, label=_("Sort by"), choices=SORTS)

    def __init__(self, data=None, *args, parks: list[Park], districts, grids, industries, **kwargs):
        if data is not None and data.get("coverage") and not data.get("covered"):
            data = data.copy()
            data["covered"] = self.OLD_COVERAGE.get(data["coverage"], data["coverage"])
        super().__init__(data, *args, **kwargs)
        self.fields["park"].choices = [("", _("All parks")), *park_choices(parks)]
        self.fields["district"].queryset = districts
        self.fields["district"].empty_label = _("All districts")
        self.fields["grid"].queryset = grids
        self.fields["grid"].empty_label = _("All grids")
        self.fields["district"].with_park = self.fields["grid"].with_park = len(parks) > 1
        self.fields["industry"].choices = [("", _("All industries")), *((i, i) for i in industries)]

    def day(self):
        """The day the list is as of (`?as_of=`), or None for today's ledger (every enterprise, left or not)."""
        return cleaned_value(self, "as_of")

    def filter(self, enterprises: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
        """Apply the valid criteria; an invalid one is reported on the form and left out, not guessed.

        `enterprises` must carry `with_current_coverage`'s annotation (of the list's day) for the coverage
        filters: covered, formation and work coverage read the coverage and assignments in force that day,
        the rules of the coverage figures (enterprises.selectors.coverage_summary).
        """
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        if query := data.get("q", "").strip():
            enterprises = enterprises.filter(Q(name__icontains=query) | Q(credit_code__icontains=query))
        for name in ("park", "district", "grid", "industry", "status"):
            if value := data.get(name):
                enterprises = enterprises.filter(**{name: value})
        if covered := data.get("covered"):
            enterprises = enterprises.filter(covering_organization_id__isnull=covered == "false")
        if formation := data.get("formation"):
            enterprises = enterprises.filter(covering_formation=formation)
        if data.get("work_covered"):
            enterprises = enterprises.filter(covering_organization_id__isnull=True, has_instructor=True)
        for flag in ("above_scale", "above_quota"):
            if data.get(flag):
                enterprises = enterprises.filter(**{flag: True})
        return enterprises.order_by(data.get("sort") or "name", "pk")


# --- management forms (POST) ------------------------------------------------------------------------

# A picker lists at most this many enterprises (about 60 KB of options); a bigger park narrows the list
# by a name typed into the page's search box first (`?q=`). Validation still takes any of the park's.
ENTERPRISE_OPTIONS = 1000


class EnterpriseForm(ServiceErrorsMixin, forms.ModelForm):
    """An enterprise's ledger entry in one park: its districts and grids are the only choices."""

    class Meta:
        model = Enterprise
        fields = [
            "name", "credit_code", "industry", "entered_on", "district", "grid", "address", "employees",
            "output_value", "above_scale", "above_quota", "charter_includes_party_building",
        ]  # fmt: skip
        # Numbers as text boxes with a numeric keyboard: styled like the other inputs, no spinner on a phone.
        widgets = {
            "entered_on": DateInput,
            "district": SearchSelect,
            "grid": SearchSelect,
            "employees": forms.TextInput(attrs={"inputmode": "numeric"}),
            "output_value": forms.TextInput(attrs={"inputmode": "decimal"}),
        }

    def __init__(self, *args, park: Park, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.park = park
        self.fields["district"].queryset = District.objects.filter(park=park)
        self.fields["grid"].queryset = Grid.objects.filter(park=park)
        self.fields["credit_code"].widget.attrs.update(autocapitalize="characters", spellcheck="false")


class NewEnterpriseForm(EnterpriseForm):
    """A new enterprise, and optionally the organization covering it from the day it entered (or later)."""

    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        widget=SearchSelect,
        label=_("Covering organization"),
        help_text=_("Optional: the party organization that covers the enterprise."),
    )
    covered_from = forms.DateField(
        required=False,
        widget=DateInput,
        label=_("Covered from"),
        help_text=_("The day the coverage starts; the day it entered the park when left empty."),
    )

    def __init__(self, *args, park: Park, organizations, **kwargs):
        super().__init__(*args, park=park, **kwargs)
        self.fields["organization"].queryset = organizations


def covering_organizations(park: Park, on=None):
    """The park's organizations that may cover an enterprise (kinds that cover, not dissolved)."""
    organizations = Organization.objects.filter(park=park, kind__in=Organization.COVERING_KINDS)
    return organizations.filter(dissolved_on__isnull=True).order_by("name", "pk")


class LeaveForm(ServiceErrorsMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(value, label) for value, label in Enterprise.Status.choices if value != Enterprise.Status.OPERATING],
        widget=forms.RadioSelect,
    )
    left_on = forms.DateField(label=_("Moved out or closed on"), widget=DateInput)

    service_fields = {"on": "left_on"}


class CoverageStartForm(ServiceErrorsMixin, forms.Form):
    """One of the park's covering organizations for an enterprise, from a day on."""

    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), widget=SearchSelect, label=_("Organization")
    )
    started_on = forms.DateField(label=_("Covered from"), widget=DateInput)

    service_fields = {"on": "started_on", "enterprise": "started_on"}

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations


class EnterpriseChoiceField(forms.ModelChoiceField):
    """An enterprise of the park, validated against all candidates, listed up to ENTERPRISE_OPTIONS."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Enterprise.objects.none(), widget=SearchSelect, **kwargs)

    def set_candidates(self, candidates: QuerySet[Enterprise], listed: list[Enterprise]) -> None:
        self.queryset = candidates
        self.widget.choices = [("", self.empty_label), *((e.pk, e.name) for e in listed)]


class CoverageAttachForm(ServiceErrorsMixin, forms.Form):
    """An operating enterprise of the park for an organization to cover, from a day on."""

    enterprise = EnterpriseChoiceField(label=_("Enterprise"))
    started_on = forms.DateField(label=_("Covered from"), widget=DateInput)

    service_fields = {"on": "started_on"}


class EndForm(ServiceErrorsMixin, forms.Form):
    """The day a coverage or an assignment ends (its first day no longer in force)."""

    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput)

    # A coverage that must end by the enterprise's or the organization's end says so on the date.
    service_fields = {"on": "ended_on", "enterprise": "ended_on", "organization": "ended_on"}


class InstructorForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Instructor
        fields = ["name", "title", "phone"]
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"})}

    def __init__(self, *args, park: Park, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.park = park


class AssignmentStartForm(ServiceErrorsMixin, forms.Form):
    enterprise = EnterpriseChoiceField(label=_("Enterprise"))
    started_on = forms.DateField(label=_("Assigned from"), widget=DateInput)

    service_fields = {"on": "started_on"}
