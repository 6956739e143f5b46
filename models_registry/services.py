"""Writes for support models and registrations.

Every status change goes through ``registration_transition``: views, admin actions and
commands alike. The rules are data (``TRANSITIONS``); the function locks the row, checks the
current state, updates it conditionally, writes the audit row and sends mail after commit.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doanthanhnien.models import Unit, User
from doanthanhnien.scoping import Perm, allowed, scoped, user_may

from . import notifications, selectors
from .models import (
    ModelStep,
    PeriodYear,
    Registration,
    RegistrationTarget,
    RegistrationTransition,
    ReminderLog,
    SupportModel,
)

S = Registration.Status


class RegistrationError(Exception):
    """A domain rule refused the action; the message is safe to show to the user."""

    def __init__(self, message, *, missing=None):
        super().__init__(message)
        self.message = message
        self.missing = missing or []


class InvalidTransition(RegistrationError):
    pass


@dataclass(frozen=True)
class Rule:
    perm: Perm
    reason_required: bool = False


# The whole workflow, as data: (from, to) → who may do it and whether a reason is required.
TRANSITIONS: dict[tuple[str, str], Rule] = {
    (S.DRAFT, S.SUBMITTED): Rule(Perm.EDIT),
    (S.RETURNED, S.SUBMITTED): Rule(Perm.EDIT),
    (S.REOPENED, S.SUBMITTED): Rule(Perm.EDIT),
    (S.SUBMITTED, S.APPROVED): Rule(Perm.REVIEW),
    (S.SUBMITTED, S.RETURNED): Rule(Perm.REVIEW, reason_required=True),
    (S.APPROVED, S.REOPENED): Rule(Perm.REVIEW, reason_required=True),
}

ACTION_TARGETS = {"submit": S.SUBMITTED, "approve": S.APPROVED, "return": S.RETURNED,
                  "reopen": S.REOPENED}  # fmt: skip
# Who may ask for each action, read off TRANSITIONS (every rule into a status shares a perm).
ACTION_PERMS = {
    action: next(rule.perm for (_, into), rule in TRANSITIONS.items() if into == to)
    for action, to in ACTION_TARGETS.items()
}

_ALREADY = {
    S.SUBMITTED: gettext_lazy("This registration has already been submitted."),
    S.APPROVED: gettext_lazy("This registration has already been approved."),
    S.RETURNED: gettext_lazy("This registration has already been returned."),
    S.REOPENED: gettext_lazy("This registration has already been reopened."),
    S.DRAFT: gettext_lazy("This registration is still a draft."),
}


def _may(user, registration: Registration, perm: Perm) -> bool:
    return allowed(user, Registration.objects.filter(pk=registration.pk), perm)


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
    """What ``user`` may do with ``registration`` now: the workflow actions ("submit",
    "approve", "return", "reopen") plus "edit" and "carry_over" — the one place pages ask."""
    if not registration.period_year.period.is_open:
        return set()
    perms = {perm: _may(user, registration, perm) for perm in (Perm.EDIT, Perm.REVIEW)}
    capabilities = {
        action
        for action, to in ACTION_TARGETS.items()
        if (rule := TRANSITIONS.get((registration.status, to))) and perms[rule.perm]
    }
    if perms[Perm.EDIT] and registration.is_editable:
        capabilities.add("edit")
    if perms[Perm.EDIT] and registration.status == S.APPROVED:
        following = next_open_year(registration)
        if following is not None and not _already_registered(registration, following):
            capabilities.add("carry_over")
    return capabilities


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


def registration_transition(
    registration: Registration, to: str, *, actor, comment: str = ""
) -> Registration:
    """Move ``registration`` to status ``to`` on behalf of ``actor``.

    Raises PermissionDenied when the actor may not act on this registration, and
    InvalidTransition (with a message for the user) when the current state does not allow it —
    including when another person changed it a moment earlier.
    """
    comment = (comment or "").strip()
    with transaction.atomic():
        # Lock the row and re-read it inside the transaction: a concurrent request waits here
        # (PostgreSQL) and then sees the state the winner left.
        current = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("period_year__period", "unit", "support_model")
            .filter(pk=registration.pk)
            .first()
        )
        if current is None:
            raise PermissionDenied
        rule = TRANSITIONS.get((current.status, to))
        if rule is None:
            if current.status == to or (to == S.SUBMITTED and current.status == S.APPROVED):
                raise InvalidTransition(str(_ALREADY[current.status]))
            raise InvalidTransition(
                _("This registration is now “%(status)s”; that action is no longer possible.")
                % {"status": current.get_status_display()}
            )
        if not _may(actor, current, rule.perm):
            raise PermissionDenied
        if not current.period_year.period.is_open:
            raise InvalidTransition(
                _("The period %(period)s is closed: its registrations can no longer change.")
                % {"period": current.period_year.period}
            )
        if rule.reason_required and not comment:
            raise InvalidTransition(_("Please give a reason."))

        now = timezone.now()
        changes = {"status": to, "updated_at": now}
        if to == S.SUBMITTED:
            missing = registration_missing_fields(current)
            if missing:
                raise InvalidTransition(
                    _("Complete these before submitting: %(fields)s.")
                    % {"fields": ", ".join(str(m) for m in missing)},
                    missing=missing,
                )
            changes["submitted_at"] = now
            changes["is_late"] = timezone.localdate() > current.period_year.registration_deadline
        else:
            changes["decided_at"] = now
        if rule.reason_required:
            changes["last_reason"] = comment
        elif to == S.APPROVED:
            changes["last_reason"] = ""

        # Conditional update: on databases without row locks (SQLite) the loser updates 0 rows.
        updated = Registration.objects.filter(pk=current.pk, status=current.status).update(
            **changes
        )
        if updated != 1:
            raise InvalidTransition(
                _("Someone else changed this registration a moment ago. Reload and check.")
            )
        from_status = current.status
        for key, value in changes.items():
            setattr(current, key, value)
        # Keep django-simple-history's audit trail complete for updates made with .update().
        current.history.model.objects.create(
            **{f.attname: getattr(current, f.attname) for f in Registration._meta.fields},
            history_date=now,
            history_type="~",
            history_user=actor if getattr(actor, "pk", None) else None,
            history_change_reason=comment[:100] or to,
        )
        RegistrationTransition.objects.create(
            registration=current,
            from_status=from_status,
            to_status=to,
            actor=actor if getattr(actor, "pk", None) else None,
            comment=comment,
        )
        transaction.on_commit(
            lambda: notifications.registration_changed(registration=current, actor=actor)
        )
    return current


def registrations_bulk_approve(*, ids: list[int], actor) -> tuple[int, list[str]]:
    """Approve several registrations; each is its own transition. Returns (done, problems)."""
    done, problems = 0, []
    queryset = scoped(actor, Registration.objects.select_related("support_model"), Perm.REVIEW)
    for registration in queryset.filter(pk__in=ids):
        try:
            registration_transition(registration, S.APPROVED, actor=actor)
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
    _check_own_unit(actor, model.unit)
    with transaction.atomic():
        for data in steps:
            ModelStep.objects.update_or_create(
                support_model=model,
                step=data["step"],
                defaults={k: data[k] for k in ("done", "done_on", "note")},
            )


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
    plan = fields.pop("plan_document", None)
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
            registration.plan_document_name = plan.name[:255]
            registration.plan_document = plan
        registration.save()
        _save_targets(registration, counts)
    return registration


def registration_update(
    *, actor, registration: Registration, counts: dict[int, int], **fields
) -> Registration:
    _check_own_unit(actor, registration.unit)
    if not registration.period_year.period.is_open:
        raise RegistrationError(_("This period is closed."))
    plan = fields.pop("plan_document", None)
    with transaction.atomic():
        # Re-check the state under a lock: a submit in another tab must not be overwritten.
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.status not in Registration.EDITABLE:
            raise RegistrationError(
                _("This registration is “%(status)s” and can no longer be edited.")
                % {"status": locked.get_status_display()}
            )
        for key, value in fields.items():
            setattr(registration, key, value)
        if plan:
            # The stored file, not the instance's: a bound ModelForm has already put the new
            # upload on ``registration``.
            old = locked.plan_document.name or None
            registration.plan_document_name = plan.name[:255]
            registration.plan_document = plan
            if old:
                storage = registration.plan_document.storage
                transaction.on_commit(lambda: storage.delete(old))
        registration.status = locked.status
        registration.save()
        _save_targets(registration, counts)
    return registration


def registration_carry_over(*, actor, registration: Registration) -> Registration:
    """Continue a model into the next programme year: a new draft pre-filled from this one."""
    _check_own_unit(actor, registration.unit)
    next_year = next_open_year(registration)
    if next_year is None:
        raise RegistrationError(
            _("There is no open programme year after %(year)s.") % {"year": registration.year}
        )
    if _already_registered(registration, next_year):
        raise RegistrationError(
            _("This model is already registered for %(year)s.") % {"year": next_year.year}
        )
    counts = {t.target_group_id: t.planned_count for t in registration.targets.all()}
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
    return new


# --- Reminders --------------------------------------------------------------------------------


def units_without_submission(*, units, year: int):
    """Grassroots units (from ``units``) with no registration submitted or approved for ``year``."""
    return units.exclude(
        Q(registrations__year=year) & Q(registrations__status__in=[S.SUBMITTED, S.APPROVED])
    ).filter(kind__in=Unit.GRASSROOTS_KINDS)


def reminders_send_by(*, actor, period_year: PeriodYear, within=None, unit=None) -> int:
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


def reminders_send(*, year: int, units, actor=None, today: date | None = None) -> int:
    """Mail the secretaries of ``units`` that have not submitted for ``year``.

    A unit already reminded today is skipped, whoever reminded it. Returns mails sent.
    """
    today = today or timezone.localdate()
    sent = 0
    for unit in units_without_submission(units=units, year=year).distinct():
        with transaction.atomic():
            log, created = ReminderLog.objects.get_or_create(
                unit=unit, year=year, sent_on=today, defaults={"sent_by": actor}
            )
            if not created:
                continue
            recipients = list(
                User.objects.filter(unit=unit, role=User.Role.SECRETARY, is_active=True).exclude(
                    email=""
                )
            )
            log.recipients = len(recipients)
            log.save(update_fields=["recipients"])
            if recipients:
                transaction.on_commit(
                    lambda unit=unit, recipients=recipients: notifications.reminder(
                        unit=unit, year=year, recipients=recipients
                    )
                )
                sent += len(recipients)
    return sent
