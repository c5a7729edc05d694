"""The form of a park's meeting rule (会议制度). The rules (one rule per kind of meeting and kind of
organization, a kind that exists) live in `meetings.services.meeting_rule_save`."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import MeetingKind, MeetingRule, Period
from organizations.models import Organization
from parkparty.forms import ServiceErrorsMixin


class MeetingRuleForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Meeting kind"), choices=MeetingKind.choices)
    organization_kind = forms.ChoiceField(
        label=_("Held by every"), choices=Organization.Kind.choices, initial=Organization.Kind.BRANCH
    )
    times = forms.IntegerField(label=_("At least"), min_value=1, max_value=100, initial=1)
    period = forms.ChoiceField(label=_("Per"), choices=Period.choices, initial=Period.MONTH)

    FIELDS = ("kind", "organization_kind", "times", "period")

    def apply(self, rule: MeetingRule) -> MeetingRule:
        for name in self.FIELDS:
            setattr(rule, name, self.cleaned_data[name])
        return rule
