"""Reads for recognition (công nhận), commendations and the library of good models.

The guideline's criteria are computed here, once, from the data — (a) "maintained": an approved
registration in every year of the span since the model started; (b) an implementation plan on
each of those registrations; (c) an accepted final result report — each with the links that
prove it, so that the queue, the decision page and the service that records a decision all read
the same answer. Every list runs a fixed number of queries whatever the data.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from doanthanhnien.models import Unit
from doanthanhnien.scoping import Perm, scoped, user_may
from doanthanhnien.text import fold

from .models import (
    Commendation,
    ModelCategory,
    Period,
    Recognition,
    Registration,
    ResultReport,
    ResultReportEvidence,
    ResultReportTarget,
    SupportModel,
    TargetGroup,
)

S = Registration.Status
R = ResultReport.Status
D = Recognition.Decision


# --- The criteria ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    label: str
    url: str


@dataclass(frozen=True)
class Criterion:
    key: str  # "maintained", "plan", "report"
    label: str
    met: bool
    explanation: str  # what is missing, or what proves it
    evidence: tuple[Evidence, ...] = ()


def criterion_labels() -> dict[str, str]:
    return {
        "maintained": _("(a) Maintained regularly through the period"),
        "plan": _("(b) Has an implementation plan"),
        "report": _("(c) Has an accepted result report"),
    }


def span_years(*, model: SupportModel, period: Period, year: int | None, registrations) -> list:
    """The years a decision covers: the one year, or every year of the period since the model
    started (its start date, or else its first registration in the period)."""
    if year is not None:
        return [year]
    if model.start_date is not None:
        start = model.start_date.year
    else:
        start = min((r.year for r in registrations), default=period.start_year)
    return list(range(max(start, period.start_year), period.end_year + 1))


def compute_criteria(
    *, model: SupportModel, period: Period, year: int | None, registrations
) -> list[Criterion]:
    """The three criteria for ``model`` over the span, from ``registrations`` (the model's
    registrations of the period, each with its final reports prefetched as ``final_reports``)."""
    labels = criterion_labels()
    registrations = [r for r in registrations if period.start_year <= r.year <= period.end_year]
    years = span_years(model=model, period=period, year=year, registrations=registrations)
    approved = {r.year: r for r in registrations if r.status == S.APPROVED and r.year in years}
    in_span = [approved[y] for y in years if y in approved]

    missing_years = [y for y in years if y not in approved]
    maintained = Criterion(
        "maintained",
        labels["maintained"],
        met=bool(years) and not missing_years,
        explanation=(
            _("No approved registration in %(years)s.")
            % {"years": ", ".join(str(y) for y in missing_years)}
            if missing_years
            else _("Approved every year: %(years)s.") % {"years": ", ".join(map(str, years))}
        ),
        evidence=tuple(
            Evidence(
                _("Registration %(year)s") % {"year": r.year},
                reverse("registry:registration-detail", args=[r.pk]),
            )
            for r in in_span
        ),
    )

    without_plan = [r.year for r in in_span if not r.plan_document]
    plan = Criterion(
        "plan",
        labels["plan"],
        met=bool(in_span) and not without_plan,
        explanation=(
            _("No approved registration to carry a plan.")
            if not in_span
            else _("No plan document on the registration of %(years)s.")
            % {"years": ", ".join(map(str, without_plan))}
            if without_plan
            else _("A plan document on every registration.")
        ),
        evidence=tuple(
            Evidence(
                _("Plan %(year)s") % {"year": r.year},
                reverse("registry:registration-plan", args=[r.pk]),
            )
            for r in in_span
            if r.plan_document
        ),
    )

    finals = [rep for r in in_span for rep in r.final_reports]
    accepted = [rep for rep in finals if rep.status == R.ACCEPTED]
    others = [rep for rep in finals if rep.status != R.ACCEPTED]
    if accepted:
        report_text = _("Final report accepted.")
    elif others:
        report_text = _("A final report exists but is not accepted (%(status)s).") % {
            "status": ", ".join(rep.get_status_display() for rep in others)
        }
    else:
        report_text = _("No final result report.")
    report = Criterion(
        "report",
        labels["report"],
        met=bool(accepted),
        explanation=report_text,
        evidence=tuple(
            Evidence(
                _("Final report %(year)s (%(status)s)")
                % {"year": rep.year, "status": rep.get_status_display()},
                reverse("registry:report-detail", args=[rep.pk]),
            )
            for rep in sorted(finals, key=lambda rep: rep.year)
        ),
    )
    return [maintained, plan, report]


def _period_registrations(period: Period) -> Prefetch:
    finals = ResultReport.objects.filter(kind=ResultReport.Kind.FINAL).order_by("year", "pk")
    return Prefetch(
        "registrations",
        queryset=Registration.objects.filter(year__gte=period.start_year, year__lte=period.end_year)
        .prefetch_related(Prefetch("reports", queryset=finals, to_attr="final_reports"))
        .order_by("year"),
        to_attr="period_registrations",
    )


def _decisions(period: Period) -> Prefetch:
    return Prefetch(
        "recognitions",
        queryset=Recognition.objects.filter(period=period, status=Recognition.Status.IN_FORCE)
        .select_related("decided_by")
        .order_by("pk"),
        to_attr="period_decisions",
    )


@dataclass
class RecognitionRow:
    """One model in the recognition queue, with its criteria and its decision in force."""

    model: SupportModel
    years: list[int]  # years with an approved registration in the period
    criteria: list[Criterion]
    decision: Recognition | None

    @property
    def all_met(self) -> bool:
        return all(c.met for c in self.criteria)

    @property
    def decision_badge(self) -> str:
        if self.decision is None:
            return "text-bg-light"
        return DECISION_BADGES[self.decision.decision]


DECISION_BADGES = {D.RECOGNISED: "text-bg-success", D.NOT_RECOGNISED: "text-bg-danger"}


def recognition_row(model: SupportModel, *, period: Period, year: int | None) -> RecognitionRow:
    """``model`` must carry ``period_registrations`` and ``period_decisions`` (see above)."""
    registrations = model.period_registrations
    decision = next((d for d in model.period_decisions if d.year == year), None)
    return RecognitionRow(
        model=model,
        years=[r.year for r in registrations if r.status == S.APPROVED],
        criteria=compute_criteria(
            model=model, period=period, year=year, registrations=registrations
        ),
        decision=decision,
    )


def model_for_decision(*, user, pk: int, period: Period) -> SupportModel:
    """The model a standing-committee member may decide on, with what its criteria need
    (raises SupportModel.DoesNotExist outside their reviewing scope)."""
    return (
        scoped(user, SupportModel.objects.select_related("unit", "category"), Perm.RECOGNISE)
        .prefetch_related(_period_registrations(period), _decisions(period))
        .get(pk=pk)
    )


def criteria_for(*, model: SupportModel, period: Period, year: int | None) -> list[Criterion]:
    """The criteria of one model, read fresh from the database (for the deciding service)."""
    fresh = (
        SupportModel.objects.filter(pk=model.pk)
        .prefetch_related(_period_registrations(period))
        .get()
    )
    return compute_criteria(
        model=fresh, period=period, year=year, registrations=fresh.period_registrations
    )


@dataclass
class QueueFilters:
    period: Period
    year: int | None = None
    decision: str = ""  # "", "undecided", "recognised", "not_recognised"
    q: str = ""


def recognition_queue(*, user, filters: QueueFilters) -> QuerySet:
    """Models of the unions the user's standing committee recognises that have an approved
    registration in the span; a fixed number of queries per page."""
    period, year = filters.period, filters.year
    approved = Registration.objects.filter(
        support_model=OuterRef("pk"),
        status=S.APPROVED,
        year__gte=period.start_year,
        year__lte=period.end_year,
    )
    if year is not None:
        approved = approved.filter(year=year)
    qs = scoped(user, SupportModel.objects.all(), Perm.RECOGNISE).filter(Exists(approved))
    in_force = Recognition.objects.filter(
        support_model=OuterRef("pk"),
        period=period,
        status=Recognition.Status.IN_FORCE,
        **({"year": year} if year is not None else {"year__isnull": True}),
    )
    if filters.decision == "undecided":
        qs = qs.exclude(Exists(in_force))
    elif filters.decision in D.values:
        qs = qs.filter(Exists(in_force.filter(decision=filters.decision)))
    for word in fold(filters.q).split():
        qs = qs.filter(search_text__contains=word)
    return (
        qs.select_related("unit", "category")
        .prefetch_related(_period_registrations(period), _decisions(period))
        .order_by("unit__name_sort", "name", "pk")
    )


def recognition_rows(*, models, filters: QueueFilters) -> list[RecognitionRow]:
    return [recognition_row(m, period=filters.period, year=filters.year) for m in models]


def recognition_periods() -> QuerySet:
    return Period.objects.prefetch_related("years").order_by("-start_year")


def default_period(*, user, periods) -> Period | None:
    """The latest period that has started and in which the user's union existed (a recognition
    comes at the end of one; a district union retired in 2025 keeps its 2020–2022 period)."""
    from .selectors import unit_years

    this_year = timezone.localdate().year
    first, last = unit_years(getattr(user, "unit", None))
    periods = [p for p in periods if p.start_year <= last and p.end_year >= first] or list(periods)
    started = [p for p in periods if p.start_year <= this_year]
    return started[0] if started else (periods[-1] if periods else None)


def model_recognitions(*, user, model: SupportModel) -> QuerySet:
    """Every decision on ``model`` the user may see, revoked ones included."""
    return (
        scoped(user, Recognition.objects.filter(support_model=model))
        .select_related("period", "decided_by")
        .order_by("-decision_date", "-pk")
    )


def model_commendations(*, user, model: SupportModel) -> QuerySet:
    return (
        scoped(user, Commendation.objects.filter(support_model=model))
        .select_related("unit", "awarded_by")
        .order_by("-decision_date", "-pk")
    )


def may_commend(*, user, model: SupportModel) -> bool:
    if not user_may(user, Perm.COMMEND):
        return False
    return scoped(user, SupportModel.objects.filter(pk=model.pk), Perm.COMMEND).exists()


# --- The library -----------------------------------------------------------------------------


@dataclass
class LibraryFilters:
    q: str = ""
    category: int | None = None
    target_group: int | None = None
    unit: int | None = None
    year: int | None = None


# How far a replica got, furthest first: the label the library shows for each stage.
def replica_stages() -> dict[str, str]:
    return {
        "recognised": _("Recognised"),
        "report_accepted": _("Report accepted"),
        "approved": _("Registration approved"),
        "submitted": _("Registration awaiting review"),
        "started": _("Model drafted"),
    }


@dataclass
class Replica:
    model_id: int
    unit_name: str
    stage: str
    stage_label: str


@dataclass
class LibraryEntry:
    model: SupportModel
    years: list[int]
    youth: int
    results: str
    photos: list = field(default_factory=list)
    commendations: list = field(default_factory=list)
    recognitions: list = field(default_factory=list)
    replicas: list = field(default_factory=list)

    @property
    def replica_count(self) -> int:
        return len({r.unit_name for r in self.replicas})


def library_models(*, user, filters: LibraryFilters) -> QuerySet:
    """Recognised models across the user's province (the scoping rule), filtered."""
    qs = scoped(user, SupportModel.objects.all(), Perm.LIBRARY)
    if filters.category:
        qs = qs.filter(category_id=filters.category)
    if filters.target_group:
        qs = qs.filter(Exists(SupportModel.target_groups.through.objects.filter(
            supportmodel_id=OuterRef("pk"), targetgroup_id=filters.target_group
        )))  # fmt: skip
    if filters.unit:
        # A union, or any union below it (a district shows its communes' models).
        unit = Unit.objects.filter(pk=filters.unit).first()
        qs = qs.filter(unit__path__startswith=unit.path) if unit else qs.none()
    if filters.year:
        qs = qs.filter(
            Exists(
                Registration.objects.filter(
                    support_model=OuterRef("pk"), year=filters.year, status=S.APPROVED
                )
            )
        )
    for word in fold(filters.q).split():
        qs = qs.filter(search_text__contains=word)
    return (
        qs.select_related("unit__parent", "category")
        .prefetch_related("target_groups")
        .order_by("unit__name_sort", "name", "pk")
    )


def library_entries(*, user, models) -> list[LibraryEntry]:
    """Entries for one page of the library: a fixed number of queries for any page size."""
    models = list(models)
    ids = [m.pk for m in models]
    if not ids:
        return []
    years: dict[int, list[int]] = {pk: [] for pk in ids}
    for model_id, year in (
        Registration.objects.filter(support_model_id__in=ids, status=S.APPROVED)
        .order_by("year")
        .values_list("support_model_id", "year")
    ):
        years[model_id].append(year)
    accepted_finals = ResultReport.objects.filter(
        registration__support_model_id__in=ids,
        kind=ResultReport.Kind.FINAL,
        status=R.ACCEPTED,
    )
    youth = dict(
        ResultReportTarget.objects.filter(report__in=accepted_finals)
        .values("report__registration__support_model_id")
        .annotate(n=Sum("total"))
        .values_list("report__registration__support_model_id", "n")
    )
    results = {}
    for model_id, text in accepted_finals.order_by("year", "pk").values_list(
        "registration__support_model_id", "results"
    ):
        results[model_id] = text  # the latest accepted final report's results
    photos: dict[int, list] = {pk: [] for pk in ids}
    for evidence in (
        scoped(user, ResultReportEvidence.objects.all(), Perm.LIBRARY)
        .filter(report__registration__support_model_id__in=ids)
        .select_related("report__registration")
        .order_by("pk")
    ):
        photos[evidence.report.registration.support_model_id].append(evidence)
    commendations: dict[int, list] = {pk: [] for pk in ids}
    for commendation in (
        scoped(user, Commendation.objects.all(), Perm.LIBRARY)
        .filter(support_model_id__in=ids)
        .select_related("unit", "awarded_by")
    ):
        commendations[commendation.support_model_id].append(commendation)
    recognitions: dict[int, list] = {pk: [] for pk in ids}
    for recognition in (
        scoped(user, Recognition.objects.all(), Perm.LIBRARY)
        .filter(support_model_id__in=ids)
        .select_related("period")
        .order_by("decision_date", "pk")
    ):
        recognitions[recognition.support_model_id].append(recognition)
    replicas = replicas_of(ids)
    entries = []
    for model in models:
        entries.append(
            LibraryEntry(
                model=model,
                years=years[model.pk],
                youth=youth.get(model.pk) or 0,
                results=results.get(model.pk, ""),
                photos=photos[model.pk],
                commendations=commendations[model.pk],
                recognitions=recognitions[model.pk],
                replicas=replicas.get(model.pk, []),
            )
        )
    return entries


def replicas_of(ids) -> dict[int, list[Replica]]:
    """The models replicated from ``ids``, each with the union and how far it got (one query).

    Part of the library rule: of another union's replica the library shows only the union's
    name and the stage reached, never its content.
    """
    approved = Registration.objects.filter(support_model=OuterRef("pk"), status=S.APPROVED)
    submitted = Registration.objects.filter(support_model=OuterRef("pk"), status=S.SUBMITTED)
    accepted = ResultReport.objects.filter(
        registration__support_model=OuterRef("pk"), status=R.ACCEPTED
    )
    rows = (
        SupportModel.objects.filter(replicated_from_id__in=ids)
        .annotate(
            is_recognised=Exists(Recognition.in_force_recognised(OuterRef("pk"))),
            has_accepted=Exists(accepted),
            has_approved=Exists(approved),
            has_submitted=Exists(submitted),
        )
        .values(
            "pk",
            "replicated_from_id",
            "unit__name",
            "unit__name_sort",
            "is_recognised",
            "has_accepted",
            "has_approved",
            "has_submitted",
        )
        .order_by("unit__name_sort", "pk")
    )
    labels = replica_stages()
    result: dict[int, list[Replica]] = {}
    for row in rows:
        if row["is_recognised"]:
            stage = "recognised"
        elif row["has_accepted"]:
            stage = "report_accepted"
        elif row["has_approved"]:
            stage = "approved"
        elif row["has_submitted"]:
            stage = "submitted"
        else:
            stage = "started"
        result.setdefault(row["replicated_from_id"], []).append(
            Replica(row["pk"], row["unit__name"], stage, labels[stage])
        )
    return result


def library_entry(*, user, pk: int) -> LibraryEntry:
    """One library entry (raises SupportModel.DoesNotExist outside the library)."""
    model = (
        scoped(user, SupportModel.objects.all(), Perm.LIBRARY)
        .select_related("unit__parent", "category")
        .prefetch_related("target_groups")
        .get(pk=pk)
    )
    return library_entries(user=user, models=[model])[0]


def library_youth_by_group(*, model: SupportModel) -> list[dict]:
    """Youth supported by the (published) model per target group, from accepted final reports."""
    return list(
        ResultReportTarget.objects.filter(
            report__registration__support_model=model,
            report__kind=ResultReport.Kind.FINAL,
            report__status=R.ACCEPTED,
        )
        .values("target_group__name", "target_group__code")
        .annotate(total=Sum("total"), female=Sum("female"))
        .order_by("target_group__code")
    )


def library_choices(*, user) -> dict:
    root = user.unit.path.split("/")[1] if getattr(user, "unit", None) and user.unit.path else ""
    units = Unit.objects.filter(kind__in=[*Unit.UPPER_KINDS, *Unit.GRASSROOTS_KINDS])
    if root:
        units = units.filter(path__startswith=f"/{root}/")
    # Only unions that have something in the library, and the upper unions above them.
    published = scoped(user, SupportModel.objects.all(), Perm.LIBRARY).values("unit__path")
    paths = {p["unit__path"] for p in published}
    ids = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    return {
        "units": units.filter(pk__in=ids).order_by("depth", "name_sort"),
        "categories": ModelCategory.objects.all(),
        "target_groups": TargetGroup.objects.all(),
    }


def my_replica(*, user, model: SupportModel) -> SupportModel | None:
    """The user's own union's replica of ``model``, if it has one."""
    if getattr(user, "unit_id", None) is None:
        return None
    return scoped(user, SupportModel.objects.filter(replicated_from=model), Perm.EDIT).first()
