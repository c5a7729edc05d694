"""Star levels, scoring sheets, quarterly ratings and honours through the API: the rules hold, nothing
half-saves, secretaries read their own subtree only, and every change keeps its author."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from organizations.models import Honor, Organization, Rating, RatingEvidence, ScoringSheet
from organizations.ratings import services

API = "/api/v1"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def criteria(world) -> list:
    return list(world.sheet.criteria.all())


def rating_payload(world, organization=None, scores=(30, 25, 25, 0), **overrides) -> dict:
    """A rating of 2024 Q2 scoring every criterion, each with a reason (the suggestions differ)."""
    organization = organization or world.branch_b
    items = [
        {"criterion": criterion.pk, "score": str(score), "reason": "现场查看台账"}
        for criterion, score in zip(criteria(world), scores, strict=True)
    ]
    return {"organization": organization.pk, "year": 2024, "quarter": 2, "items": items, **overrides}


def test_a_park_admin_rates_a_branch_on_the_years_sheet_and_the_stars_follow_the_total(world, as_role):
    response = as_role("admin").post(f"{API}/ratings/", rating_payload(world))
    assert response.status_code == 201, response.content
    body = response.json()
    # 30 + 25 + 25 of 100 with equal weights: 80, the four-star threshold of the default levels.
    assert (body["total"], body["stars"], body["classification"], body["status"]) == ("80.00", 4, "standard", "draft")
    assert (body["sheet"], body["period"], body["park"]) == (world.sheet.pk, "2024-Q2", world.park.pk)
    assert body["assessed_on"] == "2024-06-30"  # the quarter's last day, the quarter being over
    assert [item["score"] for item in body["items"]] == ["30.00", "25.00", "25.00", "0.00"]
    assert body["items"][0]["criterion_title"] == "三会一课落实"
    assert body["items"][0]["max_points"] == "40.00"


def test_a_triggered_veto_item_gives_the_lowest_level_whatever_the_score(world, as_role):
    payload = rating_payload(world, scores=(40, 30, 30, 0))
    payload["items"][3]["triggered"] = True
    body = as_role("admin").post(f"{API}/ratings/", payload).json()
    assert (body["total"], body["vetoed"], body["stars"], body["classification"]) == ("100.00", True, 1, "incubating")


def dissolve_before_the_quarter(world):
    Organization.objects.filter(pk=world.branch_b.pk).update(dissolved_on=date(2024, 3, 1))
    return {}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        pytest.param(lambda w, p: p["items"][0].update(score="41"), "items", id="score above the criterion's maximum"),
        pytest.param(lambda w, p: p["items"][1].update(score="-1"), "items", id="negative score"),
        pytest.param(lambda w, p: p["items"][0].update(reason=""), "items", id="override without a reason"),
        pytest.param(lambda w, p: dissolve_before_the_quarter(w), "organization", id="dissolved organization"),
        pytest.param(lambda w, p: p.update(organization=w.branch_a.pk), "quarter", id="second rating of a quarter"),
        pytest.param(lambda w, p: p.update(organization=w.group_a.pk), "organization", id="a party group"),
        pytest.param(lambda w, p: p.update(quarter=5), "quarter", id="quarter 5"),
        pytest.param(lambda w, p: p.update(year=1999), "year", id="year before 2000"),
        pytest.param(lambda w, p: p.update(assessed_on="2024-03-31"), "assessed_on", id="inspected before"),
    ],
)
def test_a_bad_rating_is_refused_naming_the_field_and_nothing_is_saved(world, as_role, change, field):
    payload = rating_payload(world)
    change(world, payload)
    before = (Rating.objects.count(), Rating.history.count())
    response = as_role("admin").post(f"{API}/ratings/", payload)
    assert response.status_code == 400
    assert field in response.json()
    assert (Rating.objects.count(), Rating.history.count()) == before


def test_a_confirmed_rating_changes_only_with_a_reason_which_the_history_keeps_with_its_author(world, as_role):
    url = f"{API}/ratings/{world.rating_a.pk}/"
    item = criteria(world)[1]
    change = {"items": [{"criterion": item.pk, "score": "30", "reason": "补充材料"}]}
    refused = as_role("admin").patch(url, change)
    assert refused.status_code == 400
    assert "reason" in refused.json()
    world.rating_a.refresh_from_db()
    assert world.rating_a.total == 81

    accepted = as_role("admin").patch(url, {**change, "reason": "复核后加分"})
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["total"], accepted.json()["status"]) == ("86.00", "confirmed")
    latest = world.rating_a.history.latest()
    assert (latest.total, latest.history_change_reason) == (86, "复核后加分")
    assert latest.history_user == world.users["admin"]


def test_a_change_reason_longer_than_the_history_keeps_is_a_400_not_a_database_error(world, as_role):
    # The history's change reason is a varchar(100): PostgreSQL refused a longer one with a 500.
    url = f"{API}/ratings/{world.rating_a.pk}/"
    change = {"items": [{"criterion": criteria(world)[1].pk, "score": "30", "reason": "补充材料"}]}
    refused = as_role("admin").patch(url, {**change, "reason": "复核" * 51})
    assert (refused.status_code, list(refused.json())) == (400, ["reason"])
    world.rating_a.refresh_from_db()
    assert world.rating_a.total == 81
    with pytest.raises(ValidationError) as error:
        services.rating_save(rating=world.rating_a, reason="复核" * 51)
    assert list(error.value.message_dict) == ["reason"]


def test_a_ratings_organization_and_quarter_cannot_be_moved(world, as_role):
    url = f"{API}/ratings/{world.rating_a.pk}/"
    as_role("admin").patch(url, {"quarter": 3, "organization": world.branch_b.pk, "reason": "改错"})
    world.rating_a.refresh_from_db()
    assert (world.rating_a.quarter, world.rating_a.organization_id) == (2, world.branch_a.pk)


def test_only_a_park_admin_confirms_a_rating_and_the_history_names_them(world, as_role):
    draft = as_role("admin").post(f"{API}/ratings/", rating_payload(world)).json()
    url = f"{API}/ratings/{draft['id']}/confirm/"
    for role in ("viewer", "secretary_b", "instructor", "token"):
        assert as_role(role).post(url).status_code == 403
    assert Rating.objects.get(pk=draft["id"]).status == "draft"
    confirmed = as_role("admin").post(url)
    assert confirmed.json()["status"] == "confirmed"
    history = Rating.objects.get(pk=draft["id"]).history.order_by("history_date")
    assert [(h.status, h.history_user) for h in history] == [
        ("draft", world.users["admin"]),
        ("confirmed", world.users["admin"]),
    ]


def test_a_secretary_reads_their_own_organizations_ratings_only(world, as_role):
    url = f"{API}/ratings/{world.rating_a.pk}/"
    assert as_role("secretary_a").get(url).status_code == 200
    assert as_role("secretary_b").get(url).status_code == 404
    assert as_role("secretary_b").get(f"{API}/ratings/").json()["count"] == 0
    assert as_role("secretary_a").patch(url, {"notes": "自评", "reason": "x"}).status_code == 403
    assert as_role("secretary_a").post(f"{API}/ratings/", rating_payload(world)).status_code == 403


def test_ratings_filter_by_subtree_stars_and_quarter(world, as_role):
    as_role("admin").post(f"{API}/ratings/", rating_payload(world, scores=(20, 20, 20, 0)))  # 60: two stars
    client = as_role("viewer")

    def ids(**params):
        return {row["organization"] for row in client.get(f"{API}/ratings/", params).json()["results"]}

    assert ids() == {world.branch_a.pk, world.branch_b.pk}
    assert ids(within=world.branch_a.pk) == {world.branch_a.pk}
    assert ids(stars="4,5") == {world.branch_a.pk}
    assert ids(classification="growing") == {world.branch_b.pk}
    assert ids(status="draft") == {world.branch_b.pk}
    assert ids(quarter=3) == set()


@pytest.mark.parametrize("stars", ["99999999999999999999999", "0", "6", "abc"])
def test_a_star_filter_outside_one_to_five_is_a_400(world, as_role, stars):
    # A number past SQLite's integers made the list a 500 (OverflowError).
    response = as_role("admin").get(f"{API}/ratings/", {"stars": stars})
    assert (response.status_code, list(response.json())) == (400, ["stars"])


def test_suggestions_give_each_criterions_suggested_score_and_the_stars_they_would_earn(world, as_role):
    params = {"organization": world.branch_a.pk, "year": 2024, "quarter": 2}
    body = as_role("admin").get(f"{API}/ratings/suggestions/", params).json()
    by_title = {row["title"]: row["suggested"] for row in body["items"]}
    # Branch A held its May theme day (1 of 8 required meetings of the quarter), resolved none of its
    # one matter, and nothing measures activities or the veto item.
    assert by_title == {"三会一课落实": "5.00", "主题活动开展": None, "协调事项办结": "0.00",
                        "发生重大安全生产事故或违纪违法问题": None}  # fmt: skip
    assert (body["sheet"], body["total"], body["stars"], body["classification"]) == (
        world.sheet.pk, "5.00", 1, "incubating",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("params", "field"),
    [({"year": 2024, "quarter": 5}, "quarter"), ({"year": 1999, "quarter": 1}, "year"), ({"quarter": 1}, "year")],
)
def test_suggestions_for_a_bad_quarter_are_a_400(world, as_role, params, field):
    response = as_role("admin").get(f"{API}/ratings/suggestions/", {"organization": world.branch_a.pk, **params})
    assert response.status_code == 400
    assert field in response.json()


def test_suggestions_for_an_organization_outside_ones_scope_are_refused(world, as_role):
    params = {"organization": world.branch_a.pk, "year": 2024, "quarter": 2}
    response = as_role("secretary_b").get(f"{API}/ratings/suggestions/", params)
    assert response.status_code == 400
    assert "organization" in response.json()


def test_evidence_is_typed_by_content_and_attached_to_an_item_of_the_rating(world, as_role):
    url = f"{API}/ratings/{world.rating_a.pk}/evidence/"
    item = world.rating_a.items.first()
    photo = SimpleUploadedFile("巡查.png", PNG, content_type="image/png")
    response = as_role("admin").post(url, {"item": item.pk, "file": photo}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["content_type"], body["size"], body["original_name"]) == ("image/png", len(PNG), "巡查.png")
    assert "url" not in body and "file" not in body  # evidence is not served through the API

    fake = SimpleUploadedFile("photo.png", b"MZ not an image", content_type="image/png")
    refused = as_role("admin").post(url, {"item": item.pk, "file": fake}, format="multipart")
    assert (refused.status_code, list(refused.json())) == (400, ["file"])
    photo.seek(0)
    elsewhere = as_role("admin").post(url, {"item": 999_999, "file": photo}, format="multipart")
    assert (elsewhere.status_code, list(elsewhere.json())) == (400, ["item"])
    assert RatingEvidence.objects.count() == 1
    assert as_role("secretary_a").post(url, {"item": item.pk, "file": photo}, format="multipart").status_code == 403


def test_a_sheet_in_use_changes_only_through_a_new_version(world, as_role):
    first = criteria(world)[0]
    refused = as_role("admin").patch(f"{API}/criteria/{first.pk}/", {"max_points": "50"})
    assert refused.status_code == 400
    assert "sheet" in refused.json()

    response = as_role("admin").post(f"{API}/scoring-sheets/{world.sheet.pk}/new-version/")
    assert response.status_code == 201
    copy = response.json()
    assert (copy["version"], copy["year"], len(copy["criteria"])) == (2, 2024, 4)
    copied = copy["criteria"][0]["id"]
    assert as_role("admin").patch(f"{API}/criteria/{copied}/", {"max_points": "50"}).status_code == 200
    assert as_role("viewer").post(f"{API}/scoring-sheets/{world.sheet.pk}/new-version/").status_code == 403
    assert ScoringSheet.objects.filter(park=world.park).count() == 2


def test_a_new_rating_uses_the_latest_version_of_its_years_sheet(world, as_role):
    copy = as_role("admin").post(f"{API}/scoring-sheets/{world.sheet.pk}/new-version/").json()
    payload = rating_payload(world)
    by_title = {row["title"]: row["id"] for row in copy["criteria"]}
    for row, criterion in zip(payload["items"], criteria(world), strict=True):
        row["criterion"] = by_title[criterion.title]
    assert as_role("admin").post(f"{API}/ratings/", payload).json()["sheet"] == copy["id"]


def test_a_veto_criterion_carries_no_points(world, as_role):
    sheet = as_role("admin").post(f"{API}/scoring-sheets/", {"park": world.park.pk, "year": 2025, "title": "细则"})
    payload = {"sheet": sheet.json()["id"], "title": "否决项", "is_veto": True, "max_points": "5"}
    response = as_role("admin").post(f"{API}/criteria/", payload)
    assert response.status_code == 400
    assert "max_points" in response.json()


def test_a_five_star_honour_is_titled_after_its_star_and_names_its_department(world, as_role):
    payload = {"park": world.park.pk, "year": 2023, "kind": "five_star", "star": "service",
               "organization": world.branch_a.pk}  # fmt: skip
    response = as_role("admin").post(f"{API}/honors/", payload, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 201, response.content
    # Stored in the portal's language (zh-hans), whatever the language of the request.
    with translation.override("zh-hans"):
        expected = (str(Honor.Star.SERVICE.label), str(Honor.STAR_DEPARTMENTS[Honor.Star.SERVICE]))
    assert (response.json()["title"], response.json()["awarded_by"]) == expected
    assert "服务" in expected[0]
    duplicate = as_role("admin").post(f"{API}/honors/", payload)
    assert duplicate.status_code == 400
    assert Honor.objects.filter(organization=world.branch_a).count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "brand", "star": "service"}, "star"),
        ({"kind": "five_star", "star": ""}, "star"),
        ({"organization": None}, "organization"),
        ({"awarded_on": "2999-01-01"}, "awarded_on"),
    ],
)
def test_a_bad_honour_is_refused_naming_the_field(world, as_role, overrides, field):
    payload = {"park": world.park.pk, "year": 2023, "kind": "brand", "title": "红色引擎",
               "organization": world.branch_a.pk, **overrides}  # fmt: skip
    response = as_role("admin").post(f"{API}/honors/", payload)
    assert response.status_code == 400
    assert field in response.json()
    assert Honor.objects.count() == 1


def test_honours_filter_by_kind_star_and_recipient(world, as_role):
    client = as_role("secretary_b")  # honours are public to everyone working in the park
    assert client.get(f"{API}/honors/", {"star": "harmony"}).json()["count"] == 1
    assert client.get(f"{API}/honors/", {"kind": "brand"}).json()["count"] == 0
    assert client.get(f"{API}/honors/", {"enterprise": world.enterprise_a.pk}).json()["count"] == 1
    assert as_role("secretary_b").post(f"{API}/honors/", {}).status_code == 403


def test_star_levels_are_edited_by_park_admins_and_unique_per_park(world, as_role):
    level = world.park.star_levels.get(stars=4)
    url = f"{API}/star-levels/{level.pk}/"
    assert as_role("admin").patch(url, {"min_score": "85"}).json()["min_score"] == "85.00"
    assert as_role("viewer").patch(url, {"min_score": "70"}).status_code == 403
    duplicate = as_role("admin").post(f"{API}/star-levels/", {"park": world.park.pk, "stars": 4, "min_score": "1",
                                                              "classification": "standard"})  # fmt: skip
    assert duplicate.status_code == 400


def test_rating_statistics_count_the_latest_confirmed_rating_on_a_date(world, as_role):
    body = as_role("viewer").get(f"{API}/stats/ratings/", {"park": world.park.pk}).json()
    assert (body["rated"], body["by_stars"]["4"], body["by_classification"]["standard"]) == (1, 1, 1)
    assert (body["good_or_above"], body["good_or_above_rate"]) == (1, "1.0000")
    before = as_role("viewer").get(f"{API}/stats/ratings/", {"park": world.park.pk, "as_of": "2024-06-27"}).json()
    assert (before["as_of"], before["rated"], before["good_or_above_rate"]) == ("2024-06-27", 0, None)


@pytest.mark.parametrize(
    ("role", "params", "status"),
    [
        ("viewer", {"as_of": "2024-02-30"}, 400),
        ("viewer", {"park": "x"}, 400),
        ("viewer", {"park": "other"}, 404),
        ("admin", {"park": "other"}, 404),
        ("secretary_a", {}, 403),
        ("instructor", {}, 403),
    ],
)
def test_rating_statistics_refuse_bad_dates_and_parks_outside_scope(world, as_role, role, params, status):
    params = {"park": world.park.pk, **params}
    if params["park"] == "other":
        params["park"] = world.other_park.pk
    assert as_role(role).get(f"{API}/stats/ratings/", params).status_code == status
