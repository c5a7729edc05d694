"""Forms of the report pages: the list's filters and "generate now".

Choices come from the parks the view has already scoped with `access`. Which period codes are valid is
`reports.periods`' rule, applied by `services.report_request`; `add_service_errors` puts its message on
the field it names.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parkparty.forms import ServiceErrorsMixin
from reports import periods
from reports.models import Report, ReportKind


class ReportFilterForm(forms.Form):
    park = forms.TypedChoiceField(coerce=int, required=False, label=_("Park"))
    kind = forms.ChoiceField(required=False, label=_("Kind of report"))
    status = forms.ChoiceField(required=False, label=_("Status"))

    def __init__(self, *args, parks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].choices = [("", _("All parks")), *((park.pk, park.name) for park in parks)]
        self.fields["kind"].choices = [("", _("All kinds")), *ReportKind.choices]
        self.fields["status"].choices = [("", _("Any status")), *Report.Status.choices]

    def filter(self, reports: QuerySet[Report]) -> QuerySet[Report]:
        """Apply the valid criteria; an invalid one is reported on the form and left out, not guessed."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        for name in ("park", "kind", "status"):
            if data.get(name):
                reports = reports.filter(**{name: data[name]})
        return reports

    @property
    def filtering(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


class GenerateForm(ServiceErrorsMixin, forms.Form):
    """Ask for one park's report of a period now (park admins)."""

    park = forms.TypedChoiceField(coerce=int, label=_("Park"))
    kind = forms.ChoiceField(label=_("Kind of report"), choices=ReportKind.choices)
    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        help_text=_("Monthly YYYY-MM, quarterly YYYY-Qn, half-year YYYY-H1 or YYYY-H2, annual YYYY."),
        widget=forms.TextInput(attrs={"placeholder": "2026-10", "autocapitalize": "characters"}),
    )

    def __init__(self, *args, parks, **kwargs):
        last_month = periods.last_closed(ReportKind.MONTHLY, timezone.localdate())
        kwargs.setdefault("initial", {"kind": ReportKind.MONTHLY, "period": last_month.code})
        super().__init__(*args, **kwargs)
        self.parks = {park.pk: park for park in parks}
        self.fields["park"].choices = [(park.pk, park.name) for park in parks]

    def clean_period(self) -> str:
        return self.cleaned_data["period"].strip().upper()
