"""The park admin's set-up pages of activities: venues, designations and annual plans with their
targets — what is saved, what is refused (on the field, nothing written), choices limited to the
park's rows, ids outside the admin's parks, and the lists' queries."""

from datetime import date

import pytest
from django.urls import reverse

from activities.models import AnnualPlan, Designation, PlanTarget, Venue
from activities.services import plan_save, venue_save
from tests.meetings.test_meeting_pages import SESSION_AND_SCOPE

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def admin(client, world):
    client.force_login(world.users["admin"])
    return client


# --- venues ----------------------------------------------------------------------------------------


def venue_data(**overrides) -> dict:
    return {"name": "职工书屋", "owner": "", "shared": "on", "capacity": 40, "address": "一号楼"} | overrides


def test_an_admin_adds_an_enterprises_venue(world, admin):
    response = admin.post(reverse("venue-new"), venue_data(owner=world.enterprise_a.pk, shared=""))

    assert response.status_code == 302
    venue = Venue.objects.get(name="职工书屋")
    assert (venue.park, venue.owner, venue.shared, venue.capacity) == (world.park, world.enterprise_a, False, 40)


def test_an_enterprise_of_another_park_is_not_a_valid_owner(world, admin):
    response = admin.post(reverse("venue-new"), venue_data(owner=world.other_enterprise.pk), **EN)

    assert "Select a valid choice" in response.context["form"].errors["owner"][0]
    assert not Venue.objects.filter(name="职工书屋").exists()


def test_the_owner_choices_are_the_parks_covered_enterprises(world, admin):
    choices = admin.get(reverse("venue-new")).context["form"].fields["owner"].queryset

    assert set(choices) == {world.enterprise_a, world.enterprise_b}


def test_a_venue_name_twice_in_a_park_is_refused_on_the_name(world, admin):
    response = admin.post(reverse("venue-new"), venue_data(name=world.venue.name), **EN)

    assert response.context["form"].errors["name"] == ["The park has a venue of this name."]
    assert Venue.objects.filter(name=world.venue.name).count() == 1


def test_an_admin_changes_a_venue(world, admin):
    response = admin.post(
        reverse("venue-edit", args=[world.venue.pk]), venue_data(name="党群服务中心", owner=world.enterprise_a.pk)
    )

    assert response.status_code == 302
    world.venue.refresh_from_db()
    assert (world.venue.capacity, world.venue.address) == (40, "一号楼")


def test_another_parks_venue_answers_exactly_like_one_that_does_not_exist(world, admin):
    other = venue_save(venue=Venue(park=world.other_park, name="乙园区活动室"))

    outside = admin.get(reverse("venue-edit", args=[other.pk]))
    missing = admin.get(reverse("venue-edit", args=[other.pk + 1000]))

    assert outside.status_code == missing.status_code == 404
    assert outside.content == missing.content


# --- designations ----------------------------------------------------------------------------------


def designation_data(world, **overrides) -> dict:
    data = {
        "organization": world.branch_a.pk,
        "kind": "pioneer_team",
        "name": "党员突击队",
        "members": [world.member_a.pk],
        "started_on": "2024-03-01",
        "ended_on": "",
    }
    return data | overrides


def test_an_admin_designates_a_team_with_its_members(world, admin):
    response = admin.post(reverse("designation-new"), designation_data(world))

    assert response.status_code == 302
    designation = Designation.objects.get(name="党员突击队")
    assert (designation.park, designation.organization) == (world.park, world.branch_a)
    assert list(designation.members.all()) == [world.member_a]


def test_a_member_of_another_branch_is_refused_by_name_and_nothing_is_written(world, admin):
    response = admin.post(reverse("designation-new"), designation_data(world, members=[world.member_b.pk]), **EN)

    assert response.context["form"].errors["members"] == ["Not members of the organization: 李四."]
    assert not Designation.objects.filter(name="党员突击队").exists()


def test_an_organization_of_another_park_is_not_a_valid_choice(world, admin):
    response = admin.post(
        reverse("designation-new"), designation_data(world, organization=world.other_branch.pk, members=[])
    )

    assert "organization" in response.context["form"].errors
    assert not Designation.objects.filter(name="党员突击队").exists()


def test_a_designation_is_ended_with_a_date_and_one_before_it_started_is_refused(world, admin):
    url = reverse("designation-edit", args=[world.designation_a.pk])
    fields = {"kind": "demo_post", "name": "党员示范岗", "started_on": "2023-07-01"}

    refused = admin.post(url, designation_data(world, **fields, ended_on="2023-06-30"), **EN)
    ended = admin.post(url, designation_data(world, **fields, ended_on="2026-11-30"))

    assert refused.context["form"].errors["ended_on"] == ["A designation ends after it starts."]
    assert ended.status_code == 302
    world.designation_a.refresh_from_db()
    assert world.designation_a.ended_on == date(2026, 11, 30)


def test_the_designation_list_links_an_admin_to_the_edit_page(world, admin, client):
    url = reverse("designation-edit", args=[world.designation_a.pk])

    assert url in admin.get(reverse("designation-list")).content.decode()
    client.force_login(world.users["secretary_a"])
    assert url not in client.get(reverse("designation-list")).content.decode()


# --- annual plans ----------------------------------------------------------------------------------


def plan_data(year=2026, title="2026年“十百千”计划", rows=(), initial=0) -> dict:
    data = {
        "year": year,
        "title": title,
        "targets-TOTAL_FORMS": max(len(rows), 1),
        "targets-INITIAL_FORMS": initial,
        "targets-MIN_NUM_FORMS": 0,
        "targets-MAX_NUM_FORMS": 50,
    }
    for index, row in enumerate(rows):
        data |= {f"targets-{index}-{name}": value for name, value in row.items()}
    return data


def test_an_admin_adds_a_plan_with_its_targets(world, admin):
    rows = [
        {"what": "activities:training", "target": 10, "label": ""},
        {"what": "meetings:party_lesson", "target": 100, "label": "党课进网格"},
        {"what": "", "target": "", "label": ""},
    ]

    response = admin.post(reverse("plan-new"), plan_data(rows=rows))

    assert response.status_code == 302
    plan = AnnualPlan.objects.get(park=world.park, year=2026)
    assert sorted(plan.targets.values_list("counts", "kind", "target", "label")) == [
        ("activities", "training", 10, ""),
        ("meetings", "party_lesson", 100, "党课进网格"),
    ]


def test_a_second_plan_for_a_year_is_refused_on_the_year(world, admin):
    response = admin.post(reverse("plan-new"), plan_data(year=2024), **EN)

    assert response.context["form"].errors["year"] == ["The park has a plan for this year: change that one."]
    assert AnnualPlan.objects.filter(park=world.park).count() == 1


def test_a_kind_targeted_twice_is_refused_and_nothing_is_written(world, admin):
    rows = [{"what": "activities:training", "target": 10}, {"what": "activities:training", "target": 5}]

    response = admin.post(reverse("plan-new"), plan_data(rows=rows), **EN)

    assert "A kind is targeted twice." in response.context["form"].non_field_errors()
    assert not AnnualPlan.objects.filter(year=2026).exists()
    assert not PlanTarget.objects.filter(plan__year=2026).exists()


def test_a_target_without_a_number_is_refused_on_its_row(world, admin):
    response = admin.post(reverse("plan-new"), plan_data(rows=[{"what": "activities:training", "target": ""}]), **EN)

    assert response.context["targets"].forms[0].errors["target"] == ["Give the number the plan aims at."]
    assert not AnnualPlan.objects.filter(year=2026).exists()


def test_editing_a_plan_changes_one_target_and_removes_another(world, admin):
    plan = world.plan
    rows = [
        {"what": "activities:training", "target": 12, "label": ""},
        {"what": "meetings:party_lesson", "target": 100, "label": "", "DELETE": "on"},
        {"what": "activities:volunteer", "target": 4, "label": ""},
    ]

    response = admin.post(
        reverse("plan-edit", args=[plan.pk]), plan_data(year=2024, title=plan.title, rows=rows, initial=3)
    )

    assert response.status_code == 302
    assert sorted(plan.targets.values_list("kind", "target")) == [("training", 12), ("volunteer", 4)]


def test_another_parks_plan_answers_exactly_like_one_that_does_not_exist(world, admin):
    other = plan_save(plan=AnnualPlan(park=world.other_park, year=2024, title="乙园区计划"))

    outside = admin.get(reverse("plan-edit", args=[other.pk]))
    missing = admin.get(reverse("plan-edit", args=[other.pk + 1000]))

    assert outside.status_code == missing.status_code == 404
    assert outside.content == missing.content


# --- queries ---------------------------------------------------------------------------------------

# session + scope, the administered parks, the count, one page of rows.
LIST_QUERIES = SESSION_AND_SCOPE + 3


def test_the_venue_list_takes_as_many_queries_for_many_venues_as_for_one(world, admin, django_assert_num_queries):
    with django_assert_num_queries(LIST_QUERIES):
        admin.get(reverse("venue-list"))
    for index in range(8):
        owner = world.enterprise_b if index % 2 else None
        venue_save(venue=Venue(park=world.park, name=f"活动室{index}", owner=owner))
    with django_assert_num_queries(LIST_QUERIES):
        admin.get(reverse("venue-list"))


def test_the_plan_list_takes_as_many_queries_for_many_plans_as_for_one(world, admin, django_assert_num_queries):
    with django_assert_num_queries(LIST_QUERIES):
        admin.get(reverse("plan-list"))
    for year in range(2015, 2024):
        plan_save(
            plan=AnnualPlan(park=world.park, year=year, title=str(year)),
            targets=[PlanTarget(counts="activities", kind="training", target=3)],
        )
    with django_assert_num_queries(LIST_QUERIES):
        admin.get(reverse("plan-list"))
