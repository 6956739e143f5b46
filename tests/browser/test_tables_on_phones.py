"""Tables on phones: at 390 px the list pages do not scroll sideways and every row shows its
status; at 1280 px they are still tables. Walked as the demo accounts, with screenshots."""

import pytest
from django.core.management import call_command

from models_registry.models import ResultReport

from .conftest import DESKTOP, PHONE, new_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "DoanHaTinh@2020"

# (account, path, table id, what a row's status cell must hold)
PAGES = [
    ("demo_huyen", "/registry/completeness/?year=2022", "completeness"),
    ("demo_huyen", "/registry/review/?year=2022&status=", "review-queue"),
    ("demo_tinh", "/registry/completeness/?year=2022", "completeness-children"),
    ("demo_tinh_duyet", "/registry/completeness/?year=2026", "completeness"),
    ("demo_tinh_duyet", "/registry/review/?year=2026&status=", "review-queue"),
    ("demo_tinh", "/", "member-unions"),
    ("demo_huyen", "/registry/reports/?year=2021&status=", "report-queue"),
    ("demo_admin", "/users/", "accounts"),
    # A returned result report: its history has a reason, shown under its label on a phone.
    ("demo_huyen", "/registry/reports/{returned_report}/", "history"),
]


def _sideways(page) -> dict:
    """How far the page, and each table inside its scrolling box, reach past their width."""
    return page.evaluate(
        """() => ({
            page: document.documentElement.scrollWidth - window.innerWidth,
            tables: Array.from(document.querySelectorAll(".table-responsive"))
                .map(box => box.scrollWidth - box.clientWidth)
                .filter(extra => extra > 1),
        })"""
    )


def _statuses_in_view(page, table_id) -> list:
    """For each row of the table: whether its status cell lies inside the viewport."""
    return page.evaluate(
        """(id) => Array.from(document.querySelectorAll(`#${id} tbody tr`))
            .filter(tr => tr.querySelector(".row-status"))
            .map(tr => {
                const box = tr.querySelector(".row-status").getBoundingClientRect();
                return box.width > 0 && box.left >= 0 && box.right <= window.innerWidth + 1;
            })""",
        table_id,
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_list_tables_fit_and_show_each_rows_status(live_server, chromium, log_in, viewport):
    call_command("seed_demo", force=True, verbosity=0)
    returned = ResultReport.objects.filter(
        status=ResultReport.Status.RETURNED, unit__parent__code="444"
    ).first()
    pages = {}
    for account, path, table_id in PAGES:
        if account not in pages:
            pages[account] = new_page(chromium, viewport)
            log_in(pages[account], account, PASSWORD)
        page = pages[account]
        page.goto(f"{live_server.url}{path.format(returned_report=returned.pk)}")
        name = f"tables-{viewport['width']}-{account}-{table_id}"
        screenshot(page, name)

        assert page.locator(f"#{table_id}").count() == 1, name
        statuses = _statuses_in_view(page, table_id)
        sideways = _sideways(page)
        if viewport == PHONE:
            assert sideways == {"page": 0, "tables": []}, name
            # Rows are cards, not lines to read across.
            display = page.eval_on_selector(
                f"#{table_id} tbody tr", "tr => getComputedStyle(tr).display"
            )
            assert display == "flex", name
        else:
            assert sideways["page"] == 0, name
        if table_id != "member-unions":
            assert statuses, f"{name}: no rows"
            assert all(statuses), f"{name}: a row's status is out of view"
    for page in pages.values():
        assert page.console_errors == []
        page.context.close()
