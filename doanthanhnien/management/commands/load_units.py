from django.core.management.base import BaseCommand

from doanthanhnien.services import units_load_ha_tinh


class Command(BaseCommand):
    help = "Load or refresh Hà Tĩnh's union tree (before and after 1 July 2025). Idempotent."

    def handle(self, *args, **options):
        report = units_load_ha_tinh()
        self.stdout.write(
            f"Units: {report.created} created, {report.updated} updated. "
            f"Successions: {report.links} new links; "
            f"{report.new_units_linked} of {report.new_units_linked + len(report.unmatched)} "
            "new units matched to former units; "
            f"{report.former_units_linked} of {report.former_units} former grassroots unions "
            "linked to a successor."
        )
        for name in report.unmatched:
            self.stdout.write(self.style.WARNING(f"  no former unit matched for {name}"))
        for name in report.former_unlinked:
            # Absorbed on 1/1/2025 by a commune the data does not name (fixtures/ha-tinh/README.md).
            self.stdout.write(f"  no successor known for {name}")
