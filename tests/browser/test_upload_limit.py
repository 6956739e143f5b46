"""The page refuses a file over the size limit before sending it (static/js/upload-limit.js);
the plan has its own widget, tested in test_plan_widget.py."""

import pytest

from tests.factories import (
    TEST_PASSWORD,
    ModelCategoryFactory,
    PeriodFactory,
    PeriodYearFactory,
    RegistrationFactory,
    ResultReportFactory,
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
    period_year = PeriodYearFactory(period=PeriodFactory(start_year=2020, end_year=2022), year=2022)
    model = SupportModelFactory(
        unit=commune, category=ModelCategoryFactory(code=1), target_groups=[TargetGroupFactory()]
    )
    report = ResultReportFactory(
        registration=RegistrationFactory(
            support_model=model, period_year=period_year, status="approved"
        )
    )
    page = log_in(browser_page, "bithu", TEST_PASSWORD)
    # The evidence of a result report: a plain file input under the generic check.
    url = f"{live_server.url}/registry/reports/{report.pk}/"
    page.goto(url)
    field = page.locator("#id_file")
    assert field.get_attribute("data-max-bytes") == "2048"

    field.set_input_files(
        {"name": "ke-hoach.pdf", "mimeType": "application/pdf", "buffer": b"0" * 4096}
    )

    message = field.evaluate("input => input.validationMessage")
    assert message == field.get_attribute("data-too-big")
    assert message.startswith("Tệp") or message.startswith("The file")
    assert page.locator(".upload-too-big").inner_text() == message
    page.click(f"form[action$='/reports/{report.pk}/evidence/'] button")
    page.wait_for_timeout(300)
    assert page.url == url  # nothing was sent
    assert report.evidence.count() == 0

    field.set_input_files(
        {"name": "ke-hoach.pdf", "mimeType": "application/pdf", "buffer": b"0" * 1024}
    )

    assert field.evaluate("input => input.validationMessage") == ""
    assert not page.locator(".upload-too-big").is_visible()
    assert page.console_errors == []
