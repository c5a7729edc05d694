"""An ID-card number is unique within a park, not across parks: a member's park is stored (it follows the
organization) and the unique constraint becomes (park, id_number). A park admin who types a number held in
another park is told nothing about that park (issue 13)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_parks(apps, schema_editor):
    PartyMember = apps.get_model("organizations", "PartyMember")
    Organization = apps.get_model("organizations", "Organization")
    park = Subquery(Organization.objects.filter(pk=OuterRef("organization_id")).values("park_id")[:1])
    PartyMember.objects.update(park_id=park)
    HistoricalPartyMember = apps.get_model("organizations", "HistoricalPartyMember")
    HistoricalPartyMember.objects.update(park_id=park)


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0008_park_four_eyes"),
    ]

    operations = [
        migrations.AddField(
            model_name="partymember",
            name="park",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organizations.park",
                verbose_name="park",
            ),
        ),
        migrations.AddField(
            model_name="historicalpartymember",
            name="park",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="organizations.park",
                verbose_name="park",
            ),
        ),
        migrations.RunPython(fill_parks, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="partymember",
            name="park",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="organizations.park",
                verbose_name="park",
            ),
        ),
        migrations.RemoveConstraint(model_name="partymember", name="member_unique_id_number"),
        migrations.AddConstraint(
            model_name="partymember",
            constraint=models.UniqueConstraint(
                condition=models.Q(("id_number", ""), _negated=True),
                fields=("park", "id_number"),
                name="member_unique_id_number_per_park",
            ),
        ),
    ]
