"""Shared pieces of the REST API: the one permission class, pagination, error shape, scoped viewsets."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import pagination, permissions, serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.views import exception_handler as drf_exception_handler

from parkparty import access


def via_token(request) -> bool:
    return isinstance(getattr(request, "auth", None), Token)


class ScopedAccess(permissions.BasePermission):
    """Authenticated users only; token clients read only; writes need a role that writes the model.

    Which rows are readable is decided by `access.visible` in each view's queryset (404 outside);
    whether a visible row may be changed, by `access.can_write` (403).
    """

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if via_token(request):
            return False
        model = getattr(getattr(view, "queryset", None), "model", None)
        return model is not None and access.may_write_any(request.user, model)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return access.can_write(request.user, obj)


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def exception_handler(exc, context):
    """Django's ValidationError (raised by models and services) answers 400 in DRF's {field: [messages]} shape."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = ValidationError(detail=detail)
    elif isinstance(exc, ProtectedError):
        exc = ValidationError({"non_field_errors": [_("Other records refer to this one; it cannot be deleted.")]})
    elif isinstance(exc, Http404):
        pass
    return drf_exception_handler(exc, context)


class ScopedViewSet(viewsets.ModelViewSet):
    """A viewset whose rows are what `access.visible` lets the user see. Deletion is not offered:
    ledger records are closed with a date, never deleted (see docs/architecture.md)."""

    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def get_queryset(self):
        return access.visible(self.request.user, super().get_queryset())


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key the caller may only point at rows they may write to; others are 'not found' (400)."""

    def get_queryset(self):
        request = self.context["request"]
        return access.writable(request.user, super().get_queryset())


def require_write(request, obj) -> None:
    if not access.can_write(request.user, obj):
        raise PermissionDenied()
