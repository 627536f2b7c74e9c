from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from engagement.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_database into the configured database, which must "
        "be new and empty."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The backup file.")

    def handle(self, *args, path: Path, **options):
        try:
            restore(path, connection)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {path} into the {connection.vendor} database.")
