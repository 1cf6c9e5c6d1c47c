"""What Stripe is told about a person: only the opaque registration id (and what it owes), through
a whole paid registration (API, checkout, payment, webhook, cancellation and refund)."""

import json

from django.urls import reverse

from registrations.models import Payment, Registration
from registrations.seats import services
from tests.factories import personal_canaries

PERSON = personal_canaries("Yolotzin")  # a value in every personal field


def test_stripe_receives_only_the_opaque_registration_id(
    api, stripe_fake, deliver, committed, summit, partner_type
):
    response = committed(
        api.post,
        reverse("api-registrations", args=[summit.slug]),
        {**PERSON, "sector": "community_org", "ticket_type": partner_type.slug},
        format="json",
    )
    assert response.status_code == 201, response.content
    registration = Registration.objects.get(public_id=response.json()["id"])
    session_id = Payment.objects.get(registration=registration).stripe_session_id
    stripe_fake.pay(session_id, notify=False)
    assert deliver("checkout.session.completed", session_id).json()["result"] == "confirmed"
    committed(services.cancel_registration, Registration.objects.get(pk=registration.pk))

    paths = [request["path"] for request in stripe_fake.requests]
    assert "/v1/checkout/sessions" in paths
    assert "/v1/refunds" in paths
    sent = json.dumps([request["params"] for request in stripe_fake.requests])
    for value in PERSON.values():
        assert value not in sent
    for request in stripe_fake.requests:
        metadata = request["params"].get("metadata")
        ours = {"registration": str(registration.public_id), "amount_due": "4000", "currency": "usd"}
        assert metadata in (None, {}, ours), request
        assert "customer_email" not in request["params"]
