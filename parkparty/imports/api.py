"""/api/v1/imports/: import a workbook (a dry run or for real), and each kind's template."""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from parkparty import access
from parkparty.api import ScopedRelatedField, via_token
from parkparty.idempotency import IdempotentWrites
from parkparty.imports import kinds, services, template


def _kind_choices():
    return [(kind.key, kind.label) for kind in kinds()]


class KindField(serializers.ChoiceField):
    """One of the registered kinds (read when asked: apps register them as they start)."""

    def __init__(self, **kwargs):
        super().__init__(choices=_kind_choices(), **kwargs)


class ImportRequestSerializer(serializers.Serializer):
    kind = KindField(label=gettext_lazy("kind"))
    park = ScopedRelatedField(
        queryset=apps.get_model(access.PARK_MODEL).objects.all(), scope=access.administered, label=gettext_lazy("park")
    )
    file = serializers.FileField(label=gettext_lazy("workbook (.xlsx)"))
    dry_run = serializers.BooleanField(
        default=True, label=gettext_lazy("only check: report what would change and write nothing")
    )


class ImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("The Excel row; the header is row 1."))
    column = serializers.CharField(allow_null=True, help_text=gettext_lazy("The column's header."))
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    error_rows = serializers.IntegerField(help_text=gettext_lazy("Rows with at least one error."))
    errors = ImportErrorSerializer(many=True, help_text=gettext_lazy("The first 1,000 errors."))


class TemplateQuerySerializer(serializers.Serializer):
    kind = KindField(label=gettext_lazy("kind"))


class ParkAdmins(permissions.BasePermission):
    """Park admins only; an API token reads (the templates), it never imports."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method not in permissions.SAFE_METHODS and via_token(request):
            return False
        if not access.scope_of(request.user).is_admin:
            raise PermissionDenied(str(services.ONLY_ADMINS))
        return True


class ImportView(IdempotentWrites, APIView):
    permission_classes = [ParkAdmins]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportRequestSerializer},
        responses={
            200: ImportReportSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description=gettext_lazy(
                    "A commit with errors: the report, and nothing written. Or messages by field, e.g. "
                    '{"file": ["..."]} for a file that is not a workbook.'
                ),
            ),
        },
        operation_id="imports_create",
    )
    def post(self, request):
        """Import a workbook's first sheet into a park. With `dry_run` (the default) nothing is written:
        the report says what would be. Otherwise everything is written, or on any error nothing."""
        params = ImportRequestSerializer(data=request.data, context={"request": request})
        params.is_valid(raise_exception=True)
        data = params.validated_data
        report = services.import_file(
            kind=services.kind_or_error(data["kind"]),
            park=data["park"],
            file=data["file"],
            actor=request.user,
            commit=not data["dry_run"],
        )
        body = ImportReportSerializer(report).data
        failed = not data["dry_run"] and (report["errors"] or report["error_rows"])
        return Response(body, status=status.HTTP_400_BAD_REQUEST if failed else status.HTTP_200_OK)


class TemplateView(APIView):
    permission_classes = [ParkAdmins]

    @extend_schema(
        parameters=[OpenApiParameter("kind", str, enum=None, required=True, description="enterprises, …")],
        responses={(200, template.XLSX): OpenApiTypes.BINARY},
        operation_id="imports_template_retrieve",
    )
    def get(self, request):
        """The kind's template: its headers, an example row and a notes sheet (说明)."""
        params = TemplateQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        return template.response(services.kind_or_error(params.validated_data["kind"]))
