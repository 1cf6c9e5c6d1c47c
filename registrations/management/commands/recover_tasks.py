import datetime

from django.core.management.base import BaseCommand

from registrations.badges.sheets import fail_interrupted_badge_sheets
from summit.background import MAX_ATTEMPTS, STALLED_AFTER, recover_stalled_tasks


class Command(BaseCommand):
    help = (
        "Requeue background tasks whose worker died mid-run (still running after --minutes), "
        "fail them after --attempts tries, and mark interrupted badge sheets as failed. "
        "Run every few minutes next to the task worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=float, default=STALLED_AFTER.total_seconds() / 60)
        parser.add_argument("--attempts", type=int, default=MAX_ATTEMPTS)

    def handle(self, *args, minutes, attempts, **options):
        older_than = datetime.timedelta(minutes=minutes)
        requeued, failed = recover_stalled_tasks(older_than=older_than, max_attempts=attempts)
        sheets = fail_interrupted_badge_sheets(older_than=older_than)
        self.stdout.write(
            f"{requeued} stalled tasks requeued, {failed} failed after {attempts} tries, "
            f"{sheets} interrupted badge sheets failed."
        )
