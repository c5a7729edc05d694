"""`python manage.py load_demo`: the four demo parks and the demo logins (see devtools/demo)."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, time

import time_machine
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from devtools import demo
from devtools.demo.reports import SNAPSHOT_MONTHS, Reported, load_reports
from devtools.demo.users import ensure_users

SITE_URL = "http://127.0.0.1:8000/"

# The day the demo is built as if it were today, unless --today says otherwise. Each published figure
# holds as of its article's date whatever this is; what it fixes is the stretch "up to today" (recent
# meetings and matters, the quarters rated and paid, the coverage trend, the reports of the closed
# months), so that a demo loaded next year is the demo loaded today. Move it on deliberately, with the
# tests (their frozen clock, tests/conftest.py FROZEN_TODAY, is the same day).
DEMO_TODAY = date(2026, 12, 6)


def reference_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"give the date as YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Load four demo parks built from the published case reports, and four demo logins. "
        "Safe to run again: parks already there are skipped, logins are updated in place."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Create the demo logins even when DEBUG is off (they have a published password).",
        )
        parser.add_argument(
            "--today",
            type=reference_day,
            default=DEMO_TODAY,
            help=f"Build the demo as if this day (YYYY-MM-DD) were today; default {DEMO_TODAY:%Y-%m-%d}.",
        )

    def handle(self, *args, force: bool = False, today: date = DEMO_TODAY, **options):
        # The clock itself is moved (time-machine), not only a date passed down: the services the demo
        # calls check "not in the future" against the clock. 10:00 local time, given in UTC so that the
        # process's time zone is left alone. It ticks on, and stops when the command returns.
        morning = timezone.make_aware(datetime.combine(today, time(10))).astimezone(UTC)
        with time_machine.travel(morning, tick=True):
            self._load(force)

    def _load(self, force: bool) -> None:
        results = [demo.load_park(spec) for spec in demo.PARKS]
        for result in results:
            self.stdout.write(self._park_line(result))
        # After the parks: their coverage history and their reports, from the schedule's own task.
        reported = load_reports()
        self.stdout.write(self._reports_line(reported))
        logins_changed = self._logins(force)
        if all(result.skipped for result in results) and reported.skipped and not logins_changed:
            self.stdout.write("Nothing changed: the demo parks and logins were already there.")

    def _park_line(self, result: demo.Loaded) -> str:
        if result.skipped:
            return f"{result.code} {result.name}: already loaded, skipped"
        return (
            f"{result.code} {result.name}: {result.enterprises} enterprises, {result.organizations} organizations, "
            f"{result.members} members, {result.meetings} meetings, {result.matters} matters in {result.seconds:.1f} s"
        )

    def _reports_line(self, reported: Reported) -> str:
        if reported.skipped:
            return "Coverage snapshots and reports: already there, skipped"
        return (
            f"Coverage snapshots: {reported.snapshots} ({SNAPSHOT_MONTHS} closed months a park); reports from the "
            f"beat schedule: {reported.requested} requested, {reported.done} done in {reported.seconds:.1f} s"
        )

    def _logins(self, force: bool) -> bool:
        """Create or refresh the demo logins; refused without --force when DEBUG is off. Returns whether
        anything changed."""
        if not settings.DEBUG and not force:
            # A known user name with a published password must not appear on a production database by accident.
            self.stdout.write(
                self.style.WARNING(
                    "Demo logins not created: DEBUG is off, so this may be a production database. "
                    "Run with --force to create them anyway."
                )
            )
            return False
        logins = ensure_users(password=settings.DEMO_PASSWORD)
        self.stdout.write(f"\nOpen {SITE_URL} and log in (password for each: {settings.DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<15} {login.may}")
        return any(login.changed for login in logins)
