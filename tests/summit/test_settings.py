"""The settings module refuses to start a production process with a guessable secret."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Secrets as `secrets.token_urlsafe(64)` makes them (what the README suggests).
STRONG_KEY = "Xq3vJ8kP2mR7tW9yB4nC6dF1gH5jL0sA-zE_uI8oK3pQ7wV2xY6bN9mT4rU1cG5hD0fS"
STRONG_BADGE_SECRET = "b7T_qW2eR9tY4uI1oP6aS3dF8gH5jK0lZ-xC7vB2nM9qA4wE1rT6yU3iO8pL5kJ0hG"


def run_check(**env_overrides):
    env = {
        key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "BADGE_SECRET", "DEBUG")
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_without_secret_key_refuses_to_start_and_says_why():
    result = run_check(DEBUG="0", BADGE_SECRET=STRONG_BADGE_SECRET)

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_without_badge_secret_refuses_to_start():
    result = run_check(DEBUG="0", SECRET_KEY=STRONG_KEY)

    assert result.returncode != 0
    assert "BADGE_SECRET must be set when DEBUG is off" in result.stderr


def test_demo_mode_starts_without_any_secret():
    result = run_check(DEBUG="1")

    assert result.returncode == 0, result.stderr


def test_production_with_both_secrets_starts():
    result = run_check(
        DEBUG="0", SECRET_KEY=STRONG_KEY, BADGE_SECRET=STRONG_BADGE_SECRET, ALLOWED_HOSTS="summit.example.org"
    )

    assert result.returncode == 0, result.stderr


def test_production_with_a_short_secret_key_refuses_to_start_and_says_why():
    result = run_check(DEBUG="0", SECRET_KEY=STRONG_KEY[:49], BADGE_SECRET=STRONG_BADGE_SECRET)

    assert result.returncode != 0
    assert "SECRET_KEY is too weak: use at least 50 characters, at least 5 of them different" in result.stderr


def test_production_with_a_secret_key_of_few_distinct_characters_refuses_to_start():
    result = run_check(DEBUG="0", SECRET_KEY="abcd" * 20, BADGE_SECRET=STRONG_BADGE_SECRET)

    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_production_with_a_weak_badge_secret_refuses_to_start():
    result = run_check(DEBUG="0", SECRET_KEY=STRONG_KEY, BADGE_SECRET="b" * 64)

    assert result.returncode != 0
    assert "BADGE_SECRET is too weak" in result.stderr
