"""The structure's management pages, under /organizations/ (mounted before the dashboard, which serves
the tree at /organizations/ and an organization's page at /organizations/<pk>/)."""

from django.urls import path

from organizations import member_views, views

urlpatterns = [
    path("new/", views.organization_new, name="organization-new"),
    path("<int:pk>/edit/", views.organization_edit, name="organization-edit"),
    path("<int:pk>/dissolve/", views.organization_dissolve, name="organization-dissolve"),
    path("<int:pk>/members/new/", views.member_new, name="member-new"),
    path("members/", member_views.member_list, name="member-list"),
    path("members/<int:pk>/edit/", views.member_edit, name="member-edit"),
    path("districts/", views.district_list, name="district-list"),
    path("districts/new/", views.district_new, name="district-new"),
    path("districts/<int:pk>/edit/", views.district_edit, name="district-edit"),
    path("grids/new/", views.grid_new, name="grid-new"),
    path("grids/<int:pk>/edit/", views.grid_edit, name="grid-edit"),
]
