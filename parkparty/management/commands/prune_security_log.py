from django.conf import settings
from django.core.management.base import BaseCommand

from parkparty import security


class Command(BaseCommand):
    help = "Delete security log events older than SECURITY_LOG_RETENTION_DAYS (the beat schedule runs it monthly)."

    def handle(self, *args, **options) -> None:
        count = security.prune()
        days = settings.SECURITY_LOG_RETENTION_DAYS
        self.stdout.write(f"Deleted {count} security events older than {days} days.")
