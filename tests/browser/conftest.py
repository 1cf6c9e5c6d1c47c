"""Shared fixtures for end-to-end tests in headless Chromium (Debian's /usr/bin/chromium).

Without Chromium these tests skip, saying how to enable them; with SUMMIT_REQUIRE_BROWSER=1 (CI
sets it) a missing browser fails them instead, so CI never passes by skipping.
Launch your own browser with extra flags (a fake camera, say) through `launch_browser(args=[...])`.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("SUMMIT_CHROMIUM", "/usr/bin/chromium"))
BASE_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-features=Translate,MediaRouter,OptimizationHints",
]

# Playwright's sync API runs an event loop in this thread; Django's ORM in the same thread
# (fixtures, assertions) would otherwise refuse to run with SynchronousOnlyOperation.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if Path(item.fspath).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path():
    if not CHROMIUM.exists():
        message = (
            f"Chromium not found at {CHROMIUM}: browser tests need Debian's chromium "
            "(enable them with `apt-get install chromium`)."
        )
        if os.environ.get("SUMMIT_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " SUMMIT_REQUIRE_BROWSER=1 forbids skipping them.")
        pytest.skip(message)
    return str(CHROMIUM)


@pytest.fixture(scope="session")
def playwright_driver(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def launch_browser(playwright_driver, chromium_path):
    """launch_browser(args=[...]) -> a headless Chromium, closed after the test."""
    browsers = []

    def launch(args=()):
        browser = playwright_driver.chromium.launch(
            executable_path=chromium_path, headless=True, args=[*BASE_ARGS, *args]
        )
        browsers.append(browser)
        return browser

    yield launch
    for browser in browsers:
        browser.close()


@pytest.fixture
def browser(launch_browser):
    return launch_browser()


@pytest.fixture
def browser_settings(settings):
    # The live server speaks plain HTTP: cookies must not require HTTPS there.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    return settings
