"""The plan upload on a phone: a labelled button, the chosen file's name and size, keyboard
focus you can see, replacing and removing with a confirmation; the steps' date box shows its
whole placeholder."""

import pytest
from django.utils import translation

from doanthanhnien.models import User
from models_registry.models import Registration
from tests.factories import (
    PDF_BYTES,
    TEST_PASSWORD,
    ModelCategoryFactory,
    PeriodFactory,
    PeriodYearFactory,
    SupportModelFactory,
    TargetGroupFactory,
    UserFactory,
)

from .conftest import PHONE, overflowing, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def vi(message: str) -> str:
    # The page's words as the catalogue has them (new strings wait for the integrator).
    with translation.override("vi"):
        return translation.gettext(message)


@pytest.fixture
def model(commune_a):
    PeriodYearFactory(period=PeriodFactory(start_year=2020, end_year=2022), year=2022)
    UserFactory(username="bithu", role=User.Role.SECRETARY, unit=commune_a)
    return SupportModelFactory(
        unit=commune_a,
        category=ModelCategoryFactory(code=1),
        target_groups=[TargetGroupFactory(code=1)],
    )


@pytest.mark.parametrize("browser_page", [PHONE], indirect=True)
def test_choose_replace_and_remove_a_plan_on_a_phone(
    browser_page, live_server, log_in, model, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UPLOAD_MAX_BYTES = 4096
    page = browser_page
    plan = tmp_path / "Kế hoạch Hương Trà.pdf"
    plan.write_bytes(PDF_BYTES)  # a real PDF: uploads are checked by their content
    big = tmp_path / "Ảnh quá lớn.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b" " * 5000)
    log_in(page, "bithu", TEST_PASSWORD)

    page.goto(f"{live_server.url}/registry/models/{model.pk}/register/?year=2022")
    button = page.locator("label.file-input-button")
    assert button.inner_text().strip() == vi("Choose a file")
    assert button.bounding_box()["height"] >= 44
    # The native input is out of sight but reachable with the keyboard, and its focus shows
    # on the button.
    page.focus("#id_budget_sources")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_plan_document"
    assert button.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    assert "Kế hoạch triển khai" in page.evaluate(
        "Array.from(document.getElementById('id_plan_document').labels)"
        ".map(l => l.textContent).join(' ')"
    )

    # Too big: said at once, before any upload, and the choice is undone.
    page.set_input_files("#id_plan_document", str(big))
    chosen = page.locator("#id_plan_document_chosen")
    assert "Ảnh quá lớn.pdf" in chosen.inner_text()
    assert "text-danger" in chosen.get_attribute("class")
    assert page.evaluate("document.getElementById('id_plan_document').files.length") == 0

    page.set_input_files("#id_plan_document", str(plan))
    expected = vi("Chosen: {name} ({size})").split("{name}")[0] + "Kế hoạch Hương Trà.pdf ("
    assert chosen.inner_text().startswith(expected)
    assert chosen.inner_text().endswith(" B)")
    assert overflowing(page) == []
    screenshot(page, "plan-widget-1-chosen")
    page.fill("#id_planned_budget", "15.000.000")
    page.click("button[name='save']")
    page.wait_for_url("**/registrations/*/")
    registration = Registration.objects.get()
    assert registration.planned_budget == 15_000_000

    # Saving again without choosing a file keeps the plan.
    page.goto(f"{live_server.url}/registry/registrations/{registration.pk}/edit/")
    assert page.locator("#id_planned_budget").input_value() == "15.000.000"
    assert page.locator("label.file-input-button").inner_text().strip() == vi("Choose another file")
    assert page.locator(".file-input-current a").inner_text() == "Kế hoạch Hương Trà.pdf"
    screenshot(page, "plan-widget-2-stored")
    page.click("button[name='save']")
    page.wait_for_url("**/registrations/*/")
    registration.refresh_from_db()
    assert registration.plan_document_name == "Kế hoạch Hương Trà.pdf"
    assert (settings.MEDIA_ROOT / registration.plan_document.name).exists()

    # Removing asks first.
    page.goto(f"{live_server.url}/registry/registrations/{registration.pk}/edit/")
    page.click(".file-input a.link-danger")
    page.wait_for_url("**/plan/remove/")
    assert "Kế hoạch Hương Trà.pdf" in page.locator("main").inner_text()
    screenshot(page, "plan-widget-3-confirm-remove")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/edit/")
    registration.refresh_from_db()
    assert not registration.plan_document
    assert page.locator("label.file-input-button").inner_text().strip() == vi("Choose a file")
    assert page.console_errors == []


@pytest.mark.parametrize("browser_page", [PHONE], indirect=True)
def test_the_step_date_placeholder_is_not_cut_on_a_phone(browser_page, live_server, log_in, model):
    page = browser_page
    log_in(page, "bithu", TEST_PASSWORD)

    page.goto(f"{live_server.url}/registry/models/{model.pk}/steps/")

    box = page.locator("#id_form-0-done_on")
    assert box.get_attribute("placeholder") == "ngày/tháng/năm"  # an existing translation
    fits = box.evaluate(
        """el => {
            const style = getComputedStyle(el);
            const ctx = document.createElement("canvas").getContext("2d");
            ctx.font = style.font;
            const room = el.clientWidth - parseFloat(style.paddingLeft)
                         - parseFloat(style.paddingRight);
            return ctx.measureText(el.placeholder).width <= room;
        }"""
    )
    assert fits
    assert overflowing(page) == []
    screenshot(page, "steps-phone")
