"""The one workflow mechanism itself: specs, admin actions read off them, the audit table,
withdrawing a registration, and the core app's independence from the programme app."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from models_registry import workflow
from models_registry.models import Registration, ResultReport, WorkflowTransition
from models_registry.report_services import REPORT_WORKFLOW
from models_registry.services import REGISTRATION_WORKFLOW, registration_transition
from tests.factories import RegistrationFactory, ResultReportFactory

S = Registration.Status
R = ResultReport.Status


def test_every_reviewed_model_has_one_spec():
    assert workflow.spec_for(Registration) is REGISTRATION_WORKFLOW
    assert workflow.spec_for(ResultReport) is REPORT_WORKFLOW
    for spec in (REGISTRATION_WORKFLOW, REPORT_WORKFLOW):
        statuses = set(dict(spec.model._meta.get_field("status").choices))
        # Every state has a badge and a refusal message; every transition a label and a message.
        assert set(spec.badges) == statuses
        assert set(spec.already) == statuses
        for step in spec.transitions:
            assert step.label and step.done
            assert set(step.sources) <= statuses and step.target in statuses
            assert not step.reason_required or step.reason_label


def test_both_workflows_write_to_the_one_audit_table(
    make_registration, model_a, period_year, secretary_a, officer
):
    registration = make_registration(model_a, S.SUBMITTED)
    report = ResultReportFactory(
        registration=RegistrationFactory(
            support_model=model_a,
            period_year=period_year.__class__.objects.create(
                period=period_year.period,
                year=2021,
                registration_deadline=period_year.registration_deadline,
                report_deadline=period_year.report_deadline,
            ),
            status=S.APPROVED,
        )
    )

    workflow.transition(registration, "approve", actor=officer)
    workflow.transition(report, "submit", actor=secretary_a)

    rows = WorkflowTransition.objects.order_by("pk")
    assert [(r.content_type.model, r.object_id, r.action) for r in rows] == [
        ("registration", registration.pk, "approve"),
        ("resultreport", report.pk, "submit"),
    ]
    # Each object reaches only its own rows through its GenericRelation.
    assert registration.transitions.count() == report.transitions.count() == 1
    assert WorkflowTransition.objects.filter(registration=registration).count() == 1


def test_deleting_an_object_deletes_its_audit_rows_only(make_registration, model_a, officer):
    first = make_registration(model_a, S.SUBMITTED)
    workflow.transition(first, "approve", actor=officer)
    content_type = ContentType.objects.get_for_model(Registration)

    first.delete()

    assert not WorkflowTransition.objects.filter(content_type=content_type).exists()


# --- Withdrawing a registration ("Rút lại") ---------------------------------------------------


def test_the_unit_withdraws_its_submission_before_any_decision(
    client, django_capture_on_commit_callbacks, mailoutbox, registration_a, secretary_a, officer,
    standing,
):  # fmt: skip
    registration_transition(registration_a, S.SUBMITTED, actor=secretary_a)
    mailoutbox.clear()
    client.force_login(secretary_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registry:registration-action", args=[registration_a.pk, "withdraw"])
        )

    assert response.status_code == 302
    registration_a.refresh_from_db()
    assert (registration_a.status, registration_a.submitted_at) == (S.DRAFT, None)
    assert list(registration_a.transitions.values_list("action", flat=True)) == [
        "submit",
        "withdraw",
    ]
    assert sorted(m.to[0] for m in mailoutbox) == sorted([officer.email, standing.email])
    page = client.get(reverse("registry:registration-detail", args=[registration_a.pk]))
    assert "withdraw" not in page.context["actions"]
    assert "submit" in page.context["actions"]


def test_the_detail_page_renders_the_buttons_of_the_spec(
    client, make_registration, model_a, officer
):
    registration = make_registration(model_a, S.SUBMITTED)
    client.force_login(officer)

    response = client.get(reverse("registry:registration-detail", args=[registration.pk]))

    for action in ("approve", "return"):
        url = reverse("registry:registration-action", args=[registration.pk, action])
        assert f'action="{url}"' in response.text
    assert 'id="return-reason"' in response.text
    assert "withdraw/" not in response.text


# --- Admin actions come from the spec ---------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "action", "status", "after"),
    [
        ("registration", "workflow_approve", S.SUBMITTED, S.APPROVED),
        ("registration", "workflow_return", S.SUBMITTED, S.RETURNED),
        ("resultreport", "workflow_accept", R.SUBMITTED, R.ACCEPTED),
        ("resultreport", "workflow_return", R.SUBMITTED, R.RETURNED),
    ],
)
def test_admin_actions_run_the_workflow(
    client, admin_user, model_a, period_year, model, action, status, after
):
    if model == "registration":
        obj = RegistrationFactory(support_model=model_a, period_year=period_year, status=status)
    else:
        obj = ResultReportFactory(
            registration=RegistrationFactory(
                support_model=model_a, period_year=period_year, status=S.APPROVED
            ),
            status=status,
        )
    client.force_login(admin_user)

    response = client.post(
        reverse(f"admin:models_registry_{model}_changelist"),
        {"action": action, "_selected_action": [obj.pk]},
    )

    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.status == after
    row = obj.transitions.get()
    assert row.actor == admin_user
    assert (row.reason != "") == (after == "returned")


def test_an_admin_action_that_does_not_apply_changes_nothing(client, admin_user, registration_a):
    client.force_login(admin_user)

    client.post(
        reverse("admin:models_registry_registration_changelist"),
        {"action": "workflow_approve", "_selected_action": [registration_a.pk]},
    )

    registration_a.refresh_from_db()
    assert registration_a.status == S.DRAFT
    assert not registration_a.transitions.exists()


# --- Dependencies point one way ------------------------------------------------------------------


def test_the_core_app_does_not_import_the_programme_app():
    core = Path(settings.BASE_DIR) / "doanthanhnien"
    offenders = []
    for path in core.rglob("*.py"):
        if path.name in ("settings.py", "urls.py") or "migrations" in path.parts:
            continue  # the project's settings and URLconf name every app by design
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [
                f"{path.name}: {n}"
                for n in names
                if n.split(".")[0] in ("models_registry", "reports")
            ]
    assert offenders == []


# --- Rows: the rules decided once, for pages and exports -------------------------------------


@pytest.mark.parametrize(
    ("status", "reason", "done", "needs_reason", "label", "badge"),
    [
        (S.APPROVED, "", True, False, "", "text-bg-success"),
        (S.RETURNED, "Thiếu kế hoạch", False, True, "Reason for return", "text-bg-danger"),
        (S.REOPENED, "Sửa ngân sách", False, True, "Reason for reopening", "text-bg-info"),
        (S.RETURNED, "", False, False, "Reason for return", "text-bg-danger"),
        (S.SUBMITTED, "", False, False, "", "text-bg-warning"),
    ],
)
def test_a_registration_row(
    english, make_registration, model_a, status, reason, done, needs_reason, label, badge
):
    registration = make_registration(model_a, status, last_reason=reason)

    row = workflow.row(registration)

    assert (row.done, row.needs_reason, row.reason_label, row.badge) == (
        done,
        needs_reason,
        label,
        badge,
    )
    assert row.late is False  # a registration is late only when submitted late


def test_a_report_still_out_after_its_deadline_is_late(model_a, period_year):
    import datetime

    from django.utils import timezone

    period_year.report_deadline = timezone.localdate() - datetime.timedelta(days=1)
    period_year.save()
    registration = RegistrationFactory(
        support_model=model_a, period_year=period_year, status=S.APPROVED
    )
    draft = ResultReportFactory(registration=registration)
    accepted = ResultReportFactory(registration=registration, kind="interim", status=R.ACCEPTED)

    assert workflow.row(draft).late is True
    assert workflow.row(accepted).late is False
    assert workflow.row(accepted).done is True


def test_my_union_page_shows_the_reason_from_the_row(
    client, make_registration, model_a, secretary_a
):
    make_registration(model_a, S.REOPENED, last_reason="Sửa ngân sách theo thực tế")
    client.force_login(secretary_a)

    response = client.get(reverse("registry:my-unit"))

    assert "Sửa ngân sách theo thực tế" in response.text
    assert [row.needs_reason for row in response.context["mine"]["rows"]] == [True]
