from django import forms
from django.contrib import admin
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from enterprises import services
from enterprises.models import Coverage, Enterprise, Instructor, InstructorAssignment
from parkparty.admin import ScopedAdmin
from parkparty.forms import add_service_errors


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
        services.enterprise_save(enterprise=obj, actor=request.user)


class CoverageAdminForm(forms.ModelForm):
    """A new coverage is checked as coverage_start checks it: one that replaces the enterprise's open
    coverage is a move (that coverage ends the same day), not an overlap."""

    class Meta:
        model = Coverage
        fields = ["enterprise", "organization", "started_on", "ended_on"]

    def _post_clean(self):
        if self.instance.pk is not None:
            return super()._post_clean()  # only the end date changes: the model's own checks
        data = self.cleaned_data
        self.instance = construct_instance(self, self.instance)
        if not all(data.get(name) for name in ("enterprise", "organization", "started_on")):
            return None
        errors = services.coverage_start_errors(
            enterprise=data["enterprise"], organization=data["organization"], on=data["started_on"]
        )
        add_service_errors(self, errors)
        if data.get("ended_on") and data["ended_on"] <= data["started_on"]:
            self.add_error("ended_on", _("The end must come after the start."))
        return None


@admin.register(Coverage)
class CoverageAdmin(ScopedAdmin, SimpleHistoryAdmin):
    form = CoverageAdminForm
    list_display = ["enterprise", "organization", "started_on", "ended_on"]
    list_filter = ["enterprise__park", "organization__formation"]
    search_fields = ["enterprise__name", "organization__name"]
    raw_id_fields = ["enterprise", "organization"]
    list_select_related = ["enterprise", "organization"]

    def get_readonly_fields(self, request, obj=None):
        # Coverage is history: a saved link only gets its end date (moves go through coverage_start).
        return ["enterprise", "organization", "started_on"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            stored = Coverage.objects.get(pk=obj.pk)
            if stored.ended_on is None and obj.ended_on is not None:
                services.coverage_end(coverage=stored, on=obj.ended_on, actor=request.user)
            else:
                obj.save()  # a correction of the end date, checked by the model's clean above
            return
        coverage = services.coverage_start(
            enterprise=obj.enterprise, organization=obj.organization, on=obj.started_on, actor=request.user
        )
        if obj.ended_on is not None:
            services.coverage_end(coverage=coverage, on=obj.ended_on, actor=request.user)
        obj.pk = coverage.pk  # the admin logs and links the row the service saved


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
