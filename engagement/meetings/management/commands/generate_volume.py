"""Invented meetings at any volume, for benchmarks: see engagement/meetings/volume.py."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from engagement.meetings import volume

REFRESH = "engagement.meetings.search.refresh_search_vectors"


def _whole(value: str | int) -> int:
    """A whole number as typed (1000000, 1_000_000 or 1,000,000); -1 for anything else,
    which the option's own check refuses. call_command passes its keyword arguments
    as they are, so handle() applies this too."""
    if isinstance(value, int):
        return value
    try:
        return int(str(value).replace("_", "").replace(",", ""))
    except ValueError:
        return -1


class Command(BaseCommand):
    help = (
        "Add N invented meetings, for benchmarks, with their disclosures, follow-ups, "
        "reviews, disputes, report-back answers and audit events in seed_demo's "
        "proportions, and the world they need: one force per 25,000 meetings "
        "(--meetings-per-force), each four copies of seed_demo's areas, units, groups, "
        "officers and liaisons and an admin, so an officer sees a force's share, not the "
        "nation's. Dates over the last five years (--years) up to today, the recent "
        "denser. COPY on PostgreSQL, with the indexes rebuilt after the load; one "
        "transaction. Refuses a database holding meetings that neither it nor seed_demo "
        "made unless --allow-existing is given (beside seed_demo's data it needs no flag, "
        "and the demo accounts keep working), and runs only with DEBUG=true unless "
        "--allow-production is given. Accounts are named volume-f0001-admin, "
        "volume-f0001-d1-officer1 ... -officer13 and -liaison1 ... -liaison9 (force, "
        f"district), with email addresses at {volume.VOLUME_EMAIL_DOMAIN}; they cannot "
        "sign in unless --password is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--meetings",
            type=_whole,
            required=True,
            metavar="N",
            help="How many meetings to add (1,000,000 is a national picture).",
        )
        parser.add_argument(
            "--meetings-per-force",
            type=_whole,
            default=volume.MEETINGS_PER_FORCE,
            metavar="N",
            help="Meetings per force of areas, units, groups and accounts (default %(default)s).",
        )
        parser.add_argument(
            "--years",
            type=_whole,
            default=volume.YEARS,
            help="Spread the meetings over this many years up to today (default %(default)s).",
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (default 2026).")
        parser.add_argument(
            "--password",
            help="Give every generated account this password, to sign in as one by hand "
            "(one hash, so it is quick); without it they cannot sign in.",
        )
        parser.add_argument(
            "--allow-existing",
            action="store_true",
            help="Add to a database that holds meetings people logged.",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off (never on a real deployment).",
        )

    def handle(
        self,
        *args,
        meetings: int,
        meetings_per_force: int,
        years: int,
        seed: int,
        password: str | None,
        allow_existing: bool,
        allow_production: bool,
        **options,
    ) -> None:
        # seed_demo's rule: invented data never lands on a production database by accident.
        if not (settings.DEBUG or allow_production):
            raise CommandError(volume.PRODUCTION_ERROR)
        meetings, meetings_per_force, years = map(_whole, (meetings, meetings_per_force, years))
        if meetings < 1:
            raise CommandError(volume.MEETINGS_ERROR)
        if meetings_per_force < 1:
            raise CommandError(volume.PER_FORCE_ERROR)
        if not 1 <= years <= 50:
            raise CommandError(volume.YEARS_ERROR)
        if not allow_existing and (count := volume.meetings_not_generated().count()):
            raise CommandError(volume.REAL_DATA_ERROR.format(count=count))
        try:
            report = volume.generate(
                meetings=meetings,
                meetings_per_force=meetings_per_force,
                years=years,
                seed=seed,
                password=password,
                progress=self.stderr if options["verbosity"] >= 1 else None,
            )
        except volume.VolumeError as error:
            raise CommandError(str(error)) from error
        self.print_report(report)

    def print_report(self, report: volume.Report) -> None:
        first, last = report.forces[0], report.forces[-1]
        self.stdout.write(
            f"Forces {first}–{last}: "
            + ", ".join(f"{count:,} {name}" for name, count in report.world.items())
        )
        self.stdout.write("Rows added:")
        for name, count in report.rows.items():
            self.stdout.write(f"  {name:<32} {count:>10,}")
        self.stdout.write("Seconds:")
        for name, seconds in report.seconds.items():
            self.stdout.write(f"  {name:<40} {seconds:>6.1f}")
        if report.search_refreshed is None:
            self.stdout.write(f"{REFRESH} does not exist: no search vectors refreshed.")
        elif connection.vendor != "postgresql":
            self.stdout.write(f"{REFRESH}: SQLite keeps no search vectors.")
        else:
            self.stdout.write(
                f"{REFRESH} refreshed {report.search_refreshed:,} meetings' search vectors."
            )
        self.stdout.write(self.style.SUCCESS(f"Added {report.rows['meetings']:,} meetings."))
