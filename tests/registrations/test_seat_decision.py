"""The seat decision's count and the per-process catalog of ticket types and groups.

Registration decides seats from its own count (on PostgreSQL in the registrations_register()
function, from status counts that triggers keep; on SQLite in Python) and checks slugs against a
catalog kept per process for a few seconds (registrations.catalog). These tests hold both to what
a planner and an attendee would see: the count agrees with the seats the rest of Summit says are
held, and an edit to ticket types or groups is obeyed on the next request."""

import datetime
import json

import pytest
from django.db import connection
from django.utils import timezone

from registrations.models import Registration
from registrations.seats import services
from summit.models import PlanningGroup, TicketType
from tests.factories import PlanningGroupFactory, RegistrationFactory, SummitFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db

URL = "/api/summits/sb25/registrations/"


def payload(**overrides):
    data = {
        "first_name": "Ana",
        "email": "ana@example.org",
        "sector": "resident",
        "ticket_type": "community-resident",
    }
    data.update(overrides)
    return data


def test_the_seat_count_agrees_with_holding_seats_in_every_state(summit):
    now = timezone.now()
    resident = summit.ticket_types.get()
    staff = TicketTypeFactory(summit=summit, slug="staff", quota=10)
    hour = datetime.timedelta(hours=1)
    states = [
        {"status": "confirmed"},
        {"status": "pending_payment", "hold_expires_at": now + hour},
        {"status": "pending_payment", "hold_expires_at": now - hour},  # held until Stripe expires it
        {"status": "waitlisted", "waitlisted_at": now - 3 * hour, "offer_expires_at": now + hour},
        {"status": "waitlisted", "waitlisted_at": now - 2 * hour, "offer_expires_at": now - hour},
        {"status": "waitlisted", "waitlisted_at": now - hour},
        {"status": "waitlisted", "waitlisted_at": now + hour},  # not ahead of someone waitlisted now
        {"status": "cancelled", "cancelled_at": now},
    ]
    for index, state in enumerate(states):
        for ticket_type in (resident, staff):
            RegistrationFactory(
                summit=summit,
                ticket_type=ticket_type,
                email=f"{ticket_type.slug}{index}@example.org",
                **{"confirmed_at": None, **state},
            )

    taken, taken_of_staff = services.seat_counts(summit, staff, now=now)

    held = Registration.objects.filter(summit=summit).holding_seats(now)
    assert taken == held.count() == 8
    assert taken_of_staff == held.filter(ticket_type=staff).count() == 4


def test_the_waitlist_position_in_the_answer_is_the_persons_place_in_line(api, summit):
    summit.capacity = 1
    summit.save()
    answers = [api.post(URL, payload(email=f"p{i}@example.org"), format="json").json() for i in range(4)]

    assert [answer["status"] for answer in answers] == ["confirmed", "waitlisted", "waitlisted", "waitlisted"]
    assert [answer["waitlist_position"] for answer in answers] == [None, 1, 2, 3]
    third = Registration.objects.get(public_id=answers[3]["id"])
    assert services.waitlist_position(Registration.objects.get(pk=third.pk)) == 3


def test_a_ticket_type_added_after_a_registration_can_be_chosen_at_once(api, summit):
    assert api.post(URL, payload(), format="json").status_code == 201

    TicketTypeFactory(summit=summit, slug="partner")
    PlanningGroupFactory(summit=summit, slug="new-group")

    response = api.post(
        URL,
        payload(email="b@example.org", ticket_type="partner", group_preferences=["new-group"]),
        format="json",
    )
    assert response.status_code == 201, response.json()


def test_a_ticket_type_taken_off_sale_behind_the_cache_is_refused(api, summit):
    """Another process's catalog may be a few seconds old: the seat decision reads the ticket
    type again under the lock, so a ticket type taken off sale is refused at once, not sold."""
    assert api.post(URL, payload(), format="json").status_code == 201
    # A bulk update sends no signal, as an edit in another process would not reach this one.
    TicketType.objects.filter(summit=summit).update(active=False)

    response = api.post(URL, payload(email="late@example.org"), format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "ticket_type_unavailable"
    assert "ticket_type" in response.json()["errors"]
    assert not Registration.objects.filter(email="late@example.org").exists()


def test_a_quota_lowered_behind_the_cache_is_obeyed(api, summit):
    assert api.post(URL, payload(), format="json").status_code == 201
    TicketType.objects.filter(summit=summit).update(quota=1)

    response = api.post(URL, payload(email="second@example.org"), format="json")

    assert response.json()["status"] == "waitlisted"


def test_a_deleted_group_is_refused_with_the_field_named(api, summit):
    PlanningGroupFactory(summit=summit, slug="housing")
    assert api.post(URL, payload(group_preferences=["housing"]), format="json").status_code == 201
    PlanningGroup.objects.get(slug="housing").delete()

    response = api.post(URL, payload(email="c@example.org", group_preferences=["housing"]), format="json")

    assert response.status_code == 400
    assert "group_preferences" in response.json()["errors"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("idempotency_key", [None, "key-1"])
def test_a_group_deleted_by_another_process_gets_a_409_and_writes_nothing(api, summit, idempotency_key):
    group = PlanningGroupFactory(summit=summit, slug="housing")
    assert api.post(URL, payload(), format="json").status_code == 201  # this process's catalog has it
    with connection.cursor() as cursor:  # no signal reaches this process, as from another one
        cursor.execute("DELETE FROM summit_planninggroup WHERE id = %s", [group.pk])
    headers = {"HTTP_IDEMPOTENCY_KEY": idempotency_key} if idempotency_key else {}

    response = api.post(
        URL, payload(email="d@example.org", group_preferences=["housing"]), format="json", **headers
    )

    assert response.status_code == 409
    assert response.json()["code"] == "choices_changed"
    assert not Registration.objects.filter(email="d@example.org").exists()
    again = api.post(URL, payload(email="d@example.org", group_preferences=["housing"]), format="json")
    assert again.status_code == 400 and "group_preferences" in again.json()["errors"]


def test_registration_closed_behind_the_cache_is_refused_with_409(api, summit):
    from summit.models import Summit

    assert api.post(URL, payload(), format="json").status_code == 201
    Summit.objects.filter(pk=summit.pk).update(
        registration_closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    response = api.post(URL, payload(email="late@example.org"), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "registration_closed"
    assert not Registration.objects.filter(email="late@example.org").exists()


@pytest.mark.parametrize("groups", [[], ["transit"], ["transit", "housing", "jobs"]])
def test_a_registration_is_stored_as_the_orm_would_store_it(api, summit, groups):
    """Registration writes its rows with its own prepared INSERT (services._insert_registration):
    what it stores must be exactly what Registration.save() and the preferences' save() store."""
    from registrations.badges.codes import badge_code, find_registration
    from registrations.models import GroupPreference

    for slug in ("transit", "housing", "jobs"):
        PlanningGroupFactory(summit=summit, slug=slug)
    given = payload(
        first_name="Ana María",
        last_name="Núñez",
        badge_name="Ana",
        pronouns="she/her",
        email="Ana.Nunez@Example.org",
        phone="+1 805 555 0100",
        organization="Westside Tenants",
        role_title="Organizer",
        sector="community_org",
        language="es",
        accessibility_needs="Step-free seat",
        interpretation_needs="Spanish",
        dietary_needs="Vegetarian",
        childcare_needs="Two children, 3 and 6",
        share_with_group=True,
        photo_consent=True,
        group_preferences=groups,
    )
    before = timezone.now()

    response = api.post(URL, given, format="json")

    assert response.status_code == 201, response.json()
    stored = Registration.objects.get(public_id=response.json()["id"])
    twin = Registration(
        summit=summit,
        ticket_type=summit.ticket_types.get(),
        **{name: value for name, value in given.items() if name not in ("ticket_type", "group_preferences")},
    )
    # The same person saved by the ORM (under another email, as both are live).
    twin.email = "twin@example.org"
    twin.status, twin.confirmed_at = stored.status, stored.confirmed_at
    twin.save()
    twin.refresh_from_db()
    skip = {"id", "public_id", "email", "badge_code_hash", "created_at", "updated_at"}
    for field in Registration._meta.concrete_fields:
        if field.name not in skip:
            assert getattr(stored, field.attname) == getattr(twin, field.attname), field.name
    assert stored.status == "confirmed" and stored.email == "Ana.Nunez@Example.org"
    assert before <= stored.created_at <= stored.updated_at <= timezone.now()
    assert find_registration(summit, badge_code(stored)) == stored
    assert list(
        GroupPreference.objects.filter(registration=stored)
        .order_by("rank")
        .values_list("group__slug", "rank")
    ) == [(slug, rank) for rank, slug in enumerate(groups, 1)]


def _scans(node):
    yield node
    for child in node.get("Plans", []):
        yield from _scans(child)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="plans are PostgreSQL's")
def test_the_seat_decision_reads_no_waitlisted_row_even_with_reused_plans(summit):
    """The decision runs while the summit is locked, so it must not read the waitlist: with
    PostgreSQL's generic plans (what the function's statements reuse) and no statistics (a
    table that grew since it was last analyzed), its statements read only the open offers from
    the registrations, and the waitlist's length from the counts. auto_explain logs the plan
    of every statement the function runs, and the test reads them back."""
    now = timezone.now()
    resident = summit.ticket_types.get()
    for index in range(150):
        RegistrationFactory(
            summit=summit,
            ticket_type=resident,
            status="waitlisted",
            waitlisted_at=now,
            email=f"w{index}@example.org",
        )
    RegistrationFactory(summit=summit, ticket_type=resident, status="confirmed", email="seated@example.org")
    RegistrationFactory(
        summit=summit,
        ticket_type=resident,
        status="waitlisted",
        waitlisted_at=now,
        offer_expires_at=now + datetime.timedelta(hours=1),
        email="offered@example.org",
    )
    summit.capacity = 2
    summit.save()
    logged = []
    connection.ensure_connection()
    connection.connection.add_notice_handler(lambda notice: logged.append(notice.message_primary))
    with connection.cursor() as cursor:
        cursor.execute("LOAD 'auto_explain'")
        for setting, value in [
            ("plan_cache_mode", "force_generic_plan"),
            ("auto_explain.log_min_duration", "0"),
            ("auto_explain.log_nested_statements", "on"),
            ("auto_explain.log_analyze", "on"),
            ("auto_explain.log_format", "json"),
            ("client_min_messages", "log"),
        ]:
            cursor.execute("SELECT set_config(%s, %s, true)", [setting, value])

    registration, _created = services.register_attendee(
        summit,
        data={"first_name": "Ana", "email": "ana@example.org", "sector": "resident", "ticket_type": resident},
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('client_min_messages', 'notice', true)")

    assert registration.status == "waitlisted"
    assert services.waitlist_position(registration) == 152
    plans = [json.loads(message.split("plan:", 1)[1])["Plan"] for message in logged if "plan:" in message]
    reads = [
        node
        for plan in plans
        for node in _scans(plan)
        if node.get("Relation Name") == "registrations_registration" and "Scan" in node["Node Type"]
    ]
    assert reads, logged  # the open offers are read from the registrations
    for node in reads:
        assert node["Node Type"] != "Seq Scan", json.dumps(plans, indent=1)
        assert node["Actual Rows"] <= 1 and node.get("Rows Removed by Filter", 0) == 0, json.dumps(
            node, indent=1
        )


@pytest.mark.parametrize("free", [0, 1])
def test_a_new_registration_gets_a_seat_only_while_one_is_free_in_every_state(api, summit, free):
    """The seats the decision counts are the seats the rest of Summit says are held (on
    PostgreSQL from the status counts and the open offers, elsewhere by counting): with the
    capacity set to the seats held, the next person waits; with one more, they get it."""
    now = timezone.now()
    resident = summit.ticket_types.get()
    hour = datetime.timedelta(hours=1)
    states = [
        {"status": "confirmed"},
        {"status": "pending_payment", "hold_expires_at": now + hour},
        {"status": "waitlisted", "waitlisted_at": now - 3 * hour, "offer_expires_at": now + hour},
        {"status": "waitlisted", "waitlisted_at": now - 2 * hour, "offer_expires_at": now - hour},
        {"status": "waitlisted", "waitlisted_at": now - hour},
        {"status": "cancelled", "cancelled_at": now},
    ]
    for index, state in enumerate(states):
        RegistrationFactory(
            summit=summit,
            ticket_type=resident,
            email=f"s{index}@example.org",
            **{"confirmed_at": None, **state},
        )
    held = Registration.objects.filter(summit=summit).holding_seats().count()
    assert held == 3
    summit.capacity = held + free
    summit.save()

    answer = api.post(URL, payload(email="next@example.org"), format="json").json()

    assert answer["status"] == ("confirmed" if free else "waitlisted")
    # Waiting before: the expired offer and the one never offered (the open offer holds a seat
    # but is still on the waitlist): this person is behind all three.
    assert answer["waitlist_position"] == (None if free else 4)


def test_the_waitlist_position_counts_only_those_still_waiting(api, summit):
    summit.capacity = 1
    summit.save()
    answers = [api.post(URL, payload(email=f"p{i}@example.org"), format="json").json() for i in range(4)]
    assert [answer["waitlist_position"] for answer in answers] == [None, 1, 2, 3]
    services.cancel_registration(Registration.objects.get(public_id=answers[1]["id"]))

    answer = api.post(URL, payload(email="late@example.org"), format="json").json()

    assert answer["waitlist_position"] == 3
    late = Registration.objects.get(public_id=answer["id"])
    assert services.waitlist_position(late) == 3  # as counted later, on the manage page


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the status counts are kept on PostgreSQL")
def test_the_status_counts_follow_every_change_of_a_registration(summit):
    """Triggers keep StatusCount whatever writes a registration: save(), a bulk update of the
    status or ticket type, a delete, a bulk delete; a deleted summit's counts go with it."""
    from django.db.models import Count

    from registrations.models import StatusCount

    resident = summit.ticket_types.get()
    staff = TicketTypeFactory(summit=summit, slug="staff")
    other = SummitFactory(slug="other")
    other_type = TicketTypeFactory(summit=other, slug="community-resident")

    def assert_counts_are_right():
        counted = {
            (row["summit"], row["ticket_type"], row["status"]): row["n"]
            for row in Registration.objects.exclude(status="cancelled")
            .values("summit", "ticket_type", "status")
            .annotate(n=Count("id"))
        }
        kept = {
            (row.summit_id, row.ticket_type_id, row.status): row.registrations
            for row in StatusCount.objects.exclude(registrations=0)
        }
        assert kept == counted

    registrations = [
        RegistrationFactory(
            summit=summit, ticket_type=ticket_type, status=status, email=f"{status}{index}@example.org"
        )
        for index, (ticket_type, status) in enumerate(
            [
                (resident, "confirmed"),
                (resident, "waitlisted"),
                (staff, "pending_payment"),
                (staff, "waitlisted"),
            ]
            * 3
        )
    ]
    RegistrationFactory(summit=other, ticket_type=other_type, status="waitlisted", email="o@example.org")
    assert_counts_are_right()

    first = registrations[1]
    first.status = "confirmed"
    first.save()
    assert_counts_are_right()
    registrations[2].status = "cancelled"
    registrations[2].save(update_fields=["status"])
    assert_counts_are_right()
    Registration.objects.filter(summit=summit, status="waitlisted").update(ticket_type=resident)
    assert_counts_are_right()
    Registration.objects.filter(summit=summit, status="pending_payment").update(status="confirmed")
    assert_counts_are_right()
    Registration.objects.filter(pk=registrations[1].pk).update(status="confirmed")  # no change
    assert_counts_are_right()
    registrations[0].delete()
    Registration.objects.filter(summit=summit, status="waitlisted").delete()
    assert_counts_are_right()
    Registration.objects.filter(summit=summit).delete()
    summit_id = summit.pk
    assert StatusCount.objects.filter(summit_id=summit_id).exists()
    summit.delete()  # its counts with it
    assert_counts_are_right()
    assert not StatusCount.objects.filter(summit_id=summit_id).exists()
    assert StatusCount.objects.get(summit=other).registrations == 1
