"""The park admin's meeting-rule pages (会议制度): the list, adding and changing a rule, installing the
defaults — refusals on the field with nothing written, ids outside the admin's parks, the list's queries."""

import pytest
from django.urls import reverse

from meetings.models import MeetingRule
from meetings.services import DEFAULT_RULES
from parkparty.models import Role
from tests import factories as f
from tests.meetings.test_meeting_pages import SESSION_AND_SCOPE

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
API = "/api/v1"


@pytest.fixture
def admin(client, world):
    client.force_login(world.users["admin"])
    return client


def rule_data(**overrides) -> dict:
    return {"kind": "forum", "organization_kind": "branch", "times": 2, "period": "year"} | overrides


def test_the_list_shows_the_parks_rules(world, admin):
    response = admin.get(reverse("meeting-rules"))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == len(DEFAULT_RULES)


def test_an_admin_adds_a_rule(world, admin):
    response = admin.post(reverse("meeting-rule-new"), rule_data())

    assert response.status_code == 302
    rule = MeetingRule.objects.get(park=world.park, kind="forum")
    assert (rule.organization_kind, rule.times, rule.period) == ("branch", 2, "year")


def test_a_second_rule_for_the_same_meeting_and_organization_kind_is_refused_on_the_kind(world, admin):
    before = MeetingRule.objects.count()

    response = admin.post(reverse("meeting-rule-new"), rule_data(kind="theme_day"), **EN)

    assert "The park has a rule for this kind of meeting" in response.context["form"].errors["kind"][0]
    assert MeetingRule.objects.count() == before


def test_a_rule_of_no_meetings_is_refused_on_the_times(world, admin):
    response = admin.post(reverse("meeting-rule-new"), rule_data(times=0))

    assert "times" in response.context["form"].errors
    assert not MeetingRule.objects.filter(kind="forum").exists()


def test_an_admin_changes_a_rule(world, admin):
    rule = world.park.meeting_rules.get(kind="theme_day", organization_kind="branch")

    response = admin.post(
        reverse("meeting-rule-edit", args=[rule.pk]), rule_data(kind="theme_day", times=2, period="month")
    )

    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.times, rule.period) == (2, "month")


def test_the_api_refuses_a_duplicate_rule_through_the_same_service(world, as_role):
    response = as_role("admin").post(
        f"{API}/meeting-rules/",
        {"park": world.park.pk, "kind": "theme_day", "organization_kind": "branch", "period": "month", "times": 1},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert MeetingRule.objects.filter(park=world.park, kind="theme_day", organization_kind="branch").count() == 1


def test_another_parks_rule_answers_exactly_like_one_that_does_not_exist(world, admin):
    other = MeetingRule.objects.create(
        park=world.other_park, kind="theme_day", organization_kind="branch", period="month"
    )

    outside = admin.get(reverse("meeting-rule-edit", args=[other.pk]))
    missing = admin.get(reverse("meeting-rule-edit", args=[other.pk + 1000]))
    admin.post(reverse("meeting-rule-edit", args=[other.pk]), rule_data(kind="theme_day", times=5))

    assert outside.status_code == missing.status_code == 404
    assert outside.content == missing.content
    other.refresh_from_db()
    assert other.times == 1


def test_a_viewer_may_not_change_a_rule(world, client):
    client.force_login(world.users["viewer"])
    rule = world.park.meeting_rules.first()

    response = client.post(reverse("meeting-rule-edit", args=[rule.pk]), rule_data(kind=rule.kind, times=9))

    assert response.status_code == 403
    rule.refresh_from_db()
    assert rule.times != 9


def test_a_park_without_rules_is_offered_the_defaults_and_gets_them(world, client):
    park = f.ParkFactory(code="park-c", name="丙园区")
    user = f.UserFactory(username="admin_c")
    f.GrantFactory(user=user, role=Role.PARK_ADMIN, park=park)
    client.force_login(user)

    page = client.get(reverse("meeting-rules"))
    response = client.post(reverse("meeting-rules-defaults"), {"park": park.pk})
    again = client.post(reverse("meeting-rules-defaults"), {"park": park.pk})

    assert reverse("meeting-rules-defaults") in page.content.decode()
    assert response.status_code == again.status_code == 302
    assert MeetingRule.objects.filter(park=park).count() == len(DEFAULT_RULES)


# session + scope, the administered parks, the count, one page of rules.
LIST_QUERIES = SESSION_AND_SCOPE + 3


def test_the_list_takes_as_many_queries_for_many_rules_as_for_few(world, admin, django_assert_num_queries):
    with django_assert_num_queries(LIST_QUERIES):
        admin.get(reverse("meeting-rules"))
    for kind in ("forum", "inspection", "park_monthly", "joint_meeting"):
        MeetingRule.objects.create(park=world.park, kind=kind, organization_kind="committee", period="quarter")
    with django_assert_num_queries(LIST_QUERIES):
        admin.get(reverse("meeting-rules"))
