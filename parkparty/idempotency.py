"""`Idempotency-Key` on API writes: a client that sends a write again (its answer was lost on the way)
gets the first answer again instead of a second record.

With the header, the first POST/PUT/PATCH/DELETE claims (user, key, method, path) by inserting an
`IdempotencyKey` row, committed at once, then runs; a 2xx answer is kept (status, body, Location and
the other headers in KEPT_HEADERS) and a repeat within TTL gets it back with `Idempotent-Replayed:
true`. The same key with another query or body is a client's mistake: 422. A repeat while the first
is still running: 409, retry later. Any other answer (4xx: nothing was changed, since services write
in a transaction that a refusal rolls back; 5xx) lets the key go, so the client may correct the
request and send it again with the same key. Another user's key is another key: keys are per user.

A claim whose request died (its process killed) holds no answer; after STALE it is taken over. The
one gap left: a process killed between the commit of the work and the keeping of its answer (a few
statements apart) leaves a claim that a retry after STALE runs again.

Kept in the database (not the cache) for the reasons in parkparty.once. An answer may hold a member's
ID number (a park admin's write); the row sits in the same database as the member and is pruned after
TTL, on each claim for that user and daily (`parkparty.tasks.prune_write_records`).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status

from parkparty.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
TTL = timedelta(hours=24)
# Longer than any request runs (gunicorn's timeout is 30 s): a claim this old without an answer is dead.
STALE = timedelta(minutes=5)
KEPT_HEADERS = ("Content-Type", "Location", "Cache-Control", "Content-Language")
_KEY = re.compile(r"[\x21-\x7e]{1,255}")


class KeyInUse(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("A request with this Idempotency-Key is still being processed; retry in a moment.")
    default_code = "idempotency_key_in_use"


class KeyReused(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was already used for a different request.")
    default_code = "idempotency_key_reused"


class Replay(Exception):
    """Raised before the handler runs; the view answers with the kept response."""

    def __init__(self, response: HttpResponse):
        self.response = response


def prune(**filters) -> int:
    """Forget the keys older than TTL (of one user, with `user=`)."""
    return IdempotencyKey.objects.filter(created_at__lt=timezone.now() - TTL, **filters).delete()[0]


def _canonical(value):
    if isinstance(value, QueryDict):
        return {name: [_canonical(item) for item in value.getlist(name)] for name in value}
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return [value.name, value.size, digest.hexdigest()]
    return value


def fingerprint(request) -> str:
    """A digest of the query and the parsed body: the same JSON with its keys in another order, or the
    same form in another multipart encoding, is the same request."""
    data = {"query": _canonical(request.query_params), "body": _canonical(request.data)}
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _replay(row: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(row.body), status=row.status)
    for name, value in row.headers.items():
        response[name] = value
    response[REPLAYED] = "true"
    return response


class Claim:
    def __init__(self, row: IdempotencyKey):
        self.row = row

    @classmethod
    def take(cls, request, key: str) -> Claim:
        """The claim on the key, or Replay / KeyReused / KeyInUse."""
        prune(user=request.user)
        ident = {"user": request.user, "key": key, "method": request.method, "path": request.path[:500]}
        digest = fingerprint(request)
        try:
            with transaction.atomic():
                return cls(IdempotencyKey.objects.create(**ident, fingerprint=digest))
        except IntegrityError:
            row = IdempotencyKey.objects.filter(**ident).first()
        if row is None:  # the first request let the key go meanwhile
            return cls.take(request, key)
        if row.fingerprint != digest:
            raise KeyReused()
        if row.status is not None:
            raise Replay(_replay(row))
        stale = IdempotencyKey.objects.filter(pk=row.pk, status__isnull=True, created_at__lt=timezone.now() - STALE)
        if stale.update(created_at=timezone.now()):
            return cls(row)
        raise KeyInUse()

    def keep(self, response) -> None:
        """Keep a 2xx answer for the replays; let the key go with any other."""
        if not (200 <= response.status_code < 300) or response.streaming:
            self.release()
            return
        if hasattr(response, "render"):
            response.render()
        self.row.status = response.status_code
        self.row.body = response.content
        self.row.headers = {name: response[name] for name in KEPT_HEADERS if name in response}
        self.row.save(update_fields=["status", "body", "headers"])

    def release(self) -> None:
        IdempotencyKey.objects.filter(pk=self.row.pk).delete()


class IdempotentWrites:
    """A DRF view mixin: writes honour the Idempotency-Key header (see the module's docstring).
    `tests/parkparty/test_idempotency.py` checks that every API view that writes has it."""

    idempotency_claim: Claim | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, permissions and throttles first
        key = request.headers.get(HEADER)
        if key is None or request.method not in WRITE_METHODS:
            return
        if not _KEY.fullmatch(key):
            raise exceptions.ValidationError({HEADER: [_("Send 1 to 255 visible ASCII characters.")]})
        self.idempotency_claim = Claim.take(request, key)

    def handle_exception(self, exc):
        if isinstance(exc, Replay):
            return exc.response
        try:
            return super().handle_exception(exc)
        except Exception:
            if self.idempotency_claim is not None:
                self.idempotency_claim.release()
            raise

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if self.idempotency_claim is not None:
            claim, self.idempotency_claim = self.idempotency_claim, None
            claim.keep(response)
        return response


__all__ = ["HEADER", "REPLAYED", "IdempotentWrites", "KeyInUse", "KeyReused", "prune"]
