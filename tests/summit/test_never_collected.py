"""Data we do not hold cannot leak or be demanded: no field anywhere asks for these."""

import re

import pytest
from django.apps import apps
from django.urls import get_resolver

from registrations.seats.forms import RegistrationForm
from registrations.seats.serializers import RegistrationInputSerializer

DENY = re.compile(
    r"immigra|citizen|nationality|country_of_birth|birth_?country|birth_?date|date_of_birth|\bdob\b|ssn|"
    r"social_security|itin|passport|id_number|license|licence|home_address|street|zip_?code|postal|"
    r"criminal|conviction|arrest|probation_status|parole|justice|incarcerat|income|salary|wage",
    re.IGNORECASE,
)
OUR_APPS = ("summit", "registrations", "workshops")


def offending(names):
    return sorted(name for name in names if DENY.search(name))


def test_no_model_field_of_ours_matches_the_deny_list():
    names = [
        f"{model._meta.label}.{field.name}"
        for app in OUR_APPS
        for model in apps.get_app_config(app).get_models()
        for field in model._meta.get_fields()
    ]

    assert len(names) > 30
    assert offending(names) == []


@pytest.mark.django_db
def test_no_form_or_api_field_matches_the_deny_list(summit):
    form_fields = list(RegistrationForm(summit=summit).fields)
    api_fields = list(RegistrationInputSerializer(context={"summit": summit}).fields)

    assert "first_name" in form_fields and "first_name" in api_fields
    assert offending(form_fields + api_fields) == []


def test_the_deny_list_catches_what_it_should():
    # Guards the tests above against a pattern that matches nothing.
    assert offending(
        [
            "immigration_status",
            "date_of_birth",
            "ssn",
            "home_address",
            "criminal_history",
            "household_income",
            "first_name",
            "organization",
        ]
    ) == [
        "criminal_history",
        "date_of_birth",
        "home_address",
        "household_income",
        "immigration_status",
        "ssn",
    ]


def test_no_url_asks_for_it_either():
    patterns = [str(p.pattern) for p in get_resolver().url_patterns]

    assert offending(patterns) == []
