"""Reads for the programme. Aggregation happens in SQL; query counts do not grow with data."""

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    FilteredRelation,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Concat, Replace, StrIndex, Substr
from django.urls import reverse
from django.utils import timezone

from doanthanhnien.filters import as_id
from doanthanhnien.models import Unit
from doanthanhnien.scoping import Perm, scoped, user_may
from doanthanhnien.text import fold

from . import report_selectors, workflow
from .filters import ReviewQueueFilterForm
from .models import (
    ModelCategory,
    ModelStep,
    PeriodYear,
    Registration,
    ReminderLog,
    SupportModel,
    TargetGroup,
)

S = Registration.Status


# --- The programme year a page works on ------------------------------------------------------


def unit_years(unit: Unit | None) -> tuple[int, int]:
    if unit is None:
        return (0, 9999)
    return (unit.valid_from.year, unit.valid_to.year if unit.valid_to else 9999)


def programme_years(*, user) -> list[PeriodYear]:
    """Programme years the user can choose from, newest first (one query)."""
    first, last = unit_years(getattr(user, "unit", None))
    return list(
        PeriodYear.objects.select_related("period")
        .filter(year__gte=first, year__lte=last)
        .order_by("-year", "-period__start_year")
    )


def default_period_year(*, user, years: list[PeriodYear]) -> PeriodYear | None:
    """The latest year of a period still open for the user's unit — never simply "this year".

    A unit retired in 2025 keeps working on its last open period (e.g. 2022); a unit formed in
    July 2025 starts on the first open period that covers it.
    """
    this_year = timezone.localdate().year
    # ``years`` is newest first.
    started = [y for y in years if y.period.is_open and y.year <= this_year]
    if started:
        return started[0]
    upcoming = [y for y in years if y.period.is_open]
    if upcoming:
        return upcoming[-1]
    return years[0] if years else None


def resolve_period_year(*, user, value) -> tuple[PeriodYear | None, list[PeriodYear]]:
    """The programme year ``value`` names when the user may choose it, else the default year.
    Views pass the year cleaned by ``YearForm``; anything else is tolerated, never trusted."""
    years = programme_years(user=user)
    try:
        wanted = int(value) if value else None
    except (TypeError, ValueError):
        wanted = None
    if wanted is not None:
        for period_year in years:
            if period_year.year == wanted:
                return period_year, years
    return default_period_year(user=user, years=years), years


# --- Grassroots side -------------------------------------------------------------------------


def unit_models(*, user, unit: Unit) -> QuerySet:
    """The unit's models, each with its registrations (three queries in all)."""
    return (
        scoped(user, SupportModel.objects.filter(unit=unit))
        .select_related("category")
        .prefetch_related(
            "target_groups",
            Prefetch(
                "registrations",
                queryset=Registration.objects.order_by("-year"),
            ),
        )
        .order_by("-created_at")
    )


@dataclass
class Todo:
    kind: str  # "register", "returned", "reopened", "draft", "submitted"
    registration: Registration | None = None


def unit_year_status(*, user, unit: Unit, period_year: PeriodYear) -> dict:
    """What the unit has for the year and what it still has to do."""
    registrations = list(
        scoped(user, Registration.objects.filter(unit=unit, year=period_year.year))
        .select_related("support_model", "period_year__period")
        .order_by("support_model__name")
    )
    counts = dict.fromkeys(S.values, 0)
    for registration in registrations:
        counts[registration.status] += 1
    active = counts[S.SUBMITTED] + counts[S.APPROVED]
    todos = [Todo("returned", r) for r in registrations if r.status == S.RETURNED]
    todos += [Todo("reopened", r) for r in registrations if r.status == S.REOPENED]
    todos += [Todo("draft", r) for r in registrations if r.status == S.DRAFT]
    if active + counts[S.DRAFT] + counts[S.RETURNED] + counts[S.REOPENED] < (
        period_year.min_models_per_unit
    ):
        todos.append(Todo("register"))
    return {
        "registrations": registrations,
        # The same registrations with their rules decided once (badge, reason, late, done).
        "rows": [workflow.row(r) for r in registrations],
        "counts": counts,
        "todos": todos,
        "is_late": timezone.localdate() > period_year.registration_deadline,
        "done": counts[S.APPROVED] >= period_year.min_models_per_unit,
    }


def continuable_registrations(*, user, unit: Unit, period_year: PeriodYear) -> list:
    """Last year's approved registrations of the unit's models that have nothing yet in
    ``period_year``: the home page offers "Continue into <year>" for each (one query)."""
    if not period_year.period.is_open:
        return []
    this_year = Registration.objects.filter(
        support_model=OuterRef("support_model"), year=period_year.year
    )
    return list(
        scoped(
            user,
            Registration.objects.filter(unit=unit, year=period_year.year - 1, status=S.APPROVED),
            Perm.EDIT,
        )
        .filter(~Exists(this_year))
        .select_related("support_model")
        .order_by("support_model__name", "pk")
    )


# --- Upper-union side ------------------------------------------------------------------------


def units_without_submission(*, units: QuerySet, year: int) -> QuerySet:
    """Grassroots units (from ``units``) with no registration submitted or approved for
    ``year``. One ``Exists`` so year and status are checked on the same registration (an
    ``exclude()`` across the relation would test them on different rows)."""
    submitted = Registration.objects.filter(
        unit=OuterRef("pk"), year=year, status__in=[S.SUBMITTED, S.APPROVED]
    )
    return units.filter(~Exists(submitted), kind__in=Unit.GRASSROOTS_KINDS)


def grassroots_units(*, user, period_year: PeriodYear) -> QuerySet:
    """Grassroots unions under the user's unit that must register in ``period_year``;
    ``user=None`` means every union (the cron command, which acts for nobody)."""
    day = period_year.reference_day
    units = Unit.objects.all() if user is None else scoped(user, Unit.objects.all())
    return units.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        kind__in=Unit.GRASSROOTS_KINDS,
        valid_from__lte=day,
    )


# Progress of the KPI, judged against the target and the time of year (see kpi_tone).
TONE_REACHED = "reached"  # at or above the target
TONE_ON_TRACK = "on-track"  # below the target, but where the calendar says it should be
TONE_BEHIND = "behind"  # below where it should be by now, deadline still ahead
TONE_LATE = "late"  # the registration deadline has passed below the target
TONE_NOT_STARTED = "not-started"  # the programme year has not begun


def kpi_tone(*, share: float, target_share: int, period_year: PeriodYear, today=None) -> str:
    """How the KPI stands: not "red below 100 %" but against the share the calendar expects.

    Registrations are due by the year's registration deadline; until then the expected share
    grows in a straight line from 0 on 1 January to the target on the deadline.
    """
    today = today or timezone.localdate()
    if share >= target_share:
        return TONE_REACHED
    start = date(period_year.year, 1, 1)
    deadline = period_year.registration_deadline
    if today < start:
        return TONE_NOT_STARTED
    if today > deadline:
        return TONE_LATE
    span = max((deadline - start).days, 1)
    expected = target_share * (today - start).days / span
    return TONE_ON_TRACK if share >= expected else TONE_BEHIND


@dataclass
class Figures:
    """The KPI of one part of the tree for one year: how many grassroots unions must register,
    how many have enough approved models, how many have nothing at all."""

    total: int
    done: int
    without_any: int
    target_share: int
    min_models: int
    tone: str = TONE_NOT_STARTED

    @property
    def share(self) -> float:
        return round(100 * self.done / self.total, 1) if self.total else 0.0

    @property
    def reached(self) -> bool:
        return self.total > 0 and self.share >= self.target_share


def _registrations_of_year(period_year: PeriodYear, **filters) -> QuerySet:
    return Registration.objects.filter(unit=OuterRef("pk"), year=period_year.year, **filters)


def _registrations_in_scope(*, user, period_year: PeriodYear, level: Unit | None) -> QuerySet:
    """The year's registrations of the part of the tree the figures are about: the user's,
    narrowed to ``level``. A superset of the counted unions' registrations is enough."""
    registrations = Registration.objects.filter(year=period_year.year)
    if user is not None:
        registrations = scoped(user, registrations)
    if level is not None:
        registrations = registrations.filter(unit__path__startswith=level.path)
    return registrations


def _figure_aggregates(period_year: PeriodYear, registrations: QuerySet) -> dict:
    """Total, done and without_any over a queryset of units, as conditional counts against two
    uncorrelated subqueries on the year's ``registrations``: the database reads those once (a
    hashed subplan on PostgreSQL) instead of once per union, and no union rows are built.
    ``registrations`` must be scoped like the units: the whole country's year read for a
    district's three figures was 40 ms of its 50 ms of SQL at national scale (docs/bench.md)."""
    approved = registrations.filter(status=S.APPROVED).order_by()
    # One approved model (the default) needs no count. The GROUP BY … HAVING made PostgreSQL
    # read a province's units in id order, i.e. the whole unit table (19 ms instead of 4).
    if period_year.min_models_per_unit > 1:
        approved = (
            approved.values("unit")
            .annotate(n=Count("pk"))
            .filter(n__gte=period_year.min_models_per_unit)
        )
    approved_enough = approved.values("unit")
    registered = registrations.order_by().values("unit")
    return {
        "total": Count("pk"),
        "done": Count("pk", filter=Q(pk__in=approved_enough)),
        "without_any": Count("pk", filter=~Q(pk__in=registered)),
    }


def _figures(units: QuerySet, period_year: PeriodYear, registrations: QuerySet) -> Figures:
    counts = units.aggregate(**_figure_aggregates(period_year, registrations))
    figures = Figures(
        **counts,
        target_share=period_year.target_share,
        min_models=period_year.min_models_per_unit,
    )
    figures.tone = kpi_tone(
        share=figures.share, target_share=figures.target_share, period_year=period_year
    )
    return figures


def _under(units: QuerySet, level: Unit | None) -> QuerySet:
    return units if level is None else units.filter(path__startswith=level.path)


def completeness_figures(*, user, period_year: PeriodYear, level: Unit | None = None) -> Figures:
    """The three figures of the home card and the unit page, asked of the database (one query):
    no row set is built. ``level`` narrows to a part of the user's tree."""
    units = _under(grassroots_units(user=user, period_year=period_year), level)
    registrations = _registrations_in_scope(user=user, period_year=period_year, level=level)
    return _figures(units, period_year, registrations)


def laggard_names(*, user, period_year: PeriodYear, limit: int = 10) -> list[str]:
    """The first ``limit`` grassroots unions with no registration at all this year."""
    units = grassroots_units(user=user, period_year=period_year).filter(
        ~Exists(_registrations_of_year(period_year))
    )
    return list(units.order_by("name_sort", "code", "pk").values_list("name", flat=True)[:limit])


# Row states of a grassroots union in completeness, named after what they say.
STATE_DONE = "done"  # enough approved models
STATE_SUBMITTED = "submitted"  # something awaits review
STATE_RETURNED = "returned"  # something was returned or reopened and is not resubmitted
STATE_DRAFT = "draft"  # only drafts
STATE_NONE = "none"  # nothing registered


@dataclass
class UnitRow:
    """One grassroots union's line of the completeness page, ready to print."""

    pk: int
    code: str
    name: str
    counts: dict
    total: int
    state: str
    queue_url: str
    last_reminded: date | None = None

    @property
    def n_approved(self) -> int:
        return self.counts[S.APPROVED]

    @property
    def may_be_reminded(self) -> bool:
        # Exactly the unions services.units_without_submission mails.
        return self.counts[S.SUBMITTED] == 0 and self.counts[S.APPROVED] == 0


@dataclass
class ChildRow:
    """One child union's roll-up: the KPI of the grassroots unions below it."""

    pk: int
    code: str
    name: str
    figures: Figures
    drill_url: str


@dataclass
class Completeness:
    figures: Figures
    level: Unit | None
    trail: list  # the units from the user's own down to ``level``, for the breadcrumb
    children: list  # ChildRow per upper child union with grassroots unions below it
    page: Page  # UnitRow per grassroots union directly under ``level``

    @property
    def rows(self) -> list:
        return self.page.object_list

    # The figures, under the names the page and the tests use.
    total = property(lambda self: self.figures.total)
    done = property(lambda self: self.figures.done)
    without_any = property(lambda self: self.figures.without_any)
    share = property(lambda self: self.figures.share)
    reached = property(lambda self: self.figures.reached)
    target_share = property(lambda self: self.figures.target_share)
    min_models = property(lambda self: self.figures.min_models)


COMPLETENESS_PAGE_SIZE = 50


def completeness_level(*, user, value) -> Unit | None:
    """The union whose children the completeness page lists: one asked for in ``value`` when
    it lies in the user's tree and has unions below it, else the user's own (None: the whole
    country, for an administrator without a union). Raises Unit.DoesNotExist outside."""
    own = getattr(user, "unit", None)
    wanted = as_id(value) if value else None
    if wanted is None or (own is not None and wanted == own.pk):
        return own
    level = scoped(user, Unit.objects.exclude(kind__in=Unit.GRASSROOTS_KINDS)).get(pk=wanted)
    return level


def _state(counts: dict, min_models: int) -> str:
    if counts[S.APPROVED] >= min_models:
        return STATE_DONE
    if counts[S.SUBMITTED]:
        return STATE_SUBMITTED
    if counts[S.RETURNED] or counts[S.REOPENED]:
        return STATE_RETURNED
    if counts[S.DRAFT]:
        return STATE_DRAFT
    return STATE_NONE


def _child_rows(
    units: QuerySet, level: Unit | None, period_year: PeriodYear, registrations: QuerySet, url
) -> list:
    """Roll up the grassroots unions below ``level`` (but not directly under it) by the child
    of ``level`` they lie under: one grouped query over the path prefix, one for the names."""
    prefix_length = len(level.path) if level is not None else 1
    # "/1/14/230/" under "/1/": the segment after the prefix up to its "/" is the child, 14.
    rest = Substr("path", prefix_length + 1)
    child = Substr(rest, 1, StrIndex(rest, Value("/")) - 1)
    if level is not None:
        below = units.exclude(parent=level).exclude(pk=level.pk)
    else:
        below = units.exclude(parent=None)
    grouped = (
        below.annotate(child=child)
        .order_by()
        .values("child")
        .annotate(**_figure_aggregates(period_year, registrations))
    )
    by_child = {int(row.pop("child")): row for row in grouped}
    names = Unit.objects.filter(pk__in=by_child).order_by("name_sort", "code", "pk")
    rows = []
    for unit in names.only("pk", "code", "name"):
        figures = Figures(
            **by_child[unit.pk],
            target_share=period_year.target_share,
            min_models=period_year.min_models_per_unit,
        )
        figures.tone = kpi_tone(
            share=figures.share, target_share=figures.target_share, period_year=period_year
        )
        rows.append(ChildRow(unit.pk, unit.code, unit.name, figures, url(unit.pk)))
    # Furthest behind first; equal shares by name (already the order of ``names``).
    rows.sort(key=lambda r: (r.figures.share, -r.figures.without_any))
    return rows


def completeness(
    *, user, period_year: PeriodYear, level: Unit | None = None, page=None
) -> Completeness:
    """Completeness of the grassroots unions under ``level`` (default: the user's union) for
    the year: its KPI, one roll-up row per child union with unions below it (districts before
    July 2025) and one row per grassroots union directly under it (communes of a district, or
    of the province after 2025), laggards first, paginated. A fixed number of queries."""
    if level is None:
        level = getattr(user, "unit", None)
    year = period_year.year
    units = _under(grassroots_units(user=user, period_year=period_year), level)
    registrations = _registrations_in_scope(user=user, period_year=period_year, level=level)
    figures = _figures(units, period_year, registrations)

    page_url = reverse("registry:completeness")
    queue_url = reverse("registry:review-queue")
    children = _child_rows(
        units, level, period_year, registrations, lambda pk: f"{page_url}?year={year}&unit={pk}"
    )

    in_year = FilteredRelation("registrations", condition=Q(registrations__year=year))
    # A secretary's page lists the union itself.
    direct = (
        units.filter(Q(parent=level) | Q(pk=level.pk))
        if level is not None
        else units.filter(parent=None)
    )
    listed = (
        direct.annotate(in_year=in_year)
        .annotate(
            total=Count("in_year"),
            **{f"n_{st}": Count("in_year", filter=Q(in_year__status=st)) for st in S.values},
        )
        # The final tie-break (code, pk) makes equal counts and names come back in one order.
        .order_by("n_approved", "total", "name_sort", "code", "pk")
        .values("pk", "code", "name", "total", *(f"n_{st}" for st in S.values))
    )
    paginated = Paginator(listed, COMPLETENESS_PAGE_SIZE).get_page(page)
    rows = []
    for row in paginated.object_list:
        counts = {st: row[f"n_{st}"] for st in S.values}
        rows.append(
            UnitRow(
                pk=row["pk"],
                code=row["code"],
                name=row["name"],
                counts=counts,
                total=row["total"],
                state=_state(counts, period_year.min_models_per_unit),
                queue_url=f"{queue_url}?year={year}&status=&unit={row['pk']}",
            )
        )
    if rows:
        reminded = dict(
            ReminderLog.objects.filter(unit__in=[r.pk for r in rows], year=year)
            .values("unit")
            .annotate(last=Max("sent_on"))
            .values_list("unit", "last")
        )
        for r in rows:
            r.last_reminded = reminded.get(r.pk)
    paginated.object_list = rows
    return Completeness(
        figures=figures,
        level=level,
        trail=_trail(user=user, level=level),
        children=children,
        page=paginated,
    )


def _trail(*, user, level: Unit | None) -> list:
    """The units from the user's own union down to ``level`` (excluded), to climb back up."""
    if level is None:
        return []
    own = getattr(user, "unit", None)
    ids = level.ancestor_ids
    if own is not None:
        if own.pk not in ids:
            return []
        ids = ids[ids.index(own.pk) :]
    by_id = {u.pk: u for u in Unit.objects.filter(pk__in=ids).only("pk", "name")}
    return [by_id[i] for i in ids if i in by_id]


@dataclass
class QueueFilters:
    year: int | None = None
    status: str = ""
    unit: Unit | None = None  # a union in the user's tree: its whole subtree is listed
    category: int | None = None
    target_group: int | None = None
    q: str = ""


def queue_filters(*, user, params) -> tuple[QueueFilters, PeriodYear | None, list[PeriodYear]]:
    """The review queue's filters read through ``ReviewQueueFilterForm`` from a query dict (the
    queue page's, or the one the review desk carries along so "next registration" walks the
    same list). Each bad value is dropped on its own."""
    form = params if isinstance(params, ReviewQueueFilterForm) else ReviewQueueFilterForm(params)
    values = form.values()
    period_year, years = resolve_period_year(user=user, value=values["year"])
    filters = QueueFilters(
        year=period_year.year if period_year else None,
        status=values["status"],
        unit=queue_unit(user=user, value=values["unit"]),
        category=values["category"],
        target_group=values["target_group"],
        q=values["q"],
    )
    return filters, period_year, years


def queue_query(value: str) -> str:
    """A queue query string carried through the desk and its forms, reduced to the queue's
    own valid filters (read through ``ReviewQueueFilterForm``; nothing else is passed along)."""
    return ReviewQueueFilterForm.from_query_string(str(value)).query_string()


def review_queue(*, user, filters: QueueFilters) -> QuerySet:
    """Registrations of the unions below the user, filtered; a fixed number of queries."""
    qs = scoped(user, Registration.objects.all()).filter(unit__kind__in=Unit.GRASSROOTS_KINDS)
    if user.unit_id and not user.is_superuser:
        qs = qs.exclude(unit=user.unit)
    if filters.year:
        qs = qs.filter(year=filters.year)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.unit is not None:
        qs = qs.filter(unit__path__startswith=filters.unit.path)
    if filters.category:
        qs = qs.filter(support_model__category_id=filters.category)
    if filters.target_group:
        # The only many-valued join: the one filter that can repeat rows.
        qs = qs.filter(support_model__target_groups=filters.target_group).distinct()
    order = ["status", "-submitted_at", "unit__name_sort", "pk"]
    words = fold(filters.q).split()
    if words:
        for word in words:
            qs = qs.filter(support_model__search_text__contains=word)
        qs = _ranked_by_whole_words(qs, words)
        order.insert(0, "search_rank")
    return qs.select_related("support_model__category", "unit").order_by(*order)


def review_page(queue: QuerySet, number) -> Page:
    """One page of the review queue (50 rows), each registration with ``group_names``: the
    short names of its model's target groups, read in one query of names rather than a
    prefetch of ~100 group objects and a related manager per row."""
    page = Paginator(queue, 50).get_page(number)
    rows = list(page.object_list)
    names: dict[int, list[str]] = {}
    through = SupportModel.target_groups.through.objects.filter(
        supportmodel_id__in={r.support_model_id for r in rows}
    )
    for model_id, name in through.order_by("targetgroup__code").values_list(
        "supportmodel_id", "targetgroup__short_name"
    ):
        names.setdefault(model_id, []).append(name)
    for r in rows:
        r.group_names = names.get(r.support_model_id, [])
    page.object_list = rows
    return page


# What ends a word in a folded search text besides a space: 'clb "thap sang niem tin"'.
_WORD_BREAKS = "\"'(),.;:-/"


def _ranked_by_whole_words(qs: QuerySet, words: list[str]) -> QuerySet:
    """Annotate ``search_rank``: 0 when the query appears as whole words in that order
    ("huong tra" in "… doan xa huong tra"), 1 when each word is a whole word somewhere, 2 when
    a word only matches inside a longer one ("tra" in "trach", "trao"). Plain REPLACE, || and
    LIKE: the same SQL on SQLite and PostgreSQL."""
    padded = Concat(Value(" "), "support_model__search_text", Value(" "), output_field=CharField())
    for char in _WORD_BREAKS:
        padded = Replace(padded, Value(char), Value(" "))
    phrase = Q(search_padded__contains=f" {' '.join(words)} ")
    each_word = Q(*(Q(search_padded__contains=f" {word} ") for word in words))
    return qs.annotate(search_padded=padded).annotate(
        search_rank=Case(
            When(phrase, then=Value(0)),
            When(each_word, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    )


def waiting_count(*, user, period_year: PeriodYear) -> int:
    """How many registrations await review: exactly the rows the card's link lists (the queue
    filtered on "submitted" for the year), for read-only provincial staff as for reviewers."""
    filters = QueueFilters(year=period_year.year, status=S.SUBMITTED)
    return review_queue(user=user, filters=filters).count()


def queue_unit(*, user, value) -> Unit | None:
    """The union the queue is filtered on, when ``value`` names one in the user's tree."""
    wanted = as_id(value) if value else None
    if wanted is None:
        return None
    return scoped(user, Unit.objects.filter(pk=wanted)).first()


def _children_valid_on(*, user, parent: Unit | None, day: date) -> list[Unit]:
    units = scoped(user, Unit.objects.filter(parent=parent)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        valid_from__lte=day,
        kind__in=(*Unit.GRASSROOTS_KINDS, *Unit.UPPER_KINDS),
    )
    return list(units.order_by("name_sort", "code", "pk"))


def queue_choices(*, user, period_year: PeriodYear | None, unit: Unit | None = None) -> dict:
    """Filter choices of the review queue. Unions are offered a level at a time — the child
    unions of the user's union valid in the year, and the children of the chosen one — never
    every grassroots union of the tree (10,583 options for the country)."""
    day = period_year.reference_day if period_year else timezone.localdate()
    base = getattr(user, "unit", None)
    top = _children_valid_on(user=user, parent=base, day=day)
    focus = None
    if unit is not None:
        focus = unit.parent if unit.is_grassroots else unit
        if focus is not None and (focus == base or (base and base.pk not in focus.ancestor_ids)):
            focus = None
    focus_choices = []
    if focus is not None:
        # A district chosen in a year it no longer existed shows the communes of its last day.
        if not focus.is_valid_on(day):
            day = focus.valid_to if focus.valid_to and focus.valid_to < day else focus.valid_from
        focus_choices = _children_valid_on(user=user, parent=focus, day=day)
    return {
        "unit_choices": top,
        "unit_focus": focus,
        "unit_focus_choices": focus_choices,
        "categories": ModelCategory.objects.all(),
        "target_groups": TargetGroup.objects.all(),
        "statuses": S.choices,
    }


def model_steps_initial(*, model: SupportModel) -> list[dict]:
    """The seven building steps with what the unit recorded, in guideline order."""
    recorded = {s.step: s for s in model.steps.all()}
    return [
        {
            "step": value,
            "done": recorded[value].done if value in recorded else False,
            "done_on": recorded[value].done_on if value in recorded else None,
            "note": recorded[value].note if value in recorded else "",
            "evidence_name": recorded[value].evidence_name if value in recorded else "",
            "has_evidence": bool(recorded[value].evidence) if value in recorded else False,
            "model_pk": model.pk,
        }
        for value in ModelStep.Step.values
    ]


def open_years_to_register(
    *, user, model: SupportModel, years: list[PeriodYear] | None = None
) -> list[PeriodYear]:
    """Open programme years the model can still be registered for, newest first. Years
    before the model started are never offered (a model started in March 2022 has no 2021)."""
    registered = set(model.registrations.values_list("year", flat=True))
    first = model.start_date.year if model.start_date else 0
    years = programme_years(user=user) if years is None else years
    return [y for y in years if y.period.is_open and y.year not in registered and y.year >= first]


@dataclass
class MainAction:
    """The one primary button of a model page: what to do for the current programme year."""

    kind: str  # "register", "edit", "view"
    period_year: PeriodYear
    registration: Registration | None = None


def model_page(*, user, model: SupportModel, may_edit: bool) -> dict:
    """Everything the model page shows besides the model itself (a fixed number of queries)."""
    registrations = list(
        model.registrations.select_related("period_year__period").order_by("-year")
    )
    by_year = {r.year: r for r in registrations}
    main, other_years = None, []
    if may_edit:
        years = programme_years(user=user)
        current = default_period_year(user=user, years=years)
        open_years = open_years_to_register(user=user, model=model, years=years)
        if current is not None and current.year in by_year:
            registration = by_year[current.year]
            kind = "edit" if registration.is_editable and current.period.is_open else "view"
            main = MainAction(kind, current, registration)
        elif current is not None and current in open_years:
            main = MainAction("register", current)
        elif open_years:
            # The current year is closed or before the model's start: its first open year.
            main = MainAction("register", open_years[-1])
        other_years = [y for y in open_years if main is None or y.year != main.period_year.year]
    return {
        "registrations": registrations,
        "main_action": main,
        "other_years": other_years,
        "steps": list(model.steps.all()),
        "history": model.history.select_related("history_user").order_by("-history_date")[:20],
    }


def registration_year(*, user, value) -> PeriodYear | None:
    """The programme year a new registration goes into: the one asked for when it is open,
    otherwise the default year when open, otherwise the newest open one."""
    period_year, years = resolve_period_year(user=user, value=value)
    if period_year is not None and period_year.period.is_open:
        return period_year
    return next((y for y in years if y.period.is_open), None)


def reviewable_ids(*, user, registrations) -> set[int]:
    """Which of ``registrations`` (e.g. one page of the queue) the user may approve now."""
    ids = [r.pk for r in registrations if r.status == S.SUBMITTED]
    if not ids or not user_may(user, Perm.REVIEW):
        return set()
    return set(
        scoped(user, Registration.objects.filter(pk__in=ids), Perm.REVIEW).values_list(
            "pk", flat=True
        )
    )


@dataclass
class BulkApproval:
    """What "approve the selected" would do: the registrations it would approve now, the
    unions they belong to, and how many of the selection it would leave alone."""

    registrations: list
    units: list
    skipped: int


def bulk_approval(*, user, ids: list[int]) -> BulkApproval:
    registrations = list(
        scoped(user, Registration.objects.filter(pk__in=ids, status=S.SUBMITTED), Perm.REVIEW)
        .select_related("support_model", "unit")
        .order_by("unit__name_sort", "support_model__name", "pk")
    )
    units = list({r.unit_id: r.unit for r in registrations}.values())
    return BulkApproval(
        registrations=registrations, units=units, skipped=len(set(ids)) - len(registrations)
    )


def partner_unit_choices(*, unit: Unit) -> QuerySet:
    """School, agency, bloc and enterprise unions of the unit's province that a model can name
    as partners. A public directory of names, deliberately wider than the user's own scope."""
    root = unit.path.split("/")[1] if unit.path else ""
    return Unit.objects.filter(
        path__startswith=f"/{root}/",
        kind__in=[Unit.Kind.SCHOOL, Unit.Kind.AGENCY, Unit.Kind.BLOC, Unit.Kind.ENTERPRISE],
    )


def next_in_queue(*, user, registration: Registration, params) -> Registration | None:
    """The registration after ``registration`` in the user's review queue filtered as in
    ``params``. One that has left the list (just approved, so no longer "awaiting review")
    is followed by the first one still in it."""
    if "year" not in params and "status" not in params:
        # Opened from elsewhere: walk what awaits review in the registration's year.
        params = {"year": str(registration.year), "status": S.SUBMITTED}
    filters, _period_year, _years = queue_filters(user=user, params=params)
    ids = list(review_queue(user=user, filters=filters).values_list("pk", flat=True))
    following = ids[ids.index(registration.pk) + 1 :] if registration.pk in ids else ids
    if not following:
        return None
    return Registration.objects.select_related("support_model", "unit").get(pk=following[0])


def registration_desk(*, user, registration: Registration, params) -> dict:
    """Everything the registration page shows, in the order an officer judges it: the model
    and its building steps, the plan, the planned beneficiaries, the budget, the history;
    then what the user may do and how to move through the queue."""
    from .services import next_open_year, registration_capabilities

    model = registration.support_model
    actions = registration_capabilities(registration=registration, user=user)
    queue_query = ReviewQueueFilterForm(params).query_string()
    in_queue = user.unit_id is None or not user.unit.is_grassroots or user.is_superuser
    return {
        "registration": registration,
        "model": model,
        "target_groups": list(model.target_groups.all()),
        "partner_units": list(model.partner_units.all()),
        "steps": list(model.steps.all()),
        "targets": list(registration.targets.select_related("target_group")),
        "planned_total": sum(t.planned_count for t in registration.targets.all()),
        "transitions": workflow.history(registration),
        "actions": actions,
        "buttons": workflow.buttons(registration, actions),
        "row": workflow.row(registration),
        "next_year": next_open_year(registration) if "carry_over" in actions else None,
        "queue_query": queue_query,
        "in_queue": in_queue,
        "next_registration": (
            next_in_queue(user=user, registration=registration, params=params) if in_queue else None
        ),
    }


# --- Home page panels ------------------------------------------------------------------------


def home_panels(*, user, year: int | None = None) -> dict:
    """The programme's part of the home page, by role, for ``year`` (None: the default year)."""
    if not user.is_authenticated or user.unit_id is None:
        return {}
    period_year, years = resolve_period_year(user=user, value=year)
    if period_year is None:
        return {"programme": None}
    panels = {
        "programme": {"period_year": period_year, "years": years},
        "day": period_year.reference_day,
    }
    unit = user.unit
    if unit.is_grassroots:
        panels["programme"]["mine"] = unit_year_status(
            user=user, unit=unit, period_year=period_year
        )
        panels["programme"]["models"] = unit_models(user=user, unit=unit)
        if user_may(user, Perm.EDIT):
            panels["programme"]["continuable"] = continuable_registrations(
                user=user, unit=unit, period_year=period_year
            )
        panels["programme"]["reports_due"] = report_selectors.reports_due(
            user=user, unit=unit, period_year=period_year
        )
    else:
        # Three figures and ten names, asked of the database: no completeness row set.
        panels["programme"]["completeness"] = completeness_figures(
            user=user, period_year=period_year
        )
        panels["programme"]["waiting"] = waiting_count(user=user, period_year=period_year)
        panels["programme"]["reports_waiting"] = report_selectors.waiting_reports(
            user=user, year=period_year.year
        )
        panels["programme"]["laggards"] = laggard_names(user=user, period_year=period_year)
    panels["programme"]["is_reviewer"] = user_may(user, Perm.REVIEW)
    return panels


def unit_panels(*, user, unit: Unit, year: int | None = None) -> dict:
    """The programme's part of a unit's page for ``year`` (None: the default year): the year
    picker and, for a union with grassroots unions below it, their KPI (one aggregate query)
    with a link to its completeness."""
    period_year, years = resolve_period_year(user=user, value=year)
    if period_year is None:
        return {}
    if year is None and not unit.is_valid_on(period_year.reference_day):
        # A retired district opens on its last year, not on an empty current one.
        period_year = next((y for y in years if unit.is_valid_on(y.reference_day)), period_year)
    panels = {"programme": {"period_year": period_year, "years": years}}
    panels["day"] = period_year.reference_day
    if not unit.is_grassroots:
        panels["programme"]["kpi"] = completeness_figures(
            user=user, period_year=period_year, level=unit
        )
        panels["programme"]["completeness_url"] = (
            f"{reverse('registry:completeness')}?year={period_year.year}&unit={unit.pk}"
        )
    return panels
