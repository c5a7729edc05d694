"""Planner statistics after bulk loads (PostgreSQL).

Right after a bulk insert PostgreSQL has no statistics for the new rows. Until autovacuum comes
round it plans as if the tables were nearly empty: a nested loop with a sequential scan inside, which
turned a GROUP BY over the demo's 165,000 attendance rows into minutes. Inside a transaction (the
test suite loads the demo in one) autovacuum never sees the rows at all.
"""

from django.db import connection
from django.db.models import Model


def analyze(models: list[type[Model]]) -> None:
    """ANALYZE the models' tables (VACUUM ANALYZE outside a transaction); nothing on other databases."""
    if connection.vendor != "postgresql":
        return
    # VACUUM cannot run inside a transaction; ANALYZE alone still gives the planner its figures.
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
