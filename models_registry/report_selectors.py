"""Reads for result reports. Each rule (done, needs a reason, late, badge) is computed here once,
so pages, PDFs and workbooks show the same thing without re-deriving it in templates."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from doanthanhnien.models import Unit
from doanthanhnien.scoping import Perm, scoped, user_may
from doanthanhnien.text import fold

from . import workflow
from .models import PeriodYear, Registration, ResultReport

R = ResultReport.Status
K = ResultReport.Kind

# Reminders about a missing result report start this many days before the report deadline.
REPORT_REMINDER_DAYS = 30


# --- One row per report: the rules computed once -------------------------------------------


@dataclass(frozen=True)
class ReportRow:
    report: ResultReport
    status_label: str
    badge: str
    kind_label: str
    done: bool  # accepted: nothing left to do
    needs_reason: bool  # returned: the reason must be shown next to it
    late: bool  # submitted after the deadline, or still not in after it
    deadline: date
    reviewable: bool  # the viewer may accept or return it now

    @property
    def pk(self):
        return self.report.pk


def report_row(report: ResultReport, *, reviewable: bool = False, today=None) -> ReportRow:
    state = workflow.row(report, today=today)
    return ReportRow(
        report=report,
        status_label=state.status_label,
        badge=state.badge,
        kind_label=report.get_kind_display(),
        done=state.done,
        needs_reason=state.needs_reason,
        late=state.late,
        deadline=report.registration.period_year.report_deadline,
        reviewable=reviewable,
    )


# --- The grassroots side: which reports are due ---------------------------------------------


@dataclass(frozen=True)
class DueReport:
    """An approved registration of the year and where its final report stands."""

    registration: Registration
    final: ReportRow | None
    interim: ReportRow | None
    deadline: date
    overdue: bool  # the deadline passed and no final report is in

    @property
    def missing(self) -> bool:
        return self.final is None or self.final.report.status in (R.DRAFT, R.RETURNED)


def reports_due(*, user, unit: Unit, period_year: PeriodYear) -> list[DueReport]:
    """The unit's approved registrations of the year, each with its reports (two queries)."""
    today = timezone.localdate()
    registrations = (
        scoped(user, Registration.objects.filter(unit=unit, year=period_year.year))
        .filter(status=Registration.Status.APPROVED)
        .select_related("support_model", "period_year")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=ResultReport.objects.select_related("registration__period_year"),
            )
        )
        .order_by("support_model__name")
    )
    rows = []
    for registration in registrations:
        by_kind = {r.kind: report_row(r, today=today) for r in registration.reports.all()}
        deadline = registration.period_year.report_deadline
        final = by_kind.get(K.FINAL)
        in_ = final is not None and final.report.status in (R.SUBMITTED, R.ACCEPTED)
        rows.append(
            DueReport(
                registration=registration,
                final=final,
                interim=by_kind.get(K.INTERIM),
                deadline=deadline,
                overdue=not in_ and today > deadline,
            )
        )
    return rows


def units_with_report_missing(*, units: QuerySet, year: int, today=None) -> QuerySet:
    """Units (from ``units``) with an approved registration for ``year`` whose final report is
    not in (neither submitted nor accepted), counted from ``REPORT_REMINDER_DAYS`` before the
    year's report deadline."""
    today = today or timezone.localdate()
    report_in = ResultReport.objects.filter(
        registration=OuterRef("pk"), kind=K.FINAL, status__in=[R.SUBMITTED, R.ACCEPTED]
    )
    due = (
        Registration.objects.filter(
            unit=OuterRef("pk"),
            year=year,
            status=Registration.Status.APPROVED,
            period_year__report_deadline__lte=today + timedelta(days=REPORT_REMINDER_DAYS),
        )
        .annotate(report_in=Exists(report_in))
        .filter(report_in=False)
    )
    return units.filter(Exists(due))


# --- The upper-union side: the review queue -------------------------------------------------


def report_queue(*, user, filters: dict) -> QuerySet:
    """Reports of the unions below the user, filtered; a fixed number of queries."""
    qs = scoped(user, ResultReport.objects.all())
    if user.unit_id and not user.is_superuser:
        qs = qs.exclude(unit=user.unit)
    if filters.get("year"):
        qs = qs.filter(year=filters["year"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("unit"):
        qs = qs.filter(unit=filters["unit"])
    if filters.get("late"):
        qs = qs.filter(
            Q(is_late=True)
            | Q(
                status__in=[R.DRAFT, R.RETURNED],
                registration__period_year__report_deadline__lt=timezone.localdate(),
            )
        )
    for word in fold(filters.get("q") or "").split():
        qs = qs.filter(registration__support_model__search_text__contains=word)
    return qs.select_related(
        "registration__support_model__category", "registration__period_year", "unit__parent"
    ).order_by("status", "-submitted_at", "unit__name_sort", "pk")


def report_rows(*, user, reports) -> list[ReportRow]:
    """Rows for one page of the queue; one query decides which the user may review."""
    reports = list(reports)
    reviewable = set()
    waiting = [r.pk for r in reports if r.status == R.SUBMITTED]
    if waiting and user_may(user, Perm.REVIEW):
        reviewable = set(
            scoped(user, ResultReport.objects.filter(pk__in=waiting), Perm.REVIEW).values_list(
                "pk", flat=True
            )
        )
    today = timezone.localdate()
    return [report_row(r, reviewable=r.pk in reviewable, today=today) for r in reports]


def report_queue_units(*, user) -> QuerySet:
    return scoped(user, Unit.objects.filter(kind__in=Unit.GRASSROOTS_KINDS)).order_by("name_sort")


def waiting_reports(*, user, year: int) -> int:
    """How many reports await the user's review in ``year``."""
    if not user_may(user, Perm.REVIEW):
        return 0
    return (
        scoped(user, ResultReport.objects.all(), Perm.REVIEW)
        .filter(year=year, status=R.SUBMITTED)
        .count()
    )
