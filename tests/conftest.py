import uuid

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from summit.models import StaffRole
from tests.factories import StaffRoleFactory, SummitFactory, TicketTypeFactory, UserFactory
from tests.stripe_fake import FakeStripe


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STRIPE_SECRET_KEY = ""
    # No collectstatic in tests: serve static files from the app folders (as the demo does).
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


@pytest.fixture
def frozen_rate_window(monkeypatch):
    """Rate limits count per fixed clock window; freeze the clock the limiter reads so a test's
    requests never straddle two windows (the outside world here is the clock)."""
    import time
    import types

    import django_ratelimit.core

    now = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", types.SimpleNamespace(time=lambda: now))


@pytest.fixture
def stripe_fake(settings):
    """A Stripe-compatible server on 127.0.0.1, reached by the real stripe-python client."""
    fake = FakeStripe().start()
    settings.STRIPE_SECRET_KEY = fake.api_key
    settings.STRIPE_WEBHOOK_SECRET = fake.webhook_secret
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.SITE_URL = "https://summit.example.org"
    yield fake
    fake.stop()
