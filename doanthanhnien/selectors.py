"""Reads for the union tree and accounts. Each costs a fixed number of queries."""

from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from . import roles
from .models import Unit, UnitSuccession, User
from .scoping import Perm, scoped
from .text import fold


def unit_for_code(code: str, year: int) -> Unit | None:
    """The unit that held official ``code`` in ``year`` (one query).

    Codes are reused after a reorganisation (the new Phường Thành Sen has the code of the
    former Phường Nam Hà), so a code alone is ambiguous. When two units held the code during the
    year (2025: Nam Hà until 30/06, Thành Sen from 01/07), the one holding it at the end of the
    year wins — the unit whose figures the year's summary is about.
    """
    code = str(code).strip()
    if not code:
        return None
    first, last = date(year, 1, 1), date(year, 12, 31)
    return (
        Unit.objects.filter(code=code, valid_from__lte=last)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=first))
        .order_by("-valid_from")
        .first()
    )


def unit_ancestors(*, unit: Unit) -> list[Unit]:
    """The chain from the root down to ``unit``'s parent, in one query."""
    ids = unit.ancestor_ids
    by_id = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


def unit_subtree(*, unit: Unit, include_self: bool = True) -> QuerySet:
    qs = Unit.objects.filter(path__startswith=unit.path)
    return qs if include_self else qs.exclude(pk=unit.pk)


def unit_counts_by_kind(*, unit: Unit) -> list[dict]:
    """How many units of each kind lie below ``unit``, current and retired (one query)."""
    today = timezone.localdate()
    current = Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    rows = (
        unit_subtree(unit=unit, include_self=False)
        .values("kind")
        .annotate(current=Count("id", filter=current), retired=Count("id", filter=~current))
        .order_by("kind")
    )
    labels = dict(Unit.Kind.choices)
    order = list(labels)
    return sorted(
        ({**row, "label": labels[row["kind"]]} for row in rows),
        key=lambda r: order.index(r["kind"]),
    )


def _children_on(*, unit: Unit, day: date | None, retired: bool) -> tuple[list[Unit], int]:
    """The direct children valid on ``day`` (default today), or all of them with ``retired``,
    each with the number of grassroots unions below it; and how many were left out (two
    queries: the children, then one grouped scan of the subtree's paths for the counts).

    Every child is read, retired ones too, and the day's are picked with ``Unit.is_valid_on``:
    the number left out then costs no query of its own. A correlated LIKE subquery per child
    for the counts cannot use the path index (see docs/bench.md).
    """
    children = list(
        unit.children.annotate(users_count=Count("users", distinct=True)).order_by(
            "valid_to", "name_sort", "code", "pk"
        )
    )
    below: dict[str, int] = {}
    prefix = len(unit.path)
    paths = (
        unit_subtree(unit=unit, include_self=False)
        .filter(kind__in=Unit.GRASSROOTS_KINDS)
        .values_list("path", flat=True)
    )
    for path in paths:
        child_segment = path[prefix:].split("/", 1)[0]
        if path[prefix:].count("/") > 1:  # strictly below the child, not the child itself
            below[child_segment] = below.get(child_segment, 0) + 1
    for child in children:
        child.grassroots_below = below.get(str(child.pk), 0)
    if retired:
        return children, 0
    day = day or timezone.localdate()
    shown = [child for child in children if child.is_valid_on(day)]
    return shown, len(children) - len(shown)


def unit_children(*, unit: Unit, day: date | None = None, retired: bool = False) -> list[Unit]:
    """Direct children valid on ``day`` (default today), or all of them with ``retired``,
    each with the number of grassroots unions below it (two queries)."""
    return _children_on(unit=unit, day=day, retired=retired)[0]


def unit_successions(*, unit: Unit) -> tuple[list[Unit], list[Unit]]:
    """What ``unit`` became and what it was formed from, each by name (one query)."""
    links = UnitSuccession.objects.filter(Q(predecessor=unit) | Q(successor=unit)).select_related(
        "predecessor", "successor"
    )
    successors, predecessors = [], []
    for link in links:
        if link.predecessor_id == unit.pk:
            successors.append(link.successor)
        else:
            predecessors.append(link.predecessor)

    def by_name(units):
        return sorted(units, key=lambda u: (u.name_sort, u.pk))

    return by_name(successors), by_name(predecessors)


def unit_page(*, unit: Unit, user: User, day: date | None = None, retired: bool = False) -> dict:
    """Everything a unit's page shows: its place in the tree, what it came from or became,
    the unions below it valid on ``day`` (all of them with ``retired``). Units outside the
    user's subtree are named but not linked."""
    ancestors = unit_ancestors(unit=unit)
    if ancestors and ancestors[-1].pk == unit.parent_id:
        unit.parent = ancestors[-1]  # the page names the upper union: no query of its own
    successors, predecessors = unit_successions(unit=unit)
    named = [u.pk for u in (*ancestors, *successors, *predecessors)]
    linkable = set(scoped(user, Unit.objects.filter(pk__in=named)).values_list("pk", flat=True))
    children, hidden = _children_on(unit=unit, day=day, retired=retired)
    return {
        "unit": unit,
        "ancestors": ancestors,
        "counts": unit_counts_by_kind(unit=unit),
        "children": children,
        "show_retired": retired,
        "hidden_children": hidden,
        # The column is left out when every child is itself grassroots (the province after
        # 2025): a column of zeros says nothing.
        "children_have_units": any(c.grassroots_below for c in children),
        "successors": successors,
        "predecessors": predecessors,
        "linkable": linkable,
    }


def accounts_visible(*, user: User, search: str = "") -> QuerySet:
    """The accounts of the user's part of the tree, each with ``manageable``: whether the user
    may deactivate, reactivate or send a link to it (roles.ACCOUNT_RULES; never oneself)."""
    qs = scoped(user, User.objects.select_related("unit"), Perm.MANAGE).annotate(
        manageable=roles.manageable_accounts_flag(user)
    )
    if search:
        qs = qs.filter(
            Q(username__icontains=search)
            | Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(email__icontains=search)
            # search_text is folded ("doan xa huong tra"): fold the query the same way.
            | Q(unit__search_text__contains=fold(search))
        )
    return qs.order_by("unit__name_sort", "username")
