"""Writes for recognition (công nhận), commendations (biểu dương, khen thưởng) and replication
(nhân rộng) of good models.

A recognition is taken by a standing-committee member of the model's reviewing union (its
direct parent — ``Perm.RECOGNISE``), against the criteria computed in
``recognition_selectors``; a criterion is overridden only with a written reason. Revoking goes
through the one workflow mechanism (``workflow.transition``) with the spec below, so a decision
and its revocation share the audit table with registrations and reports.
"""

import re
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doanthanhnien.scoping import Perm, scoped

from . import notifications, recognition_selectors, services, workflow
from .models import Commendation, Period, Recognition, SupportModel, WorkflowTransition
from .workflow import Transition, WorkflowError, WorkflowSpec

St = Recognition.Status
D = Recognition.Decision

# "12-QĐ/HĐTN", optionally written "Số 12-QĐ/HĐTN": a number, a dash, the document's symbol.
DECISION_NUMBER = re.compile(r"^(?:số\s*)?(\d{1,6})\s*-\s*(\S.{0,50})$", re.IGNORECASE)


class RecognitionError(WorkflowError):
    """A rule about recognitions or commendations refused the action; ``field`` names the form
    field the message belongs next to (or "")."""

    def __init__(self, message, *, field: str = ""):
        super().__init__(message)
        self.field = field


RECOGNITION_WORKFLOW = workflow.register(
    WorkflowSpec(
        model=Recognition,
        transitions=(
            Transition(
                "revoke",
                (St.IN_FORCE,),
                St.REVOKED,
                Perm.RECOGNISE,
                label=gettext_lazy("Revoke the decision"),
                done=gettext_lazy("Decision revoked. A new decision can now be taken."),
                reason_required=True,
                reason_label=gettext_lazy("Reason for revoking"),
                button="btn-outline-danger",
            ),
        ),
        badges={St.IN_FORCE: "text-bg-success", St.REVOKED: "text-bg-secondary"},
        editable=(),
        already={
            St.REVOKED: gettext_lazy("This decision has already been revoked."),
            St.IN_FORCE: gettext_lazy("This decision is in force."),
        },
        no_longer=gettext_lazy(
            "This decision is now “%(status)s”; that action is no longer possible."
        ),
        # Recognition comes after a period's work, often once it is closed to changes.
        closed=gettext_lazy("The period %(period)s is closed."),
        raced=gettext_lazy("Someone else changed this decision a moment ago. Reload and check."),
        is_open=lambda r: True,
        period_of=lambda r: r.period,
        deadline=lambda r: date.max,
        notify=lambda r, *, actor, transition: notifications.workflow_changed(
            obj=r, actor=actor, transition=transition
        ),
        lock_related=("support_model", "unit", "period"),
        url=lambda r: reverse("registry:recognition-detail", args=[r.pk]),
        mail_prefix="recognition",
    )
)

# The decision itself is not a transition of an existing row but the row's creation; its audit
# row names it with one of these actions (the revocation is "revoke").
DECISION_ACTIONS = {D.RECOGNISED: "recognise", D.NOT_RECOGNISED: "refuse"}


def action_labels() -> dict[str, str]:
    """What each audit row of a recognition says happened."""
    return {
        "recognise": _("Recognised"),
        "refuse": _("Not recognised"),
        "revoke": _("Decision revoked"),
    }


DECISION_MAIL = Transition(
    "decide",
    (),
    St.IN_FORCE,
    Perm.RECOGNISE,
    label=gettext_lazy("Decide"),
    done=gettext_lazy("Decision recorded."),
    mail="decided",
)


def parse_decision_number(value: str) -> str:
    """The decision number as stored ("12-QĐ/HĐTN"), or RecognitionError."""
    match = DECISION_NUMBER.match(" ".join((value or "").split()))
    if not match:
        raise RecognitionError(
            _("Write the decision number as on the document, e.g. 12-QĐ/HĐTN."),
            field="decision_number",
        )
    return f"{int(match.group(1))}-{match.group(2)}"


def _check_decision_date(value, *, earliest: date) -> None:
    if value is None:
        raise RecognitionError(_("Give the date of the decision."), field="decision_date")
    if value > timezone.localdate():
        raise RecognitionError(
            _("The decision date cannot be in the future."), field="decision_date"
        )
    if value < earliest:
        raise RecognitionError(
            _("The decision date cannot be before %(day)s.")
            % {"day": earliest.strftime("%d/%m/%Y")},
            field="decision_date",
        )


def recognition_decide(
    *,
    actor,
    support_model: SupportModel,
    period: Period,
    year: int | None,
    decision: str,
    reason: str = "",
    decision_number: str,
    decision_date,
    overrides: dict[str, bool | None] | None = None,
    override_reasons: dict[str, str] | None = None,
) -> Recognition:
    """Record the standing committee's decision on ``support_model`` for ``year`` of
    ``period`` (``year=None``: the whole period).

    The criteria are computed afresh here (never taken from the form); ``overrides`` maps a
    criterion to the committee's own answer where it differs from the data, and each such
    override needs its reason in ``override_reasons``. "Recognised" needs every criterion met;
    "not recognised" needs a reason.
    """
    if not scoped(actor, SupportModel.objects.filter(pk=support_model.pk), Perm.RECOGNISE).exists():
        raise PermissionDenied
    overrides = overrides or {}
    override_reasons = override_reasons or {}
    reason = (reason or "").strip()
    if decision not in D.values:
        raise RecognitionError(_("Choose recognised or not recognised."), field="decision")
    if year is not None and not period.years.filter(year=year).exists():
        raise RecognitionError(
            _("%(year)s is not a year of the period %(period)s.")
            % {"year": year, "period": period},
            field="year",
        )
    number = parse_decision_number(decision_number)
    _check_decision_date(decision_date, earliest=date(year or period.start_year, 1, 1))

    computed = {
        c.key: c.met
        for c in recognition_selectors.criteria_for(model=support_model, period=period, year=year)
    }
    fields = {}
    for key in Recognition.CRITERIA:
        wanted = overrides.get(key)
        why = (override_reasons.get(key) or "").strip()
        overridden = wanted is not None and wanted != computed[key]
        if overridden and not why:
            raise RecognitionError(
                _("Give a written reason for overriding this criterion."),
                field=f"{key}_override_reason",
            )
        fields[f"{key}_computed"] = computed[key]
        fields[f"{key}_met"] = wanted if overridden else computed[key]
        fields[f"{key}_override_reason"] = why if overridden else ""
    if decision == D.RECOGNISED and not all(fields[f"{k}_met"] for k in Recognition.CRITERIA):
        raise RecognitionError(
            _(
                "A model can be recognised only when every criterion is met. Override a "
                "criterion with a written reason, or decide “not recognised”."
            ),
            field="decision",
        )
    if decision == D.NOT_RECOGNISED and not reason:
        raise RecognitionError(
            _("Give the reason why the model is not recognised."), field="reason"
        )

    now = timezone.now()
    try:
        with transaction.atomic():
            # Lock the model: two members deciding at once are serialised, and the loser hits
            # the one-decision-in-force constraint below.
            SupportModel.objects.select_for_update().filter(pk=support_model.pk).first()
            recognition = Recognition(
                support_model=support_model,
                unit=support_model.unit,
                period=period,
                year=year,
                decision=decision,
                reason=reason,
                decision_number=number,
                decision_date=decision_date,
                decided_by=actor,
                decided_at=now,
                **fields,
            )
            recognition._change_reason = DECISION_ACTIONS[decision]
            recognition.save()
            WorkflowTransition.objects.create(
                content_type=ContentType.objects.get_for_model(Recognition),
                object_id=recognition.pk,
                action=DECISION_ACTIONS[decision],
                from_status="",
                to_status=St.IN_FORCE,
                actor=actor,
                at=now,
                reason=reason,
            )
            transaction.on_commit(
                lambda: notifications.workflow_changed(
                    obj=recognition, actor=actor, transition=DECISION_MAIL
                )
            )
    except IntegrityError as error:
        raise RecognitionError(
            _(
                "A decision on this model for %(span)s is already in force. Revoke it first "
                "to take a new one."
            )
            % {"span": year or period},
            field="decision",
        ) from error
    return recognition


def recognition_revoke(*, actor, recognition: Recognition, reason: str) -> Recognition:
    """Revoke a decision in force, with a reason (the one workflow mechanism)."""
    return workflow.transition(recognition, "revoke", actor=actor, reason=reason)


# --- Commendations ---------------------------------------------------------------------------


def commendation_create(
    *,
    actor,
    support_model: SupportModel,
    level: str,
    decision_number: str,
    decision_date,
    content: str,
    recipient_name: str = "",
) -> Commendation:
    """An upper union records a commendation for a model of a union below it."""
    if not scoped(actor, SupportModel.objects.filter(pk=support_model.pk), Perm.COMMEND).exists():
        raise PermissionDenied
    if actor.unit_id is None:
        raise PermissionDenied
    if level not in Commendation.Level.values:
        raise RecognitionError(_("Choose the form of commendation."), field="level")
    number = parse_decision_number(decision_number)
    _check_decision_date(decision_date, earliest=date(2000, 1, 1))
    content = (content or "").strip()
    if not content:
        raise RecognitionError(_("Write what the commendation is for."), field="content")
    commendation = Commendation(
        support_model=support_model,
        unit=support_model.unit,
        awarded_by=actor.unit,
        recipient_name=(recipient_name or "").strip()[:120],
        level=level,
        decision_number=number,
        decision_date=decision_date,
        content=content,
        created_by=actor,
    )
    commendation.save()
    return commendation


# --- Replication -----------------------------------------------------------------------------


def support_model_replicate(*, actor, origin: SupportModel) -> SupportModel:
    """ "Replicate in my union": a new model of the actor's grassroots union, pre-filled from a
    recognised model of the library, with ``replicated_from`` set. It starts as a draft — no
    registration — for the union to adapt (area, implementers) and register."""
    if not scoped(actor, SupportModel.objects.filter(pk=origin.pk), Perm.LIBRARY).exists():
        raise PermissionDenied
    if not services.may_own_models(actor):
        raise PermissionDenied
    unit = actor.unit
    if origin.unit_id == unit.pk:
        raise RecognitionError(_("This model is already your union's own."))
    existing = SupportModel.objects.filter(unit=unit, replicated_from=origin).first()
    if existing is not None:
        raise RecognitionError(
            _("Your union already replicates this model: “%(name)s”.") % {"name": existing.name}
        )
    return services.support_model_create(
        actor=actor,
        unit=unit,
        target_groups=list(origin.target_groups.all()),
        name=origin.name,
        category=origin.category,
        description=origin.description,
        # The area and the people are the new union's own: left for it to fill in.
        area="",
        implementers="",
        replicated_from=origin,
    )
