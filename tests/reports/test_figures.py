"""The hand-computed fixture (see conftest): selectors, dashboard, PDF and workbook agree."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from models_registry.models import Recognition
from reports.selectors import FUND_SOURCES, Span, recognised_rows, summary

from .conftest import RECOGNITION_NUMBER, REFUSED_NUMBER, REVOKED_NUMBER, make_recognition
from .helpers import header_row, pdf_text, total_row, workbook

pytestmark = pytest.mark.django_db

Y2022 = Span(2022, 2022)


def test_district_figures_by_hand(programme, tree):
    s = summary(root=tree["district"], span=Y2022)
    t = s.total
    assert (t.grassroots, t.grassroots_done, t.share) == (2, 1, 50.0)
    assert (t.registered, t.submitted, t.approved, t.awaiting, t.late) == (3, 2, 1, 1, 1)
    assert (t.planned_youth, t.planned_budget) == (9, 3_000_000)
    assert s.target_share == 100 and not s.reached
    rows = {r.name: r for r in s.grassroots}
    assert rows["Đoàn xã Hương Trà"].done and not rows["Đoàn xã Hương Trạch"].done
    assert rows["Đoàn xã Hương Trạch"].figures.registered == 1
    assert {g.code: g.planned for g in s.groups if g.planned} == {1: 5, 3: 4}
    assert {c.code: c.models for c in s.categories if c.models} == {1: 1}


def test_province_rolls_up_per_district(programme, tree):
    s = summary(root=tree["province"], span=Y2022)
    assert (s.total.grassroots, s.total.grassroots_done, s.total.share) == (3, 2, 66.7)
    assert (s.total.registered, s.total.approved, s.total.planned_youth) == (4, 2, 15)
    assert s.total.planned_budget == 7_000_000
    children = {r.name: r.figures for r in s.children}
    assert set(children) == {"Huyện đoàn Hương Khê", "Huyện đoàn Thạch Hà"}
    assert children["Huyện đoàn Hương Khê"].approved == 1
    assert children["Huyện đoàn Thạch Hà"].planned_youth == 6
    assert s.children_differ


RESULTS = {  # reported, recognised, supported, female, mobilised (see conftest)
    "reported": 1,
    "recognised": 1,
    "supported": 10,
    "supported_female": 5,
    "mobilised": 9_000_000,
}


@pytest.mark.parametrize("root", ["district", "province"])
def test_result_figures_by_hand(programme, tree, root):
    # The interim report, the returned final report, the revoked decision and the refusal
    # count nowhere.
    s = summary(root=tree[root], span=Y2022)
    assert {key: getattr(s.total, key) for key in RESULTS} == RESULTS
    assert [c.key for c in s.columns if c.extension] == list(RESULTS)
    rows = {r.name: r.figures for r in s.grassroots}
    assert rows["Đoàn xã Hương Trà"].mobilised == 9_000_000
    for other in set(rows) - {"Đoàn xã Hương Trà"}:
        assert {key: getattr(rows[other], key) for key in RESULTS} == dict.fromkeys(RESULTS, 0)
    assert s.total.mobilised_by_source == {
        "funds_union": 2_000_000,
        "funds_state": 1_500_000,
        "funds_sponsors": 5_000_000,
        "funds_people": 500_000,
    }
    supported = {g.code: (g.supported, g.supported_female) for g in s.groups if g.supported}
    assert supported == {1: (6, 2), 3: (4, 3)}
    assert all(g.supported == 0 for g in s.groups if g.code not in (1, 3))
    recognised = recognised_rows(summary=s)
    assert [(r.registered_by, r.decision_number, r.span) for r in recognised] == [
        ("Đoàn xã Hương Trà", RECOGNITION_NUMBER, "2022")
    ]


def test_a_decision_on_the_whole_period_counts_for_the_years_it_covers(programme, tree):
    c1 = programme["c1"]
    Recognition.objects.filter(support_model=c1.support_model).update(status="revoked")
    whole_period = make_recognition(c1, "recognised", "20-QĐ/TĐTN")
    Recognition.objects.filter(pk=whole_period.pk).update(year=None)
    assert summary(root=tree["province"], span=Y2022).total.recognised == 2
    assert summary(root=tree["province"], span=Span(2020, 2021)).total.recognised == 1
    assert summary(root=tree["district"], span=Y2022).total.recognised == 1
    assert summary(root=tree["province"], span=Span(2023, 2024)).total.recognised == 0


def _table(html: str, table_id: str) -> dict:
    """Header label → value of the total row (tfoot) of a dashboard table."""
    table = html[html.index(f'id="{table_id}"') :]
    table = table[: table.index("</table>")]
    strip = lambda cell: re.sub(r"<[^>]+>", "", cell).strip()  # noqa: E731
    heads = [strip(c) for c in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
    foot = table[table.index("<tfoot>") :]
    cells = [strip(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", foot, re.S)]
    return dict(zip(heads, cells, strict=True))


def test_dashboard_pdf_and_workbook_show_the_same_numbers(client, programme, tree, officer):
    client.force_login(officer)
    district = tree["district"]
    page = client.get(reverse("reports:dashboard"), {"unit": district.pk, "span": "2022"})
    assert page.status_code == 200
    s = page.context["s"]
    html = page.content.decode()
    assert 'id="kpi-share">50,0 %' in html
    assert 'id="kpi-approved">1<' in html
    assert 'id="kpi-youth">9<' in html
    assert "3.000.000" in html
    assert {key: getattr(s.total, key) for key in RESULTS} == RESULTS
    shown = _table(html, "grassroots-table")
    with translation.override("vi"):  # the page speaks Vietnamese, the default language
        head = {key: gettext(key) for key in ("Reported", "Recognised", "Youth supported",
                                              "of whom female", "Mobilised (đồng)")}  # fmt: skip
    assert shown[head["Reported"]] == "1" and shown[head["Recognised"]] == "1"
    assert shown[head["Youth supported"]] == "10" and shown[head["of whom female"]] == "5"
    assert shown[head["Mobilised (đồng)"]] == "9.000.000"
    group_table = html[html.index('id="group-table"') :]
    assert re.search(r"<td class=\"num\">6</td><td class=\"num\">2</td>", group_table)

    pdf = client.get(reverse("reports:summary", args=["444", "2022", "pdf"]))
    text = " ".join(pdf_text(pdf.content).split())
    assert "có 2 Đoàn cơ sở" in text
    assert "1 Đoàn cơ sở có mô hình được duyệt, đạt 50,0% (chỉ tiêu 100%)" in text
    assert "đã đăng ký: 3; đã gửi duyệt: 2; đã được duyệt: 1; đang chờ duyệt: 1; nộp muộn: 1" in (
        text
    )
    assert "dự kiến hỗ trợ theo các mô hình đã duyệt: 9 người; kinh phí dự kiến: 3.000.000" in (
        text
    )

    assert (
        "đã báo cáo kết quả (báo cáo tổng kết được tiếp nhận): 1; được công nhận: 1. "
        "Tổng số thanh thiếu niên yếu thế đã được hỗ trợ: 10 người, trong đó nữ: 5 người; "
        "nguồn lực huy động: 9.000.000 đồng."
    ) in text
    assert "2. Kết quả thực hiện (báo cáo kết quả, công nhận)" in text
    assert "6. Danh sách mô hình, giải pháp được công nhận" in text
    assert RECOGNITION_NUMBER in text and "10/01/2023" in text
    assert REVOKED_NUMBER not in text and REFUSED_NUMBER not in text
    assert "Số TTN đã hỗ trợ" in text and "Nguồn lực huy động (đồng)" in text

    book = workbook(client.get(reverse("reports:summary", args=["444", "2022", "xlsx"])).getvalue())
    sheet = book["Tổng hợp"]
    _row, labels = header_row(sheet)
    total = dict(zip(labels, total_row(sheet), strict=True))
    assert total["Đoàn cơ sở"] == "Tổng cộng"
    for column in s.columns:
        assert total[column.doc_label] == getattr(s.total, column.key)
    assert total["Đã duyệt"] == 1
    assert total["Số TTN dự kiến hỗ trợ"] == 9
    assert total["Đạt chỉ tiêu"] == "1/2"
    assert total["Đã báo cáo kết quả"] == 1 and total["Được công nhận"] == 1
    assert total["Số TTN đã hỗ trợ"] == 10 and total["Trong đó nữ"] == 5
    assert total["Nguồn lực huy động (đồng)"] == 9_000_000
    groups = book["Theo nhóm đối tượng"]
    _row, labels = header_row(groups)
    by_group = dict(zip(labels, total_row(groups), strict=True))
    assert by_group["Tổng"] == 9
    assert (by_group["Tổng đã hỗ trợ"], by_group["Tổng nữ"]) == (10, 5)
    first = s.groups[0].short_name
    assert (by_group[f"Đã hỗ trợ: {first}"], by_group[f"Nữ: {first}"]) == (6, 2)
    resources = book["Nguồn lực"]
    _row, labels = header_row(resources)
    money = dict(zip(labels, total_row(resources), strict=True))
    assert money["Kinh phí dự kiến (đồng)"] == 3_000_000
    assert money["Nguồn lực huy động (đồng)"] == 9_000_000
    assert [money[f"{label} (đồng)"] for label in FUND_SOURCES.values()] == [
        2_000_000,
        1_500_000,
        5_000_000,
        500_000,
    ]
    assert resources.cell(resources.max_row, 4).number_format == "#,##0"
    models = book["Danh sách mô hình"]
    assert models.max_row - header_row(models)[0] == 3  # one row per registration


def test_workbook_structure(client, programme, officer):
    client.force_login(officer)
    book = workbook(client.get(reverse("reports:summary", args=["444", "2022", "xlsx"])).getvalue())
    assert book.sheetnames == ["Tổng hợp", "Danh sách mô hình", "Theo nhóm đối tượng", "Nguồn lực"]
    for sheet in book.worksheets:
        number, labels = header_row(sheet)
        assert sheet["A1"].value == "HUYỆN ĐOÀN HƯƠNG KHÊ" and sheet["A1"].font.b
        assert all(sheet.cell(number, i).font.b for i in range(1, len(labels) + 1))
        assert sheet.auto_filter.ref.startswith(f"A{number}:")
        assert sheet.column_dimensions["B"].width > 8
    models = book["Danh sách mô hình"]
    number, labels = header_row(models)
    start = labels.index("Ngày gửi duyệt") + 1
    assert models.cell(number + 1, labels.index("Năm") + 1).value == 2022
    assert models.cell(number + 1, start).is_date or models.cell(number + 1, start).value is None


def test_formula_looking_names_stay_text(client, programme, officer, tree):
    for name in ("+84 912 345 678", "-1 mô hình", "@lệnh"):
        programme["a1"].support_model.__class__.objects.filter(
            pk=programme["a1"].support_model.pk
        ).update(name=name)
        client.force_login(officer)
        content = client.get(reverse("reports:summary", args=["444", "2022", "xlsx"])).getvalue()
        sheet = workbook(content)["Danh sách mô hình"]
        cells = [c for row in sheet.iter_rows() for c in row if c.value == name]
        assert cells and all(c.data_type == "s" for c in cells)
    sheet = workbook(content)["Danh sách mô hình"]
    formula = [c for row in sheet.iter_rows() for c in row if c.value == "=SUM(A1:A9)"]
    assert formula and all(c.data_type == "s" for c in formula)


def test_submission_day_is_the_day_in_vietnam(client, programme, officer):
    """Submitted at 00:30 on 5 March in Hà Tĩnh (17:30 on 4 March UTC): the list says 05/03."""
    from datetime import UTC, date, datetime

    from models_registry.models import Registration

    Registration.objects.filter(pk=programme["a1"].pk).update(
        submitted_at=datetime(2022, 3, 4, 17, 30, tzinfo=UTC)
    )
    client.force_login(officer)
    content = client.get(reverse("reports:summary", args=["444", "2022", "xlsx"])).getvalue()
    models = workbook(content)["Danh sách mô hình"]
    number, labels = header_row(models)
    names = [
        models.cell(r, labels.index("Tên mô hình, giải pháp") + 1).value
        for r in range(number + 1, models.max_row + 1)
    ]
    row = number + 1 + names.index(programme["a1"].support_model.name)
    submitted = models.cell(row, labels.index("Ngày gửi duyệt") + 1).value
    assert submitted.date() == date(2022, 3, 5)
