"""The daily reminders, and the disputes that lapse: run it from cron (see the README)."""

import argparse

from django.core.management.base import BaseCommand
from django.utils import timezone

from engagement.meetings import notifications
from engagement.meetings.services.review import disputes_lapse

MAX_DAYS = 365
DAYS_ERROR = f"must be a whole number of days from 0 to {MAX_DAYS}"
SENT_MESSAGE = "Reminders queued for {count} people (sent by the task worker)."
DRY_RUN_MESSAGE = "Dry run: reminders would go to {count} people. Nothing was sent or recorded."
LAPSED_MESSAGE = "Disputes lapsed: {count}."
DRY_RUN_LAPSE_MESSAGE = "Dry run: no disputes were lapsed."


def days(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{DAYS_ERROR}, not {value!r}") from None
    if not 0 <= number <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"{DAYS_ERROR}, not {value!r}")
    return number


class Command(BaseCommand):
    help = (
        "Email each officer their follow-up actions that are overdue or due soon, and each "
        "community liaison the meetings of their groups that have waited too long for "
        "their review: at most one email a person a day, however often it runs (the task "
        "worker, manage.py db_worker, sends them). Then end as lapsed each corrected "
        "dispute with no new review in time. Run it daily."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List who would be emailed, and about what; send nothing, record nothing "
            "and lapse no dispute.",
        )
        parser.add_argument(
            "--due-within",
            type=days,
            default=notifications.DUE_WITHIN_DAYS,
            metavar="DAYS",
            help="Remind officers of outstanding actions due within this many days, as well "
            "as overdue ones (default: %(default)s).",
        )
        parser.add_argument(
            "--waiting-over",
            type=days,
            default=notifications.REVIEW_WAITING_DAYS,
            metavar="DAYS",
            help="Remind liaisons of meetings first submitted more than this many days ago "
            "and not yet reviewed by them (default: %(default)s).",
        )

    def handle(self, *, dry_run: bool, due_within: int, waiting_over: int, **options) -> None:
        verbosity = options["verbosity"]
        now = timezone.now()
        reminders = notifications.send_reminders(
            now=now, due_within=due_within, waiting_over=waiting_over, dry_run=dry_run
        )
        if dry_run or verbosity >= 2:
            for reminder in reminders:
                self.stdout.write(
                    f"{reminder.recipient} <{reminder.recipient.email}>: "
                    f"{len(reminder.follow_ups)} follow-up actions, "
                    f"{len(reminder.reviews)} meetings to review"
                )
        if dry_run:
            self.stdout.write(DRY_RUN_MESSAGE.format(count=len(reminders)))
            self.stdout.write(DRY_RUN_LAPSE_MESSAGE)
            return
        self.stdout.write(SENT_MESSAGE.format(count=len(reminders)))
        self.stdout.write(LAPSED_MESSAGE.format(count=disputes_lapse(now=now)))
