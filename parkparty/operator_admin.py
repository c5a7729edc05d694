"""The Django admin as an operator's tool: its site opens to active superusers only.

Installed as `parkparty.operator_admin.OperatorAdminConfig` in place of django.contrib.admin. Kept out
of parkparty/apps.py, where a second default AppConfig would be ambiguous, and out of
parkparty/admin.py, which imports models (not yet loaded when INSTALLED_APPS is read).
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


class OperatorAdminConfig(AdminConfig):
    default_site = "parkparty.operator_admin.OperatorAdminSite"


class OperatorAdminSite(admin.AdminSite):
    """The admin for the portal's operators (superusers). A staff flag alone opens nothing: a park admin
    given it by mistake would otherwise write past the portal's pages."""

    site_header = _("Park party-building portal")
    site_title = _("Park party-building portal")
    index_title = _("Operator administration")

    def has_permission(self, request):
        return request.user.is_active and request.user.is_superuser
