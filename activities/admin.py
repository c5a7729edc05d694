from django.contrib import admin

from activities.models import Venue
from parkparty.admin import ScopedAdmin


@admin.register(Venue)
class VenueAdmin(ScopedAdmin):
    list_display = ["name", "park", "owner", "capacity", "shared"]
    list_filter = ["park", "shared"]
    search_fields = ["name", "owner__name"]
    raw_id_fields = ["owner"]
