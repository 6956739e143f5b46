from datetime import date

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminTextareaWidget
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.admin import ImportExportModelAdmin

from . import services
from .forms import DATE_FORMFIELD_OVERRIDES
from .models import Unit, UnitSuccession, User
from .selectors import unit_for_code

# The admin speaks as the portal, not as "Django administration".
admin.site.site_header = _("Support for disadvantaged youth: system administration")
admin.site.site_title = _("Portal administration")
admin.site.index_title = _("System administration")


class UnitByCodeWidget(widgets.ForeignKeyWidget):
    """A unit named by its code, resolved for the year of the row (its ``valid_from``) or, for
    rows without one (accounts), the current year — codes are reused after a reorganisation."""

    def __init__(self):
        super().__init__(Unit, "code")

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        unit = unit_for_code(str(value), _row_year(row))
        if unit is None:
            raise ValueError(_("No union has the code %(code)s.") % {"code": value})
        return unit


def _row_year(row) -> int:
    raw = (row or {}).get("valid_from")
    if isinstance(raw, date):
        return raw.year
    try:
        return date.fromisoformat(str(raw).strip()[:10]).year
    except ValueError:
        return timezone.localdate().year


class UnitResource(resources.ModelResource):
    parent = fields.Field(attribute="parent", column_name="parent_code", widget=UnitByCodeWidget())

    class Meta:
        model = Unit
        import_id_fields = ["code", "valid_from"]
        fields = [
            "code",
            "name",
            "kind",
            "parent",
            "valid_from",
            "valid_to",
            "address",
            "doc_symbol",
            "signer_title",
        ]
        skip_unchanged = True


class UserResource(resources.ModelResource):
    unit = fields.Field(attribute="unit", column_name="unit_code", widget=UnitByCodeWidget())

    class Meta:
        model = User
        import_id_fields = ["username"]
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "phone",
            "position",
            "unit",
            "role",
        ]
        skip_unchanged = True

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._emails_in_file = {}  # casefolded address → the username of its first row

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if "email" not in errors:
            seen = self.__dict__.setdefault("_emails_in_file", {})
            errors.update(services.account_import_email_errors(user=instance, seen=seen))
        super().validate_instance(instance, errors, validate_unique)

    def before_save_instance(self, instance, row, **kwargs):
        # Imported people never get a password from a spreadsheet: they set their own.
        if instance._state.adding:
            instance.set_unusable_password()

    def after_save_instance(self, instance, row, **kwargs):
        if kwargs.get("dry_run") or not kwargs.get("is_new", True):
            return
        if not instance.has_usable_password() and instance.email:
            transaction.on_commit(lambda: services.account_send_password_link(user=instance))


class SuccessionInline(admin.TabularInline):
    model = UnitSuccession
    formfield_overrides = DATE_FORMFIELD_OVERRIDES
    fk_name = "successor"
    autocomplete_fields = ["predecessor"]
    extra = 0


class LinesField(forms.CharField):
    """Text of a few lines, kept line for line: a textarea (a one-line input would merge the
    lines on save), stored with "\n" whatever the browser sends, blank lines dropped."""

    widget = forms.Textarea(attrs={"rows": 2, "cols": 60})

    def to_python(self, value):
        value = super().to_python(value)
        return "\n".join(line.strip() for line in value.splitlines() if line.strip())


@admin.register(Unit)
class UnitAdmin(ImportExportModelAdmin):
    resource_classes = [UnitResource]
    formfield_overrides = DATE_FORMFIELD_OVERRIDES
    list_display = ["name", "code", "kind", "parent", "valid_from", "valid_to"]
    list_filter = ["kind", "valid_to"]
    search_fields = ["name", "code", "search_text"]
    autocomplete_fields = ["parent"]
    inlines = [SuccessionInline]
    list_select_related = ["parent"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "signer_title":
            # Signed documents put the title on two lines ("TM. BAN THƯỜNG VỤ …" / "BÍ THƯ").
            kwargs["form_class"] = LinesField
            kwargs["widget"] = AdminTextareaWidget(attrs={"rows": 2})
            kwargs["help_text"] = _(
                "As printed above the signature, one line each, e.g. "
                "TM. BAN THƯỜNG VỤ HUYỆN ĐOÀN, then BÍ THƯ."
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(User)
class PortalUserAdmin(ImportExportModelAdmin, UserAdmin):
    resource_classes = [UserResource]
    list_display = ["username", "last_name", "first_name", "unit", "role", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "email", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    fieldsets = UserAdmin.fieldsets + (
        (_("Union and role"), {"fields": ("unit", "role", "phone", "position")}),
    )
    add_fieldsets = UserAdmin.add_fieldsets + (
        (_("Union and role"), {"fields": ("email", "unit", "role")}),
    )
