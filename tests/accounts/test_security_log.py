"""The security log (parkparty.security): each kind of event is recorded by the real action, filed under
the parks of its login, shown to those parks' admins only, and holds no personal data."""

import json
from datetime import timedelta
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from accounts import services
from parkparty import security
from parkparty.models import Role, SecurityEvent
from tests import factories as f
from tests.accounts.helpers import give_accounts
from tests.conftest import client_for

Kind = SecurityEvent.Kind
ADDRESS = "203.0.113.77"
PASSWORD = "pass-1234-word"  # the factories' password


@pytest.fixture
def users(world):
    """The personas with their accounts, and an empty log (the world's token and logins left none)."""
    users = give_accounts(world)
    clear()
    return users


def clear() -> None:
    """Start from an empty log: logging a test client in is itself an event."""
    SecurityEvent.objects.all().delete()


def events(kind=None):
    rows = SecurityEvent.objects.order_by("pk")
    return list(rows.filter(kind=kind) if kind else rows)


def parks(event) -> set[int]:
    return set(event.parks.values_list("pk", flat=True))


def stored(event) -> str:
    """Every value the row keeps, as one text: what a leak would show up in."""
    values = SecurityEvent.objects.filter(pk=event.pk).values().get()
    return json.dumps(values, default=str, ensure_ascii=False)


def log_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ADDRESS)


# --- logins ----------------------------------------------------------------------------------------


def test_a_login_is_recorded_under_the_logins_park_with_its_address_as_a_keyed_hash(world, client, users):
    response = log_in(client, "secretary_a", PASSWORD)
    assert response.status_code == 302
    [event] = events(Kind.LOGIN)
    assert (event.user, event.actor) == (users["secretary_a"], None)
    assert parks(event) == {world.park.pk}
    assert len(event.address) == security.ADDRESS_HASH_LENGTH
    assert ADDRESS not in stored(event)


def test_the_same_address_gives_the_same_code_and_another_address_another(world, client, users):
    log_in(client, "viewer", "wrong")
    log_in(client, "viewer", "wrong")
    client.post(reverse("login"), {"username": "viewer", "password": "wrong"}, REMOTE_ADDR="198.51.100.1")
    first, second, third = events(Kind.LOGIN_FAILED)
    assert first.address == second.address != third.address


def test_a_failed_login_of_a_known_login_is_recorded_under_its_park(world, client, users):
    log_in(client, "viewer", "not-the-password")
    [event] = events(Kind.LOGIN_FAILED)
    assert event.user == users["viewer"]
    assert parks(event) == {world.park.pk}
    assert "not-the-password" not in stored(event)


def test_a_failed_login_under_an_unknown_name_keeps_no_name_and_belongs_to_no_park(world, client, users):
    typed = "Secret-Pass-2026"  # a password typed into the user name box
    log_in(client, typed, "whatever")
    [event] = events(Kind.LOGIN_FAILED)
    assert event.user is None and parks(event) == set()
    assert typed not in stored(event) and typed.lower() not in stored(event).lower()
    page = client_for(world, "admin").get(reverse("security-log"), {"kind": "login_failed"})
    assert list(page.context["page"].object_list) == []


def test_lockout_after_the_configured_failures_is_recorded_once_per_attempt(world, client, users, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _attempt in range(3):
        log_in(client, "viewer", "wrong")
    assert [e.kind for e in events()] == [Kind.LOGIN_FAILED, Kind.LOGIN_FAILED, Kind.LOCKED_OUT]
    response = log_in(client, "viewer", PASSWORD)  # the right password, while locked out
    assert response.status_code != 302
    assert [e.kind for e in events()][3:] == [Kind.LOCKED_OUT]
    assert not events(Kind.LOGIN)
    assert all(e.user == users["viewer"] and parks(e) == {world.park.pk} for e in events())


# --- role changes ------------------------------------------------------------------------------------


def test_a_role_given_and_taken_is_recorded_with_who_did_it(world, users):
    admin, viewer = users["admin"], users["viewer"]
    grant = services.grant_give(user=viewer, role=Role.SECRETARY, organization=world.branch_a, actor=admin)
    services.grant_take(grant=grant, actor=admin)
    given, taken = events()
    assert (given.kind, taken.kind) == (Kind.GRANT_GIVEN, Kind.GRANT_TAKEN)
    assert all(e.user == viewer and e.actor == admin and parks(e) == {world.park.pk} for e in (given, taken))
    assert given.detail == {"role": "secretary", "place": "甲支部"}
    assert security.describe(given) == f"{Role.SECRETARY.label} · 甲支部"


def test_a_role_taken_from_a_login_of_another_home_park_still_shows_where_it_was_taken(world, users):
    """A superuser takes the last grant of park A from a login whose home is park B: park A's log keeps it."""
    outsider, root = users["outsider"], f.UserFactory(username="root", is_superuser=True)
    grant = f.GrantFactory(user=outsider, role=Role.PARK_VIEWER, park=world.park)
    services.grant_take(grant=grant, actor=root)
    [event] = events(Kind.GRANT_TAKEN)
    assert parks(event) == {world.park.pk, world.other_park.pk}


def test_a_refused_role_change_leaves_no_event(world, users):
    with pytest.raises(Exception):  # noqa: B017 -- the service's own refusal, whatever its type
        services.grant_give(user=users["viewer"], role=Role.PARK_VIEWER, actor=users["admin"])  # held already
    assert events() == []


def test_deactivation_reactivation_a_reset_and_a_new_login_are_recorded(world, users):
    admin, viewer = users["admin"], users["viewer"]
    services.account_deactivate(user=viewer, actor=admin)
    services.account_deactivate(user=viewer, actor=admin)  # already inactive: nothing happened, nothing logged
    services.account_reactivate(user=viewer, actor=admin)
    services.password_reset(user=viewer, actor=admin)
    new, _password = services.account_create(
        park=world.park, username="newcomer", full_name="赵六", role=Role.PARK_VIEWER, actor=admin
    )
    kinds = [(e.kind, e.user, e.actor) for e in events()]
    assert kinds == [
        (Kind.DEACTIVATED, viewer, admin),
        (Kind.REACTIVATED, viewer, admin),
        (Kind.PASSWORD_RESET, viewer, admin),
        (Kind.ACCOUNT_CREATED, new, admin),
        (Kind.GRANT_GIVEN, new, admin),
    ]
    assert all(parks(e) == {world.park.pk} for e in events())
    assert all("赵六" not in stored(e) and _password not in stored(e) for e in events())


def test_deactivation_through_the_page_is_recorded(world, users):
    client = client_for(world, "admin")
    clear()
    response = client.post(reverse("user-deactivate", args=[users["viewer"].pk]))
    assert response.status_code == 302
    assert [(e.kind, e.actor) for e in events()] == [(Kind.DEACTIVATED, users["admin"])]


# --- tokens ------------------------------------------------------------------------------------------


def test_a_token_made_and_revoked_is_recorded_without_its_key(world, users):
    token = Token.objects.create(user=users["viewer"])
    key = token.key
    token.delete()
    made, revoked = events()
    assert (made.kind, revoked.kind) == (Kind.TOKEN_CREATED, Kind.TOKEN_REVOKED)
    assert all(e.user == users["viewer"] and parks(e) == {world.park.pk} for e in (made, revoked))
    assert key not in stored(made) and key not in stored(revoked)


def test_tokens_deleted_in_bulk_are_each_recorded(world, users):
    Token.objects.create(user=users["viewer"])
    Token.objects.filter(user__in=[users["viewer"], users["admin"]]).delete()
    assert len(events(Kind.TOKEN_REVOKED)) == 2


# --- exports -----------------------------------------------------------------------------------------


def read_through(response) -> list:
    assert response.status_code == 200
    return list(load_workbook(BytesIO(b"".join(response.streaming_content))).active.iter_rows(values_only=True))


def test_a_roster_exported_unmasked_from_the_page_is_recorded_with_its_rows(world, users):
    client = client_for(world, "admin")
    clear()
    read_through(client.get(reverse("member-export")))
    [event] = events()
    assert (event.kind, event.user) == (Kind.EXPORT_UNMASKED, users["admin"])
    assert event.detail == {"export": "organizations.partymember", "rows": 2}  # 张三 and 李四 of park A
    assert parks(event) == {world.park.pk}
    for member in (world.member_a, world.member_b):
        assert member.id_number not in stored(event) and member.phone not in stored(event)


def test_a_roster_exported_unmasked_through_the_api_is_recorded(world, users):
    client = client_for(world, "admin")
    clear()
    read_through(client.get("/api/v1/members/", {"format": "xlsx"}))
    [event] = events()
    assert (event.kind, event.detail["rows"]) == (Kind.EXPORT_UNMASKED, 2)


def test_masked_exports_and_exports_without_personal_columns_are_not_recorded(world, users):
    read_through(client_for(world, "viewer").get(reverse("member-export")))
    read_through(client_for(world, "secretary_a").get(reverse("member-export")))
    read_through(client_for(world, "token").get("/api/v1/members/", {"format": "xlsx"}))
    read_through(client_for(world, "admin").get(reverse("enterprise-export")))
    assert events(Kind.EXPORT_UNMASKED) == []


def test_members_without_an_id_number_or_phone_carry_nothing(world, users):
    world.member_a.__class__.objects.update(id_number="", phone="")
    read_through(client_for(world, "admin").get(reverse("member-export")))
    assert events(Kind.EXPORT_UNMASKED) == []


# --- the page ----------------------------------------------------------------------------------------


def test_a_park_admin_reads_only_their_parks_events(world, users):
    other_admin = f.UserFactory(username="admin_b")
    f.GrantFactory(user=other_admin, role=Role.PARK_ADMIN, park=world.other_park)
    admin, other = client_for(world, "admin"), client_for(world, "anonymous")
    other.force_login(other_admin)
    clear()
    mine = security.record(Kind.LOGIN, user=users["viewer"])
    theirs = security.record(Kind.LOGIN, user=users["outsider"])
    security.record(Kind.LOGIN_FAILED)  # an unknown name: no park's
    page = admin.get(reverse("security-log"))
    assert page.status_code == 200
    assert list(page.context["page"].object_list) == [mine]
    assert "viewer" in page.content.decode()
    assert list(other.get(reverse("security-log")).context["page"].object_list) == [theirs]
    # Another park by ?park= is 404, as a park that does not exist.
    assert admin.get(reverse("security-log"), {"park": world.other_park.pk}).status_code == 404


@pytest.mark.parametrize("role", ["viewer", "secretary_a", "instructor"])
def test_the_page_is_refused_to_anyone_who_administers_no_park(world, role):
    assert client_for(world, role).get(reverse("security-log")).status_code == 403


def test_the_page_sends_the_anonymous_to_the_login(world):
    response = client_for(world, "anonymous").get(reverse("security-log"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_page_filters_by_kind_and_by_days(world, users):
    client = client_for(world, "admin")
    clear()
    old = security.record(Kind.LOGIN, user=users["viewer"])
    SecurityEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=10))
    today = security.record(Kind.LOGIN_FAILED, user=users["viewer"])
    listed = lambda **query: list(client.get(reverse("security-log"), query).context["page"].object_list)  # noqa: E731
    day = timezone.localdate()
    assert listed(kind="login_failed") == [today]
    assert listed(since=(day - timedelta(days=1)).isoformat()) == [today]
    assert listed(until=(day - timedelta(days=1)).isoformat()) == [old]
    assert listed(since=(day - timedelta(days=10)).isoformat(), until=day.isoformat()) == [today, old]


def test_bad_filters_are_named_on_their_field_not_a_500(world):
    response = client_for(world, "admin").get(
        reverse("security-log"), {"kind": "nonsense", "since": "2026-13-40", "until": "2020-01-01"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"kind", "since"}
    response = client_for(world, "admin").get(reverse("security-log"), {"since": "2026-12-06", "until": "2026-12-01"})
    assert set(response.context["form"].errors) == {"until"}


# The session, the user, the scope's grants and instructor, the admin's parks, the count, and the page
# with its logins and actors joined: whatever the number of events.
PAGE_QUERIES = 7


def test_the_page_costs_the_same_queries_for_a_few_events_or_a_full_page(world, users, django_assert_max_num_queries):
    client = client_for(world, "admin")
    clear()
    for _ in range(3):
        security.record(Kind.GRANT_GIVEN, user=users["viewer"], actor=users["admin"], detail={"role": "park_viewer"})
    with django_assert_max_num_queries(PAGE_QUERIES):
        few = client.get(reverse("security-log"))
    for _ in range(60):
        security.record(Kind.LOGIN, user=users["secretary_a"])
    with django_assert_max_num_queries(PAGE_QUERIES):
        full = client.get(reverse("security-log"))
    assert len(few.context["page"].object_list) == 3
    assert len(full.context["page"].object_list) == 50
    assert full.context["page"].paginator.num_pages == 2


def test_the_management_hub_lists_the_security_log(world):
    assert reverse("security-log") in client_for(world, "admin").get(reverse("manage-hub")).content.decode()


def test_the_operators_admin_shows_the_log_read_only_to_superusers(world, users):
    event = security.record(Kind.LOGIN_FAILED)
    root = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    client = client_for(world, "anonymous")
    client.force_login(root)
    assert client.get(reverse("admin:parkparty_securityevent_changelist")).status_code == 200
    assert client.get(reverse("admin:parkparty_securityevent_change", args=[event.pk])).status_code == 200
    assert client.get(reverse("admin:parkparty_securityevent_add")).status_code == 403
    assert client.post(reverse("admin:parkparty_securityevent_delete", args=[event.pk])).status_code == 403


# --- retention ---------------------------------------------------------------------------------------


def test_the_prune_deletes_events_older_than_the_retention_period_only(world, users, settings):
    settings.SECURITY_LOG_RETENTION_DAYS = 185
    old = security.record(Kind.LOGIN, user=users["viewer"])
    kept = security.record(Kind.LOGIN, user=users["viewer"])
    SecurityEvent.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=186))
    SecurityEvent.objects.filter(pk=kept.pk).update(at=timezone.now() - timedelta(days=184))
    output = StringIO()
    call_command("prune_security_log", stdout=output)
    assert "1" in output.getvalue()
    assert events() == [kept]
    assert not SecurityEvent.parks.through.objects.filter(securityevent_id=old.pk).exists()
    from parkparty.tasks import prune_security_log

    assert prune_security_log.delay().get() == 0  # the beat task: nothing left to prune


def test_the_detail_keeps_codes_and_counts_only(world):
    with pytest.raises(TypeError):
        security.record(Kind.LOGIN, detail={"member": world.member_a})
    event = security.record(Kind.GRANT_GIVEN, detail={"place": "支" * 300})
    assert len(event.detail["place"]) == security.DETAIL_LENGTH


def test_a_superusers_role_changes_and_deactivation_in_the_admin_are_recorded(world, users):
    root = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    client = client_for(world, "anonymous")
    client.force_login(root)
    clear()
    viewer = users["viewer"]
    response = client.post(
        reverse("admin:parkparty_grant_add"),
        {"user": viewer.pk, "role": Role.PARK_ADMIN, "park": world.park.pk},
        format="multipart",
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    grant = viewer.grants.get(role=Role.PARK_ADMIN)
    response = client.post(
        reverse("admin:parkparty_grant_delete", args=[grant.pk]), {"post": "yes"}, format="multipart"
    )
    assert response.status_code == 302
    assert [(e.kind, e.user, e.actor, e.detail.get("role")) for e in events()] == [
        (Kind.GRANT_GIVEN, viewer, root, Role.PARK_ADMIN),
        (Kind.GRANT_TAKEN, viewer, root, Role.PARK_ADMIN),
    ]
    assert all(parks(e) == {world.park.pk} for e in events())


def test_a_login_deactivated_by_a_superuser_in_the_admin_is_recorded(world, users):
    root = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    client = client_for(world, "anonymous")
    client.force_login(root)
    clear()
    viewer = users["viewer"]
    joined = timezone.localtime(viewer.date_joined)
    form = {"username": viewer.username, "first_name": "", "last_name": "", "email": "",
            "date_joined_0": f"{joined:%Y-%m-%d}", "date_joined_1": f"{joined:%H:%M:%S}"}  # fmt: skip
    response = client.post(reverse("admin:auth_user_change", args=[viewer.pk]), form, format="multipart")
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert [(e.kind, e.user, e.actor) for e in events()] == [(Kind.DEACTIVATED, viewer, root)]
