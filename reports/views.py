import tempfile
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from doanthanhnien.models import Unit
from doanthanhnien.scoping import scoped
from doanthanhnien.selectors import unit_for_code
from models_registry.selectors import resolve_period_year

from . import charts, document, selectors, services
from .forms import SummaryPickerForm, span_choices
from .pdf import render_pdf
from .selectors import Span
from .xlsx import summary_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _visible_unit(user, unit: Unit | None) -> Unit:
    """The unit itself if the user may see it, else 404 (the one scoping function decides)."""
    if unit is None or not scoped(user, Unit.objects.filter(pk=unit.pk)).exists():
        raise Http404
    return unit


def _resolve(code: str, span: Span) -> Unit | None:
    """The unit holding ``code`` at the end of the span, or at its start if it was gone."""
    return unit_for_code(code, span.last) or unit_for_code(code, span.first)


def _charts(s: selectors.Summary) -> dict:
    number = document.vn_number
    return {
        "categories": charts.horizontal_bars(
            "chart-categories",
            _("Approved models per category"),
            [charts.Bar(c.name, c.models, number(c.models)) for c in s.categories],
        ),
        "groups": charts.horizontal_bars(
            "chart-groups",
            _groups_title(s),
            [charts.Bar(g.short_name, g.planned, number(g.planned)) for g in s.groups],
            # Youth supported (accepted final reports) beside the plan, once reports exist.
            second=(
                None
                if s.total.supported is None
                else [charts.Bar(g.short_name, g.supported, number(g.supported)) for g in s.groups]
            ),
            legend=(_("Planned"), _("Supported")),
        ),
        "trend": charts.trend(
            "chart-trend",
            _("Share of grassroots unions with an approved model, per year"),
            [charts.Bar(str(y.year), y.share, f"{number(y.share, 1)}%") for y in s.trend],
            s.target_share,
            _("target %(n)s%%") % {"n": s.target_share} if s.target_share else "",
        ),
    }


def _groups_title(s: selectors.Summary) -> str:
    if s.total.supported is None:
        return _("Youth planned per target group")
    return _("Youth planned and supported per target group")


@login_required
@require_GET
def dashboard(request):
    user = request.user
    default_year, _years = resolve_period_year(user=user, value=None)
    default_span = str(default_year.year) if default_year else None
    form = SummaryPickerForm(
        request.GET if "unit" in request.GET or "span" in request.GET else None,
        user=user,
        initial={"unit": user.unit_id, "span": default_span},
    )
    unit, span = form.chosen(default_span=default_span)
    context = {"form": form, "unit": unit, "span": span}
    if unit is not None and span is not None:
        s = selectors.summary(root=unit, span=span)
        context.update(s=s, charts=_charts(s), narrative=document.narrative(s))
        # The stable URL names a code; offer it only when the code means this very union for
        # the span (the former Nam Hà's code means the new Thành Sen from 07/2025 on).
        if _resolve(unit.code, span) == unit:
            context["pdf_url"] = _download_url(unit, span, "pdf")
            context["xlsx_url"] = _download_url(unit, span, "xlsx")
    return render(request, "reports/dashboard.html", context)


def _download_url(unit: Unit, span: Span, fmt: str) -> str:
    return reverse("reports:summary", args=[unit.code, span.slug, fmt])


@login_required
@require_GET
def summary_download(request, code, span, fmt):
    parsed = Span.parse(span)
    if parsed is None:
        raise Http404
    unit = _visible_unit(request.user, _resolve(code, parsed))
    s = selectors.summary(root=unit, span=parsed)
    if fmt == "xlsx":
        # Written to a temporary file and sent from there: the national workbook is ~8 MB, and a
        # copy in memory per download is what the streaming writer set out to avoid.
        stream = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
        summary_workbook(s, stream)
        stream.seek(0)
        response = FileResponse(stream, content_type=XLSX)
    else:
        entry = services.report_number_issue(user=request.user, unit=unit, span=parsed)
        issued_on = entry.issued_on if entry else timezone.localdate()
        pdf = render_pdf(
            "reports/summary_pdf.html",
            {
                "s": s,
                "heading": document.heading(
                    unit=unit, span=parsed, issued_on=issued_on, entry=entry
                ),
                "narrative": document.narrative(s),
                "models": list(selectors.model_rows(summary=s, approved_only=True)),
                "grassroots": s.grassroots,
                "category_total": s.approved_by_category,
                "group_extension": s.total.supported is not None,
                "recognised": (
                    selectors.recognised_rows(summary=s) if s.total.recognised is not None else None
                ),
                "show_children": s.children_differ,
                "n": _section_numbers(s.children_differ, bool(s.result_columns)),
            },
        )
        response = HttpResponse(pdf, content_type="application/pdf")
    name = document.file_name(unit, parsed, fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _section_numbers(with_children: bool, with_results: bool) -> dict:
    names = [
        *(["children"] if with_children else []),
        "grassroots",
        *(["results"] if with_results else []),
        "groups",
        "categories",
        "models",
        *(["recognised"] if with_results else []),
    ]
    return {name: index for index, name in enumerate(names, 1)}


@login_required
@require_GET
def downloads(request):
    """The summaries of each union directly below the user's (or a chosen one), per year and
    per period, for both trees: districts until 06/2025, communes after."""
    user = request.user
    root = user.unit
    if request.GET.get("unit", "").isdigit() and len(request.GET["unit"]) < 19:
        root = scoped(user, Unit.objects.all()).filter(pk=int(request.GET["unit"])).first()
    root = _visible_unit(user, root)
    spans = [Span.parse(value) for value, _label in span_choices()]
    children = list(root.children.order_by("valid_from", "name_sort"))
    rows = []
    for child in [root, *children]:
        cells = []
        for span in spans:
            holder = _holder(child, span, children)
            cells.append({"span": span, "ok": holder})
        rows.append({"unit": child, "cells": cells})
    return render(
        request,
        "reports/downloads.html",
        {"root": root, "rows": rows, "spans": spans},
    )


def _holder(unit: Unit, span: Span, siblings: list[Unit]) -> bool:
    """Whether /reports/<unit.code>/<span>/ resolves to ``unit`` (no query: the siblings are
    the only other holders of a code that matter on this page)."""
    first_day = date(span.first, 1, 1)
    last_day = span.end_day
    if unit.valid_from > last_day or (unit.valid_to and unit.valid_to < first_day):
        return False
    later = [
        s
        for s in siblings
        if s.code == unit.code and s.pk != unit.pk and s.valid_from > unit.valid_from
    ]
    return not any(s.valid_from <= last_day for s in later)
