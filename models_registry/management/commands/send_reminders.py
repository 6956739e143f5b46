from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from doanthanhnien.models import Unit
from models_registry.models import PeriodYear
from models_registry.services import reminders_send


class Command(BaseCommand):
    help = (
        "E-mail the secretaries of grassroots unions with no submitted registration for the "
        "year. Safe to run from cron several times a day: nobody is mailed twice a day."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, year, **options):
        period_year = (
            PeriodYear.objects.filter(year=year, period__is_open=True)
            .order_by("-period__start_year")
            .first()
        )
        if period_year is None:
            raise CommandError(f"No open programme year {year}.")
        day = period_year.reference_day
        units = Unit.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
            valid_from__lte=day,
            kind__in=Unit.GRASSROOTS_KINDS,
        )
        sent = reminders_send(year=year, units=units)
        self.stdout.write(f"{sent} reminder e-mails sent for {year}.")
