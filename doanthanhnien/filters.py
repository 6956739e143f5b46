"""Query parameters and ids read through forms, so that no value, however extreme, reaches SQL.

A database id is at most 2^63 − 1 (``BigAutoField``). SQLite cannot even bind a larger Python
int, and Django guards plain integer lookups against overflow but not foreign keys or ``__in``:
a 30-digit id in a filter, a bulk action or a multiple choice was a 500. These fields refuse
such values before any query runs.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_ID = 2**63 - 1
# Programme years the portal can hold (the programme started in 2020).
MIN_YEAR = 2000
MAX_YEAR = 2100
# Pages of a list; far more than any list of the portal has.
MAX_PAGE = 100_000


def as_id(value) -> int | None:
    """``value`` as a database id, or None when it cannot be one (not a whole number, ≤ 0, or
    beyond 64 bits)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):  # ValueError also covers a string of over 4300 digits
        return None
    return number if 0 < number <= MAX_ID else None


class IdField(forms.IntegerField):
    """A database id: a whole number from 1 to 2^63 − 1."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class IdListField(forms.Field):
    """Several ids from a multiple-valued parameter (``?ids=1&ids=2``); at most ``max_count``.

    Values that cannot be ids are dropped: a tampered checkbox must not sink the real ones.
    """

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "too_many": _("Select at most %(max)s items at once."),
    }

    def __init__(self, *, max_count: int = 500, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.max_count = max_count

    def to_python(self, value):
        if value in self.empty_values:
            return []
        if not isinstance(value, (list, tuple)):
            value = [value]
        if len(value) > self.max_count:
            raise ValidationError(
                self.error_messages["too_many"], code="too_many", params={"max": self.max_count}
            )
        ids = []
        for item in value:
            number = as_id(item)
            if number is not None and number not in ids:
                ids.append(number)
        return ids


class _BoundedChoiceMixin:
    """Refuse a value that cannot be a primary key before asking the database about it."""

    def _refuse_non_ids(self, values):
        for value in values:
            if value in self.empty_values:
                continue
            if as_id(value) is None:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": str(value)[:40]},
                )


class BoundedModelChoiceField(_BoundedChoiceMixin, forms.ModelChoiceField):
    def to_python(self, value):
        self._refuse_non_ids([value])
        return super().to_python(value)


class BoundedModelMultipleChoiceField(_BoundedChoiceMixin, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        # ``value`` is already known to be a list or tuple here.
        self._refuse_non_ids(value)
        return super()._check_values(value)


class FilterForm(forms.Form):
    """A form for GET parameters: a value that does not validate is ignored, never an error page.

    ``values()`` gives every field's cleaned value, or its ``initial`` when the parameter is
    absent or invalid.
    """

    def __init__(self, data=None, **kwargs):
        # Always bound: an empty query string is valid and gives the initial values.
        super().__init__(data if data is not None else {}, **kwargs)

    def values(self) -> dict:
        self.is_valid()
        values = {}
        for name, field in self.fields.items():
            if name in self.data and name not in self.errors:
                values[name] = self.cleaned_data.get(name)
            else:
                values[name] = field.initial
        return values


class PageForm(FilterForm):
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, initial=1)


class YearForm(FilterForm):
    """The ``year`` of a programme-year picker."""

    year = forms.IntegerField(required=False, min_value=MIN_YEAR, max_value=MAX_YEAR)


class UnitForm(FilterForm):
    """The ``unit`` a link preselects (e.g. "Create an account" from a unit's page)."""

    unit = IdField(required=False)


class UnitPageForm(FilterForm):
    """``retired=1`` on a unit's page (and the home page): list the unions below that are not in
    operation in the year shown too."""

    retired = forms.TypedChoiceField(
        required=False,
        choices=[("0", "0"), ("1", "1")],
        coerce=lambda value: value == "1",
        empty_value=False,
        initial=False,
    )
