"""API for meetings (with nested attendance and guests), attachments, rules, joint bodies and matters,
and the meeting and matter statistics."""

from __future__ import annotations

from datetime import date, timedelta

import django_filters
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from enterprises.models import Enterprise
from meetings import selectors, services
from meetings.models import Attachment, Attendance, ChairTerm, JointBody, Matter, Meeting, MeetingKind, MeetingRule
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
from parkparty.figures import rate
from parkparty.filters import AsOfFilter, ChoiceInFilter, MonthField, RenamedFilterSet
from parkparty.idempotency import IdempotentWrites
from parkparty.relations import related_rows

# --- meetings --------------------------------------------------------------------------------------


class AttendanceSerializer(serializers.ModelSerializer):
    member = ScopedRelatedField(queryset=PartyMember.objects.all(), scope=access.visible, label=gettext_lazy("member"))
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["member", "member_name", "status", "reason"]


class GuestSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    role = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    enterprise = ScopedRelatedField(
        queryset=Enterprise.objects.all(), scope=access.visible, required=False, allow_null=True, default=None
    )


class AttachmentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "content_type", "size", "original_name", "uploaded_at", "url"]

    def get_url(self, attachment) -> str:
        return self.context["request"].build_absolute_uri(reverse("meeting-attachment", args=[attachment.pk]))


class MeetingSerializer(serializers.ModelSerializer):
    serializer_field_mapping = DATETIME_FIELDS
    host = ScopedRelatedField(
        queryset=Organization.objects.all(),
        scope=access.organizations_in_charge,
        required=False,
        allow_null=True,
        label=gettext_lazy("host organization"),
    )
    joint_body = ScopedRelatedField(
        queryset=JointBody.objects.all(), required=False, allow_null=True, label=gettext_lazy("joint body")
    )
    venue = ScopedRelatedField(
        queryset=related_rows(Meeting, "venue"),
        scope=access.visible,
        required=False,
        allow_null=True,
        label=gettext_lazy("venue"),
    )
    chair = ScopedRelatedField(
        queryset=PartyMember.objects.all(),
        scope=access.visible,
        required=False,
        allow_null=True,
        label=gettext_lazy("chair"),
    )
    recorder = ScopedRelatedField(
        queryset=PartyMember.objects.all(), scope=access.visible, required=False, allow_null=True
    )
    status = serializers.ChoiceField(choices=Meeting.Status.choices, required=False)
    attendance = AttendanceSerializer(many=True, required=False)
    guests = GuestSerializer(many=True, required=False)
    attachments = AttachmentSerializer(many=True, read_only=True)
    attendance_rate = serializers.SerializerMethodField()
    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, help_text=_("Why confirmed minutes change (required then).")
    )

    class Meta:
        model = Meeting
        fields = [
            "id", "park", "host", "joint_body", "kind", "status", "scheduled_at", "held_at", "place", "venue",
            "chair", "recorder", "topic", "minutes", "decisions", "attendance", "attendance_rate", "guests",
            "attachments", "reason",
        ]  # fmt: skip
        read_only_fields = ["park"]

    def get_attendance_rate(self, meeting) -> str | None:
        value = selectors.attendance_rate(meeting)  # from the prefetched attendance
        return None if value is None else str(value)

    def validate(self, attrs):
        host = attrs.get("host", getattr(self.instance, "host", None))
        joint_body = attrs.get("joint_body", getattr(self.instance, "joint_body", None))
        if bool(host) == bool(joint_body):
            raise serializers.ValidationError({"host": _("Name either a host organization or a joint body.")})
        return attrs

    def _save(self, meeting: Meeting, validated_data: dict) -> Meeting:
        attendance = validated_data.pop("attendance", None)
        guests = validated_data.pop("guests", None)
        reason = validated_data.pop("reason", "")
        assign(meeting, validated_data)
        if meeting.pk is None:
            meeting.created_by = self.context["request"].user  # who logged it; an edit does not change it
        return services.meeting_save(
            meeting=meeting,
            attendance=None if attendance is None else [services.AttendanceLine(**row) for row in attendance],
            guests=None if guests is None else [_guest_line(row) for row in guests],
            reason=reason,
            actor=self.context["request"].user,
        )

    def create(self, validated_data):
        validated_data.setdefault("status", Meeting.Status.HELD)
        return self._save(Meeting(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


def _guest_line(row: dict) -> services.GuestLine:
    enterprise = row.get("enterprise")
    return services.GuestLine(
        name=row["name"], role=row.get("role", ""), enterprise_id=enterprise.pk if enterprise else None
    )


class MeetingFilter(django_filters.FilterSet):
    park = django_filters.ModelChoiceFilter(queryset=Park.objects.all())
    kind = ChoiceInFilter(choices=MeetingKind.choices)
    status = ChoiceInFilter(choices=Meeting.Status.choices)
    within = SubtreeFilter(path_field="host__path", label=gettext_lazy("within organization"))
    held_after = django_filters.DateFilter(field_name="held_at", lookup_expr="date__gte")
    held_before = django_filters.DateFilter(field_name="held_at", lookup_expr="date__lte")

    class Meta:
        model = Meeting
        fields = ["park", "host", "joint_body", "kind", "status", "within", "held_after", "held_before"]


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=gettext_lazy("Required when the minutes are confirmed.")
    )


MEETING_SHEET = Sheet(
    title=gettext_lazy("Meeting ledger"),
    serializer=MeetingSerializer,
    fields=(
        "park",
        "host",
        "joint_body",
        "kind",
        "status",
        "scheduled_at",
        "held_at",
        "place",
        "venue",
        "chair",
        "recorder",
        "topic",
        "decisions",
        "attendance_rate",
    ),
    names={
        "park": "park__name",
        "host": "host__name",
        "joint_body": "joint_body__name",
        "venue": "venue__name",
        "chair": "chair__name",
        "recorder": "recorder__name",
    },
    rates=("attendance_rate",),
    labels={"recorder": gettext_lazy("recorder"), "attendance_rate": gettext_lazy("Attendance rate")},
    # The attendance rate is counted from the prefetched attendance: one query per chunk of meetings.
    prepare=lambda meetings: meetings.prefetch_related("attendance"),
)  # fmt: skip


class MeetingViewSet(ScopedViewSet):
    """Meetings with attendance and guests. Secretaries log their subtree's; park admins confirm."""

    queryset = Meeting.objects.select_related("host", "joint_body").prefetch_related(
        Prefetch("attendance", queryset=Attendance.objects.select_related("member")), "guests", "attachments"
    )
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    ordering_fields = ["held_at", "scheduled_at", "kind"]
    ordering = ["-held_at", "-pk"]
    search_fields = ["topic"]
    export_sheet = MEETING_SHEET

    def check_object_permissions(self, request, obj):
        # Before ScopedAccess's bare 403 and before the input is read: confirmed minutes say so.
        if request.method not in permissions.SAFE_METHODS:
            services.require_unlocked(meeting=obj, actor=request.user)
        super().check_object_permissions(request, obj)

    @extend_schema(request=None, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        services.meeting_confirm(meeting=self.get_object(), actor=request.user)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request={"multipart/form-data": UploadSerializer}, responses={201: AttachmentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        meeting = self.get_object()
        params = UploadSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        attachment = services.attachment_add(
            meeting=meeting, upload=data["file"], actor=request.user, reason=data["reason"]
        )
        return Response(AttachmentSerializer(attachment, context=self.get_serializer_context()).data, status=201)


# --- rules -----------------------------------------------------------------------------------------


class MeetingRuleSerializer(serializers.ModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all(), label=gettext_lazy("park"))
    organization_kind = serializers.ChoiceField(choices=Organization.Kind.choices)

    class Meta:
        model = MeetingRule
        fields = ["id", "park", "kind", "organization_kind", "period", "times"]

    def create(self, validated_data):
        return services.meeting_rule_save(rule=MeetingRule(**validated_data), actor=self.context["request"].user)

    def update(self, instance, validated_data):
        assign(instance, validated_data)
        return services.meeting_rule_save(rule=instance, actor=self.context["request"].user)


class MeetingRuleViewSet(ScopedViewSet):
    """The minimum frequencies the compliance figures hold organizations to; park admins edit them."""

    queryset = MeetingRule.objects.all()
    serializer_class = MeetingRuleSerializer
    filterset_fields = ["park", "kind", "organization_kind", "period"]
    ordering = ["park", "organization_kind", "kind"]
    ordering_fields = ["kind", "organization_kind"]


# --- joint bodies ----------------------------------------------------------------------------------


class ChairTermSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)

    class Meta:
        model = ChairTerm
        fields = ["starts_on", "enterprise", "enterprise_name"]


class JointBodySerializer(serializers.ModelSerializer):
    rotation = serializers.SerializerMethodField()
    schedule = serializers.SerializerMethodField()
    current_chair = serializers.SerializerMethodField()
    next_chair = serializers.SerializerMethodField()

    class Meta:
        model = JointBody
        fields = [
            "id", "park", "name", "kind", "cadence", "established_on", "organizations", "enterprises",
            "rotation", "schedule", "current_chair", "next_chair",
        ]  # fmt: skip

    def get_rotation(self, body) -> list[int]:
        return [seat.enterprise_id for seat in body.seats.all()]

    def _terms(self, body) -> list[ChairTerm]:
        return sorted(body.terms.all(), key=lambda term: term.starts_on)  # prefetched

    def get_schedule(self, body) -> list[dict]:
        year = timezone.localdate().year
        return ChairTermSerializer([t for t in self._terms(body) if t.starts_on.year == year], many=True).data

    def _term_on(self, body, on: date) -> dict | None:
        started = [term for term in self._terms(body) if term.starts_on <= on]
        return ChairTermSerializer(started[-1]).data if started else None

    def get_current_chair(self, body) -> dict | None:
        return self._term_on(body, timezone.localdate())

    def get_next_chair(self, body) -> dict | None:
        today = timezone.localdate()
        upcoming = [term for term in self._terms(body) if term.starts_on > today]
        return ChairTermSerializer(upcoming[0]).data if upcoming else None


class YearSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class JointBodyViewSet(IdempotentWrites, viewsets.ReadOnlyModelViewSet):
    """Joint bodies with their rotation list and rotating chairs; park admins generate a year's schedule."""

    serializer_class = JointBodySerializer
    filterset_fields = ["park", "kind"]
    ordering_fields = ["name"]
    queryset = JointBody.objects.prefetch_related(
        "organizations",
        "enterprises",
        "seats",
        Prefetch("terms", queryset=ChairTerm.objects.select_related("enterprise")),
    )

    def get_queryset(self):
        return access.visible(self.request.user, super().get_queryset())

    @extend_schema(request=YearSerializer, responses=JointBodySerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        body = self.get_object()
        params = YearSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        services.chair_schedule_generate(joint_body=body, year=params.validated_data["year"], actor=request.user)
        return Response(self.get_serializer(self.get_object()).data)


# --- matters ---------------------------------------------------------------------------------------


class MatterSerializer(serializers.ModelSerializer):
    park = ScopedRelatedField(queryset=Park.objects.all(), scope=access.visible, label=gettext_lazy("park"))
    organization = ScopedRelatedField(
        queryset=Organization.objects.all(),
        scope=access.organizations_in_charge,
        required=False,
        allow_null=True,
        label=gettext_lazy("organization"),
    )
    enterprise = ScopedRelatedField(
        queryset=Enterprise.objects.all(),
        scope=access.visible,
        required=False,
        allow_null=True,
        label=gettext_lazy("enterprise"),
    )
    meeting = ScopedRelatedField(
        queryset=Meeting.objects.all(),
        scope=access.visible,
        required=False,
        allow_null=True,
        label=gettext_lazy("meeting"),
    )
    days_to_resolve = serializers.SerializerMethodField()

    class Meta:
        model = Matter
        fields = [
            "id", "park", "source", "meeting", "organization", "enterprise", "category", "title", "description",
            "raised_on", "assignee", "due_on", "status", "resolution", "resolved_on", "days_to_resolve",
        ]  # fmt: skip

    def get_days_to_resolve(self, matter) -> int | None:
        return services.matter_days_to_resolve(matter)

    def create(self, validated_data):
        user = self.context["request"].user
        return services.matter_save(matter=Matter(raised_by=user, **validated_data), actor=user)

    def update(self, instance, validated_data):
        assign(instance, validated_data)
        return services.matter_save(matter=instance, actor=self.context["request"].user)


class MatterFilter(RenamedFilterSet):
    park = django_filters.ModelChoiceFilter(queryset=Park.objects.all())
    status = ChoiceInFilter(choices=Matter.Status.choices, method="filter_status")
    category = ChoiceInFilter(choices=Matter.Category.choices)
    source = ChoiceInFilter(choices=Matter.Source.choices)
    since = django_filters.DateFilter(field_name="raised_on", lookup_expr="gte", label=gettext_lazy("raised since"))
    until = django_filters.DateFilter(field_name="raised_on", lookup_expr="lte", label=gettext_lazy("raised until"))
    raised_after = django_filters.DateFilter(field_name="raised_on", lookup_expr="gte")
    raised_before = django_filters.DateFilter(field_name="raised_on", lookup_expr="lte")
    as_of = AsOfFilter()
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=gettext_lazy("past its due date"))

    class Meta:
        model = Matter
        fields = ["park", "status", "category", "source", "enterprise", "organization", "meeting", "as_of"]

    def filter_queryset(self, queryset):
        """With `as_of`, the matters raised by that day (selectors.matters_as_of, the rule of
        stats/matters), and `status` is the status on that day."""
        day = self.form.cleaned_data.get("as_of")
        if day:
            queryset = selectors.matters_as_of(day, queryset)
        return super().filter_queryset(queryset)

    def filter_status(self, queryset, name, value):
        field = "status_on" if self.form.cleaned_data.get("as_of") else "status"
        return queryset.filter(**{f"{field}__in": value}) if value else queryset

    def filter_overdue(self, queryset, name, value):
        late = queryset.filter(due_on__lt=timezone.localdate()).exclude(status__in=Matter.DONE)
        return late if value else queryset.exclude(pk__in=late.values("pk"))


MATTER_SHEET = Sheet(
    title=gettext_lazy("Matters to coordinate"),
    serializer=MatterSerializer,
    fields=(
        "park",
        "source",
        "meeting",
        "organization",
        "enterprise",
        "category",
        "title",
        "description",
        "raised_on",
        "assignee",
        "due_on",
        "status",
        "resolution",
        "resolved_on",
        "days_to_resolve",
    ),
    names={
        "park": "park__name",
        "meeting": "meeting__topic",
        "organization": "organization__name",
        "enterprise": "enterprise__name",
    },
    labels={"days_to_resolve": gettext_lazy("Days to resolve")},
)  # fmt: skip


class MatterViewSet(ScopedViewSet):
    queryset = Matter.objects.all()
    serializer_class = MatterSerializer
    filterset_class = MatterFilter
    ordering_fields = ["raised_on", "due_on", "resolved_on", "status"]
    ordering = ["-raised_on", "-pk"]
    search_fields = ["title", "description"]
    export_sheet = MATTER_SHEET


# --- statistics ------------------------------------------------------------------------------------


class MeetingStatsQuery(serializers.Serializer):
    park = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    period = MonthField()


def _required_meeting_links(request, *, park: int | None, month: date, **filters) -> dict[str, str]:
    """`required` and `held` → the required meetings of the month (see RequiredMeetingViewSet)."""
    dated = {"park": park, "period": f"{month:%Y-%m}", **filters}
    return {
        "required": list_url(request, "required-meeting", **dated),
        "held": list_url(request, "required-meeting", **dated, held=True),
    }


class OrganizationComplianceSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    name = serializers.CharField(source="organization.name")
    kind = serializers.CharField(source="organization.kind")
    required = serializers.IntegerField()
    held = serializers.IntegerField()
    compliance_rate = serializers.DecimalField(source="rate", max_digits=5, decimal_places=4, allow_null=True)
    links = LinksField()


class MeetingStatsSerializer(serializers.Serializer):
    park = serializers.IntegerField(allow_null=True)
    period = serializers.CharField()
    required = serializers.IntegerField()
    held = serializers.IntegerField()
    compliance_rate = serializers.DecimalField(max_digits=5, decimal_places=4, allow_null=True)
    branches = OrganizationComplianceSerializer(many=True)
    links = LinksField()


class MeetingStatsView(StatisticsView):
    """三会一课 compliance for the requirements that close in a month: required against held per
    organization (held counts up to what was required). `required` and `held` link to the month's
    required meetings (required-meetings/), all of them and those held."""

    @extend_schema(parameters=[MeetingStatsQuery], responses=MeetingStatsSerializer)
    def get(self, request):
        data = self.query(MeetingStatsQuery)
        park_id, month = data.get("park"), data["period"]
        rows = selectors.compliance_for_month(park_ids=park_ids_for_statistics(request, park_id), month=month)
        required, held = sum(r.required for r in rows), sum(r.held for r in rows)
        branches = [
            {
                "organization": row.organization,
                "required": row.required,
                "held": row.held,
                "rate": row.rate,
                "links": _required_meeting_links(request, park=park_id, month=month, organization=row.organization.pk),
            }
            for row in rows
        ]
        body = {
            "park": park_id,
            "period": f"{month:%Y-%m}",
            "required": required,
            "held": held,
            "compliance_rate": rate(held, required),
            "branches": branches,
            "links": _required_meeting_links(request, park=park_id, month=month),
        }
        return Response(MeetingStatsSerializer(body).data)


class RequiredMeetingQuery(MeetingStatsQuery):
    organization = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    held = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=gettext_lazy("Only those held (true) or missed.")
    )


class RequiredMeetingSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    organization_name = serializers.CharField(source="organization.name")
    organization_kind = serializers.CharField(source="organization.kind")
    kind = serializers.CharField(source="requirement.kind")
    period = serializers.CharField(source="requirement.period")
    window_from = serializers.SerializerMethodField(help_text=gettext_lazy("First day of the requirement's window."))
    window_until = serializers.SerializerMethodField(help_text=gettext_lazy("Last day of the requirement's window."))
    slot = serializers.IntegerField(help_text=gettext_lazy("Which of the required meetings this is (1, 2 …)."))
    required = serializers.IntegerField(source="requirement.required")
    held = serializers.BooleanField(help_text=gettext_lazy("At least `slot` such meetings were held in the window."))
    meetings = serializers.SerializerMethodField(help_text=gettext_lazy("The meetings held for this requirement."))

    def get_window_from(self, row) -> date:
        return row.requirement.window[0]

    def get_window_until(self, row) -> date:
        return row.requirement.window[1] - timedelta(days=1)

    def get_meetings(self, row) -> str:
        start, end = row.requirement.window
        return list_url(
            self.context["request"], "meeting", host=row.organization.pk, kind=row.requirement.kind,
            status=[Meeting.Status.HELD, Meeting.Status.CONFIRMED],
            held_after=start, held_before=end - timedelta(days=1),
        )  # fmt: skip


class RequiredMeetingViewSet(viewsets.GenericViewSet):
    """The meetings the rules required of the park's organizations in the windows that close in a month
    (`period`): one row per required meeting, `held` if enough were held. The rows stats/meetings counts:
    their number is its `required`, the held ones' its `held`. For park admins and viewers, as the
    statistics. Three queries, whatever the size."""

    serializer_class = RequiredMeetingSerializer
    filter_backends: list = []

    @extend_schema(parameters=[RequiredMeetingQuery])
    def list(self, request):
        params = RequiredMeetingQuery(data=request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        park_ids = park_ids_for_statistics(request, data.get("park"))
        organizations = None
        if data.get("organization"):
            organizations = Organization.objects.filter(park_id__in=park_ids, pk=data["organization"])
        rows = selectors.required_meetings(
            selectors.compliance_for_month(park_ids=park_ids, month=data["period"], organizations=organizations)
        )
        if organizations is not None and not rows and not organizations.exists():
            # Outside the caller's parks answers as an id that does not exist.
            raise serializers.ValidationError({"organization": [_("No such organization.")]})
        if data["held"] is not None:
            rows = [row for row in rows if row.held == data["held"]]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class MatterStatsQuery(serializers.Serializer):
    park = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    since = serializers.DateField(required=False, help_text=gettext_lazy("Matters raised on or after this day."))
    until = serializers.DateField(required=False, help_text=gettext_lazy("Matters raised on or before this day."))
    as_of = serializers.DateField(
        required=False,
        help_text=gettext_lazy("The day their statuses are counted at: by default `until`, else today."),
    )

    def validate(self, attrs):
        if attrs.get("since") and attrs.get("until") and attrs["since"] > attrs["until"]:
            raise serializers.ValidationError({"until": _("The end of the range comes before its start.")})
        if attrs.get("as_of") and attrs.get("until") and attrs["as_of"] < attrs["until"]:
            raise serializers.ValidationError({"as_of": _("Count the statuses at the end of the range or later.")})
        return attrs


class CategoryCountSerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField()
    raised = serializers.IntegerField()
    resolved = serializers.IntegerField()
    open = serializers.IntegerField()
    links = LinksField()


class MatterStatsSerializer(serializers.Serializer):
    park = serializers.IntegerField(allow_null=True)
    since = serializers.DateField(allow_null=True)
    until = serializers.DateField(allow_null=True)
    as_of = serializers.DateField()
    raised = serializers.IntegerField()
    resolved = serializers.IntegerField()
    open = serializers.IntegerField()
    median_days_to_resolve = serializers.FloatField(allow_null=True)
    by_category = CategoryCountSerializer(many=True)
    links = LinksField()


def matter_links(request, *, park: int | None, since, until, as_of, **filters) -> dict[str, str]:
    """`raised`, `resolved` and `open` → the matters list with the figure's range, date and filters."""
    dated = {"park": park, "since": since, "until": until, "as_of": as_of, **filters}
    return {
        "raised": list_url(request, "matter", **dated),
        "resolved": list_url(request, "matter", **dated, status=Matter.Status.RESOLVED),
        "open": list_url(request, "matter", **dated, status=selectors.STILL_OPEN),
    }


class MatterStatsView(StatisticsView):
    """Matters raised in a date range and where they stood at its end (or `as_of`): how many were
    resolved, how many are open, how fast; each count links to its rows."""

    @extend_schema(parameters=[MatterStatsQuery], responses=MatterStatsSerializer)
    def get(self, request):
        data = self.query(MatterStatsQuery)
        park_id = data.get("park")
        park_ids = park_ids_for_statistics(request, park_id)
        since, until = data.get("since"), data.get("until")
        as_of = data.get("as_of") or until or timezone.localdate()
        stats = selectors.matter_stats(park_ids=park_ids, since=since, until=until, as_of=as_of)
        dated = {"park": park_id, "since": since, "until": until, "as_of": stats["as_of"]}
        for row in stats["by_category"]:
            row["links"] = matter_links(request, **dated, category=row["category"])
        body = {**stats, **dated, "links": matter_links(request, **dated)}
        return Response(MatterStatsSerializer(body).data)
