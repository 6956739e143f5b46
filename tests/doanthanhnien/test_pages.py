"""The home page: every role can open it, sees its own union and the unions below, and the
page costs the same number of queries however many unions there are."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from doanthanhnien.models import Unit, User
from tests.factories import UnitFactory, UserFactory

HOME = reverse("home")

UNIT_OF = {
    "provincial_viewer": "Tỉnh đoàn Hà Tĩnh",
    "officer": "Huyện đoàn Hương Khê",
    "standing": "Huyện đoàn Hương Khê",
    "secretary_a": "Đoàn xã Hương Trà",
    "secretary_b": "Đoàn xã Hương Trạch",
    "other_officer": "Huyện đoàn Thạch Hà",
    "admin_user": "Tỉnh đoàn Hà Tĩnh",
}


@pytest.mark.parametrize("who", list(UNIT_OF))
def test_every_role_opens_the_home_page(client, cast, who):
    user = cast[who]
    client.force_login(user)

    response = client.get(HOME)

    assert response.status_code == 200
    assert response.context["unit"] == user.unit
    assert UNIT_OF[who] in response.text
    assert user.get_role_display() in response.text
    assert '<html lang="vi">' in response.text


def test_an_account_without_a_union_still_opens_the_home_page(client, db):
    client.force_login(UserFactory(role=User.Role.OFFICER, unit=None))

    response = client.get(HOME)

    assert response.status_code == 200
    assert "unit" not in response.context


def test_the_officer_sees_the_communes_of_the_district(client, cast, officer):
    client.force_login(officer)

    response = client.get(HOME)

    children = list(response.context["children"])
    assert [c.name for c in children] == ["Đoàn xã Hương Trà", "Đoàn xã Hương Trạch"]
    assert [(c.grassroots_below, c.users_count) for c in children] == [(0, 1), (0, 1)]
    assert "Đoàn xã Hương Trạch" in response.text
    assert "Đoàn thị trấn Thạch Hà" not in response.text


def test_the_provincial_viewer_sees_districts_with_their_grassroots_counts(
    client, tree, cast, provincial_viewer, district
):
    UnitFactory(name="Đoàn trường THPT Hương Khê", kind=Unit.Kind.SCHOOL, parent=district)
    client.force_login(provincial_viewer)

    response = client.get(HOME)

    rows = {c.name: (c.grassroots_below, c.users_count) for c in response.context["children"]}
    # A school union is not a grassroots union (xã, phường, thị trấn) for the programme's count.
    assert rows == {"Huyện đoàn Hương Khê": (2, 2), "Huyện đoàn Thạch Hà": (1, 1)}
    counts = {row["kind"]: row["current"] for row in response.context["counts"]}
    assert counts == {"district": 2, "commune": 2, "township": 1, "school": 1}


def test_the_home_page_shows_counts_with_vietnamese_grouping(client, province):
    district = UnitFactory(name="Huyện đoàn Lớn", kind=Unit.Kind.DISTRICT, parent=province)
    Unit.objects.bulk_create(
        Unit(code=f"X{i}", name=f"Đoàn xã {i}", kind=Unit.Kind.COMMUNE, parent=district)
        for i in range(1001)
    )
    # bulk_create skips save(): give the rows their paths the way a save would.
    for unit in Unit.objects.filter(parent=district):
        unit.save()
    client.force_login(UserFactory(role=User.Role.PROVINCIAL, unit=province))

    response = client.get(HOME)

    assert 'data-label="Đoàn cơ sở">1.001</td>' in response.text


def _home_queries(client, user):
    client.force_login(user)
    client.get(HOME)  # the first request after login may touch the session differently
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(HOME)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_home_page_costs_the_same_for_2_or_20_communes(client, province):
    small = UnitFactory(name="Huyện đoàn Nhỏ", kind=Unit.Kind.DISTRICT, parent=province)
    large = UnitFactory(name="Huyện đoàn Lớn", kind=Unit.Kind.DISTRICT, parent=province)
    for parent, size in ((small, 2), (large, 20)):
        for _ in range(size):
            commune = UnitFactory(parent=parent)
            UserFactory(unit=commune)

    small_officer = UserFactory(role=User.Role.OFFICER, unit=small)
    large_officer = UserFactory(role=User.Role.OFFICER, unit=large)

    assert _home_queries(client, small_officer) == _home_queries(client, large_officer)


def test_the_provincial_home_page_costs_the_same_for_1_or_5_districts(client, province):
    viewer = UserFactory(role=User.Role.PROVINCIAL, unit=province)
    district = UnitFactory(kind=Unit.Kind.DISTRICT, parent=province)
    UnitFactory(parent=district)
    few = _home_queries(client, viewer)

    for _ in range(4):
        district = UnitFactory(kind=Unit.Kind.DISTRICT, parent=province)
        UnitFactory.create_batch(3, parent=district)

    assert _home_queries(client, viewer) == few


@pytest.mark.parametrize("who", list(UNIT_OF))
def test_every_link_on_the_home_page_opens(client, tree, cast, who):
    client.force_login(cast[who])
    html = client.get(HOME).text

    links = set(re.findall(r'href="(/[^"]*)"', html)) - {HOME}
    broken = {}
    for link in sorted(links):
        if link.startswith(("/static/", "/admin/")):
            continue
        status = client.get(link).status_code
        if status != 200:
            broken[link] = status
    assert broken == {}


def test_unions_outside_the_subtree_are_named_but_not_linked(
    client, tree, secretary_a, provincial_viewer
):
    district, commune_a = tree["district"], tree["commune_a"]
    successor = UnitFactory(name="Đoàn xã Hương Đô", parent=tree["province"])
    successor.formed_from.add(commune_a)
    district_link = f'href="/units/{district.pk}/"'
    successor_link = f'href="/units/{successor.pk}/"'

    client.force_login(secretary_a)
    html = client.get(HOME).text
    assert "Huyện đoàn Hương Khê" in html and district_link not in html
    assert "Đoàn xã Hương Đô" in html and successor_link not in html

    client.force_login(provincial_viewer)
    html = client.get(reverse("unit-detail", args=[commune_a.pk])).text
    assert district_link in html
    assert successor_link in html
