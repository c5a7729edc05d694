"""Permission-matrix rows for the management hub and the imports (see tests/parkparty/matrix.py): park admins only, on the
pages and through the API. An API token may read a template (it is a read) but never imports."""

from django.core.files.base import ContentFile

from parkparty.imports import kind_of, template
from parkparty.models import ImportBatch
from tests.parkparty.matrix import API, Route, statuses

ADMIN_PAGE = statuses(200, 403, 403, 403, 403, 302, 302)


def a_batch(world) -> int:
    """A previewed batch of park A: the enterprises template, whose example row imports cleanly."""
    content = ContentFile(template.render(kind_of("enterprises")), name="台账.xlsx")
    batch = ImportBatch(kind="enterprises", park=world.park, created_by=world.users["admin"], size=content.size)
    batch.file.save("台账.xlsx", content, save=False)
    batch.save()
    return batch.pk


def upload(world) -> dict:
    content = template.render(kind_of("organizations"))
    return {"kind": "organizations", "park": world.park.pk, "file": ContentFile(content, name="组织.xlsx")}


ROUTES: list[Route] = [
    # The management hub (parkparty.managing) leads to the imports and every other management page.
    Route("manage-hub", "get", lambda w: "/manage/", ADMIN_PAGE),
    Route("import-start", "get", lambda w: "/imports/", ADMIN_PAGE),
    # Without a file the admin gets the form back with its errors.
    Route("import-start", "post", lambda w: "/imports/", ADMIN_PAGE, data=lambda w: {"kind": "enterprises"},
          format="multipart"),
    Route("import-template-file", "get", lambda w: "/imports/templates/members.xlsx", ADMIN_PAGE),
    Route("import-batch", "get", lambda w: f"/imports/{a_batch(w)}/", ADMIN_PAGE),
    Route("import-confirm", "post", lambda w: f"/imports/{a_batch(w)}/confirm/",
          statuses(302, 403, 403, 403, 403, 302, 302), format="multipart"),
    Route("v1:import-template", "get", lambda w: f"{API}/imports/template/?kind=enterprises",
          statuses(200, 403, 403, 403, 403, 401, 200)),
    Route("v1:import-run", "post", lambda w: f"{API}/imports/", statuses(200, 403, 403, 403, 403, 401, 403),
          data=upload, format="multipart"),
]  # fmt: skip
