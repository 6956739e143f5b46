"""The one source of figures for summaries: the dashboard, the PDF and the workbook read these.

``summary(root=…, span=…)`` aggregates in SQL with a fixed number of queries and returns plain
dataclasses. Every rule is computed once, here:

* **Which grassroots unions count.** The structure of the report is the union tree as it
  stands on the *structure day*: the last day of the span, or the day the root union was
  retired if that is earlier. Grassroots unions (xã, phường, thị trấn) under the root that are
  valid on that day are the rows. So a year up to 2024 is reported under the districts, 2025
  and later under the new communes (the reorganisation took effect on 01/07/2025).
* **Retired unions roll up through their successors.** A grassroots union retired before the
  structure day hands its registrations to its successor (``UnitSuccession``), following
  chains; the successor may lie outside the root's path (a new commune's report includes the
  former communes it was formed from). A former union split between several successors goes
  to exactly **one** of them, so nothing is counted twice: the successor that took it whole
  (``partial`` unset) if there is one, then the one that kept its code, then the lowest code.
  A union retired without any successor keeps its own row if it existed during the span.
* **Counts.** "Registered", "submitted" and "approved" count *models* (distinct
  ``SupportModel``) with a registration of that kind in the span — for one year the same as
  counting registrations. "Submitted" means sent to the upper union at least once (every status
  but draft); "awaiting" and "late" count registrations. Planned youth (per target group) and
  planned budget come from *approved* registrations only: what the upper union accepted.
* **The KPI.** A grassroots union meets the year's target when it has at least the year's
  ``min_models_per_unit`` approved registrations in that year; over a span it must meet it in
  every programme year of the span. The share is compared with the year's ``target_share``
  (over a span: the highest of the years' targets).
* **Result reports.** Only *accepted final* reports (``ResultReport`` with kind ``final``,
  status ``accepted``, of a year in the span) count. A registration may have an interim
  (sơ kết) and a final (tổng kết) report; the final one covers the whole year, interim figures
  included, so adding both would count the same youth and money twice, and an interim report
  is not the guideline's result report (criterion (c) of recognition reads the same rule).
  Draft, submitted and returned reports count nowhere. "Reported" counts *models* with such a
  report in the span; youth supported (per target group, with female) and money mobilised
  (the four sources: union funds, state budget, sponsors, people; in-kind support is valued
  in these amounts) are summed over those reports: over a span of years, each year's report
  adds its year.
* **Recognitions.** "Recognised" counts *models* with a decision in force that recognises
  them (``Recognition.scope_published()``: decision ``recognised``, status ``in_force``; a
  revoked decision or a refusal counts nowhere) for the span: a decision for a year of the
  span, or for a whole programme period that overlaps the span.
* Both are keyed by ``unit_id`` and folded through ``figures_of`` like the registrations; a
  grassroots row without reports or recognitions shows 0. The columns are still optional in
  ``Figures`` (``None`` leaves a column out of every output), so a source that is not there
  yet can be added the same way.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext_lazy as _

from doanthanhnien.models import Unit, UnitSuccession
from models_registry.models import (
    ModelCategory,
    PeriodYear,
    Recognition,
    Registration,
    RegistrationTarget,
    ResultReport,
    ResultReportTarget,
    TargetGroup,
)

S = Registration.Status
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_SPAN_YEARS = 10


# --- What is reported: a year or a span of years ---------------------------------------------


@dataclass(frozen=True)
class Span:
    first: int
    last: int

    @classmethod
    def parse(cls, text: str) -> Span | None:
        """ "2022" or "2020-2022"; None for anything else (out of range, reversed, too long)."""
        parts = str(text).split("-")
        if len(parts) not in (1, 2) or not all(p.isdigit() and len(p) == 4 for p in parts):
            return None
        first, last = int(parts[0]), int(parts[-1])
        if not (FIRST_YEAR <= first <= last <= LAST_YEAR) or last - first >= MAX_SPAN_YEARS:
            return None
        return cls(first, last)

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    @property
    def is_year(self) -> bool:
        return self.first == self.last

    @property
    def slug(self) -> str:
        return str(self.first) if self.is_year else f"{self.first}-{self.last}"

    @property
    def label(self) -> str:
        return str(self.first) if self.is_year else f"{self.first}–{self.last}"

    @property
    def end_day(self) -> date:
        return date(self.last, 12, 31)


# --- The figures -----------------------------------------------------------------------------


@dataclass
class Figures:
    """Figures of one grassroots union, or summed over several. Money in đồng."""

    registered: int = 0
    submitted: int = 0
    awaiting: int = 0
    approved: int = 0
    late: int = 0
    planned_youth: int = 0
    planned_budget: int = 0
    planned_by_group: dict[int, int] = field(default_factory=dict)
    models_by_category: dict[int, int] = field(default_factory=dict)
    grassroots: int = 0  # grassroots unions counted
    grassroots_done: int = 0  # … of which meet the KPI
    # From result reports and recognitions; None leaves the column out of every output.
    reported: int | None = None
    recognised: int | None = None
    supported: int | None = None
    supported_female: int | None = None
    mobilised: int | None = None
    supported_by_group: dict[int, int] = field(default_factory=dict)
    female_by_group: dict[int, int] = field(default_factory=dict)
    mobilised_by_source: dict[str, int] = field(default_factory=dict)  # FUND_SOURCES keys

    def add(self, other: Figures) -> None:
        for name in _SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in _OPTIONAL:
            theirs = getattr(other, name)
            if theirs is not None:
                setattr(self, name, (getattr(self, name) or 0) + theirs)
        for name in _DICTS:
            mine = getattr(self, name)
            for key, value in getattr(other, name).items():
                mine[key] = mine.get(key, 0) + value

    @property
    def share(self) -> float:
        """Share of grassroots unions meeting the KPI, in per cent (one decimal)."""
        return round(100 * self.grassroots_done / self.grassroots, 1) if self.grassroots else 0.0


_SUMMED = (
    "registered",
    "submitted",
    "awaiting",
    "approved",
    "late",
    "planned_youth",
    "planned_budget",
    "grassroots",
    "grassroots_done",
)
_OPTIONAL = ("reported", "recognised", "supported", "supported_female", "mobilised")
_DICTS = (
    "planned_by_group",
    "models_by_category",
    "supported_by_group",
    "female_by_group",
    "mobilised_by_source",
)
# The guideline's four sources of resources mobilised: ResultReport field → label in the
# official report and the workbook (always Vietnamese).
FUND_SOURCES = {
    "funds_union": "Quỹ Đoàn",
    "funds_state": "Ngân sách nhà nước",
    "funds_sponsors": "Nhà tài trợ",
    "funds_people": "Nhân dân đóng góp",
}


@dataclass(frozen=True)
class Column:
    """One figure column, labelled once for the page, the PDF and the workbook."""

    key: str
    label: str  # on screen, translated
    doc_label: str  # in the official report and the workbook, always Vietnamese
    money: bool = False
    extension: bool = False  # filled from result reports and recognitions


COLUMNS = [
    Column("registered", _("Registered"), "Đã đăng ký"),
    Column("submitted", _("Submitted"), "Đã gửi duyệt"),
    Column("approved", _("Approved"), "Đã duyệt"),
    Column("awaiting", _("Awaiting review"), "Chờ duyệt"),
    Column("late", _("Late"), "Nộp muộn"),
    Column("reported", _("Reported"), "Đã báo cáo kết quả", extension=True),
    Column("recognised", _("Recognised"), "Được công nhận", extension=True),
    Column("planned_youth", _("Youth planned"), "Số TTN dự kiến hỗ trợ"),
    Column("supported", _("Youth supported"), "Số TTN đã hỗ trợ", extension=True),
    Column("supported_female", _("of whom female"), "Trong đó nữ", extension=True),
    Column("planned_budget", _("Planned budget (đồng)"), "Kinh phí dự kiến (đồng)", money=True),
    Column(
        "mobilised", _("Mobilised (đồng)"), "Nguồn lực huy động (đồng)", money=True, extension=True
    ),
]


@dataclass
class UnitRow:
    """A grassroots union (with whatever its predecessors did) or a child of the root."""

    pk: int
    code: str
    name: str
    figures: Figures
    done: bool = False  # grassroots rows: meets the KPI over the span
    parent_pk: int | None = None  # grassroots rows: the child of the root it rolls up to
    formed_from: list[str] = field(default_factory=list)  # names of units rolled into it
    values: list = field(default_factory=list)  # figures in the order of Summary.columns
    plan_values: list = field(default_factory=list)  # … of Summary.plan_columns
    result_values: list = field(default_factory=list)  # … of Summary.result_columns


@dataclass
class YearRow:
    year: int
    registered: int
    approved: int
    grassroots: int
    grassroots_done: int
    target_share: int | None  # None: not a programme year

    @property
    def share(self) -> float:
        return round(100 * self.grassroots_done / self.grassroots, 1) if self.grassroots else 0.0


@dataclass
class GroupRow:
    pk: int
    code: int
    name: str
    short_name: str
    planned: int
    supported: int | None = None  # None: no result reports (column left out)
    supported_female: int | None = None


@dataclass
class CategoryRow:
    code: int
    name: str
    models: int


@dataclass
class Summary:
    root: Unit
    span: Span
    structure_day: date
    grassroots: list[UnitRow]
    children: list[UnitRow]
    total: Figures
    years: list[YearRow]  # the span's years (KPI per year)
    trend: list[YearRow]  # every year of the programme period(s) the span touches
    groups: list[GroupRow]
    categories: list[CategoryRow]
    target_share: int | None
    unit_map: dict[int, int]  # registration unit id → grassroots row id
    names: dict[int, str]  # unit id → name, for every unit in unit_map
    outside_ids: set[int] = field(default_factory=set)  # rolled-in units outside the path
    columns: list[Column] = field(default_factory=list)  # the columns whose total is not None
    total_values: list = field(default_factory=list)
    # The same columns split in two, for a printed page too narrow for all of them at once:
    # registrations, and results (reports and recognitions).
    plan_columns: list[Column] = field(default_factory=list)
    result_columns: list[Column] = field(default_factory=list)
    total_plan_values: list = field(default_factory=list)
    total_result_values: list = field(default_factory=list)

    def __post_init__(self):
        self.columns = [c for c in COLUMNS if getattr(self.total, c.key) is not None]
        self.plan_columns = [c for c in self.columns if not c.extension]
        self.result_columns = [c for c in self.columns if c.extension]

        def values(figures, columns):
            return [getattr(figures, c.key) for c in columns]

        self.total_values = values(self.total, self.columns)
        self.total_plan_values = values(self.total, self.plan_columns)
        self.total_result_values = values(self.total, self.result_columns)
        for row in (*self.grassroots, *self.children):
            row.values = values(row.figures, self.columns)
            row.plan_values = values(row.figures, self.plan_columns)
            row.result_values = values(row.figures, self.result_columns)

    @property
    def reached(self) -> bool:
        return self.target_share is not None and self.total.share >= self.target_share

    @property
    def children_differ(self) -> bool:
        """Whether the child units are not simply the grassroots unions (a province before
        2025: its districts), so a table per child unit says something."""
        return {r.pk for r in self.children} != {r.pk for r in self.grassroots}

    @property
    def approved_by_category(self) -> int:
        return sum(c.models for c in self.categories)

    @property
    def registration_filter(self) -> Q:
        """The registrations behind these figures, before the roll-up drops strays (units
        under the root that count elsewhere or not at all: not in ``unit_map``)."""
        return _scope_filter(self.root, self.outside_ids) & Q(
            year__gte=self.span.first, year__lte=self.span.last
        )


# --- Structure: which grassroots unions, and who rolls up into whom --------------------------


def _valid_on(row: dict, day: date) -> bool:
    return row["valid_from"] <= day and (row["valid_to"] is None or day <= row["valid_to"])


def _chosen_successors() -> dict[int, int]:
    """Each former unit → the one successor its figures go to (one query; rule in the module
    docstring)."""
    links = UnitSuccession.objects.values(
        "predecessor_id", "successor_id", "partial", "predecessor__code", "successor__code"
    )
    best: dict[int, tuple] = {}
    for link in links:
        key = (
            link["partial"],
            link["successor__code"] != link["predecessor__code"],
            link["successor__code"],
            link["successor_id"],
        )
        current = best.get(link["predecessor_id"])
        if current is None or key < current:
            best[link["predecessor_id"]] = key
    return {pred: key[-1] for pred, key in best.items()}


_UNIT_FIELDS = ("pk", "code", "name", "name_sort", "path", "valid_from", "valid_to")


def _structure(root: Unit, span: Span):
    """(structure day, grassroots unit rows by id, unit_map {unit id → row id}, names)."""
    day = min(span.end_day, root.valid_to) if root.valid_to else span.end_day
    successor_of = _chosen_successors()
    predecessors: dict[int, list[int]] = defaultdict(list)
    for pred, succ in successor_of.items():
        predecessors[succ].append(pred)

    grassroots = Unit.objects.filter(kind__in=Unit.GRASSROOTS_KINDS)
    below = list(grassroots.filter(path__startswith=root.path).values(*_UNIT_FIELDS))
    rows = {u["pk"]: u for u in below if _valid_on(u, day)}
    span_start = date(span.first, 1, 1)
    for u in below:  # retired without a successor during the span: keeps its own row
        if (
            u["pk"] not in successor_of
            and u["valid_to"] is not None
            and span_start <= u["valid_to"] < day
        ):
            rows[u["pk"]] = u

    # Walk back from every row through the chosen-successor links.
    unit_map = {pk: pk for pk in rows}
    frontier = list(rows)
    while frontier:
        succ = frontier.pop()
        for pred in predecessors.get(succ, ()):
            if pred not in unit_map:
                unit_map[pred] = unit_map[succ]
                frontier.append(pred)
    names = {u["pk"]: u["name"] for u in below if u["pk"] in unit_map}
    missing = [pk for pk in unit_map if pk not in names]
    if missing:
        names.update(dict(Unit.objects.filter(pk__in=missing).values_list("pk", "name")))
    return day, rows, unit_map, names, {u["pk"] for u in below}


def _scope_filter(root: Unit, outside: set[int]) -> Q:
    # The path prefix keeps the query the same size for a commune as for the whole country;
    # only former units outside the root's path (a new commune's predecessors) are listed.
    scope = Q(unit__path__startswith=root.path)
    return scope | Q(unit_id__in=sorted(outside)) if outside else scope


# --- The summary -----------------------------------------------------------------------------


def summary(*, root: Unit, span: Span) -> Summary:
    """All figures for ``root`` and ``span``; a fixed number of queries whatever the data."""
    day, rows, unit_map, names, below_ids = _structure(root, span)
    programme_years = {
        py.year: py
        for py in PeriodYear.objects.select_related("period").order_by("period__start_year")
    }
    trend_years = set(span.years)
    for year in span.years:
        if year in programme_years:
            period = programme_years[year].period
            trend_years.update(range(period.start_year, period.end_year + 1))
    first, last = min(trend_years), max(trend_years)

    outside = {pk for pk in unit_map if pk not in below_ids}
    in_scope = Registration.objects.filter(_scope_filter(root, outside))
    in_span = in_scope.filter(year__gte=span.first, year__lte=span.last)
    approved = Q(status=S.APPROVED)
    per_unit = in_span.values("unit_id").annotate(
        registered=Count("support_model", distinct=True),
        submitted=Count("support_model", distinct=True, filter=~Q(status=S.DRAFT)),
        approved=Count("support_model", distinct=True, filter=approved),
        awaiting=Count("id", filter=Q(status=S.SUBMITTED)),
        late=Count("id", filter=Q(is_late=True)),
        planned_budget=Sum("planned_budget", filter=approved),
    )
    per_year = (
        in_scope.filter(year__gte=first, year__lte=last)
        .values("unit_id", "year")
        .annotate(registered=Count("id"), approved=Count("id", filter=approved))
    )
    per_group = (
        RegistrationTarget.objects.filter(registration__in=in_span.filter(approved).values("pk"))
        .values("registration__unit_id", "target_group_id")
        .annotate(planned=Sum("planned_count"))
    )
    per_category = (
        in_span.filter(approved)
        .values("unit_id", "support_model__category_id")
        .annotate(models=Count("support_model", distinct=True))
    )

    scope = _scope_filter(root, outside)
    finals = _accepted_finals(scope, span)
    per_unit_reports = finals.values("unit_id").annotate(
        reported=Count("registration__support_model", distinct=True),
        **{source: Sum(source) for source in FUND_SOURCES},
    )
    per_group_reports = (
        ResultReportTarget.objects.filter(report__in=finals.values("pk"))
        .values("report__unit_id", "target_group_id")
        .annotate(total=Sum("total"), female=Sum("female"))
    )
    per_unit_recognitions = (
        _recognitions_in_force(scope, span)
        .values("unit_id")
        .annotate(recognised=Count("support_model", distinct=True))
    )

    figures = {pk: Figures() for pk in rows}
    for f in figures.values():  # the sources exist: a union without any shows 0
        f.reported = f.recognised = f.supported = f.supported_female = f.mobilised = 0

    def figures_of(unit_id: int) -> Figures | None:
        target = unit_map.get(unit_id)  # None: a stray that counts elsewhere or not at all
        return figures[target] if target is not None else None

    for row in per_unit:
        if (f := figures_of(row["unit_id"])) is None:
            continue
        for name in ("registered", "submitted", "approved", "awaiting", "late"):
            setattr(f, name, getattr(f, name) + row[name])
        f.planned_budget += row["planned_budget"] or 0
    for row in per_group:
        if (f := figures_of(row["registration__unit_id"])) is None:
            continue
        group = row["target_group_id"]
        f.planned_by_group[group] = f.planned_by_group.get(group, 0) + (row["planned"] or 0)
        f.planned_youth += row["planned"] or 0
    for row in per_category:
        if (f := figures_of(row["unit_id"])) is None:
            continue
        category = row["support_model__category_id"]
        f.models_by_category[category] = f.models_by_category.get(category, 0) + row["models"]

    for row in per_unit_reports:
        if (f := figures_of(row["unit_id"])) is None:
            continue
        f.reported += row["reported"]
        for source in FUND_SOURCES:
            amount = row[source] or 0
            f.mobilised_by_source[source] = f.mobilised_by_source.get(source, 0) + amount
            f.mobilised += amount
    for row in per_group_reports:
        if (f := figures_of(row["report__unit_id"])) is None:
            continue
        group, total, female = row["target_group_id"], row["total"] or 0, row["female"] or 0
        f.supported_by_group[group] = f.supported_by_group.get(group, 0) + total
        f.female_by_group[group] = f.female_by_group.get(group, 0) + female
        f.supported += total
        f.supported_female += female
    for row in per_unit_recognitions:
        if (f := figures_of(row["unit_id"])) is not None:
            f.recognised += row["recognised"]

    # Per unit and year, rolled up: what the KPI and the trend need.
    registered_in: dict[tuple[int, int], int] = defaultdict(int)
    approved_in: dict[tuple[int, int], int] = defaultdict(int)
    for row in per_year:
        if row["unit_id"] not in unit_map:
            continue
        key = (unit_map[row["unit_id"]], row["year"])
        registered_in[key] += row["registered"]
        approved_in[key] += row["approved"]

    def done_in(pk: int, year: int) -> bool:
        return approved_in[(pk, year)] >= programme_years[year].min_models_per_unit

    kpi_years = [y for y in span.years if y in programme_years]
    formed_from: dict[int, list[str]] = defaultdict(list)  # the former unions rolled into a row
    for former, target in unit_map.items():
        if former != target:
            formed_from[target].append(names[former])
    grassroots_rows = []
    for pk, unit in rows.items():
        f = figures[pk]
        f.grassroots = 1
        done = bool(kpi_years) and all(done_in(pk, y) for y in kpi_years)
        f.grassroots_done = int(done)
        grassroots_rows.append(
            UnitRow(
                pk=pk,
                code=unit["code"],
                name=unit["name"],
                figures=f,
                done=done,
                parent_pk=_child_of(root, unit),
                formed_from=sorted(formed_from.get(pk, ())),
            )
        )
    grassroots_rows.sort(key=lambda r: (rows[r.pk]["name_sort"], r.code))

    def year_row(year: int) -> YearRow:
        known = year in programme_years
        return YearRow(
            year=year,
            registered=sum(registered_in[(pk, year)] for pk in rows),
            approved=sum(approved_in[(pk, year)] for pk in rows),
            grassroots=len(rows),
            grassroots_done=sum(done_in(pk, year) for pk in rows) if known else 0,
            target_share=programme_years[year].target_share if known else None,
        )

    total = Figures(reported=0, recognised=0, supported=0, supported_female=0, mobilised=0)
    children_figures: dict[int, Figures] = defaultdict(Figures)
    for row in grassroots_rows:
        total.add(row.figures)
        children_figures[row.parent_pk].add(row.figures)
    children = [
        UnitRow(pk=u.pk, code=u.code, name=u.name, figures=children_figures[u.pk])
        for u in Unit.objects.filter(pk__in=list(children_figures)).order_by("name_sort", "code")
    ]

    groups = [
        GroupRow(
            pk=g.pk,
            code=g.code,
            name=g.name,
            short_name=g.short_name,
            planned=total.planned_by_group.get(g.pk, 0),
            supported=None if total.supported is None else total.supported_by_group.get(g.pk, 0),
            supported_female=(
                None if total.supported is None else total.female_by_group.get(g.pk, 0)
            ),
        )
        for g in TargetGroup.objects.order_by("code")
    ]
    categories = [
        CategoryRow(code=c.code, name=c.name, models=total.models_by_category.get(c.pk, 0))
        for c in ModelCategory.objects.order_by("code")
    ]
    targets = [programme_years[y].target_share for y in kpi_years]
    return Summary(
        root=root,
        span=span,
        structure_day=day,
        grassroots=grassroots_rows,
        children=children,
        total=total,
        years=[year_row(y) for y in span.years],
        trend=[year_row(y) for y in range(first, last + 1)],
        groups=groups,
        categories=categories,
        target_share=max(targets) if targets else None,
        unit_map=unit_map,
        names=names,
        outside_ids=outside,
    )


def _accepted_finals(scope: Q, span: Span):
    """The result reports that count (rule in the module docstring)."""
    return ResultReport.objects.filter(
        scope,
        year__gte=span.first,
        year__lte=span.last,
        kind=ResultReport.Kind.FINAL,
        status=ResultReport.Status.ACCEPTED,
    )


def _recognitions_in_force(scope: Q, span: Span):
    """Decisions in force recognising a model for a year of the span or a period overlapping
    it (rule in the module docstring)."""
    for_span = Q(year__gte=span.first, year__lte=span.last) | Q(
        year__isnull=True, period__start_year__lte=span.last, period__end_year__gte=span.first
    )
    return Recognition.objects.filter(scope, Recognition.scope_published(), for_span)


def _child_of(root: Unit, unit: dict) -> int:
    """The child of ``root`` on the unit's path (the unit itself when it is the root or a
    direct child; a rolled-in former unit outside the path counts under its successor)."""
    rest = unit["path"][len(root.path) :] if unit["path"].startswith(root.path) else ""
    head = rest.split("/", 1)[0]
    return int(head) if head else unit["pk"]


# --- The list of models (one row per registration) -------------------------------------------


@dataclass
class ModelRow:
    """One registration with the fields of guideline IV, for the PDF and the workbook."""

    unit: str  # the grassroots row it counts under
    registered_by: str  # the union that registered it (differs when rolled up)
    year: int
    name: str
    category: str
    target_groups: str  # "Khuyết tật: 5; Hộ nghèo, cận nghèo: 4"
    planned_youth: int
    implementers: str
    contact: str
    area: str
    partners: str
    start_date: date | None
    expected_results: str
    planned_budget: int | None
    budget_sources: str
    status: str
    status_label: str
    submitted_on: date | None
    late: bool


def model_rows(*, summary: Summary, approved_only: bool = False, chunk_size: int = 2000):
    """The registrations behind ``summary`` in the union's order, streamed (two queries)."""
    qs = Registration.objects.filter(summary.registration_filter)
    if approved_only:
        qs = qs.filter(status=S.APPROVED)
    groups = dict(TargetGroup.objects.values_list("pk", "short_name"))
    planned: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for reg_id, group_id, count in (
        RegistrationTarget.objects.filter(registration__in=qs.values("pk"))
        .order_by("registration_id", "target_group__code")
        .values_list("registration_id", "target_group_id", "planned_count")
    ):
        planned[reg_id].append((group_id, count))
    labels = {value: str(label) for value, label in S.choices}  # translated once, not per row
    rows = (
        qs.annotate(submitted_on=TruncDate("submitted_at"))
        .order_by("unit__name_sort", "year", "support_model__name", "pk")
        .values_list(
            "pk",
            "unit_id",
            "year",
            "support_model__name",
            "support_model__category__name",
            "support_model__implementers",
            "support_model__contact",
            "support_model__area",
            "support_model__partners",
            "support_model__start_date",
            "expected_results",
            "planned_budget",
            "budget_sources",
            "status",
            "submitted_on",
            "is_late",
        )
    )
    for row in rows.iterator(chunk_size=chunk_size):
        if row[1] not in summary.unit_map:
            continue  # a stray: counts under another root or not at all
        (pk, unit_id, year, name, category, implementers, contact, area, partners) = row[:9]
        (start, expected, budget, sources, status, submitted_on, late) = row[9:]
        targets = planned.pop(pk, [])
        yield ModelRow(
            unit=summary.names[summary.unit_map[unit_id]],
            registered_by=summary.names[unit_id],
            year=year,
            name=name,
            category=category,
            target_groups="; ".join(f"{groups[g]}: {n}" for g, n in targets),
            planned_youth=sum(n for _, n in targets),
            implementers=implementers,
            contact=contact,
            area=area,
            partners=partners,
            start_date=start,
            expected_results=expected,
            planned_budget=budget,
            budget_sources=sources,
            status=status,
            status_label=labels[status],
            submitted_on=submitted_on,  # the day in Vietnam (TIME_ZONE), not in UTC
            late=late,
        )


# --- The recognised models (one row per decision in force) -----------------------------------


@dataclass
class RecognisedRow:
    unit: str  # the grassroots row it counts under
    registered_by: str  # the union whose model it is
    name: str
    category: str
    span: str  # "2022", or the period "2020–2025" for a decision on the whole period
    decision_number: str
    decision_date: date


def recognised_rows(*, summary: Summary) -> list[RecognisedRow]:
    """The decisions behind ``summary.total.recognised``, in the union's order (one query)."""
    rows = (
        _recognitions_in_force(_scope_filter(summary.root, summary.outside_ids), summary.span)
        .order_by("unit__name_sort", "support_model__name", "decision_date", "pk")
        .values_list(
            "unit_id",
            "support_model__name",
            "support_model__category__name",
            "year",
            "period__start_year",
            "period__end_year",
            "decision_number",
            "decision_date",
        )
    )
    result = []
    for unit_id, name, category, year, start, end, number, day in rows:
        if unit_id not in summary.unit_map:
            continue  # a stray: counts under another root or not at all
        result.append(
            RecognisedRow(
                unit=summary.names[summary.unit_map[unit_id]],
                registered_by=summary.names[unit_id],
                name=name,
                category=category,
                span=str(year) if year else f"{start}–{end}",
                decision_number=number,
                decision_date=day,
            )
        )
    return result
