from django.utils.translation import gettext_lazy as _

from parkparty import apps


class EnterprisesConfig(apps.FeatureConfig):
    name = "enterprises"
    verbose_name = _("Enterprise ledger")
    ledger_models = ("Enterprise", "Coverage", "InstructorAssignment")
    manage_pages = (
        ("enterprise-new", _("New enterprise")),
        ("instructor-list", _("Instructors")),
    )

    def ready(self) -> None:
        super().ready()
        from enterprises.policies import INSTRUCTORS
        from enterprises.selectors import branches_on
        from enterprises.services import coverages_end_with
        from organizations.selectors import register_branch_rule
        from organizations.services import register_dissolution_step
        from parkparty import access

        access.register_instructors(INSTRUCTORS)
        register_dissolution_step(coverages_end_with)
        register_branch_rule(branches_on)
