"""Pages of recognition (the standing committee's queue and decision), commendations, and the
library of good models with "replicate in my union"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from doanthanhnien.scoping import Perm, scoped, user_may

from . import recognition_selectors as selectors
from . import recognition_services as services
from . import workflow
from .filters import RecognitionFilterForm
from .models import Recognition, ResultReportEvidence, SupportModel
from .recognition_forms import (
    CommendationForm,
    LibraryFilterForm,
    RecognitionDecisionForm,
    RecognitionQueueForm,
)
from .services import may_own_models
from .uploads import stored_file_response
from .workflow_views import take_action

PAGE_SIZE = 50


def _period_and_year(request):
    """The period and year (None: the whole period) asked for, or the defaults."""
    periods = list(selectors.recognition_periods())
    values = RecognitionFilterForm(request.GET).values()
    period = next((p for p in periods if p.pk == values["period"]), None)
    if period is None:
        period = selectors.default_period(user=request.user, periods=periods)
    year = values["year"]
    if period is None or year not in {y.year for y in period.years.all()}:
        year = None
    return periods, period, year


# --- The standing committee's recognition queue ------------------------------------------------


@login_required
@require_GET
def recognition_queue(request):
    if not user_may(request.user, Perm.RECOGNISE):
        raise PermissionDenied
    periods, period, year = _period_and_year(request)
    context = {"periods": periods, "period": period, "year": year}
    if period is not None:
        # The picker shows the period in force, also when it is the default one.
        data = request.GET.copy()
        data["period"] = str(period.pk)
        form = RecognitionQueueForm(data, periods=periods, period=period)
        filters = selectors.QueueFilters(
            period=period,
            year=year,
            decision=form.cleaned("decision", ""),
            q=(form.cleaned("q", "") or "").strip(),
        )
        queue = selectors.recognition_queue(user=request.user, filters=filters)
        page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        context.update(
            {
                "form": form,
                "page": page,
                "rows": selectors.recognition_rows(models=page, filters=filters),
                "labels": selectors.criterion_labels(),
                "params": params.urlencode(),
                "span_query": f"period={period.pk}" + (f"&year={year}" if year else ""),
            }
        )
    return render(request, "models_registry/recognition_queue.html", context)


@login_required
def recognition_decide(request, pk):
    if not user_may(request.user, Perm.RECOGNISE):
        raise PermissionDenied
    _periods, period, year = _period_and_year(request)
    if period is None:
        raise Http404
    try:
        model = selectors.model_for_decision(user=request.user, pk=pk, period=period)
    except SupportModel.DoesNotExist as error:
        raise Http404 from error
    row = selectors.recognition_row(model, period=period, year=year)
    form = RecognitionDecisionForm(request.POST or None, criteria=row.criteria)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            recognition = services.recognition_decide(
                actor=request.user,
                support_model=model,
                period=period,
                year=year,
                decision=data["decision"],
                reason=data["reason"],
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
                overrides=form.overrides(),
                override_reasons=form.override_reasons(),
            )
        except services.RecognitionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("registry:recognition-detail", pk=recognition.pk)
    return render(
        request,
        "models_registry/recognition_decide.html",
        {
            "model": model,
            "row": row,
            "form": form,
            "overrides_open": any(
                name.endswith(("_override", "_override_reason")) for name in form.errors
            ),
            "period": period,
            "year": year,
            "earlier": selectors.model_recognitions(user=request.user, model=model),
        },
    )


@login_required
@require_GET
def recognition_detail(request, pk):
    recognition = get_object_or_404(
        scoped(
            request.user,
            Recognition.objects.select_related("support_model__unit", "period", "decided_by"),
        ),
        pk=pk,
    )
    actions = workflow.capabilities(recognition, user=request.user)
    labels = selectors.criterion_labels()
    criteria = [
        {
            "label": labels[key],
            "computed": getattr(recognition, f"{key}_computed"),
            "met": getattr(recognition, f"{key}_met"),
            "override_reason": getattr(recognition, f"{key}_override_reason"),
        }
        for key in Recognition.CRITERIA
    ]
    return render(
        request,
        "models_registry/recognition_detail.html",
        {
            "recognition": recognition,
            "model": recognition.support_model,
            "criteria": criteria,
            "decision_badge": selectors.DECISION_BADGES[recognition.decision],
            "buttons": workflow.buttons(recognition, actions),
            "history": [
                (row, services.action_labels().get(row.action, row.action))
                for row in workflow.history(recognition)
            ],
        },
    )


@login_required
@require_POST
def recognition_action(request, pk, action):
    return take_action(
        request,
        spec=services.RECOGNITION_WORKFLOW,
        pk=pk,
        action=action,
        detail="registry:recognition-detail",
    )


# --- Commendations -----------------------------------------------------------------------------


@login_required
def commendation_create(request, pk):
    model = get_object_or_404(
        scoped(request.user, SupportModel.objects.select_related("unit"), Perm.COMMEND), pk=pk
    )
    form = CommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.commendation_create(
                actor=request.user, support_model=model, **form.cleaned_data
            )
        except services.RecognitionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Commendation recorded."))
            return redirect("registry:model-detail", pk=model.pk)
    return render(request, "models_registry/commendation_form.html", {"form": form, "model": model})


# --- The library of good models ----------------------------------------------------------------


@login_required
@require_GET
def library(request):
    choices = selectors.library_choices(user=request.user)
    form = LibraryFilterForm(request.GET, units=choices["units"])
    filters = selectors.LibraryFilters(**form.filters())
    models = selectors.library_models(user=request.user, filters=filters)
    page = Paginator(models, 20).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "models_registry/library.html",
        {
            "form": form,
            "page": page,
            "entries": selectors.library_entries(user=request.user, models=page),
            "params": params.urlencode(),
            "filtered": any(request.GET.get(name) for name in form.fields),
        },
    )


@login_required
@require_GET
def library_detail(request, pk):
    try:
        entry = selectors.library_entry(user=request.user, pk=pk)
    except SupportModel.DoesNotExist as error:
        raise Http404 from error
    model = entry.model
    mine = selectors.my_replica(user=request.user, model=model)
    return render(
        request,
        "models_registry/library_detail.html",
        {
            "entry": entry,
            "model": model,
            "youth_by_group": selectors.library_youth_by_group(model=model),
            "my_replica": mine,
            "may_replicate": mine is None
            and may_own_models(request.user)
            and request.user.unit_id != model.unit_id,
        },
    )


@login_required
@require_GET
def library_file(request, pk, evidence_pk):
    """A photo or document of the library: only what its union published with consent."""
    evidence = get_object_or_404(
        scoped(request.user, ResultReportEvidence.objects.all(), Perm.LIBRARY).filter(
            report__registration__support_model_id=pk
        ),
        pk=evidence_pk,
    )
    return stored_file_response(evidence.file, evidence.original_name, photos_inline=True)


@login_required
@require_POST
def library_replicate(request, pk):
    origin = get_object_or_404(
        scoped(request.user, SupportModel.objects.all(), Perm.LIBRARY), pk=pk
    )
    try:
        model = services.support_model_replicate(actor=request.user, origin=origin)
    except services.RecognitionError as error:
        messages.error(request, error.message)
        return redirect("library:detail", pk=pk)
    messages.success(
        request,
        _(
            "A draft of the model was created in your union from “%(name)s”. Fill in the area "
            "and the people in charge, then register it for the year."
        )
        % {"name": origin.name},
    )
    return redirect(reverse("registry:model-edit", args=[model.pk]))
