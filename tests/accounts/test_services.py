"""The accounts services: what they make, and what they refuse (with the field at fault)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import services
from accounts.models import Account
from enterprises.models import Instructor
from parkparty import access
from parkparty.models import Grant, Role
from tests import factories as f
from tests.accounts.helpers import give_accounts

User = get_user_model()


@pytest.fixture
def users(world):
    return give_accounts(world)


def create(world, actor, **fields):
    values = {"park": world.park, "username": "new-secretary", "full_name": "陈书记", "role": "secretary",
              "organization": world.branch_a} | fields  # fmt: skip
    return services.account_create(**values, actor=actor)


def test_a_new_secretary_gets_a_temporary_password_a_home_park_and_the_grant(world, users):
    user, password = create(world, users["admin"], email="chen@example.com")

    assert user.check_password(password) and len(password) == 14
    assert user.get_full_name() == "陈书记" and user.email == "chen@example.com"
    account = user.account
    assert (account.park, account.must_change_password, account.created_by) == (world.park, True, users["admin"])
    assert list(user.grants.values_list("role", "organization")) == [("secretary", world.branch_a.pk)]
    assert user.history.first().history_change_reason == "由admin创建"
    assert Grant.history.filter(user_id=user.pk).get().history_change_reason == "由admin分配"


def test_two_temporary_passwords_differ():
    assert services.temporary_password() != services.temporary_password()


def test_a_taken_user_name_is_refused_on_its_field_whatever_its_case(world, users):
    with pytest.raises(ValidationError) as refused:
        create(world, users["admin"], username="Secretary_A")
    assert list(refused.value.message_dict) == ["username"]


def test_an_admin_may_not_make_a_login_of_another_park(world, users):
    with pytest.raises(ValidationError) as refused:
        create(world, users["admin"], park=world.other_park, organization=world.other_branch)
    assert "park" in refused.value.message_dict
    assert not User.objects.filter(username="new-secretary").exists()


def test_a_secretary_of_another_parks_organization_is_refused_on_the_organization(world, users):
    with pytest.raises(ValidationError) as refused:
        create(world, users["admin"], organization=world.other_branch)
    assert list(refused.value.message_dict) == ["organization"]


def test_a_secretary_needs_an_organization(world, users):
    with pytest.raises(ValidationError) as refused:
        create(world, users["admin"], organization=None)
    assert list(refused.value.message_dict) == ["organization"]


def test_a_viewer_may_not_make_logins(world, users):
    with pytest.raises(ValidationError):
        create(world, users["viewer"])


def test_an_instructors_login_is_linked_to_their_namesake_without_a_login(world, users):
    namesake = f.InstructorFactory(park=world.park, name="林指导")

    user, _password = create(world, users["admin"], role="instructor", organization=None, full_name="林指导")

    namesake.refresh_from_db()
    assert namesake.user == user
    assert not user.grants.exists()
    assert access.scope_of(user).instructor_id == namesake.pk


def test_an_instructor_without_a_record_gets_one_in_the_park(world, users):
    user, _password = create(world, users["admin"], role="instructor", organization=None, full_name="新指导员")

    assert Instructor.objects.get(user=user).park == world.park


def test_a_role_is_given_in_the_home_park_only(world, users):
    with pytest.raises(ValidationError) as refused:
        services.grant_give(user=users["viewer"], role=Role.PARK_ADMIN, park=world.other_park, actor=users["admin"])
    assert list(refused.value.message_dict) == ["park"]

    grant = services.grant_give(user=users["viewer"], role=Role.PARK_ADMIN, actor=users["admin"])
    assert (grant.park, grant.role) == (world.park, "park_admin")
    assert access.administers(users["viewer"], world.park.pk)


def test_a_role_held_already_is_refused_on_the_role(world, users):
    with pytest.raises(ValidationError) as refused:
        services.grant_give(user=users["viewer"], role=Role.PARK_VIEWER, actor=users["admin"])
    assert list(refused.value.message_dict) == ["role"]


def test_a_secretary_role_of_another_parks_organization_is_refused(world, users):
    with pytest.raises(ValidationError) as refused:
        services.grant_give(
            user=users["secretary_a"], role=Role.SECRETARY, organization=world.other_branch, actor=users["admin"]
        )
    assert list(refused.value.message_dict) == ["organization"]


def test_a_login_of_another_park_is_out_of_the_admins_reach(world, users):
    for attempt in (
        lambda: services.grant_give(user=users["outsider"], role=Role.PARK_VIEWER, actor=users["admin"]),
        lambda: services.password_reset(user=users["outsider"], actor=users["admin"]),
        lambda: services.account_deactivate(user=users["outsider"], actor=users["admin"]),
        lambda: services.grant_take(grant=users["outsider"].grants.get(), actor=users["admin"]),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert users["outsider"].grants.count() == 1


def test_an_admin_cannot_take_their_own_last_admin_role(world, users):
    admin = users["admin"]
    with pytest.raises(ValidationError) as refused:
        services.grant_take(grant=admin.grants.get(), actor=admin)
    assert list(refused.value.message_dict) == ["grant"]
    assert admin.grants.count() == 1


def test_taking_a_role_keeps_who_took_it_in_the_history(world, users):
    grant = users["secretary_b"].grants.get()
    grant_id = grant.pk

    services.grant_take(grant=grant, actor=users["admin"])

    assert not users["secretary_b"].grants.exists()
    record = Grant.history.filter(id=grant_id).first()
    assert (record.history_type, record.history_change_reason) == ("-", "由admin收回")


def test_an_admin_cannot_deactivate_themselves(world, users):
    with pytest.raises(ValidationError) as refused:
        services.account_deactivate(user=users["admin"], actor=users["admin"])
    assert list(refused.value.message_dict) == ["is_active"]


def test_a_deactivated_login_stays_and_can_be_reactivated(world, users):
    secretary = users["secretary_a"]

    services.account_deactivate(user=secretary, actor=users["admin"])
    assert User.objects.get(pk=secretary.pk).is_active is False
    assert access.scope_of(User.objects.get(pk=secretary.pk)).is_secretary is False

    services.account_reactivate(user=secretary, actor=users["admin"])
    assert User.objects.get(pk=secretary.pk).is_active is True
    reasons = list(secretary.history.values_list("history_change_reason", flat=True)[:2])
    assert reasons == ["由admin重新启用", "由admin停用"]


def test_a_password_reset_forces_a_change_and_the_old_password_stops_working(world, users):
    secretary = users["secretary_a"]

    password = services.password_reset(user=secretary, actor=users["admin"])

    secretary.refresh_from_db()
    assert secretary.check_password(password) and not secretary.check_password("pass-1234-word")
    assert Account.objects.get(user=secretary).must_change_password is True


def test_a_park_admin_cannot_reset_a_superusers_password(world, users):
    root = f.UserFactory(username="root", is_superuser=True)
    Account.objects.create(user=root, park=world.park)
    with pytest.raises(PermissionDenied):
        services.password_reset(user=root, actor=users["admin"])


def test_a_login_without_a_home_park_is_left_to_superusers(world, users):
    operator = f.UserFactory(username="operator")
    with pytest.raises(PermissionDenied):
        services.grant_give(user=operator, role=Role.PARK_VIEWER, actor=users["admin"])


# --- a sheet of logins --------------------------------------------------------------------------------


def rows(world):
    return [
        {"row": 2, "username": "wang", "full_name": "王书记", "role": "支部书记", "organization": "甲支部"},
        {"row": 3, "username": "zhao", "full_name": "赵查看", "role": "park_viewer", "email": "zhao@example.com"},
        {"row": 4, "username": "lin", "full_name": "林指导", "role": "指导员"},
    ]


def test_a_sheet_makes_every_login_with_its_temporary_password(world, users):
    created = services.accounts_create_bulk(park=world.park, rows=rows(world), actor=users["admin"])

    assert [(entry.row, entry.user.username) for entry in created] == [(2, "wang"), (3, "zhao"), (4, "lin")]
    assert all(entry.user.check_password(entry.temporary_password) for entry in created)
    assert User.objects.get(username="wang").grants.get().organization == world.branch_a
    assert User.objects.get(username="lin").instructor.park == world.park


def test_a_sheet_with_a_fault_makes_nothing_and_names_each_row_and_column(world, users):
    sheet = rows(world)
    sheet[0]["organization"] = "不存在的支部"
    sheet[1]["username"] = "secretary_a"
    sheet.append({"row": 5, "username": "wang", "full_name": "", "role": "厨师"})

    with pytest.raises(services.RowErrors) as refused:
        services.accounts_create_bulk(park=world.park, rows=sheet, actor=users["admin"])

    found = {(error.row, error.column) for error in refused.value.errors}
    assert found == {(2, "党组织"), (3, "用户名"), (5, "姓名"), (5, "角色"), (5, "用户名")}
    assert not User.objects.filter(username__in=["wang", "zhao", "lin"]).exists()


def test_an_empty_sheet_is_refused(world, users):
    with pytest.raises(services.RowErrors):
        services.accounts_create_bulk(park=world.park, rows=[], actor=users["admin"])
