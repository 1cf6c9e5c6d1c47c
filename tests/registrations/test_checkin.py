"""Door check-in service: lock, then check, then write; one admission per badge."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from registrations.badges.codes import badge_code, set_badge_code
from registrations.door.services import (
    CheckInError,
    check_in,
    check_in_registration,
    door_dashboard,
    door_list,
    search_attendees,
    undo_check_in,
)
from registrations.models import CheckIn, Registration, ScanLog
from summit.errors import DomainError
from summit.models import PlanningGroup, StaffRole
from tests.factories import (
    PlanningGroupFactory,
    RegistrationFactory,
    StaffRoleFactory,
    SummitFactory,
    UserFactory,
)


@pytest.fixture
def volunteer(summit):
    user = UserFactory(username="ana@example.org", first_name="Ana")
    StaffRoleFactory(user=user, summit=summit, role=StaffRole.Role.VOLUNTEER)
    return user


@pytest.fixture
def person(summit):
    group = PlanningGroupFactory(summit=summit, name="Housing", room="Room 101")
    return RegistrationFactory(summit=summit, first_name="Rosa", last_name="Parks", group=group)


def test_first_scan_admits_with_name_group_and_room(summit, volunteer, person):
    result = check_in(badge_code(person), summit=summit, by=volunteer, device="North door")

    assert result.result == "ok"
    assert result.status_code == 201
    assert result.registration == person
    check = CheckIn.objects.get(registration=person)
    assert (check.by, check.device, check.offline) == (volunteer, "North door", False)


def test_check_in_twice_answers_already_checked_in_with_first_time_and_who(summit, volunteer, person):
    first = check_in(badge_code(person), summit=summit, by=volunteer)
    other = UserFactory(username="ben@example.org")

    second = check_in(badge_code(person), summit=summit, by=other)

    assert second.result == "already_checked_in"
    assert second.status_code == 200
    assert second.check_in.checked_in_at == first.check_in.checked_in_at
    assert second.check_in.by == volunteer
    assert CheckIn.objects.count() == 1


def test_scanner_noise_is_normalized(summit, volunteer, person):
    code = badge_code(person)

    result = check_in(f"  {code[:5].lower()} {code[5:]}\n", summit=summit, by=volunteer)

    assert result.result == "ok"


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (Registration.Status.CANCELLED, "cancelled"),
        (Registration.Status.WAITLISTED, "waitlisted"),
        (Registration.Status.PENDING_PAYMENT, "unpaid"),
    ],
)
def test_not_admitted_with_reason(summit, volunteer, status, reason):
    registration = RegistrationFactory(summit=summit, status=status)

    result = check_in(badge_code(registration), summit=summit, by=volunteer)

    assert (result.result, result.reason, result.status_code) == ("not_admitted", reason, 409)
    assert not CheckIn.objects.exists()


def test_forged_code_is_unknown(summit, volunteer):
    result = check_in("S1-AAAAAAAAAAAAAAAAAAAAAAAAAA", summit=summit, by=volunteer)

    assert (result.result, result.status_code, result.registration) == ("unknown", 404, None)


def test_altered_code_is_unknown(summit, volunteer, person):
    code = badge_code(person)
    altered = code[:-1] + ("A" if code[-1] != "A" else "B")

    assert check_in(altered, summit=summit, by=volunteer).result == "unknown"
    assert check_in(code + "A", summit=summit, by=volunteer).result == "unknown"
    assert check_in("", summit=summit, by=volunteer).result == "unknown"


def test_revoked_code_is_unknown_after_reissue(summit, volunteer, person):
    old_code = badge_code(person)
    person.badge_version += 1
    set_badge_code(person)
    person.save()

    assert check_in(old_code, summit=summit, by=volunteer).result == "unknown"
    assert check_in(badge_code(person), summit=summit, by=volunteer).result == "ok"


def test_other_summits_code_is_unknown(summit, volunteer):
    elsewhere = RegistrationFactory(summit=SummitFactory(slug="elsewhere"))

    assert check_in(badge_code(elsewhere), summit=summit, by=volunteer).result == "unknown"
    assert not CheckIn.objects.exists()


def test_retry_with_same_nonce_gets_same_answer_not_a_second_scan(summit, volunteer, person):
    first = check_in(badge_code(person), summit=summit, by=volunteer, nonce="n-1")

    retry = check_in(badge_code(person), summit=summit, by=volunteer, nonce="n-1")

    assert (first.result, retry.result) == ("ok", "ok")
    assert retry.replayed is True
    assert retry.check_in == first.check_in
    assert ScanLog.objects.filter(action="scan").count() == 1


def test_retry_of_unknown_code_with_same_nonce_is_logged_once(summit, volunteer):
    check_in("S1-FORGED", summit=summit, by=volunteer, nonce="n-2")
    retry = check_in("S1-FORGED", summit=summit, by=volunteer, nonce="n-2")

    assert retry.result == "unknown"
    assert ScanLog.objects.count() == 1


def test_retry_after_an_undo_gets_the_first_answer_and_admits_nobody(summit, volunteer, person):
    check_in(badge_code(person), summit=summit, by=volunteer, nonce="n-3")
    undo_check_in(summit=summit, by=volunteer)

    retry = check_in(badge_code(person), summit=summit, by=volunteer, nonce="n-3")

    assert (retry.result, retry.replayed) == ("ok", True)
    assert not CheckIn.objects.exists()
    assert list(ScanLog.objects.values_list("action", flat=True)) == ["scan", "undo"]


def test_every_attempt_is_logged_without_the_code(summit, volunteer, person):
    code = badge_code(person)
    check_in(code, summit=summit, by=volunteer, device="phone 1")
    check_in(code, summit=summit, by=volunteer, device="phone 1")
    check_in("S1-NOPE", summit=summit, by=volunteer, device="phone 1")

    logs = list(ScanLog.objects.values_list("result", "registration_id", "device", "by_id"))
    assert logs == [
        ("ok", person.pk, "phone 1", volunteer.pk),
        ("already_checked_in", person.pk, "phone 1", volunteer.pk),
        ("unknown", None, "phone 1", volunteer.pk),
    ]
    stored = " ".join(str(value) for row in ScanLog.objects.values_list() for value in row)
    assert code not in stored
    assert "S1-NOPE" not in stored


def test_offline_scan_keeps_device_time(summit, volunteer, person):
    scanned = timezone.now() - datetime.timedelta(minutes=7)

    result = check_in(badge_code(person), summit=summit, by=volunteer, scanned_at=scanned, offline=True)

    assert result.result == "ok"
    assert result.check_in.checked_in_at == scanned
    assert result.check_in.offline is True


def test_offline_scan_with_absurd_clock_uses_server_time(summit, volunteer, person):
    result = check_in(
        badge_code(person),
        summit=summit,
        by=volunteer,
        scanned_at=timezone.now() + datetime.timedelta(days=3),
        offline=True,
    )

    assert abs(result.check_in.checked_in_at - timezone.now()) < datetime.timedelta(minutes=1)


def test_offline_double_admission_across_devices_is_flagged(summit, volunteer, person):
    other = UserFactory(username="door-2@example.org")
    check_in(badge_code(person), summit=summit, by=other, device="South door")

    late = check_in(badge_code(person), summit=summit, by=volunteer, device="North door", offline=True)

    assert late.result == "already_checked_in"
    assert late.flagged is True
    flagged = door_dashboard(summit)["flagged"]
    assert [(row["name"], row["device"], row["first_device"], row["result"]) for row in flagged] == [
        ("Rosa Parks", "North door", "South door", "already_checked_in")
    ]


def test_online_already_checked_in_is_not_flagged(summit, volunteer, person):
    check_in(badge_code(person), summit=summit, by=volunteer)
    again = check_in(badge_code(person), summit=summit, by=volunteer)

    assert again.flagged is False
    assert door_dashboard(summit)["flagged"] == []


def test_one_tap_check_in_by_public_id(summit, volunteer, person):
    result = check_in_registration(person.public_id, summit=summit, by=volunteer)

    assert result.result == "ok"
    assert ScanLog.objects.get().action == "tap"


def test_one_tap_refuses_another_summits_registration(summit, volunteer):
    elsewhere = RegistrationFactory(summit=SummitFactory(slug="elsewhere"))

    assert check_in_registration(elsewhere.public_id, summit=summit, by=volunteer).result == "unknown"


def test_undo_own_last_check_in_within_two_minutes(summit, volunteer, person):
    check_in(badge_code(person), summit=summit, by=volunteer)

    undone = undo_check_in(summit=summit, by=volunteer, public_id=person.public_id)

    assert undone == person
    assert not CheckIn.objects.exists()
    assert check_in(badge_code(person), summit=summit, by=volunteer).result == "ok"


def test_undo_after_two_minutes_is_refused(summit, volunteer, person):
    check_in(badge_code(person), summit=summit, by=volunteer)

    with pytest.raises(CheckInError) as refused:
        undo_check_in(summit=summit, by=volunteer, now=timezone.now() + datetime.timedelta(minutes=3))

    assert refused.value.code == "undo_expired"
    assert CheckIn.objects.count() == 1


def test_undo_of_someone_elses_check_in_is_refused(summit, volunteer, person):
    check_in(badge_code(person), summit=summit, by=volunteer)
    other = UserFactory(username="ben@example.org")

    with pytest.raises(CheckInError) as refused:
        undo_check_in(summit=summit, by=other)

    assert refused.value.code == "nothing_to_undo"
    assert CheckIn.objects.count() == 1


def test_search_returns_only_short_name_organization_and_group(summit, volunteer, person):
    person.organization = "Westside Tenants"
    person.phone = "555-0100"
    person.accessibility_needs = "wheelchair"
    person.save()
    RegistrationFactory(summit=summit, first_name="Roberto", last_name="Diaz")

    results = search_attendees(summit, "rosa", by=volunteer)

    assert results == [
        {
            "id": str(person.public_id),
            "name": "Rosa P.",
            "organization": "Westside Tenants",
            "group": "Housing",
        }
    ]
    log = ScanLog.objects.get(action="search")
    assert (log.by, log.hits) == (volunteer, 1)


def test_search_needs_three_letters(summit, volunteer):
    with pytest.raises(DomainError) as refused:
        search_attendees(summit, "ro ", by=volunteer)

    assert refused.value.code == "query_too_short"


def test_search_matches_every_word(summit, volunteer, person):
    RegistrationFactory(summit=summit, first_name="Rosa", last_name="Luxemburg")

    assert [row["name"] for row in search_attendees(summit, "rosa par", by=volunteer)] == ["Rosa P."]


def test_door_list_has_hashes_and_no_personal_details(summit, person, django_assert_num_queries):
    person.email = "rosa@example.org"
    person.dietary_needs = "vegan"
    person.save()
    RegistrationFactory.create_batch(5, summit=summit)

    with django_assert_num_queries(2):
        entries = door_list(summit)

    assert len(entries) == 6
    rosa = next(entry for entry in entries if entry["name"] == "Rosa P.")
    assert rosa == {
        "h": person.badge_code_hash,
        "name": "Rosa P.",
        "group": "Housing",
        "room": "Room 101",
        "status": "confirmed",
        "reason": "",
        "checked_in": False,
        "attention": True,
    }


def test_dashboard_counts_by_sector_and_group_and_lists_no_shows(summit, volunteer, person):
    absent = RegistrationFactory(summit=summit, first_name="Tom", last_name="Lee", sector="government")
    check_in(badge_code(person), summit=summit, by=volunteer)

    figures = door_dashboard(summit)

    assert (figures["checked_in"], figures["expected"]) == (1, 2)
    assert {row["sector"]: (row["checked_in"], row["expected"]) for row in figures["by_sector"]} == {
        "resident": (1, 1),
        "government": (0, 1),
    }
    assert [(row["name"], row["checked_in"], row["expected"]) for row in figures["by_group"]] == [
        ("Housing", 1, 1),
        (None, 0, 1),
    ]
    assert [row["id"] for row in figures["no_shows"]] == [str(absent.public_id)]
    assert sum(row["count"] for row in figures["over_time"]) == 1


def _door_day(summit, volunteer):
    """Confirmed people in two groups and none, some checked in at known times (UTC; the summit is in
    Los Angeles, UTC-7 in May), a cancelled one checked in, a waitlisted one, and an offline
    double admission."""
    transit = PlanningGroupFactory(summit=summit, slug="transit", name="Transit", room="", position=1)
    housing = PlanningGroupFactory(summit=summit, slug="housing", name="Housing", room="Room 101", position=2)
    people = {
        first: RegistrationFactory(
            summit=summit, first_name=first, last_name="Lee", sector=sector, group=group
        )
        for first, sector, group in [
            ("Ana", "resident", housing),
            ("Ben", "resident", transit),
            ("Cal", "government", None),
            ("Dia", "resident", housing),
            ("Eve", "business", transit),
            ("Fay", "government", None),
        ]
    }
    people["Dia"].organization = "Westside Tenants"
    people["Dia"].save()
    gone = RegistrationFactory(summit=summit, first_name="Gus", status="cancelled", sector="faith")
    RegistrationFactory(summit=summit, first_name="Hal", status="waitlisted", confirmed_at=None)
    for registration, at in [
        (people["Ana"], datetime.datetime(2026, 5, 2, 16, 3, tzinfo=datetime.UTC)),
        (people["Ben"], datetime.datetime(2026, 5, 2, 16, 7, 59, tzinfo=datetime.UTC)),
        (people["Eve"], datetime.datetime(2026, 5, 2, 16, 15, tzinfo=datetime.UTC)),
        (gone, datetime.datetime(2026, 5, 2, 17, 59, tzinfo=datetime.UTC)),
    ]:
        CheckIn.objects.create(registration=registration, summit=summit, checked_in_at=at, by=volunteer)
    check_in(badge_code(people["Ana"]), summit=summit, by=volunteer, device="South door", offline=True)
    return people


def test_dashboard_figures_exactly(summit, volunteer):
    people = _door_day(summit, volunteer)
    flag = ScanLog.objects.get(flagged=True)

    figures = door_dashboard(summit)

    assert figures == {
        "checked_in": 4,
        "checked_in_confirmed": 3,
        "expected": 6,
        "over_time": [
            {"at": "2026-05-02T09:00:00-07:00", "count": 2, "total": 2},
            {"at": "2026-05-02T09:10:00-07:00", "count": 1, "total": 3},
            {"at": "2026-05-02T10:50:00-07:00", "count": 1, "total": 4},
        ],
        "by_sector": [
            {"sector": "resident", "label": "Resident with lived experience", "checked_in": 2, "expected": 3},
            {"sector": "government", "label": "Government agency", "checked_in": 0, "expected": 2},
            {"sector": "business", "label": "Business", "checked_in": 1, "expected": 1},
        ],
        "by_group": [
            {"group": "transit", "name": "Transit", "room": "", "checked_in": 2, "expected": 2},
            {"group": "housing", "name": "Housing", "room": "Room 101", "checked_in": 1, "expected": 2},
            {"group": None, "name": None, "room": None, "checked_in": 0, "expected": 2},
        ],
        "no_shows": [
            {"id": str(people["Cal"].public_id), "name": "Cal Lee", "organization": "", "group": None},
            {
                "id": str(people["Dia"].public_id),
                "name": "Dia Lee",
                "organization": "Westside Tenants",
                "group": "Housing",
            },
            {"id": str(people["Fay"].public_id), "name": "Fay Lee", "organization": "", "group": None},
        ],
        "flagged": [
            {
                "scanned_at": flag.scanned_at.astimezone(summit.tz).isoformat(),
                "name": "Ana Lee",
                "device": "South door",
                "by": "Ana",
                "result": "already_checked_in",
                "reason": "",
                "first_checked_in_at": "2026-05-02T09:03:00-07:00",  # the summit's local time
                "first_by": "Ana",
                "first_device": "",
            }
        ],
    }


def test_dashboard_answers_in_six_queries_however_many_registrations(
    summit, volunteer, django_assert_num_queries
):
    _door_day(summit, volunteer)
    with django_assert_num_queries(6):
        few = door_dashboard(summit)

    housing = PlanningGroup.objects.get(slug="housing")
    for number in range(30):
        late = RegistrationFactory(
            summit=summit,
            sector=("health", "faith", "education")[number % 3],
            group=housing if number % 2 else None,
        )
        if number % 3:
            at = datetime.datetime(2026, 5, 2, 19, number, tzinfo=datetime.UTC)
            CheckIn.objects.create(registration=late, summit=summit, checked_in_at=at, by=volunteer)
    with django_assert_num_queries(6):
        more = door_dashboard(summit)

    assert (few["expected"], more["expected"]) == (6, 36)
    assert (few["checked_in"], more["checked_in"]) == (4, 24)
    assert (len(few["no_shows"]), len(more["no_shows"])) == (3, 13)


@pytest.mark.django_db(transaction=True)
def test_two_threads_scanning_one_badge_get_exactly_one_ok():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; concurrent scans are meaningful on PostgreSQL only")
    summit = SummitFactory(slug="race")
    person = RegistrationFactory(summit=summit)
    users = [UserFactory(username=f"door{n}@example.org") for n in range(2)]
    code = badge_code(person)
    barrier = threading.Barrier(2)
    answers = []

    def scan(user):
        try:
            barrier.wait()
            answers.append(check_in(code, summit=summit, by=user).result)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(answers) == ["already_checked_in", "ok"]
    assert CheckIn.objects.filter(registration=person).count() == 1


@pytest.mark.django_db(transaction=True)
def test_many_threads_scanning_many_badges_admit_each_once():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; concurrent scans are meaningful on PostgreSQL only")
    summit = SummitFactory(slug="race-many")
    people = RegistrationFactory.create_batch(5, summit=summit)
    codes = [badge_code(person) for person in people]
    users = [UserFactory(username=f"door{n}@example.org") for n in range(6)]
    barrier = threading.Barrier(len(users))
    answers = []
    lock = threading.Lock()

    def scan(user):
        try:
            barrier.wait()
            for code in codes:
                result = check_in(code, summit=summit, by=user).result
                with lock:
                    answers.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers.count("ok") == 5
    assert answers.count("already_checked_in") == 25
    assert CheckIn.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_same_nonce_sent_twice_at_once_is_one_attempt():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks; concurrent retries are meaningful on PostgreSQL only")
    summit = SummitFactory(slug="race-nonce")
    person = RegistrationFactory(summit=summit)
    user = UserFactory(username="door@example.org")
    barrier = threading.Barrier(2)
    answers = []

    def scan():
        try:
            barrier.wait()
            answers.append(check_in(badge_code(person), summit=summit, by=user, nonce="same").result)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert answers == ["ok", "ok"]
    assert CheckIn.objects.count() == 1
    assert ScanLog.objects.count() == 1
