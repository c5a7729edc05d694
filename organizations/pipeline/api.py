"""API for the membership pipeline (发展党员): applications with their steps, the actions that move them
(advance, extend a probation, withdraw), the due-soon list, and the member statistics.

A stage and its dates change only through the actions, which call organizations.pipeline.services and
its time rules. Secretaries track their subtree's applicants; park admins any in their parks.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from organizations.filters import SubtreeFilter
from organizations.models import STAGES, Application, ApplicationStep, Organization, Park, PartyMember, Stage
from organizations.pipeline import selectors, services
from parkparty import access
from parkparty.api import ScopedRelatedField, ScopedViewSet, StatisticsView, assign, park_ids_for_statistics
from parkparty.drilldown import LinksField, list_url
from parkparty.filters import AsOfFilter, ChoiceInFilter, RenamedFilterSet
from parkparty.relations import related_rows

# --- applications ----------------------------------------------------------------------------------


class ApplicationStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApplicationStep
        fields = ["stage", "on", "approved_by", "note", "recorded_at"]


class ApplicationSerializer(serializers.ModelSerializer):
    organization = ScopedRelatedField(
        queryset=Organization.objects.all(), scope=access.organizations_in_charge, label=gettext_lazy("branch")
    )
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    enterprise = ScopedRelatedField(
        queryset=related_rows(Application, "enterprise"),
        scope=access.visible,
        required=False,
        allow_null=True,
        label=gettext_lazy("enterprise"),
    )
    steps = ApplicationStepSerializer(many=True, read_only=True)
    eligible_on = serializers.SerializerMethodField(
        help_text=gettext_lazy("First day of the next step under the time rules; null when none applies.")
    )
    # A method field: a plain read-only field with a default is left out of a PATCH's answer (DRF skips
    # defaults on partial updates), so the field would not always be there.
    stage_on = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "With `as_of`: the stage on that day (or `withdrawn`), from the dated steps; null without it."
        ),
    )

    def get_stage_on(self, row) -> str | None:
        return getattr(row, "stage_on", None)

    class Meta:
        model = Application
        fields = [
            "id", "park", "organization", "organization_name", "enterprise", "name", "stage", "applied_on",
            "activist_on", "target_on", "probationary_on", "full_on", "probation_extended_until",
            "extension_reason", "recommended_by", "introducers", "member", "withdrawn_on", "eligible_on", "stage_on",
            "steps",
        ]  # fmt: skip
        # The stage and its dates move only through the actions (advance, extend, withdraw).
        read_only_fields = [
            "park", "stage", "activist_on", "target_on", "probationary_on", "full_on", "probation_extended_until",
            "extension_reason", "introducers", "member", "withdrawn_on",
        ]  # fmt: skip

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            # The branch and the date of application are the first step: a wrong one is withdrawn.
            for name in ("organization", "applied_on"):
                fields[name].read_only = True
        return fields

    def get_eligible_on(self, application) -> str | None:
        if application.withdrawn_on or application.stage == Stage.FULL:
            return None
        day = services.eligible_on(application)
        return None if day is None else day.isoformat()

    def create(self, validated_data):
        return services.application_create(
            application=Application(**validated_data), actor=self.context["request"].user
        )

    def update(self, instance, validated_data):
        assign(instance, validated_data)
        return services.application_change(application=instance)

    def to_representation(self, instance):
        # After a write, read the application back the way the list does (steps and introducers prefetched).
        if "steps" not in getattr(instance, "_prefetched_objects_cache", {}):
            instance = applications_queryset().get(pk=instance.pk)
        return super().to_representation(instance)


def applications_queryset():
    return Application.objects.select_related("organization").prefetch_related(
        Prefetch("steps", queryset=ApplicationStep.objects.order_by("on", "pk")), "introducers"
    )


STAGE_CHOICES = [*Stage.choices, (selectors.WITHDRAWN, gettext_lazy("withdrawn"))]


class ApplicationFilter(RenamedFilterSet):
    """`as_of` with `stage`: the applications made by that day at that stage on it (the `stages` of
    stats/members). `since`/`until`: the applications that reached the stage `reached` (by default
    `applicant`: applied) in the period; `reached=probationary` gives the period's new members."""

    park = django_filters.ModelChoiceFilter(queryset=Park.objects.all())
    stage = ChoiceInFilter(choices=STAGE_CHOICES, method="filter_stage")
    recommended_by = ChoiceInFilter(choices=Application.Recommendation.choices)
    recommended = django_filters.BooleanFilter(method="filter_recommended", label=gettext_lazy("recommended (推优)"))
    within = SubtreeFilter(path_field="organization__path", label=gettext_lazy("within organization"))
    open = django_filters.BooleanFilter(method="filter_open", label=gettext_lazy("still on its way"))
    applied_after = django_filters.DateFilter(field_name="applied_on", lookup_expr="gte")
    applied_before = django_filters.DateFilter(field_name="applied_on", lookup_expr="lte")
    as_of = AsOfFilter()
    reached = django_filters.ChoiceFilter(
        choices=Stage.choices,
        method=lambda queryset, name, value: queryset,
        label=gettext_lazy("stage reached in the period (with since/until; default applicant)"),
    )
    since = django_filters.DateFilter(method=lambda queryset, name, value: queryset, label=gettext_lazy("since"))
    until = django_filters.DateFilter(method=lambda queryset, name, value: queryset, label=gettext_lazy("until"))

    class Meta:
        model = Application
        fields = ["park", "organization", "enterprise", "stage", "recommended_by", "recommended", "within", "open",
                  "applied_after", "applied_before", "as_of", "reached", "since", "until"]  # fmt: skip

    def filter_queryset(self, queryset):
        """`as_of` first (selectors.applications_as_of annotates `stage_on`, which `stage` then reads), and
        the period (selectors.reached_in), the rules of stats/members."""
        data = self.form.cleaned_data
        if data.get("as_of"):
            queryset = selectors.applications_as_of(data["as_of"], applications=queryset)
        if data.get("since") or data.get("until") or data.get("reached"):
            queryset = queryset.filter(
                selectors.reached_in(data.get("reached") or Stage.APPLICANT, data.get("since"), data.get("until"))
            )
        return super().filter_queryset(queryset)

    def filter_stage(self, queryset, name, value):
        if not value:
            return queryset
        if self.form.cleaned_data.get("as_of"):
            return queryset.filter(stage_on__in=value)
        # Today: a withdrawn application keeps the stage it was withdrawn at.
        condition = Q(stage__in=value)
        if selectors.WITHDRAWN in value:
            condition |= Q(withdrawn_on__isnull=False)
        return queryset.filter(condition)

    def filter_recommended(self, queryset, name, value):
        return queryset.filter(selectors.RECOMMENDED if value else ~selectors.RECOMMENDED)

    def filter_open(self, queryset, name, value):
        still = queryset.filter(withdrawn_on__isnull=True).exclude(stage=Stage.FULL)
        return still if value else queryset.exclude(pk__in=still.values("pk"))


class AdvanceSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices, help_text=gettext_lazy("The next stage."))
    on = serializers.DateField(label=gettext_lazy("date"))
    approved_by = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    introducers = ScopedRelatedField(
        queryset=PartyMember.objects.all(),
        scope=access.visible,
        many=True,
        required=False,
        help_text=gettext_lazy("Two full members: required to become probationary."),
    )


class ExtendSerializer(serializers.Serializer):
    until = serializers.DateField(label=gettext_lazy("extended until"))
    reason = serializers.CharField(max_length=300, label=gettext_lazy("reason"))


class WithdrawSerializer(serializers.Serializer):
    on = serializers.DateField(label=gettext_lazy("date"))
    reason = serializers.CharField(max_length=300, label=gettext_lazy("reason"))


class DueSoonQuery(serializers.Serializer):
    park = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    within_days = serializers.IntegerField(
        required=False, min_value=0, max_value=366, default=selectors.DUE_WITHIN_DAYS
    )


class DueSerializer(serializers.Serializer):
    application = serializers.IntegerField(source="application.pk")
    name = serializers.CharField(source="application.name")
    organization = serializers.IntegerField(source="application.organization_id")
    organization_name = serializers.CharField(source="application.organization.name")
    stage = serializers.CharField(source="application.stage")
    next_stage = serializers.SerializerMethodField()
    eligible_on = serializers.DateField()
    overdue = serializers.BooleanField()

    def get_next_stage(self, due) -> str:
        return STAGES[STAGES.index(due.application.stage) + 1]


class ApplicationViewSet(ScopedViewSet):
    """Applications from the first letter on, with each dated step. Create with `organization`, `name`,
    `applied_on`; then `advance`, `extend` (a probation) or `withdraw`."""

    queryset = applications_queryset()
    serializer_class = ApplicationSerializer
    filterset_class = ApplicationFilter
    ordering_fields = ["applied_on", "stage", "name"]
    ordering = ["organization__path", "applied_on", "pk"]
    search_fields = ["name"]

    def _answer(self, application: Application, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=application.pk)).data, status=code)

    @extend_schema(request=AdvanceSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        """The next step. Refused (400, nothing saved) when it skips a stage, comes before the time rules
        allow (a year as activist, a year of probation or its extension), is dated in the future or before
        the previous step, or — to probationary — lacks two full-member introducers."""
        application = self.get_object()
        params = AdvanceSerializer(data=request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        application = services.application_advance(
            application=application,
            stage=data["stage"],
            on=data["on"],
            approved_by=data["approved_by"],
            note=data["note"],
            introducers=data.get("introducers", []),
            actor=request.user,
        )
        return self._answer(application)

    @extend_schema(request=ExtendSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """Extend a probation (延长预备期) by at most a year, with the reason."""
        application = self.get_object()
        params = ExtendSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        return self._answer(
            services.probation_extend(application=application, actor=request.user, **params.validated_data)
        )

    @extend_schema(request=WithdrawSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The person leaves the pipeline before becoming a probationary member."""
        application = self.get_object()
        params = WithdrawSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        return self._answer(
            services.application_withdraw(application=application, actor=request.user, **params.validated_data)
        )

    @extend_schema(parameters=[DueSoonQuery], responses=DueSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="due-soon", filter_backends=[], pagination_class=None)
    def due_soon(self, request):
        """Activists who may become development targets and probationary members due for conversion
        within `within_days` (30 by default) or already, earliest first, among the caller's applications."""
        params = DueSoonQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        park_id = params.validated_data.get("park")
        park_ids = [park_id] if park_id else list(access.visible(request.user, Park).values_list("pk", flat=True))
        due = selectors.due_soon(
            park_ids=park_ids,
            today=timezone.localdate(),
            within_days=params.validated_data["within_days"],
            among=self.get_queryset(),
        )
        return Response(DueSerializer(due, many=True).data)


# --- statistics ------------------------------------------------------------------------------------


class MemberStatsQuery(serializers.Serializer):
    park = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)
    as_of = serializers.DateField(
        required=False, help_text="The day the members are counted on (default: until, else today)."
    )

    def validate(self, attrs):
        if attrs.get("since") and attrs.get("until") and attrs["since"] > attrs["until"]:
            raise serializers.ValidationError({"until": _("The end of the range comes before its start.")})
        return attrs


def share_field():
    return serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)


class CrossAppointmentSerializer(serializers.Serializer):
    secretaries = serializers.IntegerField()
    owners = serializers.IntegerField()
    senior_managers = serializers.IntegerField()
    mass_organization_heads = serializers.IntegerField()
    owners_share = share_field()
    senior_managers_share = share_field()
    mass_organization_heads_share = share_field()
    members_middle_or_higher = serializers.IntegerField()
    members_middle_or_higher_share = share_field()


class StagesSerializer(serializers.Serializer):
    applicant = serializers.IntegerField()
    activist = serializers.IntegerField()
    target = serializers.IntegerField()
    probationary = serializers.IntegerField()
    full = serializers.IntegerField()
    withdrawn = serializers.IntegerField()


class MemberStatsSerializer(serializers.Serializer):
    park = serializers.IntegerField(allow_null=True)
    since = serializers.DateField(allow_null=True)
    until = serializers.DateField(help_text=gettext_lazy("The end of the flows' period: `until`, else `as_of`."))
    as_of = serializers.DateField()
    members = serializers.IntegerField()
    probationary = serializers.IntegerField()
    applications = serializers.IntegerField()
    new_members = serializers.IntegerField()
    recommended = serializers.IntegerField()
    recommended_share = share_field()
    stages = StagesSerializer()
    cross_appointment = CrossAppointmentSerializer()
    links = LinksField()


# The filters of the members list that give each cross-appointment count's rows (selectors._cross_appointment).
CROSS_APPOINTMENT_FILTERS = {
    "secretaries": {"secretary": True},
    "owners": {"secretary": True, "post": PartyMember.Post.OWNER},
    "senior_managers": {"secretary": True, "post": PartyMember.Post.SENIOR_MANAGER},
    "mass_organization_heads": {"secretary": True, "mass_organization_head": True},
    "members_middle_or_higher": {"post": list(PartyMember.MIDDLE_OR_HIGHER)},
}


def member_stats_links(request, *, park: int | None, since, until, as_of) -> dict[str, str]:
    """Each count of stats/members → the list of its rows, dated and filtered by the same rule."""
    members = {"park": park, "as_of": as_of}
    period = {"park": park, "since": since, "until": until}
    links = {
        "members": list_url(request, "member", **members),
        "probationary": list_url(request, "member", **members, status=PartyMember.Status.PROBATIONARY),
        "applications": list_url(request, "application", **period),
        "new_members": list_url(request, "application", **period, reached=Stage.PROBATIONARY),
        "recommended": list_url(request, "application", **period, reached=Stage.PROBATIONARY, recommended=True),
    }
    for stage in [*STAGES, selectors.WITHDRAWN]:
        links[f"stages.{stage}"] = list_url(request, "application", park=park, as_of=as_of, stage=stage)
    for name, filters in CROSS_APPOINTMENT_FILTERS.items():
        links[f"cross_appointment.{name}"] = list_url(request, "member", **members, **filters)
    return links


class MemberStatsView(StatisticsView):
    """Members and probationary members as of a date (`as_of`, default `until`, else today: the same rule as
    `members/?as_of=`), applications at each stage on that date; applications and new members of a period
    (`since` to `until`, by default up to `as_of`) with the share who came recommended (推优); secretaries in
    cross-appointment (双向进入、交叉任职). `links`: each count's rows."""

    @extend_schema(parameters=[MemberStatsQuery], responses=MemberStatsSerializer)
    def get(self, request):
        data = self.query(MemberStatsQuery)
        park_ids = park_ids_for_statistics(request, data.get("park"))
        stats = selectors.member_stats(
            park_ids=park_ids, since=data.get("since"), until=data.get("until"), as_of=data.get("as_of")
        )
        period = {"park": data.get("park"), "since": data.get("since"), "until": stats["until"]}
        links = member_stats_links(request, **period, as_of=stats["as_of"])
        return Response(MemberStatsSerializer({**stats, **period, "links": links}).data)
