"""Admin screen for the membership pipeline (registered by organizations.admin): read-only, because
every step goes through its time rules on the pipeline pages and the API."""

from django.contrib import admin

from organizations.models import Application, ApplicationStep
from parkparty.admin import HistoryAdmin


class StepInline(admin.TabularInline):
    model = ApplicationStep
    extra = 0
    can_delete = False
    fields = ["stage", "on", "approved_by", "note", "recorded_by"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(HistoryAdmin):
    list_display = ["name", "organization", "stage", "applied_on", "recommended_by", "withdrawn_on"]
    list_filter = ["park", "stage", "recommended_by"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]
    inlines = [StepInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
