"""A commune secretary logs in on a phone and lands on their union's home page."""

from io import StringIO

import pytest
from django.core.management import call_command

from doanthanhnien.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import PHONE, overflowing, screenshot

# Transactional: the live server reads the data from another thread. seed_demo reloads the
# reference data a flush removes (no serialized_rollback: mixing it with plain transactional
# tests reloads content types twice).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_accounts():
    # seed_demo refuses to run with DEBUG off (as tests run) unless forced.
    call_command("seed_demo", force=True, stdout=StringIO())


@pytest.mark.parametrize("browser_page", [PHONE], indirect=True)
def test_a_secretary_logs_in_on_a_phone(browser_page, live_server, log_in, demo_accounts):
    page = browser_page

    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/?next=")
    assert page.locator("html").get_attribute("lang") == "vi"

    log_in(page, "demo_xa", DEMO_PASSWORD)

    screenshot(page, "login-journey-phone-home")
    assert page.url == f"{live_server.url}/"
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("main h2", has_text="Đoàn xã Hương Trà").is_visible()
    assert "Huyện đoàn Hương Khê" in page.locator("main").inner_text()
    # Nothing wider than the phone: no sideways scrolling.
    assert overflowing(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The collapsed menu opens (Bootstrap's script loaded despite the strict CSP).
    page.locator(".navbar-toggler").click()
    page.locator("#mainnav").wait_for(state="visible")
    assert page.console_errors == []


@pytest.mark.parametrize("browser_page", [PHONE], indirect=True)
def test_a_wrong_password_keeps_the_secretary_out(browser_page, live_server, log_in, demo_accounts):
    page = log_in(browser_page, "demo_xa", "sai-mat-khau")

    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert page.locator("#id_username").input_value() == "demo_xa"
    assert "Hương Trà" not in page.locator("main").inner_text()
