"""API for the subsidy ledger: rules with their allowance rates, records from proposal to payment (and
reversal), the party dues collected, the proposal runs, and the subsidy statistics.

Only park admins write. A paid record is final: it is never changed through the API (nor by any other
path: the database refuses), only reversed by a negative entry.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import django_filters
from django import forms
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from organizations.filters import SubtreeFilter
from organizations.models import (
    MAX_STARS,
    DuesCollection,
    Organization,
    Park,
    PartyMember,
    Subsidy,
    SubsidyKind,
    SubsidyRule,
)
from organizations.subsidies import selectors, services
from parkparty import access
from parkparty.api import ScopedRelatedField, ScopedViewSet, StatisticsView, assign, park_ids_for_statistics
from parkparty.drilldown import LinksField, list_url
from parkparty.exports import Sheet
from parkparty.filters import ChoiceInFilter, MonthField
from parkparty.history import CHANGE_REASON_LENGTH

# --- rules -----------------------------------------------------------------------------------------


class RatesField(serializers.DictField):
    """`{"5": "300.00", "4": "200.00", …}`: the red-star allowance per quarter for each star level."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0), **kwargs)

    def to_representation(self, value) -> dict:
        return {str(rate.stars): str(rate.amount) for rate in value.all()}  # prefetched

    def to_internal_value(self, data) -> dict[int, Decimal]:
        rates = super().to_internal_value(data)
        allowed = {str(stars) for stars in range(1, MAX_STARS + 1)}
        if not set(rates) <= allowed:
            raise serializers.ValidationError(_("Star levels run from 1 to 5."))
        return {int(stars): amount for stars, amount in rates.items()}


class SubsidyRuleSerializer(serializers.ModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all(), label=gettext_lazy("park"))
    rates = RatesField(required=False, help_text=gettext_lazy("Red-star allowance per quarter by star level."))

    class Meta:
        model = SubsidyRule
        fields = ["id", "park", "kind", "valid_from", "share", "amount", "source", "notes", "rates"]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["park"].read_only = True
        return fields

    def create(self, validated_data):
        rates = validated_data.pop("rates", None)
        return services.rule_save(rule=SubsidyRule(**validated_data), rates=rates, actor=self.context["request"].user)

    def update(self, instance, validated_data):
        rates = validated_data.pop("rates", None)
        assign(instance, validated_data)
        return services.rule_save(rule=instance, rates=rates, actor=self.context["request"].user)


class SubsidyRuleViewSet(ScopedViewSet):
    """How much each kind of subsidy pays from a date on. A rule records were computed with is kept as
    it is: a change of policy is a new rule from a later date."""

    queryset = SubsidyRule.objects.prefetch_related("rates")
    serializer_class = SubsidyRuleSerializer
    filterset_fields = ["park", "kind"]
    ordering_fields = ["valid_from", "kind"]
    ordering = ["park", "kind", "-valid_from"]


# --- records ---------------------------------------------------------------------------------------


class SubsidySerializer(serializers.ModelSerializer):
    organization = ScopedRelatedField(queryset=Organization.objects.all(), label=gettext_lazy("recipient organization"))
    member = ScopedRelatedField(
        queryset=PartyMember.objects.all(), required=False, allow_null=True, label=gettext_lazy("recipient person")
    )
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, label=gettext_lazy("amount (yuan)"))
    reversal = serializers.SerializerMethodField(help_text=gettext_lazy("The entry reversing this payment, if any."))

    class Meta:
        model = Subsidy
        fields = [
            "id", "park", "organization", "member", "kind", "period", "period_start", "amount", "status",
            "rule", "rating", "dues", "reverses", "reversal", "note", "voucher_no", "paid_on",
            "created_by", "created_at", "approved_by", "approved_at", "paid_by",
        ]  # fmt: skip
        read_only_fields = [
            "park", "period_start", "status", "rule", "rating", "dues", "reverses", "voucher_no", "paid_on",
            "created_by", "approved_by", "approved_at", "paid_by",
        ]  # fmt: skip
        # One standing record per recipient, kind and period: the service's message names `period`.
        validators: list = []

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            # A proposal's amount and note are corrected; anything else is a new record.
            for name in ("organization", "member", "kind", "period"):
                fields[name].read_only = True
        return fields

    def get_reversal(self, subsidy) -> int | None:
        try:
            return subsidy.reversal.pk  # select_related
        except Subsidy.DoesNotExist:
            return None

    def create(self, validated_data):
        return services.subsidy_propose(subsidy=Subsidy(**validated_data), actor=self.context["request"].user)

    def update(self, instance, validated_data):
        return services.subsidy_change(
            subsidy=instance,
            amount=validated_data.get("amount"),
            note=validated_data.get("note"),
            actor=self.context["request"].user,
        )


SUBSIDY_SHEET = Sheet(
    title=gettext_lazy("Subsidy ledger"),
    serializer=SubsidySerializer,
    fields=(
        "park",
        "organization",
        "member",
        "kind",
        "period",
        "amount",
        "status",
        "voucher_no",
        "paid_on",
        "reverses",
        "note",
    ),
    names={"park": "park__name", "organization": "organization__name", "member": "member__name"},
)  # fmt: skip


class DateRangeForm(forms.Form):
    """A filter form whose `since` may not come after its `until` (400 naming `until`)."""

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end of the range comes before its start."))
        return data


class SubsidyFilter(django_filters.FilterSet):
    park = django_filters.ModelChoiceFilter(queryset=Park.objects.all())
    kind = ChoiceInFilter(choices=SubsidyKind.choices)
    status = ChoiceInFilter(choices=Subsidy.Status.choices)
    within = SubtreeFilter(path_field="organization__path", label=gettext_lazy("within organization"))
    since = django_filters.DateFilter(
        method="paid_in_range",
        label=gettext_lazy("paid since (YYYY-MM-DD)"),
        help_text=gettext_lazy(
            "With until: the entries paid in the range, by the date paid (both included), reversals as their "
            "own negative entries; the rows stats/subsidies sums. Proposed, approved and cancelled records "
            "are left out."
        ),
    )
    until = django_filters.DateFilter(method="paid_in_range", label=gettext_lazy("paid until (YYYY-MM-DD)"))
    is_reversal = django_filters.BooleanFilter(
        field_name="reverses", lookup_expr="isnull", exclude=True, label=gettext_lazy("is a reversal entry")
    )
    paid_after = django_filters.DateFilter(field_name="paid_on", lookup_expr="gte")
    paid_before = django_filters.DateFilter(field_name="paid_on", lookup_expr="lte")

    class Meta:
        model = Subsidy
        fields = ["park", "organization", "member", "kind", "status", "period", "within", "since", "until",
                  "is_reversal", "paid_after", "paid_before"]  # fmt: skip
        form = DateRangeForm

    def filter_queryset(self, queryset):
        """With `since` or `until`, the money paid in the range (selectors.paid_between, the rule of
        stats/subsidies): paid entries by the date paid, each reversal its own negative row."""
        since, until = self.form.cleaned_data.get("since"), self.form.cleaned_data.get("until")
        if since or until:
            queryset = selectors.paid_between(since, until, entries=queryset)
        return super().filter_queryset(queryset)

    def paid_in_range(self, queryset, name, value):
        return queryset  # applied in filter_queryset, with both ends at once


class PaySerializer(serializers.Serializer):
    voucher_no = serializers.CharField(max_length=50, label=gettext_lazy("voucher number"))
    paid_on = serializers.DateField(label=gettext_lazy("paid on"))


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=CHANGE_REASON_LENGTH, label=gettext_lazy("reason"))


class ReverseSerializer(PaySerializer):
    reason = serializers.CharField(max_length=CHANGE_REASON_LENGTH, label=gettext_lazy("reason"))


class QuarterRunSerializer(serializers.Serializer):
    park = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    quarter = serializers.IntegerField(min_value=1, max_value=4)


class MonthRunSerializer(serializers.Serializer):
    park = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    month = MonthField(help_text=gettext_lazy("YYYY-MM"))


class RunResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


def visible_park(request, park_id: int) -> Park:
    """The park a run is for: 404 outside the caller's scope (the service refuses a non-admin: 403)."""
    park = access.visible(request.user, Park).filter(pk=park_id).first()
    if park is None:
        raise Http404
    return park


class SubsidyViewSet(ScopedViewSet):
    """The ledger: proposed → approved → paid, or cancelled before payment; a payment is reversed, never
    edited. Park admins write; secretaries read their subtree's records."""

    queryset = Subsidy.objects.select_related("reversal")
    serializer_class = SubsidySerializer
    filterset_class = SubsidyFilter
    ordering_fields = ["period_start", "amount", "paid_on", "created_at"]
    ordering = ["-period_start", "organization__path", "pk"]
    search_fields = ["voucher_no", "note"]
    export_sheet = SUBSIDY_SHEET
    # Only a proposal's amount and note change (PATCH); there is no whole-record replacement.
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _answer(self, subsidy: Subsidy, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=subsidy.pk)).data, status=code)

    @extend_schema(request=None, responses=SubsidySerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._answer(services.subsidy_approve(subsidy=self.get_object(), actor=request.user))

    @extend_schema(request=PaySerializer, responses=SubsidySerializer)
    @action(detail=True, methods=["post"])
    def pay(self, request, pk=None):
        subsidy = self.get_object()
        params = PaySerializer(data=request.data)
        params.is_valid(raise_exception=True)
        return self._answer(services.subsidy_pay(subsidy=subsidy, actor=request.user, **params.validated_data))

    @extend_schema(request=CancelSerializer, responses=SubsidySerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        subsidy = self.get_object()
        params = CancelSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        return self._answer(services.subsidy_cancel(subsidy=subsidy, actor=request.user, **params.validated_data))

    @extend_schema(request=ReverseSerializer, responses={201: SubsidySerializer})
    @action(detail=True, methods=["post"])
    def reverse(self, request, pk=None):
        """Undo a payment: answers the new, negative entry (paid with its own voucher)."""
        subsidy = self.get_object()
        params = ReverseSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        reversal = services.subsidy_reverse(subsidy=subsidy, actor=request.user, **params.validated_data)
        return self._answer(reversal, status.HTTP_201_CREATED)

    @extend_schema(request=QuarterRunSerializer, responses=RunResultSerializer)
    @action(detail=False, methods=["post"], url_path="propose-allowances")
    def propose_allowances(self, request):
        """Propose the quarter's red-star allowances from its confirmed ratings. Idempotent."""
        params = QuarterRunSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        park = visible_park(request, data["park"])
        result = services.allowances_propose(park=park, year=data["year"], quarter=data["quarter"], actor=request.user)
        return Response(RunResultSerializer(result).data)


# --- dues ------------------------------------------------------------------------------------------


class DuesListSerializer(serializers.ListSerializer):
    """Reads the dues-return rules of the page's parks once, for every row's `owed`."""

    def to_representation(self, data):
        rows = list(data.all() if hasattr(data, "all") else data)
        rules = defaultdict(list)
        parks = {row.park_id for row in rows}
        for rule in SubsidyRule.objects.filter(kind=SubsidyKind.DUES_RETURN, park_id__in=parks):
            rules[rule.park_id].append(rule)
        self.child.dues_rules = rules
        return super().to_representation(rows)


class DuesSerializer(serializers.ModelSerializer):
    organization = ScopedRelatedField(queryset=Organization.objects.all(), label=gettext_lazy("organization"))
    returned = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, help_text=gettext_lazy("Returns paid, net of reversals.")
    )
    returning = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, help_text=gettext_lazy("Returns proposed or approved.")
    )
    owed = serializers.SerializerMethodField(help_text=gettext_lazy("The return the rule in force that month owes."))

    class Meta:
        model = DuesCollection
        fields = ["id", "park", "organization", "month", "amount", "members_paying", "recorded_by", "recorded_at",
                  "returned", "returning", "owed"]  # fmt: skip
        read_only_fields = ["park", "recorded_by"]
        list_serializer_class = DuesListSerializer
        # One record per organization and month: the model's constraint answers in full_clean.
        validators: list = []

    dues_rules: dict | None = None

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["organization"].read_only = True
            fields["month"].read_only = True
        return fields

    def get_owed(self, dues) -> str:
        rules = self.dues_rules
        if rules is None:
            rules = {dues.park_id: list(SubsidyRule.objects.filter(kind=SubsidyKind.DUES_RETURN, park_id=dues.park_id))}
        return str(selectors.return_owed(dues, rules.get(dues.park_id, [])))

    def create(self, validated_data):
        dues = DuesCollection(**validated_data)
        return services.dues_record(dues=dues, actor=self.context["request"].user)

    def update(self, instance, validated_data):
        assign(instance, validated_data)
        return services.dues_record(dues=instance, actor=self.context["request"].user)

    def to_representation(self, instance):
        if not hasattr(instance, "returned"):
            instance = selectors.with_returns(DuesCollection.objects.filter(pk=instance.pk)).get()
        return super().to_representation(instance)


class DuesFilter(django_filters.FilterSet):
    park = django_filters.ModelChoiceFilter(queryset=Park.objects.all())
    within = SubtreeFilter(path_field="organization__path", label=gettext_lazy("within organization"))
    month_after = django_filters.DateFilter(field_name="month", lookup_expr="gte")
    month_before = django_filters.DateFilter(field_name="month", lookup_expr="lte")

    class Meta:
        model = DuesCollection
        fields = ["park", "organization", "within", "month", "month_after", "month_before"]


class DuesViewSet(ScopedViewSet):
    """Party dues collected per organization and month, with the returns owed, proposed and paid."""

    queryset = DuesCollection.objects.all()
    serializer_class = DuesSerializer
    filterset_class = DuesFilter
    ordering_fields = ["month", "amount"]
    ordering = ["-month", "organization__path", "pk"]

    def get_queryset(self):
        return selectors.with_returns(super().get_queryset())

    @extend_schema(request=MonthRunSerializer, responses=RunResultSerializer)
    @action(detail=False, methods=["post"], url_path="propose-returns")
    def propose_returns(self, request):
        """Propose the month's dues returns: the rule's share of what each organization collected."""
        params = MonthRunSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        park = visible_park(request, params.validated_data["park"])
        result = services.dues_returns_propose(park=park, month=params.validated_data["month"], actor=request.user)
        return Response(RunResultSerializer(result).data)


# --- statistics ------------------------------------------------------------------------------------


class SubsidyStatsQuery(serializers.Serializer):
    park = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    kind = serializers.ChoiceField(choices=SubsidyKind.choices, required=False)
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)

    def validate(self, attrs):
        if attrs.get("since") and attrs.get("until") and attrs["since"] > attrs["until"]:
            raise serializers.ValidationError({"until": _("The end of the range comes before its start.")})
        return attrs


class SubsidyStatsSerializer(serializers.Serializer):
    park = serializers.IntegerField(allow_null=True)
    since = serializers.DateField(allow_null=True)
    until = serializers.DateField(allow_null=True)
    kind = serializers.ChoiceField(choices=SubsidyKind.choices, allow_null=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)
    by_kind = serializers.DictField(child=serializers.DecimalField(max_digits=14, decimal_places=2))
    by_year = serializers.DictField(child=serializers.DecimalField(max_digits=14, decimal_places=2))
    paid_records = serializers.IntegerField(
        help_text=gettext_lazy("The paid entries the total sums: payments and reversals (negative), each one.")
    )
    reversals = serializers.IntegerField(help_text=gettext_lazy("Of those, the reversal entries."))
    links = LinksField()


def subsidy_links(request, *, park_id: int | None, kind: str | None, since, until) -> dict[str, str]:
    """Each count of stats/subsidies → the paid entries it counts (`subsidies/?status=paid&since=&until=`)."""

    def url(**filters) -> str:
        return list_url(
            request, "subsidy", park=park_id, kind=kind, status=Subsidy.Status.PAID, since=since, until=until, **filters
        )

    return {"paid_records": url(), "reversals": url(is_reversal=True)}


class SubsidyStatsView(StatisticsView):
    """Money paid in a date range (by the date paid, both ends included), net of reversals: the total, by
    kind and by year, and the number of paid entries it sums. `links` opens those entries."""

    @extend_schema(parameters=[SubsidyStatsQuery], responses=SubsidyStatsSerializer)
    def get(self, request):
        data = self.query(SubsidyStatsQuery)
        park_ids = park_ids_for_statistics(request, data.get("park"))
        echo = {name: data.get(name) for name in ("park", "kind", "since", "until")}
        stats = selectors.subsidy_stats(park_ids=park_ids, kind=echo["kind"], since=echo["since"], until=echo["until"])
        links = subsidy_links(
            request, park_id=echo["park"], kind=echo["kind"], since=echo["since"], until=echo["until"]
        )
        return Response(SubsidyStatsSerializer({**stats, **echo, "links": links}).data)
