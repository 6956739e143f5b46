"""Two standing-committee members record a decision on the same model at once: exactly one
decision is in force, the other member is told."""

import datetime
import threading

import pytest
from django.db import connection, connections

from doanthanhnien.models import User
from models_registry import recognition_services
from models_registry.models import Recognition, WorkflowTransition
from tests.factories import RegistrationFactory, ResultReportFactory, UserFactory


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_leave_exactly_one_in_force(model_a, period_year, standing, district):
    registration = RegistrationFactory(
        support_model=model_a, period_year=period_year, status="approved"
    )
    ResultReportFactory(registration=registration, status="accepted")
    colleague = UserFactory(role=User.Role.STANDING, unit=district)
    barrier = threading.Barrier(2, timeout=10)
    outcomes = {}

    def act(name, actor, decision, reason):
        try:
            barrier.wait()
            recognition_services.recognition_decide(
                actor=actor,
                support_model=model_a,
                period=period_year.period,
                year=2022,
                decision=decision,
                reason=reason,
                decision_number="12-QĐ/HĐTN",
                decision_date=datetime.date(2023, 1, 5),
            )
            outcomes[name] = "done"
        except recognition_services.RecognitionError as error:
            outcomes[name] = error
        except Exception as error:  # anything else is a failure the assertions must show
            outcomes[name] = repr(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=("yes", standing, "recognised", "")),
        threading.Thread(target=act, args=("no", colleague, "not_recognised", "Chưa đạt.")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["no", "yes"]
    assert sum(outcome == "done" for outcome in outcomes.values()) == 1, outcomes
    assert sum(isinstance(o, recognition_services.RecognitionError) for o in outcomes.values()) == 1
    assert Recognition.objects.filter(status="in_force").count() == 1
    assert WorkflowTransition.objects.filter(recognition__isnull=False).count() == 1
