"""`manage.py bench`: a synthetic county in the configured database, and the DESIGN performance targets
measured against it (see docs/benchmarks.md).

- `spec`     how big the county is (`CountySpec.scaled(0.01)` is a small one);
- `county`   writes it table by table (`STEPS`), and the bench login; `ledger` makes the rows of a park;
             `tree` the organization trees, with their materialized paths computed here;
- `server`   starts and stops gunicorn on loopback;
- `load`     the bounded load generator and the endpoints it measures;
- `queries`  in-process query counts of the API lists, and EXPLAIN ANALYZE of the coverage statistics;
- `report`   the table, the machine, and the results section of docs/benchmarks.md;
- `targets`  the DESIGN targets and which of them can be measured yet.

Extension points for the targets that have no code yet: a later issue adds rows to the county by
appending a `Step` to `county.STEPS` (meetings), an endpoint to `load.ENDPOINTS`, and moves its
target in `targets.TARGETS` from pending to measured, with a measurement the command calls.
"""
