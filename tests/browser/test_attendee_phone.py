"""An attendee's journey on a 390 x 844 phone, in English and Spanish: what they would trip on.

Register (the button says what will happen, paid tickets that cannot be bought are shown as such,
a pasted name too long is refused, not cut), read the thanks page (it says which outcome it was),
then manage the registration (its sections open like buttons, a long name does not widen the page).
"""

import datetime

import pytest
from django.utils import timezone

from registrations.models import Registration
from registrations.seats import links
from tests.browser import test_accessibility as a11y
from tests.browser.pages import SLUG, summit_with_groups
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
axe_path = a11y.axe_path  # the fixture, shared with the accessibility tests


@pytest.fixture
def site(transactional_db, live_server, browser_settings):
    summit, _housing = summit_with_groups()
    return summit, live_server.url


@pytest.fixture
def phone(browser):
    contexts = []

    def open_phone(language="en"):
        context = browser.new_context(viewport=PHONE, locale=language)
        contexts.append(context)
        return context.new_page()

    yield open_phone
    for context in contexts:
        context.close()


def page_url(base_url, path, language):
    return f"{base_url}{path}{'&' if '?' in path else '?'}lang={language}"


def fill_the_form(page, *, first_name="Ana", email="ana@example.org"):
    page.fill("#id_first_name", first_name)
    page.fill("#id_email", email)
    page.check("#id_sector_0")
    page.check("#id_ticket_type_0")


def submit(page):
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()


def text_of(page, selector="main"):
    return " ".join(page.locator(selector).inner_text().split())


def scroll_width(page):
    return page.evaluate("document.scrollingElement.scrollWidth")


# -- the manage page's sections ----------------------------------------------------------------

SUMMARY_LOOK = """(summary) => {
    const style = getComputedStyle(summary);
    const marker = getComputedStyle(summary, '::before');
    const box = summary.getBoundingClientRect();
    return {
        border: style.borderTopStyle !== 'none' && parseFloat(style.borderTopWidth) >= 1,
        chevron: marker.content !== 'none' && parseFloat(marker.width) > 0,
        chevronTurn: marker.transform,
        width: box.width, height: box.height,
    };
}"""


def expanded(page, name):
    """What a screen reader is told of the control named `name`: Chromium's accessibility tree
    gives a <summary> the role of a disclosure button with an `expanded` state."""
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")
    states = [
        {prop["name"]: prop["value"]["value"] for prop in node.get("properties", [])}.get("expanded")
        for node in tree["nodes"]
        if node.get("role", {}).get("value") == "DisclosureTriangle"
        and node.get("name", {}).get("value") == name
    ]
    assert len(states) == 1, f"no single disclosure named {name!r}: {states}"
    return states[0]


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("en", ["Change my details", "Cancel my registration", "Delete my data now"]),
        ("es", ["Cambiar mis datos", "Cancelar mi inscripción", "Borrar mis datos ahora"]),
    ],
)
def test_the_manage_pages_edit_cancel_and_delete_look_and_work_like_buttons(site, phone, language, names):
    summit, base_url = site
    rosa = RegistrationFactory(summit=summit, first_name="Rosa", language=language)
    page = phone(language)
    page.goto(base_url + links.manage_path(rosa))

    summaries = page.locator("main details > summary")
    assert [" ".join(text.split()) for text in summaries.all_inner_texts()] == names
    for index in range(3):
        look = summaries.nth(index).evaluate(SUMMARY_LOOK)
        assert look["border"], f"{names[index]} has no button outline"
        assert look["chevron"], f"{names[index]} has no open/closed marker"
        assert look["height"] >= 44 and look["width"] >= 44

    # Tab reaches each one; Enter and Space open and close it, and the state is announced.
    first = summaries.nth(0)
    closed_turn = first.evaluate(SUMMARY_LOOK)["chevronTurn"]
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert page.evaluate("document.activeElement.textContent.trim()") == names[0]
    assert expanded(page, names[0]) is False
    page.keyboard.press("Enter")
    assert page.locator("#id_first_name").is_visible()
    assert expanded(page, names[0]) is True
    assert first.evaluate(SUMMARY_LOOK)["chevronTurn"] != closed_turn
    page.keyboard.press("Space")
    assert not page.locator("#id_first_name").is_visible()
    assert expanded(page, names[0]) is False


def test_a_long_unbroken_name_does_not_widen_the_manage_page(site, phone):
    summit, base_url = site
    name = "Maximilianaxxxxxxxx" * 5  # 95 characters, one word: within the 100 allowed
    person = RegistrationFactory(
        summit=summit, first_name=name, last_name="Wolfeschlegelsteinhausenbergerdorff"
    )
    page = phone()
    page.goto(base_url + links.manage_path(person))

    assert name in text_of(page, "h1")
    assert scroll_width(page) == PHONE["width"]


def test_a_long_unbroken_name_does_not_widen_the_payment_confirmation(site, phone):
    summit, base_url = site
    partner = summit.ticket_types.get(slug="partner")
    name = "Maximilianaxxxxxxxx" * 5
    person = RegistrationFactory(summit=summit, ticket_type=partner, first_name=name)
    page = phone()
    page.goto(f"{base_url}/r/{links.manage_token(person)}/paid/")

    assert name in text_of(page)
    assert scroll_width(page) == PHONE["width"]


# -- a name too long is refused, not cut ---------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "First name: Ensure this field has no more than 100 characters."),
        ("es", "Nombre: Asegúrese de que este campo no tenga más de 100 caracteres."),
    ],
)
def test_a_pasted_name_too_long_is_refused_with_the_field_named_and_nothing_saved(
    site, phone, language, expected
):
    _summit, base_url = site
    page = phone(language)
    page.goto(page_url(base_url, f"/summits/{SLUG}/", language))
    fill_the_form(page)
    pasted = "Ana María" + " de los Santos" * 18  # 261 characters, as pasted from somewhere else
    page.focus("#id_first_name")
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(pasted)  # what a paste does: no key events, the field's limits apply

    assert page.input_value("#id_first_name") == pasted
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        submit(page)

    assert answer.value.status == 400
    assert text_of(page, "#error-summary li") == expected
    assert page.get_attribute("#id_first_name", "aria-invalid") == "true"
    assert page.input_value("#id_first_name") == pasted  # kept, so that it can be shortened
    assert Registration.objects.count() == 0


def test_a_name_too_long_is_refused_on_the_manage_page_too(site, phone):
    summit, base_url = site
    rosa = RegistrationFactory(summit=summit, first_name="Rosa")
    page = phone()
    page.goto(base_url + links.manage_path(rosa))
    page.click("text=Change my details")
    page.focus("#id_first_name")
    page.keyboard.press("Control+A")
    page.keyboard.insert_text("R" * 150)
    with page.expect_navigation():
        page.click("text=Save changes")

    assert (
        text_of(page, "#error-summary li") == "First name: Ensure this field has no more than 100 characters."
    )
    rosa.refresh_from_db()
    assert rosa.first_name == "Rosa"


# -- tickets that cannot be bought --------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "free", "paid"),
    [
        ("en", "Community resident (free)", "Partner organization ($40.00): not available online right now"),
        (
            "es",
            "Residente de la comunidad (gratis)",
            "Organización aliada ($40.00): no se puede pagar en línea por ahora",
        ),
    ],
)
def test_paid_tickets_are_shown_disabled_with_the_reason_while_payments_are_off(
    site, phone, language, free, paid
):
    _summit, base_url = site
    page = phone(language)
    page.goto(page_url(base_url, f"/summits/{SLUG}/", language))

    tickets = page.locator("#field-ticket_type label.choice")
    assert [" ".join(t.split()) for t in tickets.all_inner_texts()] == [free, paid]
    assert page.is_enabled("#id_ticket_type_0")
    assert page.is_disabled("#id_ticket_type_1")
    page.locator("#field-ticket_type label.choice").nth(1).click(force=True)
    assert not page.is_checked("#id_ticket_type_1")
    # Nothing is left on the form that only a paid ticket needs.
    assert page.locator("#id_cannot_afford, #id_promo_code").count() == 0


def test_paid_tickets_can_be_chosen_when_payments_are_on(site, phone, settings, stripe_fake):
    _summit, base_url = site
    page = phone()
    page.goto(f"{base_url}/summits/{SLUG}/")

    assert page.is_enabled("#id_ticket_type_1")
    assert text_of(page, "#field-ticket_type label.choice >> nth=1") == "Partner organization ($40.00)"
    assert page.locator("#id_cannot_afford").count() == 1


# -- the thanks page says which outcome it was --------------------------------------------------


@pytest.mark.parametrize(
    ("language", "button", "notice"),
    [
        ("en", "Register", "Your registration is confirmed."),
        ("es", "Inscribirme", "Su inscripción está confirmada."),
    ],
)
def test_the_thanks_page_says_the_registration_is_confirmed(site, phone, language, button, notice):
    _summit, base_url = site
    page = phone(language)
    page.goto(page_url(base_url, f"/summits/{SLUG}/", language))
    fill_the_form(page)
    assert text_of(page, "main form[method=post] button[type=submit]") == button
    submit(page)

    assert Registration.objects.get().status == "confirmed"
    assert text_of(page, "main .notice").startswith(notice)
    assert "waitlist" not in text_of(page) and "espera" not in text_of(page)


@pytest.mark.parametrize(
    ("language", "button", "notice", "hold"),
    [
        (
            "en",
            "Join the waitlist",
            "You are on the waitlist. Your place: 2.",
            "If a seat opens, we email you and hold it for you for 1 hour.",
        ),
        (
            "es",
            "Anotarme en la lista de espera",
            "Está en la lista de espera. Su lugar: 2.",
            "Si se libera un lugar, le escribimos y se lo guardamos durante 1 hora.",
        ),
    ],
)
def test_when_the_summit_is_full_the_button_and_the_thanks_page_say_waitlist(
    site, phone, language, button, notice, hold
):
    summit, base_url = site
    summit.capacity = 1
    summit.offer_hours = 1
    summit.save()
    RegistrationFactory(summit=summit, first_name="Rosa")
    RegistrationFactory(
        summit=summit, first_name="Luis", status="waitlisted", confirmed_at=None, waitlisted_at=timezone.now()
    )
    page = phone(language)
    page.goto(page_url(base_url, f"/summits/{SLUG}/", language))
    fill_the_form(page)
    assert text_of(page, "main form[method=post] button[type=submit]") == button
    submit(page)

    assert Registration.objects.get(email="ana@example.org").status == "waitlisted"
    assert text_of(page, "main .notice") == notice
    assert hold in text_of(page)


def test_the_offer_hold_reads_in_the_plural_for_several_hours(site, phone):
    summit, base_url = site
    summit.capacity = 0
    summit.offer_hours = 48
    summit.save()
    page = phone("es")
    page.goto(page_url(base_url, f"/summits/{SLUG}/", "es"))
    fill_the_form(page)
    submit(page)

    assert "se lo guardamos durante 48 horas." in text_of(page)
    assert text_of(page, "main .notice").endswith("Su lugar: 1.")


def test_the_thanks_page_of_a_known_email_reads_as_a_new_registration(site, phone):
    summit, base_url = site
    RegistrationFactory(summit=summit, first_name="Rosa", email="rosa@example.org", status="confirmed")
    page = phone()
    page.goto(f"{base_url}/summits/{SLUG}/")
    fill_the_form(page, first_name="Prober", email="ROSA@example.org")
    submit(page)

    assert text_of(page, "main .notice").startswith("Your registration is confirmed.")
    assert Registration.objects.count() == 1


# -- copy: no double periods, no gendered Spanish ------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_name_or_time_ending_in_a_period_is_not_followed_by_another(site, phone, language):
    summit, base_url = site
    partner = summit.ticket_types.get(slug="partner")
    now = timezone.now()
    paid = RegistrationFactory(summit=summit, ticket_type=partner, first_name="Ana M.", language=language)
    offered = RegistrationFactory(
        summit=summit,
        first_name="Eva",
        language=language,
        status="waitlisted",
        confirmed_at=None,
        waitlisted_at=now,
        # 9 a.m. in the summit's timezone, so that the English time ends in "a.m."
        offer_expires_at=(now + datetime.timedelta(days=1))
        .astimezone(summit.tz)
        .replace(hour=9, minute=0, second=0, microsecond=0),
    )
    page = phone(language)
    seen = {}
    for label, path in [
        ("payment confirmed", f"/r/{links.manage_token(paid)}/paid/"),
        ("seat offered", links.manage_path(offered)),
    ]:
        page.goto(base_url + path)
        seen[label] = text_of(page)

    assert ("Ana M." in seen["payment confirmed"], ".." in seen["payment confirmed"]) == (True, False)
    if language == "en":
        assert "9:00 a.m." in seen["seat offered"] or "9 a.m." in seen["seat offered"]
    assert ".." not in seen["seat offered"]


def test_spanish_pages_after_registering_speak_to_anyone_whatever_their_gender(site, phone):
    summit, base_url = site
    partner = summit.ticket_types.get(slug="partner")
    paid = RegistrationFactory(summit=summit, ticket_type=partner, first_name="Alex", language="es")
    page = phone("es")
    page.goto(f"{base_url}/r/{links.manage_token(paid)}/paid/")

    assert text_of(page, "h1") == "¡Su inscripción está confirmada!"
    assert "inscrito" not in text_of(page)


# -- the pages touched here, checked by axe-core on this phone and on a desktop -----------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_states_shown_here_have_no_serious_accessibility_problems(site, browser, axe_path, language):
    summit, base_url = site
    partner = summit.ticket_types.get(slug="partner")
    rosa = RegistrationFactory(summit=summit, first_name="Maximilianaxxxxxxxx" * 5, language=language)
    paid = RegistrationFactory(summit=summit, ticket_type=partner, first_name="Ana M.", language=language)

    def long_name_refused(page):
        page.goto(page_url(base_url, f"/summits/{SLUG}/", language))
        fill_the_form(page, first_name="A" * 260)
        submit(page)

    def edit_open(page):
        page.goto(base_url + links.manage_path(rosa))
        page.locator("main details > summary").first.click()

    states = {
        "registration, paid tickets off": lambda page: page.goto(
            page_url(base_url, f"/summits/{SLUG}/", language)
        ),
        "registration, name too long": long_name_refused,
        "manage, long name, edit open": edit_open,
        "payment confirmed": lambda page: page.goto(f"{base_url}/r/{links.manage_token(paid)}/paid/"),
    }
    problems = []
    for viewport in (PHONE, a11y.DESKTOP):
        for label, opener in states.items():
            context = browser.new_context(viewport=viewport, locale=language, bypass_csp=True)
            page = context.new_page()
            opener(page)
            serious = [v for v in a11y.run_axe(page, axe_path) if v["impact"] in ("serious", "critical")]
            if serious:
                problems.append(f"{label} at {viewport['width']} px:\n{a11y.describe(serious)}")
            context.close()
    assert problems == []
