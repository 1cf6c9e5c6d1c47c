"""Registration.PERSONAL_FIELDS is the one list of what a registration holds about the person: the
purge empties it. Its GIVEN_FIELDS (all but search_name, made from the names) are what the profile
is edited through and the tests plant canaries in. It is only right while every field is
classified, so a new text field must be put in it or here."""

import pytest
from django.db import models

from registrations.models import Registration
from registrations.seats.forms import RegistrationForm
from registrations.seats.serializers import RegistrationInputSerializer

# Text fields that are deliberately not personal: the state of the registration, the two figures
# the report keeps, and the badge code's hash (a credential the purge clears to stop the badge).
NOT_PERSONAL_TEXT = {"status", "sector", "language", "badge_code_hash"}


def test_every_text_field_of_a_registration_is_personal_or_named_as_not_personal():
    text_fields = {
        field.name
        for field in Registration._meta.concrete_fields
        if isinstance(field, (models.CharField, models.TextField))  # EmailField is a CharField
    }

    assert text_fields - set(Registration.PERSONAL_FIELDS) == NOT_PERSONAL_TEXT


def test_each_personal_field_is_a_column_the_purge_can_blank():
    assert len(set(Registration.PERSONAL_FIELDS)) == len(Registration.PERSONAL_FIELDS)
    for name in Registration.PERSONAL_FIELDS:
        field = Registration._meta.get_field(name)
        assert field.concrete and not field.primary_key, name
        assert field.null or field.empty_strings_allowed, name  # blanked to None or ""


def test_what_a_person_gives_is_all_that_is_personal_but_the_names_folded_for_search():
    assert set(Registration.PERSONAL_FIELDS) - set(Registration.GIVEN_FIELDS) == {"search_name"}
    assert set(Registration.NAME_FIELDS) <= set(Registration.GIVEN_FIELDS)


@pytest.mark.django_db
def test_the_api_and_the_form_take_every_profile_field(summit):
    api_fields = set(RegistrationInputSerializer(context={"summit": summit}).fields)
    form_fields = set(RegistrationForm(summit=summit).fields)

    assert set(Registration.PROFILE_FIELDS) - api_fields == set()
    assert set(Registration.PROFILE_FIELDS) - form_fields == set()
