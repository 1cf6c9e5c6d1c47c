from django.core.management.base import BaseCommand

from registrations.payments import services as checkout
from registrations.payments import stripe_client as payments


class Command(BaseCommand):
    help = (
        "Close payment holds that have run out: expire their Stripe Checkout Sessions first, then "
        "release the seats to the waitlist (or confirm, if Stripe says the session was paid). "
        "Also resends refunds left pending. Run every minute or so."
    )

    def handle(self, *args, **options):
        if not payments.payments_enabled():
            self.stdout.write("Payments are not configured (STRIPE_SECRET_KEY): nothing to do.")
            return
        report = checkout.expire_holds()
        self.stdout.write(
            f"released {report.released}, confirmed {report.confirmed}, refunded {report.refunded}, "
            f"still open {report.still_open}, errors {report.errors}"
        )
