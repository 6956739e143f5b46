"""Writes of the reports app: the yearly register of report numbers."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from doanthanhnien.models import Unit, User

from .models import ReportNumber
from .selectors import Span


def report_number_issue(*, user: User, unit: Unit, span: Span) -> ReportNumber | None:
    """The register entry of ``unit``'s summary for ``span``, taken on first download.

    Anyone may read an entry already taken; only the union's own people take one (a provincial
    officer reading a district's summary must not use up the district's numbers). With
    ``REPORT_NUMBERING = "blank"`` nobody does and the number is written by hand. Two officers
    downloading at once: the unique constraints make the loser re-read the winner's entry
    instead of taking a second number.
    """
    if settings.REPORT_NUMBERING != "register":
        return None
    existing = ReportNumber.objects.filter(unit=unit, first_year=span.first, last_year=span.last)
    for _attempt in range(3):
        entry = existing.first()
        if entry is not None or user.unit_id != unit.pk:
            return entry
        today = timezone.localdate()
        try:
            with transaction.atomic():
                last = ReportNumber.objects.filter(unit=unit, issued_year=today.year).aggregate(
                    n=Max("number")
                )["n"]
                return ReportNumber.objects.create(
                    unit=unit,
                    issued_year=today.year,
                    number=(last or 0) + 1,
                    first_year=span.first,
                    last_year=span.last,
                    issued_on=today,
                )
        except IntegrityError:
            continue
    return existing.first()
