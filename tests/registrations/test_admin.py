"""A planner in the admin goes through the same use cases as the API: the seat rules run on a
summit's or ticket type's change, seats change only through the registration services, and a
deletion is the attendee's own data deletion."""

import datetime
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.utils import timezone

from registrations.models import Registration
from registrations.seats.links import manage_url
from summit.models import StaffRole, Summit, TicketType
from summit.services import create_staff
from tests.factories import PlanningGroupFactory, RegistrationFactory, TicketTypeFactory

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


# -- registrations -----------------------------------------------------------------------------

REGISTRATIONS = "/admin/registrations/registration/"


def act(client, action, *registrations, **extra):
    return client.post(
        REGISTRATIONS,
        {"action": action, "_selected_action": [r.pk for r in registrations], **extra},
        follow=True,
    )


def subjects(outbox):
    return sorted((message.to[0], message.subject) for message in outbox)


def test_cancelling_in_the_admin_offers_the_freed_seat_to_the_first_waiting_and_emails_them(
    planner, full_summit, django_capture_on_commit_callbacks
):
    leaving = full_summit.registrations.filter(status="confirmed").first()
    first, second = waitlist(full_summit, full_summit.ticket_types.get(), 2)

    with django_capture_on_commit_callbacks(execute=True):
        response = act(planner, "cancel_registrations", leaving)

    leaving.refresh_from_db()
    assert leaving.status == "cancelled"
    assert Registration.objects.get(pk=first.pk).offer_expires_at is not None
    assert Registration.objects.get(pk=second.pk).offer_expires_at is None
    summit = full_summit.display_name
    assert subjects(mail.outbox) == [
        (leaving.email, f"Your registration for {summit} is cancelled"),
        ("wait0@example.org", f"A seat is free for you at {summit}"),
    ]
    assert "1 registration cancelled; its seat, if it held one, is offered to the waitlist." in (
        response.content.decode()
    )


def test_the_status_and_seat_fields_cannot_be_changed_in_the_registration_form(planner, summit):
    person = RegistrationFactory(summit=summit, first_name="Ana")
    url = f"{REGISTRATIONS}{person.pk}/change/"

    response = post_change_form(
        planner,
        url,
        {"first_name": "Ana María", "status": "cancelled", "offer_expires_at_0": "2030-01-01"},
    )

    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.status, person.offer_expires_at) == ("Ana María", "confirmed", None)


def test_registrations_are_not_added_in_the_admin_which_links_to_the_assisted_page(planner, summit):
    assert planner.get(f"{REGISTRATIONS}add/").status_code == 403

    listing = planner.get(REGISTRATIONS).content.decode()

    assert 'href="/summits/sb25/staff/register/"' in listing
    assert "Registrations are not added here" in listing


def test_offering_seats_in_the_admin_offers_where_one_is_free_and_names_who_got_none(
    planner, summit, django_capture_on_commit_callbacks
):
    summit.capacity = 2
    summit.save()
    confirmed = RegistrationFactory(summit=summit, ticket_type=summit.ticket_types.get())
    first, second = waitlist(summit, summit.ticket_types.get(), 2)

    with django_capture_on_commit_callbacks(execute=True):
        response = act(planner, "offer_seats", second, first, confirmed)

    page = response.content.decode()
    # One seat is free: the selection is offered seats in the waitlist's order.
    assert Registration.objects.get(pk=first.pk).offer_expires_at is not None
    assert Registration.objects.get(pk=second.pk).offer_expires_at is None
    assert subjects(mail.outbox) == [
        ("wait0@example.org", f"A seat is free for you at {summit.display_name}")
    ]
    assert "A seat was offered to 1 person, who is emailed." in page
    assert f"No seat was free for 1 person: {second}." in page
    assert "1 registration is not on the waitlist, so was not offered a seat." in page


def test_sending_the_private_link_again_from_the_admin_emails_it(
    planner, summit, django_capture_on_commit_callbacks
):
    person = RegistrationFactory(summit=summit, email="ana@example.org")
    no_email = RegistrationFactory(summit=summit, email="")

    with django_capture_on_commit_callbacks(execute=True):
        response = act(planner, "send_manage_links", person, no_email)

    assert subjects(mail.outbox) == [("ana@example.org", f"Your private link for {summit.display_name}")]
    assert manage_url(person) in mail.outbox[0].body
    page = response.content.decode()
    assert "Private link emailed to 1 person." in page
    assert "1 registration has no email, so no link was sent." in page


def test_deleting_in_the_admin_erases_the_person_and_offers_their_seat(
    planner, full_summit, django_capture_on_commit_callbacks
):
    leaving = full_summit.registrations.filter(status="confirmed").first()
    (waiting,) = waitlist(full_summit, full_summit.ticket_types.get(), 1)
    url = f"{REGISTRATIONS}{leaving.pk}/delete/"

    confirmation = planner.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = planner.post(url, {"post": "yes"}, follow=True)

    assert "a seat it held is offered to the next person on the waitlist" in confirmation
    erased = Registration.objects.get(pk=leaving.pk)
    assert (erased.status, erased.first_name, erased.last_name, erased.email) == ("cancelled", "", "", "")
    assert erased.badge_code_hash is None
    assert Registration.objects.get(pk=waiting.pk).offer_expires_at is not None
    assert "wait0@example.org" in [message.to[0] for message in mail.outbox]
    assert f"The registration of {leaving} is deleted" in response.content.decode()


def test_deleting_the_selected_registrations_is_each_ones_data_deletion(planner, full_summit):
    leaving = list(full_summit.registrations.all())
    (waiting,) = waitlist(full_summit, full_summit.ticket_types.get(), 1)

    confirmation = act(planner, "delete_selected", *leaving).content.decode()
    response = act(planner, "delete_selected", *leaving, post="yes")

    assert "Delete the 2 selected registrations? This is each attendee" in confirmation
    assert "The anonymized registration stays" in confirmation
    assert [(r.status, r.email) for r in Registration.objects.filter(pk__in=[r.pk for r in leaving])] == [
        ("cancelled", ""),
        ("cancelled", ""),
    ]
    assert Registration.objects.get(pk=waiting.pk).offer_expires_at is not None
    assert "2 registrations deleted: cancelled, their seats offered on, the details erased." in (
        response.content.decode()
    )


def test_moving_people_in_the_admin_places_them_in_the_chosen_group_locked(planner, summit):
    from workshops.models import Assignment

    group = PlanningGroupFactory(summit=summit, name="Housing")
    elsewhere = PlanningGroupFactory(name="Elsewhere group")
    (waiting,) = waitlist(summit, summit.ticket_types.get(), 1)
    person = RegistrationFactory(summit=summit)

    choice = act(planner, "move_to_group", person, waiting).content.decode()
    response = act(planner, "move_to_group", person, waiting, apply="yes", group=group.pk)

    assert "Housing" in choice and "Elsewhere group" not in choice
    assignment = Assignment.objects.get()
    assert (assignment.registration, assignment.group, assignment.locked) == (person, group, True)
    page = response.content.decode()
    assert "1 person moved to Housing and locked there; publish the assignment" in page
    assert "1 registration is not confirmed, so was not placed in a group." in page
    refused = act(planner, "move_to_group", person, apply="yes", group=elsewhere.pk).content.decode()
    assert "Select a valid choice" in refused
    assert Assignment.objects.get().group == group


# -- times in the summit's own time zone -----------------------------------------------------


def test_the_summit_form_shows_and_saves_its_times_in_the_summits_time_zone(planner, summit):
    los_angeles = summit.tz
    summit.starts_at = datetime.datetime(2030, 1, 3, 8, 30, tzinfo=los_angeles)
    summit.ends_at = datetime.datetime(2030, 1, 3, 16, 30, tzinfo=los_angeles)
    summit.save()

    form = planner.get(summit_url(summit)).content.decode()
    response = post_change_form(planner, summit_url(summit), {"ends_at_1": "20:30:00"})

    assert 'name="starts_at_0" value="2030-01-03"' in form
    assert 'name="starts_at_1" value="08:30:00"' in form
    assert "In Pacific Time." in form
    assert response.status_code == 302
    ends_at = Summit.objects.get(pk=summit.pk).ends_at
    assert ends_at == datetime.datetime(2030, 1, 3, 20, 30, tzinfo=los_angeles)


def test_a_registration_in_the_admin_shows_its_times_in_the_summits_time_zone(planner, summit):
    offer_ends = datetime.datetime(2030, 1, 3, 20, 30, tzinfo=summit.tz)  # 04:30 on Jan. 4 in UTC
    registration = RegistrationFactory(
        summit=summit, status="waitlisted", confirmed_at=None, offer_expires_at=offer_ends
    )

    page = planner.get(f"/admin/registrations/registration/{registration.pk}/change/").content.decode()

    assert "Jan. 3, 2030, 8:30 p.m." in page
    assert "Times on this page are in Pacific Time." in page
