"""The official report: the eight parts of 29-HD/TWĐTN-VP, the bundled font, the numbering."""

import pytest
from django.urls import reverse

from reports.models import ReportNumber

from .helpers import pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db


def _pdf(client, user, code="444", span="2022"):
    client.force_login(user)
    response = client.get(reverse("reports:summary", args=[code, span, "pdf"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response


def test_all_eight_parts(client, programme, officer):
    text = " ".join(pdf_text(_pdf(client, officer).content).split())
    parts = [
        "ĐOÀN TNCS HỒ CHÍ MINH",  # 1. title
        "BCH TỈNH ĐOÀN HÀ TĨNH",  # 2. issuing body: upper line …
        "BCH HUYỆN ĐOÀN HƯƠNG KHÊ",  # … and the union itself
        "Số: -BC/HĐTN",  # 3. number left blank for hand numbering (the default)
        "Hương Khê, ngày",  # 4. place and date
        "BÁO CÁO",  # 5. type and summary line
        "Kết quả thực hiện mô hình, giải pháp hỗ trợ thanh thiếu niên yếu thế năm 2022",
        "I. TÌNH HÌNH CHUNG",  # 6. body
        "II. KẾT QUẢ CỤ THỂ",
        "Theo nhóm đối tượng",
        "Danh sách mô hình, giải pháp đã được duyệt",
        "TM. BAN THƯỜNG VỤ HUYỆN ĐOÀN",  # 7. signature
        "BÍ THƯ",
        "Nguyễn Văn An",
        "Nơi nhận:",  # 8. recipients, ending with the archive line
        "- Lưu VP.",
    ]
    for part in parts:
        assert part in text, part
    assert text.index("Nơi nhận:") > text.index("III. ĐÁNH GIÁ CHUNG")


def test_font_is_bundled_and_vietnamese_round_trips(client, programme, officer):
    response = _pdf(client, officer)
    fonts = pdf_fonts(response.content)
    assert fonts and all("Report-Serif" in name for name in fonts)
    text = pdf_text(response.content)
    assert "Hương Khê" in text
    assert "thanh thiếu niên yếu thế" in " ".join(text.split())
    assert response["Content-Disposition"] == 'attachment; filename="Bao-cao-Huong-Khe-2022.pdf"'


def test_page_numbers_from_page_two(client, programme, provincial_viewer):
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(_pdf(client, provincial_viewer, "42", "2020-2022").content))
    pages = len(reader.pages)
    assert pages >= 2
    assert f"2/{pages}" in reader.pages[1].extract_text()


def test_register_numbers_once_per_summary_for_the_union_itself(
    client, programme, officer, provincial_viewer, settings
):
    settings.REPORT_NUMBERING = "register"
    first = " ".join(pdf_text(_pdf(client, officer).content).split())
    again = " ".join(pdf_text(_pdf(client, officer).content).split())
    assert "Số: 1-BC/HĐTN" in first and "Số: 1-BC/HĐTN" in again
    assert "Số: 2-BC/HĐTN" in " ".join(
        pdf_text(_pdf(client, officer, span="2020-2022").content).split()
    )
    # The province reading the district's summary takes no number of the district's.
    read = " ".join(pdf_text(_pdf(client, provincial_viewer).content).split())
    assert "Số: 1-BC/HĐTN" in read  # the district's own entry is shown…
    fresh = " ".join(pdf_text(_pdf(client, provincial_viewer, span="2021").content).split())
    assert "Số: -BC/HĐTN" in fresh  # …but no new one is taken for it
    assert ReportNumber.objects.count() == 2


def test_blank_numbering_takes_no_number(client, programme, officer):
    _pdf(client, officer)
    assert not ReportNumber.objects.exists()
