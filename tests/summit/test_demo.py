"""What `make demo` prints and serves: sign-ins that work and stay the same, links to its port."""

import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]


def demo_logins():
    out = io.StringIO()
    call_command("demo_logins", "--summit", "demo", stdout=out)
    return out.getvalue()


def test_demo_logins_print_the_same_working_sign_in_for_each_kind_of_staff_on_every_run(client, settings):
    settings.DEBUG = True
    call_command("seed_demo", "--attendees", "0", stdout=io.StringIO())

    first, again = demo_logins(), demo_logins()
    sign_ins = re.findall(r"^  (\w+) +(\S+@demo\.example\.org)  password: (\S+)", again, flags=re.MULTILINE)

    assert first == again
    assert [role for role, _email, _password in sign_ins] == ["planner", "facilitator", "volunteer"]
    landed = {}
    for role, email, password in sign_ins:
        response = client.post("/accounts/login/", {"username": email, "password": password})
        landed[role] = response["Location"]
        assert client.get(response["Location"]).status_code == 200
        client.logout()
    assert landed == {
        "planner": "/summits/demo/planner/groups/",
        "facilitator": "/summits/demo/groups/housing/facilitate/",
        "volunteer": "/summits/demo/door/",
    }


def test_make_demo_on_another_port_links_to_that_port():
    environment = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    dry_run = subprocess.run(
        ["make", "--dry-run", "demo"],
        cwd=PROJECT,
        env={**environment, "PORT": "8765"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commands = [line for line in dry_run.splitlines() if "manage.py" in line]

    assert len(commands) == 5
    assert all("SITE_URL=http://127.0.0.1:8765 " in line for line in commands)
    assert commands[-1].endswith("runserver 127.0.0.1:8765")
