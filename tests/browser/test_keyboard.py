"""Registering with the keyboard alone: Tab, Shift+Tab, Space, arrow keys and Enter, no clicks."""

import pytest

from registrations.models import Registration
from tests.browser.pages import SLUG, attendee_site

pytestmark = pytest.mark.browser

FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name') || '',
        type: el.getAttribute('type') || '', text: el.textContent.trim(),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        inForm: !!el.closest('main form[method=post]'),
    };
}"""

FORM_ORDER = """() => {
    // What Tab should visit in the registration form: each field once (a radio group is one
    // stop), in document order, then the submit button.
    const order = [];
    for (const el of document.querySelectorAll('main form[method=post] input, main form[method=post] select, main form[method=post] textarea, main form[method=post] button')) {
        if (el.type === 'hidden') continue;
        const key = el.tagName === 'BUTTON' ? 'submit' : el.name;
        if (order[order.length - 1] !== key) order.push(key);
    }
    return order;
}"""


@pytest.fixture
def registration_page(transactional_db, live_server, browser_settings, browser):
    attendee_site(live_server.url)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/summits/{SLUG}/")
    yield page
    context.close()


def tab(page, *, back=False):
    page.keyboard.press("Shift+Tab" if back else "Tab")
    return page.evaluate(FOCUSED)


def test_a_registration_can_be_completed_with_the_keyboard_alone(registration_page):
    page = registration_page
    expected = page.evaluate(FORM_ORDER)
    visited = []
    typed = {"first_name": "Ana", "email": "ana@example.org", "organization": "Casa del Pueblo"}
    focused = tab(page)
    assert focused["text"] == "Skip to main content"
    for _ in range(60):
        assert focused["outline"], f"no visible focus on {focused}"
        if focused["inForm"]:
            key = "submit" if focused["tag"] == "button" else focused["name"]
            visited.append(key)
            if key == "submit":
                break
            if key in typed:
                page.keyboard.type(typed[key])
            elif key == "sector":
                page.keyboard.press("Space")  # selects "resident", the first choice
                page.keyboard.press("ArrowDown")  # then moves on to the next one
            elif key == "ticket_type":
                page.keyboard.press("Space")  # the free ticket, listed first
            elif key == "pref_1":
                page.keyboard.press("ArrowDown")
            elif key == "share_with_group":
                page.keyboard.press("Space")
        focused = tab(page)
    assert visited == expected
    assert focused["text"] == "Register"

    # Shift+Tab goes back to the last field; Tab returns to the button.
    assert tab(page, back=True)["name"] == "photo_consent"
    assert tab(page)["text"] == "Register"
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.locator("h1").text_content() == "Thank you!"
    registration = Registration.objects.get(email="ana@example.org")
    assert (registration.first_name, registration.sector, registration.organization) == (
        "Ana",
        "community_org",
        "Casa del Pueblo",
    )
    assert registration.share_with_group is True
    assert [p.group.slug for p in registration.preferences.all()] == ["jobs"]  # "Good jobs" is listed first


def test_error_summary_takes_focus_and_its_links_move_focus_to_the_field(registration_page):
    page = registration_page
    page.focus("main form[method=post] button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Chromium moves focus to an autofocus element at its next rendering step, which can come
    # just after the load event that ends the navigation: wait for it (as a person would see it
    # at once), failing if it never comes.
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'error-summary'")
    summary = page.evaluate(FOCUSED)
    assert summary["id"] == "error-summary"
    targets = page.evaluate(
        "() => [...document.querySelectorAll('#error-summary a')].map(a => [a.hash, !!document.getElementById(a.hash.slice(1))])"
    )
    assert targets == [
        ["#id_first_name", True],
        ["#id_email", True],
        ["#id_sector_0", True],
        ["#id_ticket_type_0", True],
    ]
    assert page.get_attribute("#error-summary", "role") == "alert"
    link = tab(page)
    assert link["tag"] == "a"
    assert link["text"].startswith("First name:")
    page.keyboard.press("Enter")

    field = page.evaluate(FOCUSED)
    assert field["id"] == "id_first_name"
    described_by = page.get_attribute("#id_first_name", "aria-describedby").split()
    assert "id_first_name_error" in described_by
    assert page.get_attribute("#id_first_name", "aria-invalid") == "true"
