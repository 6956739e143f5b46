from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from doanthanhnien.filters import YearForm
from doanthanhnien.models import Unit
from doanthanhnien.scoping import Perm, allowed, scoped, user_may

from . import (
    recognition_selectors,
    report_selectors,
    report_services,
    selectors,
    services,
    workflow,
)
from .filters import (
    BulkApproveForm,
    CompletenessFilterForm,
    ReasonForm,
    RemindForm,
    ReviewQueueFilterForm,
)
from .forms import RegistrationForm, StepFormSet, SupportModelForm
from .models import ModelStep, Registration, SupportModel
from .uploads import stored_file_response

S = Registration.Status


def _year(request) -> int | None:
    return YearForm(request.GET).values()["year"]


def _year_context(request):
    period_year, years = selectors.resolve_period_year(user=request.user, value=_year(request))
    return period_year, {"period_year": period_year, "years": years}


def _own_unit(request) -> Unit:
    if not services.may_own_models(request.user):
        raise PermissionDenied
    return request.user.unit


# --- Grassroots pages ------------------------------------------------------------------------


@login_required
@require_GET
def my_unit(request):
    unit = request.user.unit
    if unit is None or not unit.is_grassroots:
        return redirect("registry:review-queue")
    period_year, context = _year_context(request)
    if period_year:
        context["mine"] = selectors.unit_year_status(
            user=request.user, unit=unit, period_year=period_year
        )
        context["reports_due"] = report_selectors.reports_due(
            user=request.user, unit=unit, period_year=period_year
        )
    context["models"] = selectors.unit_models(user=request.user, unit=unit)
    context["unit"] = unit
    return render(request, "models_registry/my_unit.html", context)


@login_required
def model_create(request):
    unit = _own_unit(request)
    form = SupportModelForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        model = services.support_model_create(
            actor=request.user,
            unit=unit,
            target_groups=data.pop("target_groups"),
            partner_units=data.pop("partner_units", []),
            **data,
        )
        messages.success(request, _("Model saved. Now register it for the year."))
        url = reverse("registry:registration-create", args=[model.pk])
        if year := _year(request):
            url += f"?year={year}"
        return redirect(url)
    return render(request, "models_registry/model_form.html", {"form": form, "unit": unit})


@login_required
def model_edit(request, pk):
    model = get_object_or_404(scoped(request.user, SupportModel.objects.all(), Perm.EDIT), pk=pk)
    form = SupportModelForm(request.POST or None, instance=model, unit=model.unit)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.support_model_update(
                actor=request.user,
                model=model,
                target_groups=data.pop("target_groups"),
                partner_units=data.pop("partner_units", []),
                **data,
            )
        except services.RegistrationError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, _("Model saved."))
            return redirect("registry:model-detail", pk=model.pk)
    return render(
        request,
        "models_registry/model_form.html",
        {"form": form, "model": model, "unit": model.unit},
    )


@login_required
@require_GET
def model_detail(request, pk):
    model = get_object_or_404(
        scoped(request.user, SupportModel.objects.select_related("unit", "category")), pk=pk
    )
    may_edit = allowed(request.user, SupportModel.objects.filter(pk=pk), Perm.EDIT)
    context = selectors.model_page(user=request.user, model=model, may_edit=may_edit)
    return render(
        request,
        "models_registry/model_detail.html",
        {
            "model": model,
            "may_edit": may_edit,
            **context,
            "recognitions": recognition_selectors.model_recognitions(
                user=request.user, model=model
            ),
            "commendations": recognition_selectors.model_commendations(
                user=request.user, model=model
            ),
            "may_commend": recognition_selectors.may_commend(user=request.user, model=model),
            "may_recognise": allowed(
                request.user, SupportModel.objects.filter(pk=pk), Perm.RECOGNISE
            ),
        },
    )


@login_required
def model_steps(request, pk):
    model = get_object_or_404(scoped(request.user, SupportModel.objects.all(), Perm.EDIT), pk=pk)
    initial = selectors.model_steps_initial(model=model)
    formset = StepFormSet(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and formset.is_valid():
        services.model_steps_update(actor=request.user, model=model, steps=formset.cleaned_data)
        messages.success(request, _("Building steps saved."))
        return redirect("registry:model-detail", pk=model.pk)
    labels = dict(ModelStep.Step.choices)
    rows = [(labels.get(f.initial.get("step"), ""), f) for f in formset.forms]
    return render(
        request,
        "models_registry/model_steps.html",
        {"model": model, "formset": formset, "rows": rows},
    )


@login_required
@require_GET
def model_step_evidence(request, pk, step):
    """A building step's evidence file, for whoever may see the model."""
    found = get_object_or_404(
        scoped(request.user, ModelStep.objects.all()), support_model_id=pk, step=step
    )
    if not found.evidence:
        raise Http404
    return stored_file_response(found.evidence, found.evidence_name)


def _registration_form(request, *, instance=None, target_groups):
    return RegistrationForm(
        request.POST or None,
        request.FILES or None,
        instance=instance,
        target_groups=target_groups,
        max_mb=settings.UPLOAD_MAX_BYTES // (1024 * 1024),
    )


def _after_save(request, registration):
    """ "Save draft" stays a draft; "Submit" also runs the submit transition."""
    if "submit" not in request.POST:
        messages.success(request, _("Draft saved."))
        return redirect("registry:registration-detail", pk=registration.pk)
    # Check now what submitting needs, so the confirmation is only asked when it can succeed.
    missing = services.registration_missing_fields(registration)
    if missing:
        messages.warning(
            request,
            _("Draft saved, but not submitted: %(why)s")
            % {
                "why": _("Complete these before submitting: %(fields)s.")
                % {"fields": ", ".join(str(m) for m in missing)}
            },
        )
        return redirect("registry:registration-edit", pk=registration.pk)
    messages.success(request, _("Draft saved."))
    # Submitting is final for the unit: it is confirmed on its own page.
    return redirect("registry:registration-action", pk=registration.pk, action="submit")


@login_required
def registration_create(request, model_pk):
    model = get_object_or_404(
        scoped(request.user, SupportModel.objects.all(), Perm.EDIT), pk=model_pk
    )
    period_year = selectors.registration_year(user=request.user, value=_year(request))
    if period_year is None:
        messages.error(request, _("No programme year is open for registration."))
        return redirect("registry:model-detail", pk=model.pk)
    form = _registration_form(request, target_groups=model.target_groups.all())
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                registration = services.registration_create(
                    actor=request.user,
                    model=model,
                    period_year=period_year,
                    counts=form.counts(),
                    **form.service_fields(),
                )
        except services.RegistrationError as error:
            messages.error(request, error.message)
        else:
            return _after_save(request, registration)
    return render(
        request,
        "models_registry/registration_form.html",
        {"form": form, "model": model, "period_year": period_year},
    )


def _own_registration(user, pk) -> Registration:
    """A registration of the user's own union, for editing (404 for anyone else's)."""
    return get_object_or_404(
        scoped(
            user,
            Registration.objects.select_related("support_model", "period_year__period"),
            Perm.EDIT,
        ),
        pk=pk,
    )


@login_required
def registration_edit(request, pk):
    registration = _own_registration(request.user, pk)
    if refusal := services.edit_refusal(registration):
        messages.error(request, refusal)
        return redirect("registry:registration-detail", pk=pk)
    form = _registration_form(
        request,
        instance=registration,
        target_groups=registration.support_model.target_groups.all(),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_update(
                actor=request.user,
                registration=registration,
                counts=form.counts(),
                **form.service_fields(),
            )
        except services.RegistrationError as error:
            messages.error(request, error.message)
            return redirect("registry:registration-detail", pk=pk)
        return _after_save(request, registration)
    return render(
        request,
        "models_registry/registration_form.html",
        {
            "form": form,
            "model": registration.support_model,
            "registration": registration,
            "period_year": registration.period_year,
        },
    )


def _registration_for_page(request, pk, perm=None):
    queryset = Registration.objects.select_related(
        "support_model__category", "unit__parent", "period_year__period"
    )
    args = (perm,) if perm else ()
    return get_object_or_404(scoped(request.user, queryset, *args), pk=pk)


def _detail_url(pk, queue_query=""):
    url = reverse("registry:registration-detail", args=[pk])
    return f"{url}?{queue_query}" if queue_query else url


@login_required
@require_GET
def registration_detail(request, pk):
    registration = _registration_for_page(request, pk)
    context = selectors.registration_desk(
        user=request.user, registration=registration, params=request.GET
    )
    context["reports"] = [
        report_selectors.report_row(r)
        for r in registration.reports.select_related("registration__period_year")
    ]
    context["report_kinds"] = report_services.report_kinds_available(
        registration=registration, user=request.user
    )
    return render(request, "models_registry/registration_detail.html", context)


@login_required
def registration_action(request, pk, action):
    step = services.REGISTRATION_WORKFLOW.get(action)
    if step is None:
        raise Http404
    # Actions final for whoever takes them (spec: ``confirm``) answer GET with a confirmation.
    allowed_methods = ("GET", "HEAD", "POST") if step.confirm else ("POST",)
    if request.method not in allowed_methods:
        return HttpResponseNotAllowed(allowed_methods)
    registration = _registration_for_page(request, pk, step.perm)
    data = request.POST if request.method == "POST" else request.GET
    queue_query = selectors.queue_query(data.get("queue", ""))
    if step.confirm and not (request.method == "POST" and "confirm" in data):
        return _confirm_action(request, registration, action, queue_query)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect(_detail_url(pk, queue_query))
    reason = form.cleaned_data["reason"]
    try:
        workflow.transition(registration, action, actor=request.user, reason=reason)
    except workflow.InvalidTransition as error:
        messages.error(request, error.message)
    else:
        messages.success(request, step.done)
    return redirect(_detail_url(pk, queue_query))


def _confirm_action(request, registration, action, queue_query):
    """The confirmation step: name what will happen; nothing changes until it is confirmed."""
    actions = services.registration_capabilities(registration=registration, user=request.user)
    if action not in actions:
        # Already done (a second tab, a double tap) or no longer possible: say which.
        messages.info(request, workflow.refusal(registration, action))
        return redirect(_detail_url(registration.pk, queue_query))
    return render(
        request,
        "models_registry/registration_confirm.html",
        {
            "registration": registration,
            "model": registration.support_model,
            "action": action,
            "step": services.REGISTRATION_WORKFLOW.get(action),
            "upper_unit": registration.unit.parent,
            "queue_query": queue_query,
            "back_url": _detail_url(registration.pk, queue_query),
        },
    )


@login_required
@require_POST
def registration_carry_over(request, pk):
    registration = get_object_or_404(
        scoped(request.user, Registration.objects.all(), Perm.EDIT), pk=pk
    )
    try:
        new = services.registration_carry_over(actor=request.user, registration=registration)
    except services.RegistrationError as error:
        messages.error(request, error.message)
        return redirect("registry:registration-detail", pk=pk)
    messages.success(
        request,
        _("A draft for %(year)s was created from this registration. Check it and submit.")
        % {"year": new.year},
    )
    return redirect("registry:registration-edit", pk=new.pk)


@login_required
@require_GET
def registration_plan(request, pk):
    registration = get_object_or_404(scoped(request.user, Registration.objects.all()), pk=pk)
    if not registration.plan_document:
        raise Http404
    return stored_file_response(registration.plan_document, registration.plan_document_name)


@login_required
def registration_plan_remove(request, pk):
    """Removing a plan is its own action: a page that names the file, then a POST."""
    registration = _own_registration(request.user, pk)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if refusal := services.edit_refusal(registration):
        messages.error(request, refusal)
        return redirect("registry:registration-detail", pk=pk)
    if not registration.plan_document:
        messages.info(request, _("This registration has no plan to remove."))
        return redirect("registry:registration-edit", pk=pk)
    if request.method == "POST":
        try:
            services.registration_plan_remove(actor=request.user, registration=registration)
        except services.RegistrationError as error:
            messages.error(request, error.message)
            return redirect("registry:registration-detail", pk=pk)
        messages.success(
            request,
            _("The plan “%(name)s” was removed. Upload a new plan before submitting.")
            % {"name": registration.plan_document_name},
        )
        return redirect("registry:registration-edit", pk=pk)
    return render(
        request,
        "models_registry/registration_plan_remove.html",
        {"registration": registration, "model": registration.support_model},
    )


# --- Upper-union pages -----------------------------------------------------------------------


@login_required
@require_GET
def review_queue(request):
    form = ReviewQueueFilterForm(request.GET)
    filters, period_year, years = selectors.queue_filters(user=request.user, params=form)
    queue = selectors.review_queue(user=request.user, filters=filters)
    page = selectors.review_page(queue, form.values()["page"])
    params = form.query_string()
    context = {
        "period_year": period_year,
        "years": years,
        "page": page,
        "filters": filters,
        "params": params,
        "queue_query": params,
        "may_review": user_may(request.user, Perm.REVIEW),
        "reviewable": selectors.reviewable_ids(user=request.user, registrations=page),
        **selectors.queue_choices(user=request.user, period_year=period_year, unit=filters.unit),
    }
    return render(request, "models_registry/review_queue.html", context)


@login_required
@require_POST
def review_bulk_approve(request):
    form = BulkApproveForm(request.POST)
    ids = form.cleaned_data["ids"] if form.is_valid() else []
    # Back to the same filters; only the queue's own parameters, cleaned, go into the URL.
    params = selectors.queue_query(request.POST.get("params", ""))
    back = reverse("registry:review-queue") + (f"?{params}" if params else "")
    if "ids" in form.errors:
        messages.error(request, " ".join(form.errors["ids"]))
        return redirect(back)
    if not ids:
        messages.warning(request, _("Select at least one registration."))
        return redirect(back)
    if "confirm" not in request.POST:
        selection = selectors.bulk_approval(user=request.user, ids=ids)
        if not selection.registrations:
            messages.info(request, _("None of the selected registrations awaits review now."))
            return redirect(back)
        return render(
            request,
            "models_registry/review_bulk_confirm.html",
            {"selection": selection, "params": params, "back_url": back},
        )
    done, problems = services.registrations_bulk_approve(ids=ids, actor=request.user)
    if done:
        messages.success(
            request,
            ngettext("%(n)s registration approved.", "%(n)s registrations approved.", done)
            % {"n": done},
        )
    for problem in problems:
        messages.error(request, problem)
    return redirect(back)


@login_required
@require_GET
def completeness(request):
    period_year, context = _year_context(request)
    form = CompletenessFilterForm(request.GET)
    values = form.values()
    try:
        level = selectors.completeness_level(user=request.user, value=values["unit"])
    except Unit.DoesNotExist as error:
        raise Http404 from error
    if period_year is not None:
        context["stats"] = selectors.completeness(
            user=request.user, period_year=period_year, level=level, page=values["page"]
        )
    context["may_remind"] = user_may(request.user, Perm.REVIEW)
    context["level_param"] = level.pk if level and level != request.user.unit else None
    if context["level_param"]:
        context["keep"] = [("unit", level.pk)]
    context["params"] = form.query_string()
    return render(request, "models_registry/completeness.html", context)


@login_required
@require_POST
def completeness_remind(request):
    """Remind the unions without a submission: every one under the page's union, or the one
    union of a row ("unit")."""
    values = RemindForm(request.POST).values()
    year = values["year"]
    period_year = next(
        (y for y in selectors.programme_years(user=request.user) if y.year == year), None
    )
    if period_year is None:
        raise Http404
    back = reverse("registry:completeness") + f"?year={period_year.year}"
    within = selectors.queue_unit(user=request.user, value=values["within"])
    if within is not None and within != request.user.unit:
        back += f"&unit={within.pk}"
    unit = None
    if request.POST.get("unit"):
        unit = selectors.queue_unit(user=request.user, value=values["unit"])
        if unit is None:
            raise Http404
    try:
        result = services.reminders_send_by(
            actor=request.user, period_year=period_year, within=within, unit=unit
        )
    except services.RegistrationError as error:
        messages.error(request, error.message)
        return redirect(back)
    if unit is not None and not result.mails and not result.without_email:
        messages.warning(
            request,
            _(
                "No reminder sent to %(name)s: it has submitted, was already reminded today, "
                "or has no secretary with an e-mail address."
            )
            % {"name": unit.name},
        )
        return redirect(back)
    if result.mails or not result.without_email:
        messages.success(
            request,
            ngettext(
                "Reminder sent to %(n)s secretary of a union that has not submitted yet.",
                "Reminders sent to %(n)s secretaries of unions that have not submitted yet.",
                result.mails,
            )
            % {"n": result.mails},
        )
    if result.without_email:
        messages.warning(
            request,
            ngettext(
                "%(n)s union that has not submitted has no secretary with an e-mail address: "
                "it was not reminded. Add its secretary's address in Accounts.",
                "%(n)s unions that have not submitted have no secretary with an e-mail "
                "address: they were not reminded. Add their secretaries' addresses in Accounts.",
                result.without_email,
            )
            % {"n": result.without_email},
        )
    return redirect(back)


def home_panel_context(*, user, params) -> dict:
    """The programme's panel on the core home page (registered in ``apps.py``): the year comes
    from the query string through a form, so a bad value falls back to the default year."""
    return selectors.home_panels(user=user, year=YearForm(params).values()["year"])


def unit_panel_context(*, user, unit, params) -> dict:
    """The programme's panel on a unit's page (registered in ``apps.py``): the year picker and,
    above grassroots level, the unit's KPI; the year read through a form as on the home page."""
    return selectors.unit_panels(user=user, unit=unit, year=YearForm(params).values()["year"])
