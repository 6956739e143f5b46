"""Writes for result reports (báo cáo kết quả, guideline IV) and their evidence.

A report belongs to an approved registration; its status changes only through the one workflow
mechanism (``workflow.transition``) with the spec below.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from doanthanhnien.models import Unit
from doanthanhnien.scoping import Perm, allowed

from . import notifications, workflow
from .models import (
    MAX_YOUTH,
    Registration,
    ResultReport,
    ResultReportEvidence,
    ResultReportTarget,
)
from .uploads import validate_document
from .workflow import Transition, WorkflowError, WorkflowSpec

R = ResultReport.Status

# Photos and documents one report may carry: enough for a year's evidence, still a bound.
MAX_EVIDENCE = 20


class ReportError(WorkflowError):
    """A rule about reports refused the action; the message is safe to show."""


def report_missing_fields(report: ResultReport) -> list[str]:
    """What guideline IV requires in a result report before it can be submitted."""
    missing = []
    if report.registration.status != Registration.Status.APPROVED:
        missing.append(_("an approved registration"))
    if not report.unit_address.strip():
        missing.append(_("address of the implementing union"))
    if not report.area.strip():
        missing.append(_("area of implementation"))
    if report.start_date is None:
        missing.append(_("start date"))
    if not report.form_and_content.strip():
        missing.append(_("form and content"))
    if not report.results.strip():
        missing.append(_("concrete results"))
    if not report.targets.filter(total__gt=0).exists():
        missing.append(_("number of youth supported in at least one target group"))
    return missing


REPORT_WORKFLOW = workflow.register(
    WorkflowSpec(
        model=ResultReport,
        transitions=(
            Transition(
                "submit",
                (R.DRAFT, R.RETURNED),
                R.SUBMITTED,
                Perm.EDIT,
                label=gettext_lazy("Submit the report"),
                done=gettext_lazy("Report submitted for review."),
                stamp=workflow.SUBMIT,
                already_from=(R.ACCEPTED,),
                check_complete=True,
            ),
            Transition(
                "withdraw",
                (R.SUBMITTED,),
                R.DRAFT,
                Perm.EDIT,
                label=gettext_lazy("Withdraw"),
                done=gettext_lazy("Report withdrawn: it is a draft again."),
                stamp=workflow.WITHDRAW,
                button="btn-outline-secondary",
                mail="withdrawn",
            ),
            Transition(
                "accept",
                (R.SUBMITTED,),
                R.ACCEPTED,
                Perm.REVIEW,
                label=gettext_lazy("Accept the report"),
                done=gettext_lazy("Report accepted."),
                button="btn-success",
                clears_reason=True,
                admin_label=gettext_lazy("Accept selected reports"),
            ),
            Transition(
                "return",
                (R.SUBMITTED,),
                R.RETURNED,
                Perm.REVIEW,
                label=gettext_lazy("Return"),
                done=gettext_lazy("Report returned to the union with your reason."),
                reason_required=True,
                reason_label=gettext_lazy("Reason for return"),
                button="btn-danger",
                admin_label=gettext_lazy("Return selected reports (reason: incomplete)"),
                admin_reason=gettext_lazy("Returned by the administrator: incomplete."),
            ),
        ),
        badges={
            R.ACCEPTED: "text-bg-success",
            R.SUBMITTED: "text-bg-warning",
            R.RETURNED: "text-bg-danger",
            R.DRAFT: "text-bg-secondary",
        },
        editable=ResultReport.EDITABLE,
        already={
            R.SUBMITTED: gettext_lazy("This report has already been submitted."),
            R.ACCEPTED: gettext_lazy("This report has already been accepted."),
            R.RETURNED: gettext_lazy("This report has already been returned."),
            R.DRAFT: gettext_lazy("This report is still a draft."),
        },
        no_longer=gettext_lazy(
            "This report is now “%(status)s”; that action is no longer possible."
        ),
        closed=gettext_lazy("The period %(period)s is closed: its reports can no longer change."),
        raced=gettext_lazy("Someone else changed this report a moment ago. Reload and check."),
        is_open=lambda r: r.registration.period_year.period.is_open,
        period_of=lambda r: r.registration.period_year.period,
        deadline=lambda r: r.registration.period_year.report_deadline,
        missing=lambda r: report_missing_fields(r),
        notify=lambda r, *, actor, transition: notifications.workflow_changed(
            obj=r, actor=actor, transition=transition
        ),
        lock_related=(
            "registration__period_year__period",
            "registration__support_model",
            "unit",
        ),
        url=lambda r: reverse("registry:report-detail", args=[r.pk]),
        mail_prefix="report",
        done_states=(R.ACCEPTED,),
        reason_labels={R.RETURNED: gettext_lazy("Reason for return")},
        overdue_states=(R.DRAFT, R.RETURNED),
    )
)


def report_capabilities(*, report: ResultReport, user) -> set[str]:
    """What ``user`` may do with ``report`` now (workflow actions and "edit")."""
    return workflow.capabilities(report, user=user)


def _check_own_unit(actor, unit: Unit) -> None:
    if not allowed(actor, Unit.objects.filter(pk=unit.pk), Perm.EDIT):
        raise PermissionDenied


def _save_targets(report: ResultReport, counts: dict[int, tuple[int, int]]) -> None:
    """``counts`` is {target group id: (total, female)}; the service re-checks the bounds so
    that no caller can store what the form would refuse."""
    for total, female in counts.values():
        if not (0 <= female <= total <= MAX_YOUTH):
            raise ReportError(
                _("Each group needs 0 ≤ female ≤ total ≤ %(max)s.") % {"max": MAX_YOUTH}
            )
    existing = {t.target_group_id: t for t in report.targets.all()}
    for group_id, (total, female) in counts.items():
        target = existing.get(group_id)
        if target is None:
            ResultReportTarget.objects.create(
                report=report, target_group_id=group_id, total=total, female=female
            )
        elif (target.total, target.female) != (total, female):
            target.total, target.female = total, female
            target.save(update_fields=["total", "female"])
    report.targets.exclude(target_group_id__in=counts.keys()).delete()


def report_initial(*, registration: Registration) -> dict:
    """A new report's fields pre-filled from the model it reports on."""
    model = registration.support_model
    return {"area": model.area, "start_date": model.start_date}


def report_create(
    *,
    actor,
    registration: Registration,
    kind: str,
    counts: dict[int, tuple[int, int]],
    **fields,
) -> ResultReport:
    """A draft report of ``kind`` for ``registration``, which must be approved."""
    _check_own_unit(actor, registration.unit)
    if kind not in ResultReport.Kind.values:
        raise ReportError(_("Unknown kind of report."))
    if registration.status != Registration.Status.APPROVED:
        raise ReportError(_("A result report can be written only for an approved registration."))
    if not registration.period_year.period.is_open:
        raise ReportError(_("This period is closed."))
    try:
        with transaction.atomic():
            # Lock the registration: a reopening in another tab waits, and then we see it.
            locked = Registration.objects.select_for_update().get(pk=registration.pk)
            if locked.status != Registration.Status.APPROVED:
                raise ReportError(
                    _("A result report can be written only for an approved registration.")
                )
            report = ResultReport.objects.create(
                registration=locked,
                unit=locked.unit,
                year=locked.year,
                kind=kind,
                created_by=actor,
                **fields,
            )
            _save_targets(report, counts)
    except IntegrityError as error:
        raise ReportError(
            _("This registration already has a “%(kind)s”.")
            % {"kind": ResultReport.Kind(kind).label}
        ) from error
    return report


def report_update(
    *, actor, report: ResultReport, counts: dict[int, tuple[int, int]], **fields
) -> ResultReport:
    _check_own_unit(actor, report.unit)
    if not REPORT_WORKFLOW.is_open(report):
        raise ReportError(_("This period is closed."))
    with transaction.atomic():
        # Re-check the state under a lock: a submit in another tab must not be overwritten.
        locked = ResultReport.objects.select_for_update().get(pk=report.pk)
        if locked.status not in ResultReport.EDITABLE:
            raise ReportError(
                _("This report is “%(status)s” and can no longer be edited.")
                % {"status": locked.get_status_display()}
            )
        for key, value in fields.items():
            setattr(report, key, value)
        report.status = locked.status
        report.save()
        _save_targets(report, counts)
    return report


# --- Evidence ---------------------------------------------------------------------------------


def _editable_for(actor, report: ResultReport) -> ResultReport:
    _check_own_unit(actor, report.unit)
    locked = ResultReport.objects.select_for_update().get(pk=report.pk)
    if locked.status not in ResultReport.EDITABLE or not REPORT_WORKFLOW.is_open(report):
        raise ReportError(
            _("This report is “%(status)s” and can no longer be edited.")
            % {"status": locked.get_status_display()}
        )
    return locked


def evidence_add(
    *,
    actor,
    report: ResultReport,
    upload,
    caption: str = "",
    publishable: bool = False,
    consent_confirmed: bool = False,
) -> ResultReportEvidence:
    """Attach a photo or document (checked by ``uploads.validate_document``)."""
    try:
        validate_document(upload)
    except ValidationError as error:
        raise ReportError(" ".join(error.messages)) from error
    if publishable and not consent_confirmed:
        raise ReportError(
            _("Confirm that the people shown agreed before marking a file for the library.")
        )
    with transaction.atomic():
        locked = _editable_for(actor, report)
        if locked.evidence.count() >= MAX_EVIDENCE:
            raise ReportError(_("A report can carry at most %(n)s files.") % {"n": MAX_EVIDENCE})
        evidence = ResultReportEvidence(
            report=locked,
            original_name=upload.name[:255],
            caption=caption[:255],
            publishable=publishable,
            consent_confirmed=consent_confirmed,
            uploaded_by=actor,
        )
        evidence.file.save(upload.name, upload, save=False)
        try:
            evidence.save()
        except Exception:
            # Nothing stored survives a failed save: no orphan file on disk.
            evidence.file.storage.delete(evidence.file.name)
            raise
    return evidence


def evidence_delete(*, actor, evidence: ResultReportEvidence) -> None:
    with transaction.atomic():
        _editable_for(actor, evidence.report)
        name, storage = evidence.file.name, evidence.file.storage
        evidence.delete()
        transaction.on_commit(lambda: storage.delete(name))


def report_kinds_available(*, registration: Registration, user) -> list[str]:
    """The kinds of report ``user`` may still start for ``registration``: none unless the
    registration is approved, its period open, and the user its unit's."""
    if registration.status != Registration.Status.APPROVED:
        return []
    if not registration.period_year.period.is_open:
        return []
    if not allowed(user, Registration.objects.filter(pk=registration.pk), Perm.EDIT):
        return []
    written = {r.kind for r in registration.reports.all()}
    return [kind for kind in ResultReport.Kind.values if kind not in written]
