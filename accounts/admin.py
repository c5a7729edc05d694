"""Accounts in the Django admin: for superusers, who give operators of several parks (and superusers)
their accounts; park admins run their parks' logins in the portal (/users/)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Account


@admin.register(Account)
class AccountAdmin(SimpleHistoryAdmin):
    list_display = ["user", "park", "must_change_password", "created_by", "created_at"]
    list_filter = ["park", "must_change_password"]
    search_fields = ["user__username", "user__first_name"]
    autocomplete_fields = ["user"]
    readonly_fields = ["created_by", "created_at"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return False  # a login's account goes with the login, which is deactivated, never deleted
