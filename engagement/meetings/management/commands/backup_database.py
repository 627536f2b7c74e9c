from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from engagement.backup import BackupError, back_up


class Command(BaseCommand):
    help = "Back up the whole database to a new file (SQLite: online backup; PostgreSQL: pg_dump)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The new backup file.")

    def handle(self, *args, path: Path, **options):
        try:
            back_up(connection, path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Backed up the {connection.vendor} database to {path}.")
