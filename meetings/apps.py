from django.utils.translation import gettext_lazy as _

from parkparty import apps


class MeetingsConfig(apps.FeatureConfig):
    name = "meetings"
    verbose_name = _("Meetings and matters")
    manage_pages = (("meeting-rules", _("Meeting rules")),)

    def ready(self) -> None:
        super().ready()
        from meetings import selectors
        from organizations.models import Criterion
        from organizations.ratings.selectors import register_suggester

        register_suggester(Criterion.Source.MEETINGS, selectors.quarter_compliance)
        register_suggester(Criterion.Source.MATTERS, selectors.quarter_matters_resolved)
