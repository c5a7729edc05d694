"""The organizations, members and instructors kinds: their keys, references by name within the park,
rows that refer to rows above them in the same file, and re-imports that change nothing."""

from datetime import date

from enterprises.models import Instructor, InstructorAssignment
from organizations.models import Organization, PartyMember
from tests.conftest import client_for
from tests.factories import id_number
from tests.parkparty.imports_helpers import workbook

API = "/api/v1/imports/"
ORGANIZATIONS = ["名称", "类型", "组建方式", "上级党组织", "所在片区", "成立日期"]
MEMBERS = ["姓名", "身份证号", "所属党组织", "所在企业", "入党日期", "转正日期", "状态", "职务", "手机号"]
INSTRUCTORS = ["姓名", "职务", "手机号", "指导企业", "开始日期"]


def post(world, kind, header, rows, *, dry_run=False):
    data = {"kind": kind, "park": world.park.pk, "file": workbook(header, rows), "dry_run": str(dry_run).lower()}
    return client_for(world, "admin").post(API, data, format="multipart", HTTP_ACCEPT_LANGUAGE="en")


def counts(response) -> tuple:
    body = response.json()
    return body["created"], body["updated"], body["unchanged"], body["error_rows"]


def organization_rows():
    return [
        ["两新组织党委", "党委", "区域组建", "园区党委", "", "2018-01-01"],
        ["示例公司党支部", "党支部", "单独组建", "两新组织党委", "一片区", date(2019, 7, 1)],
        ["示例公司第一党小组", "党小组", "单独组建", "示例公司党支部", "", "2019年8月1日"],
    ]


def test_organizations_refer_to_parents_made_on_rows_above_even_in_a_preview(world):
    preview = post(world, "organizations", ORGANIZATIONS, organization_rows(), dry_run=True)

    assert counts(preview) == (3, 0, 0, 0), preview.content
    assert not Organization.objects.filter(name="两新组织党委").exists()


def test_committed_organizations_form_the_tree_and_a_second_import_changes_nothing(world):
    assert counts(post(world, "organizations", ORGANIZATIONS, organization_rows())) == (3, 0, 0, 0)
    group = Organization.objects.get(name="示例公司第一党小组")
    branch = Organization.objects.get(name="示例公司党支部")

    again = post(world, "organizations", ORGANIZATIONS, organization_rows())

    assert group.path.startswith(branch.path) and branch.path.startswith(world.committee.path)
    assert (group.depth, branch.depth) == (world.committee.depth + 3, world.committee.depth + 2)
    assert (branch.kind, branch.formation, branch.district) == ("branch", "standalone", world.district)
    assert counts(again) == (0, 0, 3, 0)


def test_an_organization_is_keyed_by_its_name_within_its_parent(world):
    rows = [["甲支部", "党支部", "联合组建", "园区党委", "", "2015-01-01"],  # world's branch A: changed
            ["甲支部", "党支部", "单独组建", "", "", "2015-01-01"]]  # another 甲支部, at the top  # fmt: skip

    response = post(world, "organizations", ORGANIZATIONS, rows)

    assert counts(response) == (1, 1, 0, 0), response.content
    world.branch_a.refresh_from_db()
    assert world.branch_a.formation == "joint"


def test_an_unknown_kind_label_lists_the_allowed_ones(world):
    rows = [["新支部", "支部委员会", "单独组建", "园区党委", "", "2020-01-01"]]

    errors = post(world, "organizations", ORGANIZATIONS, rows).json()["errors"]

    assert [(error["row"], error["column"]) for error in errors] == [(2, "类型")]
    assert "党支部" in errors[0]["message"]


def member_rows(world):
    """Zhao by the credit code of his enterprise, Qian by its name (and her ID number's x in lower case)."""
    return [
        ["赵六", id_number(7001), "甲支部", world.enterprise_a.credit_code, "2015-07-01", "2016-07-01", "正式党员",
         "一线职工", 13800001234],
        ["钱七", id_number(7002).lower(), "乙联合支部", "乙电商有限公司", "2023-07-01", "", "", "", ""],
    ]  # fmt: skip


def test_members_are_created_then_found_by_their_id_number(world):
    rows = member_rows(world)

    created = post(world, "members", MEMBERS, rows)
    again = post(world, "members", MEMBERS, rows)
    rows[1][0] = "钱七七"
    renamed = post(world, "members", MEMBERS, rows)

    assert counts(created) == (2, 0, 0, 0), created.content
    assert counts(again) == (0, 0, 2, 0)
    assert counts(renamed) == (0, 1, 1, 0)
    zhao = PartyMember.objects.get(id_number=id_number(7001))
    assert (zhao.enterprise, zhao.status, zhao.post, zhao.phone) == (
        world.enterprise_a,
        "full",
        "worker",
        "13800001234",
    )
    qian = PartyMember.objects.get(id_number=id_number(7002).upper())
    assert (qian.name, qian.organization, qian.enterprise, qian.status) == (
        "钱七七",
        world.branch_b,
        world.enterprise_b,
        "probationary",
    )


def test_a_member_of_another_parks_organization_is_not_found(world):
    rows = member_rows(world)[:1]
    rows[0][2] = world.other_branch.name

    errors = post(world, "members", MEMBERS, rows).json()["errors"]

    assert [(error["row"], error["column"], error["message"]) for error in errors] == [
        (2, "所属党组织", "Nothing of this name in this park.")
    ]


def test_a_full_member_without_the_date_is_refused_by_the_service_on_its_column(world):
    rows = member_rows(world)[:1]
    rows[0][5] = ""

    errors = post(world, "members", MEMBERS, rows).json()["errors"]

    assert [(error["row"], error["column"]) for error in errors] == [(2, "转正日期")]


def test_instructors_are_assigned_the_listed_enterprises_once(world):
    codes = f"{world.enterprise_a.credit_code}、{world.enterprise_b.credit_code}"
    rows = [["陈指导", "组织委员", "13900001111", codes, "2024-01-01"]]

    created = post(world, "instructors", INSTRUCTORS, rows)
    again = post(world, "instructors", INSTRUCTORS, rows)

    assert counts(created) == (1, 0, 0, 0), created.content
    assert counts(again) == (0, 0, 1, 0)
    chen = Instructor.objects.get(park=world.park, name="陈指导")
    assignments = InstructorAssignment.objects.filter(instructor=chen, ended_on__isnull=True)
    assert {a.enterprise for a in assignments} == {world.enterprise_a, world.enterprise_b}
    assert {a.started_on for a in assignments} == {date(2024, 1, 1)}


def test_an_instructor_cannot_be_sent_to_another_parks_enterprise(world):
    rows = [["陈指导", "", "", world.other_enterprise.credit_code, ""]]

    response = post(world, "instructors", INSTRUCTORS, rows)

    assert response.status_code == 400
    assert [(error["row"], error["column"]) for error in response.json()["errors"]] == [(2, "指导企业")]
    assert not Instructor.objects.filter(name="陈指导").exists()
