"""One's own login, mounted at /accounts/ before django.contrib.auth.urls: the password change in place of
Django's (it ends the change a temporary password forces), the password reset by e-mail in place of
Django's (it says so when the portal sends no e-mail), and the API token page."""

from django.urls import path

from accounts import token_views, views

urlpatterns = [
    path("password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("token/", token_views.token, name="token"),
    path("token/revoke/", token_views.token_revoke, name="token-revoke"),
]
