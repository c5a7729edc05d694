from django.utils.translation import gettext_lazy as _

from parkparty import apps


class ActivitiesConfig(apps.FeatureConfig):
    name = "activities"
    verbose_name = _("Activities and venues")
    manage_pages = (
        ("venue-list", _("Manage venues")),
        ("designation-list", _("Designations")),
        ("plan-list", _("Annual plans")),
    )

    def ready(self) -> None:
        super().ready()
        from activities.selectors import quarter_activity_months
        from organizations.models import Criterion
        from organizations.ratings.selectors import register_suggester

        register_suggester(Criterion.Source.ACTIVITIES, quarter_activity_months)
