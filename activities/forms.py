"""Forms of the activity pages: recording an activity from a phone, the list's filters, the venue
calendar and booking a venue, the designations' filters and the overview's plan year.

Choices come from querysets the view has already scoped with `access`, so an organization, member or
venue outside the user's scope is an invalid choice, exactly like one that does not exist. The rules
(an activity held in the future, a participant outside the hosts, a venue booked twice…) live in
`activities.services`; `add_service_errors` puts their messages on the fields.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from activities.models import Activity, ActivityKind, Designation
from meetings.forms import DateTimeInputs, MonthField, MultipleFileField, MultipleFileInput, TimeInput
from organizations.models import Organization, Park, PartyMember
from parkparty.forms import DateInput, IdChoices, ParkForm, ServiceErrorsMixin, park_choices

# Where the services name a field differently from the form.
SERVICE_FIELDS = {"file": "photos", "organization": "co_hosts"}


class OrganizationChoices(IdChoices):
    def label_from_instance(self, obj: Organization) -> str:
        return obj.name


class MemberChoices(IdChoices):
    def label_from_instance(self, obj: PartyMember) -> str:
        return obj.name


class ActivityForm(ServiceErrorsMixin, forms.Form):
    """An activity of one host: what, when, where, who came (members by name, others as a count), photos.

    `co_hosts` are the park's other party organizations; `participants` lists `roster` (the hosts'
    members the user may see) as checkboxes, and accepts any member the user may see, so that one
    outside the hosts is refused by the service with its message rather than dropped in silence.
    """

    service_fields = SERVICE_FIELDS

    kind = forms.ChoiceField(label=_("Kind of activity"), choices=ActivityKind.choices)
    title = forms.CharField(label=pgettext_lazy("activity", "Title"), max_length=150)
    status = forms.ChoiceField(label=_("Status"), choices=Activity.Status.choices, initial=Activity.Status.HELD)
    starts_at = forms.SplitDateTimeField(label=_("Starts at"), widget=DateTimeInputs)
    duration_minutes = forms.IntegerField(
        label=_("Duration in minutes"), min_value=1, max_value=24 * 60 * 7, initial=60
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    venue = forms.ModelChoiceField(label=_("Or a venue"), queryset=None, required=False)
    co_hosts = OrganizationChoices(label=_("Co-hosts"), queryset=None, required=False)
    participants = MemberChoices(label=_("Participants"), queryset=None, required=False)
    non_member_count = forms.IntegerField(label=_("Non-member participants"), min_value=0, initial=0)
    description = forms.CharField(
        label=pgettext_lazy("activity", "Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    photos = MultipleFileField(
        label=_("Photos and PDF files"),
        required=False,
        help_text=_("Images (JPEG, PNG, WebP) or PDF, at most 10 MB each."),
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    def __init__(self, *args, venues: QuerySet, co_hosts: QuerySet, members: QuerySet, roster: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues
        self.fields["venue"].empty_label = "—"
        self.fields["co_hosts"].queryset = co_hosts
        self.fields["participants"].queryset = members
        self.fields["participants"].error_messages["invalid_choice"] = _(
            "The list names someone who is not a member of the hosts."
        )
        self.roster = roster

    @property
    def participant_rows(self) -> list[tuple[PartyMember, bool]]:
        """The checkboxes: each member of the roster, and whether it is ticked."""
        chosen = {str(value) for value in (self["participants"].value() or [])}
        return [(member, str(member.pk) in chosen) for member in self.roster]

    def chosen_co_host_ids(self) -> set[str]:
        return {str(value) for value in (self["co_hosts"].value() or [])}


class ActivityFilterForm(forms.Form):
    """The activity list's filters; every activity shown is also in `access.visible`."""

    q = forms.CharField(required=False, max_length=100, label=pgettext_lazy("activity", "Title"))
    park = forms.TypedChoiceField(coerce=int, required=False, label=_("Park"))
    kind = forms.ChoiceField(required=False, label=_("Kind of activity"))
    status = forms.ChoiceField(required=False, label=_("Status"))
    held_after = forms.DateField(required=False, label=_("From"), widget=DateInput)
    held_before = forms.DateField(required=False, label=_("Until"), widget=DateInput)

    def __init__(self, *args, parks: list[Park], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].choices = [("", _("All parks")), *park_choices(parks)]
        self.fields["kind"].choices = [("", _("All kinds")), *ActivityKind.choices]
        self.fields["status"].choices = [("", _("All")), *Activity.Status.choices]

    def filter(self, activities: QuerySet[Activity]) -> QuerySet[Activity]:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        if query := data.get("q", "").strip():
            activities = activities.filter(title__icontains=query)
        for name in ("park", "kind", "status"):
            if data.get(name):
                activities = activities.filter(**{name: data[name]})
        if data.get("held_after"):
            activities = activities.filter(starts_at__date__gte=data["held_after"])
        if data.get("held_before"):
            activities = activities.filter(starts_at__date__lte=data["held_before"])
        return activities


# --- venues ----------------------------------------------------------------------------------------


class CalendarMonthField(MonthField):
    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValueError:
            # "202²-03": str.isdigit takes "²" for a digit and int() refuses it (a 500 before this).
            raise forms.ValidationError(_("Give a month as YYYY-MM, e.g. 2024-03."), code="invalid") from None


class VenueCalendarForm(ParkForm):
    """Which park's venues (one, or all) in which month."""

    month = CalendarMonthField(required=False, label=_("Month"))
    venue = forms.TypedChoiceField(coerce=int, required=False, label=_("Venue"))

    def __init__(self, *args, venues: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].choices = [("", _("All venues")), *((venue.pk, venue.name) for venue in venues)]


class BookingForm(ServiceErrorsMixin, forms.Form):
    """A venue held for a date from one time to another, by one of the user's organizations."""

    venue = forms.ModelChoiceField(label=_("Venue"), queryset=None)
    organization = forms.ModelChoiceField(label=_("Booked by"), queryset=None)
    starts_at = forms.SplitDateTimeField(label=_("Starts at"), widget=DateTimeInputs)
    ends_at = forms.TimeField(label=_("Ends at"), widget=TimeInput)
    purpose = forms.CharField(label=_("Purpose"), max_length=150, required=False)

    def __init__(self, *args, venues: QuerySet, organizations: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues
        self.fields["organization"].queryset = organizations
        self.fields["organization"].label_from_instance = lambda organization: organization.name

    def clean(self):
        cleaned = super().clean()
        starts_at, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts_at and ends:
            cleaned["ends_at"] = starts_at.replace(hour=ends.hour, minute=ends.minute, second=0, microsecond=0)
        return cleaned


# --- designations and plans ------------------------------------------------------------------------


class DesignationFilterForm(forms.Form):
    park = forms.TypedChoiceField(coerce=int, required=False, label=_("Park"))
    kind = forms.ChoiceField(required=False, label=_("Kind of designation"))
    organization = forms.TypedChoiceField(coerce=int, required=False, label=_("Organization"))
    in_force = forms.BooleanField(required=False, label=_("In force today only"))

    def __init__(self, *args, parks: list[Park], organizations: list[Organization], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].choices = [("", _("All parks")), *park_choices(parks)]
        self.fields["kind"].choices = [("", _("All kinds")), *Designation.Kind.choices]
        self.fields["organization"].choices = [("", _("All organizations")), *((o.pk, o.name) for o in organizations)]

    def value(self, name: str):
        return (self.cleaned_data if hasattr(self, "cleaned_data") else {}).get(name)

    def filter(self, designations: QuerySet[Designation], today: date) -> QuerySet[Designation]:
        for name in ("park", "kind"):
            if self.value(name):
                designations = designations.filter(**{name: self.value(name)})
        if self.value("organization"):
            designations = designations.filter(organization=self.value("organization"))
        if self.value("in_force"):
            designations = designations.filter(Q(ended_on__isnull=True) | Q(ended_on__gt=today), started_on__lte=today)
        return designations


class PlanYearForm(forms.Form):
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100, label=_("Plan year"))

    def chosen(self) -> int:
        value = (self.cleaned_data if self.is_valid() else {}).get("year")
        return value or timezone.localdate().year
