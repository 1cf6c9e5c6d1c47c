import pytest

from summit.models import StaffRole
from tests.conftest import staff_client
from tests.factories import PlanningGroupFactory, RecommendationFactory, SummitFactory
from workshops.models import PaperTally, Recommendation

URL = "/api/summits/sb25/recommendations/"


@pytest.fixture
def housing_facilitator(summit, housing):
    return staff_client(summit, StaffRole.Role.FACILITATOR, group=housing)


def payload(**extra):
    return {
        "group": "housing",
        "title": "Rent relief fund",
        "barrier": "Rents rose 40% in five years.",
        "action": "Create a county rent relief pool.",
        "pillar": "inclusive-neighborhoods",
        **extra,
    }


def test_facilitator_creates_a_recommendation_in_their_group_with_a_reference(housing_facilitator):
    response = housing_facilitator.post(
        URL,
        payload(
            predictors=["housing-stability"],
            lever="resource-flows",
            horizon="short",
            dimensions=["economic-success"],
        ),
        format="json",
    )

    assert response.status_code == 201
    rec = Recommendation.objects.get(pk=response.json()["id"])
    assert rec.reference == "SB25-HOU-01"
    assert [p.slug for p in rec.predictors.all()] == ["housing-stability"]
    assert response.json()["lever"] == "resource-flows"


def test_references_count_up_per_group(housing_facilitator):
    housing_facilitator.post(URL, payload(), format="json")

    response = housing_facilitator.post(URL, payload(title="Second"), format="json")

    assert response.json()["reference"] == "SB25-HOU-02"


def test_facilitator_cannot_write_for_another_group(housing_facilitator, jobs):
    response = housing_facilitator.post(
        URL, payload(group="good-jobs", pillar="rewarding-work"), format="json"
    )

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden_group"


def test_facilitator_does_not_see_another_groups_recommendations(housing_facilitator, jobs):
    other = RecommendationFactory(group=jobs)

    assert housing_facilitator.get(f"{URL}{other.pk}/").status_code == 404
    assert housing_facilitator.get(URL).json() == []


def test_a_planner_of_another_summit_sees_nothing_here(summit, housing):
    RecommendationFactory(group=housing)
    outsider = staff_client(SummitFactory(slug="other"), StaffRole.Role.PLANNER)

    assert outsider.get(URL).status_code == 403
    assert outsider.post(URL, payload(), format="json").status_code == 403


def test_volunteers_and_anonymous_users_cannot_use_recommendations(api, volunteer_api, housing):
    assert api.get(URL).status_code in (401, 403)
    assert volunteer_api.post(URL, payload(), format="json").status_code == 403


def test_unknown_pillar_or_group_answers_400_naming_the_field(planner_api, housing):
    response = planner_api.post(URL, payload(pillar="astrology", group="nowhere"), format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"pillar", "group"}


def test_predictor_must_belong_to_the_pillar(planner_api, housing):
    response = planner_api.post(URL, payload(predictors=["just-policing"]), format="json")

    assert response.status_code == 400
    assert "predictors" in response.json()["errors"]


def test_facilitator_cannot_shortlist_but_a_planner_can(housing_facilitator, planner_api, housing):
    rec = RecommendationFactory(group=housing)

    refused = housing_facilitator.patch(f"{URL}{rec.pk}/", {"state": "shortlisted"}, format="json")
    accepted = planner_api.post(f"{URL}{rec.pk}/shortlist/")

    assert refused.status_code == 403
    assert accepted.json()["state"] == "shortlisted"


def test_facilitator_updates_adds_quotes_and_paper_tallies(housing_facilitator, housing):
    rec = RecommendationFactory(group=housing)

    housing_facilitator.patch(f"{URL}{rec.pk}/", {"title": "Better title"}, format="json")
    quote = housing_facilitator.post(
        f"{URL}{rec.pk}/quotes/",
        {
            "text": "I work two jobs.",
            "speaker_sector": "resident",
            "is_resident": True,
            "consent_to_quote": True,
        },
        format="json",
    )
    tally = housing_facilitator.put(f"{URL}{rec.pk}/tally/", {"dots": 17}, format="json")

    rec.refresh_from_db()
    assert rec.title == "Better title"
    assert quote.status_code == 201
    assert "name" not in quote.json()
    assert tally.json() == {"dots": 17}


def test_planner_merges_duplicates_moving_quotes_and_dots(planner_api, housing):
    keep = RecommendationFactory(group=housing, title="Rent relief")
    duplicate = RecommendationFactory(group=housing, title="Rent help")
    PaperTally.objects.create(recommendation=keep, dots=3)
    PaperTally.objects.create(recommendation=duplicate, dots=4)
    planner_api.post(
        f"{URL}{duplicate.pk}/quotes/",
        {"text": "Rent is too high.", "speaker_sector": "resident"},
        format="json",
    )

    response = planner_api.post(f"{URL}{keep.pk}/merge/", {"duplicates": [duplicate.pk]}, format="json")

    assert response.status_code == 200
    assert response.json()["paper_dots"] == 7
    duplicate.refresh_from_db()
    assert (duplicate.merged_into, duplicate.state) == (keep, "parked")
    assert keep.quotes.count() == 1


def test_facilitator_cannot_merge(housing_facilitator, housing):
    keep, duplicate = RecommendationFactory(group=housing), RecommendationFactory(group=housing)

    response = housing_facilitator.post(
        f"{URL}{keep.pk}/merge/", {"duplicates": [duplicate.pk]}, format="json"
    )

    assert response.status_code == 403


def test_merging_another_summits_recommendation_is_refused(planner_api, housing):
    keep = RecommendationFactory(group=housing)
    foreign = RecommendationFactory(group=PlanningGroupFactory(summit=SummitFactory(slug="elsewhere")))

    response = planner_api.post(f"{URL}{keep.pk}/merge/", {"duplicates": [foreign.pk]}, format="json")

    assert response.status_code == 400


def test_facilitator_lists_only_summit_wide_rounds_and_their_own_groups(
    housing_facilitator, planner_api, summit, housing, jobs
):
    from tests.factories import VotingRoundFactory

    VotingRoundFactory(summit=summit, title="Whole summit")
    VotingRoundFactory(summit=summit, group=housing, title="Housing round")
    VotingRoundFactory(summit=summit, group=jobs, title="Jobs round")

    mine = housing_facilitator.get("/api/summits/sb25/rounds/")
    everything = planner_api.get("/api/summits/sb25/rounds/")

    assert mine.status_code == 200
    assert sorted(r["title"] for r in mine.json()) == ["Housing round", "Whole summit"]
    assert sorted(r["title"] for r in everything.json()) == ["Housing round", "Jobs round", "Whole summit"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("pillar", "inclusive-\x00neighborhoods"),
        ("lever", "resource-\x00flows"),
        ("predictors", ["x\x00"]),
        ("dimensions", ["\x00"]),
    ],
)
def test_a_nul_in_a_framework_slug_is_a_400_naming_the_field(housing_facilitator, field, value):
    """PostgreSQL refuses NUL in a query; the answer is the unknown-slug error, never a 500."""
    response = housing_facilitator.post(URL, payload(**{field: value}), format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Recommendation.objects.exists()
