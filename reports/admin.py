"""Reports and snapshots are read-only here: they are built by tasks, asked for on the reports page or
through the API, and their workbook is downloaded there."""

from django.contrib import admin

from parkparty.admin import ScopedAdmin
from reports.models import CoverageSnapshot, Report


class ReadOnly(ScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(ReadOnly):
    list_display = ["park", "kind", "period", "status", "requested_by", "requested_at", "finished_at"]
    list_filter = ["park", "kind", "status"]
    search_fields = ["period"]
    exclude = ["workbook", "data"]


@admin.register(CoverageSnapshot)
class CoverageSnapshotAdmin(ReadOnly):
    list_display = ["park", "month", "total_enterprises", "covered_enterprises", "coverage_rate"]
    list_filter = ["park"]
