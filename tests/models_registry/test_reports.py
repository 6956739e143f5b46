"""Result reports through the one workflow mechanism, and the rules of their content."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from models_registry import report_services, workflow
from models_registry.models import (
    MAX_DONG,
    Registration,
    ResultReport,
    ResultReportEvidence,
    ResultReportTarget,
    WorkflowTransition,
)
from models_registry.report_forms import ResultReportForm
from models_registry.report_services import REPORT_WORKFLOW, ReportError, report_create
from models_registry.workflow import InvalidTransition, transition
from tests.factories import RegistrationFactory, ResultReportFactory

R = ResultReport.Status
S = Registration.Status
PREFIX = "[Hỗ trợ TTN yếu thế]"


@pytest.fixture
def approved_a(model_a, period_year):
    return RegistrationFactory(support_model=model_a, period_year=period_year, status=S.APPROVED)


@pytest.fixture
def make_report(approved_a):
    def make(status=R.DRAFT, **kwargs):
        kwargs.setdefault("registration", approved_a)
        return ResultReportFactory(status=status, **kwargs)

    return make


def audit_rows(obj):
    return list(
        WorkflowTransition.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).values_list("action", "from_status", "to_status", "actor", "reason")
    )


# --- The spec ----------------------------------------------------------------------------------


def test_the_report_workflow_is_the_issue_workflow():
    assert set(REPORT_WORKFLOW.table()) == {
        (R.DRAFT, R.SUBMITTED),
        (R.RETURNED, R.SUBMITTED),
        (R.SUBMITTED, R.DRAFT),
        (R.SUBMITTED, R.ACCEPTED),
        (R.SUBMITTED, R.RETURNED),
    }
    assert REPORT_WORKFLOW.get("return").reason_required
    assert not REPORT_WORKFLOW.get("accept").reason_required
    assert set(R.values) == {"draft", "submitted", "accepted", "returned"}
    assert set(ResultReport.Kind.values) == {"interim", "final"}


# --- Every transition, with its audit rows ---------------------------------------------------


@pytest.mark.parametrize(
    ("start", "action", "end", "who"),
    [
        (R.DRAFT, "submit", R.SUBMITTED, "secretary_a"),
        (R.RETURNED, "submit", R.SUBMITTED, "secretary_a"),
        (R.SUBMITTED, "withdraw", R.DRAFT, "secretary_a"),
        (R.SUBMITTED, "accept", R.ACCEPTED, "officer"),
        (R.SUBMITTED, "return", R.RETURNED, "standing"),
    ],
)
def test_each_transition_moves_the_report_and_writes_one_audit_row(
    request, make_report, start, action, end, who
):
    report = make_report(start)
    actor = request.getfixturevalue(who)
    before = report.history.count()

    transition(report, action, actor=actor, reason="Lý do cụ thể")

    report.refresh_from_db()
    assert report.status == end
    reason = "Lý do cụ thể"
    assert audit_rows(report) == [(action, start, end, actor.pk, reason)]
    assert report.history.count() == before + 1
    assert report.history.first().history_user == actor


def test_a_whole_life_leaves_the_whole_history(make_report, secretary_a, officer):
    report = make_report()

    transition(report, "submit", actor=secretary_a)
    transition(report, "withdraw", actor=secretary_a)
    transition(report, "submit", actor=secretary_a)
    transition(report, "return", actor=officer, reason="Bổ sung ảnh hoạt động")
    transition(report, "submit", actor=secretary_a)
    transition(report, "accept", actor=officer)

    assert [row[:3] for row in audit_rows(report)] == [
        ("submit", R.DRAFT, R.SUBMITTED),
        ("withdraw", R.SUBMITTED, R.DRAFT),
        ("submit", R.DRAFT, R.SUBMITTED),
        ("return", R.SUBMITTED, R.RETURNED),
        ("submit", R.RETURNED, R.SUBMITTED),
        ("accept", R.SUBMITTED, R.ACCEPTED),
    ]
    report.refresh_from_db()
    assert report.last_reason == ""  # acceptance forgets the reason for return
    assert report.decided_at is not None
    # The detail page's history resolves the labels once.
    assert [h.to_label for h in workflow.history(report)][-1] == str(R.ACCEPTED.label)


def test_withdrawing_clears_the_submission(make_report, secretary_a):
    report = make_report()
    transition(report, "submit", actor=secretary_a)

    transition(report, "withdraw", actor=secretary_a)

    report.refresh_from_db()
    assert (report.status, report.submitted_at, report.is_late) == (R.DRAFT, None, False)


@pytest.mark.parametrize(
    ("start", "action", "words"),
    [
        (R.ACCEPTED, "submit", "already been accepted"),
        (R.SUBMITTED, "submit", "already been submitted"),
        (R.ACCEPTED, "accept", "already been accepted"),
        (R.DRAFT, "accept", "no longer possible"),
        (R.ACCEPTED, "withdraw", "no longer possible"),  # decided: too late to take it back
        (R.RETURNED, "withdraw", "no longer possible"),
    ],
)
def test_a_refused_state_says_why(
    english, request, make_report, secretary_a, officer, start, action, words
):
    report = make_report(start)
    actor = secretary_a if REPORT_WORKFLOW.get(action).by_unit else officer

    with pytest.raises(InvalidTransition) as error:
        transition(report, action, actor=actor, reason="x")

    assert words in error.value.message
    assert audit_rows(report) == []


# --- Permission first ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("secretary_a", False),
        ("secretary_b", False),
        ("other_officer", False),
        ("provincial_viewer", False),
        ("officer", True),
        ("standing", True),
        ("admin_user", True),
    ],
)
def test_only_the_direct_upper_union_accepts(request, make_report, who, allowed):
    report = make_report(R.SUBMITTED)
    user = request.getfixturevalue(who)

    if allowed:
        transition(report, "accept", actor=user)
    else:
        with pytest.raises(PermissionDenied):
            transition(report, "accept", actor=user)

    report.refresh_from_db()
    assert report.status == (R.ACCEPTED if allowed else R.SUBMITTED)


@pytest.mark.parametrize("who", ["secretary_b", "other_officer", "provincial_viewer"])
def test_a_stranger_learns_nothing_about_the_state(request, make_report, who):
    # An accepted report: the state would refuse too, but the stranger is refused first.
    report = make_report(R.ACCEPTED)

    with pytest.raises(PermissionDenied):
        transition(report, "accept", actor=request.getfixturevalue(who))


@pytest.mark.parametrize("who", ["officer", "standing", "secretary_b"])
def test_only_the_unit_submits_and_withdraws(request, make_report, who):
    draft, submitted = make_report(), make_report(R.SUBMITTED, kind="interim")
    user = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        transition(draft, "submit", actor=user)
    with pytest.raises(PermissionDenied):
        transition(submitted, "withdraw", actor=user)


def test_capabilities_come_from_the_spec(make_report, secretary_a, officer, provincial_viewer):
    draft, submitted = make_report(), make_report(R.SUBMITTED, kind="interim")

    caps = report_services.report_capabilities
    assert caps(report=draft, user=secretary_a) == {"submit", "edit"}
    assert caps(report=submitted, user=secretary_a) == {"withdraw"}
    assert caps(report=submitted, user=officer) == {"accept", "return"}
    assert caps(report=submitted, user=provincial_viewer) == set()
    assert [b.action for b in workflow.buttons(submitted, {"accept", "return"})] == [
        "accept",
        "return",
    ]


# --- Reasons, completeness, deadline, closed periods -------------------------------------------


@pytest.mark.parametrize("reason", ["", "  \n "])
def test_returning_needs_a_reason(english, make_report, officer, reason):
    report = make_report(R.SUBMITTED)

    with pytest.raises(InvalidTransition) as error:
        transition(report, "return", actor=officer, reason=reason)

    assert "reason" in error.value.message
    report.refresh_from_db()
    assert report.status == R.SUBMITTED


def test_an_incomplete_report_cannot_be_submitted(english, make_report, secretary_a):
    report = make_report(results="  ", start_date=None, targets={})

    with pytest.raises(InvalidTransition) as error:
        transition(report, "submit", actor=secretary_a)

    assert [str(m) for m in error.value.missing] == [
        "start date",
        "concrete results",
        "number of youth supported in at least one target group",
    ]
    assert audit_rows(report) == []


def test_a_report_of_a_reopened_registration_cannot_be_submitted(
    english, make_report, approved_a, secretary_a
):
    report = make_report()
    Registration.objects.filter(pk=approved_a.pk).update(status=S.REOPENED)

    with pytest.raises(InvalidTransition) as error:
        transition(report, "submit", actor=secretary_a)

    assert "an approved registration" in error.value.missing


@pytest.mark.parametrize(("days_after", "late"), [(-1, False), (0, False), (1, True)])
def test_a_report_after_its_deadline_is_late(
    make_report, period_year, secretary_a, days_after, late
):
    period_year.report_deadline = timezone.localdate() - datetime.timedelta(days=days_after)
    period_year.save()
    report = make_report()

    transition(report, "submit", actor=secretary_a)

    report.refresh_from_db()
    assert report.is_late is late


def test_a_closed_period_refuses_reports(english, make_report, period, officer):
    report = make_report(R.SUBMITTED)
    period.is_open = False
    period.save()

    with pytest.raises(InvalidTransition) as error:
        transition(report, "accept", actor=officer)

    assert "closed" in error.value.message
    assert report_services.report_capabilities(report=report, user=officer) == set()


# --- Mail ------------------------------------------------------------------------------------


def test_submitting_mails_the_reviewers_after_commit(
    django_capture_on_commit_callbacks, mailoutbox, make_report, secretary_a, officer, standing
):
    report = make_report()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transition(report, "submit", actor=secretary_a)
    assert mailoutbox == []
    for callback in callbacks:
        callback()

    assert sorted(m.to[0] for m in mailoutbox) == sorted([officer.email, standing.email])
    assert all(m.subject.startswith(PREFIX) for m in mailoutbox)
    assert all(f"/registry/reports/{report.pk}/" in m.body for m in mailoutbox)


@pytest.mark.parametrize("action", ["accept", "return"])
def test_decisions_mail_the_secretaries(
    django_capture_on_commit_callbacks, mailoutbox, make_report, secretary_a, officer, action
):
    report = make_report(R.SUBMITTED)

    with django_capture_on_commit_callbacks(execute=True):
        transition(report, action, actor=officer, reason="Thiếu ảnh")

    assert [m.to[0] for m in mailoutbox] == [secretary_a.email]
    if action == "return":
        assert "Thiếu ảnh" in mailoutbox[0].body


def test_withdrawing_tells_the_reviewers(
    django_capture_on_commit_callbacks, mailoutbox, make_report, secretary_a, officer, standing
):
    report = make_report(R.SUBMITTED)

    with django_capture_on_commit_callbacks(execute=True):
        transition(report, "withdraw", actor=secretary_a)

    assert sorted(m.to[0] for m in mailoutbox) == sorted([officer.email, standing.email])


# --- Creating: only for an approved registration, with sane numbers --------------------------


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.RETURNED, S.REOPENED])
def test_no_report_for_a_registration_that_is_not_approved(
    english, make_registration, model_a, secretary_a, group_disabled, status
):
    registration = make_registration(model_a, status)

    with pytest.raises(ReportError) as error:
        report_create(
            actor=secretary_a,
            registration=registration,
            kind="final",
            counts={group_disabled.pk: (3, 1)},
            unit_address="Thôn 3",
        )

    assert "approved registration" in error.value.message
    assert not ResultReport.objects.exists()
    assert report_services.report_kinds_available(registration=registration, user=secretary_a) == []


def test_a_report_for_an_approved_registration(approved_a, secretary_a, group_disabled):
    report = report_create(
        actor=secretary_a,
        registration=approved_a,
        kind="interim",
        counts={group_disabled.pk: (7, 3)},
        unit_address="Thôn 3",
        funds_sponsors=15_000_000,
    )

    assert (report.status, report.unit, report.year) == (R.DRAFT, approved_a.unit, 2022)
    assert list(report.targets.values_list("total", "female")) == [(7, 3)]
    assert report_services.report_kinds_available(registration=approved_a, user=secretary_a) == [
        "final"
    ]


def test_one_report_of_each_kind(english, approved_a, secretary_a):
    report_create(actor=secretary_a, registration=approved_a, kind="final", counts={})

    with pytest.raises(ReportError) as error:
        report_create(actor=secretary_a, registration=approved_a, kind="final", counts={})

    assert "already has" in error.value.message


@pytest.mark.parametrize("who", ["secretary_b", "officer"])
def test_only_the_unit_writes_its_report(request, approved_a, who):
    with pytest.raises(PermissionDenied):
        report_create(
            actor=request.getfixturevalue(who), registration=approved_a, kind="final", counts={}
        )


@pytest.mark.parametrize(
    "counts", [(3, 5), (-1, 0), (0, -1), (10**9, 1)], ids=["female>total", "neg", "neg-f", "huge"]
)
def test_the_service_refuses_impossible_counts(approved_a, secretary_a, group_disabled, counts):
    with pytest.raises(ReportError):
        report_create(
            actor=secretary_a,
            registration=approved_a,
            kind="final",
            counts={group_disabled.pk: counts},
        )
    assert not ResultReport.objects.exists()


def test_the_database_refuses_more_female_than_total(make_report, group_disabled):
    report = make_report(targets={})

    with pytest.raises(IntegrityError), transaction.atomic():
        ResultReportTarget.objects.create(
            report=report, target_group=group_disabled, total=2, female=3
        )


def test_the_database_refuses_absurd_amounts(make_report):
    report = make_report()

    with pytest.raises(IntegrityError), transaction.atomic():
        ResultReport.objects.filter(pk=report.pk).update(funds_state=MAX_DONG + 1)


# --- The form ----------------------------------------------------------------------------------


def form_data(group, **extra):
    data = {
        "kind": "final",
        "unit_address": "Thôn 3",
        "area": "Thôn 1",
        "start_date": "01/04/2022",
        "form_and_content": "Sinh hoạt hằng tháng",
        "results": "12 em được hỗ trợ",
        f"total_{group.pk}": "10",
        f"female_{group.pk}": "4",
        "funds_union": "15.000.000",
        "funds_state": "",
        "funds_sponsors": "2 500 000 đ",
        "funds_people": "0",
    }
    data.update(extra)
    return data


def test_the_form_reads_vietnamese_money(group_disabled):
    form = ResultReportForm(form_data(group_disabled), target_groups=[group_disabled])

    assert form.is_valid(), form.errors
    assert form.cleaned_data["funds_union"] == 15_000_000
    assert form.cleaned_data["funds_state"] == 0
    assert form.cleaned_data["funds_sponsors"] == 2_500_000
    assert form.counts() == {group_disabled.pk: (10, 4)}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("female", "11"),  # more female than total
        ("total", "-3"),
        ("female", "-1"),
        ("total", "9" * 30),
        ("total", "mười"),
        ("funds_union", "-5.000"),
        ("funds_union", "9" * 30),
        ("funds_state", "1,5 triệu"),
    ],
)
def test_the_form_refuses_bad_numbers_next_to_the_field(group_disabled, field, value):
    name = f"{field}_{group_disabled.pk}" if field in ("total", "female") else field
    form = ResultReportForm(
        form_data(group_disabled, **{name: value}), target_groups=[group_disabled]
    )

    assert not form.is_valid()
    assert name in form.errors


# --- Who still owes a report -------------------------------------------------------------------


def test_units_with_a_report_missing(
    make_registration, model_a, model_b, period_year, commune_a, commune_b, secretary_a
):
    from doanthanhnien.models import Unit
    from models_registry.report_selectors import units_with_report_missing

    period_year.report_deadline = timezone.localdate() + datetime.timedelta(days=10)
    period_year.save()
    approved = make_registration(model_a, S.APPROVED)
    make_registration(model_b, S.APPROVED)
    ResultReportFactory(registration=approved, status=R.SUBMITTED)
    units = Unit.objects.filter(pk__in=[commune_a.pk, commune_b.pk])

    assert list(units_with_report_missing(units=units, year=2022)) == [commune_b]
    # Long before the deadline nobody is chased yet.
    period_year.report_deadline = timezone.localdate() + datetime.timedelta(days=200)
    period_year.save()
    assert not units_with_report_missing(units=units, year=2022).exists()


# --- Demo data -----------------------------------------------------------------------------------


def test_seed_demo_adds_accepted_and_returned_reports_with_history(db):
    import io

    from django.core.management import call_command

    call_command("seed_demo", force=True, stdout=io.StringIO())
    counts = (ResultReport.objects.count(), WorkflowTransition.objects.count())

    statuses = set(ResultReport.objects.values_list("status", flat=True))
    assert {R.ACCEPTED, R.RETURNED, R.SUBMITTED} <= statuses
    for report in ResultReport.objects.exclude(status=R.DRAFT):
        assert report.transitions.filter(action="submit").exists()
        assert report.targets.filter(total__gt=0).exists()
        assert report.evidence.exists()
    returned = ResultReport.objects.filter(status=R.RETURNED)
    assert all(r.last_reason and r.transitions.filter(action="return").exists() for r in returned)
    # Some photos may go to the library, never without consent.
    evidence = ResultReportEvidence.objects.all()
    assert evidence.filter(publishable=True, consent_confirmed=True).exists()
    assert not evidence.filter(publishable=True, consent_confirmed=False).exists()

    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert (ResultReport.objects.count(), WorkflowTransition.objects.count()) == counts
