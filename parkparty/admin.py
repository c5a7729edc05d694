"""Django admin: every screen is scoped by parkparty.access, like the API and the pages."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from parkparty import access
from parkparty.models import Grant

admin.site.site_header = _("Park party-building portal")
admin.site.site_title = _("Park party-building portal")
admin.site.index_title = _("Ledger administration")


class ScopedAdmin(admin.ModelAdmin):
    """Rows come from access.visible; changes need access.writable. Ledger rows are never deleted here:
    enterprises close, organizations dissolve and coverages end, each with a date."""

    def get_queryset(self, request):
        return access.visible(request.user, super().get_queryset(request))

    def has_module_permission(self, request):
        scope = access.scope_of(request.user)
        return request.user.is_staff and (scope.everything or scope.is_admin or scope.is_viewer)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return request.user.is_staff and access.may_write_any(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        if not self.has_add_permission(request):
            return False
        return obj is None or access.can_write(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """django-simple-history's "revert" page (on screens that show a row's history) saves whatever is
        posted without asking has_change_permission: a read-only screen would let staff set any field (an
        application's stage, a rating's stars) past the services and their rules."""
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """Choices for a foreign key are the rows the user may write to (their parks)."""
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and access.has_policy(db_field.related_model):
            field.queryset = access.writable(request.user, field.queryset)
        return field


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    """Roles are handed out by superusers only."""

    list_display = ["user", "role", "park", "organization"]
    list_filter = ["role", "park"]
    search_fields = ["user__username", "organization__name"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["organization"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class HistoryAdmin(ScopedAdmin, SimpleHistoryAdmin):
    """A scoped screen with the row's history; its "revert" page saves only for those who may change the
    row (ScopedAdmin.history_form_view)."""


class ReadOnlyAdmin(HistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
