"""Forms of the pipeline pages: the board's filters, a new application, the next step, extending a
probation and withdrawing. The time rules live in `organizations.pipeline.services`; the forms take
shapes and put the services' messages on their fields."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import STAGES, Application, Stage
from parkparty.forms import DateInput, IdChoices, ParkForm, ServiceErrorsMixin


class BoardForm(ParkForm):
    """Which park's pipeline, and optionally one organization's subtree."""

    organization = forms.TypedChoiceField(coerce=int, required=False, label=_("Organization"))

    def __init__(self, *args, organizations: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", _("All organizations")), *((o.pk, o.name) for o in organizations)]


class NameChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class NameChoices(IdChoices):
    def label_from_instance(self, obj) -> str:
        return obj.name


class ApplicationForm(ServiceErrorsMixin, forms.Form):
    """A new application (入党申请) to one of the user's branches."""

    organization = NameChoice(label=_("Branch"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=50)
    applied_on = forms.DateField(label=_("Applied on"), widget=DateInput)
    enterprise = NameChoice(label=_("Enterprise"), queryset=None, required=False)
    recommended_by = forms.ChoiceField(
        label=_("Recommended by"), choices=Application.Recommendation.choices, required=False
    )

    def __init__(self, *args, organizations: QuerySet, enterprises: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["enterprise"].queryset = enterprises
        self.fields["enterprise"].empty_label = "—"


class AdvanceForm(ServiceErrorsMixin, forms.Form):
    """The next step: its stage (preset to the next; the service refuses a skip), date, approving body;
    to probationary, the introducers."""

    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    on = forms.DateField(label=_("Date"), widget=DateInput)
    approved_by = forms.CharField(label=_("Approving body"), max_length=150, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    introducers = NameChoices(label=_("Introducers"), queryset=None, required=False)

    def __init__(self, *args, application: Application, introducers: QuerySet, **kwargs):
        current = STAGES.index(application.stage)
        following = STAGES[current + 1] if current + 1 < len(STAGES) else application.stage
        kwargs.setdefault("initial", {}).update(stage=following, on=timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["introducers"].queryset = introducers
        self.needs_introducers = following == Stage.PROBATIONARY
        if not self.needs_introducers:
            del self.fields["introducers"]


class ExtendForm(ServiceErrorsMixin, forms.Form):
    until = forms.DateField(label=_("Probation extended until"), widget=DateInput)
    reason = forms.CharField(label=_("Reason for the extension"), max_length=300)


class WithdrawForm(ServiceErrorsMixin, forms.Form):
    service_fields = {"on": "withdrawn_on"}

    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DateInput)
    reason = forms.CharField(label=_("Reason"), max_length=300)
