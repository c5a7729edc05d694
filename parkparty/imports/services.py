"""Imports as park admins run them: straight through (the API), or previewed and then confirmed
(the pages, which keep the file in an ImportBatch between the two)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from parkparty import access
from parkparty.imports import ImportKind, kind_of, run
from parkparty.models import ImportBatch

ONLY_ADMINS = gettext_lazy("Only park admins may import into a park's ledger.")


def kind_or_error(key: str) -> ImportKind:
    kind = kind_of(key or "")
    if kind is None:
        raise ValidationError({"kind": _("Choose what the workbook holds.")})
    return kind


def import_file(*, kind: ImportKind, park, file, actor, commit: bool) -> dict:
    """Import `file` into `park`; with commit false (a dry run) nothing is kept. The report's errors
    say row, column and message; a commit with any error writes nothing."""
    access.require_admin(actor, park.pk, str(ONLY_ADMINS))
    return run.run(kind, park=park, file=file, actor=actor, commit=commit)


def batch_preview(*, kind: ImportKind, park, upload, actor) -> ImportBatch:
    """Preview `upload` and keep it, with its report, for the confirmation."""
    report = import_file(kind=kind, park=park, file=upload, actor=actor, commit=False)
    batch = ImportBatch(
        kind=kind.key,
        park=park,
        created_by=actor,
        original_name=(upload.name or "")[:200],
        size=upload.size,
        report=report,
    )
    upload.seek(0)
    batch.file.save(upload.name or "import.xlsx", upload, save=False)
    batch.save()
    return batch


@transaction.atomic
def batch_confirm(*, batch: ImportBatch, actor) -> ImportBatch:
    """Import the batch's file for real, once: all of it, or (on any error) nothing, with the report."""
    access.require_admin(actor, batch.park_id, str(ONLY_ADMINS))
    if batch.has_errors:
        raise ValidationError({"file": _("Correct the errors in the workbook and upload it again.")})
    # Claimed by a conditional update, not a read: of two confirmations at once, one finds it taken.
    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEWED).update(
        status=ImportBatch.Status.COMMITTED, confirmed_at=timezone.now()
    )
    if not claimed:
        raise ValidationError({"file": _("This import has already been confirmed.")})
    batch.refresh_from_db()
    kind = kind_or_error(batch.kind)
    try:
        with batch.file.open("rb") as handle:
            report = run.run(kind, park=batch.park, file=handle, actor=actor, commit=True)
    except ValidationError as error:
        report = {"created": 0, "updated": 0, "unchanged": 0, "error_rows": 0, "rows": [], "errors": [
            {"row": None, "column": None, "message": message} for message in error.messages
        ]}  # fmt: skip
    except FileNotFoundError:
        report = {"created": 0, "updated": 0, "unchanged": 0, "error_rows": 0, "rows": [], "errors": [
            {"row": None, "column": None, "message": _("The uploaded file is gone; upload it again.")}
        ]}  # fmt: skip
    batch.report = report
    if batch.has_errors:
        batch.status = ImportBatch.Status.FAILED
    batch.save(update_fields=["report", "status"])
    return batch


def batches_of(user):
    """The batches of the parks the user administers; others do not exist for them (404)."""
    scope = access.scope_of(user)
    batches = ImportBatch.objects.select_related("park", "created_by")
    return batches if scope.everything else batches.filter(park_id__in=sorted(scope.admin_parks))
