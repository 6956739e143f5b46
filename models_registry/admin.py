from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import PermissionDenied
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
    SupportModel,
    TargetGroup,
    WorkflowTransition,
)


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
    # Status changes only through the transition service (the actions), never by hand.
    readonly_fields = ["status", "submitted_at", "decided_at", "is_late", "last_reason"]
    raw_id_fields = ["support_model", "unit", "carried_over_from", "period_year"]
    inlines = [TargetInline, TransitionInline]
    actions = [approve, return_incomplete]
