"""The enterprise ledger's part of /api/v1/."""

from django.urls import path

from enterprises import api

routes = [
    ("enterprises", api.EnterpriseViewSet, "enterprise"),
    ("coverages", api.CoverageViewSet, "coverage"),
    ("instructors", api.InstructorViewSet, "instructor"),
    ("instructor-assignments", api.AssignmentViewSet, "instructor-assignment"),
]

urlpatterns = [
    path("stats/coverage/", api.CoverageStatsView.as_view(), name="stats-coverage"),
]
