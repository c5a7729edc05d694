"""Logins and roles' part of /api/v1/."""

from accounts import api

routes = [
    ("users", api.UserViewSet, "user"),
    ("grants", api.GrantViewSet, "grant"),
]

urlpatterns: list = []
