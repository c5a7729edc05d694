from django.urls import path

from accounts import security_views, views

urlpatterns = [
    path("", views.user_list, name="user-list"),
    path("new/", views.user_new, name="user-new"),
    path("import/", views.user_import, name="user-import"),
    path("security-log/", security_views.security_log, name="security-log"),
    path("grants/<int:pk>/take/", views.grant_take, name="grant-take"),
    path("<int:pk>/", views.user_detail, name="user-detail"),
    path("<int:pk>/edit/", views.user_edit, name="user-edit"),
    path("<int:pk>/grants/new/", views.grant_new, name="grant-new"),
    path("<int:pk>/deactivate/", views.user_deactivate, name="user-deactivate"),
    path("<int:pk>/reactivate/", views.user_reactivate, name="user-reactivate"),
    path("<int:pk>/password/", views.user_password, name="user-password"),
    path("<int:pk>/token/revoke/", views.user_token_revoke, name="user-token-revoke"),
]
