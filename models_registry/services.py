"""Writes for support models and registrations.

Every status change goes through the one workflow mechanism (``workflow.transition``): views,
admin actions and commands alike. The registration's workflow is the spec below, as data.
"""

import os
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doanthanhnien.models import Unit, User
from doanthanhnien.scoping import Perm, allowed, scoped, user_may

from . import notifications, report_selectors, selectors, workflow
from .models import (
    ModelStep,
    PeriodYear,
    Registration,
    RegistrationTarget,
    ReminderLog,
    SupportModel,
)
from .workflow import InvalidTransition, Transition, WorkflowSpec

S = Registration.Status

# The programme's domain error (its message is safe to show); InvalidTransition is one.
RegistrationError = workflow.WorkflowError

__all__ = ["InvalidTransition", "RegistrationError"]


def registration_missing_fields(registration: Registration) -> list[str]:
    """What the guideline requires before a registration can be submitted (IV)."""
    missing = []
    model = registration.support_model
    if not model.name.strip():
        missing.append(_("name of the model"))
    if not model.target_groups.exists():
        missing.append(_("at least one target group"))
    if not model.implementers.strip():
        missing.append(_("implementers / person in charge"))
    if not registration.expected_results.strip():
        missing.append(_("expected results"))
    if not registration.targets.filter(planned_count__gt=0).exists():
        missing.append(_("planned number of youth for at least one target group"))
    if not registration.plan_document:
        missing.append(_("implementation plan"))
    return missing


REGISTRATION_WORKFLOW = workflow.register(
    WorkflowSpec(
        model=Registration,
        transitions=(
            Transition(
                "submit",
                (S.DRAFT, S.RETURNED, S.REOPENED),
                S.SUBMITTED,
                Perm.EDIT,
                label=gettext_lazy("Submit for review"),
                done=gettext_lazy("Submitted for review."),
                stamp=workflow.SUBMIT,
                already_from=(S.APPROVED,),
                check_complete=True,
                confirm=True,
            ),
            Transition(
                "withdraw",
                (S.SUBMITTED,),
                S.DRAFT,
                Perm.EDIT,
                label=gettext_lazy("Withdraw"),
                done=gettext_lazy("Submission withdrawn: the registration is a draft again."),
                stamp=workflow.WITHDRAW,
                button="btn-outline-secondary",
                mail="withdrawn",
            ),
            Transition(
                "approve",
                (S.SUBMITTED,),
                S.APPROVED,
                Perm.REVIEW,
                label=gettext_lazy("Approve"),
                done=gettext_lazy("Registration approved."),
                button="btn-success",
                clears_reason=True,
                confirm=True,
                admin_label=gettext_lazy("Approve selected registrations"),
            ),
            Transition(
                "return",
                (S.SUBMITTED,),
                S.RETURNED,
                Perm.REVIEW,
                label=gettext_lazy("Return"),
                done=gettext_lazy("Registration returned to the union with your reason."),
                reason_required=True,
                reason_label=gettext_lazy("Reason for return"),
                button="btn-danger",
                admin_label=gettext_lazy("Return selected registrations (reason: incomplete)"),
                admin_reason=gettext_lazy("Returned by the administrator: incomplete."),
            ),
            Transition(
                "reopen",
                (S.APPROVED,),
                S.REOPENED,
                Perm.REVIEW,
                label=gettext_lazy("Reopen"),
                done=gettext_lazy("Registration reopened for editing."),
                reason_required=True,
                reason_label=gettext_lazy("Reason for reopening"),
                button="btn-outline-danger",
            ),
        ),
        badges={
            S.APPROVED: "text-bg-success",
            S.SUBMITTED: "text-bg-warning",
            S.RETURNED: "text-bg-danger",
            S.REOPENED: "text-bg-info",
            S.DRAFT: "text-bg-secondary",
        },
        editable=Registration.EDITABLE,
        already={
            S.SUBMITTED: gettext_lazy("This registration has already been submitted."),
            S.APPROVED: gettext_lazy("This registration has already been approved."),
            S.RETURNED: gettext_lazy("This registration has already been returned."),
            S.REOPENED: gettext_lazy("This registration has already been reopened."),
            S.DRAFT: gettext_lazy("This registration is still a draft."),
        },
        no_longer=gettext_lazy(
            "This registration is now “%(status)s”; that action is no longer possible."
        ),
        closed=gettext_lazy(
            "The period %(period)s is closed: its registrations can no longer change."
        ),
        raced=gettext_lazy(
            "Someone else changed this registration a moment ago. Reload and check."
        ),
        is_open=lambda r: r.period_year.period.is_open,
        period_of=lambda r: r.period_year.period,
        deadline=lambda r: r.period_year.registration_deadline,
        # Looked up at call time, so the check is this module's function (tests replace it).
        missing=lambda r: registration_missing_fields(r),
        notify=lambda r, *, actor, transition: notifications.workflow_changed(
            obj=r, actor=actor, transition=transition
        ),
        lock_related=("period_year__period", "unit", "support_model"),
        url=lambda r: reverse("registry:registration-detail", args=[r.pk]),
        mail_prefix="registration",
        done_states=(S.APPROVED,),
        reason_labels={
            S.RETURNED: gettext_lazy("Reason for return"),
            S.REOPENED: gettext_lazy("Reason for reopening"),
        },
    )
)

# The workflow as a pipeline table, (from, to) → transition, read off the spec.
TRANSITIONS = REGISTRATION_WORKFLOW.table()


def next_open_year(registration: Registration) -> PeriodYear | None:
    """The first open programme year after ``registration``'s (where "continue next year"
    leads), or None."""
    return (
        PeriodYear.objects.filter(year__gt=registration.year, period__is_open=True)
        .select_related("period")
        .order_by("year")
        .first()
    )


def _already_registered(registration: Registration, period_year: PeriodYear) -> bool:
    return registration.support_model.registrations.filter(year=period_year.year).exists()


def registration_capabilities(*, registration: Registration, user) -> set[str]:
    """What ``user`` may do with ``registration`` now: the workflow's actions ("submit",
    "withdraw", "approve", "return", "reopen"), "edit", and "carry_over"."""
    if not REGISTRATION_WORKFLOW.is_open(registration):
        return set()
    granted = workflow.granted_perms(registration, user=user)
    capabilities = workflow.capabilities(registration, user=user, granted=granted)
    if granted[Perm.EDIT] and registration.status == S.APPROVED:
        following = next_open_year(registration)
        if following is not None and not _already_registered(registration, following):
            capabilities.add("carry_over")
    return capabilities


def registration_transition(
    registration: Registration, to: str, *, actor, comment: str = ""
) -> Registration:
    """Move ``registration`` into status ``to``: the registration's name for
    ``workflow.transition`` (each status is reached by one action)."""
    step = REGISTRATION_WORKFLOW.action_to(to)
    if step is None:
        raise InvalidTransition(
            REGISTRATION_WORKFLOW.no_longer % {"status": registration.get_status_display()}
        )
    return workflow.transition(registration, step.action, actor=actor, reason=comment)


def registrations_bulk_approve(*, ids: list[int], actor) -> tuple[int, list[str]]:
    """Approve several registrations; each is its own transition. Returns (done, problems)."""
    queryset = scoped(actor, Registration.objects.select_related("support_model"), Perm.REVIEW)
    done, problems = 0, []
    for registration in queryset.filter(pk__in=ids):
        try:
            workflow.transition(registration, "approve", actor=actor)
            done += 1
        except (InvalidTransition, PermissionDenied) as error:
            problems.append(f"{registration.support_model}: {getattr(error, 'message', error)}")
    return done, problems


# --- Creating and editing ---------------------------------------------------------------------


def may_own_models(user) -> bool:
    """Models belong to grassroots unions; upper unions review them, they do not own them."""
    unit = getattr(user, "unit", None)
    return user_may(user, Perm.EDIT) and unit is not None and unit.is_grassroots


def _check_own_unit(actor, unit: Unit) -> None:
    if not allowed(actor, Unit.objects.filter(pk=unit.pk), Perm.EDIT):
        raise PermissionDenied


def period_year_is_open(period_year: PeriodYear) -> bool:
    return period_year.period.is_open


def support_model_create(*, actor, unit: Unit, target_groups, partner_units=(), **fields):
    _check_own_unit(actor, unit)
    if not unit.is_grassroots:
        raise PermissionDenied
    with transaction.atomic():
        model = SupportModel(unit=unit, created_by=actor, **fields)
        model.save()
        model.target_groups.set(target_groups)
        model.partner_units.set(partner_units)
        ModelStep.objects.bulk_create(
            [ModelStep(support_model=model, step=step) for step in ModelStep.Step.values]
        )
    return model


def support_model_update(*, actor, model: SupportModel, target_groups, partner_units=(), **fields):
    _check_own_unit(actor, model.unit)
    # A bound ModelForm has already copied the new values onto ``model``: compare the name
    # with the stored one, not with the instance.
    stored_name = SupportModel.objects.filter(pk=model.pk).values_list("name", flat=True).first()
    if (
        model.registrations.filter(status__in=[S.SUBMITTED, S.APPROVED])
        .exclude(period_year__period__is_open=False)
        .exists()
        and fields.get("name", model.name) != stored_name
    ):
        raise RegistrationError(
            _("The name cannot change while a registration is awaiting review or is approved.")
        )
    with transaction.atomic():
        for key, value in fields.items():
            setattr(model, key, value)
        model.save()
        model.target_groups.set(target_groups)
        model.partner_units.set(partner_units)
    return model


def model_steps_update(*, actor, model: SupportModel, steps: list[dict]) -> None:
    """Save the seven building steps. A step's ``evidence``, when given, is a new upload that
    replaces the stored file; ``remove_evidence`` drops it. Replaced files are deleted after
    commit; without either the stored evidence is kept as it is."""
    _check_own_unit(actor, model.unit)
    with transaction.atomic():
        locked = ModelStep.objects.select_for_update().filter(support_model=model)
        stored = {s.step: s for s in locked}
        for data in steps:
            step = stored.get(data["step"]) or ModelStep(support_model=model, step=data["step"])
            changed = [k for k in ("done", "done_on", "note") if getattr(step, k) != data[k]]
            for key in changed:
                setattr(step, key, data[key])
            upload = _new_upload({"plan_document": data.get("evidence")})
            old = step.evidence.name or None
            if upload:
                step.evidence_name = os.path.basename(upload.name or "")[:255]
                step.evidence = upload
                changed += ["evidence", "evidence_name"]
            elif data.get("remove_evidence") and old:
                step.evidence = ""
                step.evidence_name = ""
                changed += ["evidence", "evidence_name"]
            if step.pk is None:
                step.save()
            elif changed:
                step.save(update_fields=changed)
            if old and old != (step.evidence.name or None):
                storage = step.evidence.storage
                transaction.on_commit(lambda storage=storage, old=old: storage.delete(old))


def _save_targets(registration: Registration, counts: dict[int, int]) -> None:
    existing = {t.target_group_id: t for t in registration.targets.all()}
    for group_id, count in counts.items():
        target = existing.get(group_id)
        if target is None:
            RegistrationTarget.objects.create(
                registration=registration, target_group_id=group_id, planned_count=count or 0
            )
        elif target.planned_count != (count or 0):
            target.planned_count = count or 0
            target.save(update_fields=["planned_count"])
    registration.targets.exclude(target_group_id__in=counts.keys()).delete()


def registration_create(
    *, actor, model: SupportModel, period_year: PeriodYear, counts: dict[int, int], **fields
) -> Registration:
    _check_own_unit(actor, model.unit)
    if not period_year.period.is_open:
        raise RegistrationError(_("This period is closed."))
    if model.registrations.filter(year=period_year.year).exists():
        raise RegistrationError(
            _("This model is already registered for %(year)s.") % {"year": period_year.year}
        )
    plan = _new_upload(fields)
    with transaction.atomic():
        registration = Registration(
            support_model=model,
            unit=model.unit,
            period_year=period_year,
            year=period_year.year,
            created_by=actor,
            **fields,
        )
        if plan:
            _store_new_plan(registration, plan, actor=actor)
        registration.save()
        _save_targets(registration, counts)
    return registration


def _store_new_plan(registration: Registration, plan, *, actor) -> None:
    """Put a newly uploaded plan on ``registration`` (saved by the caller)."""
    registration.plan_document_name = os.path.basename(plan.name or "")[:255]
    registration.plan_document = plan
    registration._history_user = actor if getattr(actor, "pk", None) else None
    registration._change_reason = "plan uploaded"


def _new_upload(fields: dict):
    """The new plan among ``fields``, or None. Only a fresh upload counts: a stored file
    handed back (as a bound ModelForm does when no file is chosen) leaves the plan alone."""
    plan = fields.pop("plan_document", None)
    if not plan or isinstance(plan, FieldFile):
        return None
    return plan


def edit_refusal(registration: Registration, *, status: str | None = None) -> str | None:
    """Why the unit cannot change ``registration`` now, or None when it can: its period is
    closed, or its status is no longer editable. ``status`` is the one read under a lock when
    it may have changed since ``registration`` was read. The edit pages ask before showing a
    form; the services ask again and refuse (RegistrationError)."""
    if not registration.period_year.period.is_open:
        return _("This period is closed.")
    status = registration.status if status is None else status
    if status not in Registration.EDITABLE:
        return _("This registration is “%(status)s” and can no longer be edited.") % {
            "status": Registration.Status(status).label
        }
    return None


def _check_editable(registration: Registration, *, status: str | None = None) -> None:
    if refusal := edit_refusal(registration, status=status):
        raise RegistrationError(refusal)


def registration_update(
    *, actor, registration: Registration, counts: dict[int, int], **fields
) -> Registration:
    """Save the unit's changes to an editable registration. ``plan_document``, when given,
    is a new upload that replaces the stored plan (whose file is deleted after commit);
    without it the stored plan is kept as it is."""
    _check_own_unit(actor, registration.unit)
    _check_editable(registration)
    plan = _new_upload(fields)
    with transaction.atomic():
        # Re-check the state under a lock: a submit in another tab must not be overwritten.
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        _check_editable(registration, status=locked.status)
        for key, value in fields.items():
            setattr(registration, key, value)
        # The stored plan, never the instance's: whatever a form put on ``registration``.
        registration.plan_document = locked.plan_document.name
        registration.plan_document_name = locked.plan_document_name
        old = locked.plan_document.name or None
        if plan:
            _store_new_plan(registration, plan, actor=actor)
        registration.status = locked.status
        registration.save()
        if plan and old and old != registration.plan_document.name:
            storage = registration.plan_document.storage
            transaction.on_commit(lambda: storage.delete(old))
        _save_targets(registration, counts)
    return registration


def registration_plan_remove(*, actor, registration: Registration) -> Registration:
    """Remove the plan of an editable registration, on the unit's explicit request.

    The change is in the registration's history (who, when, which file); the file is deleted
    after commit. Submitting again will ask for a plan.
    """
    _check_own_unit(actor, registration.unit)
    _check_editable(registration)
    with transaction.atomic():
        locked = Registration.objects.select_for_update().filter(pk=registration.pk).get()
        _check_editable(registration, status=locked.status)
        if not locked.plan_document:
            raise RegistrationError(_("This registration has no plan to remove."))
        old, old_name = locked.plan_document.name, locked.plan_document_name
        storage = locked.plan_document.storage
        locked.plan_document = ""
        locked.plan_document_name = ""
        locked._history_user = actor if getattr(actor, "pk", None) else None
        locked._change_reason = f"plan removed: {old_name}"[:100]
        locked.save(update_fields=["plan_document", "plan_document_name", "updated_at"])
        transaction.on_commit(lambda: storage.delete(old))
    return locked


def registration_carry_over(*, actor, registration: Registration) -> Registration:
    """Continue an approved model into the next open programme year: a new draft pre-filled
    from this one (without its plan: each year's plan is uploaded anew)."""
    _check_own_unit(actor, registration.unit)
    # Re-read: the caller's copy may be stale, and only an approved registration continues.
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status != S.APPROVED:
        raise RegistrationError(
            _("Only an approved registration can be continued into the next year.")
        )
    next_year = next_open_year(registration)
    if next_year is None:
        raise RegistrationError(
            _("There is no open programme year after %(year)s.") % {"year": registration.year}
        )
    already = RegistrationError(
        _("This model is already registered for %(year)s.") % {"year": next_year.year}
    )
    if _already_registered(registration, next_year):
        raise already
    counts = {t.target_group_id: t.planned_count for t in registration.targets.all()}
    try:
        with transaction.atomic():
            new = Registration.objects.create(
                support_model=registration.support_model,
                unit=registration.unit,
                period_year=next_year,
                year=next_year.year,
                expected_results=registration.expected_results,
                planned_budget=registration.planned_budget,
                budget_sources=registration.budget_sources,
                carried_over_from=registration,
                created_by=actor,
            )
            _save_targets(new, counts)
    except IntegrityError as error:
        # Two taps (or two tabs) at once: the unique (model, year) constraint stops the second.
        raise already from error
    return new


# --- Reminders --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderResult:
    """What one reminder run did: mails sent, unions reminded, and the unions left out
    because they have no active secretary with an e-mail address."""

    mails: int
    unions: int
    without_email: int


def reminders_send_by(*, actor, period_year: PeriodYear, within=None, unit=None) -> ReminderResult:
    """The "Remind" buttons: an upper-union officer reminds the unions in their area, those
    under ``within`` (a union of that area), or the one union ``unit`` of a completeness row."""
    if not user_may(actor, Perm.REVIEW):
        raise PermissionDenied
    if not period_year.period.is_open:
        raise RegistrationError(_("This period is closed."))
    units = selectors.grassroots_units(user=actor, period_year=period_year)
    if within is not None:
        units = units.filter(path__startswith=within.path)
    if unit is not None:
        units = units.filter(pk=unit.pk)
    return reminders_send(year=period_year.year, units=units, actor=actor)


def reminders_send(*, year: int, units, actor=None, today: date | None = None) -> ReminderResult:
    """Mail the secretaries of ``units`` that have not submitted for ``year``, or whose
    approved model's final result report is due and not in.

    A union already mailed today is skipped, whoever reminded it; a union whose run today
    reached nobody (no secretary with an e-mail yet) is tried again.
    """
    today = today or timezone.localdate()
    no_registration = set(
        selectors.units_without_submission(units=units, year=year).values_list("pk", flat=True)
    )
    report_missing = set(
        report_selectors.units_with_report_missing(units=units, year=year, today=today)
        .filter(kind__in=Unit.GRASSROOTS_KINDS)
        .values_list("pk", flat=True)
    )
    sent = unions = without_email = 0
    for unit in Unit.objects.filter(pk__in=no_registration | report_missing).order_by("pk"):
        with transaction.atomic():
            log, created = ReminderLog.objects.select_for_update().get_or_create(
                unit=unit, year=year, sent_on=today, defaults={"sent_by": actor}
            )
            if not created and log.recipients > 0:
                continue
            recipients = list(
                User.objects.filter(unit=unit, role=User.Role.SECRETARY, is_active=True).exclude(
                    email=""
                )
            )
            log.recipients = len(recipients)
            log.sent_by = actor
            log.save(update_fields=["recipients", "sent_by"])
            if not recipients:
                without_email += 1
                continue
            transaction.on_commit(
                lambda unit=unit, recipients=recipients: notifications.reminder(
                    unit=unit,
                    year=year,
                    recipients=recipients,
                    missing_registration=unit.pk in no_registration,
                    missing_report=unit.pk in report_missing,
                )
            )
            sent += len(recipients)
            unions += 1
    return ReminderResult(mails=sent, unions=unions, without_email=without_email)
