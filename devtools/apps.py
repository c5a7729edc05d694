from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevtoolsConfig(AppConfig):
    """The demo parks (`load_demo`) and the synthetic county (`bench`): local and test settings only.

    It sits at the top of the import graph, above every feature app, and production's INSTALLED_APPS
    does not carry it, so no demo or bench code ships to a park.
    """

    name = "devtools"
    verbose_name = _("Development tools")
