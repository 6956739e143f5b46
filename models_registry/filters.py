"""The programme's query parameters, read through forms (see ``doanthanhnien.filters``)."""

from urllib.parse import parse_qsl

from django import forms
from django.http import QueryDict

from doanthanhnien.filters import MAX_PAGE, IdField, IdListField, YearForm

from .models import Registration

S = Registration.Status


class ReviewQueueFilterForm(YearForm):
    """The filters of the review queue. Each bad value is dropped on its own; a missing or
    unknown status means "awaiting review", an empty one means every status."""

    status = forms.ChoiceField(
        required=False, choices=[("", "")] + list(S.choices), initial=S.SUBMITTED
    )
    unit = IdField(required=False)
    category = IdField(required=False)
    target_group = IdField(required=False)
    q = forms.CharField(required=False, max_length=100, initial="")
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, initial=1)

    # The parameters that survive a round trip through the bulk approval.
    KEEP = ("year", "status", "unit", "category", "target_group", "q")

    def values(self) -> dict:
        values = super().values()
        if "q" in self.errors:
            # Too long: search for its start rather than for nothing.
            values["q"] = str(self.data.get("q", ""))[:100].strip()
        values["q"] = (values["q"] or "").replace("\x00", "")
        values["status"] = values["status"] if values["status"] is not None else S.SUBMITTED
        return values

    def query_string(self) -> str:
        """The valid filters only, URL-encoded (for links to other pages and redirects)."""
        values = self.values()
        params = QueryDict(mutable=True)
        for name in self.KEEP:
            if name in self.data and values[name] is not None:
                params[name] = values[name]
        return params.urlencode()

    @classmethod
    def from_query_string(cls, query: str) -> "ReviewQueueFilterForm":
        """The filters a page passed on in a hidden field, as a query string."""
        pairs = parse_qsl(query[:2000], keep_blank_values=True)
        data = QueryDict(mutable=True)
        for name, value in pairs:
            if name in cls.KEEP:
                data[name] = value
        return cls(data)


class CompletenessFilterForm(YearForm):
    """The completeness page: the union whose child unions are listed, and the page."""

    unit = IdField(required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=MAX_PAGE, initial=1)

    def query_string(self) -> str:
        """The valid filters but the page, URL-encoded (for the pagination links)."""
        values = self.values()
        params = QueryDict(mutable=True)
        for name in ("year", "unit"):
            if name in self.data and values[name] is not None:
                params[name] = values[name]
        return params.urlencode()


class RemindForm(YearForm):
    """A "Remind" button of the completeness page: every union without a submission under
    ``within`` (default: the officer's area), or the one union ``unit`` of a row."""

    within = IdField(required=False)
    unit = IdField(required=False)


class BulkApproveForm(forms.Form):
    """The ticked registrations; the page's filters come back in ``params``, read apart with
    ``ReviewQueueFilterForm.from_query_string`` so that they never block the approval."""

    ids = IdListField(max_count=500)


class ReasonForm(forms.Form):
    """The reason typed when returning or reopening a registration."""

    reason = forms.CharField(required=False, max_length=2000)


class RecognitionFilterForm(YearForm):
    """The recognition queue and report: the period (default: the one in force) and, within
    it, one year (none: the whole period)."""

    period = IdField(required=False)
