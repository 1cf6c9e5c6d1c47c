import threading

import pytest
from django.db import connection

from registrations.badges.codes import badge_code
from summit.models import StaffRole
from tests.conftest import staff_client
from tests.factories import RecommendationFactory, RegistrationFactory, VotingRoundFactory
from workshops.models import Ballot, Vote
from workshops.recommendations import voting
from workshops.recommendations.voting import VotingError

from .conftest import close


@pytest.fixture
def ballot_items(housing):
    return [RecommendationFactory(group=housing, state="shortlisted", title=f"Idea {n}") for n in range(4)]


@pytest.fixture
def room_round(summit):
    return VotingRoundFactory(summit=summit, title="Room vote")


@pytest.fixture
def voter(summit, housing):
    return RegistrationFactory(checked_in=True, summit=summit, group=housing)


def test_at_most_two_dots_on_one_recommendation(room_round, voter, ballot_items):
    with pytest.raises(VotingError) as error:
        voting.set_dots(room_round, registration=voter, recommendation=ballot_items[0], dots=3)

    assert error.value.code == "too_many_on_item"


def test_a_voter_cannot_spend_more_than_their_dots(room_round, voter, ballot_items):
    voting.set_dots(room_round, registration=voter, recommendation=ballot_items[0], dots=2)
    voting.set_dots(room_round, registration=voter, recommendation=ballot_items[1], dots=2)

    with pytest.raises(VotingError) as error:
        voting.set_dots(room_round, registration=voter, recommendation=ballot_items[2], dots=2)

    assert error.value.code == "no_dots_left"
    assert Ballot.objects.get(registration=voter).dots_used == 4


def test_taking_a_dot_back_frees_it(room_round, voter, ballot_items):
    voting.set_dots(room_round, registration=voter, recommendation=ballot_items[0], dots=2)
    voting.set_dots(room_round, registration=voter, recommendation=ballot_items[0], dots=0)

    assert Ballot.objects.get(registration=voter).dots_used == 0
    assert Vote.objects.count() == 0


def test_people_not_admitted_cannot_vote(summit, room_round, ballot_items):
    waitlisted = RegistrationFactory(summit=summit, status="waitlisted")

    with pytest.raises(VotingError) as error:
        voting.set_dots(room_round, registration=waitlisted, recommendation=ballot_items[0], dots=1)

    assert error.value.code == "not_checked_in"


def test_a_group_round_is_only_for_that_groups_members(summit, housing, jobs, ballot_items):
    group_round = VotingRoundFactory(summit=summit, group=housing)
    outsider = RegistrationFactory(checked_in=True, summit=summit, group=jobs)

    with pytest.raises(VotingError) as error:
        voting.set_dots(group_round, registration=outsider, recommendation=ballot_items[0], dots=1)

    assert error.value.code == "other_group"


def test_drafts_are_not_on_the_ballot_of_a_summit_round(room_round, voter, housing):
    draft = RecommendationFactory(group=housing, state="draft")

    with pytest.raises(VotingError) as error:
        voting.set_dots(room_round, registration=voter, recommendation=draft, dots=1)

    assert error.value.code == "not_on_ballot"


def test_voting_after_the_round_closes_is_refused(room_round, voter, ballot_items):
    close(room_round)

    with pytest.raises(VotingError) as error:
        voting.set_dots(room_round, registration=voter, recommendation=ballot_items[0], dots=1)

    assert error.value.code == "round_closed"


def test_results_stay_hidden_until_the_round_closes(summit, planner_api, room_round, voter, ballot_items):
    voting.set_dots(room_round, registration=voter, recommendation=ballot_items[0], dots=2)
    url = f"/api/summits/sb25/rounds/{room_round.pk}/results/"

    hidden = planner_api.get(url)
    planner_api.post(f"/api/summits/sb25/rounds/{room_round.pk}/close/")
    shown = planner_api.get(url)

    assert hidden.status_code == 409
    assert hidden.json()["code"] == "results_hidden"
    assert shown.json()[0] == {
        "id": ballot_items[0].pk,
        "reference": ballot_items[0].reference,
        "title": "Idea 0",
        "dots": 2,
        "supporters": 1,
    }


def test_a_paper_ballot_with_the_badge_code_counts_once(summit, planner_api, room_round, voter, ballot_items):
    url = f"/api/summits/sb25/rounds/{room_round.pk}/paper-ballots/"
    body = {"code": badge_code(voter), "votes": [{"recommendation": ballot_items[0].pk, "dots": 2}]}

    first = planner_api.post(url, body, format="json")
    second = planner_api.post(url, body, format="json")

    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["code"] == "already_voted"


def test_after_voting_online_a_paper_ballot_is_refused(planner_api, room_round, voter, ballot_items):
    voting.set_dots(room_round, registration=voter, recommendation=ballot_items[0], dots=1)

    response = planner_api.post(
        f"/api/summits/sb25/rounds/{room_round.pk}/paper-ballots/",
        {"code": badge_code(voter), "votes": [{"recommendation": ballot_items[1].pk, "dots": 1}]},
        format="json",
    )

    assert response.json()["code"] == "already_voted"


def test_after_a_paper_ballot_online_voting_is_refused(room_round, voter, ballot_items):
    voting.record_paper_ballot(room_round, code=badge_code(voter), allocations={ballot_items[0].pk: 1})

    with pytest.raises(VotingError) as error:
        voting.set_dots(room_round, registration=voter, recommendation=ballot_items[1], dots=1)

    assert error.value.code == "voted_on_paper"


def test_a_forged_badge_code_votes_nothing(summit, room_round, ballot_items):
    volunteer = staff_client(summit, StaffRole.Role.VOLUNTEER)

    response = volunteer.post(
        f"/api/summits/sb25/rounds/{room_round.pk}/votes/",
        {"code": "S1-AAAAAAAAAAAAAAAAAAAAAAAAAA", "recommendation": ballot_items[0].pk, "dots": 1},
        format="json",
    )

    assert response.status_code in (403, 404)
    assert Vote.objects.count() == 0


def test_planner_opens_a_round_through_the_api(planner_api, housing):
    response = planner_api.post(
        "/api/summits/sb25/rounds/",
        {"group": "housing", "closes_at": "2099-01-01T12:00:00Z", "title": "Housing vote"},
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["dots_per_person"], response.json()["max_per_item"]) == (5, 2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_never_exceed_a_voters_dots(summit, housing):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer; the race only exists on PostgreSQL")
    items = [RecommendationFactory(group=housing, state="shortlisted") for _ in range(12)]
    voting_round = VotingRoundFactory(summit=summit)
    voters = [RegistrationFactory(checked_in=True, summit=summit, group=housing) for _ in range(3)]
    outcomes = []
    barrier = threading.Barrier(24)

    def cast(voter, item):
        try:
            barrier.wait()
            voting.set_dots(voting_round, registration=voter, recommendation=item, dots=1)
            outcomes.append("ok")
        except VotingError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=cast, args=(v, i)) for v in voters for i in items[:8]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for voter in voters:
        ballot = Ballot.objects.get(registration=voter)
        assert ballot.dots_used == 5
        assert sum(Vote.objects.filter(ballot=ballot).values_list("dots", flat=True)) == 5
    assert outcomes.count("ok") == 15
    assert outcomes.count("no_dots_left") == 9


def test_a_confirmed_attendee_who_was_not_admitted_at_the_door_cannot_vote(summit, room_round, ballot_items):
    stayed_home = RegistrationFactory(summit=summit)

    with pytest.raises(voting.VotingError) as error:
        voting.set_dots(room_round, registration=stayed_home, recommendation=ballot_items[0], dots=1)

    assert error.value.code == "not_checked_in"
