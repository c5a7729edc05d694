"""Shared pieces of the REST API views: scoped viewsets and scoped foreign keys."""

from __future__ import annotations

from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import renderers, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.views import APIView

from parkparty import access, exports
from parkparty.drf import via_token
from parkparty.filters import mark_deprecated, renamed
from parkparty.idempotency import IdempotentWrites

__all__ = [
    "DATETIME_FIELDS",
    "DateTimeField",
    "ScopedRelatedField",
    "ScopedViewSet",
    "StatisticsView",
    "XlsxRenderer",
    "assign",
    "park_ids_for_statistics",
    "via_token",
]


class XlsxRenderer(renderers.BaseRenderer):
    """`?format=xlsx` (or `Accept:` the xlsx type) on a list. The workbook itself is written by
    `ScopedViewSet.list`, row by row; this renderer names the format for content negotiation and the
    schema, and answers an error (a bad filter's 400) in JSON, the shape every /api/ error has."""

    media_type = exports.XLSX
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return renderers.JSONRenderer().render(data, "application/json", renderer_context)


class ScopedViewSet(IdempotentWrites, viewsets.ModelViewSet):
    """A viewset whose rows are what `access.visible` lets the user see. Deletion is not offered:
    ledger records are closed with a date, never deleted (see docs/architecture.md).

    A viewset that sets `export_sheet` answers `?format=xlsx` on its list with every filtered row (not
    one page) in the sheet's columns, masked as its JSON is. Its writes honour `Idempotency-Key`.
    """

    http_method_names = ["get", "post", "patch", "put", "head", "options"]
    export_sheet: exports.Sheet | None = None

    def get_queryset(self):
        return access.visible(self.request.user, super().get_queryset())

    def finalize_response(self, request, response, *args, **kwargs):
        return mark_deprecated(request, super().finalize_response(request, response, *args, **kwargs))

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.export_sheet is not None and self.action == "list":
            renderers.append(XlsxRenderer())
        return renderers

    def list(self, request, *args, **kwargs):
        if isinstance(getattr(request, "accepted_renderer", None), XlsxRenderer):
            queryset = self.filter_queryset(self.get_queryset())
            return exports.workbook_response(self.export_sheet, queryset, context=self.get_serializer_context())
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        self._save_in_scope(serializer)

    def perform_update(self, serializer):
        self._save_in_scope(serializer)

    def _save_in_scope(self, serializer) -> None:
        """The saved row must fall inside the caller's write scope; otherwise nothing is kept (403)."""
        with transaction.atomic():
            instance = serializer.save()
            if not access.can_write(self.request.user, instance):
                raise PermissionDenied()


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key the caller may only point at rows in their scope; others are 'not found' (400).

    `scope(user, queryset)` narrows the choices: by default the rows the caller may write to.
    """

    def __init__(self, *, scope=access.writable, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context["request"]
        return self.scope(request.user, super().get_queryset())


class DateTimeField(serializers.DateTimeField):
    """DRF's, with a time in year 1 a 400: its ambiguity check converts the time to UTC, which overflows."""

    def enforce_timezone(self, value):
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("overflow")


DATETIME_FIELDS = {**serializers.ModelSerializer.serializer_field_mapping, models.DateTimeField: DateTimeField}


class StatisticsView(APIView):
    """A `/stats/` endpoint. `query(Params)` reads its parameters, deprecated names (`on=`) as the new
    ones (`as_of=`), and the answer then says which name to use (`Deprecation` header)."""

    def query(self, params_class) -> dict:
        params = params_class(data=renamed(self.request.query_params))
        params.is_valid(raise_exception=True)
        return params.validated_data

    def finalize_response(self, request, response, *args, **kwargs):
        return mark_deprecated(request, super().finalize_response(request, response, *args, **kwargs))


def park_ids_for_statistics(request, park_id: int | None) -> list[int]:
    """The parks whose statistics the caller reads (403 without any), or the one asked for (404 if
    outside them)."""
    if not access.reads_statistics(request.user):
        raise PermissionDenied(_("Park statistics are for park admins and viewers."))
    park_ids = access.statistics_park_ids(request.user)
    if park_id is None:
        return park_ids
    if park_id not in park_ids:
        raise Http404
    return [park_id]


def assign(instance: models.Model, data: dict) -> models.Model:
    """Set the validated fields on the (unsaved) instance, for the service that checks and saves it."""
    for name, value in data.items():
        setattr(instance, name, value)
    return instance
