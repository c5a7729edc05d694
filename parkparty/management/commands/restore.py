"""`python manage.py restore /var/backups/parkparty/2026-12-07`: put a backup back (parkparty.backup).
Stop the web and worker processes first (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.management.base import BaseCommand, CommandError

from parkparty.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup written by `backup`: checks every part's checksum first, replaces the database's "
        "contents (pg_restore --clean --if-exists --no-owner, or SQLite's backup API), puts the uploaded "
        "files back, and invalidates the cached figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", help="A directory written by `manage.py backup`.")
        parser.add_argument("--database", default="default", help="The DATABASES alias to restore into.")
        parser.add_argument(
            "--database-url",
            default="",
            help="Restore into this database instead (e.g. a fresh one to try a restore), same vendor.",
        )
        parser.add_argument("--force", action="store_true", help="Replace the contents of a non-empty database.")
        parser.add_argument("--no-media", action="store_true", help="Leave MEDIA_ROOT as it is.")

    def handle(self, *args, directory, database, database_url, force, no_media, **options):
        target = None
        if database_url:
            try:
                target = environ.Env.db_url_config(database_url)
            except Exception as error:  # django-environ raises several kinds for a bad URL
                raise CommandError(f"--database-url is not a database URL: {error}") from None
        try:
            restored = backup_restore(
                source=Path(directory), alias=database, database=target, force=force, media=not no_media
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored the backup of {restored.manifest['created_at']}: the database and "
            f"{restored.media_files} uploaded files ({restored.media_kept} other files left in place); "
            "the cached figures are invalidated."
        )
        if restored.pending_migrations:
            self.stdout.write(
                f"{len(restored.pending_migrations)} migrations of this release are not applied: "
                "run `manage.py migrate` before starting the portal."
            )
