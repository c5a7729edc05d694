from django.utils.translation import gettext_lazy as _

from parkparty import apps


class ActivitiesConfig(apps.FeatureConfig):
    name = "activities"
    verbose_name = _("Activities and venues")
