"""An attendee on a phone downloads their whole badge from their private link."""

from pathlib import Path

import pytest

from registrations.badges.codes import badge_code
from registrations.badges.sheets import LAYOUTS
from registrations.seats import links
from tests.factories import PlanningGroupFactory, RegistrationFactory, SummitFactory, TicketTypeFactory
from tests.registrations.sheet_reading import decoded_qr_codes, viewer_text

pytestmark = pytest.mark.browser


def test_an_attendee_downloads_the_whole_badge_on_a_phone(
    transactional_db, live_server, browser_settings, browser
):
    summit = SummitFactory(slug="sb25", name="Santa Barbara Mobility Summit")
    TicketTypeFactory(summit=summit)
    group = PlanningGroupFactory(summit=summit, name="Housing", room="Room 101")
    person = RegistrationFactory(summit=summit, first_name="Rosa", last_name="Parks", group=group)
    context = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)
    page = context.new_page()
    page.goto(live_server.url + links.manage_path(person))

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the whole badge (PDF)").click()

    pdf = Path(download.value.path()).read_bytes()
    assert download.value.suggested_filename == "badge-sb25.pdf"
    assert viewer_text(pdf).split() == [
        "Santa",
        "Barbara",
        "Mobility",
        "Summit",
        "Rosa",
        "Parks",
        "Housing",
        "Room",
        "101",
    ]
    assert decoded_qr_codes(pdf, LAYOUTS["label-4x3"]) == ({0: badge_code(person)}, 1)
    context.close()
