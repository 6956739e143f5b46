from django import forms
from django.utils.translation import gettext_lazy as _

from doanthanhnien.filters import BoundedModelChoiceField, BoundedModelMultipleChoiceField
from doanthanhnien.models import Unit

from .models import (
    MAX_MONEY_DONG,
    MAX_YOUTH_COUNT,
    ModelCategory,
    ModelStep,
    Registration,
    SupportModel,
    TargetGroup,
)
from .selectors import partner_unit_choices
from .uploads import ALLOWED_HELP, validate_document

DATE_WIDGET = forms.DateInput(
    format="%d/%m/%Y", attrs={"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric"}
)


class CategoryChoiceField(BoundedModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class SupportModelForm(forms.ModelForm):
    category = CategoryChoiceField(
        label=_("Model category"),
        queryset=ModelCategory.objects.all(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    target_groups = BoundedModelMultipleChoiceField(
        label=_("Target groups"),
        queryset=TargetGroup.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one target group.")},
    )
    start_date = forms.DateField(label=_("Start date"), required=False, widget=DATE_WIDGET)

    class Meta:
        model = SupportModel
        fields = [
            "name",
            "category",
            "target_groups",
            "description",
            "area",
            "implementers",
            "contact",
            "partner_units",
            "partners",
            "start_date",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "implementers": forms.Textarea(attrs={"rows": 2}),
            "partner_units": forms.CheckboxSelectMultiple,
        }
        field_classes = {"partner_units": BoundedModelMultipleChoiceField}

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_units"].queryset = partner_unit_choices(unit=unit)
        if not self.fields["partner_units"].queryset.exists():
            del self.fields["partner_units"]
        categories = {c.pk: c.examples for c in ModelCategory.objects.all()}
        self.category_examples = categories


class RegistrationForm(forms.ModelForm):
    planned_budget = forms.IntegerField(
        label=_("Planned budget (đồng)"),
        required=False,
        min_value=0,
        max_value=MAX_MONEY_DONG,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "step": 1000}),
        error_messages={
            "min_value": _("The budget cannot be negative."),
            "max_value": _("The budget cannot be more than 1,000 billion đồng."),
        },
    )
    plan_document = forms.FileField(
        label=_("Implementation plan"),
        required=False,
        help_text=_("%(types)s; at most %(size)s MB."),
        validators=[validate_document],
    )

    class Meta:
        model = Registration
        fields = ["expected_results", "planned_budget", "budget_sources", "plan_document"]
        widgets = {"expected_results": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "expected_results": _(
                "What will change for the youth supported, and how you will know it."
            )
        }

    def __init__(self, *args, target_groups, max_mb: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_document"].help_text = self.fields["plan_document"].help_text % {
            "types": ALLOWED_HELP,
            "size": max_mb,
        }
        self.fields["plan_document"].widget.attrs["accept"] = (
            ".pdf,.doc,.docx,.xls,.xlsx,.jpg,.jpeg,.png"
        )
        existing = {}
        if self.instance.pk:
            existing = {t.target_group_id: t.planned_count for t in self.instance.targets.all()}
        self.target_groups = list(target_groups)
        for group in self.target_groups:
            self.fields[f"count_{group.pk}"] = forms.IntegerField(
                label=group.short_name,
                required=False,
                min_value=0,
                max_value=MAX_YOUTH_COUNT,
                initial=existing.get(group.pk, 0),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                error_messages={
                    "min_value": _("The number cannot be negative."),
                    "max_value": _("The number cannot be more than 100,000."),
                },
            )

    def count_fields(self):
        return [self[f"count_{group.pk}"] for group in self.target_groups]

    def counts(self) -> dict[int, int]:
        return {g.pk: self.cleaned_data.get(f"count_{g.pk}") or 0 for g in self.target_groups}

    def service_fields(self) -> dict:
        data = {k: self.cleaned_data[k] for k in self.Meta.fields}
        if not data["plan_document"]:
            data.pop("plan_document")
        return data


class StepForm(forms.Form):
    step = forms.IntegerField(widget=forms.HiddenInput)
    done = forms.BooleanField(label=_("Done"), required=False)
    done_on = forms.DateField(label=_("Date"), required=False, widget=DATE_WIDGET)
    note = forms.CharField(label=_("Note"), required=False, max_length=255)

    def clean_step(self):
        step = self.cleaned_data["step"]
        if step not in ModelStep.Step.values:
            raise forms.ValidationError(_("Unknown step."))
        return step


class BaseStepFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        steps = [form.cleaned_data.get("step") for form in self.forms]
        if sorted(steps) != sorted(ModelStep.Step.values):
            raise forms.ValidationError(_("Each of the seven steps must appear exactly once."))


StepFormSet = forms.formset_factory(
    StepForm,
    formset=BaseStepFormSet,
    extra=0,
    min_num=7,
    max_num=7,
    # Never build more than the seven forms, whatever TOTAL_FORMS a request claims.
    absolute_max=7,
    validate_min=True,
    validate_max=True,
)
