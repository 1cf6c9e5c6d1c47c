"""What screen reader and keyboard users rely on in the attendee pages' HTML (the browser tests
in tests/browser check the rest with axe-core)."""

import pytest

pytestmark = pytest.mark.django_db


def test_questions_left_empty_get_plain_messages(client, summit):
    page = client.post("/summits/sb25/?lang=en", {"email": ""}).content.decode()

    assert "First name: Please fill this in." in page
    assert "Email: Please fill this in." in page
    assert "Which best describes you?: Please choose one." in page
    assert "may not be" not in page
    assert "is not a valid choice" not in page


def test_page_title_says_error_when_the_form_has_one(client, summit):
    # Screen readers read the title first after the page reloads with errors.
    page = client.post("/summits/sb25/?lang=en", {"email": ""}).content.decode()

    assert "<title>Error: Santa Barbara Mobility Summit</title>" in page


def test_error_summary_is_an_alert_that_takes_focus_and_links_each_field(client, summit):
    page = client.post("/summits/sb25/?lang=en", {"email": ""}).content.decode()

    assert '<div class="error-summary" role="alert" tabindex="-1" id="error-summary" autofocus>' in page
    assert '<a href="#id_first_name">First name: Please fill this in.</a>' in page
    assert '<a href="#id_sector_0">Which best describes you?: Please choose one.</a>' in page


def test_radio_errors_are_announced_with_the_question(client, summit):
    page = client.post("/summits/sb25/?lang=en", {"email": ""}).content.decode()

    assert '<fieldset aria-describedby="id_sector_hint id_sector_error">' in page
    assert 'id="id_sector_0" required aria-invalid="true">' in page
    assert '<ul class="errorlist" id="id_sector_error"><li>Please choose one.</li></ul>' in page
