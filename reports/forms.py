from django import forms
from django.utils.translation import gettext_lazy as _

from doanthanhnien.models import Unit
from doanthanhnien.scoping import scoped
from models_registry.models import Period, PeriodYear

from .selectors import Span


def span_choices() -> list[tuple[str, str]]:
    """Every programme year, then every period as a whole, newest first (two queries)."""
    years = sorted(set(PeriodYear.objects.values_list("year", flat=True)), reverse=True)
    choices = [(str(y), str(y)) for y in years]
    for period in Period.objects.order_by("-start_year"):
        span = Span(period.start_year, period.end_year)
        if not span.is_year:
            choices.append((span.slug, f"{period.name} ({span.label})"))
    return choices


class SummaryPickerForm(forms.Form):
    """Which union and which year or period the dashboard shows.

    The list offers the user's own union and the upper-level unions below it; any other union
    of the user's subtree (a commune reached by drilling down) is accepted too.
    """

    # Optional: a bookmarked "?span=2022" means the user's own union.
    unit = forms.TypedChoiceField(
        label=_("Union"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    span = forms.ChoiceField(
        label=_("Year or period"), widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        visible = scoped(user, Unit.objects.all())
        offered = list(
            visible.filter(kind__in=Unit.UPPER_KINDS).order_by("path").values_list("pk", "name")
        )
        if user.unit_id and user.unit_id not in {pk for pk, _ in offered}:
            offered.insert(0, (user.unit_id, user.unit.name))
        wanted = self.data.get("unit") if self.is_bound else None
        known = {pk for pk, _ in offered}
        if wanted and str(wanted).isdigit() and len(str(wanted)) < 19 and int(wanted) not in known:
            extra = visible.filter(pk=int(wanted)).values_list("pk", "name").first()
            if extra:
                offered.append(extra)
        self.fields["unit"].choices = [(pk, name) for pk, name in offered]
        self.fields["span"].choices = span_choices()

    def chosen(self, *, default_span: str | None) -> tuple[Unit | None, Span | None]:
        """The valid choice, or the defaults (the user's union, the default year)."""
        unit_pk = self.user.unit_id
        span_text = default_span
        if self.is_bound and self.is_valid():
            unit_pk = self.cleaned_data["unit"] or self.user.unit_id
            span_text = self.cleaned_data["span"]
        unit = scoped(self.user, Unit.objects.all()).filter(pk=unit_pk).first()
        return unit, (Span.parse(span_text) if span_text else None)
