from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from doanthanhnien.models import User
from doanthanhnien.selectors import unit_for_code

DEMO_PASSWORD = "DoanHaTinh@2020"
# The demo people and data live in the 2020–2025 tree (the year codes are resolved in).
DEMO_YEAR = 2022

# (username, role, unit code, valid_from year of the unit's tree, full name)
DEMO_ACCOUNTS = [
    ("demo_tinh", User.Role.PROVINCIAL, "42", "Nguyễn Thị", "Hà"),
    ("demo_huyen", User.Role.OFFICER, "444", "Trần Văn", "Hùng"),
    ("demo_btv", User.Role.STANDING, "444", "Lê Thị", "Mai"),
    ("demo_xa", User.Role.SECRETARY, "18550", "Phan Văn", "Tú"),
    ("demo_xa2", User.Role.SECRETARY, "18553", "Võ Thị", "Lan"),
    ("demo_admin", User.Role.ADMIN, "42", "Hoàng Minh", "Quân"),
]


class Command(BaseCommand):
    help = "Load the units and create the demo accounts (and demo data). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to create demo accounts with DEBUG off (use --force).")
        call_command("load_units", stdout=self.stdout)
        with transaction.atomic():
            for username, role, code, last_name, first_name in DEMO_ACCOUNTS:
                # Demo people work in the tree where the demo data lives: the 2020–2025 one.
                unit = unit_for_code(code, DEMO_YEAR)
                user, created = User.objects.get_or_create(
                    username=username,
                    defaults={
                        "role": role,
                        "unit": unit,
                        "last_name": last_name,
                        "first_name": first_name,
                        "email": f"{username}@example.org",
                    },
                )
                user.role, user.unit, user.is_active = role, unit, True
                user.is_staff = user.is_superuser = role == User.Role.ADMIN
                user.set_password(DEMO_PASSWORD)
                user.save()
                self.stdout.write(f"  {username} ({user.get_role_display()}, {unit.name})")
            self.seed_programme()
        self.stdout.write(self.style.SUCCESS(f"Demo accounts ready; password: {DEMO_PASSWORD}"))

    def seed_programme(self):
        from models_registry.demo import seed_programme

        seed_programme(stdout=self.stdout)
