"""A result report end to end at phone width.

demo_xa's model is approved for 2022 → the home page says its final report is due → demo_xa
writes it with Vietnamese money and a photo, submits → demo_huyen finds it in the report queue
and returns it with a reason → demo_xa sees the reason, fixes, resubmits → demo_huyen accepts.
"""

import pytest
from django.core.management import call_command

from models_registry.models import PeriodYear, Registration, ResultReport, SupportModel
from tests.factories import PNG_BYTES, RegistrationFactory

from .conftest import PHONE, new_page, overflowing, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "DoanHaTinh@2020"


def _person(browser, log_in, base_url, username):
    page = new_page(browser, PHONE)
    log_in(page, username, PASSWORD)
    page.wait_for_url(f"{base_url}/")
    return page


def _shot(page, name):
    assert overflowing(page) == [], name
    screenshot(page, f"report-journey-{name}")


def test_write_return_fix_accept_a_final_report(live_server, chromium, log_in, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", force=True, verbosity=0)
    base = live_server.url
    model = SupportModel.objects.filter(unit__code="18550").order_by("pk").first()
    registration = RegistrationFactory(
        support_model=model,
        period_year=PeriodYear.objects.get(year=2022),
        status=Registration.Status.APPROVED,
    )
    photo = tmp_path / "anh-sinh-hoat.png"
    photo.write_bytes(PNG_BYTES)

    # 1. The secretary sees the report is due and writes it.
    xa = _person(chromium, log_in, base, "demo_xa")
    assert model.name in xa.locator(".reports-due").inner_text()
    _shot(xa, "1-home-report-due")
    xa.click(f".reports-due a[href^='/registry/registrations/{registration.pk}/reports/new/']")
    xa.fill("#id_unit_address", "Nhà văn hóa xã Hương Trà")
    group_total = xa.locator("input[name^='total_']").first
    group_female = xa.locator("input[name^='female_']").first
    group_total.fill("12")
    group_female.fill("5")
    xa.fill("#id_form_and_content", "Sinh hoạt định kỳ hằng tháng, tặng sách.")
    xa.fill("#id_results", "12 em được hỗ trợ thường xuyên.")
    xa.fill("#id_funds_sponsors", "15.000.000")
    _shot(xa, "2-report-form")
    xa.click("button[name='save']")
    xa.wait_for_url(f"{base}/registry/reports/*/")
    report = ResultReport.objects.get(registration=registration)
    assert report.funds_sponsors == 15_000_000

    # A photo, with consent, may go to the library.
    xa.set_input_files("#id_file", str(photo))
    xa.fill("#id_caption", "Buổi tặng sách tháng 5")
    xa.check("#id_consent_confirmed")
    xa.check("#id_publishable")
    xa.click(f"form[action$='/reports/{report.pk}/evidence/'] button")
    xa.wait_for_load_state()
    assert "Buổi tặng sách tháng 5" in xa.content()
    xa.click(f"form[action$='/reports/{report.pk}/submit/'] button")
    xa.wait_for_load_state()
    report.refresh_from_db()
    assert report.status == ResultReport.Status.SUBMITTED
    _shot(xa, "3-report-submitted")

    # 2. The district officer returns it with a reason.
    huyen = _person(chromium, log_in, base, "demo_huyen")
    huyen.goto(f"{base}/registry/reports/?year=2022&status=submitted")
    _shot(huyen, "4-report-queue")
    huyen.click(f"a[href='/registry/reports/{report.pk}/']")
    huyen.fill("#return-reason", "Bổ sung số thanh niên nữ được hỗ trợ.")
    huyen.click("form[action$='/return/'] button")
    huyen.wait_for_load_state()
    report.refresh_from_db()
    assert report.status == ResultReport.Status.RETURNED

    # 3. The secretary sees the reason at home, fixes it and submits again.
    xa.goto(f"{base}/")
    assert "Bổ sung số thanh niên nữ được hỗ trợ." in xa.locator(".reports-due").inner_text()
    _shot(xa, "5-home-with-reason")
    xa.goto(f"{base}/registry/reports/{report.pk}/edit/")
    xa.locator("input[name^='female_']").first.fill("6")
    xa.click("button[name='submit']")
    xa.wait_for_url(f"{base}/registry/reports/{report.pk}/")
    report.refresh_from_db()
    assert report.status == ResultReport.Status.SUBMITTED

    # 4. The officer accepts it; the history holds every step.
    huyen.goto(f"{base}/registry/reports/{report.pk}/")
    huyen.click("form[action$='/accept/'] button")
    huyen.wait_for_load_state()
    _shot(huyen, "6-report-accepted")
    report.refresh_from_db()
    assert report.status == ResultReport.Status.ACCEPTED
    assert list(report.transitions.values_list("action", flat=True)) == [
        "submit",
        "return",
        "submit",
        "accept",
    ]
    assert xa.console_errors == [] and huyen.console_errors == []
