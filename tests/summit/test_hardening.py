import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from summit.middleware import SESSION_KEY
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3J9-vQ2!zR8^mW4@pL6#tY1%nB5&cX7*hD0(fG2)sA9_eU3+oI8=",
    "BADGE_SECRET": "Zr4-Ng8!Tq1^Wp6@Lx3#Vb9%Hc2&Md7*Jf5(Ks0)Ya8_Eu4+Oi1=",
    "ALLOWED_HOSTS": "summit.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://summit.example.org",
    "TRUSTED_PROXY_COUNT": "1",
}


def test_check_deploy_is_clean_with_the_documented_production_settings():
    # The README's deploy, nothing more: SECURE_SSL_REDIRECT is left to its default.
    unset = ("DEBUG", "SECRET_KEY", "SECURE_COOKIES", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(PRODUCTION)

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def production_setting(name, **env_overrides):
    """A setting's value in a process started with the README's production environment."""
    env = {k: v for k, v in os.environ.items() if k not in ("SECURE_SSL_REDIRECT", "TRUSTED_PROXY_COUNT")}
    env.update(PRODUCTION, **env_overrides)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"from summit import settings; print(repr(getattr(settings, {name!r}, None)))",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


def test_production_redirects_to_https_and_trusts_the_proxys_scheme_only_behind_a_proxy():
    assert production_setting("SECURE_SSL_REDIRECT") == "True"
    assert production_setting("SECURE_SSL_REDIRECT", SECURE_SSL_REDIRECT="0") == "False"
    assert production_setting("SECURE_PROXY_SSL_HEADER") == "('HTTP_X_FORWARDED_PROTO', 'https')"
    # With no proxy in front, a client's own X-Forwarded-Proto would claim https over plain http.
    assert production_setting("SECURE_PROXY_SSL_HEADER", TRUSTED_PROXY_COUNT="0") == "None"


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_except_the_health_check(client, settings, summit):
    settings.SECURE_SSL_REDIRECT = True  # production's default (the suite turns it off)
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    plain = client.get("/summits/sb25/")
    through_the_proxy = client.get("/summits/sb25/", HTTP_X_FORWARDED_PROTO="https")
    health = client.get("/healthz")

    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/summits/sb25/"
    assert through_the_proxy.status_code == 200
    assert health.status_code == 200


@pytest.mark.django_db
def test_five_failed_sign_ins_lock_the_account_for_that_address(client):
    user = UserFactory(username="planner@example.org")
    user.set_password("correct horse battery staple")
    user.save()

    for _ in range(5):
        client.post("/admin/login/", {"username": "planner@example.org", "password": "wrong"})
    locked = client.post(
        "/admin/login/", {"username": "planner@example.org", "password": "correct horse battery staple"}
    )

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2():
    user = UserFactory()
    user.set_password("a long enough passphrase")

    assert user.password.startswith("argon2")


@pytest.mark.django_db
def test_idle_staff_sessions_end(client, settings):
    settings.STAFF_IDLE_TIMEOUT = 60
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    session = client.session
    session[SESSION_KEY] = int(time.time()) - 3600
    session.save()

    response = client.get("/admin/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
