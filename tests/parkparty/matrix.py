"""The permission matrix's building blocks: a route row, the statuses per role, shared request data.

Rows live in tests/parkparty/test_permission_matrix.py and, for later sub-domains, in tests/parkparty/matrix_*.py modules
it concatenates.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from meetings.services import attachment_add
from parkparty.dates import local_datetime
from tests.conftest import ROLES


@dataclass(frozen=True)
class Route:
    name: str  # URL name the route resolves to (checked for completeness below)
    method: str
    url: Callable
    expected: dict
    data: Callable | None = None
    format: str = "json"


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def photo(world):
    return {"file": SimpleUploadedFile("photo.png", PNG, content_type="image/png")}


def yesterday() -> str:
    return local_datetime(timezone.localdate() - timedelta(days=1), 9).isoformat()


def an_attachment(world) -> int:
    upload = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    return attachment_add(meeting=world.meeting_a, upload=upload).pk


def statuses(admin, viewer, secretary_a, secretary_b, instructor, anonymous, token):
    return dict(zip(ROLES, (admin, viewer, secretary_a, secretary_b, instructor, anonymous, token), strict=True))


READ_ALL = statuses(200, 200, 200, 200, 200, 401, 200)
ADMIN_WRITES = statuses(201, 403, 403, 403, 403, 401, 403)
PAGE_READ_ALL = statuses(200, 200, 200, 200, 200, 302, 302)

API = "/api/v1"
