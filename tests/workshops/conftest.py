import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests.factories import (
    PlanningGroupFactory,
    RecommendationFactory,
    RegistrationFactory,
    VotingRoundFactory,
)
from workshops.framework import load_framework, read_framework_file
from workshops.models import FrameworkVersion, VotingRound
from workshops.recommendations import services as rec_services
from workshops.recommendations import voting


@pytest.fixture(autouse=True)
def _framework_loaded(request):
    """The framework comes from a data migration, but a transactional test (ours or another
    app's) flushes every table; load it again when it is gone. Tests that use no database (the
    engine's) are left without one."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    transactional = bool(marker and marker.kwargs.get("transaction"))
    request.getfixturevalue("transactional_db" if transactional else "db")
    if not FrameworkVersion.objects.exists():
        load_framework(read_framework_file())


def pdf_text(pdf_bytes):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)


def pdf_pages(pdf_bytes):
    return len(PdfReader(io.BytesIO(pdf_bytes)).pages)


def close(voting_round):
    VotingRound.objects.filter(pk=voting_round.pk).update(
        opens_at=timezone.now() - datetime.timedelta(hours=2),
        closes_at=timezone.now() - datetime.timedelta(hours=1),
    )
    voting_round.refresh_from_db()
    return voting_round


@pytest.fixture
def housing(summit):
    return PlanningGroupFactory(
        summit=summit,
        slug="housing",
        name="Housing that lasts",
        name_es="Vivienda estable",
        pillar="inclusive-neighborhoods",
    )


@pytest.fixture
def jobs(summit):
    return PlanningGroupFactory(
        summit=summit,
        slug="good-jobs",
        name="Good jobs",
        name_es="Buenos empleos",
        pillar="rewarding-work",
        position=1,
    )


@pytest.fixture
def scene(summit, housing, jobs):
    """A small summit after voting: 12 residents and 3 business people in housing, 6 residents in jobs;
    three recommendations, one shortlisted pair voted on in a closed summit-wide round."""
    people = (
        [
            RegistrationFactory(
                checked_in=True, summit=summit, group=housing, sector="resident", organization=""
            )
            for _ in range(12)
        ]
        + [
            RegistrationFactory(
                checked_in=True,
                summit=summit,
                group=housing,
                sector="business",
                organization="Acme Bakery",
                share_with_group=True,
            )
            for _ in range(3)
        ]
        + [
            RegistrationFactory(checked_in=True, summit=summit, group=jobs, sector="resident", language="es")
            for _ in range(6)
        ]
    )
    rent = RecommendationFactory(group=housing, title="Rent relief fund", state="shortlisted")
    bus = RecommendationFactory(group=housing, title="Night buses to the hospital", state="submitted")
    wages = RecommendationFactory(group=jobs, title="Living wage pledge", state="shortlisted")
    rec_services.add_quote(
        group=housing,
        recommendation=rent,
        text="We moved four times in two years.",
        speaker_sector="resident",
        is_resident=True,
        consent_to_quote=True,
    )
    rec_services.add_quote(
        group=housing,
        recommendation=rent,
        text="Do not print this one.",
        speaker_sector="resident",
        is_resident=True,
        consent_to_quote=False,
    )
    voting_round = VotingRoundFactory(summit=summit, title="Room vote")
    for person in people[:12]:
        voting.set_dots(voting_round, registration=person, recommendation=rent, dots=2)
    for person in people[12:15]:
        voting.set_dots(voting_round, registration=person, recommendation=wages, dots=1)
    close(voting_round)
    return {"people": people, "rent": rent, "bus": bus, "wages": wages, "round": voting_round}
