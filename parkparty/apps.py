from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParkpartyConfig(AppConfig):
    name = "parkparty"
    verbose_name = _("Access")

    def ready(self) -> None:
        from parkparty.ledger_cache import connect_ledger_models

        connect_ledger_models()
