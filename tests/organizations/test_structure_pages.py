"""The structure's management pages: organizations created under a parent, edited and dissolved on a
day; a park's districts and grids; members kept by park admins and by secretaries of their subtree —
what each persona may do, what is refused (on its field, nothing saved), and the list's query count."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Coverage
from organizations import services
from organizations.models import District, Grid, Organization, PartyMember
from tests import factories as f
from tests.meetings.test_meeting_pages import SESSION_AND_SCOPE


@pytest.fixture
def login(client, world):
    def as_role(role: str):
        client.logout()
        client.force_login(world.users[role])
        return client

    return as_role


def field_errors(response, name: str) -> list[str]:
    return response.context["form"].errors.get(name, [])


# --- organizations ---------------------------------------------------------------------------------


def child_of(parent, **fields) -> dict:
    return {"parent": parent.pk, "name": "新建支部", "kind": "branch", "formation": "standalone",
            "established_on": "2020-03-01", **fields}  # fmt: skip


def test_an_admin_creates_a_branch_under_the_committee_and_lands_on_its_page(world, login):
    response = login("admin").post(
        f"{reverse('organization-new')}?parent={world.committee.pk}", child_of(world.committee)
    )

    created = Organization.objects.get(name="新建支部")
    assert response.status_code == 302 and response.url == reverse("organization-detail", args=[created.pk])
    assert created.park == world.park and created.path.startswith(world.committee.path)
    assert created.depth == world.committee.depth + 1


def test_the_parent_choices_are_the_parks_active_organizations_only(world, login):
    dissolved = f.OrganizationFactory(park=world.park, parent=world.committee, name="旧支部")
    Organization.objects.filter(pk=dissolved.pk).update(dissolved_on=timezone.localdate())

    response = login("admin").get(reverse("organization-new"), {"parent": world.branch_a.pk})

    choices = {choice.pk for choice in response.context["form"].fields["parent"].queryset}
    assert world.committee.pk in choices and world.branch_a.pk in choices
    assert world.other_branch.pk not in choices and dissolved.pk not in choices
    assert response.context["form"]["parent"].value() == world.branch_a.pk


def test_a_parent_of_another_park_posted_is_not_a_valid_choice_and_nothing_is_created(world, login):
    url = f"{reverse('organization-new')}?parent={world.committee.pk}"

    response = login("admin").post(url, child_of(world.other_branch))

    assert response.status_code == 200
    assert field_errors(response, "parent")
    assert not Organization.objects.filter(name="新建支部").exists()


def test_a_founding_date_when_the_parent_was_not_active_is_refused_on_the_parent(world, login):
    url = f"{reverse('organization-new')}?parent={world.committee.pk}"

    response = login("admin").post(url, child_of(world.committee, established_on="2000-01-01"))

    assert response.status_code == 200
    assert field_errors(response, "parent")
    assert not Organization.objects.filter(name="新建支部").exists()


def test_without_a_parent_an_admin_creates_a_top_level_committee_of_their_park(world, login):
    response = login("admin").post(
        reverse("organization-new"),
        {"park": world.park.pk, "name": "新园区党委", "kind": "committee", "formation": "regional",
         "established_on": "2021-01-01"},
    )  # fmt: skip

    created = Organization.objects.get(name="新园区党委")
    assert response.status_code == 302
    assert created.depth == 1 and created.park == world.park


def test_a_top_level_organization_of_a_park_one_does_not_administer_is_not_a_choice(world, login):
    response = login("admin").post(
        reverse("organization-new"),
        {"park": world.other_park.pk, "name": "越权党委", "kind": "committee", "formation": "regional",
         "established_on": "2021-01-01"},
    )  # fmt: skip

    assert response.status_code == 200 and field_errors(response, "park")
    assert not Organization.objects.filter(name="越权党委").exists()


def test_a_parent_id_that_is_not_a_number_is_a_parent_that_does_not_exist(world, login):
    assert login("admin").get(reverse("organization-new"), {"parent": "abc"}).status_code == 404


def test_an_admin_renames_a_branch_and_names_its_secretary_from_its_roster(world, login):
    url = reverse("organization-edit", args=[world.branch_a.pk])
    data = {"name": "甲支部（更名）", "kind": "branch", "formation": "standalone", "district": world.district.pk,
            "established_on": "2015-01-01", "secretary": world.member_a.pk}  # fmt: skip

    response = login("admin").post(url, data)

    assert response.status_code == 302
    world.branch_a.refresh_from_db()
    assert world.branch_a.name == "甲支部（更名）" and world.branch_a.secretary == world.member_a
    assert world.branch_a.history.first().name == "甲支部（更名）"


def test_a_secretary_from_another_branchs_roster_is_not_a_choice(world, login):
    response = login("admin").get(reverse("organization-edit", args=[world.branch_a.pk]))

    choices = set(response.context["form"].fields["secretary"].queryset.values_list("pk", flat=True))
    assert world.member_a.pk in choices and world.member_b.pk not in choices


def test_a_group_is_dissolved_on_a_day_and_its_page_says_so(world, login):
    day = timezone.localdate() - timedelta(days=3)
    client = login("admin")

    response = client.post(reverse("organization-dissolve", args=[world.group_a.pk]), {"dissolved_on": day.isoformat()})

    assert response.status_code == 302
    world.group_a.refresh_from_db()
    assert world.group_a.dissolved_on == day
    page = client.get(response.url).content.decode()
    assert reverse("organization-dissolve", args=[world.group_a.pk]) not in page  # dissolved once


def test_a_dissolution_dated_ahead_is_refused_on_the_date_field(world, login):
    ahead = timezone.localdate() + timedelta(days=1)

    response = login("admin").post(
        reverse("organization-dissolve", args=[world.group_a.pk]), {"dissolved_on": ahead.isoformat()}
    )

    assert response.status_code == 200
    assert field_errors(response, "dissolved_on")
    world.group_a.refresh_from_db()
    assert world.group_a.dissolved_on is None


def test_a_branch_with_an_active_group_is_not_dissolved_and_its_coverage_stays_open(world, login):
    response = login("admin").post(
        reverse("organization-dissolve", args=[world.branch_a.pk]), {"dissolved_on": timezone.localdate().isoformat()}
    )

    assert response.status_code == 200 and field_errors(response, "dissolved_on")
    assert Coverage.objects.filter(organization=world.branch_a, ended_on__isnull=True).exists()


def test_the_organization_page_shows_the_buttons_by_role(world, login):
    url = reverse("organization-detail", args=[world.branch_a.pk])
    edit = reverse("organization-edit", args=[world.branch_a.pk])
    add_member = reverse("member-new", args=[world.branch_a.pk])
    member_edit = reverse("member-edit", args=[world.member_a.pk])

    as_admin = login("admin").get(url).content.decode()
    as_secretary = login("secretary_a").get(url).content.decode()
    as_viewer = login("viewer").get(url).content.decode()

    assert edit in as_admin and add_member in as_admin and member_edit in as_admin
    assert edit not in as_secretary and add_member in as_secretary and member_edit in as_secretary
    assert edit not in as_viewer and add_member not in as_viewer and member_edit not in as_viewer


def test_the_tree_offers_a_new_organization_to_admins_only(world, login):
    assert reverse("organization-new") in login("admin").get(reverse("organization-tree")).content.decode()
    assert reverse("organization-new") not in login("viewer").get(reverse("organization-tree")).content.decode()


# --- districts and grids ---------------------------------------------------------------------------


def test_an_admin_adds_a_district_and_it_is_listed(world, login):
    client = login("admin")

    response = client.post(f"{reverse('district-new')}?park={world.park.pk}", {"name": "二片区"})

    assert response.status_code == 302
    listed = client.get(response.url)
    assert "二片区" in [district.name for district in listed.context["districts"]]


def test_a_districts_name_used_in_the_park_is_refused_on_the_name(world, login):
    response = login("admin").post(f"{reverse('district-new')}?park={world.park.pk}", {"name": world.district.name})

    assert response.status_code == 200 and field_errors(response, "name")
    assert District.objects.filter(park=world.park).count() == 1


def test_another_park_may_have_a_district_of_the_same_name(world):
    district = services.district_save(district=District(park=world.other_park, name=world.district.name))
    assert district.pk is not None


def test_a_district_is_renamed(world, login):
    response = login("admin").post(reverse("district-edit", args=[world.district.pk]), {"name": "一片区（东）"})

    assert response.status_code == 302
    world.district.refresh_from_db()
    assert world.district.name == "一片区（东）"


def test_an_admin_adds_a_grid_with_its_district_and_leading_branch(world, login):
    data = {
        "name": "二网格",
        "district": world.district.pk,
        "cadre": "陈网格",
        "leading_organization": world.branch_a.pk,
    }

    response = login("admin").post(f"{reverse('grid-new')}?park={world.park.pk}", data)

    assert response.status_code == 302
    grid = Grid.objects.get(name="二网格")
    assert (grid.park, grid.district, grid.leading_organization) == (world.park, world.district, world.branch_a)


def test_a_grids_name_used_in_the_park_is_refused_on_the_name(world, login):
    response = login("admin").post(f"{reverse('grid-new')}?park={world.park.pk}", {"name": world.grid.name})

    assert response.status_code == 200 and field_errors(response, "name")


def test_a_leading_organization_of_another_park_is_not_a_choice(world, login):
    response = login("admin").post(
        reverse("grid-edit", args=[world.grid.pk]),
        {"name": world.grid.name, "leading_organization": world.other_branch.pk},
    )

    assert response.status_code == 200 and field_errors(response, "leading_organization")


def test_the_service_refuses_a_grid_whose_district_is_in_another_park(world):
    other_district = f.DistrictFactory(park=world.other_park)

    with pytest.raises(services.ValidationError) as refused:
        services.grid_save(grid=Grid(park=world.park, name="错网格", district=other_district))

    assert "district" in refused.value.message_dict


def test_the_service_keeps_a_district_in_its_park(world):
    world.district.park = world.other_park
    with pytest.raises(services.ValidationError) as refused:
        services.district_save(district=world.district)
    assert "park" in refused.value.message_dict


def test_a_viewer_may_not_add_a_grid_even_calling_the_service(world):
    with pytest.raises(services.PermissionDenied):
        services.grid_save(grid=Grid(park=world.park, name="越权网格"), actor=world.users["viewer"])
    assert not Grid.objects.filter(name="越权网格").exists()


def test_a_viewer_reads_the_list_without_buttons(world, login):
    page = login("viewer").get(reverse("district-list")).content.decode()
    assert world.grid.name in page
    assert reverse("district-new") not in page and reverse("grid-edit", args=[world.grid.pk]) not in page


def test_a_park_outside_ones_scope_is_an_invalid_choice_and_the_list_shows_ones_own(world, login):
    response = login("admin").get(reverse("district-list"), {"park": world.other_park.pk})
    nonexistent = login("admin").get(reverse("district-list"), {"park": 999_999})

    assert response.context["park"] == nonexistent.context["park"] == world.park
    outside_error = response.context["form"].errors["park"][0].replace(str(world.other_park.pk), "ID")
    assert outside_error == nonexistent.context["form"].errors["park"][0].replace("999999", "ID")


def add_districts_and_grids(world, count: int) -> None:
    for n in range(count):
        district = f.DistrictFactory(park=world.park, name=f"加片区{n}")
        f.GridFactory(park=world.park, district=district, name=f"加网格{n}", leading_organization=world.branch_b)
        f.OrganizationFactory(park=world.park, parent=world.committee, district=district)
        world.committee.refresh_from_db()


# session + scope, the parks to choose from, the districts with their counts, the grids' count for
# the paginator, the page of grids with their district and leading organization joined.
DISTRICT_LIST_QUERIES = SESSION_AND_SCOPE + 4


def test_the_districts_list_takes_as_many_queries_for_many_as_for_one(world, login, django_assert_num_queries):
    client = login("admin")
    with django_assert_num_queries(DISTRICT_LIST_QUERIES):
        client.get(reverse("district-list"))
    add_districts_and_grids(world, 8)
    with django_assert_num_queries(DISTRICT_LIST_QUERIES):
        response = client.get(reverse("district-list"))
    assert len(response.context["districts"]) == 9


# --- members ---------------------------------------------------------------------------------------


def a_member(world, **fields) -> dict:
    return {"organization": world.branch_a.pk, "enterprise": world.enterprise_a.pk, "name": "赵六",
            "status": "probationary", "joined_on": "2024-07-01", **fields}  # fmt: skip


def test_an_admin_adds_a_member_with_their_id_number_and_phone(world, login):
    number = f.id_number(4242)
    url = reverse("member-new", args=[world.branch_a.pk])

    response = login("admin").post(url, a_member(world, id_number=number.lower(), phone="13912345678"))

    assert response.status_code == 302 and response.url == reverse("organization-detail", args=[world.branch_a.pk])
    member = PartyMember.objects.get(name="赵六")
    assert (member.id_number, member.phone, member.enterprise) == (number.upper(), "13912345678", world.enterprise_a)


def test_a_secretary_adds_a_member_to_their_branch_without_personal_fields(world, login):
    client = login("secretary_a")
    url = reverse("member-new", args=[world.branch_a.pk])
    form = client.get(url).context["form"]
    assert "id_number" not in form.fields and "phone" not in form.fields

    response = client.post(url, a_member(world, organization=world.group_a.pk, id_number=f.id_number(4243)))

    assert response.status_code == 302
    member = PartyMember.objects.get(name="赵六")
    assert member.organization == world.group_a and member.id_number == ""  # the posted number is not a field


def test_a_secretarys_organization_choices_are_their_subtree(world, login):
    form = login("secretary_a").get(reverse("member-new", args=[world.branch_a.pk])).context["form"]
    choices = set(form.fields["organization"].queryset.values_list("pk", flat=True))
    assert choices == {world.branch_a.pk, world.group_a.pk}


def test_a_secretary_posting_another_branch_gets_not_a_valid_choice(world, login):
    response = login("secretary_a").post(
        reverse("member-new", args=[world.branch_a.pk]), a_member(world, organization=world.branch_b.pk)
    )

    assert response.status_code == 200 and field_errors(response, "organization")
    assert not PartyMember.objects.filter(name="赵六").exists()


def test_a_secretary_edits_a_member_without_seeing_or_changing_the_id_number(world, login):
    number = world.member_a.id_number
    client = login("secretary_a")
    url = reverse("member-edit", args=[world.member_a.pk])

    page = client.get(url).content.decode()
    response = client.post(
        url, a_member(world, name="张三", status="full", joined_on="2010-07-01", full_member_on="2011-07-01",
                      post="technician", id_number=f.id_number(4244), phone="13000000000")
    )  # fmt: skip

    assert number not in page and world.member_a.masked_id_number in page
    assert response.status_code == 302
    world.member_a.refresh_from_db()
    assert world.member_a.post == "technician" and world.member_a.id_number == number


def test_the_service_refuses_a_secretary_changing_an_id_number(world):
    world.member_a.id_number = f.id_number(4245)
    with pytest.raises(services.ValidationError) as refused:
        services.member_save(member=world.member_a, actor=world.users["secretary_a"])
    assert "id_number" in refused.value.message_dict


def test_a_duplicate_id_number_of_the_same_park_is_refused_in_words_of_our_own(world, login):
    # Another park's numbers are not asked (tests/organizations/test_id_number_per_park.py).
    number = world.member_b.id_number

    response = login("admin").post(reverse("member-new", args=[world.branch_a.pk]), a_member(world, id_number=number))

    assert response.status_code == 200
    assert field_errors(response, "id_number") == [services.id_number_unusable()]
    assert response.context["form"].non_field_errors() == []
    assert not PartyMember.objects.filter(name="赵六").exists()


def test_an_enterprise_of_another_park_is_refused_by_the_service(world):
    member = PartyMember(organization=world.branch_a, enterprise=world.other_enterprise, name="跨园区",
                         status="probationary", joined_on=timezone.localdate())  # fmt: skip
    with pytest.raises(services.ValidationError) as refused:
        services.member_save(member=member, actor=world.users["admin"])
    assert "enterprise" in refused.value.message_dict


def test_a_secretary_may_not_move_a_member_in_from_another_branch_through_the_service(world):
    world.member_b.organization = world.branch_a
    with pytest.raises(services.PermissionDenied):
        services.member_save(member=world.member_b, actor=world.users["secretary_a"])
    assert PartyMember.objects.get(pk=world.member_b.pk).organization == world.branch_b


def test_a_member_is_not_added_to_a_dissolved_organization(world):
    Organization.objects.filter(pk=world.group_a.pk).update(dissolved_on=timezone.localdate())
    member = PartyMember(organization=Organization.objects.get(pk=world.group_a.pk), name="迟到",
                         status="probationary", joined_on=timezone.localdate())  # fmt: skip
    with pytest.raises(services.ValidationError) as refused:
        services.member_save(member=member, actor=world.users["admin"])
    assert "organization" in refused.value.message_dict


@pytest.mark.parametrize(
    ("name", "row"),
    [("organization-edit", "other_branch"), ("member-edit", "other_member"), ("district-edit", "other_district"),
     ("grid-edit", "other_grid"), ("member-new", "other_branch")],
)  # fmt: skip
def test_a_row_outside_ones_scope_answers_as_one_that_does_not_exist(world, login, name, row):
    extra = {"other_district": lambda: f.DistrictFactory(park=world.other_park),
             "other_grid": lambda: f.GridFactory(park=world.other_park)}  # fmt: skip
    target = extra[row]() if row in extra else getattr(world, row)
    client = login("admin")

    outside = client.get(reverse(name, args=[target.pk]))
    missing = client.get(reverse(name, args=[999_999_999]))

    assert outside.status_code == missing.status_code == 404
    assert outside.content == missing.content
