"""Admin screens for venues, activities, bookings, designations and plans.

Activities, bookings and designations are read-only here: their rules (participants from the hosts,
no double booking, members of the organization) are applied on their pages and through the API.
Venues and plans are edited here; a plan's progress is counted, never typed in.
"""

from django.contrib import admin

from activities.models import Activity, AnnualPlan, Designation, PlanTarget, Venue, VenueBooking
from parkparty.admin import HistoryAdmin, ReadOnlyAdmin, ScopedAdmin


@admin.register(Venue)
class VenueAdmin(ScopedAdmin):
    list_display = ["name", "park", "owner", "capacity", "shared"]
    list_filter = ["park", "shared"]
    search_fields = ["name", "owner__name"]
    raw_id_fields = ["owner"]


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "organization", "status", "starts_at", "non_member_count"]
    list_filter = ["park", "kind", "status"]
    search_fields = ["title", "organization__name"]
    list_select_related = ["organization"]


@admin.register(VenueBooking)
class VenueBookingAdmin(ReadOnlyAdmin):
    list_display = ["venue", "starts_at", "ends_at", "organization", "purpose"]
    list_filter = ["venue__park"]
    list_select_related = ["venue", "organization"]


@admin.register(Designation)
class DesignationAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "organization", "started_on", "ended_on"]
    list_filter = ["park", "kind"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]


class PlanTargetInline(admin.TabularInline):
    model = PlanTarget
    extra = 0
    fields = ["counts", "kind", "label", "target"]


@admin.register(AnnualPlan)
class AnnualPlanAdmin(HistoryAdmin):
    list_display = ["title", "park", "year"]
    list_filter = ["park", "year"]
    inlines = [PlanTargetInline]
