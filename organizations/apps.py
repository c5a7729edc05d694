from django.utils.translation import gettext_lazy as _

from parkparty import apps


class OrganizationsConfig(apps.FeatureConfig):
    name = "organizations"
    verbose_name = _("Parks and party organizations")
    manage_pages = (
        ("organization-new", _("New organization")),
        ("district-list", _("Districts and grids")),
        ("sheet-list", _("Scoring sheets")),
        ("star-levels", _("Star levels")),
        ("subsidy-rules", _("Subsidy rules")),
    )
    # District and grid names are the labels of grouped figures.
    ledger_models = ("Park", "District", "Grid", "Organization", "PartyMember")
