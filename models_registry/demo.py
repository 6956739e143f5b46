"""Deterministic demo data for the programme, in both trees of unions.

- The 2020–2022 period in Huyện đoàn Hương Khê (the tree retired on 30/06/2025).
- The 2026–2027 period (2026 open) of a dozen communes of the post-2025 tree, which report
  straight to Tỉnh đoàn Hà Tĩnh: how the portal runs today.

Mixed states on purpose — approved, awaiting review, returned, drafts, late, and unions with
nothing — so that the review queue and the completeness page have something to show. Every
step is keyed on what it creates, so running it again adds nothing.
"""

import csv
from datetime import date, datetime, time
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from doanthanhnien.models import Unit, User
from doanthanhnien.selectors import unit_for_code

from .models import (
    ModelCategory,
    ModelStep,
    Period,
    PeriodYear,
    Registration,
    RegistrationTarget,
    ResultReport,
    ResultReportEvidence,
    ResultReportTarget,
    SupportModel,
    TargetGroup,
    WorkflowTransition,
)
from .reference import load_reference_data

S = Registration.Status
R = ResultReport.Status
SAMPLE = Path(settings.BASE_DIR) / "fixtures" / "sample-models.csv"

# For the 2022 programme year, one state per Hương Khê grassroots union in code order;
# None means the union has registered nothing (a gap for the completeness page).
STATES_2022 = [
    S.APPROVED, S.SUBMITTED, S.RETURNED, None, S.DRAFT, S.APPROVED, S.SUBMITTED,
    S.APPROVED, None, S.SUBMITTED, S.APPROVED, S.RETURNED, S.APPROVED, None,
    S.SUBMITTED, S.APPROVED, S.DRAFT, None, S.SUBMITTED, S.APPROVED, S.APPROVED,
]  # fmt: skip
# Hương Trà (demo_xa) has 2020–2021 history but nothing yet for 2022: the demo journey adds it.
DEMO_XA_CODE = "18550"
NEW_TREE_START = date(2025, 7, 1)

# The current period: one row per commune of the post-2025 tree: code, state (or LATE: submitted
# after the deadline), row of the sample models.
# Hương Đô (18550 again: it took over Hương Trà's area) is demo_xa_moi's: a draft to finish.
LATE = "late"
STATES_2026 = [
    ("18550", S.DRAFT, 12),  # Xã Hương Đô
    ("18496", S.APPROVED, 14),  # Xã Hương Khê
    ("18502", S.SUBMITTED, 20),  # Xã Hà Linh
    ("18532", S.RETURNED, 9),  # Xã Hương Phố
    ("18544", S.APPROVED, 18),  # Xã Hương Xuân
    ("18547", LATE, 3),  # Xã Phúc Trạch: submitted after the deadline
    ("18073", S.APPROVED, 13),  # Phường Thành Sen
    ("18100", S.SUBMITTED, 10),  # Phường Trần Phú
    ("18133", S.RETURNED, 15),  # Xã Hương Sơn
    ("18406", S.DRAFT, 16),  # Xã Can Lộc
    ("18394", S.APPROVED, 7),  # Xã Cổ Đạm
    ("18685", S.SUBMITTED, 1),  # Xã Cẩm Bình
]
RETURN_REASONS = [
    "Chưa nêu rõ người phụ trách và số lượng đối tượng thụ hưởng theo từng nhóm; "
    "đề nghị bổ sung kế hoạch triển khai.",
    "Kinh phí dự kiến chưa tách nguồn Đoàn và nguồn xã hội hóa; "
    "đề nghị ghi rõ đơn vị phối hợp sau khi sắp xếp địa bàn xã mới.",
]


def _pdf(title: str) -> bytes:
    text = title.encode("ascii", "ignore").decode() or "Ke hoach"
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
        b"4 0 obj<</Length " + str(len(stream)).encode() + b">>stream\n" + stream +
        b"\nendstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )  # fmt: skip


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def _sample_model(unit, sample, *, secretary, groups, categories, area, partners, start_date):
    """The union's support model built from one of the guideline's samples (created once; a
    second seed finds it). Returns (model, created)."""
    _straighten_renamed(unit, sample["name"])
    model, new = SupportModel.objects.get_or_create(
        unit=unit,
        name=sample["name"],
        defaults={
            "category": categories[int(sample["category"])],
            "description": sample["description"],
            "area": area,
            "implementers": f"Ban Chấp hành {unit.name}; Bí thư chi đoàn các thôn",
            "partners": partners,
            "start_date": start_date,
            "created_by": secretary,
        },
    )
    if new:
        model.target_groups.set([groups[int(code)] for code in sample["target_groups"].split(";")])
    return model, new


def _straighten_renamed(unit, name: str) -> None:
    """Demo databases seeded before the sample names took Vietnamese quotation marks hold
    'Câu lạc bộ "Thắp sáng niềm tin"': give that model its new name instead of a twin."""
    straight = name.replace("“", '"').replace("”", '"')
    if straight == name:
        return
    for model in SupportModel.objects.filter(unit=unit, name=straight):
        model.name = name
        model.save()


def _samples() -> list[dict]:
    with open(SAMPLE, encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def seed_programme(*, stdout) -> None:
    # The data migration loads these; a flushed test database may have lost them.
    load_reference_data(TargetGroup, ModelCategory)
    _seed_2020_2022(stdout=stdout)
    _seed_current(stdout=stdout)


def _seed_2020_2022(*, stdout) -> None:
    period, _ = Period.objects.get_or_create(
        name="Giai đoạn 2020–2022", defaults={"start_year": 2020, "end_year": 2022}
    )
    years = {}
    for year in (2020, 2021, 2022):
        years[year], _ = PeriodYear.objects.get_or_create(
            period=period,
            year=year,
            defaults={
                "registration_deadline": date(year, 3, 31),
                "report_deadline": date(year, 12, 15),
            },
        )
    district = unit_for_code("444", 2022)
    if district is None:
        return
    officer = User.objects.filter(username="demo_huyen").first()
    units = list(district.children.filter(kind__in=Unit.GRASSROOTS_KINDS).order_by("code"))
    samples = _samples()
    groups = {g.code: g for g in TargetGroup.objects.all()}
    categories = {c.code: c for c in ModelCategory.objects.all()}

    created = 0
    for index, unit in enumerate(units):
        sample = samples[index % len(samples)]
        secretary = User.objects.filter(unit=unit, role=User.Role.SECRETARY).first()
        model, new = _sample_model(
            unit,
            sample,
            secretary=secretary,
            groups=groups,
            categories=categories,
            area=f"Các thôn của {unit.name.replace('Đoàn ', '')}",
            partners=sample["typical_partners"].replace(" huyện", " huyện Hương Khê"),
            start_date=date(2020, 4, 1),
        )
        if new:
            ModelStep.objects.bulk_create(
                [
                    ModelStep(
                        support_model=model,
                        step=step,
                        done=step <= 6,
                        done_on=date(2020, 1 + step, 10) if step <= 6 else None,
                    )
                    for step in ModelStep.Step.values
                ]
            )
        plan_state = {2020: S.APPROVED, 2021: S.APPROVED}
        if unit.code != DEMO_XA_CODE:
            plan_state[2022] = STATES_2022[index % len(STATES_2022)]
        elif index % 2:
            plan_state.pop(2020)
        for year, state in plan_state.items():
            if state is None or model.registrations.filter(year=year).exists():
                continue
            created += 1
            _registration(model, years[year], state, secretary, officer, index)
    reports = _reports(officer)
    stdout.write(
        f"Demo programme: {period.name}, {created} registrations, {reports} result reports added."
    )


def _seed_current(*, stdout) -> None:
    """The 2026–2027 period on the post-2025 tree, reviewed by Tỉnh đoàn Hà Tĩnh."""
    period, _ = Period.objects.get_or_create(
        name="Giai đoạn 2026–2027", defaults={"start_year": 2026, "end_year": 2027}
    )
    years = {}
    for year in (2026, 2027):
        years[year], _ = PeriodYear.objects.get_or_create(
            period=period,
            year=year,
            defaults={
                "registration_deadline": date(year, 3, 31),
                "report_deadline": date(year, 12, 15),
            },
        )
    officer = User.objects.filter(username="demo_tinh_duyet").first()
    units = {
        u.code: u
        for u in Unit.objects.filter(
            code__in=[code for code, _, _ in STATES_2026], valid_from=NEW_TREE_START
        )
    }
    samples = _samples()
    groups = {g.code: g for g in TargetGroup.objects.all()}
    categories = {c.code: c for c in ModelCategory.objects.all()}
    created = 0
    for index, (code, state, sample_index) in enumerate(STATES_2026):
        unit = units.get(code)
        if unit is None:
            continue
        sample = samples[sample_index % len(samples)]
        secretary = User.objects.filter(unit=unit, role=User.Role.SECRETARY).first()
        model, new = _sample_model(
            unit,
            sample,
            secretary=secretary,
            groups=groups,
            categories=categories,
            area=f"Các thôn, tổ dân phố của {unit.name.replace('Đoàn ', '')}",
            partners=sample["typical_partners"].replace(" huyện", ""),
            start_date=date(2026, 1, 5 + index),
        )
        if new:
            done_steps = 6 if state == S.APPROVED else 5
            ModelStep.objects.bulk_create(
                [
                    ModelStep(
                        support_model=model,
                        step=step,
                        done=step <= done_steps,
                        done_on=date(2026, 1 + step // 3, 2 + 4 * step)
                        if step <= done_steps
                        else None,
                    )
                    for step in ModelStep.Step.values
                ]
            )
        if model.registrations.filter(year=2026).exists():
            continue
        late = state == LATE
        reason = RETURN_REASONS[index % len(RETURN_REASONS)]
        _registration(
            model,
            years[2026],
            S.SUBMITTED if late else state,
            secretary,
            officer,
            index,
            submitted_on=date(2026, 4, 21) if late else date(2026, 3, 2 + 2 * index),
            decided_on=date(2026, 4, 8 + index),
            late=late,
            reason=reason,
        )
        created += 1
    stdout.write(f"Demo programme: {period.name}, {created} registrations added.")


def _registration(
    model,
    period_year,
    state,
    secretary,
    officer,
    index,
    *,
    submitted_on=None,
    decided_on=None,
    late=False,
    reason=RETURN_REASONS[0],
):
    year = period_year.year
    submitted = (submitted_on or date(year, 3, 10 + index % 15)) if state != S.DRAFT else None
    decided = decided_on or date(year, 4, 5)
    registration = Registration(
        support_model=model,
        unit=model.unit,
        period_year=period_year,
        year=year,
        status=state,
        expected_results=(
            f"Hỗ trợ thường xuyên {8 + index % 7} thanh thiếu niên yếu thế trên địa bàn; "
            "duy trì sinh hoạt hằng tháng và đánh giá kết quả cuối năm."
        ),
        planned_budget=(5 + index % 6) * 1_000_000,
        budget_sources="Quỹ Đoàn xã; nguồn xã hội hóa",
        submitted_at=_at(submitted) if submitted else None,
        is_late=late,
        created_by=secretary,
    )
    if state == S.RETURNED:
        registration.last_reason = reason
    if state in (S.APPROVED, S.RETURNED):
        registration.decided_at = _at(decided)
    registration.plan_document.save(
        f"ke-hoach-{year}.pdf", ContentFile(_pdf(f"Ke hoach trien khai mo hinh {year}")), save=False
    )
    registration.plan_document_name = f"Kế hoạch triển khai mô hình năm {year}.pdf"
    registration.save()
    for group in model.target_groups.all():
        RegistrationTarget.objects.create(
            registration=registration,
            target_group=group,
            planned_count=3 + (index + group.code) % 9,
        )
    if state == S.DRAFT:
        return
    submit = registration.transitions.create(
        action="submit", from_status=S.DRAFT, to_status=S.SUBMITTED, actor=secretary
    )
    # The history shows when things happened in the demo's story, not when it was seeded.
    WorkflowTransition.objects.filter(pk=submit.pk).update(at=registration.submitted_at)
    if state in (S.APPROVED, S.RETURNED):
        decision = registration.transitions.create(
            action="approve" if state == S.APPROVED else "return",
            from_status=S.SUBMITTED,
            to_status=state,
            actor=officer,
            reason=registration.last_reason,
        )
        WorkflowTransition.objects.filter(pk=decision.pk).update(at=registration.decided_at)


# Final reports of the approved 2021 registrations, by position in code order: mostly accepted,
# some returned with a reason, one awaiting review. Interim reports for some of 2022's.
REPORTS_2021 = [R.ACCEPTED, R.ACCEPTED, R.RETURNED, R.ACCEPTED, R.SUBMITTED, R.ACCEPTED, R.RETURNED]
RETURN_REASON = (
    "Chưa nêu số thanh thiếu niên nữ được hỗ trợ theo từng nhóm đối tượng; "
    "đề nghị bổ sung ảnh hoặc biên bản sơ kết."
)


def _png() -> bytes:
    """A small real PNG (a green square), so the evidence view has a photo to show."""
    import struct
    import zlib

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    width = height = 16
    raw = b"".join(b"\x00" + b"\x2e\x8b\x57" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _reports(officer) -> int:
    """Result reports for the demo's approved registrations (idempotent)."""
    created = 0
    approved = (
        Registration.objects.filter(
            status=S.APPROVED, year__in=(2021, 2022), unit__parent__code="444"
        )
        .select_related("support_model", "unit", "period_year")
        .order_by("year", "unit__code")
    )
    for index, registration in enumerate(approved):
        if registration.year == 2021:
            kind, state = ResultReport.Kind.FINAL, REPORTS_2021[index % len(REPORTS_2021)]
        elif index % 3 == 0:
            kind, state = ResultReport.Kind.INTERIM, R.ACCEPTED
        else:
            continue  # 2022's final reports are still due: the home page lists them
        if registration.reports.filter(kind=kind).exists():
            continue
        created += 1
        _report(registration, kind, state, officer, index)
    return created


def _report(registration, kind, state, officer, index):
    year = registration.year
    secretary = User.objects.filter(unit=registration.unit, role=User.Role.SECRETARY).first()
    model = registration.support_model
    helped = 8 + index % 7
    report = ResultReport.objects.create(
        registration=registration,
        unit=registration.unit,
        year=year,
        kind=kind,
        status=state,
        unit_address=f"Trụ sở {registration.unit.name}, huyện Hương Khê, Hà Tĩnh",
        area=model.area,
        start_date=model.start_date,
        form_and_content=(
            "Sinh hoạt định kỳ hằng tháng; thăm hỏi, tặng quà các dịp lễ, Tết; "
            "phối hợp với trạm y tế và Hội Chữ thập đỏ xã."
        ),
        results=(
            f"Hỗ trợ thường xuyên {helped} thanh thiếu niên yếu thế; "
            f"{1 + index % 3} em tìm được việc làm ổn định; duy trì đều đặn cả năm."
        ),
        funds_union=(1 + index % 3) * 1_000_000,
        funds_state=0 if index % 2 else 2_000_000,
        funds_sponsors=(3 + index % 5) * 1_000_000,
        funds_people=500_000 * (index % 4),
        in_kind_note="Sách vở, xe đạp, gạo" if index % 2 else "",
        submitted_at=_at(date(year, 11, 20 + index % 8)),
        is_late=False,
        decided_at=_at(date(year, 12, 10)) if state in (R.ACCEPTED, R.RETURNED) else None,
        last_reason=RETURN_REASON if state == R.RETURNED else "",
        created_by=secretary,
    )
    for group in model.target_groups.all():
        total = 3 + (index + group.code) % 6
        ResultReportTarget.objects.create(
            report=report, target_group=group, total=total, female=total // 2
        )
    evidence = ResultReportEvidence(
        report=report,
        original_name="Ảnh buổi sinh hoạt.png",
        caption="Buổi sinh hoạt định kỳ của mô hình",
        # Consent recorded for some photos only: the library shows just those.
        publishable=state == R.ACCEPTED and index % 2 == 0,
        consent_confirmed=state == R.ACCEPTED and index % 2 == 0,
        uploaded_by=secretary,
    )
    evidence.file.save("anh.png", ContentFile(_png()), save=False)
    evidence.save()
    report.transitions.create(
        action="submit", from_status=R.DRAFT, to_status=R.SUBMITTED, actor=secretary,
        at=report.submitted_at,
    )  # fmt: skip
    if state in (R.ACCEPTED, R.RETURNED):
        report.transitions.create(
            action="accept" if state == R.ACCEPTED else "return",
            from_status=R.SUBMITTED,
            to_status=state,
            actor=officer,
            at=report.decided_at,
            reason=report.last_reason,
        )
