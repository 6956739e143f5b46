"""Who may create, deactivate, reactivate and send password links to whom: the rule as data.

``ACCOUNT_RULES`` is the one place that says it. For each role of the acting user it lists the
roles of the accounts that user may manage and *where* those accounts may belong:

- an upper-union officer: secretaries of the unions below, officers of their own union;
- a standing-committee member: the same, and standing-committee members of their own union;
- provincial viewers and administrators are managed by administrators only (who manage every
  role in every union); secretaries and provincial viewers manage nobody.

The account form draws its role and union choices from these functions, and the services check
the same functions on their own, whatever the form showed.
"""

from enum import Enum

from django.db.models import BooleanField, Case, Q, QuerySet, When
from django.utils.translation import gettext_lazy as _

from .models import Unit, User
from .scoping import Perm, scoped, user_may

Role = User.Role


class Reach(Enum):
    """Where an account the actor manages may belong, relative to the actor's own union."""

    OWN_UNION = "own"  # the actor's own union only
    BELOW = "below"  # any union below the actor's (not the actor's own)
    ANYWHERE = "anywhere"  # any union at all (administrators)


REACH_LABELS = {
    Reach.OWN_UNION: _("your own union"),
    Reach.BELOW: _("the unions below yours"),
    Reach.ANYWHERE: _("any union"),
}

ACCOUNT_RULES: dict[str, dict[str, Reach]] = {
    Role.SECRETARY: {},
    Role.OFFICER: {
        Role.SECRETARY: Reach.BELOW,
        Role.OFFICER: Reach.OWN_UNION,
    },
    Role.STANDING: {
        Role.SECRETARY: Reach.BELOW,
        Role.OFFICER: Reach.OWN_UNION,
        Role.STANDING: Reach.OWN_UNION,
    },
    Role.PROVINCIAL: {},
    Role.ADMIN: dict.fromkeys(Role, Reach.ANYWHERE),
}


def _rules(actor) -> dict[str, Reach]:
    if not user_may(actor, Perm.MANAGE):
        return {}
    if actor.is_superuser:
        return ACCOUNT_RULES[Role.ADMIN]
    return ACCOUNT_RULES.get(actor.role, {})


def manageable_roles(actor) -> list[str]:
    """The roles of the accounts ``actor`` may manage, in the order of ``User.Role``."""
    rules = _rules(actor)
    return [role for role in Role if role in rules]


def _unit_q(actor, reach: Reach, prefix: str = "") -> Q:
    if reach is Reach.ANYWHERE:
        return Q()
    if reach is Reach.OWN_UNION:
        return Q(**{f"{prefix}pk": actor.unit_id})
    below = Q(**{f"{prefix}path__startswith": actor.unit.path})
    return below & ~Q(**{f"{prefix}pk": actor.unit_id})


def units_for_role(actor, role: str) -> QuerySet:
    """The unions in which ``actor`` may manage accounts of ``role`` (empty if none)."""
    reach = _rules(actor).get(role)
    if reach is None:
        return Unit.objects.none()
    return scoped(actor, Unit.objects.all(), Perm.MANAGE).filter(_unit_q(actor, reach))


def manageable_units(actor) -> QuerySet:
    """The unions in which ``actor`` may manage accounts of at least one role."""
    rules = _rules(actor)
    if not rules:
        return Unit.objects.none()
    units = scoped(actor, Unit.objects.all(), Perm.MANAGE)
    reaches = set(rules.values())
    if Reach.ANYWHERE in reaches:
        return units
    condition = Q(pk__in=[])
    for reach in reaches:
        condition |= _unit_q(actor, reach)
    return units.filter(condition)


def manageable_accounts_q(actor) -> Q:
    """A filter on ``User`` rows for the accounts ``actor`` may manage (matches none if none)."""
    condition = Q(pk__in=[])
    for role, reach in _rules(actor).items():
        condition |= Q(role=role) & _unit_q(actor, reach, prefix="unit__")
    if actor.role != Role.ADMIN and not actor.is_superuser:
        # Only administrators reach accounts without a union.
        condition &= Q(unit__isnull=False)
    return condition


def manageable_accounts_flag(actor) -> Case:
    """An annotation for ``User`` rows: whether ``actor`` may deactivate, reactivate or send a
    link to the account (never their own: one does not deactivate oneself)."""
    condition = manageable_accounts_q(actor) & ~Q(pk=actor.pk)
    return Case(When(condition, then=True), default=False, output_field=BooleanField())


def may_manage(actor, *, role: str, unit: Unit | None) -> bool:
    """Whether ``actor`` may create (or manage) an account of ``role`` in ``unit``."""
    reach = _rules(actor).get(role)
    if reach is None:
        return False
    if reach is Reach.ANYWHERE:
        return True
    if unit is None or actor.unit_id is None:
        return False
    if reach is Reach.OWN_UNION:
        return unit.pk == actor.unit_id
    return unit.pk != actor.unit_id and unit.path.startswith(actor.unit.path)


def may_manage_account(actor, account: User) -> bool:
    return may_manage(actor, role=account.role, unit=account.unit)


def rules_summary(actor) -> list[tuple[str, str]]:
    """(role label, where) pairs that explain the rule to ``actor`` on the account form."""
    labels = dict(Role.choices)
    rules = _rules(actor)
    return [(labels[role], REACH_LABELS[rules[role]]) for role in Role if role in rules]
