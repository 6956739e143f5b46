"""The portal's own form fields and widgets: money typed the Vietnamese way, the plan upload."""

import re

from django import forms
from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

# A budget of a commune union's model is millions of đồng; a thousand billion is a typo.
MONEY_MAX = 10**12

# "15.000.000", "15 000 000", "15,000,000" (English grouping) or "15000000"; one kind of
# separator, groups of three. A trailing "đ", "đồng", "VNĐ" or "VND" is allowed.
_GROUPED = re.compile(r"^\d{1,3}(?P<sep>[., \u00a0])\d{3}(?:(?P=sep)\d{3})*$")
_PLAIN = re.compile(r"^\d+$")
_CURRENCY = re.compile(r"\s*(đồng|đ|vnđ|vnd)\.?$", re.IGNORECASE)


def parse_money(text: str) -> int | None:
    """The amount in đồng typed in ``text``, or None when it is not a whole amount."""
    text = _CURRENCY.sub("", text.strip())
    if len(text) > 40:
        return None
    if _PLAIN.match(text):
        return int(text)
    if _GROUPED.match(text):
        return int(re.sub(r"\D", "", text))
    return None


class MoneyInput(forms.TextInput):
    """A text box (not ``type=number``: browsers refuse "15.000.000" there and block the
    form with their own message) that shows the stored amount grouped, "15.000.000"."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, int):
            return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)
        return super().format_value(value)


class MoneyField(forms.IntegerField):
    """An amount in đồng, typed with or without thousands separators."""

    widget = MoneyInput
    default_error_messages = {
        "invalid": _("Enter a whole amount in đồng, for example 15.000.000."),
        "min_value": _("The amount cannot be negative."),
        "max_value": _("The amount cannot be more than %(limit_value)s đồng."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MONEY_MAX)
        super().__init__(**kwargs)
        # The message names the limit grouped, as the user types it.
        self.error_messages["max_value"] = self.error_messages["max_value"] % {
            "limit_value": number_format(
                self.max_value, decimal_pos=0, use_l10n=True, force_grouping=True
            )
        }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        text = str(value).strip()
        if text.startswith("-") and parse_money(text[1:]) is not None:
            raise forms.ValidationError(self.error_messages["min_value"], code="min_value")
        amount = parse_money(text)
        if amount is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return amount

    def widget_attrs(self, widget):
        # IntegerField would add min/max/step, which only mean something on type=number.
        return {}


class PlanFileInput(forms.FileInput):
    """The plan upload: the stored file's original name with a link, a labelled button
    ("Chọn tệp" / "Thay tệp khác") over a visually hidden file input, and the chosen file's
    name and size (``static/js/file-input.js``). No "clear" checkbox: removing a plan is its
    own action with a confirmation."""

    template_name = "models_registry/widgets/plan_file_input.html"
    stored_name = ""
    download_url = ""
    remove_url = ""
    max_bytes = 0

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            {
                "stored_name": self.stored_name,
                "download_url": self.download_url,
                "remove_url": self.remove_url,
                "max_bytes": self.max_bytes,
            }
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        # The project's template engine (templates/, with i18n), not the form renderer's.
        return mark_safe(render_to_string(self.template_name, self.get_context(name, value, attrs)))  # noqa: S308
