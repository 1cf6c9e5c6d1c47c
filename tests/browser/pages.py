"""The pages attendees and door volunteers use, set up in every state worth checking in a browser.

`attendee_site(live_server_url, language=...)` creates one summit with registrations in each state
(their saved language is `language`, so their private pages speak it) and returns the pages as
{name: opener}; an opener takes a Playwright page and leaves it on that page, ready to check.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from registrations.badges.codes import badge_code
from registrations.door.links import create_door_link
from registrations.models import Registration
from registrations.seats import links
from registrations.seats.views import thanks_path
from tests.factories import (
    GroupPreferenceFactory,
    PlanningGroupFactory,
    RecommendationFactory,
    RegistrationFactory,
    SummitFactory,
    TicketTypeFactory,
    VotingRoundFactory,
)

SLUG = "sb25"
ANSWER_CLASS = {"green": "ok", "amber": "warn", "red": "bad"}


def summit_with_groups():
    summit = SummitFactory(
        slug=SLUG,
        name="Santa Barbara Mobility Summit",
        name_es="Cumbre de Movilidad de Santa Bárbara",
        description="A day of planning together.",
        description_es="Un día para planear juntos.",
        venue="Community Center, 123 State Street",
    )
    TicketTypeFactory(summit=summit, slug="community-resident", name="Community resident", position=1)
    TicketTypeFactory(
        summit=summit,
        slug="partner",
        name="Partner organization",
        name_es="Organización aliada",
        price=Decimal("40.00"),
        position=2,
    )
    housing = PlanningGroupFactory(summit=summit, slug="housing", name="Housing", name_es="Vivienda")
    PlanningGroupFactory(summit=summit, slug="jobs", name="Good jobs", name_es="Buenos empleos")
    return summit, housing


def attendee_site(base_url, *, language="en"):
    summit, housing = summit_with_groups()
    free = summit.ticket_types.get(slug="community-resident")
    paid = summit.ticket_types.get(slug="partner")
    now = timezone.now()

    def person(**fields):
        return RegistrationFactory(summit=summit, ticket_type=free, language=language, **fields)

    confirmed = person(
        first_name="Rosa", last_name="Parks", pronouns="she/her", organization="Casa", group=housing
    )
    GroupPreferenceFactory(registration=confirmed, group=housing)
    waitlisted = person(first_name="Luis", status="waitlisted", waitlisted_at=now, confirmed_at=None)
    offered = person(
        first_name="Ana",
        status="waitlisted",
        waitlisted_at=now,
        confirmed_at=None,
        offer_expires_at=now + datetime.timedelta(hours=5),
    )
    cancelled = person(first_name="Eva", status="cancelled")
    pending = RegistrationFactory(
        summit=summit,
        ticket_type=paid,
        language=language,
        first_name="Pat",
        status=Registration.Status.PENDING_PAYMENT,
        confirmed_at=None,
        hold_expires_at=now + datetime.timedelta(minutes=30),
    )
    paid_person = RegistrationFactory(summit=summit, ticket_type=paid, language=language, first_name="Max")
    voter = person(first_name="Vera", group=housing, checked_in=True)
    _voting_round(summit, housing)
    facilitator_user = _facilitator(summit, housing)

    def goto(path):
        def opener(page):
            page.goto(base_url + path)

        return opener

    def submit_empty(path):
        def opener(page):
            page.goto(base_url + path)
            with page.expect_navigation():
                page.locator("main form[method=post] button[type=submit]").last.click()

        return opener

    def confirming(path):
        def opener(page):
            # The page checks again every 3 s; a reload in the middle of a check would abort it.
            page.route("**/payment-status.js", lambda route: route.abort())
            page.goto(base_url + path)

        return opener

    def door(page):
        # A door link signs in one device only: each fresh browser context needs its own.
        _, door_token = create_door_link(summit=summit, label="North door")
        page.goto(f"{base_url}/door/{door_token}/")
        with page.expect_navigation():
            page.click("main form[method=post] button[type=submit]")  # the confirm page's button
        page.wait_for_selector("body[data-door-ready='1']")

    def door_confirm(page):
        _, door_token = create_door_link(summit=summit, label="North door")
        page.goto(f"{base_url}/door/{door_token}/")

    def door_answer(kind):
        def opener(page):
            door(page)
            # A new attendee each time: every browser context scans a badge never seen before.
            code = badge_code(person(first_name="Rosa", group=housing)) if kind != "red" else "NOT-A-BADGE"
            if kind == "amber":  # a first scan admits them; the second one is the amber answer
                page.fill("#code", code)
                page.press("#code", "Enter")
                page.wait_for_selector("#answer.answer-ok")
            page.fill("#code", code)
            page.press("#code", "Enter")
            page.wait_for_selector(f"#answer.answer-{ANSWER_CLASS[kind]}")

        return opener

    def facilitator(page):
        # Facilitators sign in on the one sign-in page, then work on their own group's page.
        target = f"/summits/{SLUG}/groups/housing/facilitate/"
        page.goto(f"{base_url}/accounts/login/?next={target}")
        page.fill("#id_username", facilitator_user.username)
        page.fill("#id_password", FACILITATOR_PASSWORD)
        with page.expect_navigation():
            page.locator("main button[type=submit]").click()
        page.wait_for_url(f"**{target}")

    def unsubscribed(page):
        page.goto(base_url + links.unsubscribe_path(confirmed))
        with page.expect_navigation():
            page.locator("main form[method=post] button[type=submit]").click()
        page.wait_for_selector("main .notice.ok")

    def door_search(page):
        door(page)
        page.fill("#q", "ros")
        page.press("#q", "Enter")
        page.wait_for_selector("#search-results button")

    return {
        "registration": goto(f"/summits/{SLUG}/"),
        "registration with errors": submit_empty(f"/summits/{SLUG}/"),
        "thanks": goto(f"/summits/{SLUG}/thanks/"),
        "thanks (confirmed)": goto(thanks_path(confirmed)),
        "thanks (waitlisted)": goto(thanks_path(waitlisted)),
        "send link": goto(f"/summits/{SLUG}/link/"),
        "send link with errors": submit_empty(f"/summits/{SLUG}/link/"),
        "manage (confirmed, badge)": goto(links.manage_path(confirmed)),
        "manage (waitlisted)": goto(links.manage_path(waitlisted)),
        "manage (offered a seat)": goto(links.manage_path(offered)),
        "manage (cancelled)": goto(links.manage_path(cancelled)),
        "payment return (confirming)": confirming(f"/r/{links.manage_token(pending)}/paid/"),
        "payment return (confirmed)": goto(f"/r/{links.manage_token(paid_person)}/paid/"),
        "payment cancelled (not paid)": goto(f"/r/{links.manage_token(pending)}/payment-cancelled/"),
        "page not found": goto("/r/not-a-real-link/"),
        "door (signed in by a door link)": door,
        "door (green answer)": door_answer("green"),
        "door (amber answer)": door_answer("amber"),
        "door (red answer)": door_answer("red"),
        "door (name search results)": door_search,
        "door link (confirm this device)": door_confirm,
        "vote (private link)": goto(links.manage_path(voter) + "vote/"),
        "facilitator (own group)": facilitator,
        "staff sign-in": goto("/accounts/login/"),
        "announcements: unsubscribe (asks first)": goto(links.unsubscribe_path(confirmed)),
        "announcements: unsubscribed": unsubscribed,
    }


FACILITATOR_PASSWORD = "a long facilitator passphrase"


def _voting_round(summit, group):
    from workshops.framework import load_framework, read_framework_file
    from workshops.models import FrameworkVersion

    if not FrameworkVersion.objects.exists():  # a transactional test before this one flushed it
        load_framework(read_framework_file())
    RecommendationFactory(group=group, title="Rent relief fund", state="shortlisted")
    RecommendationFactory(group=group, title="Night buses", state="shortlisted")
    return VotingRoundFactory(summit=summit)


def _facilitator(summit, group):
    from summit.models import StaffRole
    from summit.services import create_staff

    user, _token = create_staff(
        email="facilitator@example.org", summit=summit, role=StaffRole.Role.FACILITATOR, group_slug=group.slug
    )
    user.set_password(FACILITATOR_PASSWORD)
    user.save()
    return user


PAGE_NAMES = [
    "registration",
    "registration with errors",
    "thanks",
    "thanks (confirmed)",
    "thanks (waitlisted)",
    "send link",
    "send link with errors",
    "manage (confirmed, badge)",
    "manage (waitlisted)",
    "manage (offered a seat)",
    "manage (cancelled)",
    "payment return (confirming)",
    "payment return (confirmed)",
    "payment cancelled (not paid)",
    "page not found",
    "door (signed in by a door link)",
    "door (green answer)",
    "door (amber answer)",
    "door (red answer)",
    "door (name search results)",
    "door link (confirm this device)",
    "vote (private link)",
    "facilitator (own group)",
    "staff sign-in",
    "announcements: unsubscribe (asks first)",
    "announcements: unsubscribed",
]
