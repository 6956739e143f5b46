"""Forms of result reports: the report itself, one evidence file, and the review queue filters."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from doanthanhnien.models import Unit

from .models import MAX_DONG, MAX_YOUTH, ResultReport
from .uploads import ALLOWED_HELP, DocumentField

DATE_WIDGET = forms.DateInput(
    format="%d/%m/%Y", attrs={"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric"}
)
ACCEPT = ".pdf,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png"


class DongField(forms.IntegerField):
    """An amount in đồng typed the Vietnamese way ("15.000.000", "15 000 000 đ")."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Type the amount in đồng, digits only, e.g. 15.000.000."),
        "min_value": _("The amount cannot be negative."),
        "max_value": _("The amount is too large."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_DONG)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            # Dots and spaces group thousands; "-5" or "1,5" stay invalid.
            value = re.sub(r"[.\s\u00a0đĐ]", "", value)
        value = super().to_python(value)
        return 0 if value is None else value


def _count_field(label):
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_YOUTH,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "min_value": _("The number cannot be negative."),
            "max_value": _("At most %(limit_value)s."),
            "invalid": _("Type a whole number."),
        },
    )


class ResultReportForm(forms.ModelForm):
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DATE_WIDGET)
    funds_union = DongField(label=_("Union funds (đồng)"))
    funds_state = DongField(label=_("State budget (đồng)"))
    funds_sponsors = DongField(label=_("Sponsors (đồng)"))
    funds_people = DongField(label=_("Contributions of people (đồng)"))

    class Meta:
        model = ResultReport
        fields = [
            "kind",
            "unit_address",
            "area",
            "start_date",
            "form_and_content",
            "results",
            "funds_union",
            "funds_state",
            "funds_sponsors",
            "funds_people",
            "in_kind_note",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "form_and_content": forms.Textarea(attrs={"rows": 4}),
            "results": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "form_and_content": _("How the model was carried out: activities, how often, who."),
            "results": _("What changed for the youth supported, with figures."),
        }

    def __init__(self, *args, target_groups, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Drafts save without everything: submission checks completeness.
        for name in ("unit_address", "area"):
            self.fields[name].required = False
        if self.instance.pk:
            del self.fields["kind"]
        else:
            choices = [c for c in ResultReport.Kind.choices if kinds is None or c[0] in kinds]
            self.fields["kind"].choices = choices
        existing = {}
        if self.instance.pk:
            existing = {t.target_group_id: (t.total, t.female) for t in self.instance.targets.all()}
        self.target_groups = list(target_groups)
        for group in self.target_groups:
            total, female = existing.get(group.pk, (0, 0))
            self.fields[f"total_{group.pk}"] = _count_field(_("Youth supported"))
            self.fields[f"total_{group.pk}"].initial = total
            self.fields[f"female_{group.pk}"] = _count_field(_("Of whom female"))
            self.fields[f"female_{group.pk}"].initial = female

    def count_rows(self):
        """(group, total field, female field) per target group, for the compact grid."""
        return [
            (group, self[f"total_{group.pk}"], self[f"female_{group.pk}"])
            for group in self.target_groups
        ]

    def clean(self):
        data = super().clean()
        for group in self.target_groups:
            total = data.get(f"total_{group.pk}") or 0
            female = data.get(f"female_{group.pk}") or 0
            if female > total:
                self.add_error(
                    f"female_{group.pk}",
                    _("More female youth (%(female)s) than youth supported (%(total)s).")
                    % {"female": female, "total": total},
                )
        return data

    def counts(self) -> dict[int, tuple[int, int]]:
        return {
            g.pk: (
                self.cleaned_data.get(f"total_{g.pk}") or 0,
                self.cleaned_data.get(f"female_{g.pk}") or 0,
            )
            for g in self.target_groups
        }

    def service_fields(self) -> dict:
        return {
            k: self.cleaned_data[k] for k in self.Meta.fields if k in self.fields and k != "kind"
        }


class EvidenceForm(forms.Form):
    # The content checks, the accepted types and the size the page checks before sending.
    file = DocumentField(label=_("Photo or document"))
    caption = forms.CharField(label=_("Caption"), required=False, max_length=255)
    consent_confirmed = forms.BooleanField(
        label=_("The people shown (or their guardians) agreed to publication"), required=False
    )
    publishable = forms.BooleanField(
        label=_("May be shown in the library of good models"), required=False
    )

    def __init__(self, *args, max_mb: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("%(types)s; at most %(size)s MB.") % {
            "types": ALLOWED_HELP,
            "size": max_mb,
        }
        self.fields["file"].widget.attrs["accept"] = ACCEPT

    def clean(self):
        data = super().clean()
        if data.get("publishable") and not data.get("consent_confirmed"):
            self.add_error(
                "consent_confirmed",
                _("Confirm that the people shown agreed before marking a file for the library."),
            )
        return data


class ReportQueueForm(forms.Form):
    """The report queue's filters (query parameters): anything unknown is simply ignored."""

    STATUS_CHOICES = [("", _("All")), *ResultReport.Status.choices]

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_CHOICES, required=False)
    kind = forms.ChoiceField(
        label=_("Kind of report"), choices=[("", _("All")), *ResultReport.Kind.choices],
        required=False,
    )  # fmt: skip
    unit = forms.ModelChoiceField(
        label=_("Union"), queryset=Unit.objects.none(), required=False, empty_label=_("All")
    )
    late = forms.BooleanField(label=_("Late only"), required=False)
    q = forms.CharField(label=_("Search (accents optional)"), required=False, max_length=100)

    def __init__(self, data, *, years, units):
        data = data.copy()
        data.setdefault("status", ResultReport.Status.SUBMITTED)
        super().__init__(data)
        self.fields["year"].choices = [(y.year, y.year) for y in years]
        self.fields["unit"].queryset = units

    def filters(self, default_year: int | None) -> dict:
        """The cleaned filters; a field with a bad value falls back to "no filter"."""
        self.is_valid()
        data = {}
        for name in self.fields:
            if name not in self.errors:
                data[name] = self.cleaned_data.get(name)
        data["year"] = data.get("year") or default_year
        data["q"] = (data.get("q") or "").strip()
        return data
