"""The one place that decides which rows a user may see or change.

Every view fetches objects through ``scoped(user, queryset, perm)``: rows outside the user's
part of the tree simply do not exist for them (404), and a role that may never perform the
action gets PermissionDenied (403). A model tells the function how it reaches its unit with a
``scope_unit_field`` attribute ("unit", "support_model__unit", or "" for Unit itself).

Two rules reach beyond the subtree, both decided here and nowhere else: the library of good
models (``Perm.LIBRARY``: what a model declares published through its ``scope_published()``
classmethod — recognised models, consented photos — across the user's whole province, for every
logged-in user, administrators included), and commendations (``Perm.COMMEND``: any upper union
commends the units anywhere below it, never itself).
"""

from enum import Enum

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from .models import User


class Perm(Enum):
    VIEW = "view"  # read anything in one's subtree
    EDIT = "edit"  # change one's own unit's data (register models, upload plans)
    REVIEW = "review"  # approve / return the units directly below
    RECOGNISE = "recognise"  # standing committee: recognise models of the units below
    MANAGE = "manage"  # manage accounts of units in one's subtree
    LIBRARY = "library"  # read what is published (recognised models) across one's province
    COMMEND = "commend"  # upper unions: record commendations of the units below them


_ROLES = {
    Perm.VIEW: set(User.Role),
    Perm.EDIT: {User.Role.SECRETARY, User.Role.OFFICER, User.Role.STANDING, User.Role.ADMIN},
    Perm.REVIEW: {User.Role.OFFICER, User.Role.STANDING, User.Role.ADMIN},
    # A recognition is the standing committee's own decision: no other role, not even the
    # system administrator, takes it in their place.
    Perm.RECOGNISE: {User.Role.STANDING},
    Perm.MANAGE: {User.Role.OFFICER, User.Role.STANDING, User.Role.ADMIN},
    Perm.LIBRARY: set(User.Role),
    Perm.COMMEND: {User.Role.OFFICER, User.Role.STANDING, User.Role.PROVINCIAL, User.Role.ADMIN},
}
# Permissions that a superuser does not get merely for being one.
_NO_BYPASS = {Perm.RECOGNISE}


def user_may(user, perm: Perm) -> bool:
    """Whether the user's role allows the action at all (somewhere in their subtree)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser and perm not in _NO_BYPASS:
        return True
    if user.unit_id is None:
        return False
    return user.role in _ROLES[perm]


def _lookup(model, suffix: str) -> str:
    field = getattr(model, "scope_unit_field", "unit")
    return f"{field}__{suffix}" if field else suffix


def scoped(user, queryset: QuerySet, perm: Perm = Perm.VIEW) -> QuerySet:
    """Limit ``queryset`` to the rows ``user`` may act on with ``perm``.

    Raises PermissionDenied when the user's role may never do ``perm``.
    """
    if not user_may(user, perm):
        raise PermissionDenied
    model = queryset.model
    if perm == Perm.LIBRARY:
        return _published_in_province(user, queryset)
    if perm not in _NO_BYPASS and (user.is_superuser or user.role == User.Role.ADMIN):
        return queryset
    unit = user.unit
    if perm in (Perm.VIEW, Perm.MANAGE):
        return queryset.filter(**{_lookup(model, "path__startswith"): unit.path})
    if perm == Perm.EDIT:
        field = getattr(model, "scope_unit_field", "unit")
        return queryset.filter(**({field: unit} if field else {"pk": unit.pk}))
    if perm == Perm.COMMEND:
        field = getattr(model, "scope_unit_field", "unit")
        return queryset.filter(**{_lookup(model, "path__startswith"): unit.path}).exclude(
            **({field: unit} if field else {"pk": unit.pk})
        )
    # REVIEW and RECOGNISE: the reviewing unit of a grassroots union is its direct parent.
    return queryset.filter(**{_lookup(model, "parent"): unit})


def _published_in_province(user, queryset: QuerySet) -> QuerySet:
    """The rows the model declares published, anywhere in the province of the user's unit."""
    published = getattr(queryset.model, "scope_published", None)
    if published is None:
        # A model that publishes nothing shows nothing in the library.
        return queryset.none()
    queryset = queryset.filter(published())
    if user.is_superuser and user.unit_id is None:
        return queryset
    root = user.unit.path.split("/")[1] if user.unit.path else ""
    return queryset.filter(**{_lookup(queryset.model, "path__startswith"): f"/{root}/"})


def allowed(user, queryset: QuerySet, perm: Perm = Perm.VIEW) -> bool:
    """Whether ``user`` may act with ``perm`` on any row of ``queryset`` (no exception)."""
    try:
        return scoped(user, queryset, perm).exists()
    except PermissionDenied:
        return False
