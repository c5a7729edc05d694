"""An account for every login that holds a role today, in the park of that role.

A login whose roles lie in several parks (an operator of several parks) and a superuser get no home
park: a park admin of one park must not reset the password of a login that reaches into others.
Logins with no role at all get no account; superusers give them one in the Django admin.
"""

from django.db import migrations


def create_accounts(apps, schema_editor):
    User = apps.get_model("auth", "User")
    Account = apps.get_model("accounts", "Account")
    Grant = apps.get_model("parkparty", "Grant")
    Instructor = apps.get_model("enterprises", "Instructor")
    parks: dict[int, set[int]] = {}
    for user_id, park_id, organization_park_id in Grant.objects.order_by("pk").values_list(
        "user_id", "park_id", "organization__park_id"
    ):
        parks.setdefault(user_id, set()).add(park_id or organization_park_id)
    for user_id, park_id in Instructor.objects.exclude(user=None).values_list("user_id", "park_id"):
        parks.setdefault(user_id, set()).add(park_id)
    superusers = set(User.objects.filter(is_superuser=True).values_list("pk", flat=True))
    having = set(Account.objects.values_list("user_id", flat=True))
    Account.objects.bulk_create(
        Account(user_id=user_id, park_id=next(iter(found)) if len(found) == 1 and user_id not in superusers else None)
        for user_id, found in sorted(parks.items())
        if user_id not in having
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("enterprises", "0004_history_of_every_record"),
        ("parkparty", "0003_history_of_every_record"),
    ]

    operations = [migrations.RunPython(create_accounts, migrations.RunPython.noop)]
