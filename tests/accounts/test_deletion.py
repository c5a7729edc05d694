"""Users are deactivated, never deleted, once they recorded anything (issue 13): the authorship keys
protect the rows, and the operators' admin refuses with a message that says to deactivate."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import translation

from accounts import services
from organizations.subsidies.models import Subsidy

User = get_user_model()


@pytest.fixture
def operator(world, client):
    client.force_login(User.objects.create_superuser("operator", password="x"))
    return client


@pytest.fixture
def approver(world):
    """A login that approved a subsidy now paid, then left the park office."""
    user = User.objects.create_user("approver", password="x")
    Subsidy.objects.filter(pk=world.subsidy_a.pk).update(
        status=Subsidy.Status.PAID, approved_by=user, voucher_no="记-1", paid_on=date(2024, 7, 15)
    )
    return user


def test_deleting_a_user_who_approved_a_paid_subsidy_in_the_admin_is_refused_with_a_message(operator, approver):
    url = reverse("admin:auth_user_delete", args=[approver.pk])
    response = operator.post(url, {"post": "yes"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:auth_user_change", args=[approver.pk])
    assert User.objects.filter(pk=approver.pk).exists()
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "deactivate the login instead" in message
    assert operator.get(url).status_code == 302  # the confirmation page is not offered either


def test_the_change_page_offers_no_delete_link_for_a_user_with_records(operator, approver):
    response = operator.get(reverse("admin:auth_user_change", args=[approver.pk]))
    assert response.status_code == 200
    assert reverse("admin:auth_user_delete", args=[approver.pk]) not in response.content.decode()


def test_users_are_not_deleted_in_bulk(operator, approver):
    response = operator.get(reverse("admin:auth_user_changelist"))
    assert "delete_selected" not in response.content.decode()


def test_the_model_protects_who_approved(approver):
    with pytest.raises(ProtectedError):
        approver.delete()


def test_a_login_that_recorded_nothing_may_be_deleted_by_a_superuser(operator):
    user = User.objects.create_user("typo", password="x")
    response = operator.post(reverse("admin:auth_user_delete", args=[user.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()


def test_a_history_entry_counts_as_a_record(world):
    user = User.objects.create_user("historian", password="x")
    assert not services.has_records(user)
    world.branch_a.history.update(history_user=user)
    assert services.has_records(user)
    with pytest.raises(ValidationError) as error:
        services.account_delete(user=user, actor=None)
    assert "is_active" in error.value.message_dict


def test_only_superusers_delete_logins(world):
    user = User.objects.create_user("typo", password="x")
    with translation.override("en"), pytest.raises(Exception, match="superuser"):
        services.account_delete(user=user, actor=world.users["admin"])
    assert User.objects.filter(pk=user.pk).exists()


def test_every_key_to_a_login_protects_the_row_it_names():
    """Who recorded, approved or paid something is kept: a new key to the user with SET_NULL or CASCADE
    would let a deletion erase it (the history's own history_user is Django's, and has_records reads it)."""
    from django.apps import apps
    from django.db import models

    # The login's own state, which goes with it: its grants, its one-time form tokens and API keys.
    own = {"parkparty.Grant.user", "parkparty.SubmissionToken.user", "parkparty.IdempotencyKey.user"}
    loose = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if not model._meta.label.startswith(("auth.", "admin.", "authtoken.", "axes.", "sessions."))
        and not hasattr(model, "instance_type")  # simple-history's copies keep whatever the row had
        for field in model._meta.get_fields()
        if field.is_relation and field.many_to_one and field.related_model is User
        and field.name != "history_user" and field.remote_field.on_delete is not models.PROTECT
    ]  # fmt: skip
    assert set(loose) - own == set()
