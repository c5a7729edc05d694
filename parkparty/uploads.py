"""Checks every uploaded photo or PDF passes (meeting attachments, rating evidence, activity photos)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from parkparty.history import user_or_none

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

# The first bytes of each accepted type: what a file is, whatever its name says.
_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
SUFFIXES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def sniff_content_type(head: bytes) -> str | None:
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str
    original_name: str


def check_upload(upload: UploadedFile, *, field: str = "file") -> CheckedUpload:
    """An image (JPEG, PNG, WebP) or PDF of at most 10 MB, judged by its first bytes, not its name."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError({field: _("A file may be at most 10 MB.")})
    content_type = sniff_content_type(upload.read(16))
    if content_type is None:
        raise ValidationError({field: _("Only images (JPEG, PNG, WebP) and PDF files can be attached.")})
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(content_type, upload.size, digest.hexdigest(), (upload.name or "")[:200])


def store_upload(document, upload: UploadedFile, actor=None):
    """Check the upload, fill in the document's (a parkparty.models.UploadedDocument) facts about it,
    store the file under the document's own name, and save the document."""
    checked = check_upload(upload)
    document.content_type = checked.content_type
    document.size = checked.size
    document.sha256 = checked.sha256
    document.original_name = checked.original_name
    document.uploaded_by = user_or_none(actor)
    document.file.save(upload.name or "upload", upload, save=False)
    document.save()
    return document


def private_file_response(document) -> FileResponse:
    """Stream a stored upload (an UploadedDocument) to someone the caller has found may see it. The files
    live under MEDIA_ROOT, which no URL serves: these responses are the only way to them."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=document.content_type,
        filename=document.original_name or document.file.name.rsplit("/", 1)[-1],
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"  # the sniffed type is the only type
    return response
