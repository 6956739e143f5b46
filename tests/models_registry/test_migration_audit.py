"""The data migration that moves the registrations' audit rows into the one audit table."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("models_registry", "0004_resultreport_workflowtransition")]
AFTER = [("models_registry", "0006_delete_registrationtransition")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_old_rows_are_copied_with_their_times_and_back_again():
    apps = _migrate(BEFORE)
    Unit = apps.get_model("doanthanhnien", "Unit")
    User = apps.get_model("doanthanhnien", "User")
    Category = apps.get_model("models_registry", "ModelCategory")
    Period = apps.get_model("models_registry", "Period")
    PeriodYear = apps.get_model("models_registry", "PeriodYear")
    SupportModel = apps.get_model("models_registry", "SupportModel")
    Registration = apps.get_model("models_registry", "Registration")
    Old = apps.get_model("models_registry", "RegistrationTransition")

    unit = Unit.objects.create(
        code="18550",
        name="Đoàn xã Hương Trà",
        path="/1/",
        depth=0,
        valid_from=datetime.date(2020, 1, 1),
    )
    officer = User.objects.create(username="huyen", unit=unit)
    period = Period.objects.create(name="2020–2022", start_year=2020, end_year=2022)
    year = PeriodYear.objects.create(
        period=period,
        year=2022,
        registration_deadline=datetime.date(2022, 3, 31),
        report_deadline=datetime.date(2022, 12, 15),
    )
    model = SupportModel.objects.create(
        unit=unit,
        name="Tủ sách",
        category=Category.objects.get_or_create(code=1, defaults={"name": "Chăm sóc sức khỏe"})[0],
        description="x",
        area="x",
        implementers="x",
    )
    registration = Registration.objects.create(
        support_model=model, unit=unit, period_year=year, year=2022, status="returned"
    )
    Old.objects.create(registration=registration, from_status="draft", to_status="submitted")
    returned = Old.objects.create(
        registration=registration,
        from_status="submitted",
        to_status="returned",
        actor=officer,
        comment="Thiếu kế hoạch",
    )
    long_ago = timezone.make_aware(datetime.datetime(2022, 4, 5, 9, 0))
    Old.objects.filter(pk=returned.pk).update(at=long_ago)

    apps = _migrate(AFTER)
    New = apps.get_model("models_registry", "WorkflowTransition")
    rows = set(
        New.objects.values_list(
            "object_id", "action", "from_status", "to_status", "actor_id", "reason"
        )
    )
    assert rows == {
        (registration.pk, "submit", "draft", "submitted", None, ""),
        (registration.pk, "return", "submitted", "returned", officer.pk, "Thiếu kế hoạch"),
    }
    assert New.objects.get(action="return").at == long_ago
    assert {r.content_type.model for r in New.objects.all()} == {"registration"}

    apps = _migrate(BEFORE)
    Old = apps.get_model("models_registry", "RegistrationTransition")
    back = {b[0]: b[1:] for b in Old.objects.values_list("to_status", "comment", "at")}
    assert set(back) == {"submitted", "returned"}
    assert back["returned"] == ("Thiếu kế hoạch", long_ago)
    assert not apps.get_model("models_registry", "WorkflowTransition").objects.exists()

    _migrate(executor_latest())


def executor_latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
