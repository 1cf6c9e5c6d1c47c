import datetime

import pytest
from django.test import Client
from django.utils import translation

from registrations.badges.codes import badge_code
from registrations.seats.links import manage_path
from summit.models import StaffRole
from tests.factories import (
    RecommendationFactory,
    RegistrationFactory,
    StaffRoleFactory,
    UserFactory,
    VotingRoundFactory,
)
from workshops.models import Ballot, Recommendation, ResidentQuote


def logged_in(summit, role, group=None):
    user = UserFactory()
    StaffRoleFactory(user=user, summit=summit, role=role, group=group)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def facilitator(summit, housing):
    return logged_in(summit, StaffRole.Role.FACILITATOR, housing)


def test_roster_shows_names_only_of_people_who_agreed(summit, housing, facilitator):
    RegistrationFactory(
        checked_in=True,
        summit=summit,
        group=housing,
        first_name="Rosa",
        last_name="Diaz",
        organization="Casa",
        share_with_group=True,
    )
    RegistrationFactory(
        checked_in=True,
        summit=summit,
        group=housing,
        first_name="Hidden",
        last_name="Person",
        organization="Secret Org",
        share_with_group=False,
    )

    page = facilitator.get("/summits/sb25/groups/housing/facilitate/").content.decode()

    assert "Rosa Diaz · Casa" in page
    assert "Hidden" not in page
    assert "Secret Org" not in page
    assert "And 1 person who did not share their name." in page


def test_facilitator_cannot_open_another_groups_page(summit, jobs, facilitator):
    assert facilitator.get("/summits/sb25/groups/good-jobs/facilitate/").status_code == 403


def test_facilitator_page_saves_a_recommendation_without_javascript(summit, housing, facilitator):
    response = facilitator.post(
        "/summits/sb25/groups/housing/facilitate/",
        {
            "action": "save",
            "title": "Tenant hotline",
            "barrier": "Nobody knows their rights.",
            "action_text": "Fund a bilingual hotline.",
            "pillar": "inclusive-neighborhoods",
            "predictors": ["housing-stability"],
            "state": "submitted",
        },
    )

    assert response.status_code == 302
    rec = Recommendation.objects.get()
    assert (rec.reference, rec.action, rec.state) == ("SB25-HOU-01", "Fund a bilingual hotline.", "submitted")


def test_autosave_answers_json_and_keeps_incomplete_drafts_out(summit, housing, facilitator):
    incomplete = facilitator.post(
        "/summits/sb25/groups/housing/facilitate/",
        {"action": "save", "title": "Half typed", "pillar": "inclusive-neighborhoods"},
        headers={"X-Requested-With": "fetch"},
    )
    complete = facilitator.post(
        "/summits/sb25/groups/housing/facilitate/",
        {
            "action": "save",
            "title": "Whole",
            "barrier": "b",
            "action_text": "a",
            "pillar": "inclusive-neighborhoods",
        },
        headers={"X-Requested-With": "fetch"},
    )

    assert incomplete.status_code == 400
    assert incomplete.json()["ok"] is False
    assert incomplete.json()["errors"] == [
        "Barrier it addresses: This field is required.",  # not sent at all: "required", not "blank"
        "Proposed action: This field is required.",
    ]
    assert complete.json()["reference"] == "SB25-HOU-01"


def test_a_refused_recommendation_is_shown_again_as_typed_with_each_error_beside_its_field(
    summit, housing, facilitator
):
    rec = RecommendationFactory(group=housing, title="Rent relief fund")

    response = facilitator.post(
        "/summits/sb25/groups/housing/facilitate/",
        {
            "action": "save",
            "recommendation_id": rec.pk,
            "title": "",
            "barrier": "Rents doubled in five years.",
            "action_text": "Start a fund.",
            "pillar": "inclusive-neighborhoods",
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert f'<a href="#rec-{rec.pk}-title">Title: This field may not be blank.</a>' in page
    assert f'<p class="errorlist" id="rec-{rec.pk}-title_error">This field may not be blank.</p>' in page
    assert f'aria-invalid="true" aria-describedby="rec-{rec.pk}-title_error"' in page
    assert "Rents doubled in five years.</textarea>" in page
    rec.refresh_from_db()
    assert rec.title == "Rent relief fund"


def test_a_predictor_of_another_pillar_is_named_in_the_summary_and_beside_the_checkboxes(
    summit, housing, facilitator
):
    response = facilitator.post(
        "/summits/sb25/groups/housing/facilitate/",
        {
            "action": "save",
            "title": "Tenant hotline",
            "barrier": "b",
            "action_text": "a",
            "pillar": "inclusive-neighborhoods",
            "predictors": ["employment-opportunities"],  # a predictor of "Rewarding work"
        },
    )

    page = response.content.decode()
    message = "Each predictor must belong to the chosen pillar."
    assert response.status_code == 400
    assert f'<a href="#rec-new-predictors_0">Predictors (optional): {message}</a>' in page
    assert 'id="rec-new-predictors" aria-describedby="rec-new-predictors_error"' in page
    assert f'<p class="errorlist" id="rec-new-predictors_error">{message}</p>' in page
    assert Recommendation.objects.count() == 0


def test_a_refused_quote_is_shown_again_with_its_error_beside_the_field(summit, housing, facilitator):
    response = facilitator.post(
        "/summits/sb25/groups/housing/facilitate/",
        {"action": "quote", "text": "We need buses.", "speaker_sector": "not-a-sector"},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#quote-text">Quote: Write the quote and choose the speaker&#x27;s sector.</a>' in page
    assert 'aria-describedby="quote-text_error">We need buses.</textarea>' in page
    assert ResidentQuote.objects.count() == 0


@pytest.mark.parametrize("action", ["save", "quote", "tally"])
def test_a_recommendation_id_that_is_not_a_number_is_not_found(summit, housing, facilitator, action):
    response = facilitator.post(
        "/summits/sb25/groups/housing/facilitate/",
        {
            "action": action,
            "recommendation_id": "1 OR 1=1",
            "recommendation": "1 OR 1=1",
            "text": "We need buses.",
            "speaker_sector": "resident",
            "dots": "3",
        },
    )

    assert response.status_code == 404


def test_facilitator_page_records_quotes_and_paper_dots(summit, housing, facilitator):
    rec = RecommendationFactory(group=housing)

    facilitator.post(
        "/summits/sb25/groups/housing/facilitate/",
        {
            "action": "quote",
            "text": "We need buses.",
            "speaker_sector": "resident",
            "consent_to_quote": "on",
            "recommendation": rec.pk,
        },
    )
    facilitator.post(
        "/summits/sb25/groups/housing/facilitate/", {"action": "tally", "recommendation": rec.pk, "dots": "9"}
    )

    quote = ResidentQuote.objects.get()
    assert (quote.text, quote.consent_to_quote, quote.is_resident) == ("We need buses.", True, False)
    rec.refresh_from_db()
    assert rec.paper_tally.dots == 9


def test_facilitator_page_has_no_inline_script(summit, housing, facilitator):
    page = facilitator.get("/summits/sb25/groups/housing/facilitate/").content.decode()

    assert '<script src="/static/workshops/autosave.js" defer></script>' in page
    assert "<script>" not in page


def test_attendee_votes_from_their_private_link(summit, housing):
    person = RegistrationFactory(checked_in=True, summit=summit, group=housing)
    rec = RecommendationFactory(group=housing, state="shortlisted", title="Rent relief fund")
    voting_round = VotingRoundFactory(summit=summit)
    url = manage_path(person).rstrip("/") + "/vote/"

    page = Client().get(url)
    Client().post(url, {"round": voting_round.pk, "recommendation": rec.pk, "dots": 2})
    refused = Client().post(url, {"round": voting_round.pk, "recommendation": rec.pk, "dots": 3})

    assert "Rent relief fund" in page.content.decode()
    assert Ballot.objects.get(registration=person).dots_used == 2
    assert refused.status_code == 409


def test_a_dot_sent_by_the_page_script_is_answered_with_the_ballot_as_it_now_is(summit, housing):
    person = RegistrationFactory(checked_in=True, summit=summit, group=housing)
    rent = RecommendationFactory(group=housing, state="shortlisted", title="Rent relief fund")
    buses = RecommendationFactory(group=housing, state="shortlisted", title="Night buses")
    voting_round = VotingRoundFactory(summit=summit, dots_per_person=3, max_per_item=2)
    url = manage_path(person).rstrip("/") + "/vote/"
    fetch = {"X-Requested-With": "fetch"}

    saved = Client().post(
        url, {"round": voting_round.pk, "recommendation": rent.pk, "dots": 2}, headers=fetch
    )
    refused = Client().post(
        url, {"round": voting_round.pk, "recommendation": buses.pk, "dots": 2}, headers=fetch
    )

    assert saved.status_code == 200
    assert saved.json() == {
        "ok": True,
        "error": None,
        "left_text": "You have 1 dot left. At most 2 on one recommendation.",
        "items": [
            {"id": rent.pk, "dots": 2, "can_add": False, "can_remove": True},
            {"id": buses.pk, "dots": 0, "can_add": True, "can_remove": False},
        ],
    }
    assert refused.status_code == 409
    assert refused.json()["error"] == "You have used all your dots."
    assert refused.json()["items"][1]["dots"] == 0


def test_a_vote_for_a_round_that_is_not_a_number_is_not_found(summit, housing):
    person = RegistrationFactory(checked_in=True, summit=summit, group=housing)
    url = manage_path(person).rstrip("/") + "/vote/"

    assert Client().post(url, {"round": "x", "recommendation": "1", "dots": 1}).status_code == 404


def test_manage_page_links_to_voting(summit):
    person = RegistrationFactory(checked_in=True, summit=summit)

    path = manage_path(person)  # signed with a timestamp: take it once

    page = Client().get(path).content.decode()

    assert path + "vote/" in page


def test_a_tampered_vote_link_is_not_found(summit):
    assert Client().get("/r/not-a-token/vote/").status_code == 404


def test_kiosk_votes_with_a_scanned_badge_code(summit, housing):
    person = RegistrationFactory(checked_in=True, summit=summit, group=housing)
    rec = RecommendationFactory(group=housing, state="shortlisted")
    voting_round = VotingRoundFactory(summit=summit)
    kiosk = logged_in(summit, StaffRole.Role.VOLUNTEER)

    scanned = kiosk.post("/summits/sb25/vote/kiosk/", {"code": badge_code(person).lower()})
    kiosk.post(
        "/summits/sb25/vote/kiosk/",
        {
            "code": badge_code(person),
            "action": "vote",
            "round": voting_round.pk,
            "recommendation": rec.pk,
            "dots": 1,
        },
    )
    forged = kiosk.post("/summits/sb25/vote/kiosk/", {"code": "S1-AAAAAAAAAAAAAAAAAAAAAAAAAA"})

    assert person.short_name in scanned.content.decode()
    assert Ballot.objects.get(registration=person).dots_used == 1
    assert forged.status_code == 404


def test_planner_pages_are_for_planners(summit, housing, facilitator):
    planner = logged_in(summit, StaffRole.Role.PLANNER)
    RecommendationFactory(group=housing, title="Rent relief fund")

    assert "Rent relief fund" in planner.get("/summits/sb25/recommendations/review/").content.decode()
    assert planner.get("/summits/sb25/reports/").status_code == 200
    assert facilitator.get("/summits/sb25/recommendations/review/").status_code == 403
    assert facilitator.get("/summits/sb25/reports/").status_code == 403


def test_planner_page_builds_and_downloads_a_report(summit, housing):
    planner = logged_in(summit, StaffRole.Role.PLANNER)
    RecommendationFactory(group=housing)

    planner.post("/summits/sb25/reports/", {"language": "en", "preliminary": "on"})
    page = planner.get("/summits/sb25/reports/").content.decode()

    from workshops.models import ReportSnapshot

    snapshot = ReportSnapshot.objects.get()
    assert f"/summits/sb25/reports/{snapshot.pk}/download/" in page
    download = planner.get(f"/summits/sb25/reports/{snapshot.pk}/download/")
    assert download["Content-Type"] == "application/pdf"


def test_a_round_set_to_close_at_half_past_eight_pm_shows_and_keeps_8_30_pm_in_the_summits_zone(summit):
    # The summit is in Los Angeles (its factory's zone); 20:30 there is 04:30 the next day in UTC.
    planner = logged_in(summit, StaffRole.Role.PLANNER)
    page = "/summits/sb25/recommendations/review/"

    form = planner.get(page).content.decode()
    saved = planner.post(
        page, {"action": "open_round", "title": "Closing vote", "closes_at": "2030-01-03T20:30"}
    )
    shown = planner.get(page).content.decode()
    with translation.override("es"):  # and back to English after it, for the tests that follow
        en_espanol = planner.get(page, HTTP_ACCEPT_LANGUAGE="es").content.decode()

    assert "Closes at (Pacific Time)" in form
    assert saved.status_code == 302
    closes_at = summit.voting_rounds.get().closes_at
    assert closes_at.astimezone(summit.tz).replace(tzinfo=None) == datetime.datetime(2030, 1, 3, 20, 30)
    assert "Jan. 3, 2030, 8:30 p.m. Pacific Time" in shown
    assert "3 de enero de 2030 a las 20:30 hora del Pacífico" in en_espanol
