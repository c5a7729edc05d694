from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParkpartyConfig(AppConfig):
    name = "parkparty"
    verbose_name = _("Access")
