"""Messages to attendees: written once in English and Spanish, sent to an audience, each attendee in
their language; a one-click unsubscribe (RFC 8058) that stops announcements but never the emails
about one's own registration; reminders before the summit."""

import datetime

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from registrations.announcements import services
from registrations.models import AnnouncementDelivery, Registration, Reminder
from registrations.seats import emails
from summit.models import AuditEvent, StaffRole
from tests.conftest import staff_client
from tests.factories import PlanningGroupFactory, RegistrationFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db

URL = "/api/summits/sb25/messages/"
TEXTS = {
    "subject_en": "Parking at the venue",
    "body_en": "Park in lot B, next to the library.",
    "subject_es": "Estacionamiento en el lugar",
    "body_es": "Estacione en el lote B, junto a la biblioteca.",
}


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_queued_tasks():
    for task in DBTaskResult.objects.order_by("enqueued_at"):
        task.task.call(*task.args_kwargs["args"], **task.args_kwargs["kwargs"])
        task.delete()


@pytest.fixture
def people(summit):
    paid = TicketTypeFactory(summit=summit, slug="partner", name="Partner", price=40)
    housing = PlanningGroupFactory(summit=summit, slug="housing")
    return {
        "ana": RegistrationFactory(summit=summit, email="ana@example.org", language="en", group=housing),
        "beto": RegistrationFactory(
            summit=summit, email="beto@example.org", language="es", dietary_needs="Sin gluten"
        ),
        "cruz": RegistrationFactory(summit=summit, email="cruz@example.org", language="es", ticket_type=paid),
        "dee": RegistrationFactory(summit=summit, email="dee@example.org", status="waitlisted"),
        "eve": RegistrationFactory(summit=summit, email="eve@example.org", status="cancelled"),
        "nomail": RegistrationFactory(summit=summit, email=""),
    }


def count(planner_api, audience):
    response = planner_api.post(URL, {**TEXTS, "audience": audience}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["id"] is None
    return response.json()["count"]


def test_audience_filters_give_the_right_counts(planner_api, people):
    assert count(planner_api, {}) == 3  # confirmed with an email, by default
    assert count(planner_api, {"status": ["confirmed", "waitlisted"]}) == 4
    assert count(planner_api, {"status": ["cancelled"]}) == 1
    assert count(planner_api, {"language": "es"}) == 2
    assert count(planner_api, {"ticket_type": "partner"}) == 1
    assert count(planner_api, {"group": "housing"}) == 1
    assert count(planner_api, {"need": "dietary"}) == 1
    assert count(planner_api, {"language": "es", "need": "dietary"}) == 1
    assert count(planner_api, {"language": "en", "need": "dietary"}) == 0


def test_a_preview_stores_and_sends_nothing(planner_api, people):
    count(planner_api, {})
    assert AnnouncementDelivery.objects.count() == 0 and mail.outbox == []
    assert not AuditEvent.objects.filter(action="announcement.send").exists()


@pytest.mark.parametrize(
    ("audience", "field"),
    [
        ({"status": ["gone"]}, "audience.status"),
        ({"status": []}, "audience.status"),
        ({"ticket_type": "nope"}, "audience.ticket_type"),
        ({"group": "nope"}, "audience.group"),
        ({"language": "fr"}, "audience.language"),
        ({"need": "pony"}, "audience.need"),
        ({"need": {"a": 1}}, "audience.need"),
        ({"language": ["es"]}, "audience.language"),
        ({"ticket_type": 7}, "audience.ticket_type"),
        ({"colour": "blue"}, "audience.colour"),
        ([1, 2], "audience"),
    ],
)
def test_a_bad_audience_is_refused_naming_the_filter(planner_api, people, audience, field):
    response = planner_api.post(URL, {**TEXTS, "audience": audience, "send": True}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not AnnouncementDelivery.objects.exists() and mail.outbox == []


def test_both_languages_are_required(planner_api, people):
    response = planner_api.post(URL, {**TEXTS, "body_es": "", "send": True}, format="json")
    assert response.status_code == 400 and "body_es" in response.json()["errors"]


def test_each_attendee_gets_the_message_in_their_language(planner_api, people, database_tasks):
    response = planner_api.post(URL, {**TEXTS, "send": True}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["count"] == 3 and body["sent"] == 0 and body["id"]
    assert mail.outbox == []  # the worker sends it
    run_queued_tasks()

    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["ana@example.org", "beto@example.org", "cruz@example.org"]
    assert by_address["ana@example.org"].subject == "Parking at the venue"
    assert "lot B, next to the library" in by_address["ana@example.org"].body
    assert by_address["beto@example.org"].subject == "Estacionamiento en el lugar"
    assert "junto a la biblioteca" in by_address["beto@example.org"].body
    assert "Para dejar de recibir estos avisos" in by_address["beto@example.org"].body
    listing = planner_api.get(URL).json()
    assert [(m["count"], m["sent"], m["failed"]) for m in listing] == [(3, 3, 0)]
    assert listing[0]["finished_at"] is not None
    event = AuditEvent.objects.get(action="announcement.send")
    assert event.count == 3 and event.user == planner_api.user


def test_a_failed_address_does_not_stop_the_others(planner_api, people, database_tasks, settings):
    settings.EMAIL_BACKEND = "tests.registrations.failing_mail.FailForSomeBackend"
    planner_api.post(URL, {**TEXTS, "send": True}, format="json")
    run_queued_tasks()

    assert sorted(message.to[0] for message in mail.outbox) == ["ana@example.org", "cruz@example.org"]
    listing = planner_api.get(URL).json()
    assert (listing[0]["count"], listing[0]["sent"], listing[0]["failed"]) == (3, 2, 1)


def test_every_announcement_has_one_click_unsubscribe(client, planner_api, people, database_tasks):
    planner_api.post(URL, {**TEXTS, "send": True}, format="json")
    run_queued_tasks()
    message = next(m for m in mail.outbox if m.to == ["ana@example.org"])
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert url in message.body
    path = url.split("127.0.0.1:8000", 1)[-1] if "127.0.0.1:8000" in url else "/" + url.split("/", 3)[3]

    # Opening the link (a mail scanner does) stops nothing.
    assert client.get(path).status_code == 200
    assert Registration.objects.get(email="ana@example.org").unsubscribed_at is None
    # The mail client's one-click POST (RFC 8058) stops the announcements, with no CSRF token.
    response = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert Registration.objects.get(email="ana@example.org").unsubscribed_at is not None

    assert count(planner_api, {}) == 2
    mail.outbox.clear()
    planner_api.post(URL, {**TEXTS, "send": True}, format="json")
    run_queued_tasks()
    assert "ana@example.org" not in [m.to[0] for m in mail.outbox]

    # ... but never the emails about one's own registration.
    mail.outbox.clear()
    emails.send_registration_email(people["ana"].pk, "seat_offered")
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]


def test_a_tampered_unsubscribe_link_is_not_found(client, people):
    assert client.post("/unsubscribe/not-a-token/").status_code == 404


def test_announcements_are_for_planners_of_this_summit(api, summit, people):
    assert api.get(URL).status_code == 401
    volunteer = staff_client(summit, StaffRole.Role.VOLUNTEER)
    assert volunteer.post(URL, {**TEXTS, "send": True}, format="json").status_code == 403
    assert not AnnouncementDelivery.objects.exists()


def test_a_reminder_goes_to_confirmed_attendees_once_when_due(summit, people, database_tasks):
    reminder = Reminder.objects.create(summit=summit, days_before=2)
    too_early = summit.starts_at - datetime.timedelta(days=3)
    assert services.send_due_reminders(now=too_early) == 0

    due = summit.starts_at - datetime.timedelta(days=2)
    assert services.send_due_reminders(now=due) == 3
    assert services.send_due_reminders(now=due + datetime.timedelta(minutes=1)) == 0
    run_queued_tasks()
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["ana@example.org", "beto@example.org", "cruz@example.org"]
    beto = by_address["beto@example.org"]
    assert "Le recordamos" in beto.body or "recordatorio" in beto.body.lower()
    assert "/r/" in beto.body  # the private link
    assert any(name.endswith(".png") for name, *_ in beto.attachments)  # the badge
    reminder.refresh_from_db()
    assert reminder.sent_at == due


def test_no_reminder_after_the_summit_started(summit, people):
    Reminder.objects.create(summit=summit, days_before=2)
    assert services.send_due_reminders(now=summit.starts_at + datetime.timedelta(hours=1)) == 0


def test_the_messages_page_previews_then_sends(client, summit, people, database_tasks):
    planner = staff_client(summit, StaffRole.Role.PLANNER).user
    client.force_login(planner)
    page = f"/summits/{summit.slug}/messages/"
    form = {**TEXTS, "status": ["confirmed"], "language": "es", "action": "preview"}

    preview = client.post(page, form)
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "It goes to 2 attendees." in html and "junto a la biblioteca" in html and "lot B" in html
    assert not AnnouncementDelivery.objects.exists()

    sent = client.post(page, {**form, "action": "send"})
    assert sent.status_code == 302
    run_queued_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == ["beto@example.org", "cruz@example.org"]
    listing = client.get(page).content.decode()
    assert "2 of 2 sent" in listing


def test_the_messages_page_names_a_missing_field(client, summit, people):
    planner = staff_client(summit, StaffRole.Role.PLANNER).user
    client.force_login(planner)
    response = client.post(f"/summits/{summit.slug}/messages/", {**TEXTS, "subject_es": "", "action": "send"})
    assert response.status_code == 400
    assert "Subject in Spanish" in response.content.decode()
    assert not AnnouncementDelivery.objects.exists()


def test_the_messages_page_is_for_planners(client, summit):
    volunteer = staff_client(summit, StaffRole.Role.VOLUNTEER).user
    client.force_login(volunteer)
    assert client.get(f"/summits/{summit.slug}/messages/").status_code == 403
