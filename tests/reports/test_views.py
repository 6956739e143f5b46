"""Every summary URL for every role, bad input, and query counts that do not grow with data."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    RegistrationFactory,
    ResultReportFactory,
    SupportModelFactory,
    UnitFactory,
)

from .conftest import make_recognition

pytestmark = pytest.mark.django_db

# Who may download which union's summary: their own subtree only (404 elsewhere).
EXPECTED = {
    "42": {"provincial_viewer", "admin_user"},
    "444": {"provincial_viewer", "admin_user", "officer", "standing"},
    "18550": {"provincial_viewer", "admin_user", "officer", "standing", "secretary_a"},
    "18562": {"provincial_viewer", "admin_user", "other_officer"},
}


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
@pytest.mark.parametrize("span", ["2022", "2020-2022"])
@pytest.mark.parametrize("code", list(EXPECTED))
def test_download_scoping_for_every_role(client, programme, cast, code, span, fmt):
    url = reverse("reports:summary", args=[code, span, fmt])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    for name, user in cast.items():
        client.force_login(user)
        response = client.get(url)
        expected = 200 if name in EXPECTED[code] else 404
        assert response.status_code == expected, (name, url)
        if expected == 200:
            assert response["Content-Disposition"].startswith('attachment; filename="Bao-cao-')
    client.force_login(cast["admin_user"])
    assert client.post(url).status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        "/reports/444/2019-2017/summary.pdf",  # reversed
        "/reports/444/1999/summary.pdf",  # before any year the portal knows
        "/reports/444/2020-2035/summary.xlsx",  # longer than ten years
        "/reports/444/20222/summary.pdf",
        "/reports/" + "9" * 30 + "/2022/summary.pdf",
        "/reports/999/2022/summary.pdf",  # no such code
        "/reports/444/2022/summary.doc",
    ],
)
def test_bad_urls_answer_404(client, programme, admin_user, url):
    client.force_login(admin_user)
    assert client.get(url).status_code == 404


def test_dashboard_for_every_role(client, programme, cast, tree):
    url = reverse("reports:dashboard")
    assert client.get(url).status_code == 302
    for user in cast.values():
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["unit"] == user.unit  # by default, one's own union
    # Asking for a union outside one's subtree falls back to one's own (nothing leaks).
    client.force_login(cast["other_officer"])
    response = client.get(url, {"unit": tree["district"].pk, "span": "2022"})
    assert response.context["unit"] == tree["other_district"]
    assert "Hương Trà" not in response.content.decode()
    # Drilling down to a commune inside the subtree works.
    client.force_login(cast["provincial_viewer"])
    response = client.get(url, {"unit": tree["commune_a"].pk, "span": "2022"})
    assert response.context["unit"] == tree["commune_a"]
    for bad in ({"unit": "9" * 30, "span": "2022"}, {"unit": "x", "span": "1999-2000"}):
        assert client.get(url, bad).status_code == 200


def test_downloads_page_for_every_role(client, programme, cast, tree):
    url = reverse("reports:downloads")
    for name, user in cast.items():
        client.force_login(user)
        assert client.get(url).status_code == 200, name
    client.force_login(cast["provincial_viewer"])
    html = client.get(url).content.decode()
    assert reverse("reports:summary", args=["444", "2022", "pdf"]) in html
    assert reverse("reports:summary", args=["445", "2020-2022", "xlsx"]) in html
    client.force_login(cast["other_officer"])
    assert client.get(url, {"unit": tree["district"].pk}).status_code == 404
    assert client.get(url, {"unit": "9" * 30}).status_code == 200


def test_nav_has_the_summaries_for_upper_unions_only(client, programme, cast):
    link = f'href="{reverse("reports:dashboard")}"'
    client.force_login(cast["provincial_viewer"])
    assert link in client.get("/").content.decode()
    client.force_login(cast["secretary_a"])
    assert link not in client.get("/").content.decode()


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def _more_data(tree, programme, times):
    py = programme["a1"].period_year
    for i in range(times):
        unit = UnitFactory(parent=tree["district"] if i % 2 else tree["other_district"])
        model = SupportModelFactory(unit=unit)
        approved = RegistrationFactory(support_model=model, period_year=py, status="approved")
        ResultReportFactory(registration=approved, status="accepted")
        ResultReportFactory(registration=approved, kind="interim", status="returned")
        make_recognition(approved, "recognised", f"{i}-QĐ/HĐTN")
        RegistrationFactory(
            support_model=SupportModelFactory(unit=tree["commune_a"]), period_year=py
        )


def test_query_counts_do_not_grow_with_the_data(client, programme, tree, provincial_viewer):
    client.force_login(provincial_viewer)
    urls = [
        (reverse("reports:dashboard"), {"unit": tree["province"].pk, "span": "2022"}),
        (reverse("reports:dashboard"), {"unit": tree["province"].pk, "span": "2020-2022"}),
        (reverse("reports:downloads"), None),
        (reverse("reports:summary", args=["42", "2022", "pdf"]), None),
        (reverse("reports:summary", args=["42", "2020-2022", "xlsx"]), None),
    ]
    # Warm up: the session-refresh middleware may write on the first request after login.
    client.get(reverse("reports:dashboard"))
    before = [_queries(client, url, params) for url, params in urls]
    _more_data(tree, programme, 40)  # 10× the fixture's registrations and more unions
    after = [_queries(client, url, params) for url, params in urls]
    assert after == before
    assert max(before) <= 30


def test_group_chart_draws_youth_supported_beside_planned(client, programme, cast, tree):
    """The fixture's accepted final report supported 6 youth of group 1 and 4 of group 3 (plan:
    5 + 2 of group 1 for district 444's registrations, 4 of group 3)."""
    client.force_login(cast["provincial_viewer"])
    response = client.get(
        reverse("reports:dashboard"), {"unit": tree["district"].pk, "span": "2022"}
    )
    chart = str(response.context["charts"]["groups"])
    assert chart.count("<rect") == 2 + 2 * len(response.context["s"].groups)  # legend + pairs
    group_1 = response.context["s"].groups[0]
    assert f"{group_1.short_name}: Dự kiến {group_1.planned}, Đã hỗ trợ 6" in chart
    assert "Số TTN yếu thế dự kiến và đã hỗ trợ theo nhóm đối tượng" in response.content.decode()


def test_the_workbook_is_sent_from_a_file_not_held_in_memory(client, programme, provincial_viewer):
    client.force_login(provincial_viewer)

    response = client.get(reverse("reports:summary", args=["42", "2020-2022", "xlsx"]))

    assert response.streaming  # sent from its temporary file, not a copy in memory
    body = response.getvalue()
    assert int(response["Content-Length"]) == len(body)
    assert response["Content-Disposition"].startswith('attachment; filename="Bao-cao-')
    assert "Tổng hợp" in openpyxl.load_workbook(io.BytesIO(body), read_only=True).sheetnames
