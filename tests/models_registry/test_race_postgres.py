"""Two reviewers act on the same registration (or result report) at once: exactly one wins,
the other is told."""

import threading

import pytest
from django.db import connection, connections

from models_registry import services
from models_registry.models import Registration, ResultReport, WorkflowTransition
from models_registry.services import InvalidTransition, registration_transition
from models_registry.workflow import transition
from tests.factories import RegistrationFactory, ResultReportFactory

S = Registration.Status


# Decided at collection, before any database set-up: two real connections at once need a
# server database (SQLite serialises writers anyway; see the sequential tests below).
@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_approve_and_return_make_exactly_one_transition(
    model_a, period_year, secretary_a, officer, standing
):
    registration = RegistrationFactory(support_model=model_a, period_year=period_year)
    registration_transition(registration, S.SUBMITTED, actor=secretary_a)

    barrier = threading.Barrier(2, timeout=10)
    outcomes = {}

    def act(name, to, actor, comment):
        try:
            # A fresh copy per thread, as two browser requests would load it.
            mine = Registration.objects.get(pk=registration.pk)
            barrier.wait()
            registration_transition(mine, to, actor=actor, comment=comment)
            outcomes[name] = "done"
        except InvalidTransition as error:
            outcomes[name] = error
        except Exception as error:  # anything else is a failure the assertions must show
            outcomes[name] = repr(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=("approve", S.APPROVED, officer, "")),
        threading.Thread(target=act, args=("return", S.RETURNED, standing, "Thiếu kế hoạch")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["approve", "return"]
    winners = [name for name, outcome in outcomes.items() if outcome == "done"]
    losers = [o for o in outcomes.values() if isinstance(o, InvalidTransition)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1, outcomes
    registration.refresh_from_db()
    assert registration.status == {"approve": S.APPROVED, "return": S.RETURNED}[winners[0]]
    decisions = WorkflowTransition.objects.filter(registration=registration).exclude(
        to_status=S.SUBMITTED
    )
    assert decisions.count() == 1
    assert WorkflowTransition.objects.filter(registration=registration).count() == 2


# --- The same guarantees on any database -----------------------------------------------------


def test_a_second_approval_is_refused_with_a_clear_message(
    english, make_registration, model_a, officer, standing
):
    registration = make_registration(model_a, S.SUBMITTED)
    stale = Registration.objects.get(pk=registration.pk)
    registration_transition(registration, S.APPROVED, actor=officer)

    # The second reviewer still has the page from before the first approval.
    with pytest.raises(InvalidTransition) as error:
        registration_transition(stale, S.APPROVED, actor=standing)

    assert error.value.message == "This registration has already been approved."
    assert WorkflowTransition.objects.filter(registration=registration).count() == 1


def test_a_return_after_an_approval_is_refused(english, make_registration, model_a, officer):
    registration = make_registration(model_a, S.SUBMITTED)
    stale = Registration.objects.get(pk=registration.pk)
    registration_transition(registration, S.APPROVED, actor=officer)

    with pytest.raises(InvalidTransition) as error:
        registration_transition(stale, S.RETURNED, actor=officer, comment="Thiếu kế hoạch")

    assert "no longer possible" in error.value.message
    stale.refresh_from_db()
    assert stale.status == S.APPROVED
    assert stale.last_reason == ""


def test_a_change_between_the_read_and_the_write_is_caught(
    english, monkeypatch, registration_a, secretary_a
):
    # Without row locks (SQLite), another request can change the row after this one read it;
    # the conditional update must then touch nothing. Simulate that request from inside.
    real = services.registration_missing_fields

    def meanwhile(registration):
        Registration.objects.filter(pk=registration.pk).update(status=S.SUBMITTED)
        return real(registration)

    monkeypatch.setattr(services, "registration_missing_fields", meanwhile)

    with pytest.raises(InvalidTransition) as error:
        registration_transition(registration_a, S.SUBMITTED, actor=secretary_a)

    assert "Someone else changed this registration" in error.value.message
    assert not WorkflowTransition.objects.exists()


# --- Result reports run on the same mechanism ------------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_accept_and_return_of_a_report_make_exactly_one_transition(
    model_a, period_year, officer, standing
):
    registration = RegistrationFactory(
        support_model=model_a, period_year=period_year, status=S.APPROVED
    )
    report = ResultReportFactory(registration=registration, status=ResultReport.Status.SUBMITTED)

    barrier = threading.Barrier(2, timeout=10)
    outcomes = {}

    def act(action, actor, reason):
        try:
            mine = ResultReport.objects.get(pk=report.pk)
            barrier.wait()
            transition(mine, action, actor=actor, reason=reason)
            outcomes[action] = "done"
        except InvalidTransition as error:
            outcomes[action] = error
        except Exception as error:  # anything else is a failure the assertions must show
            outcomes[action] = repr(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=("accept", officer, "")),
        threading.Thread(target=act, args=("return", standing, "Thiếu ảnh")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    winners = [name for name, outcome in outcomes.items() if outcome == "done"]
    losers = [o for o in outcomes.values() if isinstance(o, InvalidTransition)]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1, outcomes
    report.refresh_from_db()
    assert report.status == {"accept": "accepted", "return": "returned"}[winners[0]]
    assert report.transitions.count() == 1
    assert report.transitions.get().action == winners[0]


def test_a_second_acceptance_of_a_report_is_refused(
    english, model_a, period_year, officer, standing
):
    registration = RegistrationFactory(
        support_model=model_a, period_year=period_year, status=S.APPROVED
    )
    report = ResultReportFactory(registration=registration, status=ResultReport.Status.SUBMITTED)
    stale = ResultReport.objects.get(pk=report.pk)
    transition(report, "accept", actor=officer)

    with pytest.raises(InvalidTransition) as error:
        transition(stale, "accept", actor=standing)

    assert error.value.message == "This report has already been accepted."
    assert report.transitions.count() == 1
