"""The attendee's pages, used as a resident on a phone would: no JavaScript needed."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from registrations.models import Registration
from registrations.seats import links
from summit.models import StaffRole
from tests.factories import (
    PlanningGroupFactory,
    RegistrationFactory,
    StaffRoleFactory,
    TicketTypeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "first_name": "Rosa",
        "email": "rosa@example.org",
        "sector": "resident",
        "ticket_type": "community-resident",
        "language": "es",
    }
    data.update(overrides)
    return data


def test_registration_page_shows_the_form_with_labels_and_why_we_ask(client, summit):
    PlanningGroupFactory(summit=summit, name="Housing that lasts")

    response = client.get("/summits/sb25/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_first_name">First name' in html
    assert "Housing that lasts" in html
    assert "<script" not in html
    # Each question says why we ask it, next to it (the hint the field is described by).
    hints = dict(re.findall(r'<span class="hint" id="id_(\w+)_hint">([^<]*)</span>', html))
    assert hints == {
        "first_name": "A nickname is fine.",
        "last_name": "Optional. Printed on your badge.",
        "email": "We send your confirmation and your private link here. We do not share it.",
        "sector": "We use this only to make sure every planning group is mixed, and for totals.",
        "language": "Choose Spanish if you prefer to take part in Spanish.",
        "badge_name": "Optional. If empty, we print your first name.",
        "pronouns": "Optional. Printed on your badge, for example she/her.",
        "organization": "Optional. Only if you come on behalf of one.",
        "role_title": "Optional. You may leave this blank.",
        "phone": "Optional. Only to reach you about the summit, for example if it moves.",
        "accessibility_needs": "Optional. Tell us what would help you take part, and we will plan for it.",
        "interpretation_needs": "Optional. For example ASL or a language other than English and Spanish.",
        "dietary_needs": "Optional. So the meal works for you.",
        "childcare_needs": "Optional. Ages of the children, so we can plan childcare.",
        "share_with_group": "If you say no, your group sees only that one more person is coming.",
    }
    for field in ("email", "sector", "phone", "accessibility_needs"):
        assert f'aria-describedby="id_{field}_hint"' in html
    assert "Everything below is optional. We ask only to plan the day for you." in html
    assert "Only the summit organizers see your needs. Door volunteers and other attendees never do." in html


def test_registration_page_in_spanish_by_query_or_accept_language(client, summit):
    by_query = client.get("/summits/sb25/?lang=es").content.decode()
    by_header = client.get("/summits/sb25/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9").content.decode()

    for html in (by_query, by_header):
        assert '<html lang="es">' in html
        assert "Nombre" in html


def test_submitting_the_form_registers_and_says_to_check_email(
    client, summit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/summits/sb25/", form_data(share_with_group="on"))

    assert response.status_code == 302
    assert response["Location"].startswith("/summits/sb25/thanks/?r=")
    registration = Registration.objects.get()
    assert registration.status == "confirmed" and registration.share_with_group is True
    assert registration.language == "es"
    assert mail.outbox[0].to == ["rosa@example.org"]
    thanks = client.get(response["Location"]).content.decode()
    assert "Your registration is confirmed. Check your email" in thanks


def test_submitting_the_form_again_with_a_registered_email_answers_as_the_first_time(
    client, summit, django_capture_on_commit_callbacks
):
    first = client.post("/summits/sb25/", form_data())
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        again = client.post("/summits/sb25/", form_data(first_name="Prober", email="ROSA@example.org"))

    assert again.status_code == 302
    assert again["Location"].startswith("/summits/sb25/thanks/?r=")
    assert Registration.objects.get().first_name == "Rosa"
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]
    thanks = client.get(again["Location"]).content.decode()
    assert "Prober" not in thanks
    # It reads as the first time did: confirmed, as a new registration would be now.
    assert "Your registration is confirmed." in thanks
    assert "Your registration is confirmed." in client.get(first["Location"]).content.decode()


def test_a_registered_email_on_a_paid_ticket_is_sent_to_pay_as_a_new_one_would_be(client, summit, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_never_called"  # a duplicate makes no call to Stripe
    partner = TicketTypeFactory(summit=summit, slug="partner", price="40.00")
    existing = RegistrationFactory(summit=summit, ticket_type=partner, email="rosa@example.org")

    response = client.post("/summits/sb25/", form_data(ticket_type="partner", sector="government"))

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{settings.SITE_URL}/r/") and location.endswith("/pay/")
    assert str(existing.public_id) not in location
    assert client.get(location.removeprefix(settings.SITE_URL)).status_code == 404  # names no registration
    assert Registration.objects.count() == 1


def test_form_errors_are_shown_next_to_their_field_and_linked_from_a_summary(client, summit):
    response = client.post("/summits/sb25/", form_data(email="nope", first_name=""))

    html = response.content.decode()
    assert response.status_code == 400
    assert 'role="alert"' in html
    assert '<a href="#id_email">' in html
    assert 'id="id_email_error"' in html
    assert 'aria-describedby="id_email_hint id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert Registration.objects.count() == 0
    assert 'value="nope"' in html


def test_closed_registration_page_says_so_and_has_no_form(client, summit):
    summit.registration_closes_at = timezone.now() - datetime.timedelta(hours=1)
    summit.save()

    html = client.get("/summits/sb25/").content.decode()

    assert "Registration is closed." in html
    assert '<form method="post" novalidate>' not in html


def test_manage_link_shows_edits_and_cancels(client, summit):
    group = PlanningGroupFactory(summit=summit, slug="housing")
    registration = RegistrationFactory(
        summit=summit, ticket_type=summit.ticket_types.get(), first_name="Rosa"
    )
    url = links.manage_path(registration)

    page = client.get(url).content.decode()
    edited = client.post(
        url,
        {
            **form_data(first_name="Rosita", email=registration.email, language="en"),
            "action": "edit",
            "pref_1": "housing",
        },
    )
    cancelled = client.post(url, {"action": "cancel", "confirm": "yes"})

    assert "Hello, Rosa" in page
    assert edited.status_code == 200
    registration.refresh_from_db()
    assert registration.first_name == "Rosita"
    assert [p.group for p in registration.preferences.all()] == [group]
    assert "Your registration is cancelled." in cancelled.content.decode()
    assert registration.__class__.objects.get(pk=registration.pk).status == "cancelled"


def test_cancel_needs_the_confirmation_box(client, summit):
    registration = RegistrationFactory(summit=summit, ticket_type=summit.ticket_types.get())

    response = client.post(links.manage_path(registration), {"action": "cancel"})

    assert response.status_code == 400
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_tampered_or_revoked_manage_links_show_nothing(client, summit):
    registration = RegistrationFactory(summit=summit, ticket_type=summit.ticket_types.get())
    token = links.manage_token(registration)

    tampered = client.get(f"/r/{token[:-2]}xx/")
    registration.link_version += 1
    registration.save()
    revoked = client.get(f"/r/{token}/")

    assert tampered.status_code == 404
    assert revoked.status_code == 404
    assert registration.email not in revoked.content.decode()


def test_a_manage_link_expires_at_the_summits_retention_date(client, summit):
    registration = RegistrationFactory(summit=summit, ticket_type=summit.ticket_types.get())
    token = links.manage_token(registration)
    today = timezone.now().date()

    summit.retention_until = today
    summit.save()
    on_the_last_day = client.get(f"/r/{token}/")
    summit.retention_until = today - datetime.timedelta(days=1)
    summit.save()
    after_it = client.get(f"/r/{token}/")

    assert on_the_last_day.status_code == 200
    assert after_it.status_code == 404
    assert "If you followed your private link, ask for a new one" in after_it.content.decode()
    assert registration.first_name not in after_it.content.decode()
    assert client.get(f"/r/{token}/badge.png").status_code == 404


def test_manage_page_shows_the_published_group_and_room(client, summit):
    group = PlanningGroupFactory(summit=summit, name="Vivienda", room="Sala 3")
    registration = RegistrationFactory(summit=summit, ticket_type=summit.ticket_types.get(), group=group)

    html = client.get(links.manage_path(registration)).content.decode()

    assert "Vivienda" in html and "Sala 3" in html


def test_waitlisted_person_sees_position_and_can_take_an_offered_seat(client, summit):
    registration = RegistrationFactory(
        summit=summit,
        ticket_type=summit.ticket_types.get(),
        status="waitlisted",
        waitlisted_at=timezone.now(),
        offer_expires_at=timezone.now() + datetime.timedelta(hours=10),
    )

    page = client.get(links.manage_path(registration)).content.decode()
    response = client.post(links.manage_path(registration), {"action": "claim"})

    assert "Take my seat" in page
    assert "The seat is yours" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == "confirmed"


def test_send_my_link_always_answers_the_same(client, summit, django_capture_on_commit_callbacks):
    RegistrationFactory(summit=summit, email="known@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/summits/sb25/link/", {"email": "KNOWN@example.org"})
        unknown = client.post("/summits/sb25/link/", {"email": "stranger@example.org"})

    def page(response):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())

    assert known.status_code == unknown.status_code == 200
    assert page(known) == page(unknown)
    assert [m.to for m in mail.outbox] == [["known@example.org"]]
    assert "/r/" in mail.outbox[0].body


def test_send_my_link_is_rate_limited(client, summit, settings, frozen_rate_window):
    settings.RATE_LIMITS = True
    codes = [
        client.post("/summits/sb25/link/", {"email": f"a{i}@example.org"}).status_code for i in range(11)
    ]

    assert codes == [200] * 10 + [429]


def test_assisted_registration_without_email_shows_the_private_link(client, summit):
    navigator = UserFactory()
    StaffRoleFactory(user=navigator, summit=summit, role=StaffRole.Role.NAVIGATOR)
    client.force_login(navigator)

    response = client.post("/summits/sb25/staff/register/", form_data(email=""))

    html = response.content.decode()
    registration = Registration.objects.get()
    assert response.status_code == 200
    assert registration.email == "" and registration.registered_by == navigator
    # The link's token is signed with the time: find it in the page and check whose it is.
    tokens = re.findall(r"/r/([A-Za-z0-9_:\-]+)/", html)
    assert tokens and {links.registration_from_token(token) for token in tokens} == {registration}


def test_assisted_registration_of_a_registered_email_shows_no_one_elses_link(
    client, summit, django_capture_on_commit_callbacks
):
    existing = RegistrationFactory(summit=summit, email="rosa@example.org")
    navigator = UserFactory()
    StaffRoleFactory(user=navigator, summit=summit, role=StaffRole.Role.NAVIGATOR)
    client.force_login(navigator)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/summits/sb25/staff/register/", form_data())

    html = response.content.decode()
    assert response.status_code == 400
    assert links.manage_path(existing) not in html and str(existing.public_id) not in html
    assert "This email already has a registration. We sent its owner their private link." in html
    assert Registration.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["rosa@example.org"]]


def test_assisted_registration_is_for_planners_and_navigators_only(client, summit):
    volunteer = UserFactory()
    StaffRoleFactory(user=volunteer, summit=summit, role=StaffRole.Role.VOLUNTEER)
    client.force_login(volunteer)

    assert client.get("/summits/sb25/staff/register/").status_code == 403
    client.logout()
    assert client.get("/summits/sb25/staff/register/").status_code == 302
