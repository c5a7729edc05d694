"""API for activities (with co-hosts, participants and photos), venues and their bookings, designations,
annual plans with their computed progress, and the designation statistics.

Serializers check shapes; the rules live in activities.services. Secretaries record their subtree's
activities and book venues for it (co-hosts' secretaries read the activity); park admins write venues,
designations and plans.
"""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from activities import selectors, services
from activities.models import (
    Activity,
    ActivityKind,
    ActivityPhoto,
    AnnualPlan,
    Designation,
    PlanTarget,
    Venue,
    VenueBooking,
)
from enterprises.models import Enterprise
from organizations.filters import SubtreeFilter
from organizations.models import Organization, Park, PartyMember
from parkparty import access
from parkparty.api import (
    DATETIME_FIELDS,
    ScopedRelatedField,
    ScopedViewSet,
    StatisticsView,
    assign,
    park_ids_for_statistics,
)
from parkparty.drilldown import LinksField, list_url
from parkparty.exports import Sheet
from parkparty.filters import AsOfFilter, ChoiceInFilter, RenamedFilterSet
from parkparty.uploads import SUFFIXES, private_file_response


def park_fixed_once_created(serializer, fields) -> dict:
    """A row stays in its park: the field is writable on creation only."""
    if serializer.instance is not None:
        fields["park"].read_only = True
    return fields


# --- activities ------------------------------------------------------------------------------------


class ActivityPhotoSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ActivityPhoto
        fields = ["id", "content_type", "size", "original_name", "uploaded_at", "url"]

    def get_url(self, photo) -> str:
        return self.context["request"].build_absolute_uri(reverse("v1:activity-photo-file", args=[photo.pk]))


class ActivitySerializer(serializers.ModelSerializer):
    organization = ScopedRelatedField(
        queryset=Organization.objects.all(),
        scope=access.organizations_in_charge,
        label=gettext_lazy("host organization"),
    )
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    co_hosts = ScopedRelatedField(
        queryset=Organization.objects.all(),
        scope=access.in_parks_known,  # the service checks co-hosts are of the host's park
        many=True,
        required=False,
        label=gettext_lazy("co-hosts"),
    )
    venue = ScopedRelatedField(
        queryset=Venue.objects.all(), scope=access.visible, required=False, allow_null=True, label=gettext_lazy("venue")
    )
    participants = ScopedRelatedField(
        queryset=PartyMember.objects.all(),
        scope=access.visible,
        many=True,
        required=False,
        label=gettext_lazy("participants"),
    )
    status = serializers.ChoiceField(choices=Activity.Status.choices, required=False)
    photos = ActivityPhotoSerializer(many=True, read_only=True)
    serializer_field_mapping = DATETIME_FIELDS

    class Meta:
        model = Activity
        fields = [
            "id", "park", "organization", "organization_name", "co_hosts", "kind", "title", "status", "starts_at",
            "duration_minutes", "venue", "place", "participants", "non_member_count", "description", "photos",
        ]  # fmt: skip
        read_only_fields = ["park"]

    def create(self, validated_data):
        validated_data.setdefault("status", Activity.Status.HELD)
        return self._save(Activity(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)

    def _save(self, activity: Activity, validated_data: dict) -> Activity:
        co_hosts = validated_data.pop("co_hosts", None)
        participants = validated_data.pop("participants", None)
        assign(activity, validated_data)
        return services.activity_save(
            activity=activity, co_hosts=co_hosts, participants=participants, actor=self.context["request"].user
        )

    def to_representation(self, instance):
        # After a write, read the activity back the way the list does (with its prefetched relations).
        if "photos" not in getattr(instance, "_prefetched_objects_cache", {}):
            instance = activities_queryset().get(pk=instance.pk)
        return super().to_representation(instance)


def activities_queryset():
    return Activity.objects.select_related("organization").prefetch_related(
        "co_hosts", "participants", Prefetch("photos", queryset=ActivityPhoto.objects.order_by("uploaded_at", "pk"))
    )


ACTIVITY_SHEET = Sheet(
    title=gettext_lazy("Activity ledger"),
    serializer=ActivitySerializer,
    fields=(
        "park",
        "organization",
        "kind",
        "title",
        "status",
        "starts_at",
        "duration_minutes",
        "venue",
        "place",
        "non_member_count",
        "description",
    ),
    names={"park": "park__name", "organization": "organization__name", "venue": "venue__name"},
    # The serializer reads the photos from the prefetch (else it fetches the activity again).
    prepare=lambda activities: activities.prefetch_related("photos"),
)  # fmt: skip


class ActivityFilter(django_filters.FilterSet):
    park = django_filters.ModelChoiceFilter(queryset=Park.objects.all())
    kind = ChoiceInFilter(choices=ActivityKind.choices)
    status = ChoiceInFilter(choices=Activity.Status.choices)
    within = SubtreeFilter(path_field="organization__path", label=gettext_lazy("within organization"))
    starts_after = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__gte")
    starts_before = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte")

    class Meta:
        model = Activity
        fields = ["park", "organization", "venue", "kind", "status", "within", "starts_after", "starts_before"]


class PhotoUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=gettext_lazy("JPEG, PNG, WebP or PDF (by content), at most 10 MB."))


class ActivityViewSet(ScopedViewSet):
    """Activities led by an organization and co-hosted by others. The leading host's secretary (or a park
    admin) records and changes them; co-hosts' secretaries read them."""

    queryset = activities_queryset()
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter
    ordering_fields = ["starts_at", "kind"]
    ordering = ["-starts_at", "-pk"]
    search_fields = ["title"]
    export_sheet = ACTIVITY_SHEET

    @extend_schema(request={"multipart/form-data": PhotoUploadSerializer}, responses={201: ActivityPhotoSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def photos(self, request, pk=None):
        activity = self.get_object()
        params = PhotoUploadSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        photo = services.photo_add(activity=activity, upload=params.validated_data["file"], actor=request.user)
        return Response(
            ActivityPhotoSerializer(photo, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED
        )


class ActivityPhotoFileView(APIView):
    """An activity's photo or PDF, streamed to those who may read the activity (co-hosts included).
    The files live under MEDIA_ROOT, which no URL serves: this view is the only way to them."""

    @extend_schema(
        responses={(200, content_type): OpenApiTypes.BINARY for content_type in SUFFIXES},
        operation_id="activity_photos_file_retrieve",
    )
    def get(self, request, pk: int):
        readable = access.visible(request.user, Activity).values("pk")
        photo = get_object_or_404(ActivityPhoto.objects.filter(activity__in=readable), pk=pk)
        return private_file_response(photo)


# --- venues and bookings ---------------------------------------------------------------------------


class VenueSerializer(serializers.ModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all(), label=gettext_lazy("park"))
    owner = ScopedRelatedField(
        queryset=Enterprise.objects.all(),
        scope=access.visible,
        required=False,
        allow_null=True,
        label=gettext_lazy("owner enterprise"),
        help_text=gettext_lazy("Null: the park's own venue."),
    )

    class Meta:
        model = Venue
        fields = ["id", "park", "name", "owner", "capacity", "shared", "address"]

    def get_fields(self):
        return park_fixed_once_created(self, super().get_fields())

    def create(self, validated_data):
        return services.venue_save(venue=Venue(**validated_data), actor=self.context["request"].user)

    def update(self, instance, validated_data):
        assign(instance, validated_data)
        return services.venue_save(venue=instance, actor=self.context["request"].user)


class VenueViewSet(ScopedViewSet):
    """Meeting rooms and activity centres (阵地): read by everyone working in the park, kept by its admins."""

    queryset = Venue.objects.all()
    serializer_class = VenueSerializer
    filterset_fields = ["park", "owner", "shared"]
    ordering_fields = ["name", "capacity"]
    ordering = ["park", "name"]
    search_fields = ["name", "address"]


class VenueBookingSerializer(serializers.ModelSerializer):
    serializer_field_mapping = DATETIME_FIELDS
    venue = ScopedRelatedField(queryset=Venue.objects.all(), scope=access.visible, label=gettext_lazy("venue"))
    organization = ScopedRelatedField(
        queryset=Organization.objects.all(), scope=access.organizations_in_charge, label=gettext_lazy("booked by")
    )

    class Meta:
        model = VenueBooking
        fields = ["id", "venue", "organization", "starts_at", "ends_at", "purpose", "activity", "meeting"]
        # An activity's or meeting's booking follows it (activities.services.activity_save).
        read_only_fields = ["activity", "meeting"]

    def validate(self, attrs):
        if self.instance is not None and (self.instance.activity_id or self.instance.meeting_id):
            raise serializers.ValidationError(
                {"activity": _("This booking follows its activity or meeting: change that instead.")}
            )
        return attrs

    def create(self, validated_data):
        return services.booking_save(booking=VenueBooking(**validated_data), actor=self.context["request"].user)

    def update(self, instance, validated_data):
        assign(instance, validated_data)
        return services.booking_save(booking=instance, actor=self.context["request"].user)


class VenueBookingFilter(django_filters.FilterSet):
    park = django_filters.ModelChoiceFilter(field_name="venue__park", queryset=Park.objects.all())
    starts_after = django_filters.DateFilter(field_name="ends_at", lookup_expr="date__gte")
    starts_before = django_filters.DateFilter(field_name="starts_at", lookup_expr="date__lte")

    class Meta:
        model = VenueBooking
        fields = ["park", "venue", "organization", "starts_after", "starts_before"]


class VenueBookingViewSet(ScopedViewSet):
    """Who holds which venue when: everyone working in the park reads the calendar; secretaries book for
    their subtree, park admins for anyone. Two bookings of a venue never overlap (400 on `starts_at`)."""

    queryset = VenueBooking.objects.all()
    serializer_class = VenueBookingSerializer
    filterset_class = VenueBookingFilter
    ordering_fields = ["starts_at"]
    ordering = ["starts_at", "pk"]


# --- designations ----------------------------------------------------------------------------------


class DesignationSerializer(serializers.ModelSerializer):
    organization = ScopedRelatedField(queryset=Organization.objects.all(), label=gettext_lazy("organization"))
    members = ScopedRelatedField(
        queryset=PartyMember.objects.all(),
        scope=access.visible,
        many=True,
        required=False,
        label=gettext_lazy("members"),
    )

    class Meta:
        model = Designation
        fields = ["id", "park", "organization", "kind", "name", "members", "started_on", "ended_on"]
        read_only_fields = ["park"]

    def create(self, validated_data):
        members = validated_data.pop("members", None)
        return services.designation_save(
            designation=Designation(**validated_data), members=members, actor=self.context["request"].user
        )

    def update(self, instance, validated_data):
        members = validated_data.pop("members", None)
        assign(instance, validated_data)
        return services.designation_save(designation=instance, members=members, actor=self.context["request"].user)


class DesignationFilter(RenamedFilterSet):
    park = django_filters.ModelChoiceFilter(queryset=Park.objects.all())
    kind = ChoiceInFilter(choices=Designation.Kind.choices)
    within = SubtreeFilter(path_field="organization__path", label=gettext_lazy("within organization"))
    as_of = AsOfFilter(label=gettext_lazy("in force on (YYYY-MM-DD)"))
    # The old name, read as `as_of` (RenamedFilterSet); declared so that the schema lists it, deprecated.
    active_on = AsOfFilter()

    class Meta:
        model = Designation
        fields = ["park", "organization", "kind", "within", "as_of", "active_on"]

    def filter_queryset(self, queryset):
        """With `as_of`, the designations in force that day (selectors.designations_as_of, the rule of
        stats/designations), within the rows the caller sees."""
        day = self.form.cleaned_data.get("as_of")
        if day:
            queryset = selectors.designations_as_of(day, queryset)
        return super().filter_queryset(queryset)


class DesignationViewSet(ScopedViewSet):
    """Pioneer teams, demo posts, responsibility zones … of the park's organizations, with their members;
    park admins award them."""

    queryset = Designation.objects.prefetch_related("members")
    serializer_class = DesignationSerializer
    filterset_class = DesignationFilter
    ordering_fields = ["started_on", "kind", "name"]
    ordering = ["park", "kind", "name", "pk"]
    search_fields = ["name"]


# --- annual plans ----------------------------------------------------------------------------------


class PlanTargetSerializer(serializers.ModelSerializer):
    counts = serializers.ChoiceField(choices=PlanTarget.Counts.choices)
    kind = serializers.CharField(
        max_length=30, help_text=gettext_lazy("An activity kind, or a meeting kind when counting meetings.")
    )
    label = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    target = serializers.IntegerField(min_value=1, max_value=1_000_000)
    title = serializers.CharField(read_only=True)

    class Meta:
        model = PlanTarget
        fields = ["counts", "kind", "label", "title", "target"]


class ProgressSerializer(serializers.Serializer):
    counts = serializers.CharField(source="target.counts")
    kind = serializers.CharField(source="target.kind")
    title = serializers.CharField(source="target.title")
    target = serializers.IntegerField(source="target.target")
    done = serializers.IntegerField()
    rate = serializers.DecimalField(max_digits=9, decimal_places=4, allow_null=True)
    percent = serializers.IntegerField(min_value=0, max_value=100)


class PlanListSerializer(serializers.ListSerializer):
    """A page of plans: their progress is counted for the whole page at once (two queries)."""

    def to_representation(self, data):
        plans = list(data.all() if hasattr(data, "all") else data)
        self.context["plan_progress"] = selectors.plan_progress(plans)
        return super().to_representation(plans)


class AnnualPlanSerializer(serializers.ModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all(), label=gettext_lazy("park"))
    targets = PlanTargetSerializer(many=True, required=False)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = AnnualPlan
        fields = ["id", "park", "year", "title", "targets", "progress"]
        list_serializer_class = PlanListSerializer
        # One plan per park and year: the service's full_clean says so, naming the fields.
        validators: list = []

    def get_fields(self):
        return park_fixed_once_created(self, super().get_fields())

    @extend_schema_field(ProgressSerializer(many=True))
    def get_progress(self, plan) -> list[dict]:
        progress = self.context.get("plan_progress", {}).get(plan.pk)
        if progress is None:  # a single plan (retrieve, or the answer to a write)
            progress = selectors.plan_progress([plan])[plan.pk]
        return ProgressSerializer(progress, many=True).data

    def create(self, validated_data):
        return self._save(AnnualPlan(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)

    def _save(self, plan: AnnualPlan, validated_data: dict) -> AnnualPlan:
        targets = validated_data.pop("targets", None)
        assign(plan, validated_data)
        lines = None if targets is None else [PlanTarget(**row) for row in targets]
        plan = services.plan_save(plan=plan, targets=lines, actor=self.context["request"].user)
        return AnnualPlan.objects.prefetch_related("targets").get(pk=plan.pk)


class AnnualPlanViewSet(ScopedViewSet):
    """A park's targets for a year and the progress towards each, counted from the held activities and
    meetings of that park and year (never typed in). Park admins set them; everyone in the park reads."""

    queryset = AnnualPlan.objects.prefetch_related("targets")
    serializer_class = AnnualPlanSerializer
    filterset_fields = ["park", "year"]
    ordering_fields = ["year"]
    ordering = ["park", "-year"]


# --- statistics ------------------------------------------------------------------------------------


class DesignationStatsQuery(serializers.Serializer):
    park = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    as_of = serializers.DateField(required=False, help_text=gettext_lazy("Defaults to today."))
    # Read as `as_of` (StatisticsView.query); declared so that the schema lists it, deprecated.
    on = serializers.DateField(required=False)


class DesignationStatsSerializer(serializers.Serializer):
    park = serializers.IntegerField(allow_null=True)
    as_of = serializers.DateField()
    on = serializers.DateField(help_text=gettext_lazy("Deprecated: the same as `as_of`, for older clients."))
    total = serializers.IntegerField()
    by_kind = serializers.DictField(child=serializers.IntegerField())
    links = LinksField()


class DesignationStatsView(StatisticsView):
    """Designations in force on a date, by kind (Quanzhou: 389 pioneer teams, 382 demo posts …); each
    count links to the designations list of that day (and kind)."""

    @extend_schema(parameters=[DesignationStatsQuery], responses=DesignationStatsSerializer)
    def get(self, request):
        data = self.query(DesignationStatsQuery)
        park_id = data.get("park")
        as_of = data.get("as_of") or timezone.localdate()
        counts = selectors.designation_counts(park_ids=park_ids_for_statistics(request, park_id), on=as_of)
        links = {"total": list_url(request, "designation", park=park_id, as_of=as_of)}
        for kind in counts:
            links[f"by_kind.{kind}"] = list_url(request, "designation", park=park_id, as_of=as_of, kind=kind)
        body = {
            "park": park_id,
            "as_of": as_of,
            "on": as_of,
            "total": sum(counts.values()),
            "by_kind": counts,
            "links": links,
        }
        return Response(DesignationStatsSerializer(body).data)
