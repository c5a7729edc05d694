from django.utils.translation import gettext_lazy as _

from parkparty import apps


class ReportsConfig(apps.FeatureConfig):
    name = "reports"
    verbose_name = _("Reports")
