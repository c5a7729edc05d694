from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from meetings import services
from meetings.models import ChairTerm, JointBody, Matter, Meeting, MeetingRule, RotationSeat
from parkparty.admin import ScopedAdmin
from parkparty.forms import add_service_errors


class ReadOnlyInline(admin.TabularInline):
    """Attendance and attachments change on the meeting's page, through the service and its checks."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AttendanceInline(ReadOnlyInline):
    model = Meeting.attendance.rel.related_model
    fields = ["member", "status", "reason"]


class AttachmentInline(ReadOnlyInline):
    model = Meeting.attachments.rel.related_model
    fields = ["original_name", "content_type", "size", "uploaded_at"]


@admin.register(Meeting)
class MeetingAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ["topic", "kind", "host", "joint_body", "status", "held_at"]
    list_filter = ["park", "kind", "status"]
    search_fields = ["topic", "host__name"]
    raw_id_fields = ["host", "joint_body", "venue", "chair", "recorder", "created_by"]
    list_select_related = ["host", "joint_body"]
    inlines = [AttendanceInline, AttachmentInline]

    # Read-only here: meetings are logged and changed on their pages and through the API, where the
    # attendance rules and the confirmation lock (a change needs a reason) apply.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(MeetingRule)
class MeetingRuleAdmin(ScopedAdmin):
    list_display = ["park", "organization_kind", "kind", "period", "times"]
    list_filter = ["park", "organization_kind", "period"]


class RotationSeatInline(admin.TabularInline):
    model = RotationSeat
    extra = 0
    raw_id_fields = ["enterprise"]


@admin.register(JointBody)
class JointBodyAdmin(ScopedAdmin):
    list_display = ["name", "kind", "park", "cadence", "established_on"]
    list_filter = ["park", "kind"]
    search_fields = ["name"]
    filter_horizontal = ["organizations", "enterprises"]
    inlines = [RotationSeatInline]


@admin.register(ChairTerm)
class ChairTermAdmin(ScopedAdmin):
    list_display = ["joint_body", "starts_on", "enterprise"]
    list_filter = ["joint_body"]
    raw_id_fields = ["enterprise"]


class MatterForm(forms.ModelForm):
    def _post_clean(self):
        super()._post_clean()  # builds self.instance from the cleaned data
        add_service_errors(self, services.matter_errors(self.instance))


@admin.register(Matter)
class MatterAdmin(ScopedAdmin, SimpleHistoryAdmin):
    form = MatterForm
    list_display = ["title", "category", "source", "enterprise", "status", "raised_on", "due_on", "resolved_on"]
    list_filter = ["park", "status", "category", "source"]
    search_fields = ["title", "description", "enterprise__name"]
    raw_id_fields = ["meeting", "organization", "enterprise", "raised_by"]
    list_select_related = ["enterprise"]

    def save_model(self, request, obj, form, change):
        services.matter_save(
            matter=obj, actor=request.user
        )  # checked already by the form; saved through the one writer
