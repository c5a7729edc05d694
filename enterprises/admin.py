from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from enterprises import services
from enterprises.models import Coverage, Enterprise, Instructor, InstructorAssignment
from parkparty.admin import ScopedAdmin


class CoverageInline(admin.TabularInline):
    """Coverage history, read-only here: it changes through the Coverage screen and its checks."""

    model = Coverage
    extra = 0
    fields = ["organization", "started_on", "ended_on"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ["name", "credit_code", "park", "industry", "status", "employees", "above_scale", "above_quota"]
    list_filter = ["park", "status", "above_scale", "above_quota", "charter_includes_party_building", "industry"]
    search_fields = ["name", "credit_code"]
    inlines = [CoverageInline]
    # Leaving the park ends the open coverage: that is the `leave` action of the API, not a field edit.
    readonly_fields = ["status", "left_on"]

    def save_model(self, request, obj, form, change):
        services.enterprise_save(enterprise=obj)


@admin.register(Coverage)
class CoverageAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ["enterprise", "organization", "started_on", "ended_on"]
    list_filter = ["enterprise__park", "organization__formation"]
    search_fields = ["enterprise__name", "organization__name"]
    raw_id_fields = ["enterprise", "organization"]
    list_select_related = ["enterprise", "organization"]

    def get_readonly_fields(self, request, obj=None):
        # Coverage is history: a saved link only gets its end date (moves go through coverage_start).
        return ["enterprise", "organization", "started_on"] if obj is not None else []


@admin.register(Instructor)
class InstructorAdmin(ScopedAdmin):
    list_display = ["name", "park", "title", "masked_phone"]
    list_filter = ["park"]
    search_fields = ["name"]
    raw_id_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        # Linking a login gives it the instructor role: roles are handed out by superusers (GrantAdmin).
        return [] if request.user.is_superuser else ["user"]

    @admin.display(description=_("phone"))
    def masked_phone(self, instructor):
        return instructor.masked_phone


@admin.register(InstructorAssignment)
class InstructorAssignmentAdmin(ScopedAdmin, SimpleHistoryAdmin):
    list_display = ["instructor", "enterprise", "started_on", "ended_on"]
    list_filter = ["instructor__park"]
    raw_id_fields = ["instructor", "enterprise"]
    list_select_related = ["instructor", "enterprise"]
