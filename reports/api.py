"""API for the periodic reports: list and read them, ask for one (202, then poll its url), download the
workbook.

Reports are park-wide figures: park admins and viewers read them (API tokens too); a role with no park to
read statistics of is refused (403), like the statistics endpoints; a report of another park does not
exist (404). Only park admins ask for one; `reports.services.report_request` queues it and, with no
broker (eager mode), builds it before the answer goes out.
"""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from organizations.models import Park
from parkparty import access
from parkparty.api import DATETIME_FIELDS, ScopedRelatedField, ScopedViewSet
from parkparty.filters import ChoiceInFilter
from reports import services
from reports.models import Report, ReportKind
from reports.views import XLSX, workbook_response


def report_url(request, report_id: int, name: str = "v1:report-detail") -> str:
    return request.build_absolute_uri(reverse(name, args=[report_id]))


class ReportListSerializer(serializers.ModelSerializer):
    """A report without its figures: what the list shows."""

    ends_on = serializers.SerializerMethodField(help_text=gettext_lazy("The last day of the period."))
    requested_by = serializers.CharField(
        source="requested_by_username",
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy("Username of who asked; null when the schedule asked."),
    )
    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(
        help_text=gettext_lazy("The Excel workbook; null until one has been built.")
    )
    serializer_field_mapping = DATETIME_FIELDS

    class Meta:
        model = Report
        fields = [
            "id", "park", "kind", "period", "starts_on", "ends_on", "status", "error", "requested_by",
            "requested_at", "started_at", "finished_at", "url", "download_url",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.DATE)
    def get_ends_on(self, report):
        return (report.ends_before - timedelta(days=1)).isoformat()

    def get_url(self, report) -> str:
        return report_url(self.context["request"], report.pk)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download_url(self, report) -> str | None:
        if not report.has_workbook:  # annotated by the viewset: the bytes themselves are never read here
            return None
        return report_url(self.context["request"], report.pk, "v1:report-download")


class ReportSerializer(ReportListSerializer):
    data = serializers.JSONField(
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy(
            "The figures: title, park, kind, period, starts_on, ends_on, as_of, complete, generated_at and "
            "sections, each {key, figures} or {key, columns, rows}. Null until the report is first built."
        ),
    )

    class Meta(ReportListSerializer.Meta):
        fields = [*ReportListSerializer.Meta.fields, "data"]
        read_only_fields = fields


class ReportRequestSerializer(serializers.Serializer):
    park = ScopedRelatedField(queryset=Park.objects.all(), label=gettext_lazy("park"))
    kind = serializers.ChoiceField(choices=ReportKind.choices, label=pgettext_lazy("report", "kind"))
    period = serializers.CharField(
        max_length=7,
        label=gettext_lazy("period"),
        help_text=gettext_lazy(
            "YYYY-MM (monthly), YYYY-Qn (quarterly), YYYY-H1 or YYYY-H2 (half-year), YYYY (annual)."
        ),
    )

    def validate_period(self, value: str) -> str:
        return value.strip().upper()


class ReportQueuedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField(help_text=gettext_lazy("The report: poll it until its status is done or failed."))
    status = serializers.ChoiceField(choices=Report.Status.choices)


class ReportFilter(django_filters.FilterSet):
    # Only the parks one reads: another park's id answers as one that does not exist.
    park = django_filters.ModelChoiceFilter(queryset=lambda request: access.statistics_parks(request.user))
    kind = ChoiceInFilter(choices=ReportKind.choices)
    status = ChoiceInFilter(choices=Report.Status.choices)
    period = django_filters.CharFilter(max_length=7)

    class Meta:
        model = Report
        fields = ["park", "kind", "period", "status"]


class ReportViewSet(ScopedViewSet):
    """A park's monthly, quarterly, half-year and annual reports, one per period. Ask for one with POST
    (202): it is built in the background, and `url` answers its status until it is done."""

    queryset = Report.objects.all()
    serializer_class = ReportSerializer
    filterset_class = ReportFilter
    ordering_fields = ["starts_on", "requested_at", "finished_at"]
    ordering = ["-ends_before", "-starts_on", "park", "kind"]
    http_method_names = ["get", "post", "head", "options"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # As the statistics endpoints: a role with no park-wide figures to read is refused outright.
        if not access.reads_statistics(request.user):
            raise PermissionDenied(_("Reports are for park admins and viewers."))

    def get_queryset(self):
        reports = super().get_queryset().with_has_workbook().annotate(requested_by_username=F("requested_by__username"))
        if self.action == "download":  # the bytes, and the park's code for the file's name
            return reports.select_related("park").defer("data")
        # Nothing else reads the bytes, and the list not even the figures: a year of reports' JSON would
        # be loaded to be dropped.
        return reports.defer("data", "workbook") if self.action == "list" else reports.defer("workbook")

    def get_serializer_class(self):
        if self.action == "list":
            return ReportListSerializer
        if self.action == "create":
            return ReportRequestSerializer
        return ReportSerializer

    @extend_schema(request=ReportRequestSerializer, responses={202: ReportQueuedSerializer})
    def create(self, request, *args, **kwargs):
        """Ask for a park's report of a period, or for it again (the one row is rebuilt, never doubled).
        A malformed or not yet begun period is a 400 on `period`."""
        params = ReportRequestSerializer(data=request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        report = services.report_request(user=request.user, **params.validated_data)
        # With no broker the report was built when the transaction committed: answer where it stands.
        report.refresh_from_db(fields=["status"])
        url = report_url(request, report.pk)
        body = ReportQueuedSerializer({"id": report.pk, "url": url, "status": report.status}).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": url})

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The report's Excel workbook; 404 until one has been built."""
        report = self.get_object()
        if report.workbook is None:
            raise Http404
        return workbook_response(report, report.workbook)
