from importlib import import_module

from django.apps import AppConfig
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _


class ParkpartyConfig(AppConfig):
    # This module defines FeatureConfig too: say which of the two is this app's.
    default = True
    name = "parkparty"
    verbose_name = _("Access")

    def ready(self) -> None:
        from parkparty import security

        security.connect()


class FeatureConfig(AppConfig):
    """A feature app. On start-up it hands the base what only it knows: the access policy of each of
    its models (`<app>.policies.POLICIES`), which of its models the cached ledger figures read, and
    the kinds of Excel import it offers (`<app>.imports.KINDS`, see parkparty.imports).
    Its API routes the root API URLconf finds in `<app>.api_urls` (see parkparty.api_urls).

    Apps subclass it as `apps.FeatureConfig` (`from parkparty import apps`): a class imported by name
    into their apps.py would count as a second app config there."""

    # Models whose every write changes a cached figure (parkparty.ledger_cache).
    ledger_models: tuple[str, ...] = ()
    # The app's management pages a park admin starts from, as (URL name, label): the management
    # hub (parkparty.managing.hub) lists them under the app's verbose name, in INSTALLED_APPS order.
    manage_pages: tuple[tuple[str, str], ...] = ()

    def ready(self) -> None:
        from parkparty import access, imports, ledger_cache

        if module_has_submodule(self.module, "policies"):
            access.register_policies(import_module(f"{self.name}.policies").POLICIES)
        if module_has_submodule(self.module, "imports"):
            imports.register_kinds(*import_module(f"{self.name}.imports").KINDS)
        ledger_cache.watch(*(self.get_model(name) for name in self.ledger_models))
