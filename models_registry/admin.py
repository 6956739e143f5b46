from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import report_services, services, workflow
from .models import (
    Commendation,
    ModelCategory,
    ModelStep,
    Period,
    PeriodYear,
    Recognition,
    Registration,
    RegistrationTarget,
    ResultReport,
    ResultReportEvidence,
    ResultReportTarget,
    SupportModel,
    TargetGroup,
    WorkflowTransition,
)
from .uploads import DocumentField


@admin.register(TargetGroup)
class TargetGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name"]


@admin.register(ModelCategory)
class ModelCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


class PeriodYearInline(admin.TabularInline):
    model = PeriodYear
    extra = 1


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "start_year", "end_year", "is_open"]
    inlines = [PeriodYearInline]


class ModelStepInline(admin.TabularInline):
    model = ModelStep
    extra = 0


@admin.register(SupportModel)
class SupportModelAdmin(SimpleHistoryAdmin):
    list_display = ["name", "unit", "category", "created_at"]
    list_filter = ["category", "target_groups"]
    search_fields = ["name", "search_text", "unit__name"]
    autocomplete_fields = ["unit", "replicated_from"]
    filter_horizontal = ["target_groups", "partner_units"]
    list_select_related = ["unit", "category"]
    inlines = [ModelStepInline]


class TargetInline(admin.TabularInline):
    model = RegistrationTarget
    extra = 0


class TransitionInline(GenericTabularInline):
    model = WorkflowTransition
    extra = 0
    can_delete = False
    fields = readonly_fields = ["action", "from_status", "to_status", "actor", "at", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Registration)
class RegistrationAdmin(SimpleHistoryAdmin):
    list_display = ["support_model", "unit", "year", "status", "is_late", "submitted_at"]
    list_filter = ["year", "status", "is_late"]
    search_fields = ["support_model__name", "support_model__search_text", "unit__name"]
    list_select_related = ["support_model", "unit"]
    # Status changes only through the transition service (the actions), never by hand. The
    # plan only through the portal's form and its "remove" action: the stock file widget's
    # "clear" box would drop the plan without a trace, and a file put here would skip the
    # upload checks and keep the old file's name.
    readonly_fields = [
        "status",
        "submitted_at",
        "decided_at",
        "is_late",
        "last_reason",
        "plan",
    ]
    exclude = ["plan_document"]
    raw_id_fields = ["support_model", "unit", "carried_over_from", "period_year"]
    # An administrator's upload gets the same content checks as a secretary's.
    formfield_overrides = {models.FileField: {"form_class": DocumentField}}
    inlines = [TargetInline, TransitionInline]
    actions = workflow.admin_actions(services.REGISTRATION_WORKFLOW)

    @admin.display(description=_("implementation plan"))
    def plan(self, obj):
        if not obj.plan_document:
            return "—"
        url = reverse("registry:registration-plan", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.plan_document_name or url)


class ReportTargetInline(admin.TabularInline):
    model = ResultReportTarget
    extra = 0


class EvidenceInline(admin.TabularInline):
    model = ResultReportEvidence
    extra = 0
    fields = ["file", "original_name", "caption", "publishable", "consent_confirmed"]
    readonly_fields = ["original_name"]
    # An administrator's upload gets the same content checks as a secretary's.
    formfield_overrides = {models.FileField: {"form_class": DocumentField}}


@admin.register(ResultReport)
class ResultReportAdmin(SimpleHistoryAdmin):
    list_display = ["registration", "kind", "unit", "year", "status", "is_late", "submitted_at"]
    list_filter = ["year", "kind", "status", "is_late"]
    search_fields = ["registration__support_model__name", "unit__name"]
    list_select_related = ["registration__support_model", "unit"]
    # Status changes only through the workflow (the actions), never by hand.
    readonly_fields = ["status", "submitted_at", "decided_at", "is_late", "last_reason"]
    raw_id_fields = ["registration", "unit"]
    # An administrator's upload gets the same content checks as a secretary's.
    formfield_overrides = {models.FileField: {"form_class": DocumentField}}
    inlines = [ReportTargetInline, EvidenceInline, TransitionInline]
    actions = workflow.admin_actions(report_services.REPORT_WORKFLOW)


class ReadOnlyAdmin(SimpleHistoryAdmin):
    """Decisions are taken in the portal by the people entitled to them; the admin reads them
    and their history, and changes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Recognition)
class RecognitionAdmin(ReadOnlyAdmin):
    list_display = ["support_model", "unit", "period", "year", "decision", "status"]
    list_filter = ["decision", "status", "period", "year"]
    search_fields = ["support_model__name", "decision_number", "unit__name"]
    list_select_related = ["support_model", "unit", "period"]
    inlines = [TransitionInline]


@admin.register(Commendation)
class CommendationAdmin(ReadOnlyAdmin):
    list_display = ["support_model", "unit", "awarded_by", "level", "decision_number"]
    list_filter = ["level"]
    search_fields = ["support_model__name", "decision_number", "recipient_name"]
    list_select_related = ["support_model", "unit", "awarded_by"]
