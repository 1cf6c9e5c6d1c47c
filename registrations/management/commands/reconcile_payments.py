from django.core.management.base import BaseCommand, CommandError

from registrations.payments import services as checkout
from registrations.payments import stripe_client as payments
from summit.models import Summit


class Command(BaseCommand):
    help = (
        "Compare a summit's pending and confirmed registrations with Stripe's Checkout Sessions; fix "
        "what Stripe's state settles and report every mismatch. Exit status 0; one line per mismatch."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, *args, slug, **options):
        summit = Summit.objects.filter(slug=slug).first()
        if summit is None:
            raise CommandError(f"No summit with slug {slug!r}.")
        if not payments.payments_enabled():
            raise CommandError("Payments are not configured: set STRIPE_SECRET_KEY.")
        try:
            mismatches = checkout.reconcile_payments(summit)
        except payments.StripeUnreachable as exc:
            raise CommandError(f"Stripe is unreachable: {exc}") from exc
        for mismatch in mismatches:
            self.stdout.write(f"{mismatch.registration}\t{mismatch.problem}\t{mismatch.action}")
        needs_people = sum(1 for m in mismatches if m.problem == "confirmed_without_payment")
        self.stdout.write(
            f"{len(mismatches)} mismatch(es): {len(mismatches) - needs_people} fixed, {needs_people} reported"
        )
