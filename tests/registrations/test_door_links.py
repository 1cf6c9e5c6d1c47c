"""Door links sign one device in as a volunteer of one summit, until it ends or is revoked.

Opening a link (GET) shows a confirm page; only its button (a POST with the CSRF token) claims the
link, so a chat app's link preview, which opens the link too, changes nothing."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from registrations.badges.codes import badge_code
from registrations.door.links import create_door_link, revoke_door_link
from registrations.models import DoorLink, DoorLinkEvent
from summit.models import StaffRole
from tests.factories import RegistrationFactory, StaffRoleFactory, SummitFactory, UserFactory


def open_link(device, token):
    """What a volunteer does: open the link, then press the confirm page's button."""
    page = device.get(f"/door/{token}/")
    assert page.status_code == 200, page.status_code
    return device.post(f"/door/{token}/", {"csrfmiddlewaretoken": page.context["csrf_token"]})


def test_door_link_command_prints_url_alone_on_last_line(summit, settings):
    settings.SITE_URL = "https://summit.example.org"
    out = io.StringIO()

    call_command("door_link", "sb25", "--label", "North door", stdout=out, stderr=io.StringIO())

    last = out.getvalue().strip().splitlines()[-1]
    assert last.startswith("https://summit.example.org/door/")
    link = DoorLink.objects.get()
    assert link.label == "North door"
    assert StaffRole.objects.filter(user=link.user, summit=summit, role="volunteer").exists()
    assert last.rsplit("/", 2)[-2] not in link.token_hash


def test_opening_the_link_lands_on_the_door_page_signed_in(summit):
    person = RegistrationFactory(summit=summit, first_name="Rosa", last_name="Parks")
    link, token = create_door_link(summit=summit, label="North door")
    device = Client()

    response = open_link(device, token)

    assert response.status_code == 302
    assert response["Location"] == "/summits/sb25/door/"
    page = device.get("/summits/sb25/door/")
    assert page.status_code == 200
    assert b"Door check-in" in page.content
    scan = device.post(
        "/api/summits/sb25/checkins/", {"code": badge_code(person)}, content_type="application/json"
    )
    assert scan.status_code == 201
    assert scan.json()["by"] == "North door"
    assert device.session.get_expiry_date() == summit.ends_at
    assert list(link.events.values_list("action", flat=True)) == ["created", "opened"]


def test_opening_the_link_shows_a_confirm_page_and_changes_nothing(summit):
    link, token = create_door_link(summit=summit, label="North door")
    device = Client()

    page = device.get(f"/door/{token}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "<h1>Sign in this device for the door</h1>" in html
    assert f'<form method="post" action="/door/{token}/">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert ">Sign in this device</button>" in html
    link.refresh_from_db()
    assert (link.opened_at, link.session_key) == (None, "")
    assert list(link.events.values_list("action", flat=True)) == ["created"]
    assert device.get("/summits/sb25/door/").status_code == 302  # to the sign-in page


def test_a_chat_link_preview_does_not_claim_the_link(summit):
    link, token = create_door_link(summit=summit, label="North door")
    preview_bot = Client()
    preview_bot.get(f"/door/{token}/", HTTP_USER_AGENT="WhatsApp/2.23.20.0")
    preview_bot.get(f"/door/{token}/", HTTP_USER_AGENT="WhatsApp/2.23.20.0")
    link.refresh_from_db()
    assert (link.opened_at, link.session_key) == (None, "")

    response = open_link(Client(enforce_csrf_checks=True), token)

    assert (response.status_code, response["Location"]) == (302, "/summits/sb25/door/")
    link.refresh_from_db()
    assert link.opened_at is not None
    assert list(link.events.values_list("action", flat=True)) == ["created", "opened"]
    assert preview_bot.get("/summits/sb25/door/").status_code == 302  # the bot is not signed in


def test_claiming_a_link_needs_the_csrf_token(summit):
    link, token = create_door_link(summit=summit)
    device = Client(enforce_csrf_checks=True)
    device.get(f"/door/{token}/")

    response = device.post(f"/door/{token}/")

    assert response.status_code == 403
    link.refresh_from_db()
    assert (link.opened_at, link.session_key) == (None, "")
    assert device.get("/summits/sb25/door/").status_code == 302


def test_link_signs_in_for_that_summit_only(summit):
    other = SummitFactory(slug="elsewhere")
    elsewhere = RegistrationFactory(summit=other)
    _, token = create_door_link(summit=summit)
    device = Client()
    open_link(device, token)

    assert device.get("/summits/elsewhere/door/").status_code == 403
    response = device.post(
        "/api/summits/elsewhere/checkins/", {"code": badge_code(elsewhere)}, content_type="application/json"
    )
    assert response.status_code == 403


def test_second_device_opening_the_same_link_is_refused(summit):
    _, token = create_door_link(summit=summit)
    open_link(Client(), token)
    second = Client()

    page = second.get(f"/door/{token}/")
    claim = second.post(f"/door/{token}/")

    assert (page.status_code, claim.status_code) == (403, 403)
    assert b"already in use on another device" in page.content
    assert b"already in use on another device" in claim.content
    # Only the attempt to claim is logged: opening the link changes nothing.
    assert DoorLinkEvent.objects.filter(action="refused").count() == 1


def test_same_device_may_open_its_link_again(summit):
    _, token = create_door_link(summit=summit)
    device = Client()
    open_link(device, token)

    again = device.get(f"/door/{token}/")

    assert (again.status_code, again["Location"]) == (302, "/summits/sb25/door/")


def test_revoking_signs_the_device_out(summit):
    person = RegistrationFactory(summit=summit)
    link, token = create_door_link(summit=summit)
    device = Client()
    open_link(device, token)

    revoke_door_link(link)

    assert device.get("/summits/sb25/door/").status_code == 302  # to the sign-in page
    response = device.post(
        "/api/summits/sb25/checkins/", {"code": badge_code(person)}, content_type="application/json"
    )
    assert response.status_code == 401
    assert Client().get(f"/door/{token}/").status_code == 403
    assert Client().post(f"/door/{token}/").status_code == 403


def test_forged_or_revoked_token_is_refused(summit):
    assert Client().get("/door/not-a-token/").status_code == 403
    assert Client().post("/door/not-a-token/").status_code == 403


def test_link_stops_working_when_the_summit_ends(summit):
    link, token = create_door_link(summit=summit)
    summit.starts_at = timezone.now() - datetime.timedelta(days=2)
    summit.ends_at = timezone.now() - datetime.timedelta(days=1)
    summit.save()

    assert Client().get(f"/door/{token}/").status_code == 403
    assert Client().post(f"/door/{token}/").status_code == 403
    assert link.is_active() is False


def test_planner_creates_and_revokes_links_on_the_page(summit):
    planner = UserFactory(username="plan@example.org", is_staff=True)
    StaffRoleFactory(user=planner, summit=summit, role=StaffRole.Role.PLANNER)
    browser = Client()
    browser.force_login(planner)

    created = browser.post("/summits/sb25/door/links/", {"label": "South door"})

    assert created.status_code == 200
    assert b"data:image/png;base64," in created.content
    link = DoorLink.objects.get()
    assert link.created_by == planner
    revoked = browser.post("/summits/sb25/door/links/", {"revoke": link.pk})
    assert revoked.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert link.user.is_active is False


def test_volunteer_cannot_manage_links_or_see_the_dashboard(summit):
    volunteer = UserFactory(username="vol@example.org")
    StaffRoleFactory(user=volunteer, summit=summit, role=StaffRole.Role.VOLUNTEER)
    browser = Client()
    browser.force_login(volunteer)

    assert browser.get("/summits/sb25/door/links/").status_code == 403
    assert browser.post("/summits/sb25/door/links/", {"label": "x"}).status_code == 403
    assert browser.get("/summits/sb25/door/dashboard/").status_code == 403
    assert DoorLink.objects.count() == 0


def test_planner_dashboard_page_shows_counts_and_no_shows(summit):
    planner = UserFactory(username="plan@example.org", is_staff=True)
    StaffRoleFactory(user=planner, summit=summit, role=StaffRole.Role.PLANNER)
    RegistrationFactory(summit=summit, first_name="Tom", last_name="Lee")
    browser = Client()
    browser.force_login(planner)

    page = browser.get("/summits/sb25/door/dashboard/")

    assert page.status_code == 200
    assert b"0 of 1 checked in" in page.content
    assert b"Tom Lee" in page.content


def test_door_page_has_no_inline_script_and_passes_strings_as_json(summit):
    _, token = create_door_link(summit=summit)
    device = Client()
    open_link(device, token)

    html = device.get("/summits/sb25/door/").content.decode()

    assert '<script id="door-config" type="application/json">' in html
    for chunk in html.split("<script")[1:]:
        tag = chunk.split(">", 1)[0]
        assert "src=" in tag or 'type="application/json"' in tag
    assert "vendor/zxing-wasm/zxing-wasm-reader.iife.js" in html
    assert "cdn" not in html.lower()


def test_door_page_in_spanish(summit):
    _, token = create_door_link(summit=summit)
    device = Client()
    open_link(device, token)

    response = device.get("/summits/sb25/door/", HTTP_ACCEPT_LANGUAGE="es")

    assert response.status_code == 200
    assert response["Content-Language"] == "es"


def test_sign_out_ends_the_session_and_is_logged(summit):
    link, token = create_door_link(summit=summit)
    device = Client()
    open_link(device, token)

    response = device.post("/summits/sb25/door/sign-out/")

    assert response.status_code == 200
    assert device.get("/summits/sb25/door/").status_code == 302
    assert link.events.filter(action="signed_out").count() == 1


def test_door_link_command_unknown_summit(db):
    with pytest.raises(CommandError):
        call_command("door_link", "nope", stdout=io.StringIO(), stderr=io.StringIO())


def test_door_link_command_revokes_by_id(summit):
    link, _ = create_door_link(summit=summit, label="North door")

    call_command("door_link", "sb25", "--revoke", str(link.pk), stdout=io.StringIO(), stderr=io.StringIO())

    link.refresh_from_db()
    assert link.revoked_at is not None


def test_the_door_links_page_says_links_work_until_the_summit_ends_in_its_own_time_zone(summit):
    los_angeles = summit.tz
    summit.starts_at = datetime.datetime(2030, 1, 3, 8, 30, tzinfo=los_angeles)
    summit.ends_at = datetime.datetime(2030, 1, 3, 16, 30, tzinfo=los_angeles)  # 00:30 on Jan. 4 in UTC
    summit.save()
    planner = UserFactory()
    StaffRoleFactory(user=planner, summit=summit, role=StaffRole.Role.PLANNER)
    browser = Client()
    browser.force_login(planner)

    page = browser.get("/summits/sb25/door/links/").content.decode()

    assert "until the summit ends (Jan. 3, 2030, 4:30 p.m. Pacific Time)" in page


def test_the_door_link_command_says_until_when_in_the_summits_time_zone(summit):
    summit.ends_at = datetime.datetime(2030, 1, 3, 16, 30, tzinfo=summit.tz)
    summit.save()
    err = io.StringIO()

    call_command("door_link", "sb25", "--label", "North door", stdout=io.StringIO(), stderr=err)

    assert "valid until 2030-01-03 16:30 PST (America/Los_Angeles)" in err.getvalue()
