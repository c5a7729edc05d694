from django.urls import path

from dashboard import views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("organizations/", views.organization_tree, name="organization-tree"),
    # Before `organizations/<int:pk>/`; the organizations' own pages (organizations/urls.py) come later.
    path("organizations/export/", views.organization_export, name="organization-export"),
    path("organizations/members/export/", views.member_export, name="member-export"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization-detail"),
]
