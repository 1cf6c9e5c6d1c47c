"""A planner in the admin goes through the same use cases as the API: the seat rules run on a
summit's or ticket type's change, seats change only through the registration services, and a
deletion is the attendee's own data deletion."""

import datetime
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.utils import timezone

from registrations.models import Registration
from summit.models import StaffRole, Summit, TicketType
from summit.services import create_staff
from tests.factories import RegistrationFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db


class _FormFields(HTMLParser):
    """What a browser posts for the admin's change form left as it is: its inputs, checked boxes,
    selected options and textareas (submit buttons left out)."""

    def __init__(self):
        super().__init__()
        self.fields, self.in_form, self.select, self.textarea = [], False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id", "").endswith("_form"):
            self.in_form = True
        if not self.in_form:
            return
        kind = attrs.get("type", "text")
        if tag == "input" and attrs.get("name") and kind not in ("submit", "button", "file"):
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                self.fields.append((attrs["name"], attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self.select = {
                "name": attrs.get("name"),
                "multiple": "multiple" in attrs,
                "values": [],
                "first": None,
            }
        elif tag == "option" and self.select is not None:
            if self.select["first"] is None:
                self.select["first"] = attrs.get("value", "")
            if "selected" in attrs:
                self.select["values"].append(attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = [attrs.get("name"), ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self.select is not None:
            values = self.select["values"]
            if not values and not self.select["multiple"] and self.select["first"] is not None:
                values = [self.select["first"]]
            self.fields += [(self.select["name"], value) for value in values]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            self.fields.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None


def post_change_form(client, url, changes):
    """Open an admin change form, change some fields as a planner would, and save it."""
    page = client.get(url)
    assert page.status_code == 200
    parser = _FormFields()
    parser.feed(page.content.decode())
    data = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    data.update({name: [str(value)] for name, value in changes.items()})
    return client.post(url, data)


@pytest.fixture
def planner(client, summit):
    user, _token = create_staff(email="planner@example.org", summit=summit, role=StaffRole.Role.PLANNER)
    client.force_login(user)
    return client


def waitlist(summit, ticket_type, count):
    now = timezone.now()
    return [
        RegistrationFactory(
            summit=summit,
            ticket_type=ticket_type,
            status="waitlisted",
            confirmed_at=None,
            waitlisted_at=now - datetime.timedelta(minutes=100 - i),
            email=f"wait{i}@example.org",
        )
        for i in range(count)
    ]


@pytest.fixture
def full_summit(summit):
    summit.capacity = 2
    summit.save()
    RegistrationFactory.create_batch(2, summit=summit, ticket_type=summit.ticket_types.get())
    return summit


def summit_url(summit):
    return f"/admin/summit/summit/{summit.pk}/change/"


# -- the summit's setup ----------------------------------------------------------------------


def test_raising_the_capacity_in_the_summit_admin_offers_the_seats_to_the_first_waiting(
    planner, full_summit, django_capture_on_commit_callbacks
):
    first, second, third = waitlist(full_summit, full_summit.ticket_types.get(), 3)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_change_form(planner, summit_url(full_summit), {"capacity": 4})

    assert response.status_code == 302
    assert Summit.objects.get(pk=full_summit.pk).capacity == 4
    offered = Registration.objects.filter(offer_expires_at__isnull=False)
    assert set(offered) == {first, second}
    assert sorted(message.to[0] for message in mail.outbox) == ["wait0@example.org", "wait1@example.org"]
    page = planner.get(response["Location"]).content.decode()
    assert "2 seats freed by this change were offered to the waitlist; each person is emailed." in page


def test_lowering_the_capacity_below_the_seats_held_shows_the_error_on_the_field_and_saves_nothing(
    planner, full_summit, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_change_form(
            planner, summit_url(full_summit), {"capacity": 1, "venue": "Elsewhere Hall"}
        )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"capacity": ["2 seats are held already: the capacity cannot be lower."]}
    summit = Summit.objects.get(pk=full_summit.pk)
    assert (summit.capacity, summit.venue) == (2, "Community Center")
    assert mail.outbox == []


def test_lowering_a_quota_in_the_summit_admin_shows_the_error_on_that_ticket_types_quota(planner, summit):
    staff = TicketTypeFactory(summit=summit, slug="staff", name="Staff", quota=3, position=9)
    RegistrationFactory.create_batch(2, summit=summit, ticket_type=staff)
    ticket_types = list(summit.ticket_types.order_by("position", "pk"))
    index = ticket_types.index(staff)

    response = post_change_form(
        planner, summit_url(summit), {f"ticket_types-{index}-quota": 1, "capacity": 300}
    )

    assert response.status_code == 200
    (inline, *_groups) = response.context["inline_admin_formsets"]
    assert inline.formset.forms[index].errors == {
        "quota": ["2 seats of this ticket type are held already: the quota cannot be lower."]
    }
    assert TicketType.objects.get(pk=staff.pk).quota == 3
    assert Summit.objects.get(pk=summit.pk).capacity == 350  # the whole save is refused


def test_raising_a_quota_in_the_ticket_type_admin_offers_the_seat(
    planner, summit, django_capture_on_commit_callbacks
):
    staff = TicketTypeFactory(summit=summit, slug="staff", name="Staff", quota=1)
    RegistrationFactory(summit=summit, ticket_type=staff)
    (waiting,) = waitlist(summit, staff, 1)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_change_form(planner, f"/admin/summit/tickettype/{staff.pk}/change/", {"quota": 2})

    assert response.status_code == 302
    assert TicketType.objects.get(pk=staff.pk).quota == 2
    assert Registration.objects.get(pk=waiting.pk).offer_expires_at is not None
    assert [message.to for message in mail.outbox] == [["wait0@example.org"]]


def test_a_ticket_type_added_in_the_summit_admin_is_saved(planner, summit):
    response = post_change_form(
        planner,
        summit_url(summit),
        {
            "ticket_types-TOTAL_FORMS": 2,
            "ticket_types-1-slug": "partner",
            "ticket_types-1-name": "Partner organization",
            "ticket_types-1-price": "40.00",
            "ticket_types-1-currency": "usd",
            "ticket_types-1-quota": 20,
            "ticket_types-1-position": 2,
            "ticket_types-1-active": "on",
        },
    )

    assert response.status_code == 302
    partner = summit.ticket_types.get(slug="partner")
    assert (partner.name, str(partner.price), partner.quota) == ("Partner organization", "40.00", 20)
