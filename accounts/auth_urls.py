"""One's own password change, in place of Django's (same paths and names, mounted before
django.contrib.auth.urls): it ends the change a temporary password forces."""

from django.urls import path

from accounts import views

urlpatterns = [
    path("password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
