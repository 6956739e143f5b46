"""Reading back what the portal produced: PDF text (pypdf) and workbook cells (openpyxl)."""

import io

import openpyxl
from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdf_fonts(content: bytes) -> set[str]:
    """Base names of the fonts embedded (with a font file) in any page."""
    names = set()
    for page in PdfReader(io.BytesIO(content)).pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None and (
                    "/FontFile2" in descriptor.get_object()
                    or "/FontFile" in descriptor.get_object()
                ):
                    names.add(str(font["/BaseFont"]))
    return names


def workbook(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def total_row(sheet) -> list:
    """The values of the sheet's last row ("Tổng cộng")."""
    return [cell.value for cell in sheet[sheet.max_row]]


def header_row(sheet) -> tuple[int, list]:
    """(row number, labels) of the header: the row the panes are frozen below."""
    number = int(sheet.freeze_panes[1:]) - 1
    return number, [cell.value for cell in sheet[number]]
