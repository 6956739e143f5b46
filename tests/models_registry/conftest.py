"""Registry fixtures on top of the cast in tests/conftest.py.

One open programme year (2022, period 2020–2022, deadline still ahead) and one support model
per commune: ``model_a`` in commune A (Hương Trà), ``model_b`` in its sibling commune B
(Hương Trạch), ``model_c`` in commune C of the other district (Thạch Hà).
"""

import pytest
from django.utils import translation

from tests.factories import (
    ModelCategoryFactory,
    PeriodFactory,
    PeriodYearFactory,
    RegistrationFactory,
    SupportModelFactory,
    TargetGroupFactory,
)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    # Uploads of a test land in its own directory, so a test can see exactly what was stored.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def mailoutbox(db, mailoutbox):
    # Django's test case replaces ``mail.outbox`` when the database fixture starts: asked for
    # before it, pytest-django's outbox would be a list nothing is ever sent to.
    return mailoutbox


@pytest.fixture
def media_files(settings):
    """Every file stored under MEDIA_ROOT, as paths relative to it."""

    def files():
        root = settings.MEDIA_ROOT
        if not root.exists():
            return []
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    return files


@pytest.fixture
def english():
    """Compare messages with their English source strings, whatever the catalogue says."""
    with translation.override("en"):
        yield


@pytest.fixture
def period(db):
    return PeriodFactory(name="Giai đoạn 2020–2022", start_year=2020, end_year=2022)


@pytest.fixture
def period_year(period):
    return PeriodYearFactory(period=period, year=2022)


@pytest.fixture
def group_disabled(db):
    return TargetGroupFactory(code=1)


@pytest.fixture
def group_poor(db):
    return TargetGroupFactory(code=3)


@pytest.fixture
def model_a(commune_a, group_disabled):
    return SupportModelFactory(
        unit=commune_a,
        name="Tủ sách đồng hành cùng thanh niên khuyết tật",
        category=ModelCategoryFactory(code=1),
        target_groups=[group_disabled],
    )


@pytest.fixture
def model_b(commune_b, group_poor):
    return SupportModelFactory(
        unit=commune_b,
        name="Thắp sáng đường quê cho hộ nghèo",
        category=ModelCategoryFactory(code=4),
        target_groups=[group_poor],
    )


@pytest.fixture
def model_c(commune_c, group_disabled):
    return SupportModelFactory(
        unit=commune_c,
        name="Câu lạc bộ thể thao cho thanh niên khuyết tật",
        category=ModelCategoryFactory(code=2),
        target_groups=[group_disabled],
    )


@pytest.fixture
def registration_a(model_a, period_year):
    """Commune A's complete draft for 2022."""
    return RegistrationFactory(support_model=model_a, period_year=period_year)


@pytest.fixture
def make_registration(period_year):
    """Build a registration for 2022 (or another ``period_year``) of a model, in a state."""

    def make(model, status="draft", **kwargs):
        kwargs.setdefault("period_year", period_year)
        return RegistrationFactory(support_model=model, status=status, **kwargs)

    return make
