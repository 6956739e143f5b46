from django.core.management.base import BaseCommand, CommandError

from models_registry.models import PeriodYear
from models_registry.selectors import grassroots_units
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
        units = grassroots_units(user=None, period_year=period_year)
        result = reminders_send(year=year, units=units)
        self.stdout.write(f"{result.mails} reminder e-mails sent for {year}.")
        if result.without_email:
            self.stdout.write(
                f"{result.without_email} unions have no secretary with an e-mail address."
            )
