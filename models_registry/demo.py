"""Deterministic demo data for the programme: the 2020–2022 period in Huyện đoàn Hương Khê.

Mixed states on purpose — approved, awaiting review, returned, drafts, and unions with nothing —
so that the review queue and the completeness page have something to show.
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
    RegistrationTransition,
    SupportModel,
    TargetGroup,
)
from .reference import load_reference_data

S = Registration.Status
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


def seed_programme(*, stdout) -> None:
    # The data migration loads these; a flushed test database may have lost them.
    load_reference_data(TargetGroup, ModelCategory)
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
    with open(SAMPLE, encoding="utf-8") as handle:
        samples = list(csv.DictReader(handle))
    groups = {g.code: g for g in TargetGroup.objects.all()}
    categories = {c.code: c for c in ModelCategory.objects.all()}

    created = 0
    for index, unit in enumerate(units):
        sample = samples[index % len(samples)]
        secretary = User.objects.filter(unit=unit, role=User.Role.SECRETARY).first()
        model, new = SupportModel.objects.get_or_create(
            unit=unit,
            name=sample["name"],
            defaults={
                "category": categories[int(sample["category"])],
                "description": sample["description"],
                "area": f"Các thôn của {unit.name.replace('Đoàn ', '')}",
                "implementers": f"Ban Chấp hành {unit.name}; Bí thư chi đoàn các thôn",
                "partners": sample["typical_partners"].replace(" huyện", " huyện Hương Khê"),
                "start_date": date(2020, 4, 1),
                "created_by": secretary,
            },
        )
        if new:
            model.target_groups.set(
                [groups[int(code)] for code in sample["target_groups"].split(";")]
            )
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
    stdout.write(f"Demo programme: {period.name}, {created} registrations added.")


def _registration(model, period_year, state, secretary, officer, index):
    year = period_year.year
    submitted = date(year, 3, 10 + index % 15) if state != S.DRAFT else None
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
        is_late=False,
        created_by=secretary,
    )
    if state == S.RETURNED:
        registration.last_reason = (
            "Chưa nêu rõ người phụ trách và số lượng đối tượng thụ hưởng theo từng nhóm; "
            "đề nghị bổ sung kế hoạch triển khai."
        )
    if state in (S.APPROVED, S.RETURNED):
        registration.decided_at = _at(date(year, 4, 5))
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
    RegistrationTransition.objects.create(
        registration=registration, from_status=S.DRAFT, to_status=S.SUBMITTED, actor=secretary
    )
    if state in (S.APPROVED, S.RETURNED):
        RegistrationTransition.objects.create(
            registration=registration,
            from_status=S.SUBMITTED,
            to_status=state,
            actor=officer,
            comment=registration.last_reason,
        )
