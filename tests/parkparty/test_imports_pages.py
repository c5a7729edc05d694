"""The import pages: upload and preview, confirm once, the result, and who may see a batch."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enterprises.models import Enterprise
from parkparty.models import Grant, ImportBatch, Role
from tests import factories as f
from tests.parkparty.imports_helpers import ENTERPRISE_HEADER, enterprise_rows, workbook

START_QUERIES = 8  # session, user, grants, instructor, the admin's parks, the recent batches, savepoints


@pytest.fixture
def admin(client, world):
    client.force_login(world.users["admin"])
    return client


def upload(client, world, rows, kind="enterprises"):
    data = {"kind": kind, "park": world.park.pk, "file": workbook(ENTERPRISE_HEADER, rows)}
    return client.post(reverse("import-start"), data, HTTP_ACCEPT_LANGUAGE="en")


def imported(world):
    return Enterprise.objects.filter(park=world.park, name__startswith="导入企业")


def test_an_upload_is_previewed_and_nothing_is_written_until_it_is_confirmed(admin, world):
    response = upload(admin, world, enterprise_rows(3))

    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("import-batch", args=[batch.pk])
    assert (batch.status, batch.report["created"], batch.created_by) == ("previewed", 3, world.users["admin"])
    assert not imported(world).exists()
    page = admin.get(response.url, HTTP_ACCEPT_LANGUAGE="en")
    assert b'data-count="created">3<' in page.content
    assert reverse("import-confirm", args=[batch.pk]).encode() in page.content


def test_a_confirmed_batch_is_imported_once(admin, world):
    upload(admin, world, enterprise_rows(3))
    batch = ImportBatch.objects.get()
    url = reverse("import-confirm", args=[batch.pk])

    first = admin.post(url, HTTP_ACCEPT_LANGUAGE="en")
    second = admin.post(url, HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert first.status_code == 302
    batch.refresh_from_db()
    assert batch.status == "committed" and batch.confirmed_at is not None
    assert imported(world).count() == 3
    assert imported(world).first().history.get().history_user == world.users["admin"]
    assert b"already been confirmed" in second.content
    assert imported(world).count() == 3


def test_a_batch_with_errors_offers_no_confirmation_and_refuses_one(admin, world):
    rows = enterprise_rows(2)
    rows[1][8] = "不存在的支部"
    upload(admin, world, rows)
    batch = ImportBatch.objects.get()

    page = admin.get(reverse("import-batch", args=[batch.pk]), HTTP_ACCEPT_LANGUAGE="en")
    refused = admin.post(reverse("import-confirm", args=[batch.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en")

    assert reverse("import-confirm", args=[batch.pk]).encode() not in page.content
    assert "不存在的支部".encode() not in page.content  # the message names the column, not the value
    assert b"Nothing of this name in this park." in page.content
    assert b"Correct the errors" in refused.content
    assert not imported(world).exists()


def test_a_ledger_changed_since_the_preview_fails_the_confirmation_and_writes_nothing(admin, world):
    upload(admin, world, enterprise_rows(2))
    batch = ImportBatch.objects.get()
    world.branch_a.name = "甲支部（改名）"
    world.branch_a.save()

    admin.post(reverse("import-confirm", args=[batch.pk]))

    batch.refresh_from_db()
    assert batch.status == "failed"
    assert [(error["row"], error["column"]) for error in batch.report["errors"]] == [
        (2, "覆盖党组织"),
        (3, "覆盖党组织"),
    ]
    assert not imported(world).exists()


def test_a_file_that_is_not_a_workbook_is_an_error_on_the_file_field(admin, world):
    data = {"kind": "enterprises", "park": world.park.pk, "file": SimpleUploadedFile("a.xlsx", b"not a zip")}

    response = admin.post(reverse("import-start"), data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["This is not an Excel workbook (.xlsx)."]
    assert not ImportBatch.objects.exists()


def test_an_admin_of_another_park_does_not_find_the_batch(client, world):
    client.force_login(world.users["admin"])
    upload(client, world, enterprise_rows(1))
    batch = ImportBatch.objects.get()
    other_admin = f.UserFactory(username="other_admin")
    Grant.objects.create(user=other_admin, role=Role.PARK_ADMIN, park=world.other_park)
    client.force_login(other_admin)

    assert client.get(reverse("import-batch", args=[batch.pk])).status_code == 404
    assert client.post(reverse("import-confirm", args=[batch.pk])).status_code == 404
    batch.refresh_from_db()
    assert batch.status == "previewed"


def test_the_preview_of_a_long_file_shows_errors_first_within_200_rows_and_150_kb(admin, world):
    rows = enterprise_rows(260)
    rows[250][7] = "没有的片区"
    upload(admin, world, rows)

    page = admin.get(reverse("import-batch", args=[ImportBatch.objects.get().pk]), HTTP_ACCEPT_LANGUAGE="en")

    html = page.content.decode()
    assert len(page.content) < 150_000
    assert html.index("Nothing of this name") < html.index("导入企业9000")
    assert html.count("<tr") <= 1 + 1 + 200
    assert 'data-count="created">259<' in html


def test_the_start_page_speaks_chinese_and_links_every_template(admin, world):
    page = admin.get(reverse("import-start"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    for kind in ("organizations", "enterprises", "members", "instructors"):
        assert reverse("import-template-file", args=[kind]).encode() in page.content
    assert 'lang="zh-hans"' in page.content.decode()


def test_the_start_page_costs_the_same_queries_with_one_batch_or_many(admin, world, django_assert_max_num_queries):
    upload(admin, world, enterprise_rows(1))
    with django_assert_max_num_queries(START_QUERIES):
        admin.get(reverse("import-start"))
    for start in (9100, 9200, 9300):
        upload(admin, world, enterprise_rows(1, start=start))
    with django_assert_max_num_queries(START_QUERIES):
        admin.get(reverse("import-start"))


@pytest.mark.parametrize("role", ["viewer", "secretary_a", "instructor"])
def test_only_park_admins_open_the_import_pages(client, world, role):
    client.force_login(world.users[role])

    assert client.get(reverse("import-start")).status_code == 403
    assert client.get(reverse("import-template-file", args=["enterprises"])).status_code == 403
