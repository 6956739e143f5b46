"""Browser journeys: Chromium driven by Playwright against pytest-django's live server.

Use the ``browser_page`` fixture; parametrize it indirectly for another viewport::

    @pytest.mark.browser
    @pytest.mark.parametrize("browser_page", [PHONE], indirect=True)
    def test_something(browser_page, live_server, log_in): ...

``log_in(page, username, password)`` goes through the real login form. Screenshots go to
``test-artifacts/`` (ignored by git) through ``screenshot(page, name)``; ``overflowing(page)``
lists what makes a page scroll sideways.

Where Chromium is not installed (a fresh machine without root), every browser test is skipped
with a reason that names the package; ``scripts/install-system-deps test`` installs it.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

# Debian's Chromium; CHROMIUM names another executable (another distribution's path).
CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_PACKAGE = "chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def require_chromium():
    """Skip the calling test, naming the package to install, when Chromium is not there."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(
            f"Chromium is not installed at {CHROMIUM}: "
            f"apt-get install {CHROMIUM_PACKAGE} (or run scripts/install-system-deps test as root)"
        )


@pytest.fixture
def chromium(monkeypatch, live_server):
    """A running Chromium, closed after the test; journeys with several people open one
    context each with ``new_page(chromium, viewport)``.

    Playwright's sync API keeps an asyncio loop running in this thread, which makes Django
    refuse database access from it ("SynchronousOnlyOperation"); the tests only drive the
    browser and set up data, so the check is switched off while the browser is open.
    """
    require_chromium()
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # Database connections opened while Playwright's loop ran belong to that context:
            # close them here, or PostgreSQL refuses to drop the test database at the end.
            connections.close_all()


def new_page(browser, viewport=DESKTOP):
    """A page in its own browser context (its own cookies: one person)."""
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.console_errors = []
    page.on(
        "console",
        lambda msg: page.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    return page


@pytest.fixture
def browser_page(request, chromium):
    """A fresh page (default: desktop viewport; parametrize indirectly for another)."""
    page = new_page(chromium, getattr(request, "param", DESKTOP))
    try:
        yield page
    finally:
        page.context.close()


@pytest.fixture
def log_in(live_server):
    """Log in through the form; returns the page on whatever the login led to."""

    def log_in(page, username, password):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        return page

    return log_in


def overflowing(page) -> list[str]:
    """Elements that stick out past the right edge of the viewport (sideways scrolling on a
    phone), described as "tag.class: text"; empty when the page fits."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll("body *"))
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .filter(el => !el.closest(".table-responsive"))
            .map(el => `${el.tagName.toLowerCase()}.${el.className}: `
                       + (el.textContent || "").trim().slice(0, 60))"""
    )


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
