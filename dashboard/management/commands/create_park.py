"""`python manage.py create_park --name 开发区 --admin zhang --admin-name 张三`: a new park, ready for its
first login (starting from nothing, without the demo).

In the dashboard app because it sets up what several apps keep for a park: the default star levels
(organizations) and the default meeting rules (meetings); nothing below may import both.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from meetings.services import rules_install_defaults
from organizations.services import park_admin_grant, park_create


class Command(BaseCommand):
    help = (
        "Create a park with its default meeting rules and star levels, and its first park admin. "
        "Refuses a park that exists already; prints a generated password once if none is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The park's name, e.g. 开发区.")
        parser.add_argument("--code", default="", help="A short ASCII code (default: made from the name).")
        parser.add_argument("--region", default="", help="Where the park is, e.g. 泉州市.")
        parser.add_argument("--admin", required=True, help="The first park admin's login name.")
        parser.add_argument("--admin-name", default="", help="Their name as shown in the portal, e.g. 张三.")
        parser.add_argument("--password", default="", help="Their password (default: a generated one, printed once).")

    def handle(self, *args, name, code, region, admin, admin_name, password, **options):
        users = get_user_model()
        existing = users.objects.filter(username=admin).first()
        if existing is not None and password:
            raise CommandError(f"The user {admin} exists already: leave out --password, theirs stays as it is.")
        try:
            with transaction.atomic():
                park = park_create(name=name, code=code, region=region)
                rules = rules_install_defaults(park=park)
                user, generated = existing, ""
                if user is None:
                    user, generated = self._new_user(users, admin, admin_name, password)
                park_admin_grant(park=park, user=user)
        except ValidationError as error:
            raise CommandError(" ".join(_messages(error))) from None
        self.stdout.write(
            self.style.SUCCESS(f"Created the park {park.name} (code {park.code}) with {rules} meeting rules.")
        )
        if existing is not None:
            self.stdout.write(f"{admin} exists already and is now a park admin of it; their password is unchanged.")
        else:
            self.stdout.write(f"Its park admin: {admin}.")
        if generated:
            self.stdout.write(f"Password (shown this once; change it after logging in): {generated}")

    def _new_user(self, users, username: str, full_name: str, password: str):
        generated = "" if password else secrets.token_urlsafe(12)
        user = users(username=username, first_name=full_name)
        user.full_clean(exclude=["password"])
        validate_password(password or generated, user)
        user.set_password(password or generated)
        user.save()
        return user, generated


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages in error.message_dict.values() for message in messages]
    return error.messages
