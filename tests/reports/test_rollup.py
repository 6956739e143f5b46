"""Both trees and the 2025 reorganisation: codes resolve per year, retired unions roll up
through their successors exactly once."""

from datetime import date

import pytest
from django.urls import reverse

from doanthanhnien.models import Unit, UnitSuccession
from doanthanhnien.selectors import unit_for_code
from reports.selectors import Span, model_rows, summary
from tests.factories import (
    PeriodFactory,
    PeriodYearFactory,
    RegistrationFactory,
    SupportModelFactory,
    UnitFactory,
)

from .helpers import header_row, workbook

pytestmark = pytest.mark.django_db

OLD_END, NEW_START = date(2025, 6, 30), date(2025, 7, 1)


@pytest.fixture
def reorganised(province, groups, categories):
    """Thành phố Hà Tĩnh's wards before 07/2025 and the two new wards formed from them.

    Nam Hà (18073) and Bắc Hà → Thành Sen (which took Nam Hà's code); Đại Nài split: part to
    Thành Sen, the whole rest to Trần Phú — so it counts under Trần Phú only.
    """
    city = UnitFactory(
        code="436",
        name="Thành đoàn Hà Tĩnh",
        kind=Unit.Kind.DISTRICT,
        parent=province,
        valid_to=OLD_END,
    )
    old = {
        name: UnitFactory(code=code, name=name, kind=Unit.Kind.WARD, parent=city, valid_to=OLD_END)
        for code, name in [
            ("18073", "Đoàn phường Nam Hà"),
            ("18076", "Đoàn phường Bắc Hà"),
            ("18094", "Đoàn phường Đại Nài"),
        ]
    }
    new = {
        name: UnitFactory(
            code=code, name=name, kind=Unit.Kind.WARD, parent=province, valid_from=NEW_START
        )
        for code, name in [("18073", "Đoàn phường Thành Sen"), ("18100", "Đoàn phường Trần Phú")]
    }
    links = [
        ("Đoàn phường Nam Hà", "Đoàn phường Thành Sen", False),
        ("Đoàn phường Bắc Hà", "Đoàn phường Thành Sen", False),
        ("Đoàn phường Đại Nài", "Đoàn phường Thành Sen", True),
        ("Đoàn phường Đại Nài", "Đoàn phường Trần Phú", False),
    ]
    for pred, succ, partial in links:
        UnitSuccession.objects.create(predecessor=old[pred], successor=new[succ], partial=partial)
    period = PeriodFactory(start_year=2024, end_year=2026, name="Giai đoạn 2024–2026")
    years = {y: PeriodYearFactory(period=period, year=y) for y in (2024, 2025, 2026)}

    def approved(unit, year, count=5):
        model = SupportModelFactory(unit=unit, category=categories[1], target_groups=[groups[1]])
        return RegistrationFactory(
            support_model=model,
            period_year=years[year],
            status="approved",
            targets={groups[1]: count},
        )

    for name in old:
        approved(old[name], 2024)
    approved(new["Đoàn phường Thành Sen"], 2026, count=7)
    return {"city": city, "old": old, "new": new}


def test_code_resolves_to_the_unit_holding_it_in_the_year(reorganised):
    nam_ha = reorganised["old"]["Đoàn phường Nam Hà"]
    thanh_sen = reorganised["new"]["Đoàn phường Thành Sen"]
    assert unit_for_code("18073", 2022) == nam_ha
    assert unit_for_code("18073", 2025) == thanh_sen  # both held it; the year ends with Thành Sen
    assert unit_for_code("18073", 2026) == thanh_sen
    assert unit_for_code("18073", 2019) is None
    assert unit_for_code("436", 2026) is None
    assert unit_for_code(" ", 2022) is None


def test_span_over_the_reorganisation_rolls_up_to_successors_once(reorganised, province):
    s = summary(root=province, span=Span(2024, 2026))
    rows = {r.name: r for r in s.grassroots}
    assert set(rows) == {"Đoàn phường Thành Sen", "Đoàn phường Trần Phú"}
    thanh_sen, tran_phu = rows["Đoàn phường Thành Sen"], rows["Đoàn phường Trần Phú"]
    # Nam Hà's and Bắc Hà's 2024 models and Thành Sen's own 2026 one.
    assert thanh_sen.figures.approved == 3
    assert thanh_sen.figures.planned_youth == 5 + 5 + 7
    assert thanh_sen.formed_from == ["Đoàn phường Bắc Hà", "Đoàn phường Nam Hà"]
    # Đại Nài, split between two new wards, counts once: under the one that took it whole.
    assert tran_phu.figures.approved == 1
    assert s.total.approved == 4  # every registration once
    assert len(list(model_rows(summary=s))) == 4
    # Under the new tree the communes are the province's own children.
    assert {c.name for c in s.children} == set(rows)
    # KPI over the span: Thành Sen (via Nam Hà/Bắc Hà in 2024) lacks 2025; nobody meets it.
    assert s.total.grassroots_done == 0
    trend = {y.year: y for y in s.years}
    assert trend[2024].grassroots_done == 2 and trend[2026].grassroots_done == 1


def test_a_year_before_the_reorganisation_stays_under_the_districts(reorganised, province):
    s = summary(root=province, span=Span(2024, 2024))
    assert {c.name for c in s.children} == {"Thành đoàn Hà Tĩnh"}
    assert len(s.grassroots) == 3 and s.total.approved == 3
    assert s.total.grassroots_done == 3


def test_new_ward_report_includes_what_it_was_formed_from(client, reorganised, admin_user):
    client.force_login(admin_user)
    period = client.get(reverse("reports:summary", args=["18073", "2024-2026", "xlsx"]))
    assert period["Content-Disposition"] == (
        'attachment; filename="Bao-cao-Thanh-Sen-2024-2026.xlsx"'
    )
    sheet = workbook(period.getvalue())["Tổng hợp"]
    _row, labels = header_row(sheet)
    total = dict(zip(labels, [c.value for c in sheet[sheet.max_row]], strict=True))
    assert total["Đã duyệt"] == 3
    # The same code for 2024 is the former Nam Hà, alone.
    year = client.get(reverse("reports:summary", args=["18073", "2024", "xlsx"]))
    assert year["Content-Disposition"] == 'attachment; filename="Bao-cao-Nam-Ha-2024.xlsx"'
    sheet = workbook(year.getvalue())["Tổng hợp"]
    assert [c.value for c in sheet[sheet.max_row]][labels.index("Đã duyệt")] == 1


def test_admin_import_resolves_codes_through_the_same_rule(reorganised):
    from doanthanhnien.admin import UnitByCodeWidget

    widget = UnitByCodeWidget()
    nam_ha = reorganised["old"]["Đoàn phường Nam Hà"]
    thanh_sen = reorganised["new"]["Đoàn phường Thành Sen"]
    assert widget.clean("18073", row={"valid_from": "2020-01-01"}) == nam_ha
    assert widget.clean("18073", row={"valid_from": date(2025, 7, 1)}) == thanh_sen
    assert widget.clean("18073", row={"username": "x"}) == thanh_sen  # accounts: this year
    with pytest.raises(ValueError):
        widget.clean("436", row={"valid_from": "2026-01-01"})


def test_dashboard_links_only_where_the_code_means_this_union(client, reorganised, admin_user):
    client.force_login(admin_user)
    nam_ha = reorganised["old"]["Đoàn phường Nam Hà"]
    url = reverse("reports:dashboard")
    own = client.get(url, {"unit": nam_ha.pk, "span": "2024"})
    assert own.context["pdf_url"] == "/reports/18073/2024/summary.pdf"
    # For 2024–2026 the code 18073 means Thành Sen: no link that would download another union.
    later = client.get(url, {"unit": nam_ha.pk, "span": "2024-2026"})
    assert "pdf_url" not in later.context
    assert 'id="download-pdf"' not in later.content.decode()
