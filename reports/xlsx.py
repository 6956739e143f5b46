"""The summary workbook: exporters yield a header and rows; one writer streams them.

As in pretix's ``ListExporter``: an exporter knows its sheet's title and columns and yields
plain rows; ``write_workbook`` renders every exporter with openpyxl in write-only mode, so rows
go to disk as they come and a national workbook never sits in memory as cell objects. The
workbook is always in Vietnamese: it is the union's official summary, like the PDF.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .document import vn_number
from .selectors import FUND_SOURCES, Figures, Summary, model_rows

NUMBER = "#,##0"
DATE = "DD/MM/YYYY"
# A text cell starting with one of these would be read as a formula by a spreadsheet.
FORMULA_START = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Col:
    label: str
    width: float = 14
    kind: str = "text"  # "text", "number", "date"


class ListExporter:
    """A sheet: ``title_lines`` above, ``columns`` as the header, ``iterate_rows`` below."""

    sheet_title = ""

    def __init__(self, summary: Summary):
        self.summary = summary

    def title_lines(self) -> list[str]:
        s = self.summary
        what = f"năm {s.span.first}" if s.span.is_year else f"giai đoạn {s.span.label}"
        return [
            s.root.name.upper(),
            f"{self.sheet_title} — mô hình, giải pháp hỗ trợ thanh thiếu niên yếu thế {what}",
        ]

    def columns(self) -> list[Col]:
        raise NotImplementedError

    def iterate_rows(self) -> Iterator[list]:
        raise NotImplementedError

    def total_row(self) -> list | None:
        return None


def _figure_cols(summary: Summary) -> list[Col]:
    return [Col(c.doc_label, 16 if c.money else 12, "number") for c in summary.columns]


class SummaryExporter(ListExporter):
    """ "Tổng hợp": one row per grassroots union with the KPI and every figure column."""

    sheet_title = "Tổng hợp"

    def title_lines(self):
        s = self.summary
        target = f" (chỉ tiêu {s.target_share}%)" if s.target_share is not None else ""
        return [
            *super().title_lines(),
            f"Tỷ lệ Đoàn cơ sở có mô hình được duyệt: {vn_number(s.total.share, 1)}%{target}; "
            f"{vn_number(s.total.grassroots_done)}/{vn_number(s.total.grassroots)} Đoàn cơ sở.",
        ]

    def columns(self):
        return [
            Col("STT", 6, "number"),
            Col("Mã", 9),
            Col("Đoàn cơ sở", 32),
            Col("Đơn vị trực thuộc", 28),
            Col("Đạt chỉ tiêu", 12),
            *_figure_cols(self.summary),
        ]

    def iterate_rows(self):
        children = {c.pk: c.name for c in self.summary.children}
        for index, row in enumerate(self.summary.grassroots, 1):
            yield [
                index,
                row.code,
                row.name,
                children.get(row.parent_pk, ""),
                "Đạt" if row.done else "Chưa đạt",
                *row.values,
            ]

    def total_row(self):
        t = self.summary.total
        done = f"{vn_number(t.grassroots_done)}/{vn_number(t.grassroots)}"
        return [None, None, "Tổng cộng", None, done, *self.summary.total_values]


class ModelListExporter(ListExporter):
    """ "Danh sách mô hình": one row per registration with every field of guideline IV."""

    sheet_title = "Danh sách mô hình"

    def columns(self):
        return [
            Col("STT", 7, "number"),
            Col("Đoàn cơ sở", 28),
            Col("Đơn vị đăng ký", 28),
            Col("Năm", 7, "number"),
            Col("Tên mô hình, giải pháp", 40),
            Col("Nội dung mô hình", 30),
            Col("Nhóm đối tượng (số TTN dự kiến)", 36),
            Col("Số TTN dự kiến hỗ trợ", 12, "number"),
            Col("Người thực hiện", 30),
            Col("Liên hệ", 16),
            Col("Địa bàn triển khai", 26),
            Col("Đơn vị phối hợp", 26),
            Col("Thời gian bắt đầu triển khai", 14, "date"),
            Col("Dự kiến kết quả", 40),
            Col("Kinh phí dự kiến (đồng)", 16, "number"),
            Col("Nguồn kinh phí", 26),
            Col("Trạng thái", 14),
            Col("Ngày gửi duyệt", 14, "date"),
            Col("Nộp muộn", 10),
        ]

    def iterate_rows(self):
        for index, m in enumerate(model_rows(summary=self.summary), 1):
            yield [
                index,
                m.unit,
                m.registered_by,
                m.year,
                m.name,
                m.category,
                m.target_groups,
                m.planned_youth,
                m.implementers,
                m.contact,
                m.area,
                m.partners,
                m.start_date,
                m.expected_results,
                m.planned_budget,
                m.budget_sources,
                m.status_label,
                m.submitted_on,
                "Có" if m.late else "",
            ]


class TargetGroupExporter(ListExporter):
    """ "Theo nhóm đối tượng": youth per grassroots union and target group — planned, and
    supported with female (accepted final reports) once result reports exist."""

    sheet_title = "Theo nhóm đối tượng"

    def _results(self) -> bool:
        return self.summary.total.supported is not None

    def columns(self):
        groups = self.summary.groups
        cols = [Col(g.short_name, 14, "number") for g in groups] + [Col("Tổng", 12, "number")]
        if self._results():
            cols += [Col(f"Đã hỗ trợ: {g.short_name}", 14, "number") for g in groups]
            cols += [Col(f"Nữ: {g.short_name}", 14, "number") for g in groups]
            cols += [Col("Tổng đã hỗ trợ", 12, "number"), Col("Tổng nữ", 12, "number")]
        return [Col("STT", 6, "number"), Col("Đoàn cơ sở", 32), *cols]

    def _values(self, figures):
        groups = [g.pk for g in self.summary.groups]
        values = [figures.planned_by_group.get(g, 0) for g in groups] + [figures.planned_youth]
        if self._results():
            values += [figures.supported_by_group.get(g, 0) for g in groups]
            values += [figures.female_by_group.get(g, 0) for g in groups]
            values += [figures.supported, figures.supported_female]
        return values

    def iterate_rows(self):
        for index, row in enumerate(self.summary.grassroots, 1):
            yield [index, row.name, *self._values(row.figures)]

    def total_row(self):
        return [None, "Tổng cộng", *self._values(self.summary.total)]


class ResourceExporter(ListExporter):
    """ "Nguồn lực": approved models and their planned budget per grassroots union, and the
    money mobilised (accepted final reports) by each of the guideline's four sources."""

    sheet_title = "Nguồn lực"
    KEYS = ("approved", "planned_budget", "mobilised")

    def _cols(self):
        return [c for c in self.summary.columns if c.key in self.KEYS]

    def _by_source(self) -> bool:
        return self.summary.total.mobilised is not None

    def columns(self):
        figures = [Col(c.doc_label, 18, "number") for c in self._cols()]
        if self._by_source():
            figures += [Col(f"{label} (đồng)", 18, "number") for label in FUND_SOURCES.values()]
        return [Col("STT", 6, "number"), Col("Đoàn cơ sở", 32), *figures]

    def _values(self, figures: Figures) -> list:
        values = [getattr(figures, c.key) for c in self._cols()]
        if self._by_source():
            values += [figures.mobilised_by_source.get(source, 0) for source in FUND_SOURCES]
        return values

    def iterate_rows(self):
        for index, row in enumerate(self.summary.grassroots, 1):
            yield [index, row.name, *self._values(row.figures)]

    def total_row(self):
        return [None, "Tổng cộng", *self._values(self.summary.total)]


EXPORTERS = [SummaryExporter, ModelListExporter, TargetGroupExporter, ResourceExporter]

# --- The one writer ---------------------------------------------------------------------------

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")


def _cell(ws, value, col: Col | None = None, *, bold: bool = False):
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        if value.startswith(FORMULA_START):
            # openpyxl took it for a formula when assigned: force plain text.
            cell.data_type = "s"
        if col is not None and col.width >= 26:
            cell.alignment = _WRAP
    elif isinstance(value, date):
        cell.number_format = DATE
    elif isinstance(value, int | float) and not isinstance(value, bool):
        cell.number_format = NUMBER
    if bold:
        cell.font = _BOLD
    return cell


def _template(ws, col: Col):
    """One styled cell per column, refilled row after row: openpyxl writes a row as soon as it
    is appended, and styling a fresh cell for each value costs more than writing it."""
    if col.kind == "number":
        cell = WriteOnlyCell(ws)
        cell.number_format = NUMBER
        return cell
    if col.kind == "date":
        cell = WriteOnlyCell(ws)
        cell.number_format = DATE
        return cell
    if col.width >= 26:
        cell = WriteOnlyCell(ws)
        cell.alignment = _WRAP
        return cell
    return None


def _fill(ws, value, template):
    if value is None or value == "":
        return None  # nothing written at all
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return _cell(ws, value)  # rare: a cell of its own, forced to text
    if template is None:
        return value  # openpyxl's own reused cell, no style
    template.value = value
    return template


def write_sheet(wb: Workbook, exporter: ListExporter) -> None:
    ws = wb.create_sheet(exporter.sheet_title)
    columns = exporter.columns()
    # Write-only sheets take widths and panes before the first row.
    for index, col in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(index)].width = col.width
    titles = exporter.title_lines()
    header_row = len(titles) + 2
    ws.freeze_panes = f"A{header_row + 1}"
    for line_no, line in enumerate(titles):
        title = WriteOnlyCell(ws, value=line)
        title.font = _TITLE if line_no == 0 else _BOLD
        if line.startswith(FORMULA_START):
            title.data_type = "s"
        ws.append([title])
    ws.append([])
    header = []
    for col in columns:
        cell = WriteOnlyCell(ws, value=col.label)
        cell.font = _BOLD
        cell.alignment = _HEADER_ALIGN
        header.append(cell)
    ws.append(header)
    last = header_row
    templates = [_template(ws, col) for col in columns]
    for row in exporter.iterate_rows():
        ws.append([_fill(ws, value, t) for value, t in zip(row, templates, strict=True)])
        last += 1
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{max(last, header_row)}"
    total = exporter.total_row()
    if total is not None:
        ws.append([_cell(ws, v, c, bold=True) for v, c in zip(total, columns, strict=True)])


def write_workbook(exporters: Iterable[ListExporter], stream: IO[bytes]) -> None:
    """Stream every exporter's sheet into one workbook written to ``stream``."""
    wb = Workbook(write_only=True)
    for exporter in exporters:
        write_sheet(wb, exporter)
    wb.save(stream)


def summary_workbook(summary: Summary, stream: IO[bytes]) -> None:
    write_workbook([exporter(summary) for exporter in EXPORTERS], stream)
