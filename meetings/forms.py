"""Forms of the meeting pages: logging and editing a meeting, the calendar, compliance and matters.

Choices come from querysets the view has already scoped with `access.visible`, so an organization,
member, venue or enterprise outside the user's scope is an invalid choice, exactly like one that does
not exist. The business rules (a meeting held in the future, an outsider in attendance, a file that
is not an image…) live in `meetings.services`; `add_service_errors` puts their messages on the fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import Attendance, Guest, Matter, MeetingKind
from meetings.services import AttendanceLine, GuestLine
from organizations.models import Park, PartyMember
from parkparty.dates import parse_month
from parkparty.forms import DateInput, ParkForm, ServiceErrorsMixin, park_choices
from parkparty.ids import parse_ids

# --- widgets and fields ----------------------------------------------------------------------------


class TimeInput(forms.TimeInput):
    """The browser's time picker (hours and minutes); its value is always 24-hour, whatever the language."""

    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class DateTimeInputs(forms.SplitDateTimeWidget):
    """A date picker and a time picker side by side: what a phone's keyboard handles best."""

    def __init__(self, attrs=None):
        forms.MultiWidget.__init__(self, [DateInput(attrs), TimeInput(attrs)])


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented recipe); cleans to a list, empty when none."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item]


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PartyMember) -> str:
        return obj.name


class MemberIdsField(forms.Field):
    """The ids of the members listed on the attendance sheet, one hidden input per row."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        ids = parse_ids(value or [])
        if ids is None:
            raise ValidationError(_("The attendance list is damaged; reload the page."), code="invalid")
        return ids


# --- a meeting -------------------------------------------------------------------------------------

# Where the services name a field differently from the form.
SERVICE_FIELDS = {"file": "attachments"}


@dataclass
class AttendanceRow:
    """One member on the attendance sheet: the status buttons and the reason box."""

    member: PartyMember
    status: forms.BoundField
    reason: forms.BoundField


@dataclass
class GuestRow:
    name: str = ""
    role: str = ""
    errors: list[str] = field(default_factory=list)


class MeetingForm(ServiceErrorsMixin, forms.Form):
    """A held meeting: what was discussed, who came (every member listed with a status) and photos.

    `roster` is who the sheet lists when the form is new (the host's members); a posted sheet lists
    the ids it was sent with, resolved through `members` (the members the user may see), so that
    someone outside the host is refused by the service with its message, not dropped in silence.
    `recorded` (editing) maps member ids to their recorded (status, reason); members of the host not
    on it may stay "not listed".
    """

    service_fields = SERVICE_FIELDS

    BLANK_GUEST_ROWS = 2

    kind = forms.ChoiceField(label=_("Meeting kind"), choices=MeetingKind.choices)
    held_at = forms.SplitDateTimeField(label=_("Held at"), widget=DateTimeInputs)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    decisions = forms.CharField(label=_("Decisions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    venue = forms.ModelChoiceField(label=_("Or a venue"), queryset=None, required=False)
    chair = MemberChoiceField(label=_("Chair"), queryset=None, required=False)
    recorder = MemberChoiceField(label=_("Recorder"), queryset=None, required=False)
    attendance = MemberIdsField(label=_("Attendance"), required=False)
    attachments = MultipleFileField(
        label=_("Photos and PDF files"),
        required=False,
        help_text=_("Images (JPEG, PNG, WebP) or PDF, at most 10 MB each."),
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}),
    )
    reason = forms.CharField(
        label=_("Why the confirmed minutes change"),
        max_length=100,  # simple-history keeps at most 100 characters of a change reason
        required=False,
    )

    def __init__(
        self,
        *args,
        roster: list[PartyMember],
        members: QuerySet[PartyMember],
        venues: QuerySet,
        recorded: dict[int, tuple[str, str]] | None = None,
        guests: list[Guest] = (),
        locked: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.recorded = recorded
        eligible_ids = [member.pk for member in roster]
        for name in ("chair", "recorder"):
            self.fields[name].queryset = members.filter(pk__in=eligible_ids)
            self.fields[name].empty_label = "—"
            self.fields[name].error_messages["invalid_choice"] = _(
                "The chair and the recorder must be members of the host."
            )
        self.fields["venue"].queryset = venues
        self.fields["venue"].empty_label = "—"
        if not locked:
            del self.fields["reason"]
        else:
            self.fields["reason"].required = True
        self.rows = [self._row(member) for member in self._sheet(roster, members)]
        self.guest_rows = self._guest_rows(guests)

    # The attendance sheet ------------------------------------------------------------------------

    def _sheet(self, roster: list[PartyMember], members: QuerySet[PartyMember]) -> list[PartyMember]:
        if not self.is_bound:
            return roster
        ids = parse_ids(self.data.getlist("attendance"))
        if ids is None:
            return []  # the field reports the damaged list
        found = {member.pk: member for member in members.filter(pk__in=ids).select_related("organization")}
        self.unknown_members = len(set(ids) - set(found))
        return [found[pk] for pk in dict.fromkeys(ids) if pk in found]

    def _row(self, member: PartyMember) -> AttendanceRow:
        choices = list(Attendance.Status.choices)
        initial = Attendance.Status.PRESENT
        if self.recorded is not None:
            if member.pk in self.recorded:
                initial, reason = self.recorded[member.pk]
            else:
                choices.append(("", _("not listed")))
                initial, reason = "", ""
        status_name, reason_name = f"status_{member.pk}", f"reason_{member.pk}"
        self.fields[status_name] = forms.ChoiceField(
            label=member.name, choices=choices, required=False, widget=forms.RadioSelect, initial=initial
        )
        self.fields[reason_name] = forms.CharField(
            label=_("Reason"),
            max_length=200,
            required=False,
            widget=forms.TextInput(attrs={"placeholder": _("Reason for the absence or leave")}),
            initial=reason if self.recorded and member.pk in self.recorded else "",
        )
        return AttendanceRow(member, self[status_name], self[reason_name])

    def attendance_lines(self) -> list[AttendanceLine]:
        lines = []
        for row in self.rows:
            status = self.cleaned_data.get(row.status.name)
            if status:
                lines.append(AttendanceLine(row.member, status, self.cleaned_data.get(row.reason.name, "").strip()))
        return lines

    # Guests --------------------------------------------------------------------------------------

    def _guest_rows(self, guests: list[Guest]) -> list[GuestRow]:
        if self.is_bound:
            names, roles = self.data.getlist("guest_name"), self.data.getlist("guest_role")
            rows = [GuestRow(name.strip()[:50], role.strip()[:100]) for name, role in zip(names, roles, strict=False)]
        else:
            rows = [GuestRow(guest.name, guest.role) for guest in guests]
        filled = [row for row in rows if row.name or row.role]
        return filled + [GuestRow() for _blank in range(self.BLANK_GUEST_ROWS)]

    def guest_lines(self, previous: list[Guest] = ()) -> list[GuestLine]:
        """The guests typed in; one already recorded keeps its enterprise (the form does not show it)."""
        enterprises = {(guest.name, guest.role): guest.enterprise_id for guest in previous}
        return [
            GuestLine(row.name, row.role, enterprises.get((row.name, row.role))) for row in self.guest_rows if row.name
        ]

    @property
    def has_guests(self) -> bool:
        return any(row.name or row.role for row in self.guest_rows)

    # Validation ----------------------------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        if getattr(self, "unknown_members", 0):
            self.add_error("attendance", _("The list names someone who is not a member of the host."))
        for row in self.rows:
            status = cleaned.get(row.status.name)
            if status == Attendance.Status.ABSENT and not cleaned.get(row.reason.name, "").strip():
                self.add_error(row.reason.name, _("Give a reason for the absence."))
        for row in self.guest_rows:
            if row.role and not row.name:
                row.errors.append(str(_("Give the guest's name.")))
                self.add_error(None, _("Give each guest's name."))
        return cleaned

    @property
    def decisions_open(self) -> bool:
        return bool(self["decisions"].value() or self.errors.get("decisions"))


# --- the calendar and compliance -------------------------------------------------------------------


class MonthField(forms.CharField):
    """YYYY-MM → the first day of that month."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        month = parse_month(value)
        if month is not None:
            return month
        raise ValidationError(_("Give a month as YYYY-MM, e.g. 2024-03."), code="invalid")


class CalendarForm(forms.Form):
    """Whose meetings (an organization and its subtree) in which month."""

    host = forms.TypedChoiceField(coerce=int, required=False, label=_("Organization"))
    month = MonthField(required=False, label=_("Month"))

    def __init__(self, *args, hosts: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.hosts = {host.pk: host for host in hosts}
        self.fields["host"].choices = [(host.pk, host.name) for host in hosts]

    def chosen(self, name: str, default):
        value = getattr(self, "cleaned_data", {}).get(name)
        return default if value in (None, "") else value

    def chosen_host(self):
        return self.hosts.get(self.chosen("host", None)) or next(iter(self.hosts.values()), None)


class ComplianceForm(ParkForm):
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100, label=_("Year"))


# --- matters ---------------------------------------------------------------------------------------


class MatterFilterForm(forms.Form):
    """The board's filters; every matter shown is also in `access.visible`."""

    q = forms.CharField(required=False, max_length=100, label=_("Enterprise or title"))
    park = forms.TypedChoiceField(coerce=int, required=False, label=_("Park"))
    category = forms.ChoiceField(required=False, label=_("Category"))
    source = forms.ChoiceField(required=False, label=_("Source"))
    overdue = forms.BooleanField(required=False, label=_("Overdue only"))

    def __init__(self, *args, parks: list[Park], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].choices = [("", _("All parks")), *park_choices(parks)]
        self.fields["category"].choices = [("", _("All categories")), *Matter.Category.choices]
        self.fields["source"].choices = [("", _("All sources")), *Matter.Source.choices]

    def filter(self, matters: QuerySet[Matter], today: date) -> QuerySet[Matter]:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        if query := data.get("q", "").strip():
            matters = matters.filter(Q(enterprise__name__icontains=query) | Q(title__icontains=query))
        for name in ("park", "category", "source"):
            if value := data.get(name):
                matters = matters.filter(**{name: value})
        if data.get("overdue"):
            matters = matters.filter(due_on__lt=today).exclude(status__in=Matter.DONE)
        return matters

    @property
    def filtering(self) -> bool:
        return any(self.data.get(name) for name in ("park", "category", "source", "overdue"))


class MatterStatusForm(ServiceErrorsMixin, forms.Form):
    """A matter's next status; the service refuses resolved or closed without a resolution and a day."""

    status = forms.ChoiceField(label=_("Status"), choices=Matter.Status.choices)
    resolution = forms.CharField(
        label=_("Resolution"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed to resolve or close: how it was resolved, or why it was closed."),
    )
    resolved_on = forms.DateField(label=_("Resolved or closed on"), required=False, widget=DateInput)

    def apply(self, matter: Matter) -> Matter:
        matter.status = self.cleaned_data["status"]
        if self.cleaned_data["resolution"].strip():
            matter.resolution = self.cleaned_data["resolution"].strip()
        # Reopening forgets the day it was done; the resolution text stays as a record.
        matter.resolved_on = self.cleaned_data["resolved_on"] if matter.status in Matter.DONE else None
        return matter


class MatterForm(ServiceErrorsMixin, forms.Form):
    """Raising a matter. Admins pick freely in their parks; a secretary names their organization, an
    instructor one of their enterprises (the view passes which of the two is required)."""

    park = forms.TypedChoiceField(coerce=int, required=False, label=_("Park"))
    title = forms.CharField(label=_("Title"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Matter.Category.choices)
    source = forms.ChoiceField(label=_("Source"), choices=Matter.Source.choices)
    meeting = forms.ModelChoiceField(label=_("Meeting"), queryset=None, required=False)
    enterprise = forms.ModelChoiceField(label=_("Enterprise"), queryset=None, required=False)
    organization = forms.ModelChoiceField(label=_("Organization"), queryset=None, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    raised_on = forms.DateField(label=_("Raised on"), widget=DateInput)
    assignee = forms.CharField(label=_("Assigned to"), max_length=100, required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput)

    def __init__(self, *args, parks, meetings, enterprises, organizations, require: str | None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("raised_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.parks = {park.pk: park for park in parks}
        self.fields["park"].choices = park_choices(parks)
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda meeting: (
            f"{timezone.localtime(meeting.held_at):%Y-%m-%d} {meeting.topic}" if meeting.held_at else meeting.topic
        )
        self.fields["enterprise"].queryset = enterprises
        self.fields["organization"].queryset = organizations
        for name in ("meeting", "enterprise", "organization"):
            self.fields[name].empty_label = "—"
        if require:
            self.fields[require].required = True
            self.fields[require].empty_label = None

    def clean(self):
        cleaned = super().clean()
        chosen = [cleaned.get(name) for name in ("organization", "enterprise", "meeting") if cleaned.get(name)]
        park_id = cleaned.get("park") or next((item.park_id for item in chosen), None)
        if park_id is None and len(self.parks) == 1:
            park_id = next(iter(self.parks))
        if park_id not in self.parks:
            self.add_error("park", _("Choose the park."))
        cleaned["park"] = self.parks.get(park_id)
        return cleaned

    def matter(self, user) -> Matter:
        data = self.cleaned_data
        return Matter(
            park=data["park"],
            source=data["source"],
            meeting=data["meeting"],
            organization=data["organization"],
            enterprise=data["enterprise"],
            category=data["category"],
            title=data["title"],
            description=data["description"],
            raised_on=data["raised_on"],
            assignee=data["assignee"],
            due_on=data["due_on"],
            raised_by=user,
        )
