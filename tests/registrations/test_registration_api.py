"""Registering through the public API, as a partner organization's script would."""

import datetime
import json
import uuid

import pytest
from django.core import mail
from django.utils import timezone

from registrations.models import GroupPreference, IdempotencyRecord, Payment, Registration
from tests.factories import PlanningGroupFactory, RegistrationFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db

URL = "/api/summits/sb25/registrations/"


def payload(**overrides):
    data = {
        "first_name": "Lupe",
        "email": "lupe@example.org",
        "sector": "resident",
        "ticket_type": "community-resident",
    }
    data.update(overrides)
    return data


def test_register_with_only_the_required_fields_confirms_a_seat(api, summit):
    response = api.post(URL, payload(), format="json")

    assert response.status_code == 201
    body = response.json()
    registration = Registration.objects.get()
    assert body == {"id": str(registration.public_id), "status": "confirmed", "waitlist_position": None}
    assert (registration.first_name, registration.email, registration.sector) == (
        "Lupe",
        "lupe@example.org",
        "resident",
    )
    assert registration.badge_code_hash


def test_register_with_everything_optional_keeps_it_all(api, summit):
    housing = PlanningGroupFactory(summit=summit, slug="housing")
    jobs = PlanningGroupFactory(summit=summit, slug="jobs")
    data = payload(
        last_name="Ramírez",
        badge_name="Lupita",
        pronouns="she/her",
        organization="Tenant Union",
        role_title="Organizer",
        language="es",
        phone="805-555-0100",
        accessibility_needs="Wheelchair access",
        interpretation_needs="",
        dietary_needs="Vegetarian",
        childcare_needs="Two kids, 4 and 7",
        group_preferences=["jobs", "housing"],
        share_with_group=True,
        photo_consent=False,
    )

    response = api.post(URL, data, format="json")

    assert response.status_code == 201
    registration = Registration.objects.get()
    assert registration.badge_name == "Lupita"
    assert registration.language == "es"
    assert registration.childcare_needs == "Two kids, 4 and 7"
    assert registration.share_with_group is True
    assert [(p.rank, p.group) for p in registration.preferences.all()] == [(1, jobs), (2, housing)]


def test_missing_required_fields_are_named_in_the_errors(api, summit):
    response = api.post(URL, {}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"first_name", "email", "sector", "ticket_type"}
    assert body["first_name"] == ["This field is required."]
    assert Registration.objects.count() == 0


def test_errors_are_translated_to_spanish(api, summit):
    response = api.post(URL, payload(email="not-an-email"), format="json", HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 400
    assert response.json()["errors"]["email"] == ["Escriba un correo electrónico válido."]


@pytest.mark.parametrize(
    "field, value",
    [
        ("first_name", "Lupe\u202eevil"),
        ("first_name", "Lu\x00pe"),
        ("last_name", "Ramírez\u2066"),
        ("first_name", "x" * 101),
        ("organization", "o" * 201),
        ("dietary_needs", "n" * 1001),
        ("sector", "citizen"),
        ("ticket_type", "vip"),
        ("ticket_type", ["community-resident"]),
        ("group_preferences", ["nope"]),
        ("group_preferences", "housing"),
        ("language", "fr"),
        ("email", "a" * 250 + "@example.org"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_written(api, summit, field, value):
    PlanningGroupFactory(summit=summit, slug="housing")

    response = api.post(URL, payload(**{field: value}), format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Registration.objects.count() == 0


def test_more_than_three_or_repeated_preferences_are_refused(api, summit):
    for slug in ("a", "b", "c", "d"):
        PlanningGroupFactory(summit=summit, slug=slug)

    too_many = api.post(URL, payload(group_preferences=["a", "b", "c", "d"]), format="json")
    repeated = api.post(URL, payload(group_preferences=["a", "a"]), format="json")

    assert too_many.status_code == 400 and "group_preferences" in too_many.json()["errors"]
    assert repeated.json()["errors"]["group_preferences"] == ["Choose each planning group only once."]
    assert GroupPreference.objects.count() == 0


def test_another_summits_planning_group_is_refused(api, summit):
    PlanningGroupFactory(slug="elsewhere")

    response = api.post(URL, payload(group_preferences=["elsewhere"]), format="json")

    assert response.status_code == 400
    assert "group_preferences" in response.json()["errors"]


@pytest.mark.parametrize(
    "body, content_type",
    [
        ("{not json", "application/json"),
        ("[" * 5000 + "]" * 5000, "application/json"),
        (
            json.dumps(
                {
                    "a": {
                        "b": {
                            "c": {
                                "d": {
                                    "e": {
                                        "f": {
                                            "g": {
                                                "h": {
                                                    "i": {
                                                        "j": {
                                                            "k": {
                                                                "l": {
                                                                    "m": {
                                                                        "n": {
                                                                            "o": {
                                                                                "p": {
                                                                                    "q": {
                                                                                        "r": {
                                                                                            "s": {
                                                                                                "t": {"u": 1}
                                                                                            }
                                                                                        }
                                                                                    }
                                                                                }
                                                                            }
                                                                        }
                                                                    }
                                                                }
                                                            }
                                                        }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            ),
            "application/json",
        ),
        ('"just a string"', "application/json"),
        ("x" * 300_000, "application/json"),
        (b"\xff\xfe\x00", "application/json"),
    ],
)
def test_malformed_nested_or_oversized_bodies_get_a_json_4xx(api, summit, body, content_type):
    response = api.generic("POST", URL, body, content_type=content_type)

    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
    assert "code" in response.json()
    assert Registration.objects.count() == 0


def test_unknown_media_type_is_a_415(api, summit):
    response = api.generic("POST", URL, "first_name=Lupe", content_type="text/plain")

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_registration_before_the_window_opens_is_a_409_with_a_code(api, summit):
    summit.registration_opens_at = timezone.now() + datetime.timedelta(days=2)
    summit.save()

    response = api.post(URL, payload(), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "registration_not_open"
    assert Registration.objects.count() == 0


def test_registration_after_the_window_closes_is_a_409_with_a_code(api, summit):
    summit.registration_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    summit.save()

    response = api.post(URL, payload(), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "registration_closed"


def test_paid_ticket_without_payments_configured_is_refused_clearly(api, summit):
    TicketTypeFactory(summit=summit, slug="partner", price="40.00")

    response = api.post(URL, payload(ticket_type="partner", sector="government"), format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "payments_unavailable"
    assert "ticket_type" in body["errors"]


def test_ticket_type_quota_holds(api, summit):
    TicketTypeFactory(summit=summit, slug="sponsor", quota=1)
    RegistrationFactory(summit=summit, ticket_type=summit.ticket_types.get(slug="sponsor"))

    response = api.post(URL, payload(ticket_type="sponsor"), format="json")

    assert response.json()["status"] == "waitlisted"


def test_full_summit_puts_the_next_person_on_the_waitlist_with_a_position(api, summit):
    summit.capacity = 2
    summit.save()
    RegistrationFactory.create_batch(2, summit=summit)
    RegistrationFactory(summit=summit, status="waitlisted", waitlisted_at=timezone.now())

    response = api.post(URL, payload(), format="json")

    assert response.status_code == 201
    assert response.json()["status"] == "waitlisted"
    assert response.json()["waitlist_position"] == 2


def test_same_email_in_any_case_never_takes_a_second_seat_nor_gets_the_link(
    api, summit, django_capture_on_commit_callbacks
):
    first = api.post(URL, payload(email="Lupe@Example.org"), format="json").json()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        again = api.post(URL, payload(email="lupe@example.ORG", first_name="Someone else"), format="json")

    assert again.status_code == 201
    assert "manage" not in json.dumps(again.json()) and "/r/" not in json.dumps(again.json())
    assert Registration.objects.count() == 1
    assert Registration.objects.get().first_name == "Lupe"
    assert Registration.objects.get().public_id == uuid.UUID(first["id"])
    assert [m.to for m in mail.outbox] == [["Lupe@Example.org"]]
    assert "already registered" in mail.outbox[0].body
    assert "/r/" in mail.outbox[0].body


def test_a_duplicate_answers_as_a_new_registration_would_and_names_no_registration(api, summit):
    first = api.post(URL, payload(), format="json").json()
    stranger = api.post(URL, payload(email="stranger@example.org"), format="json").json()

    again = api.post(URL, payload(first_name="Prober"), format="json")

    assert again.status_code == 201
    body = again.json()
    assert body.keys() == first.keys() == stranger.keys()
    assert body["status"] == "confirmed" and body["waitlist_position"] is None
    assert body["id"] not in (first["id"], stranger["id"])
    assert not Registration.objects.filter(public_id=body["id"]).exists()
    assert Registration.objects.count() == 2


def test_a_duplicate_in_a_full_summit_answers_waitlisted_not_the_existing_seat(api, summit):
    summit.capacity = 2
    summit.save()
    RegistrationFactory(summit=summit, email="lupe@example.org", status="confirmed")
    RegistrationFactory(summit=summit)
    RegistrationFactory(summit=summit, status="waitlisted", waitlisted_at=timezone.now())

    again = api.post(URL, payload(), format="json")
    new = api.post(URL, payload(email="new@example.org"), format="json")

    assert again.status_code == new.status_code == 201
    assert again.json()["status"] == "waitlisted"
    assert again.json()["waitlist_position"] == 2  # what the next person in line gets
    assert new.json()["waitlist_position"] == 2  # nothing was written for the duplicate
    assert Registration.objects.get(email="lupe@example.org").status == "confirmed"


def test_a_duplicate_of_a_paid_ticket_answers_a_payment_link_that_leads_nowhere(api, summit, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_never_called"  # a duplicate makes no call to Stripe
    partner = TicketTypeFactory(summit=summit, slug="partner", price="40.00")
    RegistrationFactory(
        summit=summit, ticket_type=partner, email="lupe@example.org", status="pending_payment"
    )

    again = api.post(URL, payload(ticket_type="partner"), format="json")

    assert again.status_code == 201
    body = again.json()
    assert body["status"] == "pending_payment"
    assert body["checkout_url"].startswith(f"{settings.SITE_URL}/r/")
    assert body["checkout_url"].endswith("/pay/")
    assert not Registration.objects.filter(public_id=body["id"]).exists()
    assert api.get(body["checkout_url"].removeprefix(settings.SITE_URL)).status_code == 404
    assert Payment.objects.count() == 0


def test_already_registered_emails_go_out_at_most_once_an_hour_per_address(
    api, summit, frozen_rate_window, django_capture_on_commit_callbacks
):
    api.post(URL, payload(), format="json")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        answers = [api.post(URL, payload(), format="json").status_code for _ in range(3)]

    assert answers == [201, 201, 201]
    assert [m.to for m in mail.outbox] == [["lupe@example.org"]]


def test_a_cancelled_registration_does_not_block_registering_again(api, summit):
    RegistrationFactory(summit=summit, email="lupe@example.org", status="cancelled")

    response = api.post(URL, payload(), format="json")

    assert response.status_code == 201
    assert Registration.objects.filter(status="confirmed").count() == 1


def test_idempotency_key_replays_the_first_answer_and_creates_nothing(api, summit):
    first = api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    second = api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="abc-123")

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Registration.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1


def test_idempotency_key_with_a_different_body_is_a_422(api, summit):
    api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="abc-123")

    response = api.post(
        URL, payload(email="other@example.org"), format="json", HTTP_IDEMPOTENCY_KEY="abc-123"
    )

    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Registration.objects.count() == 1


def test_idempotency_keys_are_per_summit(api, summit):
    other = TicketTypeFactory(slug="community-resident").summit

    api.post(URL, payload(), format="json", HTTP_IDEMPOTENCY_KEY="k")
    response = api.post(
        f"/api/summits/{other.slug}/registrations/", payload(), format="json", HTTP_IDEMPOTENCY_KEY="k"
    )

    assert response.status_code == 201
    assert Registration.objects.count() == 2


def test_registration_is_rate_limited_per_client(api, summit, settings, frozen_rate_window):
    settings.RATE_LIMITS = True
    statuses = [
        api.post(
            URL, payload(email=f"p{i}@example.org"), format="json", REMOTE_ADDR="203.0.113.9"
        ).status_code
        for i in range(31)
    ]
    other_client = api.post(URL, payload(email="x@example.org"), format="json", REMOTE_ADDR="203.0.113.10")

    assert statuses[:30] == [201] * 30
    assert statuses[30] == 429
    assert other_client.status_code == 201


def test_registration_rate_limit_counts_an_ipv6_client_by_its_64_network(
    api, summit, settings, frozen_rate_window
):
    settings.RATE_LIMITS = True
    # One IPv6 subscriber gets a whole /64: changing the last 64 bits must not give fresh tries.
    statuses = [
        api.post(
            URL, payload(email=f"p{i}@example.org"), format="json", REMOTE_ADDR=f"2001:db8:1:2::{i:x}"
        ).status_code
        for i in range(31)
    ]
    next_network = api.post(URL, payload(email="x@example.org"), format="json", REMOTE_ADDR="2001:db8:1:3::1")

    assert statuses[:30] == [201] * 30
    assert statuses[30] == 429
    assert next_network.status_code == 201


def test_rate_limit_uses_the_address_our_trusted_proxy_saw(api, summit, settings, frozen_rate_window):
    settings.RATE_LIMITS = True
    settings.TRUSTED_PROXY_COUNT = 1
    for i in range(30):
        # A client cannot dodge the limit by writing its own X-Forwarded-For entries.
        forged = f"10.0.0.{i}, 198.51.100.7"
        api.post(URL, payload(email=f"p{i}@example.org"), format="json", HTTP_X_FORWARDED_FOR=forged)

    blocked = api.post(
        URL, payload(email="q@example.org"), format="json", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7"
    )
    other = api.post(URL, payload(email="r@example.org"), format="json", HTTP_X_FORWARDED_FOR="198.51.100.8")

    assert blocked.status_code == 429
    assert other.status_code == 201


def test_never_asks_what_the_summit_does_not_need(api, summit):
    fields = set(api.options(URL).json().get("actions", {}).get("POST", {})) or None
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    properties = schema["components"]["schemas"]["RegistrationInputRequest"]["properties"]

    denied = (
        "immigra",
        "citizen",
        "ssn",
        "itin",
        "passport",
        "license",
        "birth",
        "address",
        "criminal",
        "income",
    )
    assert fields is None or not any(d in f for f in fields for d in denied)
    assert not any(d in name for name in properties for d in denied)
