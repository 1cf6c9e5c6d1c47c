import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from registrations.models import Registration
from registrations.payments import services as checkout
from tests.factories import RegistrationFactory, TicketTypeFactory


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # Pages render without a collectstatic manifest in tests.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def partner_type(summit):
    return TicketTypeFactory(
        summit=summit, slug="partner", name="Partner organization", price=Decimal("40.00")
    )


def pending_registration(summit, ticket_type, *, minutes=30, **fields):
    """A registration holding a seat while it waits for payment (what register_attendee makes)."""
    return RegistrationFactory(
        summit=summit,
        ticket_type=ticket_type,
        status=Registration.Status.PENDING_PAYMENT,
        confirmed_at=None,
        hold_expires_at=timezone.now() + datetime.timedelta(minutes=minutes),
        **fields,
    )


def end_hold(registration, minutes_ago=1):
    """The clock moves past the hold (Stripe's session stays open until we expire it)."""
    registration.hold_expires_at = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    registration.save(update_fields=["hold_expires_at"])


@pytest.fixture
def paid_hold(stripe_fake, summit, partner_type):
    """A pending registration with its Checkout Session created: (registration, payment)."""
    registration = pending_registration(summit, partner_type, email="ana@example.org")
    payment = checkout.start_checkout(registration)
    return registration, payment


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a call and then its after-commit work (emails, refund calls), as a real commit would."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


@pytest.fixture
def deliver(client, stripe_fake, committed):
    """Deliver a signed webhook event (or an event of `type` for a session/charge id) to our endpoint."""

    def send(event_or_type, object_id=None, **kwargs):
        event = event_or_type if object_id is None else stripe_fake.event_for(event_or_type, object_id)
        return committed(stripe_fake.send_webhook, client, event, **kwargs)

    return send
