import re

import pytest

from registrations.badges.codes import badge_code, find_registration, set_badge_code
from tests.factories import RegistrationFactory, SummitFactory

pytestmark = pytest.mark.django_db


def test_badge_code_is_opaque_and_has_a_version_prefix():
    registration = RegistrationFactory(first_name="Guadalupe", last_name="Ramírez", email="lupe@example.org")

    code = badge_code(registration)

    assert re.fullmatch(r"S1-[A-Z2-7]{26}", code)
    for personal in ("GUADALUPE", "RAMIREZ", "LUPE", str(registration.public_id).upper()):
        assert personal not in code


def test_badge_code_does_not_depend_on_personal_data():
    first = RegistrationFactory(first_name="Ana", last_name="Cruz")
    twin = RegistrationFactory(summit=first.summit, first_name="Ana", last_name="Cruz")
    code = badge_code(first)

    first.first_name, first.email = "Anita", "new@example.org"

    assert badge_code(first) == code
    assert badge_code(twin) != code


def test_badge_code_is_not_stored_only_its_hash():
    registration = RegistrationFactory()

    code = badge_code(registration)

    assert registration.badge_code_hash != code
    assert code not in str(registration.__dict__)


def test_a_badge_code_finds_its_registration_in_any_case_and_spacing():
    registration = RegistrationFactory()
    code = badge_code(registration)

    assert find_registration(registration.summit, code) == registration
    assert find_registration(registration.summit, f"  {code.lower()}\n") == registration


def test_forged_altered_and_other_summit_codes_find_nobody():
    registration = RegistrationFactory()
    code = badge_code(registration)
    other_summit = SummitFactory()
    altered = code[:-1] + ("A" if code[-1] != "A" else "B")

    assert find_registration(registration.summit, altered) is None
    assert find_registration(registration.summit, "S1-" + "A" * 26) is None
    assert find_registration(registration.summit, "hello") is None
    assert find_registration(other_summit, code) is None


def test_reissuing_a_badge_revokes_the_old_code():
    registration = RegistrationFactory()
    old = badge_code(registration)

    registration.badge_version += 1
    set_badge_code(registration)
    registration.save()

    assert find_registration(registration.summit, old) is None
    assert find_registration(registration.summit, badge_code(registration)) == registration
