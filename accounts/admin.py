"""Accounts in the Django admin: for superusers, who give operators of several parks (and superusers)
their accounts; park admins run their parks' logins in the portal (/users/).

Users are deactivated, never deleted, once they have recorded anything: minutes, ratings and paid
subsidies name who recorded, confirmed or approved them, and their history names who changed them.
A login that recorded nothing (made by mistake) may still be deleted by a superuser, one at a time from
its page (accounts.services.account_delete decides).
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from accounts import selectors, services
from accounts.models import Account
from parkparty import security
from parkparty.drf import token_expires_at
from parkparty.models import SecurityEvent

User = get_user_model()


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


admin.site.unregister(User)


class PasswordSetForm(AdminPasswordChangeForm):
    """Django's, revoking the login's API token like a reset in the portal: whoever knew the old
    password may have made one."""

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit:
            services.revoke_tokens(user, actor=None, reason="password_reset")
        return user


@admin.register(User)
class OperatorUserAdmin(UserAdmin):
    """Django's user admin, where deleting a login that recorded anything is refused with a message
    that says to deactivate it (no bulk deletion: one login at a time, each checked)."""

    change_password_form = PasswordSetForm

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if not (request.user.is_active and request.user.is_superuser):
            return False
        return obj is None or not services.has_records(obj)

    def save_model(self, request, obj, form, change):
        """A login deactivated or reactivated here goes to the security log, as through accounts' pages."""
        was_active = type(obj)._default_manager.filter(pk=obj.pk).values_list("is_active", flat=True).first()
        super().save_model(request, obj, form, change)
        if change and was_active is not None and was_active != obj.is_active:
            kind = SecurityEvent.Kind.REACTIVATED if obj.is_active else SecurityEvent.Kind.DEACTIVATED
            security.record(kind, user=obj, actor=request.user)
            if not obj.is_active:
                services.revoke_tokens(obj, actor=request.user, reason="deactivated")

    def delete_view(self, request, object_id, extra_context=None):
        user = self.get_object(request, unquote(object_id))
        if user is not None and self.has_view_or_change_permission(request, user) and services.has_records(user):
            messages.error(request, services.records_message(user))
            return redirect(reverse("admin:auth_user_change", args=[user.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        try:
            services.account_delete(user=obj, actor=request.user)
        except ValidationError as error:  # recorded something since the confirmation page
            messages.error(request, " ".join(error.messages))


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class OperatorTokenAdmin(TokenAdmin):
    """DRF's token admin (superusers only, as the whole site), listing the first characters of each key
    and when it expires, not the key: a key is shown once, to whoever made it (the message after adding
    one here names it). Deleting one here is logged like a revocation (parkparty.security's signal)."""

    list_display = ("key_start", "user", "created", "expires")

    @admin.display(description=_("key"))
    def key_start(self, token) -> str:
        return f"{token.key[: selectors.KEY_PREFIX]}…"

    @admin.display(description=_("expires"))
    def expires(self, token):
        return token_expires_at(token) or _("never")
