"""The Celery app that tests/reports/test_report_worker.py starts real workers with (`celery -A tests.reports.worker_app`).

It is the portal's own app (parkparty.celery, its settings and its autodiscovered tasks) with two test
seams, and no change to production code:

- If the environment names a marker file (SLOW_ONCE_ENV) and that file exists when a report's figures
  are computed, the pool process deletes it, writes its pid next to it (`<marker>.pid`) and sleeps for
  SLOW_SECONDS first: only the first run is slow, so a test can kill the worker in the middle of a task
  and let the next run finish.
- If the environment sets FAST_RESTORE_ENV, the Redis transport sweeps unacknowledged messages every
  second instead of every ~100 s (kombu's default: a 10 s interval, scanning one time in 10), so a
  killed worker's task is back soon after the visibility timeout (CELERY_VISIBILITY_TIMEOUT, a few
  seconds in the tests) has passed. Only the worker that replaces a killed one needs it: a worker
  killed while it holds the sweep's mutex in Redis would block every sweep for five minutes.
"""

import os
import time
from pathlib import Path

from celery.signals import worker_process_init

from parkparty.celery import app

SLOW_ONCE_ENV = "PARKPARTY_TEST_SLOW_ONCE"
SLOW_SECONDS = 30
FAST_RESTORE_ENV = "PARKPARTY_TEST_FAST_RESTORE"

if os.environ.get(FAST_RESTORE_ENV):
    app.conf.broker_transport_options = {
        **app.conf.broker_transport_options,
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }


@worker_process_init.connect
def _slow_first_report(**_kwargs):
    """In each pool process (Django is set up by then): make report_data slow while the marker exists."""
    marker = os.environ.get(SLOW_ONCE_ENV)
    if not marker:
        return
    from reports import services

    original = services.report_data

    def report_data(report, today):
        path = Path(marker)
        if path.exists():
            path.unlink()
            Path(f"{marker}.pid").write_text(str(os.getpid()))
            time.sleep(SLOW_SECONDS)
        return original(report, today)

    services.report_data = report_data


__all__ = ["app"]
