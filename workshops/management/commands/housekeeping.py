from django.core.management.base import BaseCommand

from registrations.announcements.services import send_due_reminders
from registrations.badges.sheets import purge_old_badge_sheets
from registrations.payments import services as checkout
from registrations.seats import idempotency, services
from workshops.assignment.services import fail_interrupted_assignment_runs
from workshops.purge import purge_due_summits


class Command(BaseCommand):
    help = (
        "Periodic work, safe to run every minute: expire unpaid payment holds at Stripe, expire waitlist "
        "offers, retry refunds, delete old badge sheets and idempotency keys, fail assignment runs whose "
        "worker died, purge summits past their retention date, and queue the reminders now due."
    )

    def handle(self, *args, **options):
        holds = checkout.expire_holds()
        offers = services.expire_offers()
        refunds = checkout.retry_refunds()
        sheets = purge_old_badge_sheets()
        keys = idempotency.purge_expired()
        purged = purge_due_summits()
        runs = fail_interrupted_assignment_runs()
        reminders = send_due_reminders()
        self.stdout.write(
            f"holds: released {holds.released}, confirmed {holds.confirmed}, refunded {holds.refunded}, "
            f"still open {holds.still_open}, errors {holds.errors}; offers expired: {offers}; refunds retried: {refunds}; old badge sheets deleted: "
            f"{sheets}; idempotency keys purged: {keys}; summits purged: {', '.join(purged) or 'none'}; "
            f"interrupted assignment runs failed: {runs}; reminder emails queued: {reminders}"
        )
