from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """The overview and the organization pages: they bring every feature app together, so they sit at
    the top of the import graph and nothing imports them."""

    name = "dashboard"
    verbose_name = _("Overview")
