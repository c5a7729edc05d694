"""One submission per page form: a double tap, or a POST the browser sends again after a slow network,
does its work once.

Every page form that writes carries a one-time token (`{% submission_token %}`, a hidden field). The
first POST with it claims the token by inserting a `SubmissionToken` row in the same transaction as
the work, and the row remembers where the answer sent the browser (the redirect to the new record). A
second POST of the same form finds the row and is redirected there with a message instead of doing the
work again; two simultaneous POSTs collide on the row's unique constraint, so the second waits for the
first to commit (PostgreSQL's unique index, SQLite's write lock) and then answers the same way. A POST
that did not end in a redirect (the form was invalid, the service refused, 403, 404) keeps nothing, so
the token can be sent again once the form is corrected.

The claim is keyed by user, token and a digest of the form's values: the same form sent again with
other values (back, change a field, save) is a new submission, not a repeat, which is what an edit
form needs. A POST without a token (a script, an old test) is handled as before.

The rows live in the database, not the cache: the embedded default's LocMemCache is per process, and
the database is the one store every worker shares, and the one that can take the claim in the same
transaction as the work. They are kept a day (TTL), pruned on each claim for that user and daily by
`parkparty.tasks.prune_write_records`.

Done once, as a middleware, for every page: a view need not call anything, so no create view can be
left out. Its `__call__` opens the transaction; its `process_view`, after the CSRF check passed, claims.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, OperationalError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from parkparty import errors
from parkparty.models import SubmissionToken

FIELD = "submission_token"
TTL = timedelta(days=1)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
REDIRECTS = (301, 302, 303, 307, 308)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Fields left out of the digest: the token itself, and the CSRF token, whose masked value may differ.
_NOT_DIGESTED = {FIELD, "csrfmiddlewaretoken"}


def new_token() -> str:
    return secrets.token_urlsafe(18)


def posted_token(request) -> str | None:
    """The token a page form's POST carries, or None (not a form POST, no token, or not one of ours)."""
    if request is None or request.method != "POST" or request.content_type not in FORM_TYPES:
        return None
    if request.path_info.startswith("/api/"):  # the API has its Idempotency-Key (parkparty.idempotency)
        return None
    value = request.POST.get(FIELD, "")
    return value if _TOKEN.fullmatch(value) else None


def fingerprint(request) -> str:
    """A digest of the form's values and uploaded files (their contents, not only their names)."""
    digest = hashlib.sha256()
    for name in sorted(set(request.POST) - _NOT_DIGESTED):
        digest.update(json.dumps([name, request.POST.getlist(name)]).encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            digest.update(json.dumps([name, upload.name, upload.size]).encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def prune(**filters) -> int:
    """Forget the tokens older than TTL (of one user, with `user=`)."""
    return SubmissionToken.objects.filter(created_at__lt=timezone.now() - TTL, **filters).delete()[0]


class Submission:
    """One POST's claim on its token: taken before the view runs, settled with its answer."""

    def __init__(self, token: str):
        self.token = token
        self.row: SubmissionToken | None = None

    def claim(self, request):
        """Claim the token, or answer for the view: the redirect to the first submission's result."""
        prune(user=request.user)
        key = {"user": request.user, "token": self.token, "fingerprint": fingerprint(request)}
        try:
            with transaction.atomic():
                self.row = SubmissionToken.objects.create(**key)
                return None
        except IntegrityError:
            result = SubmissionToken.objects.filter(**key).values_list("result_url", flat=True).first()
        if not result:  # the first POST was refused meanwhile and let the token go: this one goes ahead
            return None
        messages.info(request, _("This form had already been sent and saved: here is what it saved."))
        return redirect(result)

    def settle(self, response) -> None:
        """Keep the claim with the redirect the view answered; let it go with any other answer."""
        if self.row is None or transaction.get_rollback():
            return
        if response.status_code >= 500:
            transaction.set_rollback(True)  # nothing of a failed request is kept, its claim included
        elif response.status_code in REDIRECTS and response.get("Location"):
            self.row.result_url = response["Location"]
            self.row.save(update_fields=["result_url"])
        else:
            self.row.delete()


class SubmissionTokenMiddleware:
    """See the module's docstring. After the session, authentication, CSRF and messages middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = posted_token(request)
        if token is None or not request.user.is_authenticated:
            return self.get_response(request)
        request.submission = Submission(token)
        try:
            with transaction.atomic():
                response = self.get_response(request)
                request.submission.settle(response)
        except OperationalError as error:
            # Opening (or committing) the transaction waited out SQLite's busy timeout: outside the view,
            # so DatabaseBusyMiddleware.process_exception never sees it.
            if not errors.database_busy(error):
                raise
            return errors.busy_response(request)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        submission = getattr(request, "submission", None)
        return submission.claim(request) if submission is not None else None
