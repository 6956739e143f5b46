from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doanthanhnien.filters import BoundedModelChoiceField, BoundedModelMultipleChoiceField
from doanthanhnien.models import Unit

from .models import (
    MAX_YOUTH_COUNT,
    ModelCategory,
    ModelStep,
    Registration,
    SupportModel,
    TargetGroup,
)
from .selectors import partner_unit_choices
from .uploads import ALLOWED_HELP, DocumentField
from .widgets import MoneyField, PlanFileInput

# ``size`` makes the box wide enough for the whole placeholder ("ngày/tháng/năm").
DATE_WIDGET = forms.DateInput(
    format="%d/%m/%Y",
    attrs={"placeholder": _("dd/mm/yyyy"), "inputmode": "numeric", "size": 16},
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
    planned_budget = MoneyField(label=_("Planned budget (đồng)"), required=False)
    # Not a model field of this form on purpose: a ModelForm hands back the *stored* file when
    # nothing is chosen, which once made re-saving delete the plan. Here the field is either a
    # new upload or None, and only the service touches the stored file.
    plan_document = DocumentField(
        label=_("Implementation plan"),
        required=False,
        help_text=_("%(types)s; at most %(size)s MB."),
        widget=PlanFileInput,
    )

    class Meta:
        model = Registration
        fields = ["expected_results", "planned_budget", "budget_sources"]
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
        widget = self.fields["plan_document"].widget
        widget.max_bytes = settings.UPLOAD_MAX_BYTES
        if self.instance.pk and self.instance.plan_document:
            widget.stored_name = self.instance.plan_document_name or str(_("Implementation plan"))
            widget.download_url = reverse("registry:registration-plan", args=[self.instance.pk])
            widget.remove_url = reverse(
                "registry:registration-plan-remove", args=[self.instance.pk]
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
        """The registration's fields for the service; ``plan_document`` only when a new file
        was chosen (leaving the file input empty keeps the stored plan)."""
        data = {k: self.cleaned_data[k] for k in self.Meta.fields}
        if self.cleaned_data.get("plan_document"):
            data["plan_document"] = self.cleaned_data["plan_document"]
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

    def clean(self):
        data = super().clean()
        done, done_on = data.get("done"), data.get("done_on")
        if "done_on" in self.errors:
            return data
        if done and done_on is None:
            self.add_error("done_on", _("Enter the date this step was done (dd/mm/yyyy)."))
        elif done_on is not None and not done:
            self.add_error(
                "done",
                _("A date was entered but the step is not ticked: tick “Done” or clear the date."),
            )
        elif done_on is not None and done_on > timezone.localdate():
            self.add_error("done_on", _("The date this step was done cannot be in the future."))
        return data


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
