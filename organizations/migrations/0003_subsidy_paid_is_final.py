"""A paid subsidy is final: the database refuses to change it, whatever path tries (admin, a shell, a
bulk update). Corrections are reversal entries.

PostgreSQL (production and CI) also refuses to delete one. SQLite, the embedded demo database, refuses
changes only: Django empties SQLite tables between tests with DELETE, which a delete trigger would stop;
there, deletion is refused by the application (no API, page or admin path deletes a subsidy).
"""

from django.db import migrations

MESSAGE = "a paid subsidy is final: record a reversal instead"

SQLITE = [
    f"""CREATE TRIGGER organizations_subsidy_paid_is_final BEFORE UPDATE ON organizations_subsidy
    FOR EACH ROW WHEN OLD.status = 'paid' BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS organizations_subsidy_paid_is_final;"]

POSTGRESQL = [
    f"""CREATE FUNCTION organizations_subsidy_paid_is_final() RETURNS trigger AS $$
    BEGIN
        IF OLD.status = 'paid' THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER organizations_subsidy_paid_is_final BEFORE UPDATE OR DELETE ON organizations_subsidy
    FOR EACH ROW EXECUTE FUNCTION organizations_subsidy_paid_is_final();""",
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS organizations_subsidy_paid_is_final ON organizations_subsidy;",
    "DROP FUNCTION IF EXISTS organizations_subsidy_paid_is_final();",
]


def _run(statements: dict):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("organizations", "0002_ratings_honours_subsidies")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        ),
    ]
