"""API for the enterprise ledger, coverage links, instructors and the coverage statistics."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises import selectors, services
from enterprises.models import Coverage, Enterprise, Instructor, InstructorAssignment, active_on
from organizations.models import District, Grid, Organization, Park
from parkparty import access
from parkparty.api import ScopedRelatedField, ScopedViewSet, assign, park_ids_for_statistics, via_token
from parkparty.exports import Sheet
from parkparty.filters import ChoiceInFilter
from parkparty.privacy import shows_personal_data

# --- enterprises -----------------------------------------------------------------------------------


class EnterpriseFilter(django_filters.FilterSet):
    status = ChoiceInFilter(choices=Enterprise.Status.choices)
    covered = django_filters.BooleanFilter(
        field_name="covering_organization_id", lookup_expr="isnull", exclude=True, label=gettext_lazy("covered today")
    )

    needs_own_branch = django_filters.BooleanFilter(
        method="filter_needs_own_branch", label=gettext_lazy("3 or more full members and no own branch")
    )

    class Meta:
        model = Enterprise
        fields = [
            "park",
            "district",
            "grid",
            "industry",
            "status",
            "above_scale",
            "above_quota",
            "covered",
            "charter_includes_party_building",
        ]

    def filter_needs_own_branch(self, queryset, name, value):
        """The ledger finding (a unit with 3 full members should have its own branch), as of today."""
        finding = selectors.enterprises_needing_own_branch(queryset, timezone.localdate())
        return finding if value else queryset.exclude(pk__in=finding.values("pk"))


class EnterpriseSerializer(serializers.ModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all(), label=gettext_lazy("park"))
    district = ScopedRelatedField(
        queryset=District.objects.all(), required=False, allow_null=True, label=gettext_lazy("district")
    )
    grid = ScopedRelatedField(queryset=Grid.objects.all(), required=False, allow_null=True, label=gettext_lazy("grid"))
    # Null for an enterprise nobody covers today.
    covering_organization = serializers.IntegerField(source="covering_organization_id", read_only=True, allow_null=True)
    covering_formation = serializers.CharField(read_only=True, allow_null=True)
    has_instructor = serializers.BooleanField(read_only=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "park",
            "name",
            "credit_code",
            "industry",
            "above_scale",
            "above_quota",
            "employees",
            "output_value",
            "status",
            "entered_on",
            "left_on",
            "charter_includes_party_building",
            "district",
            "grid",
            "address",
            "covering_organization",
            "covering_formation",
            "has_instructor",
        ]
        # Leaving the park goes through the `leave` action, which also ends the coverage.
        read_only_fields = ["status", "left_on"]
        # The model's clean() answers a duplicate credit code with a message that says what it means.
        validators: list = []

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            # Coverages and members refer to organizations of this park: a firm that moves parks
            # leaves (the `leave` action) and is entered anew in the other.
            fields["park"].read_only = True
        return fields

    def create(self, validated_data):
        enterprise = Enterprise(**validated_data)
        return services.enterprise_save(enterprise=enterprise, actor=self.context["request"].user)

    def update(self, instance, validated_data):
        assign(instance, validated_data)
        return services.enterprise_save(enterprise=instance, actor=self.context["request"].user)

    def to_representation(self, instance):
        if not hasattr(instance, "has_instructor"):
            instance = annotated_enterprises(Enterprise.objects.filter(pk=instance.pk)).get()
        return super().to_representation(instance)


def annotated_enterprises(queryset):
    return selectors.with_current_coverage(queryset, timezone.localdate())


ENTERPRISE_SHEET = Sheet(
    title=gettext_lazy("Enterprise ledger"),
    serializer=EnterpriseSerializer,
    fields=(
        "park",
        "name",
        "credit_code",
        "industry",
        "above_scale",
        "above_quota",
        "employees",
        "output_value",
        "status",
        "entered_on",
        "left_on",
        "charter_includes_party_building",
        "district",
        "grid",
        "address",
        "covering_organization",
        "covering_formation",
        "has_instructor",
    ),
    names={
        "park": "park__name",
        "district": "district__name",
        "grid": "grid__name",
        "covering_organization": "covering_organization_name",
    },
    labels={
        "covering_organization": gettext_lazy("Covering organization today"),
        "covering_formation": gettext_lazy("Formation of the covering organization"),
        "has_instructor": gettext_lazy("Has an instructor"),
    },
    choices={"covering_formation": Organization.Formation.choices},
)  # fmt: skip


class LeaveSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[Enterprise.Status.MOVED_OUT, Enterprise.Status.CLOSED])
    on = serializers.DateField()


class EnterpriseViewSet(ScopedViewSet):
    queryset = Enterprise.objects.all()
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    ordering_fields = ["name", "employees", "output_value", "entered_on"]
    ordering = ["name", "pk"]
    search_fields = ["name", "credit_code"]
    export_sheet = ENTERPRISE_SHEET

    def get_queryset(self):
        return annotated_enterprises(super().get_queryset())

    @extend_schema(request=LeaveSerializer, responses=EnterpriseSerializer)
    @action(detail=True, methods=["post"])
    def leave(self, request, pk=None):
        enterprise = self.get_object()
        params = LeaveSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        services.enterprise_leave(enterprise=enterprise, **params.validated_data, actor=request.user)
        return Response(self.get_serializer(self.get_object()).data)


# --- coverage links --------------------------------------------------------------------------------


class CoverageFilter(django_filters.FilterSet):
    park = django_filters.ModelChoiceFilter(field_name="enterprise__park", queryset=Park.objects.all())
    active_on = django_filters.DateFilter(method="filter_active_on", label=gettext_lazy("in force on"))

    class Meta:
        model = Coverage
        fields = ["park", "enterprise", "organization", "active_on"]

    def filter_active_on(self, queryset, name, value):
        return queryset.filter(active_on(value))


class CoverageSerializer(serializers.ModelSerializer):
    enterprise = ScopedRelatedField(queryset=Enterprise.objects.all(), label=gettext_lazy("enterprise"))
    organization = ScopedRelatedField(queryset=Organization.objects.all(), label=gettext_lazy("organization"))

    class Meta:
        model = Coverage
        fields = ["id", "enterprise", "organization", "started_on", "ended_on"]
        read_only_fields = ["ended_on"]

    def create(self, validated_data):
        return services.coverage_start(
            enterprise=validated_data["enterprise"],
            organization=validated_data["organization"],
            on=validated_data["started_on"],
            actor=self.context["request"].user,
        )

    def update(self, instance, validated_data):
        raise PermissionDenied(_("Coverage is history: end it and start a new one instead of editing it."))


class EndSerializer(serializers.Serializer):
    on = serializers.DateField()


class CoverageViewSet(ScopedViewSet):
    """Who covers whom, when. Created through the coverage service; ended with `end`, never edited."""

    queryset = Coverage.objects.all()
    serializer_class = CoverageSerializer
    filterset_class = CoverageFilter
    ordering_fields = ["started_on", "ended_on"]
    ordering = ["enterprise_id", "-started_on"]
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=EndSerializer, responses=CoverageSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        coverage = self.get_object()
        params = EndSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        services.coverage_end(coverage=coverage, on=params.validated_data["on"], actor=request.user)
        return Response(CoverageSerializer(coverage, context=self.get_serializer_context()).data)


# --- instructors -----------------------------------------------------------------------------------


class InstructorSerializer(serializers.ModelSerializer):
    enterprises = serializers.SerializerMethodField()

    class Meta:
        model = Instructor
        fields = ["id", "park", "name", "title", "phone", "enterprises"]

    def get_enterprises(self, instructor) -> list[int]:
        return [assignment.enterprise_id for assignment in instructor.current_assignments]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context["request"]
        if not shows_personal_data(request, instance.park_id, via_token=via_token(request)):
            data["phone"] = instance.masked_phone
        return data


class InstructorViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = InstructorSerializer
    filterset_fields = ["park"]
    ordering_fields = ["name"]
    search_fields = ["name"]
    queryset = Instructor.objects.all()

    def get_queryset(self):
        current = InstructorAssignment.objects.filter(active_on(timezone.localdate()))
        return access.visible(self.request.user, super().get_queryset()).prefetch_related(
            Prefetch("assignments", queryset=current, to_attr="current_assignments")
        )


# --- statistics ------------------------------------------------------------------------------------


class CoverageQuerySerializer(serializers.Serializer):
    park = serializers.IntegerField(required=False, min_value=1)
    as_of = serializers.DateField(required=False)
    group_by = serializers.ChoiceField(choices=selectors.GROUPINGS, required=False)


class CoverageGroupSerializer(serializers.Serializer):
    key = serializers.JSONField()
    label = serializers.CharField()
    total_enterprises = serializers.IntegerField()
    covered_enterprises = serializers.IntegerField()
    coverage_rate = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)


class CoverageStatsSerializer(serializers.Serializer):
    park = serializers.IntegerField(allow_null=True)
    as_of = serializers.DateField()
    total_enterprises = serializers.IntegerField()
    covered_enterprises = serializers.IntegerField()
    coverage_rate = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)
    standalone_covered = serializers.IntegerField()
    joint_covered = serializers.IntegerField()
    work_covered = serializers.IntegerField()
    branches = serializers.IntegerField()
    groups = CoverageGroupSerializer(many=True, required=False)


class CoverageStatsView(APIView):
    """Coverage of a park (or of every park in the caller's scope) as of a date, computed in SQL and
    cached until the ledger next changes."""

    @extend_schema(parameters=[CoverageQuerySerializer], responses=CoverageStatsSerializer)
    def get(self, request):
        params = CoverageQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        park_id = params.validated_data.get("park")
        as_of = params.validated_data.get("as_of") or timezone.localdate()
        summary = selectors.cached_coverage_summary(
            park_ids=park_ids_for_statistics(request, park_id),
            as_of=as_of,
            group_by=params.validated_data.get("group_by"),
        )
        return Response(CoverageStatsSerializer({**summary, "park": park_id, "as_of": as_of}).data)
