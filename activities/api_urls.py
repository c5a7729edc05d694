"""Activities, venues, designations and plans in /api/v1/."""

from django.urls import path

from activities import api

routes = [
    ("activities", api.ActivityViewSet, "activity"),
    ("venues", api.VenueViewSet, "venue"),
    ("venue-bookings", api.VenueBookingViewSet, "venue-booking"),
    ("designations", api.DesignationViewSet, "designation"),
    ("plans", api.AnnualPlanViewSet, "plan"),
]

urlpatterns = [
    path("stats/designations/", api.DesignationStatsView.as_view(), name="stats-designations"),
    # An activity's photo, checked against who may read the activity (co-hosts included).
    path("activity-photos/<int:pk>/file/", api.ActivityPhotoFileView.as_view(), name="activity-photo-file"),
]
