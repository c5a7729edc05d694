"""API filter and field building blocks shared by every app's API."""

from __future__ import annotations

from datetime import date

import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from parkparty.dates import parse_month


class ChoiceInFilter(django_filters.BaseInFilter, django_filters.ChoiceFilter):
    """`?kind=branch,general_branch`: several values, each checked against the choices."""


class MonthField(serializers.CharField):
    """`YYYY-MM`, not after the current month."""

    def to_internal_value(self, data) -> date:
        month = parse_month(super().to_internal_value(data))
        if month is None:
            raise serializers.ValidationError(_("Give the month as YYYY-MM."))
        if month > timezone.localdate().replace(day=1):
            raise serializers.ValidationError(_("This month has not begun yet."))
        return month
