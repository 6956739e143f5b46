"""The heart of the programme, end to end at phone width.

demo_xa registers a model with a plan and submits → demo_huyen returns it with a reason →
demo_xa sees the reason, fixes it, resubmits → demo_huyen approves → the completeness page
counts Hương Trà as done.
"""

import re

import pytest
from django.core.management import call_command

from models_registry.models import Registration
from tests.factories import PDF_BYTES

from .conftest import PHONE, new_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "DoanHaTinh@2020"


def _person(browser, log_in, base_url, username):
    page = new_page(browser, PHONE)
    log_in(page, username, PASSWORD)
    page.wait_for_url(f"{base_url}/")
    return page


def _shot(page, name):
    screenshot(page, f"journey-{name}")


def test_register_return_fix_approve_counts_as_done(
    live_server, chromium, log_in, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", force=True, verbosity=0)
    base = live_server.url
    plan = tmp_path / "ke-hoach.pdf"
    plan.write_bytes(PDF_BYTES)

    # 1. The secretary registers a model and submits it.
    xa = _person(chromium, log_in, base, "demo_xa")
    assert "Đoàn xã Hương Trà" in xa.content()
    assert xa.locator("html").get_attribute("lang") == "vi"
    xa.click("a[href^='/registry/models/new/']")
    xa.fill("#id_name", "Câu lạc bộ Đồng hành cùng thanh niên khuyết tật")
    xa.check("#id_category_1")
    xa.check("#id_target_groups_0")
    xa.fill("#id_description", "Sinh hoạt hằng tháng, tham vấn đồng cảnh, học nghề tại nhà.")
    xa.fill("#id_area", "Thôn 1, thôn 2")
    xa.fill("#id_implementers", "Bí thư Đoàn xã; Ban Chấp hành Đoàn xã")
    xa.fill("#id_start_date", "01/07/2022")
    xa.click("main form button[type=submit]")
    xa.wait_for_url("**/register/**")
    xa.fill("#id_expected_results", "Hỗ trợ 8 thanh niên khuyết tật có việc làm tại nhà.")
    xa.fill("input[name^='count_']", "8")
    xa.fill("#id_planned_budget", "5000000")
    xa.set_input_files("#id_plan_document", str(plan))
    _shot(xa, "1-registration-form")
    xa.click("button[name='submit']")
    # The draft is saved; submitting is confirmed on its own page.
    xa.wait_for_url("**/registrations/*/submit/")
    xa.click("form[action$='/submit/'] button[type=submit]")
    xa.wait_for_url("**/registrations/*/")
    registration = Registration.objects.get(
        support_model__name="Câu lạc bộ Đồng hành cùng thanh niên khuyết tật"
    )
    assert registration.status == Registration.Status.SUBMITTED
    assert registration.year == 2022
    assert registration.support_model.start_date.isoformat() == "2022-07-01"
    _shot(xa, "2-submitted")

    # 2. The district officer returns it with a reason.
    huyen = _person(chromium, log_in, base, "demo_huyen")
    huyen.goto(f"{base}/registry/review/?year=2022&status=submitted&q=huong+tra")
    huyen.click(f"a[href^='/registry/registrations/{registration.pk}/']")
    huyen.fill("#return-reason", "Bổ sung danh sách người phụ trách từng thôn.")
    huyen.click("form[action$='/return/'] button")
    huyen.wait_for_url(re.compile(rf"/registrations/{registration.pk}/(\?.*)?$"))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.RETURNED
    _shot(huyen, "3-returned")

    # 3. The secretary sees the reason on the home page, fixes and resubmits.
    xa.goto(f"{base}/")
    assert "Bổ sung danh sách người phụ trách từng thôn." in xa.content()
    _shot(xa, "4-home-with-reason")
    xa.goto(f"{base}/registry/registrations/{registration.pk}/edit/")
    xa.fill("#id_expected_results", "Hỗ trợ 8 thanh niên khuyết tật; phụ trách: anh Tú (thôn 1).")
    xa.click("button[name='submit']")
    xa.wait_for_url(f"**/registrations/{registration.pk}/submit/")
    xa.click("form[action$='/submit/'] button[type=submit]")
    xa.wait_for_url(f"**/registrations/{registration.pk}/")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.SUBMITTED

    # 4. The officer approves; the completeness page now counts Hương Trà as done.
    huyen.goto(f"{base}/registry/registrations/{registration.pk}/")
    huyen.click("a[href*='/approve/']")
    huyen.click("form[action$='/approve/'] button[type=submit]")
    huyen.wait_for_url(f"**/registrations/{registration.pk}/")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED
    huyen.goto(f"{base}/registry/completeness/?year=2022")
    row = huyen.locator("tr[data-unit='18550']")
    assert row.get_attribute("data-state") == "done"
    assert row.locator("td").nth(6).inner_text().strip() == "1"  # approved registrations
    assert row.locator(".text-bg-success").count() == 1
    _shot(huyen, "5-completeness")
