from django.contrib import admin

from .models import ReportNumber, ReportSettings


@admin.register(ReportSettings)
class ReportSettingsAdmin(admin.ModelAdmin):
    list_display = ["unit", "issuing_body", "signer_name"]
    search_fields = ["unit__name", "unit__code", "signer_name"]
    autocomplete_fields = ["unit"]


@admin.register(ReportNumber)
class ReportNumberAdmin(admin.ModelAdmin):
    list_display = ["unit", "issued_year", "number", "first_year", "last_year", "issued_on"]
    list_filter = ["issued_year"]
    search_fields = ["unit__name", "unit__code"]
    readonly_fields = ["unit", "issued_year", "number", "first_year", "last_year", "issued_on"]
