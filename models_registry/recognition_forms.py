"""Forms of recognition, commendations and the library: they validate input and hand the
cleaned data to ``recognition_services``, which re-checks every rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from doanthanhnien.models import Unit

from .models import Commendation, ModelCategory, Period, Recognition, TargetGroup
from .report_forms import DATE_WIDGET

YES, NO = "yes", "no"


class RecognitionQueueForm(forms.Form):
    """The queue's filters (query parameters): a bad value falls back to "no filter"."""

    DECISIONS = [
        ("", _("All")),
        ("undecided", _("Not decided yet")),
        *Recognition.Decision.choices,
    ]

    period = forms.ModelChoiceField(
        label=_("Period"), queryset=Period.objects.none(), required=False, empty_label=None
    )
    year = forms.TypedChoiceField(label=_("Recognition for"), coerce=int, required=False)
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS, required=False)
    q = forms.CharField(label=_("Search (accents optional)"), required=False, max_length=100)

    def __init__(self, data, *, periods, period):
        super().__init__(data)
        self.fields["period"].queryset = Period.objects.filter(pk__in=[p.pk for p in periods])
        self.fields["year"].choices = [("", _("The whole period"))] + [
            (y.year, str(y.year)) for y in sorted(period.years.all(), key=lambda y: y.year)
        ]

    def cleaned(self, name, default=None):
        self.is_valid()
        if name in self.errors:
            return default
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value


class RecognitionDecisionForm(forms.Form):
    """The standing committee's decision. Each computed criterion may be overridden, but only
    with a written reason."""

    OVERRIDE_CHOICES = [("", _("As computed")), (YES, _("Met")), (NO, _("Not met"))]

    decision = forms.ChoiceField(
        label=_("Decision"), choices=Recognition.Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the model is not recognised."),
    )
    decision_number = forms.CharField(
        label=_("Decision number"),
        max_length=60,
        help_text=_("As on the signed decision, e.g. 12-QĐ/HĐTN."),
    )
    decision_date = forms.DateField(label=_("Decision date"), widget=DATE_WIDGET)

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"{criterion.key}_override"] = forms.ChoiceField(
                label=_("Committee's assessment"),
                choices=self.OVERRIDE_CHOICES,
                required=False,
            )
            self.fields[f"{criterion.key}_override_reason"] = forms.CharField(
                label=_("Reason for overriding"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def criterion_rows(self):
        return [
            (c, self[f"{c.key}_override"], self[f"{c.key}_override_reason"]) for c in self.criteria
        ]

    def clean(self):
        data = super().clean()
        for criterion in self.criteria:
            wanted = data.get(f"{criterion.key}_override")
            overridden = bool(wanted) and (wanted == YES) != criterion.met
            why = (data.get(f"{criterion.key}_override_reason") or "").strip()
            if overridden and not why:
                self.add_error(
                    f"{criterion.key}_override_reason",
                    _("Give a written reason for overriding this criterion."),
                )
        refused = data.get("decision") == Recognition.Decision.NOT_RECOGNISED
        if refused and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the reason why the model is not recognised."))
        return data

    def overrides(self) -> dict:
        result = {}
        for criterion in self.criteria:
            wanted = self.cleaned_data.get(f"{criterion.key}_override")
            result[criterion.key] = None if not wanted else wanted == YES
        return result

    def override_reasons(self) -> dict:
        return {c.key: self.cleaned_data.get(f"{c.key}_override_reason", "") for c in self.criteria}


class CommendationForm(forms.ModelForm):
    decision_date = forms.DateField(label=_("Decision date"), widget=DATE_WIDGET)

    class Meta:
        model = Commendation
        fields = ["level", "recipient_name", "decision_number", "decision_date", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"decision_number": _("As on the signed decision, e.g. 25-QĐ/TĐTN.")}


class LibraryFilterForm(forms.Form):
    """The library's search and filters (query parameters); a bad value is simply ignored."""

    q = forms.CharField(label=_("Search (accents optional)"), required=False, max_length=100)
    category = forms.ModelChoiceField(
        label=_("Model category"),
        queryset=ModelCategory.objects.all(),
        required=False,
        empty_label=_("All"),
    )
    target_group = forms.ModelChoiceField(
        label=_("Target group"),
        queryset=TargetGroup.objects.all(),
        required=False,
        empty_label=_("All"),
    )
    unit = forms.ModelChoiceField(
        label=_("Union"), queryset=Unit.objects.none(), required=False, empty_label=_("All")
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, data, *, units):
        super().__init__(data)
        self.fields["unit"].queryset = units
        self.fields["target_group"].label_from_instance = lambda g: g.short_name

    def filters(self) -> dict:
        self.is_valid()
        data = {}
        for name in self.fields:
            value = None if name in self.errors else self.cleaned_data.get(name)
            data[name] = getattr(value, "pk", value)
        data["q"] = (data.get("q") or "").strip()
        return data
