"""Django admin: an operator's tool, open to superusers only. Park admins keep their parks in the
portal's own pages, which run every rule and speak the users' language.

Every screen is scoped by parkparty.access all the same, like the API and the pages, so that a screen
opened to someone else one day leaks nothing: no other park's rows or their history, no filtering on
personal data, no unmasked phones or ID numbers for those who may not see them.
"""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from parkparty import access, security
from parkparty.models import Grant, SecurityEvent
from parkparty.privacy import shows_personal_data

# Personal data (parkparty.validators masks them): never a filter or a search, shown only unmasked.
PERSONAL_FIELDS = frozenset({"id_number", "phone"})


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

    def lookup_allowed(self, lookup, value, request=None):
        """No filtering on an ID number or a phone (`?member__id_number__startswith=1101`): one request
        per digit would rebuild a number the screen shows masked."""
        if PERSONAL_FIELDS.intersection(lookup.split("__")):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_fields(self, request, obj=None):
        """Personal fields are left out of a saved row's form for those who see them masked."""
        fields = super().get_fields(request, obj)
        if obj is None or shows_personal_data(request, self._park_of(obj)):
            return fields
        return [name for name in fields if name not in PERSONAL_FIELDS]

    def _park_of(self, obj) -> int | None:
        lookup = access.policy_for(type(obj)).park
        return type(obj)._default_manager.filter(pk=obj.pk).values_list(lookup, flat=True).first()

    def _require_in_scope(self, request, object_id) -> None:
        """A row outside the user's scope has no history screen either: simple-history would otherwise
        fall back to the row's last historical record and show it (another park's minutes)."""
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """django-simple-history's "revert" page (on screens that show a row's history) saves whatever is
        posted without asking has_change_permission: a read-only screen would let staff set any field (an
        application's stage, a rating's stars) past the services and their rules."""
        self._require_in_scope(request, object_id)
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

    # The security log keeps a superuser's role changes here as the accounts services keep a park admin's.
    def save_model(self, request, obj, form, change):
        if change:
            security.record_grant(SecurityEvent.Kind.GRANT_TAKEN, Grant.objects.get(pk=obj.pk), actor=request.user)
        super().save_model(request, obj, form, change)
        security.record_grant(SecurityEvent.Kind.GRANT_GIVEN, obj, actor=request.user)

    def delete_model(self, request, obj):
        security.record_grant(SecurityEvent.Kind.GRANT_TAKEN, obj, actor=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for grant in queryset.select_related("user", "park", "organization"):
            security.record_grant(SecurityEvent.Kind.GRANT_TAKEN, grant, actor=request.user)
        super().delete_queryset(request, queryset)


class HistoryAdmin(ScopedAdmin, SimpleHistoryAdmin):
    """A scoped screen with the row's history; its "revert" page saves only for those who may change the
    row (ScopedAdmin.history_form_view)."""


class ReadOnlyAdmin(HistoryAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The whole security log, every park's and the events of no park (failed logins under names that
    match no login), for superusers; read only: only the portal writes it, and only the prune deletes."""

    list_display = ["at", "kind", "user", "actor", "address"]
    list_filter = ["kind", "parks"]
    search_fields = ["user__username", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["user", "actor"]
    fields = ["at", "kind", "user", "actor", "parks", "address", "detail"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
