"""The one view body behind every workflow button (reports, recognitions…): find the object
through the scoping function with the action's permission, read the reason through a form,
call ``workflow.transition`` and say what happened."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect

from doanthanhnien.scoping import scoped

from . import workflow
from .filters import ReasonForm


def take_action(request, *, spec: workflow.WorkflowSpec, pk, action: str, detail: str):
    step = spec.get(action)
    if step is None:
        raise Http404
    obj = get_object_or_404(scoped(request.user, spec.model.objects.all(), step.perm), pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect(detail, pk=pk)
    try:
        workflow.transition(obj, action, actor=request.user, reason=form.cleaned_data["reason"])
    except workflow.InvalidTransition as error:
        messages.error(request, error.message)
    else:
        messages.success(request, step.done)
    return redirect(detail, pk=pk)
