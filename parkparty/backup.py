"""One backup directory holds everything the portal keeps (`manage.py backup`), and restores it (`manage.py restore`).

A backup is a directory of three parts and a manifest:

- `database.dump`: `pg_dump --format=custom` of a PostgreSQL database (one snapshot, so consistent
  while the portal runs), or `database.sqlite3`: a copy of a SQLite database through sqlite3's online
  backup API (consistent too, unlike copying the file under a writer);
- `media.tar`: the uploaded files (MEDIA_ROOT), taken after the database, so every file a row of the
  dump names is there (uploads are stored before their row commits, and never deleted);
- `manifest.json`: when, from which database, the migrations applied, the versions, and a SHA-256 of
  each part; the restore checks them all before it touches anything.

The restore replaces the database's contents and puts the files back, then invalidates the cached
figures: the restored ledger's versions repeat numbers that figures were cached for already
(parkparty.ledger_cache).
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import django
from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder

from parkparty import ledger_cache

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media.tar"
DATABASE_PARTS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
# libpq reads these from the environment; Django's OPTIONS may carry them (the password never goes on
# a command line, where `ps` shows it to every user of the machine).
LIBPQ_ENVIRONMENT = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or the restore cannot be done; the message says why (nothing was changed by a restore
    refused before it began)."""


@dataclass
class Restored:
    manifest: dict
    media_files: int
    media_kept: int  # files in MEDIA_ROOT that the archive does not hold (left in place)
    pending_migrations: list[str]  # migrations of this release the restored database lacks


# --- backup ----------------------------------------------------------------------------------------


def backup_write(*, output: Path, alias: str = "default") -> dict:
    """Write the backup into the directory `output` (new, or empty). The parts are written into a
    directory beside it, then renamed, so a directory under the final name is always whole. Returns
    the manifest."""
    connection = connections[alias]
    part = DATABASE_PARTS.get(connection.vendor)
    if part is None:
        raise BackupError(f"Backups know PostgreSQL and SQLite, not {connection.vendor}.")
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise BackupError(f"{output} exists already and is not an empty directory: a backup never overwrites one.")
    output.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    try:
        manifest = _manifest_head(connection)
        if connection.vendor == "postgresql":
            _pg_dump(connection.settings_dict, work / part)
        else:
            _sqlite_copy(connection, work / part)
        manifest["media"] = {"file": MEDIA, "files": _media_tar(Path(settings.MEDIA_ROOT), work / MEDIA)}
        manifest["parts"] = {name: _digest(work / name) for name in (part, MEDIA)}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        if output.exists():
            output.rmdir()  # empty, checked above
        os.replace(work, output)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


def _manifest_head(connection) -> dict:
    """Facts about the source, taken before the dump: a migration applied during it would show."""
    return {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {
            "vendor": connection.vendor,
            "name": str(connection.settings_dict["NAME"]),
            "file": DATABASE_PARTS[connection.vendor],
            "ledger_version": _ledger_version(connection),
        },
        "migrations": _applied_migrations(connection),
        "versions": {"portal": _portal_version(), "django": django.get_version(), "python": platform.python_version()},
    }


def _ledger_version(connection) -> int:
    from parkparty.models import LedgerVersion

    return LedgerVersion.objects.using(connection.alias).filter(pk=1).values_list("version", flat=True).first() or 0


def _applied_migrations(connection) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _portal_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return ""


def _pg_dump(database: dict, path: Path) -> None:
    _run_pg("pg_dump", database, ["--format=custom", f"--file={path}"])


def _sqlite_copy(connection, path: Path) -> None:
    # The online backup cannot read a database its own connection is writing, and sqlite3 retries
    # forever; with IMMEDIATE transactions (settings) any open atomic block is such a write.
    if connection.in_atomic_block:
        raise RuntimeError("A SQLite backup runs outside a transaction.")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def _media_tar(root: Path, path: Path) -> int:
    """Every file under MEDIA_ROOT, by its path relative to it. Returns how many."""
    count = 0
    with tarfile.open(path, "w") as tar:
        for file in sorted(_files_under(root)):
            tar.add(root / file, arcname=file.as_posix(), recursive=False)
            count += 1
    return count


def _files_under(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return [path.relative_to(root) for path in root.rglob("*") if path.is_file() and not path.is_symlink()]


def _digest(path: Path) -> dict:
    sha256 = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            sha256.update(block)
    return {"sha256": sha256.hexdigest(), "bytes": path.stat().st_size}


# --- PostgreSQL's client programs ------------------------------------------------------------------


def pg_program(name: str) -> str:
    """`pg_dump` / `pg_restore`: from PG_BIN (a setting or the environment) when given, else the PATH
    (Debian's /usr/bin wrappers pick the newest installed client, which reads every older server)."""
    directory = getattr(settings, "PG_BIN", "") or os.environ.get("PG_BIN", "")
    program = str(Path(directory) / name) if directory else shutil.which(name)
    if not program or not os.access(program, os.X_OK):
        where = f"in PG_BIN ({directory})" if directory else "on the PATH"
        raise BackupError(f"{name} not found {where}: install the PostgreSQL client (postgresql-client).")
    return program


def _pg_connection(database: dict) -> tuple[list[str], dict]:
    """Command-line options and environment for libpq from one of Django's DATABASES."""
    options = ["--no-password"]  # fail rather than wait for a password at a prompt (cron has none)
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            options.append(f"{flag}={database[key]}")
    environment = {**os.environ}
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = str(database["PASSWORD"])
    for option, variable in LIBPQ_ENVIRONMENT.items():
        if option in database.get("OPTIONS", {}):
            environment[variable] = str(database["OPTIONS"][option])
    return [*options, f"--dbname={database['NAME']}"], environment


def _run_pg(name: str, database: dict, arguments: list[str]) -> None:
    options, environment = _pg_connection(database)
    result = subprocess.run(
        [pg_program(name), *options, *arguments], env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise BackupError(f"{name} failed (exit status {result.returncode}): {result.stderr.strip()}")


# --- restore ---------------------------------------------------------------------------------------


def backup_restore(
    *, source: Path, alias: str = "default", database: dict | None = None, force: bool = False, media: bool = True
) -> Restored:
    """Restore the backup's database into the database `alias` names (or `database`, a settings dict
    of the same vendor, e.g. from --database-url) and its files into MEDIA_ROOT, then invalidate the
    cached figures. Refuses a database that has tables unless `force`."""
    manifest = _check_parts(source)
    connection = connections[alias]
    if database is not None:
        connection = connection.__class__({**connection.settings_dict, **database}, alias=f"{alias}-restore")
    try:
        _check_fits(manifest, connection, force=force)
        connection.close()  # no session of ours holds a lock on what the restore drops
        part = source / manifest["database"]["file"]
        if connection.vendor == "postgresql":
            _pg_restore(connection.settings_dict, part)
        else:
            _sqlite_restore(connection, part)
        connection.close()  # the next query sees the restored tables, not cached state of the old ones
        media_files, media_kept = _media_restore(source / MEDIA, Path(settings.MEDIA_ROOT)) if media else (0, 0)
        pending = _pending_migrations(connection)
    finally:
        if database is not None:
            connection.close()
    ledger_cache.invalidate()
    return Restored(manifest, media_files, media_kept, pending)


def _check_parts(directory: Path) -> dict:
    """Read the manifest and check every part it names against its digest."""
    try:
        manifest = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"{directory}: backup format {manifest.get('format')!r}, expected {FORMAT}.")
        if manifest["database"]["file"] not in manifest["parts"] or MEDIA not in manifest["parts"]:
            raise BackupError(f"{directory}: the manifest lacks a part.")
        for name, expected in manifest["parts"].items():
            if name not in (*DATABASE_PARTS.values(), MEDIA):
                raise BackupError(f"{directory}: unexpected part {name!r} in the manifest.")
            if _digest(directory / name) != expected:
                raise BackupError(f"{directory}: {name} does not match its checksum: the backup is damaged.")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise BackupError(f"{directory} is not a readable backup: {error}") from None
    return manifest


def _check_fits(manifest: dict, connection, *, force: bool) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"The archive holds a {vendor} database; the target is {connection.vendor}. "
            "A dump restores into the same kind of database."
        )
    newer = _unknown_migrations(manifest["migrations"])
    if newer:
        raise BackupError(
            "The archive comes from a newer release (migrations unknown here: "
            f"{', '.join(newer[:5])}): deploy that release first, then restore."
        )
    tables = connection.introspection.table_names()
    if tables and not force:
        raise BackupError(
            f"The target database {connection.settings_dict['NAME']} is not empty ({len(tables)} tables): "
            "restore into an empty database, or pass --force to replace its contents."
        )


def _unknown_migrations(applied: dict[str, list[str]]) -> list[str]:
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    apps = {app for app, _ in known}
    return [
        f"{app}.{name}" for app, names in applied.items() if app in apps for name in names if (app, name) not in known
    ]


def _pending_migrations(connection) -> list[str]:
    """Read with the connection's own cursor: a --database-url connection is no DATABASES alias, so
    the ORM (MigrationRecorder) cannot use it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations")
        applied = set(cursor.fetchall())
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    return sorted(f"{app}.{name}" for app, name in known if (app, name) not in applied)


def _pg_restore(database: dict, path: Path) -> None:
    # --clean --if-exists: drop what the dump holds before creating it (an empty database has none of
    # it); --no-owner / --no-privileges: the objects belong to the role restoring, whatever the source
    # called its role; --single-transaction: a failed restore leaves the target as it was.
    arguments = ["--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error"]
    _run_pg("pg_restore", database, [*arguments, str(path)])


def _sqlite_restore(connection, path: Path) -> None:
    """The online backup API the other way round: the copy replaces every page of the live database
    (a file, or the test suite's shared in-memory database) in one step."""
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        connection.ensure_connection()
        source.backup(connection.connection)
    finally:
        source.close()


def _media_restore(path: Path, root: Path) -> tuple[int, int]:
    """Put the archive's files back under MEDIA_ROOT (over files of the same name). Files it does not
    hold stay: uploads are never deleted and their names are unique, so they are at worst orphans, and
    MEDIA_ROOT itself may be a mount point that cannot be swapped. Returns (restored, kept)."""
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path, "r") as tar:
        names = {member.name for member in tar.getmembers() if member.isfile()}
        tar.extractall(root, filter="data")  # no absolute paths, no "..", no links out of the root
    kept = sum(1 for file in _files_under(root) if file.as_posix() not in names)
    return len(names), kept
