"""The programme year a page opens on, carrying a model over, reference and demo data."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from doanthanhnien.models import Unit, User
from models_registry.models import (
    ModelCategory,
    ModelStep,
    Period,
    PeriodYear,
    Registration,
    RegistrationTarget,
    SupportModel,
    TargetGroup,
    WorkflowTransition,
)
from models_registry.selectors import (
    completeness,
    default_period_year,
    programme_years,
    resolve_period_year,
)
from models_registry.services import RegistrationError, registration_carry_over
from tests.factories import (
    PeriodFactory,
    PeriodYearFactory,
    RegistrationFactory,
    TargetGroupFactory,
    UnitFactory,
    UserFactory,
)

S = Registration.Status
THIS_YEAR = timezone.localdate().year


def period_with_years(start, end, *, is_open=True):
    period = PeriodFactory(start_year=start, end_year=end, is_open=is_open)
    for year in range(start, end + 1):
        PeriodYearFactory(period=period, year=year)
    return period


def secretary_of(parent, *, valid_from=datetime.date(2020, 1, 1), valid_to=None):
    unit = UnitFactory(parent=parent, valid_from=valid_from, valid_to=valid_to)
    return UserFactory(role=User.Role.SECRETARY, unit=unit)


def default_year(user):
    chosen = default_period_year(user=user, years=programme_years(user=user))
    return chosen.year if chosen else None


# --- The default programme year ----------------------------------------------------------------


def test_a_unit_retired_in_2025_opens_on_its_last_open_year(district):
    user = secretary_of(district, valid_to=datetime.date(2025, 6, 30))
    period_with_years(2020, 2022)

    assert default_year(user) == 2022


def test_when_that_period_closes_the_next_open_period_covering_the_unit_wins(district):
    user = secretary_of(district, valid_to=datetime.date(2025, 6, 30))
    period_with_years(2020, 2022, is_open=False)
    period_with_years(2023, 2025)

    assert default_year(user) == 2025


def test_years_after_the_unit_was_retired_are_not_offered(district):
    user = secretary_of(district, valid_to=datetime.date(2025, 6, 30))
    period_with_years(2020, 2022, is_open=False)
    period_with_years(2023, 2025, is_open=False)
    period_with_years(2026, 2030)

    assert [y.year for y in programme_years(user=user)] == [2025, 2024, 2023, 2022, 2021, 2020]
    # Nothing open any more: the latest year it took part in, read-only.
    assert default_year(user) == 2025


def test_a_unit_formed_in_july_2025_starts_in_2025(province):
    user = secretary_of(province, valid_from=datetime.date(2025, 7, 1))
    period_with_years(2020, 2022)
    period_with_years(2023, 2025)

    assert [y.year for y in programme_years(user=user)] == [2025]
    assert default_year(user) == 2025


def test_it_is_never_simply_the_calendar_year(district):
    user = secretary_of(district)
    period_with_years(2020, 2022)  # the only period; the calendar is well past it

    assert THIS_YEAR > 2022
    assert default_year(user) == 2022


def test_within_an_open_period_it_is_the_current_year_not_a_future_one(district):
    user = secretary_of(district)
    period_with_years(THIS_YEAR - 1, THIS_YEAR + 2)

    assert default_year(user) == THIS_YEAR


def test_only_future_open_years_give_the_first_of_them(district):
    # A period prepared in advance: work starts on its first year, not its last.
    user = secretary_of(district)
    period_with_years(2020, 2022, is_open=False)
    period_with_years(THIS_YEAR + 1, THIS_YEAR + 3)

    assert default_year(user) == THIS_YEAR + 1


def test_no_programme_year_at_all_gives_none(district):
    assert default_year(secretary_of(district)) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2021", 2021), ("", 2022), ("abc", 2022), ("1999", 2022), (None, 2022)],
)
def test_an_explicit_year_wins_when_it_exists(district, value, expected):
    user = secretary_of(district)
    period_with_years(2020, 2022)

    period_year, years = resolve_period_year(user=user, value=value)

    assert period_year.year == expected
    assert [y.year for y in years] == [2022, 2021, 2020]


def test_the_pages_open_on_the_default_year(client, secretary_a, officer):
    period_with_years(2020, 2022, is_open=False)
    period_with_years(2023, 2025)

    client.force_login(secretary_a)
    assert client.get(reverse("registry:my-unit")).context["period_year"].year == 2025
    client.force_login(officer)
    assert client.get(reverse("registry:completeness")).context["period_year"].year == 2025
    assert client.get(reverse("registry:review-queue")).context["filters"].year == 2025


# --- Carrying over -----------------------------------------------------------------------------


@pytest.fixture
def approved_2022(model_a, period_year, group_disabled, group_poor):
    model_a.target_groups.add(group_poor)
    return RegistrationFactory(
        support_model=model_a,
        period_year=period_year,
        status=S.APPROVED,
        planned_budget=7_000_000,
        budget_sources="Quỹ Đoàn xã",
        targets={group_disabled: 4, group_poor: 9},
    )


def test_carry_over_creates_a_prefilled_draft_for_the_next_open_year(
    secretary_a, approved_2022, period
):
    period.is_open = False
    period.save()
    next_period = period_with_years(2023, 2025)

    new = registration_carry_over(actor=secretary_a, registration=approved_2022)

    new.refresh_from_db()
    assert (new.year, new.period_year.period, new.status) == (2023, next_period, S.DRAFT)
    assert new.support_model == approved_2022.support_model
    assert new.unit == approved_2022.unit
    assert new.carried_over_from == approved_2022
    assert new.expected_results == approved_2022.expected_results
    assert (new.planned_budget, new.budget_sources) == (7_000_000, "Quỹ Đoàn xã")
    assert dict(new.targets.values_list("target_group__code", "planned_count")) == {1: 4, 3: 9}
    assert not new.plan_document  # each year's plan is uploaded anew
    assert new.created_by == secretary_a
    assert new.transitions.count() == 0
    approved_2022.refresh_from_db()
    assert approved_2022.status == S.APPROVED


def test_carry_over_skips_years_of_a_closed_period(secretary_a, approved_2022):
    period_with_years(2023, 2025, is_open=False)
    period_with_years(2026, 2030)

    assert registration_carry_over(actor=secretary_a, registration=approved_2022).year == 2026


def test_carry_over_needs_an_open_year_after(secretary_a, approved_2022):
    period_with_years(2023, 2025, is_open=False)

    with pytest.raises(RegistrationError):
        registration_carry_over(actor=secretary_a, registration=approved_2022)
    assert Registration.objects.count() == 1


def test_carry_over_does_not_register_a_year_twice(secretary_a, approved_2022):
    period_with_years(2023, 2025)
    registration_carry_over(actor=secretary_a, registration=approved_2022)

    with pytest.raises(RegistrationError):
        registration_carry_over(actor=secretary_a, registration=approved_2022)
    assert Registration.objects.filter(year=2023).count() == 1


@pytest.mark.parametrize("who", ["secretary_b", "officer", "provincial_viewer"])
def test_only_the_unit_carries_over(request, approved_2022, who):
    period_with_years(2023, 2025)

    with pytest.raises(PermissionDenied):
        registration_carry_over(actor=request.getfixturevalue(who), registration=approved_2022)
    assert Registration.objects.count() == 1


def test_the_carry_over_button_opens_the_new_draft(client, secretary_a, approved_2022):
    period_with_years(2023, 2025)
    client.force_login(secretary_a)

    detail = client.get(reverse("registry:registration-detail", args=[approved_2022.pk]))
    response = client.post(reverse("registry:registration-carry-over", args=[approved_2022.pk]))

    assert "carry_over" in detail.context["actions"]
    new = Registration.objects.get(year=2023)
    assert response.url == reverse("registry:registration-edit", args=[new.pk])


# --- Reference data ----------------------------------------------------------------------------


def test_the_migration_seeds_the_seven_target_groups_and_four_categories(db):
    assert list(TargetGroup.objects.values_list("code", flat=True)) == [1, 2, 3, 4, 5, 6, 7]
    assert TargetGroup.objects.get(code=1).name == "Thanh thiếu niên khuyết tật"
    assert TargetGroup.objects.get(code=7).name == "Thanh niên hoàn lương"
    assert all(g.short_name for g in TargetGroup.objects.all())
    assert list(ModelCategory.objects.values_list("code", flat=True)) == [1, 2, 3, 4]
    assert "sức khỏe" in ModelCategory.objects.get(code=1).name
    assert all(c.examples for c in ModelCategory.objects.all())


def test_the_factories_reuse_the_seeded_reference_data(db):
    assert TargetGroupFactory(code=3).name.startswith("Thanh thiếu niên nghèo")
    assert TargetGroup.objects.count() == 7


# --- Demo data ---------------------------------------------------------------------------------


def seed():
    call_command("seed_demo", force=True, stdout=io.StringIO())


def counts(settings):
    media = settings.MEDIA_ROOT
    return {
        "units": Unit.objects.count(),
        "users": User.objects.count(),
        "periods": Period.objects.count(),
        "years": PeriodYear.objects.count(),
        "models": SupportModel.objects.count(),
        "steps": ModelStep.objects.count(),
        "registrations": Registration.objects.count(),
        "targets": RegistrationTarget.objects.count(),
        "transitions": WorkflowTransition.objects.count(),
        "statuses": sorted(Registration.objects.values_list("pk", "status")),
        "files": sorted(p.name for p in media.rglob("*")) if media.exists() else [],
    }


def test_seed_demo_creates_the_period_and_a_mix_of_states(db):
    seed()

    period = Period.objects.get(name="Giai đoạn 2020–2022")
    assert list(period.years.order_by("year").values_list("year", flat=True)) == [2020, 2021, 2022]
    huong_khe = Unit.objects.filter(code="444").order_by("valid_from").first()
    units = huong_khe.children.filter(kind__in=Unit.GRASSROOTS_KINDS)
    in_2022 = Registration.objects.filter(year=2022, unit__in=units)
    assert set(in_2022.values_list("status", flat=True)) >= {
        S.DRAFT,
        S.SUBMITTED,
        S.RETURNED,
        S.APPROVED,
    }
    without = units.exclude(registrations__year=2022)
    assert without.count() >= 2
    assert without.filter(code="18550").exists()  # the demo secretary's union, left to do
    # Returned ones carry the reason, and every decision has its history.
    assert all(r.last_reason for r in in_2022.filter(status=S.RETURNED))
    for registration in in_2022.exclude(status=S.DRAFT):
        assert registration.transitions.filter(to_status=S.SUBMITTED).exists()


def test_the_demo_officer_sees_gaps_first(db):
    seed()
    officer = User.objects.get(username="demo_huyen")
    period_year = PeriodYear.objects.get(year=2022)

    stats = completeness(user=officer, period_year=period_year)

    assert stats.total > 10
    assert stats.rows[0].total == 0
    assert 0 < stats.done < stats.total


def test_seed_demo_twice_changes_nothing(db, settings):
    seed()
    before = counts(settings)

    seed()

    assert counts(settings) == before
