"""The summary workbook: exporters yield a header and rows; one writer streams them.

As in pretix's ``ListExporter``: an exporter knows its sheet's title and columns and yields
plain rows; ``write_workbook`` streams every exporter's rows through the one writer
(``sheetwriter.StreamingWorkbook``) into the zip as they come, so a national workbook never sits
in memory. Every text is written as text, never as a formula. The
workbook is always in Vietnamese: it is the union's official summary, like the PDF.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO

from .document import vn_number
from .selectors import FUND_SOURCES, Figures, Summary, model_rows
from .sheetwriter import DATE, NUMBER, ColumnStyles, StreamingWorkbook, Style


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

_TITLE = Style(bold=True, size=13)
_BOLD = Style(bold=True)
_HEADER = Style(bold=True, wrap=True, center=True)
_WIDE = 26  # columns at least this wide hold sentences: wrap them


def _column_styles(book: StreamingWorkbook, col: Col, *, bold: bool = False) -> ColumnStyles:
    """The style indexes of one column for a text, a number and a date."""
    text = (
        book.style(Style(bold=bold, wrap=col.width >= _WIDE))
        if bold or col.width >= _WIDE
        else None
    )
    number = book.style(Style(bold=bold, number_format=NUMBER))
    day = book.style(Style(bold=bold, number_format=DATE))
    return (text, number, day)


def _height(columns: list[Col]) -> float:
    """The header row's height in points: enough lines for the longest label at its width (a
    column of width w holds about w characters of the bold 11 pt font per line)."""
    lines = max((math.ceil(len(c.label) * 1.15 / max(c.width - 1, 1)) for c in columns), default=1)
    return 15 * max(lines, 1) + 3


def write_sheet(book: StreamingWorkbook, exporter: ListExporter) -> None:
    columns = exporter.columns()
    titles = exporter.title_lines()
    header_row = len(titles) + 2
    sheet = book.add_sheet(exporter.sheet_title, [c.width for c in columns], freeze=header_row)
    title, bold = book.style(_TITLE), book.style(_BOLD)
    for line_no, line in enumerate(titles):
        sheet.append([line], [(title if line_no == 0 else bold, None, None)])
    sheet.append([])
    header = book.style(_HEADER)
    sheet.append(
        [c.label for c in columns], [(header, None, None)] * len(columns), height=_height(columns)
    )
    styles = [_column_styles(book, c) for c in columns]
    last = header_row
    for row in exporter.iterate_rows():
        last = sheet.append(row, styles)
    sheet.auto_filter(header_row, last)
    total = exporter.total_row()
    if total is not None:
        sheet.append(total, [_column_styles(book, c, bold=True) for c in columns])


def write_workbook(
    exporters: Iterable[ListExporter], stream: IO[bytes], *, title: str = ""
) -> None:
    """Stream every exporter's sheet into one workbook written to ``stream``."""
    book = StreamingWorkbook(stream, title=title, creator="Đoàn TNCS Hồ Chí Minh")
    for exporter in exporters:
        write_sheet(book, exporter)
    book.close()


def summary_workbook(summary: Summary, stream: IO[bytes]) -> None:
    what = (
        f"năm {summary.span.first}" if summary.span.is_year else f"giai đoạn {summary.span.label}"
    )
    write_workbook(
        [exporter(summary) for exporter in EXPORTERS],
        stream,
        title=f"Tổng hợp mô hình hỗ trợ thanh thiếu niên yếu thế — {summary.root.name}, {what}",
    )
