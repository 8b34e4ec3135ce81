from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from alumni.models import Subscription
from alumni.services import digests_send


class Command(BaseCommand):
    help = (
        "E-mail the digest of new developments to alumni who follow the themes, in their language. "
        "Daily: the day before --date (default: yesterday, UTC). Weekly: the ISO week before the one "
        "containing --date. Safe to run again: a period already sent to a person is not sent twice."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--frequency", choices=["daily", "weekly"], default="daily")
        parser.add_argument("--date", help="YYYY-MM-DD: run as if today were this day (UTC).")

    def handle(self, *args, **options) -> None:
        frequency = options["frequency"]
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else timezone.now().date()
        except ValueError as exc:
            raise CommandError("--date takes YYYY-MM-DD") from exc
        # The period that has just closed: yesterday, or last week.
        day = today - timedelta(days=1 if frequency == Subscription.Digest.DAILY else 7)
        report = digests_send(frequency=frequency, day=day)
        self.stdout.write(f"{frequency} digests for the period of {day.isoformat()}: {report.sent} sent.")
