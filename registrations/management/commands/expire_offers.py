from django.core.management.base import BaseCommand

from registrations.seats import idempotency, services


class Command(BaseCommand):
    help = "Expire waitlist offers (their seats go to the next person) and old idempotency keys. Run every few minutes."

    def handle(self, *args, **options):
        expired = services.expire_offers()
        purged = idempotency.purge_expired()
        self.stdout.write(f"{expired} waitlist offers expired, {purged} idempotency keys purged.")
