"""The officer's review desk and the secretary's confirmed submission, at 390 and 1280 px.

demo_tinh_duyet opens a submitted registration from the queue, sees every section in reading
order, confirms the approval, moves to the next registration, then approves one more from the
list through the bulk confirmation. demo_xa_moi finishes the draft from the model page's main
button and submits it through the confirmation. No page of the walk scrolls sideways.
"""

import re

import pytest
from django.core.management import call_command

from doanthanhnien.models import User
from models_registry.models import Registration

from .conftest import DESKTOP, PHONE, new_page, overflowing, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "DoanHaTinh@2020"
S = Registration.Status
SECTIONS = ["desk-model", "desk-steps", "desk-plan", "desk-targets", "desk-budget", "desk-history"]


def _fits(page, name):
    """Screenshot the page and assert it does not scroll sideways."""
    screenshot(page, name)
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, (name, scroll, inner, overflowing(page))


def _person(browser, log_in, base, username, viewport):
    page = new_page(browser, viewport)
    log_in(page, username, PASSWORD)
    page.wait_for_url(f"{base}/")
    return page


def _pk(page):
    return int(re.search(r"/registrations/(\d+)/", page.url).group(1))


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_review_desk_and_confirmed_submission(live_server, chromium, log_in, viewport):
    call_command("seed_demo", force=True, verbosity=0)
    base = live_server.url
    size = viewport["width"]

    # 1. The officer opens the first registration awaiting review from the list.
    officer = _person(chromium, log_in, base, "demo_tinh_duyet", viewport)
    officer.goto(f"{base}/registry/review/?year=2026&status=submitted")
    _fits(officer, f"desk-{size}-1-list")
    officer.locator("main table a[href^='/registry/registrations/']").first.click()
    officer.wait_for_url(re.compile(r"/registrations/\d+/\?"))
    first = _pk(officer)
    for section in SECTIONS:
        assert officer.locator(f"#{section}").is_visible(), section
    # Everything is read before the actions: the sections come first in the page.
    tops = [officer.locator(f"#{s}").bounding_box()["y"] for s in [*SECTIONS, "desk-actions"]]
    assert tops == sorted(tops)
    plan = officer.locator("a.plan-link")
    assert plan.get_attribute("target") == "_blank"
    _fits(officer, f"desk-{size}-2-registration")

    # 2. "Duyệt" asks first, naming what will happen; nothing changes until confirmed.
    officer.click(".desk-actions a[href*='/approve/']")
    officer.wait_for_url(re.compile(r"/approve/"))
    assert "Đoàn" in officer.locator(".confirm-question").inner_text()
    assert Registration.objects.get(pk=first).status == S.SUBMITTED
    _fits(officer, f"desk-{size}-3-approve-confirm")
    officer.click("form[action$='/approve/'] button[type=submit]")
    officer.wait_for_url(re.compile(rf"/registrations/{first}/\?"))
    assert Registration.objects.get(pk=first).status == S.APPROVED
    _fits(officer, f"desk-{size}-4-approved")

    # 3. "Đăng ký tiếp theo" opens the next one still waiting, keeping the list's filters.
    officer.click("a[rel=next]")
    officer.wait_for_url(re.compile(r"/registrations/\d+/\?.*status=submitted"))
    second = _pk(officer)
    assert second != first
    assert Registration.objects.get(pk=second).status == S.SUBMITTED
    _fits(officer, f"desk-{size}-5-next")

    # 4. Back to the list; approve one through the bulk confirmation.
    officer.locator("nav.desk-queue a").first.click()
    officer.wait_for_url(re.compile(r"/registry/review/\?"))
    box = officer.locator(f"input[name=ids][value='{second}']")
    box.check()
    assert box.bounding_box()["width"] >= 24 and box.bounding_box()["height"] >= 24
    officer.locator("form[action$='/review/approve/'] button[type=submit]").click()
    assert "1" in officer.locator(".confirm-question").inner_text()
    assert Registration.objects.get(pk=second).status == S.SUBMITTED
    _fits(officer, f"desk-{size}-6-bulk-confirm")
    officer.locator("main form button[type=submit]").click()
    officer.wait_for_url(re.compile(r"/registry/review/\?"))
    assert Registration.objects.get(pk=second).status == S.APPROVED

    # 5. The secretary finishes the draft from the model page and submits it, confirmed.
    secretary = _person(chromium, log_in, base, "demo_xa_moi", viewport)
    unit = User.objects.get(username="demo_xa_moi").unit
    draft = Registration.objects.get(unit=unit, status=S.DRAFT, year=2026)
    secretary.goto(f"{base}/registry/models/{draft.support_model_id}/")
    main = secretary.locator(".model-main-action a.btn-primary")
    assert "2026" in main.inner_text()
    _fits(secretary, f"desk-{size}-7-model-page")
    main.click()
    secretary.wait_for_url(f"**/registrations/{draft.pk}/edit/")
    secretary.click("button[name='submit']")
    secretary.wait_for_url(f"**/registrations/{draft.pk}/submit/")
    assert Registration.objects.get(pk=draft.pk).status == S.DRAFT
    _fits(secretary, f"desk-{size}-8-submit-confirm")
    secretary.click("form[action$='/submit/'] button[type=submit]")
    secretary.wait_for_url(f"**/registrations/{draft.pk}/")
    assert Registration.objects.get(pk=draft.pk).status == S.SUBMITTED
    _fits(secretary, f"desk-{size}-9-submitted")

    # 6. The building steps: large tick boxes, an optional evidence file per step.
    secretary.goto(f"{base}/registry/models/{draft.support_model_id}/steps/")
    tick = secretary.locator("input[name='form-5-done']")
    assert tick.bounding_box()["width"] >= 24 and tick.bounding_box()["height"] >= 24
    assert secretary.locator("input[type=file][name='form-0-evidence']").count() == 1
    _fits(secretary, f"desk-{size}-10-steps")
    secretary.goto(f"{base}/registry/models/new/")
    for choice in ("#id_category_0", "#id_target_groups_0"):
        box = secretary.locator(choice).bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, choice
    _fits(secretary, f"desk-{size}-11-model-form")
    assert officer.console_errors == [] and secretary.console_errors == []
