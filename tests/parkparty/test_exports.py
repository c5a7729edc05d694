"""Excel exports of the ledger lists: each page's "Export to Excel" and the API's `?format=xlsx`.

Both write the list's API serializer fields (parkparty.exports.Sheet) as typed cells; the tests read
the files back with openpyxl: headers and values, masking by role, text that stays text, the page's
filters, every row rather than one page, and a number of queries that does not grow with the rows.
"""

import gc
from datetime import timedelta
from io import BytesIO
from tempfile import TemporaryFile
from urllib.parse import quote

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from rest_framework.relations import ManyRelatedField
from rest_framework.serializers import BaseSerializer

from activities.api import ACTIVITY_SHEET
from enterprises.api import ENTERPRISE_SHEET
from enterprises.models import Enterprise
from meetings.api import MATTER_SHEET, MEETING_SHEET
from meetings.models import Matter, Meeting
from organizations.api import MEMBER_SHEET, ORGANIZATION_SHEET
from organizations.models import PartyMember
from organizations.ratings.api import RATING_SHEET
from organizations.subsidies.api import SUBSIDY_SHEET
from parkparty import exports
from parkparty.exports import XLSX
from tests import factories as f
from tests.conftest import client_for


def workbook(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX
    # Read the stream through (see test_permission_matrix: a bare close() would end the module's data).
    return load_workbook(BytesIO(b"".join(response.streaming_content))).active


def rows(response) -> list[list]:
    return [list(row) for row in workbook(response).iter_rows(values_only=True)]


def by_header(response) -> list[dict]:
    header, *data = rows(response)
    return [dict(zip(header, row, strict=True)) for row in data]


def export(world, role: str, name: str, **params):
    return client_for(world, role).get(reverse(name), params)


def api_export(world, role: str, resource: str, **params):
    return client_for(world, role).get(f"/api/v1/{resource}/", {"format": "xlsx", **params})


# --- headers and values ---------------------------------------------------------------------------


def test_the_enterprise_export_is_named_in_chinese_with_typed_cells(world):
    response = export(world, "admin", "enterprise-export")
    filename = f"企业台账-{timezone.localdate():%Y-%m-%d}.xlsx"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(filename)}"
    sheet = workbook(response)
    assert sheet.title == "企业台账"
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["园区", "名称", "统一社会信用代码"]
    assert not any("_" in str(label) for label in header)  # every column has a label, none a field name
    cells = {header[i]: cell for row in sheet.iter_rows(min_row=2) if row[1].value == "乙电商有限公司" for i, cell in
             enumerate(row)}  # fmt: skip
    assert cells["园区"].value == "甲园区"
    assert cells["统一社会信用代码"].data_type == "s"
    assert cells["入园日期"].is_date and cells["入园日期"].value.date() == world.enterprise_b.entered_on
    assert cells["职工人数"].value == world.enterprise_b.employees  # a number, not text
    assert cells["状态"].value == "在营"  # the choice's label
    assert cells["规模以上"].value == "否"
    assert "乙联合支部" in [cell.value for cell in cells.values()]  # the covering organization by name
    assert "联合组建" in [cell.value for cell in cells.values()]  # its formation by label


def test_each_list_page_exports_its_rows(world):
    exported = {
        "organization-export": [row["名称"] for row in by_header(export(world, "admin", "organization-export"))],
        "member-export": [row["姓名"] for row in by_header(export(world, "admin", "member-export"))],
        "matter-export": [row["事项名称"] for row in by_header(export(world, "admin", "matter-export"))],
        "activity-export": [row["名称"] for row in by_header(export(world, "admin", "activity-export"))],
    }
    assert exported == {
        # Tree order, the park's own organizations only.
        "organization-export": ["园区党委", "甲支部", "甲支部第一党小组", "乙联合支部"],
        "member-export": ["张三", "李四"],
        "matter-export": ["旺季缺工"],
        "activity-export": ["红帆志愿服务"],
    }


def test_the_meeting_export_is_the_calendar_s_month_with_times_and_rates(world):
    response = export(world, "admin", "meeting-export", host=world.branch_a.pk, month="2024-05")
    sheet = workbook(response)
    header = [cell.value for cell in sheet[1]]
    (row,) = list(sheet.iter_rows(min_row=2))
    cells = dict(zip(header, row, strict=True))
    assert cells["主办党组织"].value == "甲支部"
    assert cells["召开时间"].value == timezone.localtime(world.meeting_a.held_at).replace(tzinfo=None)  # local, naive
    rate = row[-1]
    assert (rate.value, rate.number_format) == (1, "0.00%")
    assert rows(export(world, "admin", "meeting-export", host=world.branch_a.pk, month="2024-06"))[1:] == []


def test_the_rating_export_has_the_star_map_s_park_up_to_its_day(world):
    found = by_header(export(world, "admin", "rating-export", park=world.park.pk, as_of="2024-07-01"))
    assert [(row["党组织"], row["期间"], row["总分"], row["星级"]) for row in found] == [("甲支部", "2024-Q2", 81, 4)]
    before = by_header(export(world, "admin", "rating-export", park=world.park.pk, as_of="2024-06-01"))
    assert before == []


# --- personal data --------------------------------------------------------------------------------


def id_numbers(response) -> dict:
    return {row["姓名"]: (row["身份证号"], row["联系电话"]) for row in by_header(response)}


def test_the_roster_is_masked_for_a_viewer_and_a_token_and_whole_for_the_park_admin(world):
    member = world.member_a
    whole = (member.id_number, member.phone)
    masked = (member.masked_id_number, member.masked_phone)
    assert "*" in masked[0]
    assert id_numbers(export(world, "admin", "member-export"))["张三"] == whole
    assert id_numbers(export(world, "viewer", "member-export"))["张三"] == masked
    assert id_numbers(export(world, "secretary_a", "member-export"))["张三"] == masked
    assert id_numbers(api_export(world, "admin", "members"))["张三"] == whole
    # A token is masked whoever holds it (this one is the park admin's), as in the JSON.
    assert id_numbers(api_export(world, "token", "members"))["张三"] == masked
    json = client_for(world, "token").get("/api/v1/members/", {"name": "张三"}).json()["results"]
    assert [(row["id_number"], row["phone"]) for row in json if row["name"] == "张三"] == [masked]


def test_an_instructor_exports_no_roster(world):
    assert rows(export(world, "instructor", "member-export"))[1:] == []


# --- text stays text ------------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example/","点击")'


def test_typed_text_is_never_a_formula_on_a_page_or_through_the_api(world):
    Enterprise.objects.filter(pk=world.enterprise_a.pk).update(name=FORMULA, address="=1+1")
    Matter.objects.filter(pk=world.matter_a.pk).update(title="=SUM(A1:A9)")
    PartyMember.objects.filter(pk=world.member_a.pk).update(name="@cmd")
    sheets = [
        workbook(export(world, "admin", "enterprise-export")),
        workbook(api_export(world, "token", "enterprises")),
        workbook(export(world, "admin", "matter-export")),
        workbook(api_export(world, "admin", "members")),
    ]
    typed = [(cell.value, cell.data_type) for sheet in sheets for row in sheet.iter_rows(min_row=2) for cell in row
             if isinstance(cell.value, str) and cell.value[:1] in "=@"]  # fmt: skip
    # The enterprise's name also shows on its matter and its members' rows: each time as text.
    assert {value for value, _type in typed} == {FORMULA, "=1+1", "=SUM(A1:A9)", "@cmd"}
    assert {data_type for _value, data_type in typed} == {"s"}


# --- filters and all rows -------------------------------------------------------------------------


def test_the_page_export_applies_the_page_s_filters(world):
    client = client_for(world, "admin")
    for params in ({"coverage": "uncovered"}, {"coverage": "covered", "q": "甲"}, {"industry": "电子商务"}):
        listed = client.get(reverse("enterprise-list"), params).context["page"].paginator.count
        exported = rows(client.get(reverse("enterprise-export"), params))[1:]
        assert len(exported) == listed, params
    assert [row[1] for row in rows(client.get(reverse("enterprise-export"), {"coverage": "uncovered"}))[1:]] == [
        "丙小微企业"
    ]
    assert rows(client.get(reverse("activity-export"), {"kind": "training"}))[1:] == []
    assert rows(client.get(reverse("matter-export"), {"category": "financing"}))[1:] == []


def test_the_api_export_has_every_filtered_row_not_one_page(world):
    f.EnterpriseFactory.create_batch(55, park=world.park)
    client = client_for(world, "admin")
    listed = client.get("/api/v1/enterprises/", {"covered": "false"}).json()
    assert len(listed["results"]) == 50 and listed["count"] == 56
    exported = rows(client.get("/api/v1/enterprises/", {"format": "xlsx", "covered": "false", "page_size": 1}))
    assert len(exported) - 1 == 56
    # The JSON list's order, from its first page.
    assert [row[1] for row in exported[1:51]] == [row["name"] for row in listed["results"]]


def test_the_api_export_is_the_json_list_in_cells(world):
    client = client_for(world, "viewer")
    json = client.get("/api/v1/subsidies/").json()["results"]
    (row,) = by_header(client.get("/api/v1/subsidies/", {"format": "xlsx"}))
    assert (row["周期"], row["金额（元）"], row["园区"]) == (json[0]["period"], 200, "甲园区")
    meetings = by_header(api_export(world, "secretary_a", "meetings", held_after="2024-05-01"))
    assert [row["会议主题"] for row in meetings] == ["主题党日"]


def test_a_bad_filter_on_an_xlsx_list_answers_json(world):
    response = api_export(world, "admin", "members", status="nonsense")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == ["status"]


def test_a_record_s_own_url_offers_no_xlsx(world):
    response = client_for(world, "admin").get(f"/api/v1/enterprises/{world.enterprise_a.pk}/", {"format": "xlsx"})
    assert response.status_code == 404  # DRF's answer to a format the view does not render


def test_the_schema_documents_the_xlsx_list(tmp_path):
    path = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(path))
    paths = yaml.safe_load(path.read_text())["paths"]
    listing = paths["/api/v1/enterprises/"]["get"]
    assert listing["responses"]["200"]["content"][XLSX] == {"schema": {"type": "string", "format": "binary"}}
    assert {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "xlsx"]}} in listing[
        "parameters"
    ]
    assert list(listing["responses"]["400"]["content"]) == ["application/json"]
    assert XLSX not in paths["/api/v1/enterprises/{id}/"]["get"]["responses"]["200"]["content"]


def test_a_file_dropped_half_read_is_closed(monkeypatch):
    opened = []

    def temporary_file():
        opened.append(TemporaryFile())  # noqa: SIM115 -- the export closes it; the test checks that
        return opened[-1]

    monkeypatch.setattr(exports, "TemporaryFile", temporary_file)
    book = Workbook(write_only=True)
    book.create_sheet("x").append(["a"])
    response = exports.xlsx_response(book, "x.xlsx")
    assert int(response["Content-Length"]) > 0
    next(iter(response.streaming_content))
    assert not opened[0].closed
    del response
    gc.collect()
    assert opened[0].closed


# --- queries --------------------------------------------------------------------------------------


def more_enterprises(world, n: int) -> None:
    for enterprise in f.EnterpriseFactory.create_batch(n, park=world.park, district=world.district):
        f.CoverageFactory(enterprise=enterprise, organization=world.branch_b)


def more_members(world, n: int) -> None:
    f.PartyMemberFactory.create_batch(n, organization=world.branch_b, enterprise=world.enterprise_b)


def more_meetings(world, n: int) -> None:
    held = timezone.now() - timedelta(days=3)
    Meeting.objects.bulk_create(
        Meeting(park=world.park, host=world.branch_b, kind="theme_day", status="held", held_at=held, topic=f"第{i}次")
        for i in range(n)
    )


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
        workbook(response)
    return len(context.captured_queries)


# Each export: the session, the user, the reader's grants and instructor record (their scope), the
# page's filter choices (parks, districts, grids, industries…), then one query for the rows (a chunk
# of 2,000), plus one per prefetch and chunk (a meeting's attendance). None per row.
@pytest.mark.parametrize(
    ("url", "more"),
    [
        ("/enterprises/export/", more_enterprises),
        ("/api/v1/enterprises/?format=xlsx", more_enterprises),
        ("/organizations/members/export/", more_members),
        ("/api/v1/members/?format=xlsx", more_members),
        ("/api/v1/meetings/?format=xlsx", more_meetings),
    ],
)
def test_an_export_costs_the_same_queries_for_30_rows_as_for_3(world, django_assert_num_queries, url, more):
    client = client_for(world, "admin")
    count(client, url)  # warm what a first request caches
    more(world, 3)
    few = count(client, url)
    more(world, 27)
    with django_assert_num_queries(few):
        workbook(client.get(url))


SHEETS = [ENTERPRISE_SHEET, ORGANIZATION_SHEET, MEMBER_SHEET, MEETING_SHEET, MATTER_SHEET, RATING_SHEET, SUBSIDY_SHEET,
          ACTIVITY_SHEET]  # fmt: skip


@pytest.mark.parametrize("sheet", SHEETS, ids=lambda sheet: sheet.serializer.__name__)
def test_each_sheet_is_made_of_its_api_serializer_s_plain_fields(sheet):
    # One column definition per list, and it is the API's: a renamed serializer field fails here, and so
    # would a nested list (attendance, photos), which has no place in a cell.
    fields = sheet.serializer().fields
    assert set(sheet.fields) <= set(fields)
    nested = [name for name in sheet.fields if isinstance(fields[name], BaseSerializer | ManyRelatedField)]
    assert nested == []
