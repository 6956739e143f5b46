"""factory_boy factories for the union tree and accounts.

Units get their materialised path from ``Unit.save()``, so a factory-built tree behaves exactly
like one loaded from the Hà Tĩnh fixtures. Users get a known password (``TEST_PASSWORD``) for
tests that log in through the real form; most tests use ``client.force_login`` instead.
"""

import factory
from factory.django import DjangoModelFactory

from doanthanhnien.models import Unit, User

TEST_PASSWORD = "Thu-nghiem-2025!"


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"Đoàn xã Thử Nghiệm {n}")
    kind = Unit.Kind.COMMUNE
    parent = None


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "An"
    last_name = "Nguyễn Văn"
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    role = User.Role.SECRETARY
    unit = factory.SubFactory(UnitFactory)
    password = factory.django.Password(TEST_PASSWORD)
