from datetime import date

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from doanthanhnien import extensions
from doanthanhnien.models import Unit, User
from doanthanhnien.selectors import unit_for_code

DEMO_PASSWORD = "DoanHaTinh@2020"
OLD_TREE = date(2020, 1, 1)  # the tree of 2020 – 30/06/2025, where the 2020–2022 demo lives
NEW_TREE = date(2025, 7, 1)  # the communes under the province since 01/07/2025
SUCCESSOR_OF = "successor of"

# (username, role, (unit code, tree) or (SUCCESSOR_OF, former unit code), family name, name)
DEMO_ACCOUNTS = [
    ("demo_tinh", User.Role.PROVINCIAL, ("42", OLD_TREE), "Nguyễn Thị", "Hà"),
    ("demo_huyen", User.Role.OFFICER, ("444", OLD_TREE), "Trần Văn", "Hùng"),
    ("demo_btv", User.Role.STANDING, ("444", OLD_TREE), "Lê Thị", "Mai"),
    ("demo_xa", User.Role.SECRETARY, ("18550", OLD_TREE), "Phan Văn", "Tú"),
    ("demo_xa2", User.Role.SECRETARY, ("18553", OLD_TREE), "Võ Thị", "Lan"),
    ("demo_admin", User.Role.ADMIN, ("42", OLD_TREE), "Hoàng Minh", "Quân"),
    # The portal today: the provincial union reviews the communes directly.
    ("demo_tinh_duyet", User.Role.OFFICER, ("42", OLD_TREE), "Đặng Thị", "Thu"),
    # The commune that took over Hương Trà's area (demo_xa's), found through the succession.
    ("demo_xa_moi", User.Role.SECRETARY, (SUCCESSOR_OF, "18550"), "Nguyễn Văn", "Hải"),
]


def demo_unit(where) -> Unit:
    first, second = where
    if first == SUCCESSOR_OF:
        former = Unit.objects.get(code=second, valid_from=OLD_TREE)
        return former.succeeded_by.get(valid_from=NEW_TREE)
    # One resolver for codes (they are reused after the reorganisation): the unit that held
    # the code in the first year of its tree.
    return unit_for_code(first, second.year)


class Command(BaseCommand):
    help = "Load the units and create the demo accounts (and demo data). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to create demo accounts with DEBUG off (use --force).")
        call_command("load_units", stdout=self.stdout)
        with transaction.atomic():
            for username, role, where, last_name, first_name in DEMO_ACCOUNTS:
                unit = demo_unit(where)
                user = self.account(username, role, unit, last_name, first_name)
                self.stdout.write(f"  {username} ({user.get_role_display()}, {unit.name})")
            # The programme apps add their demo data (registered in their AppConfig.ready()).
            for seed in extensions.demo_seeders():
                seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo accounts ready; password: {DEMO_PASSWORD}"))

    def account(self, username, role, unit, last_name, first_name) -> User:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "unit": unit,
                "last_name": last_name,
                "first_name": first_name,
                "email": f"{username}@example.org",
            },
        )
        # Put the account back in its demo state, writing only what differs: a second run
        # changes nothing (not even the password hash, which a fresh salt would).
        wanted = {
            "role": role,
            "unit_id": unit.pk,
            "is_active": True,
            "is_staff": role == User.Role.ADMIN,
            "is_superuser": role == User.Role.ADMIN,
        }
        changed = [field for field, value in wanted.items() if getattr(user, field) != value]
        for field in changed:
            setattr(user, field, wanted[field])
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            changed.append("password")
        if changed:
            user.save()
        return user
