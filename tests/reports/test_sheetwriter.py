"""The streaming workbook writer, read back by an independent implementation (openpyxl) and
checked part by part as XML."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from lxml import etree

from reports.sheetwriter import (
    DATE,
    MAX_TEXT,
    NUMBER,
    StreamingWorkbook,
    Style,
    column_letter,
)


def _write(build) -> bytes:
    stream = io.BytesIO()
    book = StreamingWorkbook(stream, title="Tổng hợp 2022", creator="Đoàn TNCS Hồ Chí Minh")
    build(book)
    book.close()
    return stream.getvalue()


def test_column_letters():
    assert [column_letter(i) for i in (1, 26, 27, 52, 53, 702, 703)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]


def test_values_round_trip_with_their_types():
    def build(book):
        sheet = book.add_sheet("Dữ liệu", [10, 30, 12])
        sheet.append(["Hương Khê", 15_000_000, date(2022, 3, 5)])
        sheet.append([Decimal("1234.5"), 2.25, datetime(2022, 3, 5, 12, 0)])
        sheet.append([True, None, ""])
        sheet.append(["=SUM(A1:A9)", "+84 912", "@x"])
        sheet.append(["  lề trái", "a\x00b\x0bc\x1fd", "x" * (MAX_TEXT + 10)])
        sheet.append(["<b>\"&'</b>", "dòng 1\ndòng 2", "thanh thiếu niên yếu thế"])

    ws = openpyxl.load_workbook(io.BytesIO(_write(build)))["Dữ liệu"]
    assert [c.value for c in ws[1]] == ["Hương Khê", 15_000_000, datetime(2022, 3, 5)]
    assert ws["B1"].number_format == NUMBER
    assert ws["C1"].number_format == DATE
    assert ws["A2"].value == 1234.5 and ws["B2"].value == 2.25
    assert ws["C2"].value == datetime(2022, 3, 5, 12, 0)
    assert ws["A3"].value is True and ws["B3"].value is None and ws["C3"].value is None
    # Formula-looking text is text, never a formula.
    assert [c.value for c in ws[4]] == ["=SUM(A1:A9)", "+84 912", "@x"]
    assert all(c.data_type == "s" for c in ws[4])
    assert ws["A5"].value == "  lề trái"  # leading spaces kept
    assert ws["B5"].value == "abcd"  # characters XML cannot carry are dropped
    assert len(ws["C5"].value) == MAX_TEXT
    assert [c.value for c in ws[6]] == ["<b>\"&'</b>", "dòng 1\ndòng 2", "thanh thiếu niên yếu thế"]


def test_layout_styles_filter_and_print_titles():
    def build(book):
        bold = book.style(Style(bold=True))
        wrap = book.style(Style(wrap=True))
        money_bold = book.style(Style(bold=True, number_format=NUMBER))
        sheet = book.add_sheet("Tổng hợp", [6, 32, 16], freeze=3)
        sheet.append(["ĐOÀN TỈNH HÀ TĨNH"], [(book.style(Style(bold=True, size=13)), None, None)])
        sheet.append([])
        header = book.style(Style(bold=True, wrap=True, center=True))
        sheet.append(["STT", "Đoàn cơ sở", "Kinh phí"], [(header, None, None)] * 3, height=33)
        styles = [(None, None, None), (wrap, None, None), (None, None, None)]
        last = 0
        for index in range(1, 6):
            last = sheet.append([index, f"Đoàn xã {index}", index * 1_000_000], styles)
        sheet.auto_filter(3, last)
        sheet.append([None, "Tổng cộng", 15_000_000], [(bold, money_bold, None)] * 3)
        book.add_sheet("Trống", [10])  # a second, empty sheet

    book = openpyxl.load_workbook(io.BytesIO(_write(build)))
    assert book.sheetnames == ["Tổng hợp", "Trống"]
    ws = book["Tổng hợp"]
    assert ws["A1"].font.b and ws["A1"].font.sz == 13
    assert ws["B3"].font.b and ws["B3"].alignment.wrap_text
    assert ws["B3"].alignment.horizontal == "center"
    assert ws["B4"].alignment.wrap_text and not ws["B4"].font.b
    assert ws.freeze_panes == "A4"
    assert ws.row_dimensions[3].height == 33 and ws.row_dimensions[4].height is None
    assert ws.auto_filter.ref == "A3:C8"
    assert ws.column_dimensions["B"].width == 32
    assert ws.print_title_rows == "$3:$3"
    assert ws["B9"].font.b and ws["C9"].font.b and ws["C9"].number_format == NUMBER
    assert book.properties.title == "Tổng hợp 2022"


def test_every_part_is_well_formed_xml_and_declared():
    def build(book):
        sheet = book.add_sheet("Có 'nháy' & <ký tự>", [10], freeze=1)
        sheet.append(["x"])
        sheet.auto_filter(1, 1)

    with zipfile.ZipFile(io.BytesIO(_write(build))) as archive:
        names = archive.namelist()
        for name in names:
            etree.fromstring(archive.read(name))  # raises on malformed XML
        types = archive.read("[Content_Types].xml").decode()
        assert "/xl/worksheets/sheet1.xml" in types and "/xl/styles.xml" in types
        workbook_xml = archive.read("xl/workbook.xml").decode()
        assert "'Có ''nháy'' &amp; &lt;ký tự&gt;'!$A$1:$A$1" in workbook_xml
    assert openpyxl.load_workbook(io.BytesIO(_write(build))).sheetnames == ["Có 'nháy' & <ký tự>"]


def test_a_sheet_refuses_more_rows_than_excel_holds(monkeypatch):
    monkeypatch.setattr("reports.sheetwriter.MAX_ROWS", 3)

    def build(book):
        sheet = book.add_sheet("x", [5])
        for _ in range(3):
            sheet.append([1])
        with pytest.raises(ValueError):
            sheet.append([1])

    _write(build)
