"""Emails in the attendee's language, HTML and plain text, with a calendar invite."""

import datetime

import icalendar
import pytest
from django.core import mail
from django.utils import timezone

from registrations.models import Registration
from registrations.seats import emails, links
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def test_confirmation_has_text_html_the_private_link_and_an_ics_in_the_summit_timezone(summit):
    registration = RegistrationFactory(summit=summit, first_name="Rosa", email="rosa@example.org")

    emails.send_registration_email(registration.pk, "confirmed")

    message = mail.outbox[0]
    assert message.subject == "You are registered for Santa Barbara Mobility Summit"
    assert message.body.startswith("Hello,\n") and "/r/" in message.body
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html" and "/r/" in html
    ics = next(a for a in message.attachments if a[0] == "summit.ics")
    event = icalendar.Calendar.from_ical(ics[1]).walk("VEVENT")[0]
    assert str(event["dtstart"].dt.tzinfo) == "America/Los_Angeles"
    assert event["dtstart"].dt == summit.starts_at.replace(microsecond=0)


def test_emails_go_out_in_spanish_for_spanish_speakers(summit):
    summit.name_es = "Cumbre de Movilidad"
    summit.save()
    registration = RegistrationFactory(summit=summit, first_name="Rosa", language="es")

    emails.send_registration_email(registration.pk, "waitlisted")

    message = mail.outbox[0]
    assert message.subject == "Está en la lista de espera de Cumbre de Movilidad"
    assert message.body.startswith("Hola,\n")


def test_a_registration_without_email_is_simply_not_emailed(summit):
    registration = RegistrationFactory(summit=summit, email="")

    assert emails.send_registration_email(registration.pk, "confirmed") is False
    assert mail.outbox == []


def test_html_in_a_name_is_escaped_in_the_html_email(summit):
    registration = RegistrationFactory(summit=summit, first_name="<script>alert(1)</script>")

    emails.send_registration_email(registration.pk, "confirmed")

    assert "<script>alert(1)</script>" not in mail.outbox[0].alternatives[0][0]


ATTACKER_NAME = "Your account is locked, sign in at https://evil.example/x"


@pytest.mark.parametrize(
    "kind",
    [
        "confirmed",
        "waitlisted",
        "already_registered",
        "manage_link",
        "seat_offered",
        "offer_expired",
        "cancelled",
    ],
)
def test_no_email_carries_the_name_typed_into_the_form(summit, kind):
    # Anyone can type any address into the form: nothing they typed reaches that inbox.
    registration = RegistrationFactory(summit=summit, first_name=ATTACKER_NAME, last_name="evil.example")

    emails.send_registration_email(registration.pk, kind)

    message = mail.outbox[0]
    assert message.body.startswith("Hello,\n")
    for text in (message.subject, message.body, message.alternatives[0][0]):
        assert "evil.example" not in text and "locked" not in text


def test_the_neutral_greeting_is_in_spanish_for_spanish_speakers(summit):
    registration = RegistrationFactory(summit=summit, first_name=ATTACKER_NAME, language="es")

    emails.send_registration_email(registration.pk, "confirmed")

    assert mail.outbox[0].body.startswith("Hola,\n")


def test_the_confirmation_still_has_the_summit_the_date_the_link_and_the_badge(summit):
    registration = RegistrationFactory(summit=summit, first_name=ATTACKER_NAME)

    emails.send_registration_email(registration.pk, "confirmed")

    message = mail.outbox[0]
    assert "Your registration for Santa Barbara Mobility Summit is confirmed." in message.body
    assert emails.summit_when(summit) in message.body
    assert links.manage_url(registration) in message.body
    assert [a[0] for a in message.attachments] == ["summit.ics", "badge-sb25.png"]


def test_form_emails_to_one_address_stop_at_five_an_hour_and_are_logged(
    client, summit, frozen_rate_window, caplog, django_capture_on_commit_callbacks
):
    RegistrationFactory(summit=summit, email="rosa@example.org")
    RegistrationFactory(summit=summit, email="ana@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        pages = [client.post("/summits/sb25/link/", {"email": "rosa@example.org"}) for _ in range(6)]
        client.post("/summits/sb25/link/", {"email": "ana@example.org"})

    assert [page.status_code for page in pages] == [200] * 6
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]] * 5 + [["ana@example.org"]]
    refusals = [r for r in caplog.records if r.name == "registrations.seats.emails"]
    assert [r.getMessage() for r in refusals] == [
        f"manage_link email for registration {Registration.objects.get(email='rosa@example.org').pk} "
        "not sent: the limit per address is reached"
    ]


def test_form_emails_of_one_summit_stop_at_its_hourly_limit_and_the_registrations_are_kept(
    api, summit, settings, frozen_rate_window, caplog, django_capture_on_commit_callbacks
):
    settings.REGISTRATION_EMAILS_PER_SUMMIT = 3
    body = {"first_name": "Lupe", "sector": "resident", "ticket_type": "community-resident"}

    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            api.post(
                "/api/summits/sb25/registrations/", {**body, "email": f"p{i}@example.org"}, format="json"
            )
            for i in range(4)
        ]

    assert [answer.status_code for answer in answers] == [201] * 4
    assert Registration.objects.filter(status="confirmed").count() == 4
    assert [m.to for m in mail.outbox] == [["p0@example.org"], ["p1@example.org"], ["p2@example.org"]]
    assert "the limit per summit is reached" in caplog.text and "p3@example.org" not in caplog.text


def test_emails_the_attendee_did_not_ask_for_from_a_form_are_not_limited(summit, frozen_rate_window):
    registration = RegistrationFactory(summit=summit, email="rosa@example.org")
    for _ in range(5):
        emails.send_registration_email(registration.pk, "manage_link")

    emails.send_registration_email(registration.pk, "seat_offered")

    assert len(mail.outbox) == 6


def test_a_seat_offer_held_until_a_time_in_the_morning_reads_without_a_double_period(summit):
    # English times end in "a.m." or "p.m.": a sentence must not end right after one.
    nine_am = (timezone.now() + datetime.timedelta(days=1)).astimezone(summit.tz).replace(hour=9, minute=30)
    registration = RegistrationFactory(
        summit=summit,
        status="waitlisted",
        confirmed_at=None,
        waitlisted_at=timezone.now(),
        offer_expires_at=nine_am,
    )

    emails.send_registration_email(registration.pk, "seat_offered")

    body = mail.outbox[0].body
    assert "We hold it for you until " in body and "9:30 a.m.: open your private link" in body
    assert ".." not in body


@pytest.mark.parametrize(
    "kind", ["confirmed", "already_registered", "waitlisted", "seat_offered", "cancelled"]
)
def test_spanish_emails_address_the_attendee_whatever_their_gender(summit, kind):
    registration = RegistrationFactory(
        summit=summit, language="es", offer_expires_at=timezone.now() + datetime.timedelta(hours=5)
    )

    emails.send_registration_email(registration.pk, kind)

    message = mail.outbox[0]
    for text in (message.subject, message.body):
        assert "inscrit" not in text  # inscrito / inscrita: say "su inscripción" instead
    if kind == "confirmed":
        name = summit.name_es
        assert message.subject == f"Su inscripción en {name} está confirmada"
        assert f"Su inscripción en {name} está confirmada." in message.body
    if kind == "already_registered":
        assert "Su inscripción ya existe, así que nada cambió." in message.body


@pytest.mark.parametrize(
    ("language", "hours", "sentence"),
    [
        ("en", 1, "If a seat opens, we email you and hold it for you for 1 hour."),
        ("en", 48, "If a seat opens, we email you and hold it for you for 48 hours."),
        ("es", 1, "Si se libera un lugar, le escribimos y se lo guardamos durante 1 hora."),
        ("es", 48, "Si se libera un lugar, le escribimos y se lo guardamos durante 48 horas."),
    ],
)
def test_the_waitlist_email_says_how_long_a_free_seat_is_held_in_the_right_plural(
    summit, language, hours, sentence
):
    summit.offer_hours = hours
    summit.save()
    registration = RegistrationFactory(
        summit=summit, language=language, status="waitlisted", confirmed_at=None, waitlisted_at=timezone.now()
    )

    emails.send_registration_email(registration.pk, "waitlisted")

    assert sentence in mail.outbox[0].body
