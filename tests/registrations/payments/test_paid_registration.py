"""Registering for a paid ticket type: hold, Checkout, promo codes, the "cannot afford it" choice."""

import re
import time
from decimal import Decimal

from django.core import mail

from registrations.models import Payment, Registration
from registrations.payments import services as checkout
from registrations.seats import links
from summit.models import PromoCode
from tests.factories import RegistrationFactory

URL = "/api/summits/sb25/registrations/"


def payload(**overrides):
    data = {
        "first_name": "Ana",
        "email": "ana@example.org",
        "sector": "community_org",
        "ticket_type": "partner",
    }
    data.update(overrides)
    return data


def test_paid_registration_holds_a_seat_and_returns_stripes_checkout_url(api, stripe_fake, partner_type):
    response = api.post(URL, payload(language="es"), format="json")
    assert response.status_code == 201
    body = response.json()
    registration = Registration.objects.get(public_id=body["id"])
    payment = registration.payments.get()
    assert body["status"] == "pending_payment"
    assert body["checkout_url"] == payment.checkout_url
    assert body["checkout_url"].startswith(f"{stripe_fake.url}/c/pay/cs_test_")
    assert registration.hold_expires_at is not None
    minutes = (registration.hold_expires_at - registration.created_at).total_seconds() / 60
    assert round(minutes) == 30
    session = stripe_fake.sessions[payment.stripe_session_id]
    assert (session["amount_total"], session["locale"]) == (4000, "es")
    # The private link's token is signed with the time: compare whose link it is, not its text.
    token = re.fullmatch(
        r"https://summit\.example\.org/r/([^/]+)/paid/\?session_id=\{CHECKOUT_SESSION_ID\}",
        session["success_url"],
    ).group(1)
    assert links.registration_from_token(token) == registration


def test_retried_registration_with_idempotency_key_makes_one_session(api, stripe_fake, partner_type):
    first = api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    again = api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert again.json() == first.json()
    assert Payment.objects.count() <= 1
    # Inside the idempotency transaction the session is deferred to the pay page, never made twice.
    pay = api.get(first.json()["checkout_url"].removeprefix("https://summit.example.org"))
    assert pay.status_code == 302
    assert len(stripe_fake.sessions) == 1
    assert pay["Location"] == Payment.objects.get().checkout_url


def test_stripe_down_at_registration_still_holds_the_seat_and_pay_page_retries(
    api, stripe_fake, partner_type
):
    stripe_fake.fail_next = [500]
    response = api.post(URL, payload(), format="json")
    assert response.status_code == 201
    registration = Registration.objects.get(public_id=response.json()["id"])
    pay_page = f"/r/{links.manage_token(registration)}/pay/"
    assert response.json()["checkout_url"] == f"https://summit.example.org{pay_page}"
    pay = api.get(pay_page)
    assert pay.status_code == 302
    assert pay["Location"].startswith(f"{stripe_fake.url}/c/pay/")


def test_paid_flow_through_the_api_page_and_webhook(api, client, stripe_fake, deliver, partner_type):
    body = api.post(URL, payload(), format="json").json()
    registration = Registration.objects.get(public_id=body["id"])
    session_id = registration.payments.get().stripe_session_id
    stripe_fake.pay(session_id, notify=False)
    page = client.get(f"/r/{links.manage_token(registration)}/paid/?session_id={session_id}")
    assert "You are registered!" in page.content.decode()
    assert deliver("checkout.session.completed", session_id).json()["result"] == "unchanged"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED


def test_return_page_says_confirming_until_stripe_says_paid(client, stripe_fake, paid_hold):
    registration, payment = paid_hold
    page = client.get(f"/r/{links.manage_token(registration)}/paid/?session_id={payment.stripe_session_id}")
    text = page.content.decode()
    assert "Confirming your payment" in text
    assert "payment-status.js" in text
    assert "Check again" in text


def test_return_page_ignores_a_session_of_someone_else(client, stripe_fake, paid_hold, summit, partner_type):
    from registrations.payments import services as checkout
    from tests.registrations.payments.conftest import pending_registration

    registration, _payment = paid_hold
    other = checkout.start_checkout(pending_registration(summit, partner_type))
    stripe_fake.pay(other.stripe_session_id, notify=False)
    client.get(f"/r/{links.manage_token(registration)}/paid/?session_id={other.stripe_session_id}")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING_PAYMENT


def test_cancelled_checkout_page_offers_to_pay_again(client, stripe_fake, paid_hold):
    registration, payment = paid_hold
    page = client.get(f"/r/{links.manage_token(registration)}/payment-cancelled/")
    assert page.status_code == 200
    assert payment.checkout_url in page.content.decode()


def test_hundred_percent_promo_code_confirms_without_calling_stripe(api, settings, partner_type, summit):
    settings.STRIPE_SECRET_KEY = ""  # works even with payments off
    promo = PromoCode.objects.create(summit=summit, code="GUEST", percent_off=100)
    response = api.post(URL, payload(promo_code="guest"), format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "confirmed"
    assert "checkout_url" not in response.json()
    registration = Registration.objects.get(public_id=response.json()["id"])
    assert registration.promo_code == promo
    promo.refresh_from_db()
    assert promo.uses == 1


def test_partial_promo_code_lowers_the_checkout_amount(api, stripe_fake, partner_type, summit):
    PromoCode.objects.create(summit=summit, code="PARTNER10", amount_off=Decimal("10.00"))
    body = api.post(URL, payload(promo_code="partner10"), format="json").json()
    payment = Registration.objects.get(public_id=body["id"]).payments.get()
    assert payment.amount == Decimal("30.00")
    assert stripe_fake.sessions[payment.stripe_session_id]["amount_total"] == 3000


def test_unknown_promo_code_is_a_field_error(api, stripe_fake, partner_type):
    response = api.post(URL, payload(promo_code="NOPE"), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "promo_code_unknown"
    assert list(response.json()["errors"]) == ["promo_code"]
    assert Registration.objects.count() == 0


def test_promo_code_limited_to_other_ticket_types_is_refused(api, stripe_fake, partner_type, summit):
    from tests.factories import TicketTypeFactory

    sponsor = TicketTypeFactory(summit=summit, slug="sponsor", price=Decimal("150.00"))
    promo = PromoCode.objects.create(summit=summit, code="SPONSOR", percent_off=20)
    promo.ticket_types.set([sponsor])
    response = api.post(URL, payload(promo_code="SPONSOR"), format="json")
    assert response.json()["code"] == "promo_code_not_applicable"


def test_used_up_promo_code_is_refused(api, stripe_fake, partner_type, summit):
    PromoCode.objects.create(summit=summit, code="ONCE", percent_off=100, max_uses=1)
    assert api.post(URL, payload(promo_code="ONCE"), format="json").status_code == 201
    response = api.post(URL, payload(promo_code="ONCE", email="bea@example.org"), format="json")
    assert (response.status_code, response.json()["code"]) == (400, "promo_code_used_up")


def test_cannot_afford_switches_to_the_free_type_without_asking_why(api, settings, partner_type):
    settings.STRIPE_SECRET_KEY = ""
    response = api.post(URL, payload(cannot_afford=True), format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "confirmed"
    registration = Registration.objects.get(public_id=response.json()["id"])
    assert registration.ticket_type.slug == "community-resident"
    assert registration.fee_waived is True
    assert registration.payments.count() == 0


def test_paid_type_without_stripe_key_is_payments_unavailable(api, settings, partner_type):
    settings.STRIPE_SECRET_KEY = ""
    response = api.post(URL, payload(), format="json")
    assert (response.status_code, response.json()["code"]) == (409, "payments_unavailable")
    assert list(response.json()["errors"]) == ["ticket_type"]


def test_confirmation_email_after_payment_is_the_registration_confirmation(
    client, stripe_fake, deliver, paid_hold
):
    registration, payment = paid_hold
    stripe_fake.pay(payment.stripe_session_id, notify=False)
    deliver("checkout.session.completed", payment.stripe_session_id)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ana@example.org"]
    assert "registered" in mail.outbox[0].subject


def test_registration_page_redirects_a_paid_registration_to_stripe(client, stripe_fake, partner_type):
    response = client.post(
        "/summits/sb25/",
        {"first_name": "Ana", "email": "ana@example.org", "sector": "business", "ticket_type": "partner",
         "language": "en"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"].startswith(f"{stripe_fake.url}/c/pay/cs_test_")


def test_registration_page_offers_cannot_afford_and_promo_code(client, stripe_fake, partner_type):
    page = client.get("/summits/sb25/").content.decode()
    assert 'name="cannot_afford"' in page
    assert 'name="promo_code"' in page


def test_registration_page_cannot_afford_confirms_on_the_free_type(client, stripe_fake, partner_type):
    response = client.post(
        "/summits/sb25/",
        {"first_name": "Ana", "email": "ana@example.org", "sector": "resident", "ticket_type": "partner",
         "language": "en", "cannot_afford": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.status, registration.ticket_type.slug) == ("confirmed", "community-resident")
    assert len(stripe_fake.sessions) == 0


def test_payment_pages_answer_only_the_private_link_and_greet_nobody_by_id(
    client, stripe_fake, summit, partner_type
):
    from tests.registrations.payments.conftest import pending_registration

    paid = RegistrationFactory(summit=summit, ticket_type=partner_type, first_name="Rosalinda")
    pending = pending_registration(summit, partner_type, first_name="Evangelina")
    checkout.start_checkout(pending)
    # Knowing someone's registration id (it is in Stripe's records, logs, an export) opens nothing.
    for registration in (paid, pending):
        for page in ("pay", "paid", "payment-cancelled"):
            response = client.get(f"/registrations/{registration.public_id}/{page}/")
            assert response.status_code == 404, page
            assert registration.first_name not in response.content.decode()
            response = client.get(f"/r/{registration.public_id}/{page}/")
            assert response.status_code == 404, page
            assert registration.first_name not in response.content.decode()
    # The private link opens them.
    page = client.get(f"/r/{links.manage_token(paid)}/paid/")
    assert page.status_code == 200
    assert "Thank you, Rosalinda!" in page.content.decode()
    assert client.get(f"/r/{links.manage_token(pending)}/payment-cancelled/").status_code == 200
    assert client.get(f"/r/{links.manage_token(pending)}/pay/").status_code == 302


def test_stripes_return_to_the_private_link_confirms_the_payment(client, stripe_fake, paid_hold):
    registration, payment = paid_hold
    session = stripe_fake.pay(payment.stripe_session_id, notify=False)  # the webhook is still on its way
    # Stripe sends the payer to the success URL Summit gave it, with the session id filled in.
    back = session["success_url"].replace("{CHECKOUT_SESSION_ID}", payment.stripe_session_id)
    token = re.match(r"https://summit\.example\.org/r/([^/]+)/paid/\?session_id=cs_test_", back).group(1)
    assert links.registration_from_token(token) == registration
    page = client.get(back.removeprefix("https://summit.example.org"))
    assert page.status_code == 200
    assert f"Thank you, {registration.first_name}!" in page.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    cancel = session["cancel_url"].removeprefix("https://summit.example.org")
    token = re.fullmatch(r"/r/([^/]+)/payment-cancelled/", cancel).group(1)
    assert links.registration_from_token(token) == registration


def test_pay_page_after_a_lost_stripe_answer_still_reaches_stripe(
    client, stripe_fake, summit, partner_type, monkeypatch
):
    from tests.registrations.payments.conftest import pending_registration

    registration = pending_registration(summit, partner_type)
    lost = checkout.start_checkout(registration)
    Payment.objects.filter(pk=lost.pk).delete()  # Stripe made the session; its answer never reached us
    later = time.time() + 2
    monkeypatch.setattr(time, "time", lambda: later)  # the retry's private link is signed seconds later
    pay = client.get(f"/r/{links.manage_token(registration)}/pay/")
    assert pay.status_code == 302
    assert pay["Location"] == registration.payments.get().checkout_url
    # Another session: the first one's address reached nobody, and it expires with the hold.
    assert len(stripe_fake.sessions) == 2
