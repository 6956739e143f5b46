"""Shared fixtures: a small union tree and a cast of users, one per role.

The tree (codes are the official ones, names as the portal writes them)::

    province        42     Tỉnh đoàn Hà Tĩnh
    ├── district    444    Huyện đoàn Hương Khê
    │   ├── commune_a   18550  Đoàn xã Hương Trà
    │   └── commune_b   18553  Đoàn xã Hương Trạch
    └── other_district 445 Huyện đoàn Thạch Hà
        └── commune_c   18562  Đoàn thị trấn Thạch Hà

The cast (all with ``TEST_PASSWORD``; log them in with ``client.force_login(user)``):

    provincial_viewer  role provincial, at the province (read-only everywhere)
    officer            role officer, at district 444
    standing           role standing (Ban Thường vụ), at district 444
    secretary_a        role secretary, at commune A
    secretary_b        role secretary, at commune B
    other_officer      role officer, at other_district 445
    admin_user         role admin, at the province, staff and superuser
"""

import pytest
from django.test import override_settings

from doanthanhnien.models import Unit, User
from tests.factories import UnitFactory, UserFactory


@pytest.fixture(autouse=True, scope="session")
def _static_files_without_collectstatic():
    # Tests run with DEBUG off but without `collectstatic`: WhiteNoise would warn that
    # STATIC_ROOT does not exist. Session-wide, because the live server builds its
    # middleware once, before any function-scoped fixture runs.
    with override_settings(WHITENOISE_AUTOREFRESH=True):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing with the production hasher costs ~0.3 s per user; tests never need its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- The tree ------------------------------------------------------------------------------


@pytest.fixture
def province(db):
    return UnitFactory(code="42", name="Tỉnh đoàn Hà Tĩnh", kind=Unit.Kind.PROVINCE)


@pytest.fixture
def district(province):
    return UnitFactory(
        code="444", name="Huyện đoàn Hương Khê", kind=Unit.Kind.DISTRICT, parent=province
    )


@pytest.fixture
def commune_a(district):
    return UnitFactory(code="18550", name="Đoàn xã Hương Trà", parent=district)


@pytest.fixture
def commune_b(district):
    return UnitFactory(code="18553", name="Đoàn xã Hương Trạch", parent=district)


@pytest.fixture
def other_district(province):
    return UnitFactory(
        code="445", name="Huyện đoàn Thạch Hà", kind=Unit.Kind.DISTRICT, parent=province
    )


@pytest.fixture
def commune_c(other_district):
    return UnitFactory(
        code="18562",
        name="Đoàn thị trấn Thạch Hà",
        kind=Unit.Kind.TOWNSHIP,
        parent=other_district,
    )


@pytest.fixture
def tree(province, district, commune_a, commune_b, other_district, commune_c):
    """The whole tree at once, for tests that need every unit to exist."""
    return {
        "province": province,
        "district": district,
        "commune_a": commune_a,
        "commune_b": commune_b,
        "other_district": other_district,
        "commune_c": commune_c,
    }


# --- The cast ------------------------------------------------------------------------------


@pytest.fixture
def provincial_viewer(province):
    return UserFactory(
        username="tinh", role=User.Role.PROVINCIAL, unit=province, last_name="Nguyễn Thị"
    )


@pytest.fixture
def officer(district):
    return UserFactory(username="huyen", role=User.Role.OFFICER, unit=district)


@pytest.fixture
def standing(district):
    return UserFactory(username="btv", role=User.Role.STANDING, unit=district)


@pytest.fixture
def secretary_a(commune_a):
    return UserFactory(username="xa_a", role=User.Role.SECRETARY, unit=commune_a)


@pytest.fixture
def secretary_b(commune_b):
    return UserFactory(username="xa_b", role=User.Role.SECRETARY, unit=commune_b)


@pytest.fixture
def other_officer(other_district):
    return UserFactory(username="huyen_khac", role=User.Role.OFFICER, unit=other_district)


@pytest.fixture
def admin_user(province):
    # Overrides pytest-django's own `admin_user` on purpose: the portal's admin has a unit.
    return UserFactory(
        username="quantri",
        role=User.Role.ADMIN,
        unit=province,
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def cast(provincial_viewer, officer, standing, secretary_a, secretary_b, other_officer, admin_user):
    """Every member of the cast, by fixture name."""
    return {
        "provincial_viewer": provincial_viewer,
        "officer": officer,
        "standing": standing,
        "secretary_a": secretary_a,
        "secretary_b": secretary_b,
        "other_officer": other_officer,
        "admin_user": admin_user,
    }
