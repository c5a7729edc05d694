"""/users/import/: a sheet of logins is previewed with every row's faults, then created all or nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from accounts import sheets
from tests.accounts.helpers import give_accounts

User = get_user_model()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(*rows, headings=("用户名", "姓名", "角色", "党组织", "邮箱")) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(list(headings))
    for row in rows:
        book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("logins.xlsx", out.getvalue(), content_type=XLSX)


GOOD = (
    ("wang", "王书记", "支部书记", "甲支部", ""),
    ("zhao", "赵查看", "park_viewer", None, "zhao@example.com"),
    (None, None, None, None, None),  # an empty row is skipped
    ("lin", "林指导", "指导员", None, None),
)


@pytest.fixture
def admin(world, client):
    give_accounts(world)
    client.force_login(world.users["admin"])
    return client


def upload(client, world, file):
    return client.post(reverse("user-import"), {"park": world.park.pk, "file": file})


def test_a_good_sheet_is_previewed_then_created_with_the_passwords_shown_once(world, admin):
    preview = upload(admin, world, workbook(*GOOD))

    assert preview.status_code == 200
    assert preview.context["errors"] == []
    assert [row["row"] for row in preview.context["rows"]] == [2, 3, 5]
    assert not User.objects.filter(username="wang").exists()  # nothing before the confirmation

    token = preview.context["confirm"]["token"].value()
    done = admin.post(reverse("user-import"), {"park": world.park.pk, "token": token})

    assert done.status_code == 200
    assert "no-store" in done["Cache-Control"]
    created = done.context["created"]
    assert [entry.user.username for entry in created] == ["wang", "zhao", "lin"]
    page = done.content.decode()
    assert all(entry.temporary_password in page for entry in created)
    book = load_workbook(io.BytesIO(sheets.passwords_workbook(created)), read_only=True)
    assert [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)] == ["wang", "zhao", "lin"]

    again = admin.post(reverse("user-import"), {"park": world.park.pk, "token": token})
    assert again.status_code == 302  # the preview was used up: the sheet is not created twice
    assert User.objects.filter(username="wang").count() == 1


def test_a_sheet_with_faults_lists_each_row_column_and_message_and_offers_no_confirmation(world, admin):
    rows = (("secretary_a", "重名", "park_viewer", None, None), ("wang", "", "厨师", None, "not-an-email"))
    response = upload(admin, world, workbook(*rows))

    assert response.status_code == 200
    assert "confirm" not in response.context
    found = {(error.row, error.column) for error in response.context["errors"]}
    assert found == {(2, "用户名"), (3, "姓名"), (3, "角色"), (3, "邮箱")}
    assert 'data-row="3"' in response.content.decode()


def test_a_file_that_is_not_a_workbook_is_an_error_on_the_file(world, admin):
    response = upload(admin, world, SimpleUploadedFile("logins.xlsx", b"not a zip", content_type=XLSX))

    assert response.status_code == 200
    assert "file" in response.context["form"].errors


def test_a_sheet_without_the_columns_is_an_error_on_the_file(world, admin):
    response = upload(admin, world, workbook(("wang", "王"), headings=("名字", "其他")))

    assert response.status_code == 200
    assert "file" in response.context["form"].errors


def test_another_parks_sheet_is_not_a_choice(world, admin):
    response = admin.post(reverse("user-import"), {"park": world.other_park.pk, "file": workbook(*GOOD)})

    assert "park" in response.context["form"].errors


def test_a_name_taken_between_preview_and_confirmation_creates_nothing(world, admin):
    preview = upload(admin, world, workbook(*GOOD))
    User.objects.create(username="zhao")

    done = admin.post(
        reverse("user-import"), {"park": world.park.pk, "token": preview.context["confirm"]["token"].value()}
    )

    assert [(error.row, error.column) for error in done.context["errors"]] == [(3, "用户名")]
    assert not User.objects.filter(username__in=["wang", "lin"]).exists()
