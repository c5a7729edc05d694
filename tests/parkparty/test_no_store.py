"""An answer that shows unmasked ID numbers or phones carries `Cache-Control: private, no-store`."""

import pytest
from django.urls import reverse

API = "/api/v1"


def no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


def _member(world) -> str:
    return f"{API}/members/{world.member_a.pk}/"


@pytest.mark.parametrize(
    ("role", "stored"),
    [("admin", False), ("viewer", True), ("secretary_a", True), ("token", True)],
)
def test_a_member_answer_is_not_stored_only_when_it_shows_the_id_number(world, as_role, role, stored):
    response = as_role(role).get(_member(world))

    assert response.status_code == 200
    assert (response.json()["id_number"] == world.member_a.id_number) is not stored
    assert no_store(response) is not stored


def test_the_members_list_and_its_export_are_not_stored_for_a_park_admin(world, as_role):
    client = as_role("admin")

    assert no_store(client.get(f"{API}/members/"))
    exported = client.get(f"{API}/members/", {"format": "xlsx"})
    assert exported.status_code == 200
    assert no_store(exported)
    assert b"".join(exported.streaming_content).startswith(b"PK")  # read, so its file is closed


def test_an_instructors_phone_unmasked_is_not_stored(world, as_role):
    assert no_store(as_role("admin").get(f"{API}/instructors/{world.instructor.pk}/"))
    assert not no_store(as_role("token").get(f"{API}/instructors/{world.instructor.pk}/"))


def test_answers_without_personal_data_keep_their_caching(world, as_role):
    assert not no_store(as_role("admin").get(f"{API}/enterprises/"))
    assert not no_store(as_role("admin").get(reverse("organization-tree")))


@pytest.mark.parametrize(
    "page",
    [
        lambda w: reverse("organization-detail", args=[w.branch_a.pk]),
        lambda w: reverse("enterprise-detail", args=[w.enterprise_a.pk]),
    ],
)
def test_a_page_listing_members_unmasked_is_not_stored(world, as_role, page):
    url = page(world)

    assert no_store(as_role("admin").get(url))
    assert not no_store(as_role("viewer").get(url))
