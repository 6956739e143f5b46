"""The provincial officer opens the province's summary, drills down to Hương Khê and downloads
its official report and workbook — on a phone."""

import io

import openpyxl
import pytest
from django.core.management import call_command
from pypdf import PdfReader

from .conftest import PHONE, overflowing, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("browser_page", [PHONE], indirect=True)
def test_demo_tinh_downloads_huong_khe(browser_page, live_server, log_in, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", force=True, verbosity=0)
    page = log_in(browser_page, "demo_tinh", "DoanHaTinh@2020")
    # 2022: the province over its districts (it opens on 2026, the communes' tree).
    page.goto(f"{live_server.url}/reports/?span=2022")
    assert "Tỉnh đoàn Hà Tĩnh" in page.locator("h1").inner_text()
    assert page.locator("#children-table tbody tr").count() >= 13
    assert page.locator("svg#chart-categories title").count() == 1
    assert not overflowing(page)
    screenshot(page, "summaries-province")

    page.click("#children-table a:text('Huyện đoàn Hương Khê')")
    page.wait_for_load_state()
    assert "Huyện đoàn Hương Khê" in page.locator("h1").inner_text()
    assert not overflowing(page)
    screenshot(page, "summaries-huong-khe")

    with page.expect_download() as pdf_info:
        page.click("#download-pdf")
    pdf = pdf_info.value
    assert pdf.suggested_filename == "Bao-cao-Huong-Khe-2022.pdf"
    text = "".join(p.extract_text() for p in PdfReader(pdf.path()).pages)
    assert "Hương Khê" in text

    with page.expect_download() as xlsx_info:
        page.click("#download-xlsx")
    xlsx = xlsx_info.value
    assert xlsx.suggested_filename == "Bao-cao-Huong-Khe-2022.xlsx"
    with open(xlsx.path(), "rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    assert book["Tổng hợp"]["A1"].value == "HUYỆN ĐOÀN HƯƠNG KHÊ"
