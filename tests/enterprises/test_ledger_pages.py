"""The park admin keeps the ledger in the portal: enterprises, their coverage, instructors and assignments.

Each page saves through its service; a refusal shows on the field it concerns and writes nothing; a row
outside the admin's park answers exactly as a row that does not exist.
"""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from enterprises.models import Coverage, Enterprise, Instructor, InstructorAssignment
from organizations.models import Organization
from parkparty.models import Role
from tests import factories as f

SESSION_AND_SCOPE = 4  # the session, the user, their grants, whether they are an instructor


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    """Pages answer in English here, so the tests can read the services' messages."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def login(client, world):
    def as_role(role: str):
        client.force_login(world.users[role])
        return client

    return as_role


def new_enterprise(world, **overrides) -> dict:
    return {
        "name": "新瓷科技有限公司",
        "credit_code": f.credit_code(515151),
        "industry": "陶瓷",
        "entered_on": "2025-03-01",
        "district": world.district.pk,
        "grid": world.grid.pk,
        "employees": "12",
        "output_value": "300.50",
        **overrides,
    }


def errors_of(response) -> dict:
    assert response.status_code == 200, response.status_code
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


# --- a new enterprise --------------------------------------------------------------------------------


def test_the_admin_puts_a_new_enterprise_on_the_ledger_with_its_covering_organization(world, login):
    data = new_enterprise(world, organization=world.branch_a.pk)

    response = login("admin").post(reverse("enterprise-new"), data)

    enterprise = Enterprise.objects.get(credit_code=data["credit_code"])
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprise-detail", args=[enterprise.pk])
    assert (enterprise.park, enterprise.district, enterprise.grid) == (world.park, world.district, world.grid)
    coverage = enterprise.coverages.get()
    # Without a start date the coverage starts the day the enterprise entered the park.
    assert (coverage.organization, coverage.started_on, coverage.ended_on) == (world.branch_a, date(2025, 3, 1), None)


def test_a_new_enterprise_may_be_left_uncovered(world, login):
    response = login("admin").post(reverse("enterprise-new"), new_enterprise(world, district="", grid=""))

    assert response.status_code == 302
    assert not Enterprise.objects.get(credit_code=f.credit_code(515151)).coverages.exists()


def test_a_coverage_the_service_refuses_leaves_no_enterprise_behind(world, login):
    before = Enterprise.objects.count()
    data = new_enterprise(world, organization=world.branch_a.pk, covered_from="2025-02-01")

    response = login("admin").post(reverse("enterprise-new"), data)

    assert errors_of(response) == {"covered_from": ["The enterprise entered the park after this date."]}
    assert Enterprise.objects.count() == before


def test_the_form_offers_only_the_parks_districts_grids_and_covering_organizations(world, login):
    other_district = f.DistrictFactory(park=world.other_park, name="外园片区")

    response = login("admin").get(reverse("enterprise-new"))

    form = response.context["form"]
    assert list(form.fields["district"].queryset) == [world.district]
    assert list(form.fields["grid"].queryset) == [world.grid]
    organizations = set(form.fields["organization"].queryset)
    assert {world.committee, world.branch_a, world.branch_b} == organizations  # not the group, not park B's
    assert other_district.name.encode() not in response.content
    assert b"data-picker" in response.content
    assert response.context["chooser"] is None  # one park: nothing to choose


def test_a_district_of_another_park_is_not_a_valid_choice(world, login):
    other_district = f.DistrictFactory(park=world.other_park)
    before = Enterprise.objects.count()

    response = login("admin").post(reverse("enterprise-new"), new_enterprise(world, district=other_district.pk))

    assert list(errors_of(response)) == ["district"]
    assert Enterprise.objects.count() == before


def test_a_grid_of_another_district_is_refused_by_the_service(world, login):
    elsewhere = f.GridFactory(park=world.park, district=f.DistrictFactory(park=world.park, name="二片区"))

    response = login("admin").post(reverse("enterprise-new"), new_enterprise(world, grid=elsewhere.pk))

    assert errors_of(response) == {"grid": ["This grid is in another district."]}


def test_a_credit_code_already_operating_shows_on_its_field(world, login):
    data = new_enterprise(world, credit_code=world.enterprise_a.credit_code)

    response = login("admin").post(reverse("enterprise-new"), data)

    assert (
        "An operating enterprise with this credit code is already on the ledger." in errors_of(response)["credit_code"]
    )


def test_an_admin_of_two_parks_chooses_the_park_and_its_districts_follow(world, login):
    f.GrantFactory(user=world.users["admin"], role=Role.PARK_ADMIN, park=world.other_park)
    other_district = f.DistrictFactory(park=world.other_park, name="外园片区")
    client = login("admin")

    response = client.get(reverse("enterprise-new"), {"park": world.other_park.pk})
    assert list(response.context["form"].fields["district"].queryset) == [other_district]
    assert response.context["chooser"] is not None

    url = reverse("enterprise-new") + f"?park={world.other_park.pk}"
    response = client.post(url, new_enterprise(world, district=other_district.pk, grid=""))
    assert response.status_code == 302
    assert Enterprise.objects.get(credit_code=f.credit_code(515151)).park == world.other_park


def test_a_park_the_admin_does_not_administer_is_one_that_does_not_exist(world, login):
    client = login("admin")

    assert client.get(reverse("enterprise-new"), {"park": world.other_park.pk}).status_code == 404
    assert client.get(reverse("enterprise-new"), {"park": 999_999}).status_code == 404


@pytest.mark.parametrize("role", ["viewer", "secretary_a", "instructor"])
def test_only_a_park_admin_opens_the_new_enterprise_page(world, login, role):
    assert login(role).get(reverse("enterprise-new")).status_code == 403


# --- edit and leave ----------------------------------------------------------------------------------


def test_the_admin_edits_an_enterprise(world, login):
    enterprise = world.enterprise_b
    data = new_enterprise(world, name="乙电商集团", credit_code=enterprise.credit_code, entered_on="2015-01-01")

    response = login("admin").post(reverse("enterprise-edit", args=[enterprise.pk]), data)

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.employees, enterprise.grid) == ("乙电商集团", 12, world.grid)


def test_a_refused_edit_writes_nothing(world, login):
    enterprise = world.enterprise_a
    data = new_enterprise(world, name="", credit_code=enterprise.credit_code)

    response = login("admin").post(reverse("enterprise-edit", args=[enterprise.pk]), data)

    assert list(errors_of(response)) == ["name"]
    assert Enterprise.objects.get(pk=enterprise.pk).name == enterprise.name
    assert response.context["crumbs"][-1][1] == enterprise.name


def test_the_admin_records_that_an_enterprise_moved_out_and_its_coverage_ends(world, login):
    enterprise = world.enterprise_a

    response = login("admin").post(
        reverse("enterprise-leave", args=[enterprise.pk]), {"status": "moved_out", "left_on": "2026-11-30"}
    )

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.status, enterprise.left_on) == ("moved_out", date(2026, 11, 30))
    assert enterprise.coverages.get().ended_on == date(2026, 11, 30)


def test_leaving_ends_the_instructors_assignments_too(world, login):
    enterprise = world.enterprise_uncovered

    login("admin").post(
        reverse("enterprise-leave", args=[enterprise.pk]), {"status": "closed", "left_on": "2026-12-01"}
    )

    assert world.instructor.assignments.get().ended_on == date(2026, 12, 1)


@pytest.mark.parametrize(
    ("left_on", "message"),
    [
        ("2027-01-01", "Give the day it moved out or closed: today or earlier."),
        ("2016-01-01", "Its current coverage or an instructor's assignment started on 2016-01-01: give a later day."),
    ],
    ids=["ahead of today", "before the coverage started"],
)
def test_a_leaving_date_the_service_refuses_shows_on_its_field(world, login, left_on, message):
    enterprise = world.enterprise_a

    response = login("admin").post(
        reverse("enterprise-leave", args=[enterprise.pk]), {"status": "closed", "left_on": left_on}
    )

    assert errors_of(response) == {"left_on": [message]}
    assert Enterprise.objects.get(pk=enterprise.pk).status == "operating"
    assert enterprise.coverages.get().ended_on is None


def test_an_enterprise_that_has_left_cannot_leave_again(world, login):
    client = login("admin")
    url = reverse("enterprise-leave", args=[world.enterprise_b.pk])
    client.post(url, {"status": "moved_out", "left_on": "2026-01-01"})

    response = client.post(url, {"status": "closed", "left_on": "2026-06-01"})

    assert errors_of(response) == {"status": ["This enterprise has already left the park."]}
    assert Enterprise.objects.get(pk=world.enterprise_b.pk).left_on == date(2026, 1, 1)


@pytest.mark.parametrize("name", ["enterprise-edit", "enterprise-leave", "coverage-new"])
def test_an_enterprise_of_another_park_answers_as_one_that_does_not_exist(world, login, name):
    client = login("admin")

    outside = client.get(reverse(name, args=[world.other_enterprise.pk]))
    missing = client.get(reverse(name, args=[999_999]))

    assert outside.status_code == missing.status_code == 404
    assert outside.content == missing.content


@pytest.mark.parametrize("name", ["enterprise-edit", "enterprise-leave", "coverage-new"])
def test_a_viewer_of_the_park_is_refused(world, login, name):
    assert login("viewer").get(reverse(name, args=[world.enterprise_a.pk])).status_code == 403


# --- coverage ----------------------------------------------------------------------------------------


def test_the_admin_attaches_a_covering_organization_from_the_enterprises_page(world, login):
    enterprise = world.enterprise_uncovered
    url = reverse("coverage-new", args=[enterprise.pk])

    response = login("admin").post(url, {"organization": world.branch_b.pk, "started_on": "2026-06-01"})

    assert response.status_code == 302
    coverage = enterprise.coverages.get()
    assert (coverage.organization, coverage.started_on) == (world.branch_b, date(2026, 6, 1))


def test_moving_ends_the_current_coverage_the_day_the_new_one_starts(world, login):
    enterprise = world.enterprise_a
    client = login("admin")
    url = reverse("coverage-new", args=[enterprise.pk])
    assert world.branch_a not in client.get(url).context["form"].fields["organization"].queryset

    response = client.post(url, {"organization": world.branch_b.pk, "started_on": "2026-07-01"})

    assert response.status_code == 302
    old, new = enterprise.coverages.order_by("started_on")
    assert (old.organization, old.ended_on) == (world.branch_a, date(2026, 7, 1))
    assert (new.organization, new.started_on, new.ended_on) == (world.branch_b, date(2026, 7, 1), None)


def test_a_move_dated_before_the_current_coverage_shows_on_the_date(world, login):
    url = reverse("coverage-new", args=[world.enterprise_a.pk])

    response = login("admin").post(url, {"organization": world.branch_b.pk, "started_on": "2015-06-01"})

    assert errors_of(response) == {"started_on": ["The current coverage started on or after this date."]}
    assert world.enterprise_a.coverages.count() == 1


def test_an_organization_of_another_park_is_not_a_valid_choice(world, login):
    url = reverse("coverage-new", args=[world.enterprise_uncovered.pk])

    response = login("admin").post(url, {"organization": world.other_branch.pk, "started_on": "2026-06-01"})

    assert list(errors_of(response)) == ["organization"]
    assert not world.enterprise_uncovered.coverages.exists()


def test_the_admin_ends_a_coverage(world, login):
    coverage = world.enterprise_a.coverages.get()

    response = login("admin").post(reverse("coverage-end", args=[coverage.pk]), {"ended_on": "2026-10-01"})

    assert response.status_code == 302
    assert Coverage.objects.get(pk=coverage.pk).ended_on == date(2026, 10, 1)


def test_an_end_before_the_start_shows_on_the_date(world, login):
    coverage = world.enterprise_a.coverages.get()

    response = login("admin").post(reverse("coverage-end", args=[coverage.pk]), {"ended_on": "2015-01-01"})

    assert errors_of(response) == {"ended_on": ["The end must come after the start."]}
    assert Coverage.objects.get(pk=coverage.pk).ended_on is None


def test_a_coverage_of_another_park_answers_as_one_that_does_not_exist(world, login):
    client = login("admin")
    outside = client.get(reverse("coverage-end", args=[world.other_enterprise.coverages.get().pk]))
    missing = client.get(reverse("coverage-end", args=[999_999]))

    assert outside.status_code == missing.status_code == 404
    assert outside.content == missing.content


def test_the_enterprise_page_shows_the_admin_its_buttons_and_others_none(world, login, client):
    url = reverse("enterprise-detail", args=[world.enterprise_a.pk])
    coverage = world.enterprise_a.coverages.get()

    admin_page = login("admin").get(url).content.decode()
    assert reverse("enterprise-edit", args=[world.enterprise_a.pk]) in admin_page
    assert reverse("coverage-end", args=[coverage.pk]) in admin_page
    client.force_login(world.users["viewer"])
    viewer_page = client.get(url).content.decode()
    assert reverse("enterprise-edit", args=[world.enterprise_a.pk]) not in viewer_page
    assert reverse("coverage-new", args=[world.enterprise_a.pk]) not in viewer_page


# --- attach from the organization's page --------------------------------------------------------------


def attach_url(organization, **query) -> str:
    params = "&".join(f"{name}={value}" for name, value in {"organization": organization.pk, **query}.items())
    return f"{reverse('coverage-attach')}?{params}"


def test_the_organization_page_links_the_admin_to_attach_an_enterprise(world, login):
    page = login("admin").get(reverse("organization-detail", args=[world.branch_b.pk])).content.decode()

    assert attach_url(world.branch_b).replace("&", "&amp;") in page or attach_url(world.branch_b) in page


def test_the_organization_page_shows_a_viewer_no_attach_link(world, login):
    page = login("viewer").get(reverse("organization-detail", args=[world.branch_b.pk])).content.decode()

    assert reverse("coverage-attach") not in page


def test_the_picker_lists_the_parks_operating_enterprises_not_covered_here_today(world, login):
    closed = f.EnterpriseFactory(park=world.park, status="closed", left_on=date(2020, 1, 1), name="关停企业")

    response = login("admin").get(attach_url(world.branch_a))

    listed = [value for value, _label in response.context["form"].fields["enterprise"].widget.choices if value]
    assert listed == [world.enterprise_uncovered.pk, world.enterprise_b.pk]  # by name; not A, covered here
    assert closed.name.encode() not in response.content


def test_attaching_an_enterprise_covered_elsewhere_moves_it_here(world, login):
    response = login("admin").post(
        attach_url(world.branch_a), {"enterprise": world.enterprise_b.pk, "started_on": "2026-08-01"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("organization-detail", args=[world.branch_a.pk])
    current = world.enterprise_b.coverages.get(ended_on__isnull=True)
    assert (current.organization, current.started_on) == (world.branch_a, date(2026, 8, 1))


def test_an_enterprise_of_another_park_cannot_be_attached(world, login):
    response = login("admin").post(
        attach_url(world.branch_a), {"enterprise": world.other_enterprise.pk, "started_on": "2026-08-01"}
    )

    assert list(errors_of(response)) == ["enterprise"]


def test_a_big_park_narrows_the_picker_by_name(world, login, monkeypatch):
    monkeypatch.setattr("enterprises.manage_views.ENTERPRISE_OPTIONS", 1)
    client = login("admin")

    response = client.get(attach_url(world.branch_a))
    assert response.context["search"]["more"] is True
    assert len([value for value, _label in response.context["form"].fields["enterprise"].widget.choices if value]) == 1

    response = client.get(attach_url(world.branch_a, q="电商"))
    choices = response.context["form"].fields["enterprise"].widget.choices
    assert [value for value, _label in choices if value] == [world.enterprise_b.pk]
    # One not listed is still a valid choice: the list is only what is shown.
    response = client.post(
        attach_url(world.branch_a, q="电商"), {"enterprise": world.enterprise_uncovered.pk, "started_on": "2026-08-01"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("query", ["", "?organization=abc", "?organization=999999"])
def test_attach_without_an_organization_that_exists_is_not_found(world, login, query):
    assert login("admin").get(reverse("coverage-attach") + query).status_code == 404


def test_attach_for_an_organization_of_another_park_is_not_found(world, login):
    assert login("admin").get(attach_url(world.other_branch)).status_code == 404


# --- instructors -------------------------------------------------------------------------------------


def test_the_admin_adds_an_instructor_and_assigns_them(world, login):
    client = login("admin")

    response = client.post(reverse("instructor-new"), {"name": "陈指导", "title": "组织员", "phone": "13812345678"})
    instructor = Instructor.objects.get(name="陈指导")
    assert response["Location"] == reverse("instructor-detail", args=[instructor.pk])
    assert instructor.park == world.park

    url = reverse("assignment-new", args=[instructor.pk])
    response = client.post(url, {"enterprise": world.enterprise_a.pk, "started_on": "2026-11-01"})
    assert response.status_code == 302
    assignment = instructor.assignments.get()
    assert (assignment.enterprise, assignment.started_on) == (world.enterprise_a, date(2026, 11, 1))

    page = client.get(reverse("instructor-detail", args=[instructor.pk])).content.decode()
    assert world.enterprise_a.name in page and "13812345678" in page
    assert reverse("assignment-end", args=[assignment.pk]) in page


def test_the_admin_edits_an_instructor(world, login):
    url = reverse("instructor-edit", args=[world.instructor.pk])

    response = login("admin").post(url, {"name": "新名字", "title": "", "phone": ""})

    assert response.status_code == 302
    assert Instructor.objects.get(pk=world.instructor.pk).name == "新名字"


def test_an_instructor_without_a_name_is_refused_on_the_field(world, login):
    before = Instructor.objects.count()

    response = login("admin").post(reverse("instructor-new"), {"name": "", "title": "", "phone": ""})

    assert list(errors_of(response)) == ["name"]
    assert Instructor.objects.count() == before


def test_an_assignment_the_service_refuses_shows_on_its_date(world, login):
    url = reverse("assignment-new", args=[world.instructor.pk])
    before = InstructorAssignment.objects.count()

    response = login("admin").post(url, {"enterprise": world.enterprise_a.pk, "started_on": "2014-01-01"})

    assert errors_of(response) == {"started_on": ["The enterprise was not operating in the park on this date."]}
    assert InstructorAssignment.objects.count() == before


def test_the_assignment_picker_leaves_out_the_enterprises_already_assigned(world, login):
    response = login("admin").get(reverse("assignment-new", args=[world.instructor.pk]))

    listed = {value for value, _label in response.context["form"].fields["enterprise"].widget.choices if value}
    assert listed == {world.enterprise_a.pk, world.enterprise_b.pk}


def test_the_admin_ends_an_assignment(world, login):
    assignment = world.instructor.assignments.get()

    response = login("admin").post(reverse("assignment-end", args=[assignment.pk]), {"ended_on": "2026-12-01"})

    assert response["Location"] == reverse("instructor-detail", args=[world.instructor.pk])
    assert InstructorAssignment.objects.get(pk=assignment.pk).ended_on == date(2026, 12, 1)


def test_an_assignment_cannot_end_ahead_of_today(world, login):
    assignment = world.instructor.assignments.get()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = login("admin").post(reverse("assignment-end", args=[assignment.pk]), {"ended_on": tomorrow})

    assert errors_of(response) == {"ended_on": ["Give the day it ended: today or earlier."]}
    assert InstructorAssignment.objects.get(pk=assignment.pk).ended_on is None


@pytest.mark.parametrize("name", ["instructor-detail", "instructor-edit", "assignment-new"])
def test_an_instructor_of_another_park_answers_as_one_that_does_not_exist(world, login, name):
    stranger = f.InstructorFactory(park=world.other_park)
    client = login("admin")

    outside = client.get(reverse(name, args=[stranger.pk]))
    missing = client.get(reverse(name, args=[999_999]))

    assert outside.status_code == missing.status_code == 404
    assert outside.content == missing.content


def test_an_assignment_of_another_park_answers_as_one_that_does_not_exist(world, login):
    stranger = f.InstructorAssignmentFactory(instructor=f.InstructorFactory(park=world.other_park))
    client = login("admin")

    outside = client.get(reverse("assignment-end", args=[stranger.pk]))
    missing = client.get(reverse("assignment-end", args=[999_999]))

    assert outside.status_code == missing.status_code == 404
    assert outside.content == missing.content


def test_the_list_masks_phones_for_a_viewer_and_shows_them_to_the_admin(world, login, client):
    admin_page = login("admin").get(reverse("instructor-list")).content.decode()
    assert "13900001111" in admin_page
    assert world.enterprise_uncovered.name in admin_page  # today's assignment
    assert reverse("instructor-new") in admin_page

    client.force_login(world.users["viewer"])
    viewer_page = client.get(reverse("instructor-list")).content.decode()
    assert world.instructor.name in viewer_page
    assert "13900001111" not in viewer_page and world.instructor.masked_phone in viewer_page
    assert reverse("instructor-new") not in viewer_page


def test_a_secretary_reads_no_instructor(world, login):
    response = login("secretary_a").get(reverse("instructor-list"))

    assert response.status_code == 200
    assert world.instructor.name not in response.content.decode()


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


# session + scope, the count, the page of instructors (park joined), their assignments in force today
# (enterprise joined).
INSTRUCTOR_LIST_QUERIES = SESSION_AND_SCOPE + 3


def test_the_instructor_list_takes_as_many_queries_for_many_as_for_one(world, login, django_assert_num_queries):
    client = login("admin")
    url = reverse("instructor-list")
    with django_assert_num_queries(INSTRUCTOR_LIST_QUERIES):
        client.get(url)
    for index in range(6):
        instructor = f.InstructorFactory(park=world.park, name=f"指导员甲{index}")
        for enterprise in (world.enterprise_a, world.enterprise_b):
            f.InstructorAssignmentFactory(instructor=instructor, enterprise=enterprise)
    with django_assert_num_queries(INSTRUCTOR_LIST_QUERIES):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 7


def test_a_dissolved_organization_offers_no_attach_link(world, login):
    Organization.objects.filter(pk=world.branch_b.pk).update(dissolved_on=date(2026, 1, 1))

    page = login("admin").get(reverse("organization-detail", args=[world.branch_b.pk])).content.decode()

    assert reverse("coverage-attach") not in page
