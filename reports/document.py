"""The fixed parts of the official summary report (Hướng dẫn 29-HD/TWĐTN-VP) and file names.

The report is an official document of the union and is always written in Vietnamese, whatever
language the reader's screen uses: its wording here is the format's own, not interface text.
"""

import re
from dataclasses import dataclass
from datetime import date

from unidecode import unidecode

from doanthanhnien.models import Unit

from .models import ReportNumber, ReportSettings
from .selectors import Span

# "Huyện đoàn Hương Khê" → "Hương Khê": the place name a date line and a file name use.
_PREFIXES = (
    "Tỉnh đoàn",
    "Thành đoàn",
    "Thị đoàn",
    "Huyện đoàn",
    "Quận đoàn",
    "Đoàn thị trấn",
    "Đoàn phường",
    "Đoàn xã",
    "Đoàn",
)


def place_name(unit: Unit) -> str:
    for prefix in _PREFIXES:
        if unit.name.lower().startswith(prefix.lower() + " "):
            return unit.name[len(prefix) :].strip()
    return unit.name


def file_name(unit: Unit, span: Span, extension: str) -> str:
    """A name a person keeps: "Bao-cao-Huong-Khe-2022.pdf"."""
    words = re.findall(r"[A-Za-z0-9]+", unidecode(place_name(unit)))
    return f"Bao-cao-{'-'.join(words) or unit.code}-{span.slug}.{extension}"


@dataclass
class Heading:
    upper_body: str
    issuing_body: str
    number: str  # "Số: 12-BC/HĐTN" or "Số:      -BC/HĐTN" for hand numbering
    place_and_date: str
    title: str
    summary_line: str
    signer_lines: list[str]
    signer_name: str
    recipients: list[str]


def date_line(place: str, day: date) -> str:
    # Day and month padded ("ngày 05 tháng 01"), as the format asks.
    return f"{place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def heading(*, unit: Unit, span: Span, issued_on: date, entry: ReportNumber | None) -> Heading:
    """Parts 1–5, 7 and 8 of the report for ``unit`` (one query for its settings)."""
    conf = ReportSettings.objects.filter(unit=unit).select_related("unit__parent").first()
    conf = conf or ReportSettings(unit=unit)
    parent = unit.parent
    upper = conf.upper_body or (f"BCH {parent.name.upper()}" if parent else "")
    issuing = conf.issuing_body or f"BCH {unit.name.upper()}"
    symbol = unit.doc_symbol or "ĐTN"
    number = f"Số: {entry.number}-BC/{symbol}" if entry else f"Số:{' ' * 8}-BC/{symbol}"
    what = f"năm {span.first}" if span.is_year else f"giai đoạn {span.first} – {span.last}"
    signer = [line.strip() for line in unit.signer_title.splitlines() if line.strip()]
    recipients = [line.strip(" -;.") for line in conf.recipients.splitlines() if line.strip()]
    if not recipients:
        recipients = [f"{parent.name} (để báo cáo)"] if parent else []
        recipients.append(f"Thường trực {unit.name}")
    recipients = [r for r in recipients if r.lower() != "lưu vp"]
    return Heading(
        upper_body=upper,
        issuing_body=issuing,
        number=number,
        place_and_date=date_line(conf.place or place_name(unit), issued_on),
        title="BÁO CÁO",
        summary_line=(
            "Kết quả thực hiện mô hình, giải pháp hỗ trợ thanh thiếu niên yếu thế " + what
        ),
        signer_lines=signer or ["TM. BAN THƯỜNG VỤ", "BÍ THƯ"],
        signer_name=conf.signer_name,
        recipients=[f"- {r};" for r in recipients] + ["- Lưu VP."],
    )


def vn_number(value: int | float, decimals: int = 0) -> str:
    """1234567 → "1.234.567"; 71.43 with one decimal → "71,4" (the document's own format)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


@dataclass
class Narrative:
    scope: str
    models: str
    youth: str
    kpi: str
    results: str = ""  # result reports and recognitions, once they exist


def narrative(s) -> Narrative:
    """The totals written out in sentences, from the same summary the tables show."""
    when = f"Năm {s.span.first}" if s.span.is_year else f"Giai đoạn {s.span.first} – {s.span.last}"
    t = s.total
    each_year = "" if s.span.is_year else " trong tất cả các năm của giai đoạn"
    target = f" (chỉ tiêu {s.target_share}%)" if s.target_share is not None else ""
    scope = (
        f"{when}, {s.root.name} có {vn_number(t.grassroots)} Đoàn cơ sở (xã, phường, thị trấn) "
        f"thuộc diện đăng ký mô hình, giải pháp hỗ trợ thanh thiếu niên yếu thế; "
        f"{vn_number(t.grassroots_done)} Đoàn cơ sở có mô hình được duyệt{each_year}, "
        f"đạt {vn_number(t.share, 1)}%{target}."
    )
    models = (
        f"Tổng số mô hình, giải pháp đã đăng ký: {vn_number(t.registered)}; đã gửi duyệt: "
        f"{vn_number(t.submitted)}; đã được duyệt: {vn_number(t.approved)}; đang chờ duyệt: "
        f"{vn_number(t.awaiting)}; nộp muộn: {vn_number(t.late)}."
    )
    youth = (
        "Tổng số thanh thiếu niên yếu thế dự kiến hỗ trợ theo các mô hình đã duyệt: "
        f"{vn_number(t.planned_youth)} người; kinh phí dự kiến: "
        f"{vn_number(t.planned_budget)} đồng."
    )
    results = ""
    if t.reported is not None:
        results = (
            f"Số mô hình, giải pháp đã báo cáo kết quả (báo cáo tổng kết được tiếp nhận): "
            f"{vn_number(t.reported)}; được công nhận: {vn_number(t.recognised)}. "
            f"Tổng số thanh thiếu niên yếu thế đã được hỗ trợ: {vn_number(t.supported)} người, "
            f"trong đó nữ: {vn_number(t.supported_female)} người; nguồn lực huy động: "
            f"{vn_number(t.mobilised)} đồng."
        )
    if s.target_share is None:
        kpi = f"{when} không thuộc giai đoạn thực hiện chương trình nên không tính chỉ tiêu."
    elif s.reached:
        kpi = f"{s.root.name} đạt chỉ tiêu {s.target_share}% Đoàn cơ sở có mô hình được duyệt."
    else:
        missing = t.grassroots - t.grassroots_done
        kpi = (
            f"{s.root.name} chưa đạt chỉ tiêu {s.target_share}% Đoàn cơ sở có mô hình được "
            f"duyệt; còn {vn_number(missing)} Đoàn cơ sở chưa có mô hình được duyệt, cần tiếp "
            "tục đôn đốc, hướng dẫn."
        )
    return Narrative(scope=scope, models=models, youth=youth, kpi=kpi, results=results)
