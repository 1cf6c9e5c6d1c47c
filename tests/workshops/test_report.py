import json

import pytest
from django.core.management import CommandError, call_command

from summit.models import AuditEvent, StaffRole
from tests.conftest import staff_client
from tests.factories import PlanningGroupFactory, RecommendationFactory, RegistrationFactory, SummitFactory
from workshops.models import ReportSnapshot
from workshops.recommendations import services as rec_services
from workshops.report.build import collect_report_data, render_report, sha256_of
from workshops.report.services import freeze_snapshot

from .conftest import pdf_text


def build(summit, language="en"):
    data = collect_report_data(summit, preliminary=False)
    pdf, _pages = render_report(data, language=language, sha256=sha256_of(data))
    return pdf_text(pdf)


def test_report_shows_every_group_and_every_recommendation_title(summit, scene):
    text = build(summit)

    for title in (
        "Housing that lasts",
        "Good jobs",
        "Rent relief fund",
        "Night buses to the hospital",
        "Living wage pledge",
    ):
        assert title in text


def test_figures_about_fewer_than_5_people_are_suppressed(summit, scene):
    text = build(summit)

    # 3 business people in the housing group, and 3 supporters of the living wage pledge.
    assert "Business fewer than 5" in text
    assert "Supporters: fewer than 5" in text
    assert "Supporters: 12" in text


def test_only_consented_quotes_are_printed(summit, scene):
    text = build(summit)

    assert "We moved four times in two years." in text
    assert "Do not print this one." not in text


def test_html_in_any_field_is_printed_as_text(summit, housing):
    RecommendationFactory(group=housing, title="<b>Bold</b> & <script>x()</script>", barrier="<i>rent</i>")

    text = build(summit)

    assert "<b>Bold</b> & <script>x()</script>" in text
    assert "<i>rent</i>" in text


def test_the_spanish_report_is_in_spanish(summit, scene):
    text = build(summit, language="es")

    assert "Resumen ejecutivo" in text
    assert "Vivienda estable" in text
    assert "Vecindarios inclusivos y llenos de oportunidades" in text
    assert "menos de 5" in text
    assert "Executive summary" not in text
    assert "Housing that lasts" not in text


def test_only_organizations_of_consenting_attendees_are_listed(summit, scene, housing):
    RegistrationFactory(
        checked_in=True,
        summit=summit,
        group=housing,
        sector="business",
        organization="Secret Corp",
        share_with_group=False,
    )

    text = build(summit)

    assert "Acme Bakery" in text
    assert "Secret Corp" not in text


def test_snapshot_sha_is_stable_and_rerendering_gives_the_same_pdf(summit, scene):
    snapshot = freeze_snapshot(summit, language="en")
    snapshot.refresh_from_db()

    first, _ = render_report(snapshot.data, language="en", sha256=snapshot.sha256)
    second, _ = render_report(snapshot.data, language="en", sha256=snapshot.sha256)

    assert sha256_of(snapshot.data) == snapshot.sha256
    assert first == second


def test_snapshot_holds_no_registration_ids_or_names(summit, scene):
    data = collect_report_data(summit, preliminary=True)
    dumped = json.dumps(data)

    assert scene["people"][0].first_name not in dumped
    assert scene["people"][0].email not in dumped
    assert str(scene["people"][0].public_id) not in dumped


def _grow(summit, groups, people, recs):
    for g in range(groups):
        group = PlanningGroupFactory(summit=summit, pillar="health")
        for _ in range(people):
            RegistrationFactory(
                checked_in=True, summit=summit, group=group, organization=f"Org {g}", share_with_group=True
            )
        for _ in range(recs):
            rec = RecommendationFactory(group=group, predictors=[], state="shortlisted")
            rec_services.add_quote(
                group=group,
                recommendation=rec,
                text="Said.",
                speaker_sector="resident",
                consent_to_quote=True,
            )


def test_report_data_queries_do_not_grow_with_people_groups_or_recommendations(
    summit, scene, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16):
        collect_report_data(summit, preliminary=False)
    _grow(summit, groups=4, people=6, recs=3)
    with django_assert_max_num_queries(16):
        collect_report_data(summit, preliminary=False)


def test_build_report_command_writes_the_pdf_with_a_progress_bar(summit, scene, tmp_path, capsys):
    output = tmp_path / "report.pdf"

    call_command("build_report", "sb25", "--output", str(output), "--preliminary")

    captured = capsys.readouterr()
    assert output.read_bytes().startswith(b"%PDF")
    assert "100%" in captured.err
    assert "Preliminary report" in pdf_text(output.read_bytes())
    assert ReportSnapshot.objects.get().preliminary is True


def test_build_report_command_names_an_unknown_summit(db, tmp_path):
    with pytest.raises(CommandError, match="No summit with slug 'no-such-summit'"):
        call_command("build_report", "no-such-summit", "--output", str(tmp_path / "x.pdf"))


def test_planner_builds_a_report_in_the_background_and_downloads_it(summit, scene, planner_api):
    created = planner_api.post(
        "/api/summits/sb25/reports/", {"language": "es", "preliminary": True}, format="json"
    )
    status = planner_api.get(f"/api/summits/sb25/reports/{created.json()['id']}/").json()
    download = planner_api.get(status["download_url"])

    assert created.status_code == 202
    assert (status["status"], status["progress"], status["language"]) == ("done", 100, "es")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="report_download").count() == 1


def test_rerendering_a_snapshot_in_spanish_keeps_its_data_and_sha(summit, scene, planner_api):
    first = planner_api.post("/api/summits/sb25/reports/", {"language": "en"}, format="json").json()

    again = planner_api.post(
        "/api/summits/sb25/reports/", {"language": "es", "source": first["id"]}, format="json"
    ).json()

    assert again["sha256"] == first["sha256"] != ""
    assert ReportSnapshot.objects.count() == 2


def test_reports_are_for_planners_of_this_summit_only(summit, scene, planner_api, housing):
    created = planner_api.post("/api/summits/sb25/reports/", {}, format="json").json()
    facilitator = staff_client(summit, StaffRole.Role.FACILITATOR, group=housing)
    outsider = staff_client(SummitFactory(slug="other"), StaffRole.Role.PLANNER)

    assert facilitator.get(created["download_url"]).status_code == 403
    assert outsider.get(created["download_url"]).status_code == 403
    assert facilitator.post("/api/summits/sb25/reports/", {}, format="json").status_code == 403


def test_exports_are_planner_only_and_audit_logged(summit, scene, planner_api, housing):
    facilitator = staff_client(summit, StaffRole.Role.FACILITATOR, group=housing)

    csv_response = planner_api.get("/api/summits/sb25/exports/recommendations.csv")
    votes = planner_api.get("/api/summits/sb25/exports/votes.json")

    assert facilitator.get("/api/summits/sb25/exports/votes.csv").status_code == 403
    assert "SB25-HOU-01,housing,Rent relief fund" in csv_response.content.decode()
    rows = json.loads(votes.content)
    assert len(rows) == 15
    assert set(rows[0]) == {
        "round",
        "round_title",
        "round_group",
        "reference",
        "dots",
        "voter",
        "voter_sector",
        "source",
    }
    assert list(AuditEvent.objects.order_by("id").values_list("action", "count")) == [
        ("export_recommendations_csv", 3),
        ("export_votes_json", 15),
    ]


def test_csv_export_neutralises_formulas(summit, planner_api, housing):
    RecommendationFactory(group=housing, title='=HYPERLINK("http://x")')

    body = planner_api.get("/api/summits/sb25/exports/recommendations.csv").content.decode()

    assert "'=HYPERLINK" in body
