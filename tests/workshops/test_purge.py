"""After the retention date nothing that names a person is left: a canary test."""

import datetime
import io
import json
import os
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from registrations.badges import sheets as badge_sheets
from registrations.badges.codes import badge_code
from registrations.door import services as checkin
from registrations.door.links import create_door_link
from registrations.seats import links
from summit.models import AuditEvent, StaffRole, Summit
from tests.conftest import staff_client
from tests.factories import (
    PlanningGroupFactory,
    RegistrationFactory,
    SummitFactory,
    TicketTypeFactory,
    personal_canaries,
)
from workshops.models import ReportSnapshot
from workshops.purge import purge_due_summits, purge_personal_data
from workshops.report.build import build_snapshot_pdf, sha256_of
from workshops.report.services import freeze_snapshot, request_report

pytestmark = pytest.mark.django_db

CANARIES = personal_canaries()  # every personal field of a registration


def write_figures(name, **figures):
    """For `make trust` (bench/bench_trust_purge.py): the figures of this run, as JSON."""
    folder = os.environ.get("TRUST_FIGURES_DIR")
    if folder:
        Path(folder, f"{name}.json").write_text(json.dumps(figures))


def pdf_text(path):
    """The text of a PDF as viewers show it (poppler's pdftotext)."""
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def built_report(summit, *, language="en"):
    snapshot = freeze_snapshot(summit, language=language)
    build_snapshot_pdf(snapshot)
    snapshot.refresh_from_db()
    return snapshot


def every_value_in_the_database():
    """Every text value of every table, as one string (the whole database, not just our models)."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 (table names from introspection)
            chunks.extend(str(row) for row in cursor.fetchall())
    return "\n".join(chunks)


@pytest.fixture
def past_summit(db):
    starts = timezone.now() - datetime.timedelta(days=40)
    summit = SummitFactory(
        slug="past",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=8),
        registration_opens_at=starts - datetime.timedelta(days=30),
    )
    TicketTypeFactory(summit=summit, slug="community-resident")
    return summit


def test_purge_leaves_no_canary_anywhere_and_keeps_the_figures(
    past_summit, settings, django_capture_on_commit_callbacks
):
    group = PlanningGroupFactory(summit=past_summit, slug="housing")
    person = RegistrationFactory(
        summit=past_summit, sector="resident", language="es", group=group, share_with_group=True, **CANARIES
    )
    others = RegistrationFactory.create_batch(3, summit=past_summit, sector="business", group=group)
    volunteer = staff_client(past_summit, StaffRole.Role.VOLUNTEER)
    checkin.check_in(badge_code(person), summit=past_summit, by=volunteer.user, device="North door")
    checkin.search_attendees(past_summit, "Zqxcanary", by=volunteer.user)
    ended = past_summit.ends_at
    Summit.objects.filter(pk=past_summit.pk).update(ends_at=timezone.now() + datetime.timedelta(hours=1))
    create_door_link(summit=Summit.objects.get(pk=past_summit.pk), label="North door")
    Summit.objects.filter(pk=past_summit.pk).update(ends_at=ended)
    with django_capture_on_commit_callbacks(execute=True):
        job = badge_sheets.request_badge_sheet(
            past_summit,
            by=volunteer.user,
            layout="letter-6up",
            only_unprinted=False,
            group=None,
            registration=None,
            sort="last_name",
            mark_printed=True,
        )
    job.refresh_from_db()
    # The report lists the organizations of attendees who agreed to share theirs.
    report = built_report(past_summit)
    assert CANARIES["organization"] in pdf_text(report.pdf.path)
    old_link = links.manage_token(person)
    old_code = badge_code(person)
    assert CANARIES["first_name"] in every_value_in_the_database()
    assert job.file_name and any(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        counts = purge_personal_data(past_summit)

    dump = every_value_in_the_database()
    found = [value for value in CANARIES.values() if value.lower() in dump.lower()]
    files = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    in_files = [p for p in files if any(v.encode() in p.read_bytes() for v in CANARIES.values())]
    report.refresh_from_db()
    text = pdf_text(report.pdf.path)
    in_report = [value for value in CANARIES.values() if value.lower() in text.lower()]
    in_mail = [m for m in mail.outbox if any(v in m.body for v in CANARIES.values())]
    write_figures(
        "purge",
        canaries=len(CANARIES),
        tables=len(connection.introspection.table_names()),
        files=len(files),
        found_in_database=len(found),
        found_in_files=len(in_files),
        found_in_report=len(in_report),
        found_in_emails=len(in_mail),
    )
    assert found == []
    assert in_files == []
    # Badge sheets are gone; the report is rebuilt without the organizations.
    assert [p for p in files if p.suffix == ".pdf"] == [Path(report.pdf.path)]
    assert in_report == []
    assert in_mail == []
    assert counts["registrations"] == 4 and counts["check_ins"] == 1
    past_summit.refresh_from_db()
    assert past_summit.purged_at is not None
    assert past_summit.aggregate_figures["registered"] == 4
    assert past_summit.aggregate_figures["attended"] == 1
    assert past_summit.aggregate_figures["registered_by_sector"] == {"business": 3, "resident": 1}
    assert past_summit.aggregate_figures["attended_by_group"] == {"housing": 1}
    assert links.registration_from_token(old_link) is None
    assert checkin.check_in(old_code, summit=past_summit, by=volunteer.user).result == "unknown"
    event = AuditEvent.objects.get(action="summit.purge_personal_data")
    assert event.count == 4
    assert len(others) == 3


def test_purge_strips_organizations_from_stored_reports_and_rebuilds_their_pdfs(
    past_summit, settings, django_capture_on_commit_callbacks
):
    canary = "Zqxcanary Tenants Union"
    RegistrationFactory(summit=past_summit, organization=canary, share_with_group=True, checked_in=True)
    RegistrationFactory(summit=past_summit, organization="Quiet Org", share_with_group=False, checked_in=True)
    english = built_report(past_summit)
    with django_capture_on_commit_callbacks(execute=True):
        spanish = request_report(past_summit, language="es", source=english)  # a re-render of its data
    queued = freeze_snapshot(past_summit)  # data taken, PDF not built yet
    old_pdfs = [Path(english.pdf.path), Path(ReportSnapshot.objects.get(pk=spanish.pk).pdf.path)]
    assert canary in pdf_text(old_pdfs[1])

    with django_capture_on_commit_callbacks(execute=True):
        counts = purge_personal_data(past_summit)

    assert counts["reports"] == 3
    for snapshot in ReportSnapshot.objects.filter(pk__in=[english.pk, spanish.pk, queued.pk]):
        participation = snapshot.data["participation"]
        assert canary not in json.dumps(snapshot.data)
        assert (participation["consenting_organizations"], participation["organizations"]) == ([], 2)
        assert snapshot.sha256 == sha256_of(snapshot.data)
    english.refresh_from_db()
    spanish.refresh_from_db()
    assert (english.status, spanish.status) == ("done", "done")
    assert not any(path.exists() for path in old_pdfs)
    assert "Removed with the attendees' personal data after the summit." in pdf_text(english.pdf.path)
    assert canary not in pdf_text(english.pdf.path)
    assert canary not in pdf_text(spanish.pdf.path)
    assert ReportSnapshot.objects.get(pk=queued.pk).status == "queued"


def test_purge_twice_keeps_the_first_figures(past_summit):
    RegistrationFactory.create_batch(2, summit=past_summit)
    purge_personal_data(past_summit)

    purge_personal_data(past_summit)

    past_summit.refresh_from_db()
    assert past_summit.aggregate_figures["registered"] == 2


def test_purge_before_the_summit_ends_is_refused_without_force(summit):
    RegistrationFactory(summit=summit, first_name="Keep")

    with pytest.raises(CommandError, match="not ended"):
        call_command("purge_personal_data", summit.slug, stdout=io.StringIO())

    assert summit.registrations.get().first_name == "Keep"


def test_purge_command_reports_counts(past_summit):
    RegistrationFactory.create_batch(2, summit=past_summit)
    out = io.StringIO()

    call_command("purge_personal_data", "past", stdout=out)

    assert "2 registrations anonymized" in out.getvalue()


def test_the_scheduled_purge_takes_only_summits_past_their_retention_date(past_summit, summit):
    past_summit.retention_until = timezone.localdate() - datetime.timedelta(days=1)
    past_summit.save()
    recent = SummitFactory(
        slug="recent",
        starts_at=timezone.now() - datetime.timedelta(days=3),
        ends_at=timezone.now() - datetime.timedelta(days=2),
    )

    purged = purge_due_summits()

    assert purged == ["past"]
    recent.refresh_from_db()
    assert recent.purged_at is None


def test_housekeeping_runs_every_periodic_job(db):
    out = io.StringIO()

    call_command("housekeeping", stdout=out)

    assert "holds: released 0" in out.getvalue()
    assert "summits purged: none" in out.getvalue()


def test_models_are_all_covered_by_the_dump(db):
    # The canary dump reads every table; make sure our apps' tables are among them.
    tables = set(connection.introspection.table_names())
    for app in ("registrations", "summit", "workshops"):
        for model in apps.get_app_config(app).get_models():
            assert model._meta.db_table in tables
