"""A small programme whose totals were computed by hand (year 2022, period 2020–2022).

On the cast's tree (tests/conftest.py)::

    commune A  Hương Trà     model A1 approved   cat 1  group 1: 5, group 3: 4   3.000.000 đ
                             model A2 submitted  cat 3  group 1: 2  (late)       1.000.000 đ
                             (named "=SUM(A1:A9)", which must stay text in the workbook)
    commune B  Hương Trạch   model B1 draft      cat 2  group 2: 7               2.000.000 đ
    commune C  Thạch Hà      model C1 approved   cat 4  group 4: 6               4.000.000 đ

District 444 (Hương Khê): 2 grassroots unions, 1 meets the target (50,0 %); registered 3,
submitted 2, approved 1, awaiting 1, late 1; youth planned 9 (approved only: 5 + 4), planned
budget 3.000.000 đ. Province 42: 3 unions, 2 meet it (66,7 %); registered 4, submitted 3,
approved 2, awaiting 1, late 1; youth planned 15; budget 7.000.000 đ.
"""

import pytest

from reports.models import ReportSettings
from tests.factories import (
    ModelCategoryFactory,
    PeriodFactory,
    PeriodYearFactory,
    RegistrationFactory,
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
    return {
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
