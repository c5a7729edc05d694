"""The Excel import through the API: templates, the preview's row-by-row report, all-or-nothing
commits, re-imports that change nothing, and names that resolve within the chosen park only."""

import zipfile
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from enterprises.models import Coverage, Enterprise
from tests.conftest import client_for
from tests.factories import credit_code
from tests.parkparty.imports_helpers import ENTERPRISE_HEADER, enterprise_rows, workbook

API = "/api/v1/imports/"


def post(world, upload, *, kind="enterprises", dry_run=True, role="admin", park=None):
    data = {"kind": kind, "park": (park or world.park).pk, "file": upload, "dry_run": "true" if dry_run else "false"}
    return client_for(world, role).post(API, data, format="multipart", HTTP_ACCEPT_LANGUAGE="en")


def imported(world):
    return Enterprise.objects.filter(park=world.park, name__startswith="导入企业")


@pytest.mark.parametrize("kind", ["enterprises", "organizations", "members", "instructors"])
def test_a_template_opens_in_excel_with_the_kinds_headers_an_example_and_notes(world, kind):
    response = client_for(world, "admin").get(f"{API}template/", {"kind": kind})

    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    data, notes = book.worksheets
    header = [cell.value for cell in data[1]]
    assert notes.title == "说明"
    assert [row[0] for row in notes.iter_rows(min_row=2, values_only=True)] == header
    assert any(value not in (None, "") for value in next(data.iter_rows(min_row=2, values_only=True)))
    if kind == "enterprises":
        assert header[:2] == ["企业名称", "统一社会信用代码"]
        assert notes.cell(row=2, column=2).value == "是"  # the name is required


def test_the_enterprise_template_lists_the_formations_by_their_chinese_labels(world):
    response = client_for(world, "admin").get(f"{API}template/", {"kind": "enterprises"})

    notes = load_workbook(BytesIO(response.content))["说明"]
    allowed = {row[0]: row[2] for row in notes.iter_rows(min_row=2, values_only=True)}
    assert "单独组建" in allowed["组建方式"] and "联合组建" in allowed["组建方式"]


def test_the_template_of_an_unknown_kind_is_a_400_naming_kind(world):
    response = client_for(world, "admin").get(f"{API}template/", {"kind": "nonsense"})

    assert response.status_code == 400
    assert "kind" in response.json()


def test_a_preview_with_three_bad_rows_lists_exactly_those_errors(world):
    rows = enterprise_rows(5)
    rows[1][1] = rows[1][1][:-1] + ("0" if rows[1][1][-1] != "0" else "1")  # wrong check character, row 3
    rows[2][4] = "很多"  # employees, row 4
    rows[4][7] = "没有的片区"  # district, row 6

    response = post(world, workbook(ENTERPRISE_HEADER, rows))

    assert response.status_code == 200
    body = response.json()
    assert [(error["row"], error["column"]) for error in body["errors"]] == [
        (3, "统一社会信用代码"),
        (4, "职工人数"),
        (6, "所在片区"),
    ]
    assert "check character" in body["errors"][0]["message"]
    assert (body["created"], body["updated"], body["unchanged"], body["error_rows"]) == (2, 0, 0, 3)
    assert not imported(world).exists()


def test_fixed_and_committed_the_rows_are_created_with_their_coverage_by_the_importer(world):
    response = post(world, workbook(ENTERPRISE_HEADER, enterprise_rows(3)), dry_run=False)

    assert response.status_code == 200, response.content
    assert response.json() == {"created": 3, "updated": 0, "unchanged": 0, "error_rows": 0, "errors": []}
    enterprise = imported(world).get(credit_code=credit_code(9000))
    assert (enterprise.above_scale, enterprise.employees, str(enterprise.output_value)) == (True, 10, "100.50")
    assert enterprise.district == world.district
    coverage = Coverage.objects.get(enterprise=enterprise, ended_on__isnull=True)
    assert coverage.organization == world.branch_a
    assert coverage.started_on == enterprise.entered_on  # the later of entry and founding (2015)
    assert enterprise.history.get().history_user == world.users["admin"]


def test_importing_the_same_file_twice_changes_nothing(world):
    post(world, workbook(ENTERPRISE_HEADER, enterprise_rows(3)), dry_run=False)
    records = Enterprise.history.count() + Coverage.history.count()

    preview = post(world, workbook(ENTERPRISE_HEADER, enterprise_rows(3)))
    commit = post(world, workbook(ENTERPRISE_HEADER, enterprise_rows(3)), dry_run=False)

    for response in (preview, commit):
        assert response.status_code == 200
        assert (response.json()["created"], response.json()["updated"], response.json()["unchanged"]) == (0, 0, 3)
    assert Enterprise.history.count() + Coverage.history.count() == records


def test_a_changed_number_of_employees_is_an_update_of_that_row_only(world):
    post(world, workbook(ENTERPRISE_HEADER, enterprise_rows(3)), dry_run=False)
    rows = enterprise_rows(3)
    rows[1][4] = 250

    response = post(world, workbook(ENTERPRISE_HEADER, rows), dry_run=False)

    assert (response.json()["updated"], response.json()["unchanged"]) == (1, 2)
    assert imported(world).get(credit_code=credit_code(9001)).employees == 250


def test_an_existing_enterprise_is_found_by_its_credit_code(world):
    rows = [["甲陶瓷有限公司（更名）", world.enterprise_a.credit_code, "", "否", 5, 0, world.enterprise_a.entered_on,
             "一片区", "甲支部"]]  # fmt: skip

    response = post(world, workbook(ENTERPRISE_HEADER, rows), dry_run=False)

    assert response.json()["updated"] == 1, response.content
    world.enterprise_a.refresh_from_db()
    assert world.enterprise_a.name == "甲陶瓷有限公司（更名）"
    assert Enterprise.objects.filter(credit_code=world.enterprise_a.credit_code).count() == 1


def test_a_commit_with_errors_is_a_400_with_the_report_and_writes_nothing(world):
    rows = enterprise_rows(3)
    rows[2][8] = "不存在的支部"
    before = (Enterprise.objects.count(), Coverage.objects.count(), Enterprise.history.count())

    response = post(world, workbook(ENTERPRISE_HEADER, rows), dry_run=False)

    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 4, "column": "覆盖党组织", "message": "Nothing of this name in this park."}
    ]
    assert response.json()["created"] == 2
    assert (Enterprise.objects.count(), Coverage.objects.count(), Enterprise.history.count()) == before


def test_a_name_from_another_park_is_not_found_like_a_name_that_exists_nowhere(world):
    rows = enterprise_rows(2)
    rows[0][8] = world.other_branch.name  # 乙园区支部, of the other park
    rows[1][8] = "不存在的支部"

    errors = post(world, workbook(ENTERPRISE_HEADER, rows)).json()["errors"]

    assert [error["column"] for error in errors] == ["覆盖党组织", "覆盖党组织"]
    assert errors[0]["message"] == errors[1]["message"]


def test_a_credit_code_twice_in_the_file_is_an_error_of_the_second_row(world):
    rows = enterprise_rows(2)
    rows[1][1] = rows[0][1]

    errors = post(world, workbook(ENTERPRISE_HEADER, rows)).json()["errors"]

    assert [(error["row"], error["column"]) for error in errors] == [(3, "统一社会信用代码")]
    assert "row 2" in errors[0]["message"]


def test_a_formation_other_than_the_covering_organizations_is_an_error(world):
    header = [*ENTERPRISE_HEADER, "组建方式"]
    rows = [[*row, "联合组建"] for row in enterprise_rows(1)]  # 甲支部 is standalone

    errors = post(world, workbook(header, rows)).json()["errors"]

    assert [(error["row"], error["column"]) for error in errors] == [(2, "组建方式")]


def test_headers_are_matched_by_name_in_any_order_and_unknown_ones_are_reported(world):
    header = [*reversed(ENTERPRISE_HEADER), "备注"]
    rows = [[*reversed(row), "无"] for row in enterprise_rows(2)]

    body = post(world, workbook(header, rows)).json()

    assert body["created"] == 2
    assert body["errors"] == [{"row": 1, "column": "备注", "message": "Unknown column: correct its name or remove it."}]


def test_a_missing_required_column_is_an_error_of_row_1_and_no_row_is_read(world):
    header = [name for name in ENTERPRISE_HEADER if name != "入园日期"]
    rows = [row[:6] + row[7:] for row in enterprise_rows(2)]

    body = post(world, workbook(header, rows)).json()

    assert body["errors"] == [{"row": 1, "column": "入园日期", "message": "This column is required and is missing."}]
    assert body["created"] == 0


def test_a_formula_is_read_as_its_value_never_as_its_text(world):
    rows = enterprise_rows(1)
    rows[0][0] = '=HYPERLINK("http://example.com","点我")'  # saved by openpyxl: no computed value

    errors = post(world, workbook(ENTERPRISE_HEADER, rows)).json()["errors"]

    assert [(error["row"], error["column"]) for error in errors] == [(2, "企业名称")]


@pytest.mark.parametrize(
    "content",
    [b"plain text, not a workbook", b"PK\x03\x04 a zip that is not one", b""],
    ids=["text", "broken zip", "empty"],
)
def test_a_file_that_is_not_a_workbook_is_a_400_naming_the_file_field(world, content):
    response = post(world, SimpleUploadedFile("台账.xlsx", content), dry_run=False)

    assert response.status_code == 400
    assert list(response.json()) == ["file"]


def test_a_workbook_whose_sheet_is_broken_is_a_400_naming_the_file_field(world):
    source = BytesIO(workbook(ENTERPRISE_HEADER, enterprise_rows(2)).read())
    broken = BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(broken, "w") as copy:
        for item in original.infolist():
            data = original.read(item)
            copy.writestr(item, data[: len(data) // 2] if item.filename.endswith("sheet1.xml") else data)

    response = post(world, SimpleUploadedFile("台账.xlsx", broken.getvalue()), dry_run=False)

    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert not imported(world).exists()


def test_a_workbook_of_more_than_10_mb_is_refused_naming_the_file_field(world, monkeypatch):
    monkeypatch.setattr("parkparty.imports.run.MAX_BYTES", 1000)

    response = post(world, workbook(ENTERPRISE_HEADER, enterprise_rows(1)))

    assert response.status_code == 400
    assert "10 MB" in response.json()["file"][0]


def test_a_workbook_over_the_row_limit_is_refused_naming_the_file_field(world, monkeypatch):
    monkeypatch.setattr("parkparty.imports.run.MAX_ROWS", 2)

    response = post(world, workbook(ENTERPRISE_HEADER, enterprise_rows(3)), dry_run=False)

    assert response.status_code == 400
    assert "file" in response.json()
    assert not imported(world).exists()


def test_a_park_outside_the_admins_parks_is_not_a_valid_choice(world):
    response = post(world, workbook(ENTERPRISE_HEADER, enterprise_rows(1)), park=world.other_park)

    assert response.status_code == 400
    assert "park" in response.json()


@pytest.mark.parametrize("role", ["viewer", "secretary_a", "instructor", "token"])
def test_only_park_admins_import(world, role):
    response = post(world, workbook(ENTERPRISE_HEADER, enterprise_rows(1)), role=role, dry_run=False)

    assert response.status_code == 403
    assert not imported(world).exists()


def test_a_commit_bumps_the_ledger_version_once_and_a_preview_not_at_all(world, django_capture_on_commit_callbacks):
    from parkparty.ledger_cache import ledger_version

    before = ledger_version()
    with django_capture_on_commit_callbacks(execute=True) as preview:
        post(world, workbook(ENTERPRISE_HEADER, enterprise_rows(3)))
    with django_capture_on_commit_callbacks(execute=True) as commit:
        post(world, workbook(ENTERPRISE_HEADER, enterprise_rows(3)), dry_run=False)

    assert (len(preview), len(commit)) == (0, 1)  # not one per enterprise and coverage saved
    assert ledger_version() == before + 1
