"""The assignment use cases end to end on the database, the command and the rosters."""

import csv
import datetime
import io
import threading

import pdfplumber
import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from registrations.models import Registration
from summit.errors import DomainError
from tests.factories import GroupPreferenceFactory, PlanningGroupFactory, RegistrationFactory, UserFactory
from workshops.assignment import services
from workshops.models import Assignment, AssignmentRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups(summit):
    return {
        "housing": PlanningGroupFactory(summit=summit, slug="housing", max_size=3, position=0),
        "jobs": PlanningGroupFactory(summit=summit, slug="jobs", max_size=10, position=1),
        "vivienda": PlanningGroupFactory(
            summit=summit, slug="vivienda", language="es", max_size=10, position=2
        ),
    }


def attendee(summit, *prefs, **fields):
    registration = RegistrationFactory(summit=summit, **fields)
    for rank, group in enumerate(prefs, start=1):
        GroupPreferenceFactory(registration=registration, group=group, rank=rank)
    return registration


def no_balance():
    return {"resident_floor_margin": None, "sector_ceiling": None, "org_cap": None}


def test_run_places_every_confirmed_attendee_and_records_the_run(summit, groups):
    planner = UserFactory()
    first = [attendee(summit, groups["housing"], groups["jobs"]) for _ in range(4)]
    spanish = attendee(summit, groups["housing"], language="es")
    waiting = attendee(summit, groups["housing"], status=Registration.Status.WAITLISTED)

    run = services.run_assignment(summit, by=planner, rules=no_balance())

    drafts = {a.registration_id: a for a in Assignment.objects.all()}
    assert set(drafts) == {r.pk for r in [*first, spanish]}
    assert waiting.pk not in drafts
    assert sorted(drafts[r.pk].group.slug for r in first) == ["housing", "housing", "housing", "jobs"]
    assert drafts[spanish.pk].group.slug == "vivienda"
    assert drafts[spanish.pk].reason == "language"
    assert run.created_by == planner
    assert run.solver_status == "optimal"
    assert run.figures["people"] == 5
    assert run.figures["first_choice"]["count"] == 3
    assert run.snapshot[str(spanish.pk)] == "vivienda"
    assert Registration.objects.get(pk=spanish.pk).group is None  # nothing published yet


def test_dry_run_saves_nothing(summit, groups):
    attendee(summit, groups["jobs"])

    run = services.run_assignment(summit, dry_run=True)

    assert run.pk is None
    assert run.figures["people"] == 1
    assert AssignmentRun.objects.count() == 0
    assert Assignment.objects.count() == 0


def test_a_planners_move_is_locked_and_survives_a_rerun(summit, groups):
    person = attendee(summit, groups["jobs"])
    planner = UserFactory()
    services.run_assignment(summit, rules=no_balance())

    services.move_attendee(person, groups["housing"], by=planner)
    services.run_assignment(summit)

    draft = Assignment.objects.get(registration=person)
    assert (draft.group.slug, draft.locked, draft.reason, draft.locked_by) == (
        "housing",
        True,
        "locked",
        planner,
    )
    assert draft.reason_text == "set by a planner"


def test_unlock_lets_the_next_run_place_them_again(summit, groups):
    person = attendee(summit, groups["jobs"])
    services.move_attendee(person, groups["housing"], by=UserFactory())

    services.unlock(person, by=UserFactory())
    services.run_assignment(summit, rules={**no_balance(), "keep_previous": False})

    draft = Assignment.objects.get(registration=person)
    assert (draft.group.slug, draft.locked, draft.reason) == ("jobs", False, "first_choice")


def test_moving_to_another_summits_group_is_refused(summit, groups):
    person = attendee(summit, groups["jobs"])
    elsewhere = PlanningGroupFactory()

    with pytest.raises(DomainError) as caught:
        services.move_attendee(person, elsewhere, by=UserFactory())
    assert caught.value.code == "group_not_in_summit"


def test_publish_copies_the_draft_to_the_attendees_group(summit, groups):
    people = [attendee(summit, groups["jobs"]) for _ in range(2)]
    services.run_assignment(summit, rules=no_balance())

    outcome = services.publish_assignment(summit, by=UserFactory())

    assert outcome["published"] == 2 and outcome["unassigned"] == 0
    assert [Registration.objects.get(pk=p.pk).group.slug for p in people] == ["jobs", "jobs"]
    assert AssignmentRun.objects.get().published_at is not None


def test_publish_before_any_run_is_refused(summit, groups):
    attendee(summit, groups["jobs"])
    with pytest.raises(DomainError) as caught:
        services.publish_assignment(summit, by=None)
    assert caught.value.code == "no_assignment"


def test_rerun_for_late_registrants_keeps_everyone_else_and_compares_runs(summit, groups):
    early = [attendee(summit, groups["jobs"], groups["housing"]) for _ in range(6)]
    services.run_assignment(summit, rules=no_balance())
    before = {a.registration_id: a.group_id for a in Assignment.objects.all()}
    late = [attendee(summit, groups["housing"]) for _ in range(3)]

    run = services.run_assignment(summit)

    after = {a.registration_id: a.group_id for a in Assignment.objects.all()}
    assert all(after[p.pk] == before[p.pk] for p in early)
    assert run.figures["moved"] == 0 and run.figures["newcomers"] == 3
    comparison = services.compare_with_previous(run)
    assert (comparison["moved"], comparison["joined"], comparison["left"], comparison["kept"]) == (0, 3, 0, 6)
    assert {p.pk for p in late} <= set(after)


def test_rules_given_once_carry_over_to_reruns(summit, groups):
    attendee(summit, groups["jobs"])
    services.run_assignment(summit, rules={"org_cap": 3})

    run = services.run_assignment(summit)

    assert run.parameters["rules"]["org_cap"] == 3


def test_bad_rules_are_refused_with_the_field_named(summit, groups):
    with pytest.raises(DomainError) as caught:
        services.run_assignment(summit, rules={"sector_ceiling": "lots"})
    assert (caught.value.code, caught.value.field) == ("invalid_rule", "sector_ceiling")


def test_cancelled_attendees_lose_their_draft_on_rerun(summit, groups):
    person = attendee(summit, groups["jobs"])
    services.run_assignment(summit, rules=no_balance())
    Registration.objects.filter(pk=person.pk).update(status=Registration.Status.CANCELLED)

    services.run_assignment(summit)

    assert not Assignment.objects.filter(registration=person).exists()


def test_reasons_are_rendered_in_the_attendees_language(summit, groups):
    assert services.reason_text("first_choice", language="en") == "your first choice"
    person = attendee(summit, groups["vivienda"], language="es")
    services.run_assignment(summit, rules=no_balance())
    draft = Assignment.objects.select_related("registration").get(registration=person)
    assert draft.reason == "first_choice"
    assert draft.reason_text == services.reason_text("first_choice", language="es")


def test_roster_csv_names_only_those_who_agreed_and_defuses_formulas(summit, groups):
    attendee(
        summit,
        groups["jobs"],
        first_name="=HYPERLINK(1)",
        last_name="Doe",
        organization="+Org",
        share_with_group=True,
    )
    attendee(
        summit, groups["jobs"], first_name="Ana", last_name="Ruiz", organization="Casa", share_with_group=True
    )
    attendee(summit, groups["jobs"], first_name="Secret", last_name="Person", share_with_group=False)
    services.run_assignment(summit, rules=no_balance())
    services.publish_assignment(summit, by=None)

    rows = list(csv.reader(io.StringIO(services.roster_csv(groups["jobs"]))))

    assert rows == [
        ["Name", "Organization"],
        ["'=HYPERLINK(1) Doe", "'+Org"],
        ["Ana Ruiz", "Casa"],
        ["1 more (not named by their choice)", ""],
    ]


def test_roster_csv_defuses_an_organization_that_starts_with_a_line_break(summit, groups):
    # Some spreadsheets drop a cell's leading line break and then run the formula after it.
    attendee(
        summit, groups["jobs"], first_name="Ana", organization="\n=cmd|' /C calc'!A0", share_with_group=True
    )
    services.run_assignment(summit, rules=no_balance())
    services.publish_assignment(summit, by=None)

    rows = list(csv.reader(io.StringIO(services.roster_csv(groups["jobs"]))))

    assert rows[1][1] == "'\n=cmd|' /C calc'!A0"


def test_roster_pdf_lists_consenting_names_only(summit, groups):
    attendee(
        summit, groups["jobs"], first_name="Ana", last_name="Ruiz", organization="Casa", share_with_group=True
    )
    attendee(summit, groups["jobs"], first_name="Secret", last_name="Person", share_with_group=False)
    services.run_assignment(summit, rules=no_balance())

    pdf = services.roster_pdf(groups["jobs"], draft=True)

    with pdfplumber.open(io.BytesIO(pdf)) as document:
        text = "\n".join(page.extract_text() for page in document.pages)
    assert "Ana Ruiz" in text and "Casa" in text
    assert "Secret" not in text
    assert "1 more person chose not to share their name." in text


def test_roster_query_count_does_not_grow_with_the_group(summit, groups, django_assert_num_queries):
    for _ in range(5):
        attendee(summit, groups["jobs"], share_with_group=True)
    services.run_assignment(summit, rules=no_balance())
    services.publish_assignment(summit, by=None)

    with django_assert_num_queries(1):
        services.roster_csv(groups["jobs"])


def test_assign_groups_command_prints_the_figures(summit, groups):
    for _ in range(3):
        attendee(summit, groups["jobs"])
    out = io.StringIO()

    call_command("assign_groups", summit.slug, stdout=out)

    text = out.getvalue()
    assert "3 people in 3 groups (run " in text
    assert "First choice: 100.0% (3)" in text
    assert "Every rule holds." in text or "Rules that gave way" in text
    assert AssignmentRun.objects.count() == 1


def test_assign_groups_dry_run_saves_nothing(summit, groups):
    attendee(summit, groups["jobs"])
    out = io.StringIO()

    call_command("assign_groups", summit.slug, "--dry-run", stdout=out)

    assert "dry run, not saved" in out.getvalue()
    assert AssignmentRun.objects.count() == 0


def test_assign_groups_unknown_summit_fails_clearly(db):
    with pytest.raises(CommandError, match="No summit 'nope'"):
        call_command("assign_groups", "nope")


def test_seed_demo_summit_is_assigned_with_every_rule_holding(db):
    call_command("seed_demo", "--attendees", "350", stdout=io.StringIO())
    out = io.StringIO()

    call_command("assign_groups", "demo", stdout=out)

    run = AssignmentRun.objects.get()
    assert run.solver_status == "optimal"
    assert run.figures["people"] == 350
    assert run.figures["violations"] == []
    assert "Every rule holds." in out.getvalue()
    spanish = Assignment.objects.filter(registration__language="es").values_list("group__language", flat=True)
    assert set(spanish) <= {"es", "bilingual"}


# ---------------------------------------------------------------------------------------------
# Runs in the background: queued, running, done or failed, and runs whose worker died


def test_a_queued_run_is_solved_by_its_task_and_recorded_done(summit, groups):
    planner = UserFactory()
    people = [attendee(summit, groups["jobs"]) for _ in range(3)]

    queued = services.request_assignment_run(summit, by=planner, rules=no_balance())
    run = services.run_queued_assignment(queued.pk)

    assert queued.status == "queued"
    assert (run.status, run.solver_status, run.error, run.created_by) == ("done", "optimal", "", planner)
    assert run.started_at is not None and run.finished_at is not None
    assert run.figures["people"] == 3
    assert {a.registration_id: a.run_id for a in Assignment.objects.all()} == {p.pk: run.pk for p in people}
    assert services.run_queued_assignment(queued.pk) is None  # run twice (a retried task): left alone


def test_the_command_still_runs_at_once_and_records_a_done_run(summit, groups):
    attendee(summit, groups["jobs"])

    call_command("assign_groups", summit.slug, stdout=io.StringIO())

    run = AssignmentRun.objects.get()
    assert (run.status, run.solver_status) == ("done", "optimal")


def test_a_run_whose_worker_died_is_failed_as_interrupted_and_the_planner_can_run_again(summit, groups):
    attendee(summit, groups["jobs"])
    dead = services.request_assignment_run(summit, by=None)
    started = timezone.now() - datetime.timedelta(minutes=31)
    AssignmentRun.objects.filter(pk=dead.pk).update(status="running", started_at=started)
    out = io.StringIO()

    call_command("housekeeping", stdout=out)

    dead.refresh_from_db()
    assert (dead.status, dead.error) == ("failed", "interrupted")
    assert "interrupted assignment runs failed: 1" in out.getvalue()
    # Its task, requeued by recover_tasks, does nothing.
    assert services.run_queued_assignment(dead.pk) is None
    again = services.request_assignment_run(summit, by=None)
    assert services.run_queued_assignment(again.pk).status == "done"


def test_asking_again_recovers_a_dead_run_without_waiting_for_housekeeping(summit, groups):
    attendee(summit, groups["jobs"])
    dead = services.request_assignment_run(summit, by=None)
    AssignmentRun.objects.filter(pk=dead.pk).update(
        status="running", started_at=timezone.now() - datetime.timedelta(minutes=31)
    )

    again = services.request_assignment_run(summit, by=None)

    dead.refresh_from_db()
    assert (dead.status, dead.error) == ("failed", "interrupted")
    assert again.status == "queued"


def test_a_run_still_within_its_time_is_not_taken_for_dead(summit, groups):
    attendee(summit, groups["jobs"])
    running = services.request_assignment_run(summit, by=None)
    AssignmentRun.objects.filter(pk=running.pk).update(
        status="running", started_at=timezone.now() - datetime.timedelta(minutes=5)
    )

    assert services.fail_interrupted_assignment_runs() == 0
    with pytest.raises(DomainError) as refused:
        services.request_assignment_run(summit, by=None)
    assert refused.value.code == "already_running"
    assert AssignmentRun.objects.get().status == "running"


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite takes no row locks")
def test_a_run_that_is_still_solving_is_never_taken_for_dead_however_long_it_takes(summit, groups):
    attendee(summit, groups["jobs"])
    run = services.request_assignment_run(summit, by=None)
    AssignmentRun.objects.filter(pk=run.pk).update(
        status="running", started_at=timezone.now() - datetime.timedelta(hours=2)
    )
    locked, release = threading.Event(), threading.Event()

    def solving():  # what run_queued_assignment holds while the solver works
        try:
            with transaction.atomic():
                AssignmentRun.objects.select_for_update().get(pk=run.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    worker = threading.Thread(target=solving)
    worker.start()
    try:
        assert locked.wait(timeout=30)
        assert services.fail_interrupted_assignment_runs() == 0
    finally:
        release.set()
        worker.join(timeout=30)

    assert services.fail_interrupted_assignment_runs() == 1  # its worker is gone now


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_a_run_that_is_solving_holds_no_registration_back(summit, groups):
    """A solve may take its whole time limit: registering and cancelling at the summit go on."""
    from registrations.seats import services as seat_services

    taken, release = threading.Event(), threading.Event()

    def solving():
        try:
            with transaction.atomic():
                services.lock_assignments(summit)  # as a run holds it while it solves
                taken.set()
                release.wait(10)
        finally:
            connections.close_all()

    solver = threading.Thread(target=solving)
    solver.start()
    assert taken.wait(10)
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '3s'")  # a wait behind the run fails this test
    try:
        registration, _created = seat_services.register_attendee(
            summit,
            data={
                "first_name": "Ana",
                "email": "ana@example.org",
                "sector": "resident",
                "ticket_type": summit.ticket_types.get(),
                "group_preferences": [groups["housing"]],
            },
        )
        seat_services.cancel_registration(registration)
    finally:
        release.set()
        solver.join()
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")

    assert Registration.objects.get(pk=registration.pk).status == "cancelled"
