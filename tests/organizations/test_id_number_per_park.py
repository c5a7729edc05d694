"""An ID-card number is unique within a park (issue 13): a park admin who types a number held only in
another park is answered exactly as for a number held nowhere, on the member page, the API and the Excel
import; the lookup reads their own parks only. The same person in two parks is accepted and shown to the
operators (`members_in_several_parks`); figures over several parks count that person once."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from organizations import selectors, services
from organizations.models import Park, PartyMember
from organizations.pipeline.selectors import member_stats
from parkparty.models import Role
from tests import factories as f
from tests.conftest import client_for
from tests.parkparty.imports_helpers import workbook

API = "/api/v1"
FRESH = f.id_number(4901)  # on no roster


def a_member(world, **fields) -> dict:
    return {"organization": world.branch_a.pk, "enterprise": world.enterprise_a.pk, "name": "赵六",
            "status": "probationary", "joined_on": "2024-07-01", **fields}  # fmt: skip


def page_answer(world, client, number):
    response = client.post(reverse("member-new", args=[world.branch_a.pk]), a_member(world, id_number=number))
    created = PartyMember.objects.filter(park=world.park, id_number=number).first()
    return response.status_code, response.get("Location"), created is not None


def test_the_member_page_takes_another_parks_number_as_it_takes_a_fresh_one(world, client):
    client.force_login(world.users["admin"])
    status, location, created = page_answer(world, client, world.other_member.id_number)
    assert (status, created) == (302, True)
    assert page_answer(world, client, FRESH) == (status, location, created)


def test_the_member_page_refuses_a_number_of_its_own_park_on_the_field(world, client):
    client.force_login(world.users["admin"])
    response = client.post(
        reverse("member-new", args=[world.branch_a.pk]), a_member(world, id_number=world.member_b.id_number)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == [services.id_number_unusable()]
    assert not PartyMember.objects.filter(name="赵六").exists()


def api_answer(world, number) -> tuple[int, list[str]]:
    payload = {"organization": world.branch_a.pk, "name": "赵六", "status": "probationary",
               "joined_on": "2024-07-01", "id_number": number}  # fmt: skip
    response = client_for(world, "admin").post(f"{API}/members/", payload, format="json")
    return response.status_code, sorted(response.json())


def test_the_api_takes_another_parks_number_as_it_takes_a_fresh_one(world):
    assert api_answer(world, world.other_member.id_number) == api_answer(world, FRESH)
    assert api_answer(world, f.id_number(4902))[0] == 201
    assert PartyMember.objects.filter(id_number=world.other_member.id_number).count() == 2


def test_the_api_refuses_a_number_of_its_own_park_on_the_field(world):
    status, fields = api_answer(world, world.member_b.id_number)
    assert (status, fields) == (400, ["id_number"])


MEMBERS = ["姓名", "身份证号", "所属党组织", "入党日期", "状态"]


def import_answer(world, number) -> dict:
    rows = [["赵六", number, world.branch_a.name, "2024-07-01", ""]]
    data = {"kind": "members", "park": world.park.pk, "file": workbook(MEMBERS, rows), "dry_run": "true"}
    body = client_for(world, "admin").post(f"{API}/imports/", data, format="multipart").json()
    return {key: body[key] for key in ("created", "updated", "unchanged", "error_rows", "errors")}


def test_the_import_takes_another_parks_number_as_it_takes_a_fresh_one(world):
    answer = import_answer(world, world.other_member.id_number)
    assert (answer["created"], answer["error_rows"]) == (1, 0), answer
    assert answer == import_answer(world, FRESH)


def test_the_lookup_answers_another_parks_number_as_a_number_held_nowhere(world):
    client = client_for(world, "admin")
    elsewhere = client.post(f"{API}/members/lookup/", {"id_number": world.other_member.id_number}, format="json")
    nowhere = client.post(f"{API}/members/lookup/", {"id_number": FRESH}, format="json")
    assert (elsewhere.status_code, elsewhere.json()) == (nowhere.status_code, nowhere.json()) == (200, [])
    here = services.member_save(member=PartyMember(
        organization=world.branch_a, name="赵六", status="probationary", joined_on="2024-07-01",
        id_number=world.other_member.id_number), actor=world.users["admin"])  # fmt: skip
    found = client.post(f"{API}/members/lookup/", {"id_number": world.other_member.id_number}, format="json")
    assert [row["id"] for row in found.json()] == [here.pk]


def test_the_database_holds_a_number_once_per_park(world):
    number = world.member_a.id_number
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyMember.objects.create(organization=world.branch_b, name="重复", joined_on="2020-01-01", id_number=number)
    elsewhere = PartyMember.objects.create(
        organization=world.other_branch, name="同一人", joined_on="2020-01-01", id_number=number
    )
    assert elsewhere.park_id == world.other_park.pk


def test_a_member_moved_to_another_parks_organization_takes_that_park(world):
    member = f.PartyMemberFactory(organization=world.branch_a, id_number="")
    member.organization = world.other_branch
    member.save(update_fields=["organization"])
    assert PartyMember.objects.get(pk=member.pk).park_id == world.other_park.pk


@pytest.fixture
def in_two_parks(world) -> PartyMember:
    """Member A's number on the other park's roster too: a transfer under way."""
    return f.PartyMemberFactory(organization=world.other_branch, id_number=world.member_a.id_number)


def test_the_operators_see_the_members_in_several_parks(world, in_two_parks):
    assert set(selectors.members_in_several_parks()) == {world.member_a, in_two_parks}
    out = StringIO()
    call_command("members_in_several_parks", stdout=out)
    assert world.member_a.id_number not in out.getvalue()
    assert world.member_a.masked_id_number in out.getvalue() and "2 member(s)" in out.getvalue()
    operator = get_user_model().objects.create_superuser("operator-ids", password="x")
    client = client_for(world, "anonymous")
    client.force_login(operator)
    listed = client.get(reverse("admin:organizations_partymember_changelist"), {"several_parks": "yes"})
    assert listed.status_code == 200
    assert {row.pk for row in listed.context["cl"].result_list} == {world.member_a.pk, in_two_parks.pk}


def test_figures_over_both_parks_count_the_person_once(world, in_two_parks):
    both = Park.objects.filter(pk__in=[world.park.pk, world.other_park.pk])
    rows = PartyMember.objects.filter(park__in=both).exclude(status="transferred_out").count()
    assert selectors.member_count(both) == rows - 1
    assert member_stats(park_ids=[world.park.pk, world.other_park.pk])["members"] == rows - 1
    assert (
        selectors.member_count(Park.objects.filter(pk=world.other_park.pk))
        == PartyMember.objects.filter(park=world.other_park).exclude(status="transferred_out").count()
    )


def test_an_admin_of_both_parks_still_keeps_one_roster_each(world):
    admin = world.users["admin"]
    f.GrantFactory(user=admin, role=Role.PARK_ADMIN, park=world.other_park)
    member = PartyMember(organization=world.other_branch, name="赵六", status="probationary",
                         joined_on="2024-07-01", id_number=world.other_member.id_number)  # fmt: skip
    with pytest.raises(services.ValidationError) as refused:
        services.member_save(member=member, actor=admin)
    assert list(refused.value.message_dict) == ["id_number"]
