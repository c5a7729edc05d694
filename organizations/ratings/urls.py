from django.urls import path

from organizations.ratings import setup_views, views

urlpatterns = [
    path("", views.star_map, name="star-map"),
    path("export/", views.rating_export, name="rating-export"),
    path("new/", views.rating_new, name="rating-new"),
    path("<int:pk>/", views.rating_detail, name="rating-detail"),
    path("<int:pk>/edit/", views.rating_edit, name="rating-edit"),
    path("<int:pk>/confirm/", views.rating_confirm_view, name="rating-confirm"),
    path("honours/", views.honor_list, name="honor-list"),
    path("sheets/", setup_views.sheet_list, name="sheet-list"),
    path("sheets/new/", setup_views.sheet_new, name="sheet-new"),
    path("sheets/<int:pk>/edit/", setup_views.sheet_edit, name="sheet-edit"),
    path("sheets/<int:pk>/copy/", setup_views.sheet_copy, name="sheet-copy"),
    path("sheets/<int:pk>/new-version/", setup_views.sheet_new_version_view, name="sheet-new-version"),
    path("sheets/<int:pk>/criteria/new/", setup_views.criterion_new, name="criterion-new"),
    path("criteria/<int:pk>/edit/", setup_views.criterion_edit, name="criterion-edit"),
    path("levels/", setup_views.star_levels, name="star-levels"),
    path("levels/defaults/", setup_views.star_levels_defaults, name="star-levels-defaults"),
]
