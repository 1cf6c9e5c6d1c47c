"""The settings module refuses to start a production process with a guessable secret."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_check(**env_overrides):
    env = {
        key: value for key, value in os.environ.items() if key not in ("SECRET_KEY", "BADGE_SECRET", "DEBUG")
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_without_secret_key_refuses_to_start_and_says_why():
    result = run_check(DEBUG="0", BADGE_SECRET="b" * 40)

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_without_badge_secret_refuses_to_start():
    result = run_check(DEBUG="0", SECRET_KEY="s" * 50)

    assert result.returncode != 0
    assert "BADGE_SECRET must be set when DEBUG is off" in result.stderr


def test_demo_mode_starts_without_any_secret():
    result = run_check(DEBUG="1")

    assert result.returncode == 0, result.stderr


def test_production_with_both_secrets_starts():
    result = run_check(
        DEBUG="0", SECRET_KEY="s" * 50, BADGE_SECRET="b" * 40, ALLOWED_HOSTS="summit.example.org"
    )

    assert result.returncode == 0, result.stderr
