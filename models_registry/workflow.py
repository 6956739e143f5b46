"""One workflow mechanism for everything the upper union reviews.

Each reviewed model (registrations, result reports, later surveys…) describes its workflow as
data — a ``WorkflowSpec``: its states and badge colours, its transitions (the action, from which
states to which, the permission, whether a reason is required, the button label and the
message shown afterwards), the completeness check before submitting, the deadline that makes a
submission late, whether its period is still open, and who is told. ``transition()`` is the
one function that moves any of them: it locks the row, checks the permission *first* (a
stranger learns nothing about the state), then the state, updates the row conditionally,
writes one audit row (``WorkflowTransition``) and one simple-history record, and notifies after
the commit. Capabilities, buttons, messages, badges and admin actions are read off the spec.

Modelled on pretix's ``approve_order`` (guard → atomic → log → side effects) and django-oscar's
``pipeline`` / ``set_status``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction as db_transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from doanthanhnien.scoping import Perm, allowed

from .models import WorkflowTransition


class WorkflowError(Exception):
    """A domain rule refused the action; the message is safe to show to the user."""

    def __init__(self, message, *, missing=None):
        super().__init__(message)
        self.message = message
        self.missing = missing or []


class InvalidTransition(WorkflowError):
    pass


# What a transition stamps on the object besides its status.
SUBMIT = "submit"  # submitted_at = now, is_late from the deadline
DECIDE = "decide"  # decided_at = now
WITHDRAW = "withdraw"  # back to the unit: submitted_at and is_late cleared


@dataclass(frozen=True)
class Transition:
    action: str  # the name in URLs, buttons and audit rows: "submit", "approve"…
    sources: tuple[str, ...]
    target: str
    perm: Perm
    label: str | Promise  # the button
    done: str | Promise  # the message after it worked
    stamp: str = DECIDE
    reason_required: bool = False
    reason_label: str | Promise = ""
    button: str = "btn-primary"
    # States meaning "this was already done" (beyond the target itself), for a clearer refusal.
    already_from: tuple[str, ...] = ()
    clears_reason: bool = False  # a positive decision forgets the last reason for return
    check_complete: bool = False
    # Offered as an admin action (with this fixed reason when one is required).
    admin_label: str | Promise = ""
    admin_reason: str | Promise = ""
    mail: str = ""  # the mail template's suffix; by default the target status

    @property
    def by_unit(self) -> bool:
        """Taken by the unit itself (submit, withdraw), not by its reviewers."""
        return self.perm == Perm.EDIT


@dataclass(frozen=True)
class WorkflowSpec:
    model: type[Model]
    transitions: tuple[Transition, ...]
    badges: dict[str, str]  # status → Bootstrap badge class
    editable: tuple[str, ...]  # states in which the unit may still change the content
    already: dict[str, str | Promise]  # status → "This … has already been …"
    no_longer: str | Promise  # "This … is now “%(status)s”; that action is no longer possible."
    closed: str | Promise  # "The period %(period)s is closed…"
    raced: str | Promise  # "Someone else changed this … a moment ago."
    is_open: Callable[[Model], bool]
    period_of: Callable[[Model], object]
    deadline: Callable[[Model], date]
    missing: Callable[[Model], list] = lambda obj: []
    notify: Callable[..., object] | None = None  # notify(obj, actor=, transition=)
    lock_related: tuple[str, ...] = ()
    url: Callable[[Model], str] | None = None  # the object's page, for mails
    done_states: tuple[str, ...] = ()  # nothing left to do (approved, accepted)
    # States whose last reason must be shown next to the object, with its heading.
    reason_labels: dict = field(default_factory=dict)
    # States that count as "still not in" once the deadline has passed (late although unsent).
    overdue_states: tuple[str, ...] = ()
    mail_prefix: str = ""
    _by_action: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self._by_action.update({t.action: t for t in self.transitions})

    # --- Reading the spec --------------------------------------------------------------------

    @property
    def actions(self) -> tuple[str, ...]:
        return tuple(self._by_action)

    def get(self, action: str) -> Transition | None:
        return self._by_action.get(action)

    def table(self) -> dict[tuple[str, str], Transition]:
        """(from, to) → transition: the whole workflow as a pipeline table."""
        return {(source, t.target): t for t in self.transitions for source in t.sources}

    def action_to(self, target: str) -> Transition | None:
        """The transition that leads into ``target`` (each target has one)."""
        return next((t for t in self.transitions if t.target == target), None)

    def badge(self, status: str) -> str:
        return self.badges.get(status, "text-bg-secondary")


_SPECS: dict[type[Model], WorkflowSpec] = {}


def register(spec: WorkflowSpec) -> WorkflowSpec:
    _SPECS[spec.model] = spec
    return spec


def spec_for(obj_or_model) -> WorkflowSpec:
    model = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    return _SPECS[model._meta.concrete_model]


def may(user, obj: Model, perm: Perm) -> bool:
    return allowed(user, type(obj).objects.filter(pk=obj.pk), perm)


def granted_perms(obj: Model, *, user) -> dict[Perm, bool]:
    """Which of the permissions the spec uses (and EDIT) ``user`` holds on ``obj``: one query
    per permission."""
    perms = {t.perm for t in spec_for(obj).transitions} | {Perm.EDIT}
    return {perm: may(user, obj, perm) for perm in perms}


def capabilities(obj: Model, *, user, granted: dict[Perm, bool] | None = None) -> set[str]:
    """The actions ``user`` may take on ``obj`` now, plus "edit"."""
    spec = spec_for(obj)
    if not spec.is_open(obj):
        return set()
    granted = granted if granted is not None else granted_perms(obj, user=user)
    result = {t.action for t in spec.transitions if obj.status in t.sources and granted[t.perm]}
    if granted[Perm.EDIT] and obj.status in spec.editable:
        result.add("edit")
    return result


def buttons(obj: Model, actions: set[str]) -> list[Transition]:
    """The spec's transitions among ``actions``, in the spec's order, for a page to render."""
    return [t for t in spec_for(obj).transitions if t.action in actions]


def transition(obj: Model, action: str, *, actor, reason: str = "") -> Model:
    """Take ``action`` on ``obj`` on behalf of ``actor``; returns the updated object.

    Raises PermissionDenied when the actor may not take this action on this object (checked
    before anything about its state is revealed), and InvalidTransition with a message for the
    user when the state does not allow it — including when another person changed it a moment
    earlier.
    """
    spec = spec_for(obj)
    step = spec.get(action)
    if step is None:
        raise InvalidTransition(spec.no_longer % {"status": obj.get_status_display()})
    reason = (reason or "").strip()
    model = spec.model
    with db_transaction.atomic():
        # Lock the row and re-read it inside the transaction: a concurrent request waits here
        # (PostgreSQL) and then sees the state the winner left.
        current = (
            model.objects.select_for_update(of=("self",))
            .select_related(*spec.lock_related)
            .filter(pk=obj.pk)
            .first()
        )
        if current is None or not may(actor, current, step.perm):
            raise PermissionDenied
        if current.status not in step.sources:
            if current.status == step.target or current.status in step.already_from:
                raise InvalidTransition(str(spec.already[current.status]))
            raise InvalidTransition(spec.no_longer % {"status": current.get_status_display()})
        if not spec.is_open(current):
            raise InvalidTransition(spec.closed % {"period": spec.period_of(current)})
        if step.reason_required and not reason:
            raise InvalidTransition(_("Please give a reason."))
        if step.check_complete:
            missing = spec.missing(current)
            if missing:
                raise InvalidTransition(
                    _("Complete these before submitting: %(fields)s.")
                    % {"fields": ", ".join(str(m) for m in missing)},
                    missing=missing,
                )

        now = timezone.now()
        changes = {"status": step.target, "updated_at": now}
        if step.stamp == SUBMIT:
            changes["submitted_at"] = now
            changes["is_late"] = timezone.localdate() > spec.deadline(current)
        elif step.stamp == WITHDRAW:
            changes["submitted_at"] = None
            changes["is_late"] = False
        else:
            changes["decided_at"] = now
        if step.reason_required:
            changes["last_reason"] = reason
        elif step.clears_reason:
            changes["last_reason"] = ""

        # Conditional update: on databases without row locks (SQLite) the loser updates 0 rows.
        updated = model.objects.filter(pk=current.pk, status=current.status).update(**changes)
        if updated != 1:
            raise InvalidTransition(str(spec.raced))
        from_status = current.status
        for key, value in changes.items():
            setattr(current, key, value)
        person = actor if getattr(actor, "pk", None) else None
        # Keep django-simple-history's trail complete for updates made with .update().
        current.history.model.objects.create(
            **{f.attname: getattr(current, f.attname) for f in model._meta.fields},
            history_date=now,
            history_type="~",
            history_user=person,
            history_change_reason=reason[:100] or step.target,
        )
        WorkflowTransition.objects.create(
            content_type=ContentType.objects.get_for_model(model),
            object_id=current.pk,
            action=step.action,
            from_status=from_status,
            to_status=step.target,
            actor=person,
            at=now,
            reason=reason,
        )
        if spec.notify is not None:
            db_transaction.on_commit(lambda: spec.notify(current, actor=actor, transition=step))
    return current


def bulk_transition(objects, action: str, *, actor, reason: str = "") -> tuple[int, list[str]]:
    """``transition`` on each object (each in its own transaction). Returns (done, problems)."""
    done, problems = 0, []
    for obj in objects:
        try:
            transition(obj, action, actor=actor, reason=reason)
            done += 1
        except (InvalidTransition, PermissionDenied) as error:
            problems.append(f"{obj}: {getattr(error, 'message', None) or _('not allowed')}")
    return done, problems


# --- Rows for pages and exports: each rule computed once ---------------------------------------


@dataclass(frozen=True)
class StatusRow:
    """An object with the rules about its state already decided, so that templates, PDFs and
    workbooks show them without re-deriving anything."""

    obj: Model
    status_label: str
    badge: str
    done: bool
    needs_reason: bool
    reason_label: str
    late: bool

    @property
    def pk(self):
        return self.obj.pk


def row(obj: Model, *, today: date | None = None) -> StatusRow:
    """``obj`` as a StatusRow. The spec's deadline must be loaded (select_related)."""
    spec = spec_for(obj)
    today = today or timezone.localdate()
    reason_label = spec.reason_labels.get(obj.status, "")
    overdue = obj.status in spec.overdue_states and today > spec.deadline(obj)
    return StatusRow(
        obj=obj,
        status_label=obj.get_status_display(),
        badge=spec.badge(obj.status),
        done=obj.status in spec.done_states,
        needs_reason=bool(reason_label) and bool(obj.last_reason),
        reason_label=str(reason_label),
        late=bool(obj.is_late) or overdue,
    )


# --- Admin actions, read off the spec --------------------------------------------------------


def admin_actions(spec: WorkflowSpec) -> list:
    """One admin action per transition the spec offers to the admin."""
    result = []
    for step in spec.transitions:
        if not step.admin_label:
            continue

        def run(modeladmin, request, queryset, step=step):
            done, problems = bulk_transition(
                queryset, step.action, actor=request.user, reason=str(step.admin_reason)
            )
            for problem in problems:
                modeladmin.message_user(request, problem, messages.ERROR)
            if done:
                modeladmin.message_user(
                    request,
                    ngettext("%(n)s item changed.", "%(n)s items changed.", done) % {"n": done},
                )

        run.__name__ = f"workflow_{step.action}"
        result.append(admin.action(description=step.admin_label)(run))
    return result


# --- Reading the audit trail -----------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRow:
    at: object
    actor: object
    action: str
    from_label: str
    to_label: str
    reason: str


def history(obj: Model) -> list[HistoryRow]:
    """The object's audit rows with their status labels resolved (one query)."""
    labels = dict(type(obj)._meta.get_field("status").choices)
    rows = obj.transitions.select_related("actor").order_by("at", "pk")
    return [
        HistoryRow(
            at=row.at,
            actor=row.actor,
            action=row.action,
            from_label=str(labels.get(row.from_status, row.from_status)),
            to_label=str(labels.get(row.to_status, row.to_status)),
            reason=row.reason,
        )
        for row in rows
    ]
