from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .models import (
    ModelCategory,
    ModelStep,
    Period,
    PeriodYear,
    Registration,
    RegistrationTarget,
    RegistrationTransition,
    SupportModel,
    TargetGroup,
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
    # Evidence is uploaded on the unit's steps page (with the upload checks) and served by
    # the permission-checked view; here it is only linked.
    exclude = ["evidence"]
    readonly_fields = ["evidence_link"]

    @admin.display(description=_("evidence"))
    def evidence_link(self, obj):
        if not obj.pk or not obj.evidence:
            return "—"
        url = reverse("registry:model-step-evidence", args=[obj.support_model_id, obj.step])
        return format_html('<a href="{}">{}</a>', url, obj.evidence_name or url)


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


class TransitionInline(admin.TabularInline):
    model = RegistrationTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "actor", "at", "comment"]

    def has_add_permission(self, request, obj=None):
        return False


def _run(modeladmin, request, queryset, to, comment=""):
    done = 0
    for registration in queryset:
        try:
            services.registration_transition(registration, to, actor=request.user, comment=comment)
            done += 1
        except (services.InvalidTransition, PermissionDenied) as error:
            modeladmin.message_user(
                request, f"{registration}: {getattr(error, 'message', error)}", messages.ERROR
            )
    if done:
        modeladmin.message_user(
            request,
            ngettext("%(n)s registration changed.", "%(n)s registrations changed.", done)
            % {"n": done},
        )


@admin.action(description=_("Approve selected registrations"))
def approve(modeladmin, request, queryset):
    _run(modeladmin, request, queryset, Registration.Status.APPROVED)


@admin.action(description=_("Return selected registrations (reason: incomplete)"))
def return_incomplete(modeladmin, request, queryset):
    _run(
        modeladmin,
        request,
        queryset,
        Registration.Status.RETURNED,
        comment=str(_("Returned by the administrator: incomplete.")),
    )


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
    actions = [approve, return_incomplete]

    @admin.display(description=_("implementation plan"))
    def plan(self, obj):
        if not obj.plan_document:
            return "—"
        url = reverse("registry:registration-plan", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, obj.plan_document_name or url)
