"""WCAG 2.2 AA on every page an attendee or door volunteer uses, in English and in Spanish.

Each page is checked by axe-core (installed from the npm registry by `npm ci`) in headless
Chromium on a desktop screen and on a 320 px phone, plus our own checks axe does not make:
touch targets of at least 44 px, no sideways scrolling at 320 px or at 200% text size, and no
request to any other host than ours.
"""

import json
import os
from pathlib import Path

import pytest

from tests.browser.pages import PAGE_NAMES, attendee_site

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 320, "height": 640}
# 200% zoom of a 1280 px window leaves 640 CSS px; we also double the text size there.
ZOOMED = {"width": 640, "height": 800}


@pytest.fixture(scope="session")
def axe_path():
    if not AXE.exists():
        message = f"axe-core not found at {AXE}: run `npm ci` in the project root to enable these tests."
        if os.environ.get("SUMMIT_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " SUMMIT_REQUIRE_BROWSER=1 forbids skipping them.")
        pytest.skip(message)
    return str(AXE)


def run_axe(page, axe_path):
    page.add_script_tag(path=axe_path)
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
            }));
        }""",
        WCAG_TAGS,
    )


SMALL_TARGETS = """() => {
    // Buttons, fields and summaries need 44 x 44 px; a radio or checkbox counts with its label.
    const small = [];
    const controls = document.querySelectorAll(
        'button, select, textarea, summary, a.button, input:not([type=hidden]):not([type=radio]):not([type=checkbox])');
    const choices = [...document.querySelectorAll('input[type=radio], input[type=checkbox]')]
        .map(input => input.closest('label') || input);
    for (const el of [...controls, ...choices]) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;  // hidden
        if (box.height < 44 || box.width < 44) {
            small.push(`${el.tagName.toLowerCase()}#${el.id || ''}.${el.className || ''}: ${Math.round(box.width)} x ${Math.round(box.height)}`);
        }
    }
    return small;
}"""

OVERFLOW = """() => {
    const doc = document.scrollingElement;
    if (doc.scrollWidth <= window.innerWidth) return null;
    const wide = [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 5).map(el => `${el.tagName.toLowerCase()}#${el.id}.${el.className}`);
    return `scrollWidth ${doc.scrollWidth} > innerWidth ${window.innerWidth}; too wide: ${wide.join(', ')}`;
}"""


def describe(violations):
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"      at {node['target']}")
            lines.append("        " + (node["summary"] or "").replace("\n", "\n        "))
    return "\n".join(lines)


@pytest.fixture
def site_for(transactional_db, live_server, browser_settings):
    def build(language):
        return attendee_site(live_server.url, language=language)

    return build


def open_in(browser, opener, *, language, viewport, base_url, text_zoom=False):
    # bypass_csp only here: the page's Content-Security-Policy forbids the injected axe script
    # (and our injected zoom style); the pages themselves never need it.
    context = browser.new_context(viewport=viewport, locale=language, bypass_csp=True)
    context.add_cookies([{"name": "summit_language", "value": language, "url": base_url}])
    context.requested = []
    context.on("request", lambda request: context.requested.append(request.url))
    page = context.new_page()
    opener(page)
    if text_zoom:
        page.add_style_tag(content="html { font-size: 200% !important; }")
    return context, page


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_has_no_serious_accessibility_problems(browser, axe_path, site_for, live_server, name, language):
    opener = site_for(language)[name]
    problems = []
    for label, viewport in [("desktop", DESKTOP), ("320 px", PHONE)]:
        context, page = open_in(
            browser, opener, language=language, viewport=viewport, base_url=live_server.url
        )
        assert page.get_attribute("html", "lang") == language
        violations = run_axe(page, axe_path)
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        if serious:
            problems.append(f"axe, {label}:\n{describe(serious)}")
        minor = [v for v in violations if v not in serious]
        if minor:
            print(f"{name} ({language}, {label}) minor axe findings:\n{describe(minor)}")
        elsewhere = [url for url in context.requested if not url.startswith(live_server.url + "/")]
        if elsewhere:
            problems.append(f"third-party requests, {label}: {elsewhere}")
        small = page.evaluate(SMALL_TARGETS)
        if small:
            problems.append(f"touch targets under 44 px, {label}: " + json.dumps(small, ensure_ascii=False))
        context.close()
    for label, viewport, zoom in [("320 px", PHONE, False), ("200% text at 640 px", ZOOMED, True)]:
        context, page = open_in(
            browser, opener, language=language, viewport=viewport, base_url=live_server.url, text_zoom=zoom
        )
        overflow = page.evaluate(OVERFLOW)
        if overflow:
            problems.append(f"horizontal scrolling, {label}: {overflow}")
        context.close()
    assert problems == [], f"{name} in {language}:\n" + "\n".join(problems)


def test_the_checks_do_find_problems_on_a_bad_page(browser, axe_path):
    # Guards the test above against passing because axe (or our checks) found nothing at all.
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_content(
        '<html><body><p style="color:#bbb">Pale text</p><input type="text">'
        '<button style="height:20px">Go</button><div style="width:900px">wide</div></body></html>'
    )

    found = {v["id"]: v["impact"] for v in run_axe(page, axe_path)}
    small = page.evaluate(SMALL_TARGETS)
    overflow = page.evaluate(OVERFLOW)
    context.close()

    assert found["color-contrast"] == "serious"
    assert found["label"] == "critical"
    assert found["html-has-lang"] == "serious"
    assert len(small) == 2
    assert "> innerWidth 320; too wide: div" in overflow
