"""DRF settings hooks: the one permission class, pagination and the error shape.

Kept apart from parkparty.api because DRF imports these while defining APIView; this module must not
import rest_framework.views or viewsets at import time.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import pagination, permissions, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import APIException, AuthenticationFailed, NotFound, PermissionDenied, ValidationError

from parkparty import access, errors


def token_expires_at(token):
    """When a token stops working: settings.TOKEN_TTL_DAYS after it was made (0: never)."""
    days = settings.TOKEN_TTL_DAYS
    return token.created + timedelta(days=days) if days else None


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication (and its WWW-Authenticate: Token header, which makes a refused call a
    401), with tokens that expire TOKEN_TTL_DAYS after they were made."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        expires_at = token_expires_at(token)
        if expires_at is not None and expires_at <= timezone.now():
            page = reverse("token")
            raise AuthenticationFailed(
                _("The token has expired: make a new one on your token page, %(page)s.") % {"page": page}
            )
        return user, token


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


class DatabaseBusy(APIException):
    """503 with Retry-After: SQLite's write lock was not granted within the busy timeout (the last resort;
    the settings make every transaction wait its turn first)."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "database_busy"
    wait = errors.RETRY_AFTER  # DRF's handler turns it into the Retry-After header

    def __init__(self):
        super().__init__(detail=errors.busy_message())


def exception_handler(exc, context):
    """Every 400 answers in DRF's {field: [messages]} shape: Django's ValidationError (raised by models and
    services) and DRF's list-shaped ones alike."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        # A model's checks across fields (a unique pair) come under Django's "__all__": DRF's name for it.
        if NON_FIELD_ERRORS in detail:
            detail["non_field_errors"] = detail.pop(NON_FIELD_ERRORS)
        exc = ValidationError(detail=detail)
    elif isinstance(exc, Http404):
        # get_object_or_404's message is English and names the model: the translated "Not found." alone.
        exc = NotFound()
    elif isinstance(exc, ValidationError) and isinstance(exc.detail, list):
        # DRF's own list-shaped errors (a search term with a NUL character) get the one documented shape.
        exc = ValidationError({"non_field_errors": exc.detail})
    elif isinstance(exc, DjangoPermissionDenied) and exc.args:
        # A service's refusal (access.require_admin) keeps its message; DRF's own would drop it.
        exc = PermissionDenied(detail=str(exc.args[0]))
    elif isinstance(exc, ProtectedError):
        exc = ValidationError({"non_field_errors": [_("Other records refer to this one; it cannot be deleted.")]})
    elif errors.database_busy(exc):
        errors.log_busy(context["request"])
        exc = DatabaseBusy()
    from rest_framework.views import exception_handler as drf_exception_handler

    return drf_exception_handler(exc, context)
