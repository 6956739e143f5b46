"""Pages of result reports: write, submit, withdraw (the unit); accept or return, the queue
(the upper union); evidence files served through a permission check."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from doanthanhnien.scoping import Perm, scoped, user_may

from . import report_selectors, report_services, selectors, workflow
from .models import Registration, ResultReport
from .report_forms import EvidenceForm, ReportQueueForm, ResultReportForm
from .uploads import stored_file_response
from .workflow_views import take_action

MAX_MB = settings.UPLOAD_MAX_BYTES // (1024 * 1024)


def _reports(user, perm=Perm.VIEW):
    return scoped(
        user,
        ResultReport.objects.select_related(
            "registration__support_model__category",
            "registration__period_year__period",
            "unit__parent",
        ),
        perm,
    )


def _after_save(request, report):
    """ "Save draft" stays a draft; "Submit" also runs the submit transition."""
    if "submit" not in request.POST:
        messages.success(request, _("Draft saved."))
        return redirect("registry:report-detail", pk=report.pk)
    try:
        workflow.transition(report, "submit", actor=request.user)
    except workflow.InvalidTransition as error:
        messages.warning(request, _("Draft saved, but not submitted: %(why)s") % {"why": error})
        return redirect("registry:report-edit", pk=report.pk)
    messages.success(request, report_services.REPORT_WORKFLOW.get("submit").done)
    return redirect("registry:report-detail", pk=report.pk)


@login_required
def report_create(request, registration_pk):
    registration = get_object_or_404(
        scoped(
            request.user,
            Registration.objects.select_related("support_model", "period_year__period", "unit"),
            Perm.EDIT,
        ),
        pk=registration_pk,
    )
    kinds = report_services.report_kinds_available(registration=registration, user=request.user)
    if not kinds:
        messages.error(
            request,
            _("A result report can be written only for an approved registration.")
            if registration.status != Registration.Status.APPROVED
            else _("No more reports can be started for this registration."),
        )
        return redirect("registry:registration-detail", pk=registration.pk)
    kind = request.GET.get("kind")
    initial = {
        **report_services.report_initial(registration=registration),
        "kind": kind if kind in kinds else kinds[-1],
    }
    form = ResultReportForm(
        request.POST or None,
        initial=initial,
        kinds=kinds,
        target_groups=registration.support_model.target_groups.all(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = report_services.report_create(
                actor=request.user,
                registration=registration,
                kind=form.cleaned_data["kind"],
                counts=form.counts(),
                **form.service_fields(),
            )
        except report_services.ReportError as error:
            messages.error(request, error.message)
        else:
            return _after_save(request, report)
    return render(
        request,
        "models_registry/report_form.html",
        {"form": form, "registration": registration, "model": registration.support_model},
    )


@login_required
def report_edit(request, pk):
    report = get_object_or_404(_reports(request.user, Perm.EDIT), pk=pk)
    if "edit" not in report_services.report_capabilities(report=report, user=request.user):
        messages.error(
            request,
            _("This report is “%(status)s” and can no longer be edited.")
            % {"status": report.get_status_display()},
        )
        return redirect("registry:report-detail", pk=pk)
    form = ResultReportForm(
        request.POST or None,
        instance=report,
        target_groups=report.registration.support_model.target_groups.all(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            report_services.report_update(
                actor=request.user, report=report, counts=form.counts(), **form.service_fields()
            )
        except report_services.ReportError as error:
            messages.error(request, error.message)
            return redirect("registry:report-detail", pk=pk)
        return _after_save(request, report)
    return render(
        request,
        "models_registry/report_form.html",
        {
            "form": form,
            "report": report,
            "registration": report.registration,
            "model": report.registration.support_model,
        },
    )


@login_required
@require_GET
def report_detail(request, pk):
    report = get_object_or_404(_reports(request.user), pk=pk)
    actions = report_services.report_capabilities(report=report, user=request.user)
    return render(
        request,
        "models_registry/report_detail.html",
        {
            "report": report,
            "row": report_selectors.report_row(report),
            "registration": report.registration,
            "model": report.registration.support_model,
            "targets": report.targets.select_related("target_group"),
            "evidence": report.evidence.all(),
            "evidence_form": EvidenceForm(max_mb=MAX_MB) if "edit" in actions else None,
            "actions": actions,
            "buttons": workflow.buttons(report, actions),
            "transitions": workflow.history(report),
        },
    )


@login_required
@require_POST
def report_action(request, pk, action):
    return take_action(
        request,
        spec=report_services.REPORT_WORKFLOW,
        pk=pk,
        action=action,
        detail="registry:report-detail",
    )


# --- Evidence ---------------------------------------------------------------------------------


@login_required
@require_POST
def evidence_add(request, pk):
    report = get_object_or_404(_reports(request.user, Perm.EDIT), pk=pk)
    form = EvidenceForm(request.POST, request.FILES, max_mb=MAX_MB)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("registry:report-detail", pk=pk)
    try:
        report_services.evidence_add(
            actor=request.user,
            report=report,
            upload=form.cleaned_data.pop("file"),
            **form.cleaned_data,
        )
    except report_services.ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("File attached."))
    return redirect("registry:report-detail", pk=pk)


@login_required
@require_POST
def evidence_delete(request, pk, evidence_pk):
    report = get_object_or_404(_reports(request.user, Perm.EDIT), pk=pk)
    evidence = get_object_or_404(report.evidence.all(), pk=evidence_pk)
    try:
        report_services.evidence_delete(actor=request.user, evidence=evidence)
    except report_services.ReportError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("File removed."))
    return redirect("registry:report-detail", pk=pk)


@login_required
@require_GET
def evidence_file(request, pk, evidence_pk):
    report = get_object_or_404(scoped(request.user, ResultReport.objects.all()), pk=pk)
    evidence = get_object_or_404(report.evidence.all(), pk=evidence_pk)
    return stored_file_response(evidence.file, evidence.original_name, photos_inline=True)


# --- The upper union's queue ------------------------------------------------------------------


@login_required
@require_GET
def report_queue(request):
    period_year, years = selectors.resolve_period_year(
        user=request.user, value=request.GET.get("year")
    )
    units = report_selectors.report_queue_units(user=request.user)
    form = ReportQueueForm(request.GET, years=years, units=units)
    filters = form.filters(default_year=period_year.year if period_year else None)
    queue = report_selectors.report_queue(user=request.user, filters=filters)
    page = Paginator(queue, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "models_registry/report_queue.html",
        {
            "form": form,
            "page": page,
            "rows": report_selectors.report_rows(user=request.user, reports=page),
            "params": params.urlencode(),
            "may_review": user_may(request.user, Perm.REVIEW),
            "period_year": period_year,
            "years": years,
            "queue_url": reverse("registry:report-queue"),
        },
    )
