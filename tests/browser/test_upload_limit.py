"""The page refuses a file over the size limit before sending it (static/js/upload-limit.js)."""

import pytest

from tests.factories import (
    TEST_PASSWORD,
    ModelCategoryFactory,
    PeriodFactory,
    PeriodYearFactory,
    SupportModelFactory,
    TargetGroupFactory,
    UnitFactory,
    UserFactory,
)

from .conftest import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("browser_page", [PHONE], indirect=True)
def test_a_file_over_the_limit_is_stopped_on_the_page(
    browser_page, live_server, log_in, settings, tmp_path
):
    settings.UPLOAD_MAX_BYTES = 2048
    settings.MEDIA_ROOT = tmp_path
    commune = UnitFactory()
    UserFactory(username="bithu", unit=commune)
    PeriodYearFactory(period=PeriodFactory(start_year=2020, end_year=2022), year=2022)
    model = SupportModelFactory(
        unit=commune, category=ModelCategoryFactory(code=1), target_groups=[TargetGroupFactory()]
    )
    page = log_in(browser_page, "bithu", TEST_PASSWORD)
    url = f"{live_server.url}/registry/models/{model.pk}/register/"
    page.goto(url)
    field = page.locator("#id_plan_document")
    assert field.get_attribute("data-max-bytes") == "2048"

    field.set_input_files(
        {"name": "ke-hoach.pdf", "mimeType": "application/pdf", "buffer": b"0" * 4096}
    )

    message = field.evaluate("input => input.validationMessage")
    assert message == field.get_attribute("data-too-big")
    assert message.startswith("Tệp") or message.startswith("The file")
    assert page.locator(".upload-too-big").inner_text() == message
    page.click("button[name='save']")
    page.wait_for_timeout(300)
    assert page.url == url  # nothing was sent
    assert model.registrations.count() == 0

    field.set_input_files(
        {"name": "ke-hoach.pdf", "mimeType": "application/pdf", "buffer": b"0" * 1024}
    )

    assert field.evaluate("input => input.validationMessage") == ""
    assert not page.locator(".upload-too-big").is_visible()
    assert page.console_errors == []
