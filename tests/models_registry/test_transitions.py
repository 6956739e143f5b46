"""The registration workflow: ``registration_transition`` and its TRANSITIONS table."""

import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from doanthanhnien.models import User
from models_registry.models import Registration, WorkflowTransition
from models_registry.services import (
    TRANSITIONS,
    InvalidTransition,
    registration_capabilities,
    registration_transition,
)
from tests.factories import PeriodYearFactory, RegistrationFactory, UserFactory

S = Registration.Status
PREFIX = "[Hỗ trợ TTN yếu thế]"

ALLOWED = sorted(TRANSITIONS)
FORBIDDEN = sorted(set(itertools.product(S.values, S.values)) - set(TRANSITIONS))


def pair_id(pair):
    return f"{pair[0]}->{pair[1]}"


def actor_for(to, request):
    """The unit's secretary submits and withdraws; the district officer decides."""
    by_unit = to in (S.SUBMITTED, S.DRAFT)
    return request.getfixturevalue("secretary_a" if by_unit else "officer")


# --- The table ---------------------------------------------------------------------------------


def test_the_table_is_the_issue_workflow():
    assert set(TRANSITIONS) == {
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.APPROVED),
        (S.SUBMITTED, S.RETURNED),
        (S.RETURNED, S.SUBMITTED),
        (S.APPROVED, S.REOPENED),
        (S.REOPENED, S.SUBMITTED),
        (S.SUBMITTED, S.DRAFT),  # "Rút lại": the unit withdraws before any decision
    }
    assert TRANSITIONS[(S.SUBMITTED, S.RETURNED)].reason_required
    assert TRANSITIONS[(S.APPROVED, S.REOPENED)].reason_required
    assert not TRANSITIONS[(S.SUBMITTED, S.APPROVED)].reason_required
    assert not TRANSITIONS[(S.SUBMITTED, S.DRAFT)].reason_required


@pytest.mark.parametrize("pair", ALLOWED, ids=pair_id)
def test_it_makes_every_allowed_transition(request, make_registration, model_a, pair):
    from_status, to = pair
    registration = make_registration(model_a, from_status)
    actor = actor_for(to, request)

    result = registration_transition(registration, to, actor=actor, comment="Lý do cụ thể")

    registration.refresh_from_db()
    assert result.status == registration.status == to
    row = WorkflowTransition.objects.get(registration=registration)
    assert (row.from_status, row.to_status, row.actor) == (from_status, to, actor)
    assert row.reason == "Lý do cụ thể"


@pytest.mark.parametrize("pair", FORBIDDEN, ids=pair_id)
def test_it_refuses_every_other_pair(request, make_registration, model_a, pair):
    from_status, to = pair
    registration = make_registration(model_a, from_status)

    with pytest.raises(InvalidTransition):
        registration_transition(
            registration, to, actor=actor_for(to, request), comment="Lý do cụ thể"
        )

    registration.refresh_from_db()
    assert registration.status == from_status
    assert not WorkflowTransition.objects.exists()


@pytest.mark.parametrize(
    ("from_status", "to", "words"),
    [
        (S.SUBMITTED, S.SUBMITTED, "already been submitted"),
        (S.APPROVED, S.APPROVED, "already been approved"),
        (S.APPROVED, S.SUBMITTED, "already been approved"),
        (S.DRAFT, S.APPROVED, "no longer possible"),
        (S.APPROVED, S.RETURNED, "no longer possible"),
    ],
)
def test_a_refusal_says_why(
    english, officer, secretary_a, make_registration, model_a, from_status, to, words
):
    registration = make_registration(model_a, from_status)
    actor = secretary_a if to == S.SUBMITTED else officer

    with pytest.raises(InvalidTransition) as error:
        registration_transition(registration, to, actor=actor, comment="x")

    assert words in error.value.message


# --- Who may do it -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("secretary_a", False),  # the unit cannot approve its own registration
        ("secretary_b", False),
        ("other_officer", False),  # officer of another district
        ("provincial_viewer", False),  # read-only
        ("officer", True),
        ("standing", True),
        ("admin_user", True),
    ],
)
def test_only_the_direct_upper_union_approves(request, make_registration, model_a, who, allowed):
    registration = make_registration(model_a, S.SUBMITTED)
    user = request.getfixturevalue(who)

    if allowed:
        registration_transition(registration, S.APPROVED, actor=user)
    else:
        with pytest.raises(PermissionDenied):
            registration_transition(registration, S.APPROVED, actor=user)

    registration.refresh_from_db()
    assert registration.status == (S.APPROVED if allowed else S.SUBMITTED)
    assert WorkflowTransition.objects.exists() == allowed


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("secretary_a", True),
        ("secretary_b", False),  # sibling commune
        ("officer", False),  # the upper union reviews, it does not submit for the commune
        ("standing", False),
        ("other_officer", False),
        ("provincial_viewer", False),
        ("admin_user", True),
    ],
)
def test_only_the_unit_submits(request, registration_a, who, allowed):
    user = request.getfixturevalue(who)

    if allowed:
        registration_transition(registration_a, S.SUBMITTED, actor=user)
    else:
        with pytest.raises(PermissionDenied):
            registration_transition(registration_a, S.SUBMITTED, actor=user)

    registration_a.refresh_from_db()
    assert registration_a.status == (S.SUBMITTED if allowed else S.DRAFT)


def test_an_officer_two_levels_up_does_not_review(make_registration, model_a, province):
    # The province is an ancestor, not the direct upper union of commune A.
    provincial_officer = UserFactory(role=User.Role.OFFICER, unit=province)
    registration = make_registration(model_a, S.SUBMITTED)

    with pytest.raises(PermissionDenied):
        registration_transition(registration, S.APPROVED, actor=provincial_officer)


def test_capabilities_follow_the_same_rules(
    make_registration, model_a, secretary_a, officer, provincial_viewer, other_officer
):
    submitted = make_registration(model_a, S.SUBMITTED)

    def caps(registration, user):
        return registration_capabilities(registration=registration, user=user)

    assert caps(submitted, officer) == {"approve", "return"}
    assert caps(submitted, secretary_a) == {"withdraw"}  # the unit may take it back
    assert caps(submitted, provincial_viewer) == set()
    assert caps(submitted, other_officer) == set()


def test_the_unit_may_edit_and_submit_its_draft_only(
    make_registration, model_a, secretary_a, secretary_b, officer
):
    draft = make_registration(model_a, S.DRAFT)

    assert registration_capabilities(registration=draft, user=secretary_a) == {"submit", "edit"}
    assert registration_capabilities(registration=draft, user=secretary_b) == set()
    assert registration_capabilities(registration=draft, user=officer) == set()


def test_carry_over_is_offered_only_with_an_open_year_to_go_to(
    make_registration, model_a, secretary_a, period
):
    approved = make_registration(model_a, S.APPROVED)
    assert "carry_over" not in registration_capabilities(registration=approved, user=secretary_a)

    PeriodYearFactory(period=period, year=approved.year + 1)
    assert "carry_over" in registration_capabilities(registration=approved, user=secretary_a)


# --- Reasons -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("from_status", "to"), [(S.SUBMITTED, S.RETURNED), (S.APPROVED, S.REOPENED)]
)
@pytest.mark.parametrize("comment", ["", "   \n "])
def test_return_and_reopen_need_a_reason(
    english, officer, make_registration, model_a, from_status, to, comment
):
    registration = make_registration(model_a, from_status)

    with pytest.raises(InvalidTransition) as error:
        registration_transition(registration, to, actor=officer, comment=comment)

    assert "reason" in error.value.message
    registration.refresh_from_db()
    assert registration.status == from_status
    assert not WorkflowTransition.objects.exists()


def test_the_reason_is_kept_on_the_registration_until_approval(
    officer, secretary_a, make_registration, model_a
):
    registration = make_registration(model_a, S.SUBMITTED)

    registration_transition(registration, S.RETURNED, actor=officer, comment="  Thiếu kế hoạch ")
    registration.refresh_from_db()
    assert registration.last_reason == "Thiếu kế hoạch"
    assert registration.decided_at is not None

    registration_transition(registration, S.SUBMITTED, actor=secretary_a)
    registration_transition(registration, S.APPROVED, actor=officer)
    registration.refresh_from_db()
    assert registration.last_reason == ""


# --- What a submission needs -------------------------------------------------------------------


def test_an_incomplete_draft_cannot_be_submitted(english, secretary_a, model_a, period_year):
    registration = RegistrationFactory(
        support_model=model_a,
        period_year=period_year,
        expected_results="",
        plan_document="",
        targets={},
    )

    with pytest.raises(InvalidTransition) as error:
        registration_transition(registration, S.SUBMITTED, actor=secretary_a)

    assert [str(m) for m in error.value.missing] == [
        "expected results",
        "planned number of youth for at least one target group",
        "implementation plan",
    ]
    registration.refresh_from_db()
    assert registration.status == S.DRAFT
    assert registration.submitted_at is None
    assert not WorkflowTransition.objects.exists()


@pytest.mark.parametrize(
    ("change", "missing"),
    [
        ({"plan_document": ""}, "implementation plan"),
        ({"expected_results": "   "}, "expected results"),
        ({"targets": {}}, "planned number of youth for at least one target group"),
    ],
    ids=["no plan", "no expected results", "no target counts"],
)
def test_each_missing_part_blocks_submission(
    english, secretary_a, model_a, period_year, change, missing
):
    registration = RegistrationFactory(support_model=model_a, period_year=period_year, **change)

    with pytest.raises(InvalidTransition) as error:
        registration_transition(registration, S.SUBMITTED, actor=secretary_a)

    assert [str(m) for m in error.value.missing] == [missing]


def test_planned_counts_of_zero_do_not_count(
    english, secretary_a, model_a, period_year, group_disabled
):
    registration = RegistrationFactory(
        support_model=model_a, period_year=period_year, targets={group_disabled: 0}
    )

    with pytest.raises(InvalidTransition) as error:
        registration_transition(registration, S.SUBMITTED, actor=secretary_a)

    assert "planned number of youth for at least one target group" in error.value.missing


def test_a_model_without_target_groups_or_implementers_blocks_submission(
    english, secretary_a, model_a, registration_a
):
    model_a.target_groups.clear()
    model_a.implementers = ""
    model_a.save()

    with pytest.raises(InvalidTransition) as error:
        registration_transition(registration_a, S.SUBMITTED, actor=secretary_a)

    assert "at least one target group" in error.value.missing
    assert "implementers / person in charge" in error.value.missing


# --- Deadlines and periods ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_after_deadline", "late"), [(-1, False), (0, False), (1, True), (200, True)]
)
def test_a_submission_after_the_deadline_is_accepted_but_late(
    secretary_a, registration_a, period_year, days_after_deadline, late
):
    period_year.registration_deadline = timezone.localdate() - datetime.timedelta(
        days=days_after_deadline
    )
    period_year.save()

    registration_transition(registration_a, S.SUBMITTED, actor=secretary_a)

    registration_a.refresh_from_db()
    assert registration_a.status == S.SUBMITTED
    assert registration_a.is_late is late
    assert registration_a.submitted_at is not None


@pytest.mark.parametrize(
    ("from_status", "to", "who"),
    [
        (S.DRAFT, S.SUBMITTED, "secretary_a"),
        (S.SUBMITTED, S.APPROVED, "officer"),
        (S.SUBMITTED, S.RETURNED, "officer"),
        (S.APPROVED, S.REOPENED, "standing"),
    ],
)
def test_a_closed_period_refuses_every_transition(
    english, request, period, make_registration, model_a, from_status, to, who
):
    registration = make_registration(model_a, from_status)
    period.is_open = False
    period.save()

    with pytest.raises(InvalidTransition) as error:
        registration_transition(
            registration, to, actor=request.getfixturevalue(who), comment="Lý do"
        )

    assert "closed" in error.value.message
    registration.refresh_from_db()
    assert registration.status == from_status
    who = request.getfixturevalue(who)
    assert registration_capabilities(registration=registration, user=who) == set()


# --- Audit trail and mail ----------------------------------------------------------------------


def test_every_step_leaves_a_history_row(officer, standing, secretary_a, registration_a):
    registration_transition(registration_a, S.SUBMITTED, actor=secretary_a)
    registration_transition(registration_a, S.RETURNED, actor=officer, comment="Bổ sung số liệu")
    registration_transition(registration_a, S.SUBMITTED, actor=secretary_a)
    registration_transition(registration_a, S.APPROVED, actor=standing)
    registration_transition(registration_a, S.REOPENED, actor=officer, comment="Sửa ngân sách")

    rows = list(registration_a.transitions.values_list("from_status", "to_status", "actor"))
    assert rows == [
        (S.DRAFT, S.SUBMITTED, secretary_a.pk),
        (S.SUBMITTED, S.RETURNED, officer.pk),
        (S.RETURNED, S.SUBMITTED, secretary_a.pk),
        (S.SUBMITTED, S.APPROVED, standing.pk),
        (S.APPROVED, S.REOPENED, officer.pk),
    ]
    comments = list(registration_a.transitions.values_list("reason", flat=True))
    assert comments == ["", "Bổ sung số liệu", "", "", "Sửa ngân sách"]


def test_simple_history_records_each_transition(officer, secretary_a, registration_a):
    before = registration_a.history.count()

    registration_transition(registration_a, S.SUBMITTED, actor=secretary_a)
    registration_transition(registration_a, S.APPROVED, actor=officer)

    records = list(registration_a.history.order_by("history_date", "history_id"))
    assert len(records) == before + 2
    assert [r.status for r in records[-2:]] == [S.SUBMITTED, S.APPROVED]
    assert [r.history_user for r in records[-2:]] == [secretary_a, officer]


def test_submitting_mails_the_upper_unions_reviewers_after_commit(
    django_capture_on_commit_callbacks,
    mailoutbox,
    registration_a,
    secretary_a,
    secretary_b,
    officer,
    standing,
    other_officer,
    provincial_viewer,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        registration_transition(registration_a, S.SUBMITTED, actor=secretary_a)
    # Nothing leaves before the transaction commits.
    assert mailoutbox == []
    assert len(callbacks) == 1

    callbacks[0]()

    assert sorted(m.to[0] for m in mailoutbox) == sorted([officer.email, standing.email])
    assert all(m.subject.startswith(PREFIX) for m in mailoutbox)
    assert all(registration_a.support_model.name in m.body for m in mailoutbox)


@pytest.mark.parametrize(
    ("from_status", "to"),
    [(S.SUBMITTED, S.RETURNED), (S.SUBMITTED, S.APPROVED), (S.APPROVED, S.REOPENED)],
)
def test_decisions_mail_the_units_secretaries(
    django_capture_on_commit_callbacks,
    mailoutbox,
    make_registration,
    model_a,
    commune_a,
    secretary_a,
    secretary_b,
    officer,
    standing,
    from_status,
    to,
):
    second = UserFactory(role=User.Role.SECRETARY, unit=commune_a)
    UserFactory(role=User.Role.SECRETARY, unit=commune_a, is_active=False)
    UserFactory(role=User.Role.SECRETARY, unit=commune_a, email="")
    registration = make_registration(model_a, from_status)

    with django_capture_on_commit_callbacks(execute=True):
        registration_transition(registration, to, actor=officer, comment="Lý do trả lại")

    assert sorted(m.to[0] for m in mailoutbox) == sorted([secretary_a.email, second.email])
    assert all(m.subject.startswith(PREFIX) for m in mailoutbox)


def test_a_refused_transition_sends_nothing(
    django_capture_on_commit_callbacks, mailoutbox, make_registration, model_a, officer
):
    registration = make_registration(model_a, S.APPROVED)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(InvalidTransition),
    ):
        registration_transition(registration, S.APPROVED, actor=officer)

    assert callbacks == []
    assert mailoutbox == []
