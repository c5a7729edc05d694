"""Forms of the subsidy ledger: its filters, the per-record actions (approve, pay, cancel, reverse), a
record proposed by hand and the quarter's allowance run.

Choices come from lists the view has already scoped with `access`. The rules (only an approved record
is paid, a payment needs a voucher, an amount has at most two decimals…) live in
`organizations.subsidies.services`; `add_service_errors` puts their messages on the fields.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Subsidy, SubsidyKind
from organizations.ratings.forms import QUARTERS, OrganizationChoiceField, current_quarter
from organizations.subsidies.selectors import paid_between
from parkparty.dates import parse_period
from parkparty.forms import DateInput, ServiceErrorsMixin


class LedgerFilterForm(forms.Form):
    park = forms.TypedChoiceField(coerce=int, required=False, label=_("Park"))
    kind = forms.ChoiceField(required=False, label=_("Kind of subsidy"))
    status = forms.ChoiceField(required=False, label=_("Status"))
    period = forms.CharField(
        required=False, max_length=7, label=_("Period"), widget=forms.TextInput(attrs={"placeholder": "2024-Q2"})
    )
    year = forms.IntegerField(required=False, min_value=2000, max_value=2100, label=_("Year"))
    organization = OrganizationChoiceField(queryset=None, required=False, label=_("Organization"))
    since = forms.DateField(required=False, label=_("Paid since"), widget=DateInput)
    until = forms.DateField(
        required=False,
        label=_("Paid until"),
        widget=DateInput,
        help_text=_("With a date: the payments and reversals paid in the range, by the date paid."),
    )

    def __init__(self, *args, parks, organizations: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["park"].choices = [("", _("All parks")), *((park.pk, park.name) for park in parks)]
        self.fields["kind"].choices = [("", _("All kinds")), *SubsidyKind.choices]
        self.fields["status"].choices = [("", _("Any status")), *Subsidy.Status.choices]
        self.fields["organization"].queryset = organizations
        self.fields["organization"].empty_label = _("All organizations")
        self.fields["organization"].with_park = len(parks) > 1

    def clean_period(self) -> str:
        period = self.cleaned_data["period"].strip().upper()
        if period and parse_period(period) is None:
            raise ValidationError(_("Give a period as YYYY-MM, YYYY-Qn, YYYY-H1, YYYY-H2 or YYYY."))
        return period

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end of the range comes before its start."))
        return data

    def filter(self, subsidies: QuerySet[Subsidy]) -> QuerySet[Subsidy]:
        """Apply the valid criteria; an invalid one is reported on the form and left out, not guessed.
        A date range keeps the money paid in it (selectors.paid_between, the rule of stats/subsidies)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        if data.get("since") or data.get("until"):
            subsidies = paid_between(data.get("since"), data.get("until"), entries=subsidies)
        for name in ("park", "kind", "status", "period", "organization"):
            if data.get(name):
                subsidies = subsidies.filter(**{name: data[name]})
        if data.get("year"):
            subsidies = subsidies.filter(period_start__year=data["year"])
        return subsidies

    @property
    def filtering(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


class PayForm(ServiceErrorsMixin, forms.Form):
    voucher_no = forms.CharField(label=_("Voucher number"), max_length=50, required=False)
    paid_on = forms.DateField(label=_("Paid on"), required=False, widget=DateInput)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"paid_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class CancelForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=100, required=False)


class ReverseForm(PayForm):
    reason = forms.CharField(label=_("Reason"), max_length=100, required=False)

    field_order = ["reason", "voucher_no", "paid_on"]


class ApproveForm(ServiceErrorsMixin, forms.Form):
    pass


class SubsidyForm(ServiceErrorsMixin, forms.Form):
    """A record proposed by hand (a secretary's allowance, an activity or special fund)."""

    organization = OrganizationChoiceField(label=_("Recipient organization"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind of subsidy"), choices=SubsidyKind.choices)
    period = forms.CharField(
        label=_("Period"),
        max_length=7,
        help_text=_("YYYY-MM, YYYY-Qn, YYYY-H1, YYYY-H2 or YYYY"),
        widget=forms.TextInput(attrs={"placeholder": "2024-Q2"}),
    )
    amount = forms.DecimalField(
        label=_("Amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=0.01,
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, organizations: QuerySet, several_parks: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].with_park = several_parks

    def clean_period(self) -> str:
        return self.cleaned_data["period"].strip().upper()


class AllowanceRunForm(forms.Form):
    """Propose a quarter's red-star allowances for one park from its confirmed ratings."""

    park = forms.TypedChoiceField(coerce=int, label=_("Park"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTERS, coerce=int)

    def __init__(self, *args, parks, **kwargs):
        year, quarter = current_quarter()
        kwargs.setdefault("initial", {"year": year, "quarter": quarter})
        super().__init__(*args, **kwargs)
        self.parks = {park.pk: park for park in parks}
        self.fields["park"].choices = [(park.pk, park.name) for park in parks]
