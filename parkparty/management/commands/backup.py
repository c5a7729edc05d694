"""`python manage.py backup /var/backups/parkparty/2026-12-07`: the database, the uploaded files and a
manifest with their checksums, in a new directory (parkparty.backup; docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parkparty.backup import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump --format=custom, or SQLite's online backup) and MEDIA_ROOT "
        "(media.tar) into a new or empty directory, with manifest.json holding each part's SHA-256."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="Where to write the backup (must not exist, or be empty).")
        parser.add_argument("--database", default="default", help="The DATABASES alias to back up.")

    def handle(self, *args, directory, database, **options):
        try:
            manifest = backup_write(output=Path(directory), alias=database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        parts = ", ".join(f"{name} ({part['bytes']} bytes)" for name, part in manifest["parts"].items())
        self.stdout.write(f"Backed up {manifest['database']['vendor']} into {directory}: {parts}.")
