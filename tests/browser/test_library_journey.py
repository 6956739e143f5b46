"""Recognition and the library, end to end.

demo_xa submits a final report → demo_huyen accepts it → demo_btv opens the recognition queue,
sees the computed criteria and recognises the model → the model appears in the library →
demo_xa2 replicates it in Hương Trạch. Screenshots at 390 and 1280 px in test-artifacts/.
"""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone

from models_registry.models import (
    Period,
    PeriodYear,
    Recognition,
    Registration,
    ResultReport,
    SupportModel,
)
from tests.factories import RegistrationFactory

from .conftest import DESKTOP, PHONE, new_page, overflowing, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "DoanHaTinh@2020"


def _photo_bytes() -> bytes:
    """A real photo (the factories' PNG is only a signature), so the library can show it."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 90), (46, 139, 87)).save(buffer, format="PNG")
    return buffer.getvalue()


def _person(browser, log_in, base_url, username, viewport):
    page = new_page(browser, viewport)
    log_in(page, username, PASSWORD)
    page.wait_for_url(f"{base_url}/")
    return page


def _shots(page, name):
    """The page at phone and at desktop width; neither may scroll sideways."""
    original = page.viewport_size
    for label, size in (("390", PHONE), ("1280", DESKTOP)):
        page.set_viewport_size(size)
        assert overflowing(page) == [], f"{name} at {label}px"
        screenshot(page, f"library-journey-{name}-{label}")
    page.set_viewport_size(original)


def test_report_accept_recognise_library_replicate(
    live_server, chromium, log_in, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", force=True, verbosity=0)
    base = live_server.url
    model = SupportModel.objects.filter(unit__code="18550").order_by("pk").first()
    # A model begun in 2022: maintained means approved in 2022, whatever else the demo holds.
    SupportModel.objects.filter(pk=model.pk).update(start_date=date(2022, 1, 10))
    registration = RegistrationFactory(
        support_model=model,
        period_year=PeriodYear.objects.get(year=2022),
        status=Registration.Status.APPROVED,
    )
    period = Period.objects.get(name="Giai đoạn 2020–2022")
    photo = tmp_path / "anh-tang-sach.png"
    photo.write_bytes(_photo_bytes())

    # 1. demo_xa writes the final report, attaches a consented photo and submits it.
    xa = _person(chromium, log_in, base, "demo_xa", PHONE)
    xa.click(f".reports-due a[href^='/registry/registrations/{registration.pk}/reports/new/']")
    xa.check("input[name='kind'][value='final']")
    xa.fill("#id_unit_address", "Nhà văn hóa xã Hương Trà")
    xa.locator("input[name^='total_']").first.fill("14")
    xa.locator("input[name^='female_']").first.fill("6")
    xa.fill("#id_form_and_content", "Sinh hoạt định kỳ hằng tháng, tặng sách và học bổng.")
    xa.fill("#id_results", "14 em được hỗ trợ thường xuyên; 4 em có việc làm ổn định.")
    xa.click("button[name='save']")
    xa.wait_for_url(f"{base}/registry/reports/*/")
    report = ResultReport.objects.get(registration=registration)
    xa.set_input_files("#id_file", str(photo))
    xa.fill("#id_caption", "Buổi tặng sách tháng 5")
    xa.check("#id_consent_confirmed")
    xa.check("#id_publishable")
    xa.click(f"form[action$='/reports/{report.pk}/evidence/'] button")
    xa.wait_for_load_state()
    xa.click(f"form[action$='/reports/{report.pk}/submit/'] button")
    xa.wait_for_load_state()
    report.refresh_from_db()
    assert report.status == ResultReport.Status.SUBMITTED

    # 2. demo_huyen accepts it.
    huyen = _person(chromium, log_in, base, "demo_huyen", DESKTOP)
    huyen.goto(f"{base}/registry/reports/{report.pk}/")
    huyen.click("form[action$='/accept/'] button")
    huyen.wait_for_load_state()
    report.refresh_from_db()
    assert report.status == ResultReport.Status.ACCEPTED

    # 3. demo_btv finds the model in the recognition queue for 2022, criteria all met.
    btv = _person(chromium, log_in, base, "demo_btv", DESKTOP)
    btv.click("nav a[href='/registry/recognition/']")
    btv.select_option("#id_year", "2022")
    btv.click("form[method='get'] button[type='submit']")
    btv.wait_for_load_state()
    row = btv.locator(f"tr[data-model='{model.pk}']")
    for key in ("maintained", "plan", "report"):
        assert row.locator(f".criterion-{key} .text-bg-success").count() == 1
    _shots(btv, "1-recognition-queue")
    row.locator("a").first.click()
    btv.wait_for_url(f"{base}/registry/recognition/models/{model.pk}/*")
    criteria = btv.locator("ul.criteria")
    assert criteria.locator(".text-bg-success").count() == 3
    assert criteria.locator(f"a[href='/registry/reports/{report.pk}/']").count() == 1
    assert criteria.locator(f"a[href='/registry/registrations/{registration.pk}/plan/']").count()
    _shots(btv, "2-decide-with-criteria")
    btv.check("input[name='decision'][value='recognised']")
    btv.fill("#id_decision_number", "Số 31-QĐ/HĐTN")
    btv.fill("#id_decision_date", timezone.localdate().strftime("%d/%m/%Y"))
    btv.click(".decision-form button[type='submit']")
    btv.wait_for_url(f"{base}/registry/recognitions/*/")
    recognition = Recognition.objects.get(support_model=model, period=period, year=2022)
    assert recognition.decision == Recognition.Decision.RECOGNISED
    assert recognition.decision_number == "31-QĐ/HĐTN"
    assert recognition.decided_by.username == "demo_btv"
    assert btv.locator(".recognition-history tbody tr").count() == 1
    _shots(btv, "3-recognition-recorded")

    # 4. The model is in the library, with its consented photo, for a commune elsewhere.
    xa2 = _person(chromium, log_in, base, "demo_xa2", PHONE)
    xa2.goto(f"{base}/library/?q=huong tra")
    entry = xa2.locator(f"article.library-entry[data-model='{model.pk}']")
    assert entry.count() == 1
    assert entry.locator("img.library-photo").count() == 1
    image = entry.locator("img.library-photo")
    image.scroll_into_view_if_needed()
    xa2.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    _shots(xa2, "4-library")
    entry.locator("h2 a").click()
    xa2.wait_for_url(f"{base}/library/{model.pk}/")
    _shots(xa2, "5-library-entry")

    # 5. demo_xa2 replicates it: a draft model in Hương Trạch, pre-filled, to adapt.
    xa2.click("button.replicate")
    xa2.wait_for_url(f"{base}/registry/models/*/edit/")
    replica = SupportModel.objects.get(replicated_from=model)
    assert replica.unit.code == "18553"
    assert xa2.input_value("#id_name") == model.name
    xa2.fill("#id_area", "Thôn 2 và thôn 4, xã Hương Trạch")
    xa2.fill("#id_implementers", "Ban Chấp hành Đoàn xã Hương Trạch")
    _shots(xa2, "6-replica-form")
    xa2.click("main form button[type='submit']")
    xa2.wait_for_url(f"{base}/registry/models/{replica.pk}/")
    replica.refresh_from_db()
    assert replica.area == "Thôn 2 và thôn 4, xã Hương Trạch"

    # The library now counts the replica and shows how far it got.
    xa2.goto(f"{base}/library/{model.pk}/")
    assert "Đoàn xã Hương Trạch" in xa2.locator("ul.replicas").inner_text()
    assert xa2.locator("button.replicate").count() == 0
    _shots(xa2, "7-library-entry-replicated")
    for page in (xa, huyen, btv, xa2):
        assert page.console_errors == []
