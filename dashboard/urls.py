from django.urls import path

from dashboard import views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("organizations/", views.organization_tree, name="organization-tree"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization-detail"),
]
