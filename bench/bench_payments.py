"""Payments under Stripe's worst habits: every order of events, every event twice, forged signatures.

Runs against a throwaway SQLite database (or BENCH_DATABASE_URL) and the local Stripe-compatible
server from tests/stripe_fake.py, through the real stripe-python client and signed webhooks posted
to /webhooks/stripe/. Prints a Markdown table.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
workdir = tempfile.mkdtemp(prefix="bench-payments-")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir}/bench.sqlite3")
os.environ["DEBUG"] = "1"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "summit.settings")
os.environ["RATE_LIMITS"] = "off"

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

from django.conf import settings  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from tests.registrations.payments import scenarios  # noqa: E402
from tests.stripe_fake import FakeStripe  # noqa: E402

FORGERIES = ("wrong_secret", "tampered_body", "stale", "future", "no_signature", "replayed_old_signature")


def main():
    logging.disable(logging.WARNING)
    setup_test_environment()
    call_command("migrate", verbosity=0)
    fake = FakeStripe().start()
    settings.STRIPE_SECRET_KEY = fake.api_key
    settings.STRIPE_WEBHOOK_SECRET = fake.webhook_secret
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = Client()

    def run(function, *args):
        return function(*args)

    orders = wrong = delivered = replayed = replay_side_effects = non_2xx = 0
    latencies = []
    for story in scenarios.STORIES:
        for order in scenarios.orders():
            orders += 1
            told = story(fake, run)
            events = scenarios.events_for(fake, told.session_id)
            for kind in order:
                started = time.perf_counter()
                status = fake.send_webhook(client, events[kind]).status_code
                latencies.append(time.perf_counter() - started)
                delivered += 1
                non_2xx += status >= 300
            settled = scenarios.side_effects(told, fake)
            for kind in order:  # Stripe delivers every event again
                status = fake.send_webhook(client, events[kind]).status_code
                replayed += 1
                non_2xx += status >= 300
            replay_side_effects += scenarios.side_effects(told, fake) != settled
            wrong += scenarios.final_state(told, fake) != told.expected

    # Forged and otherwise invalid signatures, against a real paid session.
    told = scenarios.paid(fake, run)
    genuine = fake.event_for("checkout.session.completed", told.session_id)
    forged_tried = forged_accepted = 0
    for round_ in range(100):
        for kind in FORGERIES:
            body = fake.payload({**genuine, "id": f"evt_forged_{round_}_{kind}"})
            now = fake.now()
            header = {
                "wrong_secret": fake.signature_header(body, secret=f"whsec_guess_{round_}"),
                "tampered_body": fake.signature_header(body),
                "stale": fake.signature_header(body, timestamp=now - 301 - round_),
                "future": fake.signature_header(body, timestamp=now + 301 + round_),
                "no_signature": None,
                "replayed_old_signature": fake.signature_header(body, timestamp=now - 3600),
            }[kind]
            if kind == "tampered_body":
                body = body.replace('"livemode": false', '"livemode": true')
            extra = {"HTTP_STRIPE_SIGNATURE": header} if header else {}
            response = client.post("/webhooks/stripe/", data=body, content_type="application/json", **extra)
            forged_tried += 1
            forged_accepted += response.status_code != 400
    # The story's session is really paid at Stripe, but only forgeries were delivered for it.
    confirmed_by_forgery = int(scenarios.final_state(told, fake)[0] != "pending_payment")
    fake.stop()

    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    rows = [
        ("stories x orders of (completed, expired, refunded) tried", orders),
        ("wrong final states", wrong),
        ("events delivered (first time)", delivered),
        ("events replayed (duplicates)", replayed),
        ("duplicates with side effects (state, refunds at Stripe, emails, event rows)", replay_side_effects),
        ("non-2xx answers to genuine events", non_2xx),
        ("forged / tampered / stale / future / unsigned webhooks tried", forged_tried),
        ("forged signatures accepted", forged_accepted),
        ("registrations confirmed by a forgery", confirmed_by_forgery),
        ("webhook handling p50 (ms, incl. re-fetch from local Stripe)", f"{p50:.1f}"),
        ("webhook handling p99 (ms)", f"{p99:.1f}"),
        ("emails sent", len(mail.outbox)),
    ]
    print("| figure | value |\n| --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value} |")
    return 1 if (wrong or replay_side_effects or forged_accepted or non_2xx or confirmed_by_forgery) else 0


if __name__ == "__main__":
    sys.exit(main())
