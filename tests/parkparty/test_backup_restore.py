"""`manage.py backup` and `manage.py restore` (parkparty.backup): a restore that has been tried.

The round trips build their data in committed transactions (`transaction=True`): pg_dump reads from
its own connection and would not see the rows of an open test transaction.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import time
from datetime import date

import psycopg2
import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from psycopg2 import sql

from enterprises.selectors import cached_coverage_summary, coverage_summary
from meetings.selectors import compliance_for_month, matter_stats
from organizations.models import Park, Subsidy
from organizations.subsidies.selectors import subsidy_stats
from parkparty.ledger_cache import bump_ledger_version, ledger_version
from tests import factories as f
from tests.conftest import FROZEN_TODAY

UPLOAD = "uploads/backup-test/会议记录.txt"
UPLOAD_BYTES = "三会一课 记录".encode()


def _pay_the_subsidy(world) -> None:
    """The world proposes branch A's allowance; paid here so the subsidy figures are not all zero."""
    Subsidy.objects.filter(park=world.park, period="2024-Q2").update(
        status=Subsidy.Status.PAID, paid_on=date(2024, 7, 10), voucher_no="V-2024-07-001"
    )


def _read(name: str) -> bytes:
    with default_storage.open(name) as handle:
        return handle.read()


def figures(park_id: int) -> dict:
    """The coverage, meeting and subsidy figures, through the selectors the pages and reports use."""
    compliance = compliance_for_month(park_ids=[park_id], month=date(2024, 5, 1))
    return {
        "coverage": coverage_summary(parks=Park.objects.filter(pk=park_id), as_of=FROZEN_TODAY),
        "meetings": sorted(
            (row.organization.name, r.kind, r.period, r.required, r.held)
            for row in compliance
            for r in row.requirements
        ),
        "matters": matter_stats(park_ids=[park_id]),
        "subsidies": subsidy_stats(park_ids=[park_id]),
    }


@contextlib.contextmanager
def default_database_named(name: str):
    """The default connection on another database of the same server, for the length of the block."""
    settings_dict = connection.settings_dict
    original = settings_dict["NAME"]
    connection.close()
    settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = original


def _admin_connection():
    database = connection.settings_dict
    handle = psycopg2.connect(
        dbname="postgres",
        user=database["USER"],
        password=database["PASSWORD"],
        host=database["HOST"],
        port=database["PORT"] or None,
    )
    handle.autocommit = True  # CREATE DATABASE cannot run inside a transaction
    return handle


@contextlib.contextmanager
def fresh_postgres_database():
    """A new, empty database on the test server (the CI role has CREATEDB), dropped at the end."""
    name = f"parkparty_restore_{secrets.token_hex(4)}"
    admin = _admin_connection()
    try:
        with admin.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            yield name
        finally:
            connection.close()
            with admin.cursor() as cursor:
                cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    finally:
        admin.close()


def _url(name: str) -> str:
    database = connection.settings_dict
    return f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:{database['PORT']}/{name}"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_dump_restored_into_a_fresh_postgresql_database_gives_the_same_figures(world, tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...)")
    started = time.monotonic()
    _pay_the_subsidy(world)
    default_storage.save(UPLOAD, ContentFile(UPLOAD_BYTES))
    source = figures(world.park.pk)
    assert source["coverage"]["covered_enterprises"] == 2
    assert source["meetings"], "the world's branches owe meetings in May 2024"
    assert source["subsidies"]["total"] == "200.00"

    call_command("backup", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == "postgresql"
    assert set(manifest["parts"]) == {"database.dump", "media.tar"}

    default_storage.delete(UPLOAD)
    with fresh_postgres_database() as name:
        call_command("restore", str(tmp_path / "backup"), "--database-url", _url(name))
        with default_database_named(name):
            restored = figures(world.park.pk)
    assert restored == source
    assert _read(UPLOAD) == UPLOAD_BYTES
    assert time.monotonic() - started < 30


@pytest.mark.django_db(transaction=True)
def test_a_sqlite_backup_restores_the_figures_and_the_files(world, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite round trip; PostgreSQL has its own test above")
    _pay_the_subsidy(world)
    default_storage.save(UPLOAD, ContentFile(UPLOAD_BYTES))
    source = figures(world.park.pk)
    call_command("backup", str(tmp_path / "backup"))
    assert set(json.loads((tmp_path / "backup" / "manifest.json").read_text())["parts"]) == {
        "database.sqlite3",
        "media.tar",
    }

    # What happened after the backup is lost by the restore: an enterprise and the upload.
    f.EnterpriseFactory(park=world.park, name="备份后入园企业")
    default_storage.delete(UPLOAD)
    assert figures(world.park.pk) != source
    call_command("restore", str(tmp_path / "backup"), "--force")
    assert figures(world.park.pk) == source
    assert _read(UPLOAD) == UPLOAD_BYTES


@pytest.mark.django_db(transaction=True)
def test_after_restoring_an_older_backup_the_cached_figures_are_not_stale(world, tmp_path):
    """The restored ledger's version is the dump's; the writes after the restore count up through
    numbers the discarded history had used, and had figures cached for. None of those may be served."""
    park_ids = [world.park.pk]
    before = cached_coverage_summary(park_ids=park_ids, as_of=FROZEN_TODAY)
    call_command("backup", str(tmp_path / "backup"))
    version_at_backup = ledger_version()

    f.EnterpriseFactory(park=world.park, name="备份后入园企业")
    newer = cached_coverage_summary(park_ids=park_ids, as_of=FROZEN_TODAY)  # cached under the newer version
    assert newer["total_enterprises"] == before["total_enterprises"] + 1
    version_after = ledger_version()
    assert version_after > version_at_backup

    call_command("restore", str(tmp_path / "backup"), "--force", "--no-media")
    assert ledger_version() == version_at_backup
    while ledger_version() < version_after:  # writes that change no figure bring the version back
        bump_ledger_version()
    assert cached_coverage_summary(park_ids=park_ids, as_of=FROZEN_TODAY) == before
    assert cache.get("ledger:generation") is not None


def test_a_damaged_backup_is_refused_before_anything_changes(tmp_path, transactional_db):
    call_command("backup", str(tmp_path / "backup"))
    with open(tmp_path / "backup" / "media.tar", "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(tmp_path / "backup"), "--force")


@pytest.mark.parametrize("damage", ["missing", "manifest", "part"])
def test_a_missing_or_unreadable_backup_is_a_command_error(tmp_path, transactional_db, damage):
    if damage != "missing":
        call_command("backup", str(tmp_path / "backup"))
        if damage == "manifest":
            (tmp_path / "backup" / "manifest.json").write_text("{not json")
        else:
            os.remove(tmp_path / "backup" / "media.tar")
    with pytest.raises(CommandError, match="not a readable backup"):
        call_command("restore", str(tmp_path / "backup"), "--force")


def test_a_backup_never_overwrites_one(tmp_path, transactional_db):
    (tmp_path / "backup").mkdir()
    (tmp_path / "backup" / "manifest.json").write_text("{}")
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(tmp_path / "backup"))


def test_a_restore_refuses_a_database_that_holds_data_unless_forced(tmp_path, transactional_db):
    call_command("backup", str(tmp_path / "backup"))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "backup"))


def test_the_database_password_never_reaches_the_command_line(monkeypatch, tmp_path):
    from parkparty import backup

    calls = []
    monkeypatch.setattr(backup, "pg_program", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(
        backup.subprocess, "run", lambda args, env, **kw: calls.append((args, env)) or type("R", (), {"returncode": 0})
    )
    database = {"NAME": "parkparty", "USER": "pp", "PASSWORD": "s3cret-pw", "HOST": "db", "PORT": "5432"}
    backup._pg_dump(database, tmp_path / "database.dump")
    ((arguments, environment),) = calls
    assert not any("s3cret-pw" in argument for argument in arguments)
    assert environment["PGPASSWORD"] == "s3cret-pw"
    assert "--format=custom" in arguments and "--dbname=parkparty" in arguments
