"""OpenAPI: every operation also documents the error answers the API really gives.

drf-spectacular documents only the success code; clients (and the schemathesis test) need to know
that a bad filter is a 400, no credentials a 401, a token write a 403, a row outside one's scope a
404, and too many requests a 429 — each with DRF's error body.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

from parkparty import idempotency
from parkparty.exports import XLSX
from parkparty.filters import RENAMED

# DRF's error bodies: {"detail": "..."} or, for validation, {"field": ["message", ...]}.
ERROR_BODY = OpenApiTypes.OBJECT

ERRORS = {
    "400": _('Invalid input: messages by field, e.g. {"credit_code": ["..."]}.'),
    "401": _("No credentials, or wrong ones."),
    "403": _("The caller's role may not do this (API tokens are read-only)."),
    "404": _("Not found, or outside the caller's scope."),
    "429": _("Too many requests; retry after the number of seconds in Retry-After."),
}
WRITE_ERRORS = {"415": _("Unsupported media type: send JSON, a form or multipart.")}
IDEMPOTENCY_ERRORS = {
    "409": idempotency.KeyInUse.default_detail,
    "422": idempotency.KeyReused.default_detail,
}
IDEMPOTENCY_KEY = OpenApiParameter(
    idempotency.HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=_(
        "Optional, 1 to 255 visible ASCII characters, unique per request (a UUID). Sent again with the "
        "same request within 24 hours, the first 2xx answer is replayed (with Idempotent-Replayed: true) "
        "instead of writing twice. Keys are per user. See docs/api.md."
    ),
)


class ParkpartyAutoSchema(AutoSchema):
    def _idempotent(self) -> bool:
        return self.method in idempotency.WRITE_METHODS and isinstance(self.view, idempotency.IdempotentWrites)

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        return [*parameters, IDEMPOTENCY_KEY] if self._idempotent() else parameters

    def _get_parameters(self):
        parameters = super()._get_parameters()
        for parameter in parameters:
            if parameter.get("in") == "query" and parameter["name"] in RENAMED:
                parameter["deprecated"] = True
                parameter["description"] = str(_("Deprecated: use %(name)s.") % {"name": RENAMED[parameter["name"]]})
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        errors = dict(ERRORS)
        if self.method in ("POST", "PUT", "PATCH"):
            errors.update(WRITE_ERRORS)
        if self._idempotent():
            errors.update(IDEMPOTENCY_ERRORS)
        for code, description in errors.items():
            if code not in responses:
                error = OpenApiResponse(response=ERROR_BODY, description=description)
                # Errors are JSON whatever was asked for (an xlsx list's bad filter too).
                responses[code] = self._get_response_for_code(
                    error, code, media_types=["application/json"], direction=direction
                )
        content = responses.get("200", {}).get("content", {})
        if XLSX in content:
            # `?format=xlsx` on a list: every filtered row in one workbook, not a page of JSON.
            content[XLSX] = {"schema": {"type": "string", "format": "binary"}}
            responses["200"]["description"] = str(
                _("The list as JSON, one page at a time; with ?format=xlsx, every filtered row as an Excel workbook.")
            )
        return responses
