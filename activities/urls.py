from django.urls import path

from activities import views

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
]
