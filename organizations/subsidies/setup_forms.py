"""The form of a park's subsidy rule: what a kind of subsidy pays from a date, with the red-star
allowance's amount per star level. The rules (a rule records were computed with is final, one rule of
a kind a day, amounts in yuan and fen) live in `organizations.subsidies.services.rule_save`."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.models import MAX_STARS, SubsidyKind, SubsidyRule
from parkparty.forms import DateInput, ServiceErrorsMixin

MONEY = {"min_value": 0, "max_digits": 12, "decimal_places": 2}


def _money_input():
    return forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"})


class SubsidyRuleForm(ServiceErrorsMixin, forms.Form):
    """Each kind reads its own fields: the red-star allowance its rates, the dues return its share, the
    allowances and funds their amount, a special fund its source."""

    service_fields = {"rates": "rate_5"}

    kind = forms.ChoiceField(label=_("Kind of subsidy"), choices=SubsidyKind.choices)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)
    share = forms.DecimalField(
        label=_("Share of dues returned"),
        min_value=0,
        max_value=1,
        max_digits=5,
        decimal_places=4,
        initial=Decimal(1),
        help_text=_("Dues return: 1 returns the dues in full, 0.5 half of them."),
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.05"}),
    )
    amount = forms.DecimalField(
        label=_("Amount per period"),
        initial=Decimal(0),
        help_text=_("Secretary allowance and activity fund: yuan per period."),
        widget=_money_input(),
        **MONEY,
    )
    source = forms.CharField(
        label=_("Source of funds"),
        max_length=150,
        required=False,
        help_text=_("Special fund: where the money comes from."),
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    FIELDS = ("kind", "valid_from", "share", "amount", "source", "notes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for stars in range(MAX_STARS, 0, -1):
            self.fields[f"rate_{stars}"] = forms.DecimalField(
                label=_("%(stars)s stars, yuan per quarter") % {"stars": stars},
                required=False,
                help_text=_("Red-star allowance only.") if stars == MAX_STARS else "",
                widget=_money_input(),
                **MONEY,
            )

    def clean(self):
        data = super().clean()
        if data.get("kind") == SubsidyKind.RED_STAR_ALLOWANCE:
            for stars in range(MAX_STARS, 0, -1):
                if data.get(f"rate_{stars}") is None and f"rate_{stars}" not in self.errors:
                    self.add_error(f"rate_{stars}", _("Give the allowance of every star level (0 for none)."))
        return data

    def apply(self, rule: SubsidyRule) -> SubsidyRule:
        for name in self.FIELDS:
            setattr(rule, name, self.cleaned_data[name])
        return rule

    def rates(self) -> dict[int, Decimal] | None:
        """stars → amount for a red-star allowance; None for the other kinds (their rates stay as they are)."""
        if self.cleaned_data["kind"] != SubsidyKind.RED_STAR_ALLOWANCE:
            return None
        return {stars: self.cleaned_data[f"rate_{stars}"] for stars in range(1, MAX_STARS + 1)}
