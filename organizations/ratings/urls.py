from django.urls import path

from organizations.ratings import views

urlpatterns = [
    path("", views.star_map, name="star-map"),
    path("export/", views.rating_export, name="rating-export"),
    path("new/", views.rating_new, name="rating-new"),
    path("<int:pk>/", views.rating_detail, name="rating-detail"),
    path("<int:pk>/edit/", views.rating_edit, name="rating-edit"),
    path("<int:pk>/confirm/", views.rating_confirm_view, name="rating-confirm"),
    path("honours/", views.honor_list, name="honor-list"),
]
