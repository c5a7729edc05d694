"""No ID-card number or phone in a URL: GET refuses them (400 naming the parameter); a POST looks a
member up by ID number."""

import pytest

from parkparty.privacy import looks_personal

API = "/api/v1"


def test_it_tells_a_full_id_number_or_phone_from_a_masked_one_and_from_ids(world):
    number = world.member_a.id_number
    assert looks_personal(number)
    assert looks_personal(number.lower())
    assert looks_personal(f"张三 {number}")
    assert looks_personal("13800001111")
    assert not looks_personal(world.member_a.masked_id_number)
    assert not looks_personal("138****1111")
    assert not looks_personal(str(2**63 - 1))  # an oversized id keeps its own answer
    assert not looks_personal("91350526MA2Y1234X7")  # a credit code
    assert not looks_personal("张三")


@pytest.mark.parametrize(
    ("path", "parameter"),
    [("members/", "search"), ("members/", "id_number"), ("enterprises/", "search"), ("matters/", "q")],
)
def test_the_api_refuses_an_id_number_in_a_query_string(world, as_role, path, parameter):
    response = as_role("admin").get(f"{API}/{path}", {parameter: world.member_a.id_number})

    assert response.status_code == 400
    assert response.json().keys() == {parameter}
    assert world.member_a.id_number not in response.content.decode()


def test_the_api_refuses_a_phone_in_a_query_string(world, as_role):
    response = as_role("token").get(f"{API}/members/", {"search": world.member_a.phone})

    assert response.status_code == 400
    assert response.json().keys() == {"search"}


def test_a_page_refuses_an_id_number_in_its_query_string(world, as_role):
    response = as_role("admin").get("/ledger/", {"q": world.member_a.id_number})

    assert response.status_code == 400
    assert response.content.decode().startswith("q: ")


def test_a_masked_number_and_a_name_are_still_searched(world, as_role):
    client = as_role("admin")

    assert client.get(f"{API}/members/", {"search": "张三"}).json()["count"] == 1
    assert client.get(f"{API}/members/", {"search": world.member_a.masked_id_number}).status_code == 200


def test_a_park_admin_looks_a_member_up_by_id_number_with_a_post(world, as_role):
    response = as_role("admin").post(f"{API}/members/lookup/", {"id_number": world.member_a.id_number.lower()})

    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [world.member_a.pk]
    assert response.json()[0]["id_number"] == world.member_a.id_number
    assert "no-store" in response["Cache-Control"]


def test_the_lookup_finds_nobody_outside_the_parks_whose_personal_data_one_sees(world, as_role):
    other = as_role("admin").post(f"{API}/members/lookup/", {"id_number": world.other_member.id_number})
    secretary = as_role("secretary_a").post(f"{API}/members/lookup/", {"id_number": world.member_a.id_number})

    assert (other.status_code, other.json()) == (200, [])
    assert (secretary.status_code, secretary.json()) == (200, [])


def test_the_lookup_refuses_what_is_not_an_id_number(world, as_role):
    response = as_role("admin").post(f"{API}/members/lookup/", {"id_number": "12345"})

    assert response.status_code == 400
    assert response.json().keys() == {"id_number"}
