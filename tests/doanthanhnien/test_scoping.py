"""The one scoping function, and what it means for the views: 404 outside the subtree,
403 for a role that may never act, a login page for strangers."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from doanthanhnien.models import Unit, User
from doanthanhnien.scoping import Perm, scoped, user_may
from tests.factories import UnitFactory, UserFactory


def names(qs):
    return sorted(u.name for u in qs)


# --- scoped() on units ---------------------------------------------------------------------


def test_it_limits_an_officer_to_the_district_subtree(tree, officer):
    expected = names([tree["district"], tree["commune_a"], tree["commune_b"]])

    assert names(scoped(officer, Unit.objects.all(), Perm.VIEW)) == expected
    assert names(scoped(officer, Unit.objects.all(), Perm.MANAGE)) == expected


def test_it_limits_edit_to_the_users_own_unit(tree, officer, secretary_a):
    assert names(scoped(officer, Unit.objects.all(), Perm.EDIT)) == ["Huyện đoàn Hương Khê"]
    assert names(scoped(secretary_a, Unit.objects.all(), Perm.EDIT)) == ["Đoàn xã Hương Trà"]


def test_it_gives_reviewers_the_units_directly_below(tree, officer, standing):
    expected = ["Đoàn xã Hương Trà", "Đoàn xã Hương Trạch"]

    assert names(scoped(officer, Unit.objects.all(), Perm.REVIEW)) == expected
    assert names(scoped(standing, Unit.objects.all(), Perm.RECOGNISE)) == expected


def test_it_does_not_give_reviewers_grandchildren(tree, officer):
    # A school union under commune A is reviewed by commune A, not by the district.
    school = UnitFactory(name="Đoàn trường THPT Hương Khê", kind="school", parent=tree["commune_a"])

    assert school in scoped(officer, Unit.objects.all(), Perm.VIEW)
    assert school not in scoped(officer, Unit.objects.all(), Perm.REVIEW)


def test_it_gives_a_secretary_only_their_commune(tree, secretary_a):
    assert names(scoped(secretary_a, Unit.objects.all(), Perm.VIEW)) == ["Đoàn xã Hương Trà"]


def test_it_gives_the_provincial_viewer_the_whole_province(tree, provincial_viewer):
    assert scoped(provincial_viewer, Unit.objects.all(), Perm.VIEW).count() == 6


def test_it_gives_the_admin_everything(tree, admin_user):
    outside = UnitFactory(code="48", name="Tỉnh đoàn Đà Nẵng", kind=Unit.Kind.PROVINCE)

    assert outside in scoped(admin_user, Unit.objects.all(), Perm.MANAGE)


@pytest.mark.parametrize(
    ("who", "perm"),
    [
        ("provincial_viewer", Perm.EDIT),
        ("provincial_viewer", Perm.REVIEW),
        ("provincial_viewer", Perm.MANAGE),
        ("secretary_a", Perm.REVIEW),
        ("secretary_a", Perm.RECOGNISE),
        ("secretary_a", Perm.MANAGE),
        ("officer", Perm.RECOGNISE),
    ],
)
def test_it_refuses_a_role_that_may_never_act(request, tree, who, perm):
    user = request.getfixturevalue(who)

    assert not user_may(user, perm)
    with pytest.raises(PermissionDenied):
        scoped(user, Unit.objects.all(), perm)


def test_it_refuses_inactive_users_and_users_without_a_unit(tree, officer):
    officer.is_active = False
    orphan = UserFactory(role=User.Role.OFFICER, unit=None)

    for user in (officer, orphan):
        with pytest.raises(PermissionDenied):
            scoped(user, Unit.objects.all(), Perm.VIEW)


def test_it_scopes_other_models_through_their_unit(cast, officer):
    visible = scoped(officer, User.objects.all(), Perm.MANAGE)

    assert sorted(u.username for u in visible) == ["btv", "huyen", "xa_a", "xa_b"]


def test_it_keeps_sibling_subtrees_apart_whatever_the_ids(tree):
    # Paths end with "/", so unit 1 never claims unit 12's subtree by prefix.
    for unit in Unit.objects.all():
        assert unit.path.startswith("/") and unit.path.endswith(f"/{unit.pk}/")
    district_paths = {tree["district"].path, tree["other_district"].path}
    assert not any(a != b and b.startswith(a) for a in district_paths for b in district_paths)


# --- The views -----------------------------------------------------------------------------


def test_a_secretary_gets_404_on_another_communes_page(client, tree, secretary_a):
    client.force_login(secretary_a)

    assert client.get(reverse("unit-detail", args=[tree["commune_b"].pk])).status_code == 404
    assert client.get(reverse("unit-detail", args=[tree["commune_c"].pk])).status_code == 404
    assert client.get(reverse("unit-detail", args=[tree["commune_a"].pk])).status_code == 200


def test_an_officer_sees_the_communes_of_the_district_only(client, tree, officer):
    client.force_login(officer)

    response = client.get(reverse("unit-detail", args=[tree["commune_b"].pk]))
    assert response.status_code == 200
    assert "Đoàn xã Hương Trạch" in response.text
    assert client.get(reverse("unit-detail", args=[tree["commune_c"].pk])).status_code == 404
    assert client.get(reverse("unit-detail", args=[tree["province"].pk])).status_code == 404


def test_the_provincial_viewer_sees_every_unit_page(client, tree, provincial_viewer):
    client.force_login(provincial_viewer)

    for unit in tree.values():
        assert client.get(reverse("unit-detail", args=[unit.pk])).status_code == 200


def _change_requests(target):
    """(method, url, data) for every view that changes something."""
    return [
        ("get", reverse("accounts:create"), {}),
        (
            "post",
            reverse("accounts:create"),
            {"username": "moi", "email": "moi@example.org", "unit": target.unit_id},
        ),
        ("post", reverse("accounts:set-active", args=[target.pk]), {"active": "0"}),
        ("post", reverse("accounts:send-link", args=[target.pk]), {}),
    ]


def test_the_provincial_viewer_gets_403_on_every_change_view(
    client, provincial_viewer, secretary_a, mailoutbox
):
    client.force_login(provincial_viewer)

    for method, url, data in _change_requests(secretary_a):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url)
    secretary_a.refresh_from_db()
    assert secretary_a.is_active
    assert not User.objects.filter(username="moi").exists()
    assert mailoutbox == []


def test_strangers_are_sent_to_the_login_page(client, tree, secretary_a):
    urls = [
        reverse("home"),
        reverse("unit-detail", args=[tree["commune_a"].pk]),
        reverse("accounts:list"),
        reverse("accounts:create"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login") + "?next=")
    for url in (
        reverse("accounts:set-active", args=[secretary_a.pk]),
        reverse("accounts:send-link", args=[secretary_a.pk]),
    ):
        response = client.post(url, {"active": "0"})
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login"))
    secretary_a.refresh_from_db()
    assert secretary_a.is_active
