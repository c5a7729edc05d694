"""Logins and their roles, run by park admins: create (one or a sheet of them), give and take roles,
deactivate and reactivate, reset a password. Nothing here deletes a login: who recorded anything stays
on the record (minutes, ratings, history), so a login that leaves is deactivated.

Every function takes `actor=` (the park admin; None is the portal itself) and refuses with
ValidationError({field: message}) or, for a login outside the actor's parks, PermissionDenied.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.authtoken.models import Token

from accounts.models import Account
from enterprises.models import Instructor
from organizations.models import Organization, Park
from parkparty import access, security
from parkparty.history import CHANGE_REASON_LENGTH, user_or_none
from parkparty.models import Grant, Role, SecurityEvent

User = get_user_model()


class AccountRole(models.TextChoices):
    """The role a new login starts with: a grant's role, or an instructor (who needs no grant)."""

    PARK_ADMIN = Role.PARK_ADMIN.value, Role.PARK_ADMIN.label
    PARK_VIEWER = Role.PARK_VIEWER.value, Role.PARK_VIEWER.label
    SECRETARY = Role.SECRETARY.value, Role.SECRETARY.label
    INSTRUCTOR = "instructor", gettext_lazy("instructor")


# Letters and digits that cannot be misread for each other when read aloud or copied from a screen.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password() -> str:
    """Three groups of four (about 70 bits): shown once, changed at the first login."""
    return "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))


def _reason(text: str, actor) -> str:
    who = actor.get_username() if actor is not None else _("the portal")
    return (text % {"actor": who})[:CHANGE_REASON_LENGTH]


def _not_own_park_message() -> str:
    return _("You may only give roles in the parks you administer.")


def _log(kind: str, *, user, actor, park_id: int | None = None) -> None:
    """The change in the security log, under the login's parks (and the park it was made in)."""
    security.record(kind, user=user, actor=actor, parks=security.parks_of(user) | ({park_id} if park_id else set()))


# --- one login ----------------------------------------------------------------------------------------


def account_errors(
    *, park: Park, username: str, full_name: str, email: str = "", role: str, organization=None, instructor=None
) -> dict[str, str]:
    """What is wrong with a new login, by field ({} when nothing): also what a sheet's preview shows."""
    errors = {}
    username = username.strip()
    if not username:
        errors["username"] = _("Give a user name.")
    elif len(username) > 150:
        errors["username"] = _("A user name has at most 150 characters.")
    else:
        try:
            User.username_validator(username)
        except ValidationError:
            errors["username"] = _("A user name has letters, digits and @ . + - _ only.")
        else:
            if User.objects.filter(username__iexact=username).exists():
                errors["username"] = _("This user name is taken.")
    if not full_name.strip():
        errors["full_name"] = _("Give the person's name.")
    elif len(full_name) > 150:
        errors["full_name"] = _("A name has at most 150 characters.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
    if role not in AccountRole.values:
        errors["role"] = _("Choose a role.")
    errors.update(_role_place_errors(park=park, role=role, organization=organization, instructor=instructor))
    return errors


def _role_place_errors(*, park: Park, role: str, organization, instructor) -> dict[str, str]:
    if role == Role.SECRETARY:
        if organization is None:
            return {"organization": _("A secretary is secretary of an organization: choose it.")}
        if organization.park_id != park.pk:
            return {"organization": _("Choose an organization of the login's home park.")}
        if organization.dissolved_on is not None and organization.dissolved_on <= timezone.localdate():
            return {"organization": _("This organization is dissolved.")}
    elif organization is not None:
        return {"organization": _("Only a secretary's role names an organization.")}
    if instructor is not None:
        if role != AccountRole.INSTRUCTOR:
            return {"instructor": _("Only an instructor's login is linked to an instructor.")}
        if instructor.park_id != park.pk:
            return {"instructor": _("Choose an instructor of the login's home park.")}
        if instructor.user_id is not None:
            return {"instructor": _("This instructor already has a login.")}
    return {}


@transaction.atomic
def account_create(
    *,
    park: Park,
    username: str,
    full_name: str,
    email: str = "",
    role: str,
    organization: Organization | None = None,
    instructor: Instructor | None = None,
    actor,
) -> tuple[User, str]:
    """A new login of `park` with its first role and a temporary password, which is returned (and never
    kept in the clear): the person must change it at the first login.

    An instructor's login is linked to `instructor`, else to the park's one instructor of that name who
    has no login yet, else to a new instructor of the park."""
    if actor is not None and not access.administers(actor, park.pk):
        raise ValidationError({"park": _not_own_park_message()})
    username, full_name, email = username.strip(), full_name.strip(), email.strip()
    errors = account_errors(
        park=park, username=username, full_name=full_name, email=email, role=role,
        organization=organization, instructor=instructor,
    )  # fmt: skip
    if errors:
        raise ValidationError(errors)
    password = temporary_password()
    user = User(username=username, first_name=full_name, email=email)
    user.set_password(password)
    user._change_reason = _reason(_("Created by %(actor)s"), actor)
    user.save()
    account = Account(user=user, park=park, must_change_password=True, created_by=user_or_none(actor))
    account._change_reason = user._change_reason
    account.save()
    _log(SecurityEvent.Kind.ACCOUNT_CREATED, user=user, actor=actor, park_id=park.pk)
    if role == AccountRole.INSTRUCTOR:
        _link_instructor(user=user, park=park, instructor=instructor, actor=actor)
    else:
        _grant_save(user=user, role=role, park=park, organization=organization, actor=actor)
    return user, password


def _link_instructor(*, user, park: Park, instructor: Instructor | None, actor) -> Instructor:
    if instructor is None:
        namesakes = list(Instructor.objects.select_for_update().filter(park=park, user=None, name=user.first_name)[:2])
        instructor = namesakes[0] if len(namesakes) == 1 else Instructor(park=park, name=user.first_name[:50])
    instructor.user = user
    instructor._change_reason = _reason(_("Login linked by %(actor)s"), actor)
    instructor.full_clean()
    instructor.save()
    return instructor


@transaction.atomic
def account_update(*, user, full_name: str, email: str = "", actor) -> User:
    """The person's name and e-mail address."""
    require_manager(actor, user)
    full_name, email = full_name.strip(), email.strip()
    errors = {}
    if not full_name:
        errors["full_name"] = _("Give the person's name.")
    elif len(full_name) > 150:
        errors["full_name"] = _("A name has at most 150 characters.")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
    if errors:
        raise ValidationError(errors)
    user.first_name, user.email = full_name, email
    user._change_reason = _reason(_("Changed by %(actor)s"), actor)
    user.save(update_fields=["first_name", "email"])
    return user


def home_park_id(user) -> int | None:
    account = Account.objects.filter(user=user).values("park_id").first()
    return account["park_id"] if account else None


def require_manager(actor, user) -> int:
    """The login's home park, which the actor must administer (403 otherwise; a login without a home
    park is managed by superusers in the Django admin)."""
    park_id = home_park_id(user)
    if actor is None or access.scope_of(actor).everything:
        return park_id
    if park_id is None or user.is_superuser or not access.administers(actor, park_id):
        raise PermissionDenied(_("Only a park admin of this login's park may do this."))
    return park_id


# --- roles --------------------------------------------------------------------------------------------


@transaction.atomic
def grant_give(*, user, role: str, park: Park | None = None, organization: Organization | None = None, actor) -> Grant:
    """Give the login a role in its home park: park admin or viewer of the park (`park` may be left out),
    or secretary of one of its organizations."""
    home = require_manager(actor, user)
    if home is None:
        raise ValidationError({"park": _("This login has no home park: give its roles in the Django admin.")})
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if role == Role.SECRETARY:
        park = None
        errors = _role_place_errors(park=Park(pk=home), role=role, organization=organization, instructor=None)
    else:
        park = park or Park.objects.get(pk=home)
        errors = {} if park.pk == home else {"park": _("A role is given in the login's home park.")}
        if organization is not None:
            errors["organization"] = _("Only a secretary's role names an organization.")
    if errors:
        raise ValidationError(errors)
    if Grant.objects.filter(user=user, role=role, park=park, organization=organization).exists():
        raise ValidationError({"role": _("The login already holds this role.")})
    if role == Role.SECRETARY and Grant.objects.filter(user=user, organization=organization).exists():
        raise ValidationError({"organization": _("The login already holds a role in this organization.")})
    return _grant_save(user=user, role=role, park=park, organization=organization, actor=actor)


def _grant_save(*, user, role: str, park, organization, actor) -> Grant:
    grant = Grant(user=user, role=role, park=None if role == Role.SECRETARY else park, organization=organization)
    grant.full_clean()
    grant._change_reason = _reason(_("Given by %(actor)s"), actor)
    grant.save()
    _forget_scope(user)
    security.record_grant(SecurityEvent.Kind.GRANT_GIVEN, grant, actor=actor)
    return grant


@transaction.atomic
def grant_take(*, grant: Grant, actor) -> None:
    """Take a role back. The grant's history keeps who held it, until when, and who took it."""
    user = grant.user
    require_manager(actor, user)
    if (
        actor is not None
        and user.pk == actor.pk
        and grant.role == Role.PARK_ADMIN
        and not Grant.objects.filter(user=user, role=Role.PARK_ADMIN).exclude(pk=grant.pk).exists()
    ):
        raise ValidationError({"grant": _("You cannot take your own last park admin role: ask another admin.")})
    grant._change_reason = _reason(_("Taken by %(actor)s"), actor)
    security.record_grant(SecurityEvent.Kind.GRANT_TAKEN, grant, actor=actor)
    grant.delete()
    _forget_scope(user)


def _forget_scope(user) -> None:
    """The scope cached on this user object (access.scope_of) is out of date once its grants change."""
    user.__dict__.pop("_parkparty_scope", None)


# --- deactivation and passwords -----------------------------------------------------------------------


@transaction.atomic
def account_deactivate(*, user, actor) -> User:
    """The login can no longer sign in, nor use its API tokens; everything it recorded stays its own."""
    require_manager(actor, user)
    if actor is not None and user.pk == actor.pk:
        raise ValidationError({"is_active": _("You cannot deactivate yourself.")})
    revoke_tokens(user, actor=actor, reason="deactivated")
    return _set_active(user, False, _reason(_("Deactivated by %(actor)s"), actor), actor)


@transaction.atomic
def account_reactivate(*, user, actor) -> User:
    require_manager(actor, user)
    return _set_active(user, True, _reason(_("Reactivated by %(actor)s"), actor), actor)


def _set_active(user, active: bool, reason: str, actor) -> User:
    if user.is_active != active:
        user.is_active = active
        user._change_reason = reason
        user.save(update_fields=["is_active"])
        kind = SecurityEvent.Kind.REACTIVATED if active else SecurityEvent.Kind.DEACTIVATED
        _log(kind, user=user, actor=actor)
    return user


@transaction.atomic
def password_reset(*, user, actor) -> str:
    """A new temporary password, returned to be shown once; the person must change it at the next login.
    Their open sessions end (the password hash changed) and a login lockout is lifted."""
    require_manager(actor, user)
    password = temporary_password()
    user.set_password(password)
    user._change_reason = _reason(_("Password reset by %(actor)s"), actor)
    user.save(update_fields=["password"])
    account, _created = Account.objects.select_for_update().get_or_create(user=user)
    account.must_change_password = True
    account._change_reason = user._change_reason
    account.save()
    _log(SecurityEvent.Kind.PASSWORD_RESET, user=user, actor=actor)
    revoke_tokens(user, actor=actor, reason="password_reset")
    transaction.on_commit(lambda: _unlock(user.get_username()))
    return password


def has_records(user) -> bool:
    """Whether the login recorded anything: it is named as the author of a row (a foreign key to the user
    that protects it) or as who changed a row in a history. Such a login is deactivated, never deleted."""
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not (field.is_relation and field.many_to_one and field.related_model is User):
                continue
            if field.name != "history_user" and field.remote_field.on_delete is not models.PROTECT:
                continue
            if model._default_manager.filter(**{field.name: user}).exists():
                return True
    return False


@transaction.atomic
def account_delete(*, user, actor) -> None:
    """Delete a login that recorded nothing (one made by mistake); superusers only. A login that recorded
    anything is refused with a message that says to deactivate it."""
    if actor is not None and not (actor.is_active and actor.is_superuser):
        raise PermissionDenied(_("Only a superuser may delete a login."))
    if has_records(user):
        raise ValidationError({"is_active": records_message(user)})
    user.delete()


def records_message(user) -> str:
    return _(
        "%(user)s has recorded data in the portal and cannot be deleted (who recorded it stays on the record): "
        "deactivate the login instead."
    ) % {"user": user.get_username()}


def _unlock(username: str) -> None:
    from axes.utils import reset

    reset(username=username)


def password_changed(*, user) -> None:
    """The person chose their own password: they are no longer sent to change it, and their API token
    (made with the old password's trust) is revoked."""
    revoke_tokens(user, actor=user, reason="password_changed")
    account = Account.objects.filter(user=user, must_change_password=True).first()
    if account is not None:
        account.must_change_password = False
        account._change_reason = _("Password changed by its holder")
        account.save(update_fields=["must_change_password"])


def password_reset_by_mail(*, user) -> None:
    """The person set a new password through the link of a reset mail: as after a change of their own
    (password_changed), and a lockout of the account is lifted, as after a park admin's reset – whoever
    holds the mailbox has shown they are the person."""
    password_changed(user=user)
    transaction.on_commit(lambda: _unlock(user.get_username()))


# --- API tokens (one per login) ----------------------------------------------------------------------
# Every token made or revoked goes through these two functions (the security log hooks them).

TOKEN_REVOKE_REASONS = ("password_changed", "password_reset", "deactivated", "revoked")


def revoke_tokens(user, *, actor, reason: str) -> int:
    """Revoke the login's API token (if any): the number of tokens deleted. `reason` is one of
    TOKEN_REVOKE_REASONS. Revoking another's token needs to manage their login."""
    if reason not in TOKEN_REVOKE_REASONS:
        raise ValueError(reason)
    if actor is not None and actor.pk != user.pk:
        require_manager(actor, user)
    deleted, _rows = Token.objects.filter(user=user).delete()
    return deleted


@transaction.atomic
def token_create(*, user, actor) -> Token:
    """A new API token for the login, in place of its old one (one per login); the key is shown once."""
    if actor is None or actor.pk != user.pk:
        raise PermissionDenied(_("A login makes its own token."))
    if not user.is_active:
        raise ValidationError({"token": _("A deactivated login has no token.")})
    revoke_tokens(user, actor=actor, reason="revoked")
    return Token.objects.create(user=user)


# --- a sheet of logins ----------------------------------------------------------------------------------

# The columns of a sheet of new logins: (key of a row, heading in the sheet). A row may name the role by
# its code or its label (in either language) and the secretary's organization by its name in the park.
COLUMNS = (
    ("username", "用户名"),
    ("full_name", "姓名"),
    ("role", "角色"),
    ("organization", "党组织"),
    ("email", "邮箱"),
)
HEADINGS = dict(COLUMNS)

# Role names a sheet may use besides the codes and the labels.
ROLE_ALIASES = {
    "管理员": Role.PARK_ADMIN,
    "园区管理员": Role.PARK_ADMIN,
    "园区党委管理员": Role.PARK_ADMIN,
    "查看者": Role.PARK_VIEWER,
    "园区查看者": Role.PARK_VIEWER,
    "上级": Role.PARK_VIEWER,
    "书记": Role.SECRETARY,
    "支部书记": Role.SECRETARY,
    "指导员": AccountRole.INSTRUCTOR,
    "党建指导员": AccountRole.INSTRUCTOR,
}


@dataclass(frozen=True)
class RowError:
    row: int  # the row's number in the sheet (its `row` key), else its position counted from 1
    column: str  # the sheet's heading of the column at fault; "" for the row as a whole
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class CreatedAccount:
    row: int
    user: object
    temporary_password: str


class RowErrors(ValidationError):
    """A sheet refused as a whole: `errors` lists each row's faults; nothing was created."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__([f"{e.row}: {e.column} {e.message}" for e in errors])


def _role_of(text: str) -> str:
    text = text.strip()
    if text in AccountRole.values:
        return text
    if text in ROLE_ALIASES:
        return ROLE_ALIASES[text]
    for value, label in AccountRole.choices:
        for language in ("zh-hans", "en"):
            with translation.override(language):
                if text.casefold() == str(label).casefold():
                    return value
    return text


def _text(row: dict, key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def account_fields_from_row(*, park: Park, row: dict, organizations: dict | None = None) -> tuple[dict, dict]:
    """A sheet's row as account_create's fields, and what is wrong with it ({field: message}) before
    looking at other rows. `organizations` (name → organization of the park) saves a query per row."""
    if organizations is None:
        organizations = _organizations_by_name(park)
    fields = {
        "username": _text(row, "username"),
        "full_name": _text(row, "full_name"),
        "email": _text(row, "email"),
        "role": _role_of(_text(row, "role")),
        "organization": None,
    }
    errors = {}
    name = row.get("organization")
    if isinstance(name, Organization):
        fields["organization"] = name
    elif _text(row, "organization"):
        fields["organization"] = organizations.get(_text(row, "organization"))
        if fields["organization"] is None:
            errors["organization"] = _("No organization of this park has this name.")
    if not _text(row, "role"):
        errors["role"] = _("Give the role.")
    elif fields["role"] not in AccountRole.values:
        errors["role"] = _("Unknown role: use park admin, park viewer, branch secretary or instructor.")
    if fields["organization"] is not None and fields["role"] != Role.SECRETARY:
        errors["organization"] = _("Only a secretary's role names an organization.")
    return fields, errors


def _organizations_by_name(park: Park) -> dict[str, Organization]:
    return {organization.name: organization for organization in Organization.objects.filter(park=park)}


def _number(position: int, row: dict) -> int:
    return int(row.get("row") or position + 1)


def accounts_bulk_errors(*, park: Park, rows: list[dict]) -> list[RowError]:
    """Every fault of a sheet of new logins, row by row and column by column (what the preview shows):
    the rows' own, a user name taken or given twice in the sheet."""
    organizations = _organizations_by_name(park)
    found, seen = [], {}
    for position, row in enumerate(rows):
        number = _number(position, row)
        fields, errors = account_fields_from_row(park=park, row=row, organizations=organizations)
        if "organization" in errors:
            fields["organization"] = None
        for name, message in {**account_errors(park=park, **fields), **errors}.items():
            if name == "organization" and "role" in errors:
                continue
            found.append(RowError(number, HEADINGS.get(name, ""), message))
        key = fields["username"].casefold()
        if key and key in seen:
            found.append(
                RowError(number, HEADINGS["username"], _("Row %(row)s has this user name too.") % {"row": seen[key]})
            )
        seen.setdefault(key, number)
    return sorted(found, key=lambda error: error.row)


@transaction.atomic
def accounts_create_bulk(*, park: Park, rows: list[dict], actor) -> list[CreatedAccount]:
    """Create a login per row (keys of COLUMNS: username, full_name, role, organization, email; an
    optional `row` is the row's number in the sheet), all or nothing: any fault in any row raises
    RowErrors with every row's faults, and nothing is created. Returns each login with its temporary
    password, to be shown once.

    An import kind calling it row by row inside its own transaction uses `account_fields_from_row` and
    `account_create` the same way (a ValidationError's fields map to columns through HEADINGS)."""
    if actor is not None and not access.administers(actor, park.pk):
        raise ValidationError({"park": _not_own_park_message()})
    errors = accounts_bulk_errors(park=park, rows=rows)
    if not rows:
        errors = [RowError(0, "", _("The sheet has no rows."))]
    if errors:
        raise RowErrors(errors)
    organizations = _organizations_by_name(park)
    created = []
    for position, row in enumerate(rows):
        fields, _errors = account_fields_from_row(park=park, row=row, organizations=organizations)
        try:
            user, password = account_create(park=park, **fields, actor=actor)
        except ValidationError as error:  # a user name taken meanwhile: the whole sheet is rolled back
            number = _number(position, row)
            raise RowErrors(
                [RowError(number, HEADINGS.get(name, ""), message) for name, messages in error.message_dict.items()
                 for message in messages]
            ) from error  # fmt: skip
        created.append(CreatedAccount(_number(position, row), user, password))
    return created
