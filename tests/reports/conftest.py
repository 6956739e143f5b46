"""A small programme whose totals were computed by hand (year 2022, period 2020–2022).

On the cast's tree (tests/conftest.py)::

    commune A  Hương Trà     model A1 approved   cat 1  group 1: 5, group 3: 4   3.000.000 đ
                             model A2 submitted  cat 3  group 1: 2  (late)       1.000.000 đ
                             (named "=SUM(A1:A9)", which must stay text in the workbook)
    commune B  Hương Trạch   model B1 draft      cat 2  group 2: 7               2.000.000 đ
    commune C  Thạch Hà      model C1 approved   cat 4  group 4: 6               4.000.000 đ

Result reports and recognitions (2022)::

    A1  interim  accepted  group 1: 3 (1 female)        union 1.000.000       not counted
        final    accepted  group 1: 6 (2), group 3: 4 (3)  union 2.000.000, state 1.500.000,
                           sponsors 5.000.000, people 500.000 = 9.000.000 đ
        recognised for 2022, in force, QĐ "15-QĐ/HĐTN" of 10/01/2023
    A2  recognised for 2022 but revoked                                       not counted
    C1  final    returned  group 4: 6 (3)  union 4.000.000                    not counted
        not recognised, in force                                              not counted

So district 444 and province 42 alike: reported 1, recognised 1, youth supported 10 (group 1:
6, group 3: 4), of whom female 5 (2 + 3), mobilised 9.000.000 đ (Hương Trà; Hương Trạch and
Thạch Hà 0).

District 444 (Hương Khê): 2 grassroots unions, 1 meets the target (50,0 %); registered 3,
submitted 2, approved 1, awaiting 1, late 1; youth planned 9 (approved only: 5 + 4), planned
budget 3.000.000 đ. Province 42: 3 unions, 2 meet it (66,7 %); registered 4, submitted 3,
approved 2, awaiting 1, late 1; youth planned 15; budget 7.000.000 đ.
"""

from datetime import date

import pytest

from models_registry.models import Recognition
from reports.models import ReportSettings
from tests.factories import (
    ModelCategoryFactory,
    PeriodFactory,
    PeriodYearFactory,
    RegistrationFactory,
    ResultReportFactory,
    SupportModelFactory,
    TargetGroupFactory,
)

FORMULA_NAME = "=SUM(A1:A9)"


@pytest.fixture
def groups(db):
    return {code: TargetGroupFactory(code=code) for code in range(1, 8)}


@pytest.fixture
def categories(db):
    return {code: ModelCategoryFactory(code=code) for code in range(1, 5)}


@pytest.fixture
def year_2022(db):
    period = PeriodFactory(start_year=2020, end_year=2022)
    for year in (2020, 2021):
        PeriodYearFactory(period=period, year=year)
    return PeriodYearFactory(period=period, year=2022)


def _register(unit, name, category, status, targets, budget, *, period_year, late=False):
    model = SupportModelFactory(
        unit=unit, name=name, category=category, target_groups=list(targets)
    )
    return RegistrationFactory(
        support_model=model,
        period_year=period_year,
        status=status,
        targets=targets,
        planned_budget=budget,
        is_late=late,
    )


@pytest.fixture
def programme(tree, groups, categories, year_2022):
    district = tree["district"]
    district.doc_symbol = "HĐTN"
    district.signer_title = "TM. BAN THƯỜNG VỤ HUYỆN ĐOÀN\nBÍ THƯ"
    district.save()
    ReportSettings.objects.create(unit=district, signer_name="Nguyễn Văn An")
    g, c = groups, categories
    py = year_2022
    registrations = {
        "a1": _register(
            tree["commune_a"],
            "Mô hình hỗ trợ thanh thiếu niên yếu thế khuyết tật",
            c[1],
            "approved",
            {g[1]: 5, g[3]: 4},
            3_000_000,
            period_year=py,
        ),
        "a2": _register(
            tree["commune_a"],
            FORMULA_NAME,
            c[3],
            "submitted",
            {g[1]: 2},
            1_000_000,
            period_year=py,
            late=True,
        ),
        "b1": _register(
            tree["commune_b"],
            "Câu lạc bộ sẻ chia",
            c[2],
            "draft",
            {g[2]: 7},
            2_000_000,
            period_year=py,
        ),
        "c1": _register(
            tree["commune_c"],
            "Vốn khởi nghiệp",
            c[4],
            "approved",
            {g[4]: 6},
            4_000_000,
            period_year=py,
        ),
    }
    _results(registrations, g)
    return registrations


RECOGNITION_NUMBER = "15-QĐ/HĐTN"
REVOKED_NUMBER = "9-QĐ/HĐTN"
REFUSED_NUMBER = "16-QĐ/HĐTN"


def make_recognition(registration, decision, number, *, status="in_force"):
    met = decision == "recognised"
    return Recognition.objects.create(
        support_model=registration.support_model,
        unit=registration.unit,
        period=registration.period_year.period,
        year=registration.year,
        decision=decision,
        reason="" if met else "Chưa có báo cáo tổng kết được tiếp nhận.",
        decision_number=number,
        decision_date=date(2023, 1, 10),
        maintained_met=met,
        plan_met=met,
        report_met=met,
        status=status,
    )


def _results(registrations, g):
    a1, a2, c1 = registrations["a1"], registrations["a2"], registrations["c1"]
    ResultReportFactory(
        registration=a1,
        kind="interim",
        status="accepted",
        targets={g[1]: (3, 1)},
        funds_union=1_000_000,
        funds_sponsors=0,
    )
    ResultReportFactory(
        registration=a1,
        kind="final",
        status="accepted",
        targets={g[1]: (6, 2), g[3]: (4, 3)},
        funds_union=2_000_000,
        funds_state=1_500_000,
        funds_sponsors=5_000_000,
        funds_people=500_000,
    )
    ResultReportFactory(
        registration=c1,
        kind="final",
        status="returned",
        targets={g[4]: (6, 3)},
        funds_union=4_000_000,
        funds_sponsors=0,
    )
    make_recognition(a1, "recognised", RECOGNITION_NUMBER)
    make_recognition(a2, "recognised", REVOKED_NUMBER, status="revoked")
    make_recognition(c1, "not_recognised", REFUSED_NUMBER)
