import uuid

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from summit.models import StaffRole
from tests.factories import StaffRoleFactory, SummitFactory, TicketTypeFactory, UserFactory


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STRIPE_SECRET_KEY = ""
    # Pages use {% static %}; tests run with DEBUG off but without collectstatic's manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    # Rate-limit counters live in the cache: each test gets an empty one of its own.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }


@pytest.fixture
def summit(db):
    summit = SummitFactory(slug="sb25", name="Santa Barbara Mobility Summit", capacity=350)
    TicketTypeFactory(summit=summit, slug="community-resident", name="Community resident")
    return summit


@pytest.fixture
def api():
    return APIClient()


def staff_client(summit, role, group=None):
    user = UserFactory()
    StaffRoleFactory(user=user, summit=summit, role=role, group=group)
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.user = user
    return client


@pytest.fixture
def planner_api(summit):
    return staff_client(summit, StaffRole.Role.PLANNER)


@pytest.fixture
def volunteer_api(summit):
    return staff_client(summit, StaffRole.Role.VOLUNTEER)
