"""Reads for the programme. Aggregation happens in SQL; query counts do not grow with data."""

from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Concat, Replace
from django.utils import timezone

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
    SupportModel,
    TargetGroup,
)

S = Registration.Status


# --- The programme year a page works on ------------------------------------------------------


def _unit_years(unit: Unit | None) -> tuple[int, int]:
    if unit is None:
        return (0, 9999)
    return (unit.valid_from.year, unit.valid_to.year if unit.valid_to else 9999)


def programme_years(*, user) -> list[PeriodYear]:
    """Programme years the user can choose from, newest first (one query)."""
    first, last = _unit_years(getattr(user, "unit", None))
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


@dataclass
class Completeness:
    rows: list
    total: int
    done: int
    target_share: int
    min_models: int

    @property
    def share(self) -> float:
        return round(100 * self.done / self.total, 1) if self.total else 0.0

    @property
    def reached(self) -> bool:
        return self.total > 0 and self.share >= self.target_share

    @property
    def without_any(self) -> int:
        return sum(1 for r in self.rows if r.total == 0)


def completeness(*, user, period_year: PeriodYear) -> Completeness:
    """Each grassroots union with its registrations per status, laggards first (one query)."""
    year = period_year.year
    in_year = Q(registrations__year=year)
    units = (
        grassroots_units(user=user, period_year=period_year)
        .select_related("parent")
        .annotate(
            total=Count("registrations", filter=in_year),
            **{
                f"n_{status}": Count(
                    "registrations", filter=in_year & Q(registrations__status=status)
                )
                for status in S.values
            },
        )
        .order_by("n_approved", "total", "name_sort")
    )
    rows = list(units)
    done = sum(1 for u in rows if u.n_approved >= period_year.min_models_per_unit)
    return Completeness(
        rows=rows,
        total=len(rows),
        done=done,
        target_share=period_year.target_share,
        min_models=period_year.min_models_per_unit,
    )


@dataclass
class QueueFilters:
    year: int | None = None
    status: str = ""
    unit: int | None = None
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
        unit=values["unit"],
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
    if filters.unit:
        qs = qs.filter(unit_id=filters.unit)
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
    return (
        qs.select_related("support_model__category", "unit__parent", "period_year__period")
        .prefetch_related("support_model__target_groups")
        .order_by(*order)
    )


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


def queue_choices(*, user) -> dict:
    return {
        # Labelled with Unit.choice_label: the same name in both trees shows its years.
        "units": scoped(user, Unit.objects.filter(kind__in=Unit.GRASSROOTS_KINDS)).order_by(
            "name_sort", "valid_from"
        ),
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
    panels = {"programme": {"period_year": period_year, "years": years}}
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
        stats = completeness(user=user, period_year=period_year)
        panels["programme"]["completeness"] = stats
        panels["programme"]["waiting"] = waiting_count(user=user, period_year=period_year)
        panels["programme"]["reports_waiting"] = report_selectors.waiting_reports(
            user=user, year=period_year.year
        )
        panels["programme"]["laggards"] = [r for r in stats.rows if r.total == 0][:10]
    panels["programme"]["is_reviewer"] = user_may(user, Perm.REVIEW)
    return panels
