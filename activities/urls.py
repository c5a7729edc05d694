from django.urls import path

from activities import setup_views, views

urlpatterns = [
    path("", views.activity_list, name="activity-list"),
    path("export/", views.activity_export, name="activity-export"),
    path("new/", views.activity_new, name="activity-new"),
    path("<int:pk>/", views.activity_detail, name="activity-detail"),
    path("<int:pk>/edit/", views.activity_edit, name="activity-edit"),
    path("photos/<int:pk>/", views.activity_photo, name="activity-photo"),
    path("venues/", views.venue_calendar, name="venue-calendar"),
    path("venues/book/", views.venue_book, name="venue-book"),
    path("designations/", views.designation_list, name="designation-list"),
    path("venues/list/", setup_views.venue_list, name="venue-list"),
    path("venues/new/", setup_views.venue_new, name="venue-new"),
    path("venues/<int:pk>/edit/", setup_views.venue_edit, name="venue-edit"),
    path("designations/new/", setup_views.designation_new, name="designation-new"),
    path("designations/<int:pk>/edit/", setup_views.designation_edit, name="designation-edit"),
    path("plans/", setup_views.plan_list, name="plan-list"),
    path("plans/new/", setup_views.plan_new, name="plan-new"),
    path("plans/<int:pk>/edit/", setup_views.plan_edit, name="plan-edit"),
]
