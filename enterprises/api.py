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

from enterprises import selectors, services
from enterprises.models import Coverage, Enterprise, Instructor, InstructorAssignment
from organizations.models import District, Grid, Organization, Park
from parkparty import access
from parkparty.api import (
    ScopedRelatedField,
    ScopedViewSet,
    StatisticsView,
    assign,
    park_ids_for_statistics,
    via_token,
)
from parkparty.drilldown import LinksField, list_url
from parkparty.exports import Sheet
from parkparty.filters import AsOfFilter, ChoiceInFilter, RenamedFilterSet
from parkparty.privacy import shows_personal_data

# --- enterprises -----------------------------------------------------------------------------------


class EnterpriseFilter(django_filters.FilterSet):
    """With `as_of`, the enterprises in the park that day, and every coverage filter (`covered`,
    `covering_formation`, `has_instructor`, `work_covered`, `needs_own_branch`) reads that day's ledger:
    the rows stats/coverage counts (selectors.enterprises_listed_on). Without it, today's."""

    as_of = AsOfFilter()
    status = ChoiceInFilter(choices=Enterprise.Status.choices)
    covered = django_filters.BooleanFilter(
        field_name="covering_organization_id",
        lookup_expr="isnull",
        exclude=True,
        label=gettext_lazy("covered by an organization (on as_of, else today)"),
    )
    covering_formation = ChoiceInFilter(
        choices=Organization.Formation.choices,
        label=gettext_lazy("formation of the covering organization (on as_of, else today)"),
    )
    has_instructor = django_filters.BooleanFilter(
        label=gettext_lazy("an instructor assigned (on as_of, else today)"),
    )
    work_covered = django_filters.BooleanFilter(
        method="filter_work_covered",
        label=gettext_lazy("work coverage: no covering organization, an instructor assigned (on as_of, else today)"),
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
            "covering_formation",
            "has_instructor",
            "work_covered",
            "charter_includes_party_building",
            "as_of",
        ]

    def filter_queryset(self, queryset):
        day = self.form.cleaned_data.get("as_of")
        if day:
            queryset = selectors.enterprises_listed_on(queryset, day)
        return super().filter_queryset(queryset)

    def day(self):
        return self.form.cleaned_data.get("as_of") or timezone.localdate()

    def filter_work_covered(self, queryset, name, value):
        return queryset.filter(selectors.work_covered(value))

    def filter_needs_own_branch(self, queryset, name, value):
        """The ledger finding (a unit with 3 full members should have its own branch), that day."""
        finding = selectors.enterprises_needing_own_branch(queryset, self.day())
        return finding if value else queryset.exclude(pk__in=finding.values("pk"))


class EnterpriseSerializer(serializers.ModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all(), label=gettext_lazy("park"))
    district = ScopedRelatedField(
        queryset=District.objects.all(), required=False, allow_null=True, label=gettext_lazy("district")
    )
    grid = ScopedRelatedField(queryset=Grid.objects.all(), required=False, allow_null=True, label=gettext_lazy("grid"))
    # As of the list's `as_of` (else today); null for an enterprise nobody covers that day.
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
        "covering_organization": gettext_lazy("Covering organization"),
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


class CoverageFilter(RenamedFilterSet):
    park = django_filters.ModelChoiceFilter(field_name="enterprise__park", queryset=Park.objects.all())
    as_of = AsOfFilter(label=gettext_lazy("in force on (YYYY-MM-DD)"))
    # The old name, read as `as_of` (RenamedFilterSet); declared so that the schema lists it, deprecated.
    active_on = AsOfFilter(label=gettext_lazy("in force on"))

    class Meta:
        model = Coverage
        fields = ["park", "enterprise", "organization", "as_of", "active_on"]

    def filter_queryset(self, queryset):
        day = self.form.cleaned_data.get("as_of")
        if day:
            queryset = selectors.coverages_on(day, coverages=queryset)
        return super().filter_queryset(queryset)


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


class InstructorFilter(django_filters.FilterSet):
    """With `as_of`, the instructors on the ledger that day (an assignment in force), each listing the
    enterprises assigned that day; without it, every instructor with today's enterprises."""

    as_of = AsOfFilter()
    # Exact: the published counts are by rank ("县级领导干部2名"), which the ledger keeps as the title.
    title = django_filters.CharFilter(max_length=100, label=gettext_lazy("title (exact)"))

    class Meta:
        model = Instructor
        fields = ["park", "as_of", "title"]

    def filter_queryset(self, queryset):
        day = self.form.cleaned_data.get("as_of")
        if day:
            queryset = with_assignments_on(selectors.instructors_on(day, instructors=queryset), day)
        return super().filter_queryset(queryset)


def with_assignments_on(instructors, on):
    """Each instructor's assignments in force on the date, as `current_assignments` (one query for the
    page). Replaces the prefetch of today's that the view's queryset carries."""
    dated = selectors.assignments_on(on)
    return instructors.prefetch_related(None).prefetch_related(
        Prefetch("assignments", queryset=dated, to_attr="current_assignments")
    )


class InstructorSerializer(serializers.ModelSerializer):
    # The enterprises assigned on the list's `as_of`, else today.
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
    filterset_class = InstructorFilter
    ordering_fields = ["name"]
    search_fields = ["name"]
    queryset = Instructor.objects.all()

    def get_queryset(self):
        return with_assignments_on(access.visible(self.request.user, super().get_queryset()), timezone.localdate())


class AssignmentFilter(django_filters.FilterSet):
    park = django_filters.ModelChoiceFilter(field_name="enterprise__park", queryset=Park.objects.all())
    as_of = AsOfFilter(label=gettext_lazy("in force on (YYYY-MM-DD)"))

    class Meta:
        model = InstructorAssignment
        fields = ["park", "instructor", "enterprise", "as_of"]

    def filter_queryset(self, queryset):
        day = self.form.cleaned_data.get("as_of")
        if day:
            queryset = selectors.assignments_on(day, assignments=queryset)
        return super().filter_queryset(queryset)


class AssignmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = InstructorAssignment
        fields = ["id", "instructor", "enterprise", "started_on", "ended_on"]


class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Which instructor is sent to which enterprise, when (work coverage). Kept on the ledger pages."""

    queryset = InstructorAssignment.objects.all()
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    ordering_fields = ["started_on", "ended_on"]
    ordering = ["instructor_id", "-started_on", "pk"]

    def get_queryset(self):
        return access.visible(self.request.user, super().get_queryset())


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
    links = LinksField()


def coverage_links(request, park_id: int | None, as_of) -> dict[str, str]:
    """Each count of stats/coverage → the list of the rows it counts, for the same park and date."""
    enterprises = {"park": park_id, "as_of": as_of}
    return {
        "total_enterprises": list_url(request, "enterprise", **enterprises),
        "covered_enterprises": list_url(request, "enterprise", **enterprises, covered=True),
        "standalone_covered": list_url(
            request, "enterprise", **enterprises, covering_formation=Organization.Formation.STANDALONE
        ),
        "joint_covered": list_url(
            request, "enterprise", **enterprises, covering_formation=Organization.Formation.JOINT
        ),
        "work_covered": list_url(request, "enterprise", **enterprises, work_covered=True),
        "branches": list_url(request, "organization", park=park_id, as_of=as_of, counts_as_branch=True),
    }


class CoverageStatsView(StatisticsView):
    """Coverage of a park (or of every park in the caller's scope) as of a date, computed in SQL and
    cached until the ledger next changes; each count links to the list of its rows."""

    @extend_schema(parameters=[CoverageQuerySerializer], responses=CoverageStatsSerializer)
    def get(self, request):
        params = self.query(CoverageQuerySerializer)
        park_id = params.get("park")
        as_of = params.get("as_of") or timezone.localdate()
        summary = selectors.cached_coverage_summary(
            park_ids=park_ids_for_statistics(request, park_id),
            as_of=as_of,
            group_by=params.get("group_by"),
        )
        links = coverage_links(request, park_id, as_of)
        return Response(CoverageStatsSerializer({**summary, "park": park_id, "as_of": as_of, "links": links}).data)
