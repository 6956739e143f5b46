"""Issue 6 §6: carry-over only from an approved registration, reminders that reach the unions
that need them, and permission checked before state. Each test failed on the code before."""

import datetime

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from doanthanhnien.models import User
from models_registry import services
from models_registry.models import Registration, ReminderLog
from models_registry.selectors import grassroots_units, units_without_submission
from models_registry.services import (
    InvalidTransition,
    RegistrationError,
    registration_carry_over,
    registration_transition,
    reminders_send,
)
from tests.factories import PeriodFactory, PeriodYearFactory, RegistrationFactory, UserFactory

S = Registration.Status


@pytest.fixture
def year_2023(period_year):
    return PeriodYearFactory(period=PeriodFactory(start_year=2023, end_year=2025), year=2023)


# --- Carry-over -----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.RETURNED, S.REOPENED])
def test_only_an_approved_registration_carries_over(
    secretary_a, make_registration, model_a, year_2023, status
):
    registration = make_registration(model_a, status)

    with pytest.raises(RegistrationError):
        registration_carry_over(actor=secretary_a, registration=registration)
    assert not Registration.objects.filter(year=2023).exists()


def test_a_stale_copy_does_not_carry_over_a_reopened_registration(
    secretary_a, make_registration, model_a, year_2023
):
    # The page was opened while approved; it was reopened before the tap.
    registration = make_registration(model_a, S.APPROVED)
    Registration.objects.filter(pk=registration.pk).update(status=S.REOPENED)

    with pytest.raises(RegistrationError):
        registration_carry_over(actor=secretary_a, registration=registration)
    assert not Registration.objects.filter(year=2023).exists()


def test_carrying_over_a_draft_through_the_page_says_why(
    client, secretary_a, make_registration, model_a, year_2023
):
    registration = make_registration(model_a, S.DRAFT)
    client.force_login(secretary_a)

    response = client.post(reverse("registry:registration-carry-over", args=[registration.pk]))

    assert response.status_code == 302
    assert response.url == reverse("registry:registration-detail", args=[registration.pk])
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert not Registration.objects.filter(year=2023).exists()


def test_a_concurrent_duplicate_is_a_clear_message(
    client, secretary_a, make_registration, model_a, year_2023, monkeypatch
):
    approved = make_registration(model_a, S.APPROVED)
    RegistrationFactory(support_model=model_a, period_year=year_2023)  # the other tap won
    # The check before the insert ran before the winner committed.
    monkeypatch.setattr(services, "_already_registered", lambda *args: False)

    with pytest.raises(RegistrationError) as raised:
        registration_carry_over(actor=secretary_a, registration=approved)
    assert "2023" in raised.value.message

    client.force_login(secretary_a)
    response = client.post(reverse("registry:registration-carry-over", args=[approved.pk]))
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert Registration.objects.filter(year=2023).count() == 1


# --- Reminders ----------------------------------------------------------------------------------


def test_a_union_with_an_old_approval_and_only_a_draft_this_year_is_reminded(
    officer, model_a, period, period_year, commune_a, secretary_a
):
    year_2021 = PeriodYearFactory(period=period, year=2021)
    RegistrationFactory(support_model=model_a, period_year=year_2021, status=S.APPROVED)
    RegistrationFactory(support_model=model_a, period_year=period_year, status=S.DRAFT)
    units = grassroots_units(user=officer, period_year=period_year)

    assert list(units_without_submission(units=units, year=2022)) == [commune_a]
    assert reminders_send(year=2022, units=units).mails == 1


def test_a_union_that_submitted_this_year_is_not_reminded(
    officer, model_a, period, period_year, secretary_a
):
    year_2021 = PeriodYearFactory(period=period, year=2021)
    RegistrationFactory(support_model=model_a, period_year=year_2021, status=S.DRAFT)
    RegistrationFactory(support_model=model_a, period_year=period_year, status=S.SUBMITTED)
    units = grassroots_units(user=officer, period_year=period_year)

    assert not units_without_submission(units=units, year=2022).exists()


def test_a_union_reached_by_nobody_is_reminded_later_that_day(
    officer, commune_a, period_year, mailoutbox, django_capture_on_commit_callbacks
):
    units = grassroots_units(user=officer, period_year=period_year)
    today = datetime.date(2026, 3, 1)
    with django_capture_on_commit_callbacks(execute=True):
        first = reminders_send(year=2022, units=units, today=today, actor=officer)
    assert (first.mails, first.unions, first.without_email) == (0, 0, 1)

    secretary = UserFactory(role=User.Role.SECRETARY, unit=commune_a)  # added that afternoon
    with django_capture_on_commit_callbacks(execute=True):
        second = reminders_send(year=2022, units=units, today=today, actor=officer)
        third = reminders_send(year=2022, units=units, today=today, actor=officer)

    assert (second.mails, second.unions, second.without_email) == (1, 1, 0)
    assert third.mails == 0  # once someone was mailed, not twice a day
    assert [m.to for m in mailoutbox] == [[secretary.email]]
    assert ReminderLog.objects.get().recipients == 1


def test_the_page_warns_about_unions_without_a_secretary_email(
    client, officer, commune_a, commune_b, secretary_b, period_year, english
):
    UserFactory(role=User.Role.SECRETARY, unit=commune_a, email="")
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # read the English source strings

    response = client.post(reverse("registry:completeness-remind"), {"year": 2022})

    found = [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]
    assert [level for level, _ in found] == ["success", "warning"]
    assert found[1][1].startswith("1 union that has not submitted has no secretary")


def test_a_run_that_reached_nobody_is_a_warning_not_a_success(
    client, officer, commune_a, period_year
):
    client.force_login(officer)

    response = client.post(reverse("registry:completeness-remind"), {"year": 2022})

    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["warning"]


# --- Permission before state --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "to"),
    [
        (S.APPROVED, S.SUBMITTED),  # "already approved" would tell the stranger the state
        (S.DRAFT, S.APPROVED),
        (S.SUBMITTED, S.REOPENED),
        (S.RETURNED, S.RETURNED),
    ],
)
@pytest.mark.parametrize("who", ["secretary_b", "other_officer", "provincial_viewer"])
def test_an_outsider_gets_the_permission_error_whatever_the_state(
    request, make_registration, model_a, status, to, who
):
    registration = make_registration(model_a, status)

    with pytest.raises(PermissionDenied):
        registration_transition(registration, to, actor=request.getfixturevalue(who), comment="x")
    registration.refresh_from_db()
    assert registration.status == status


def test_the_unit_itself_still_learns_the_state(secretary_a, make_registration, model_a):
    registration = make_registration(model_a, S.APPROVED)

    with pytest.raises(InvalidTransition):
        registration_transition(registration, S.SUBMITTED, actor=secretary_a)
