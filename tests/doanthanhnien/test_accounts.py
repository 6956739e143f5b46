"""Account management by the upper union: create (with a set-password e-mail), deactivate,
reactivate, resend the link — only inside one's own subtree."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from doanthanhnien import services
from doanthanhnien.models import User
from tests.factories import UserFactory

CREATE = reverse("accounts:create")


def _new_account(unit, **overrides):
    data = {
        "username": "bithu_huongtra",
        "last_name": "Phan Văn",
        "first_name": "Tú",
        "email": "bithu.huongtra@example.org",
        "phone": "0912345678",
        "position": "Bí thư",
        "unit": unit.pk,
        "role": User.Role.SECRETARY,
    }
    return {**data, **overrides}


def _set_active(pk):
    return reverse("accounts:set-active", args=[pk])


def _send_link(pk):
    return reverse("accounts:send-link", args=[pk])


# --- Creating ----------------------------------------------------------------------------------


def test_an_officer_creates_an_account_in_the_district(
    client, officer, commune_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CREATE, _new_account(commune_a))

    assert response.status_code == 302
    assert response.url == reverse("accounts:list")
    user = User.objects.get(username="bithu_huongtra")
    assert (user.unit, user.role, user.is_active) == (commune_a, User.Role.SECRETARY, True)
    assert (user.last_name, user.first_name, user.position) == ("Phan Văn", "Tú", "Bí thư")
    assert not user.has_usable_password()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["bithu.huongtra@example.org"]
    assert "/accounts/reset/" in mailoutbox[0].body
    assert "bithu_huongtra" in mailoutbox[0].body


def test_the_mail_waits_for_the_commit(
    client, officer, commune_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(CREATE, _new_account(commune_a))

    assert mailoutbox == []
    assert len(callbacks) == 1


def test_the_set_password_link_works(
    client, officer, commune_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CREATE, _new_account(commune_a))
    client.logout()
    path = mailoutbox[0].body.split("://", 1)[1].split("/", 1)[1].split()[0]

    form_url = client.get("/" + path).url
    response = client.post(
        form_url, {"new_password1": "Huong-Tra-xanh-2025", "new_password2": "Huong-Tra-xanh-2025"}
    )

    assert response.status_code == 302
    assert User.objects.get(username="bithu_huongtra").check_password("Huong-Tra-xanh-2025")


def test_the_form_offers_only_units_of_the_subtree(client, officer, tree):
    client.force_login(officer)

    response = client.get(CREATE)

    assert response.status_code == 200
    offered = set(response.context["form"].fields["unit"].queryset)
    assert offered == {tree["district"], tree["commune_a"], tree["commune_b"]}
    assert "Đoàn xã Hương Trà" in response.text
    assert "Đoàn thị trấn Thạch Hà" not in response.text


def test_an_officer_cannot_create_an_account_in_another_district(
    client, officer, commune_c, mailoutbox
):
    client.force_login(officer)

    response = client.post(CREATE, _new_account(commune_c))

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()
    assert [e.code for e in errors["unit"]] == ["invalid_choice"]
    assert not User.objects.filter(username="bithu_huongtra").exists()
    assert mailoutbox == []


def test_the_service_refuses_a_unit_outside_the_subtree(officer, commune_c):
    with pytest.raises(PermissionDenied):
        services.account_create(actor=officer, unit=commune_c, username="ngoai", email="n@x.vn")

    assert not User.objects.filter(username="ngoai").exists()


def test_only_an_administrator_creates_administrators(client, officer, commune_a, admin_user):
    client.force_login(officer)

    response = client.post(CREATE, _new_account(commune_a, role=User.Role.ADMIN))

    assert [e.code for e in response.context["form"].errors.as_data()["role"]] == ["invalid_choice"]
    with pytest.raises(PermissionDenied):
        services.account_create(actor=officer, unit=commune_a, username="qt2", role=User.Role.ADMIN)
    user = services.account_create(
        actor=admin_user, unit=commune_a, username="qt2", role=User.Role.ADMIN
    )
    assert user.role == User.Role.ADMIN


def test_a_taken_username_gets_a_clear_message_whatever_the_case(client, officer, secretary_a):
    client.force_login(officer)

    response = client.post(CREATE, _new_account(secretary_a.unit, username="XA_A"))

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["username"]
    assert [e.code for e in errors] == ["duplicate"]
    assert "XA_A" in response.context["form"].errors["username"][0]
    assert User.objects.filter(username__iexact="xa_a").count() == 1


def test_an_e_mail_address_is_required(client, officer, commune_a):
    client.force_login(officer)

    response = client.post(CREATE, _new_account(commune_a, email=""))

    assert "email" in response.context["form"].errors
    assert not User.objects.filter(username="bithu_huongtra").exists()


# --- Deactivating, reactivating, sending a link ------------------------------------------------


def test_an_officer_deactivates_and_reactivates_an_account(client, officer, secretary_a):
    client.force_login(officer)

    response = client.post(_set_active(secretary_a.pk), {"active": "0"})
    assert response.status_code == 302
    secretary_a.refresh_from_db()
    assert not secretary_a.is_active

    client.post(_set_active(secretary_a.pk), {"active": "1"})
    secretary_a.refresh_from_db()
    assert secretary_a.is_active


def test_an_officer_cannot_deactivate_themselves(client, officer):
    client.force_login(officer)

    assert client.post(_set_active(officer.pk), {"active": "0"}).status_code == 403
    officer.refresh_from_db()
    assert officer.is_active


def test_an_officer_sends_a_new_password_link(client, officer, secretary_a, mailoutbox):
    client.force_login(officer)

    response = client.post(_send_link(secretary_a.pk))

    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [secretary_a.email]


def test_no_link_for_an_account_without_e_mail(client, officer, secretary_a, mailoutbox):
    User.objects.filter(pk=secretary_a.pk).update(email="")
    client.force_login(officer)

    response = client.post(_send_link(secretary_a.pk), follow=True)

    assert mailoutbox == []
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_another_districts_accounts_do_not_exist_for_an_officer(
    client, officer, other_officer, provincial_viewer, mailoutbox
):
    client.force_login(officer)

    for outsider in (other_officer, provincial_viewer):
        assert client.post(_set_active(outsider.pk), {"active": "0"}).status_code == 404
        assert client.post(_send_link(outsider.pk)).status_code == 404
        outsider.refresh_from_db()
        assert outsider.is_active
    assert mailoutbox == []


def test_post_only_views_refuse_get(client, officer, secretary_a):
    client.force_login(officer)

    assert client.get(_set_active(secretary_a.pk)).status_code == 405
    assert client.get(_send_link(secretary_a.pk)).status_code == 405


def test_a_secretary_gets_403_on_account_views(client, secretary_a, secretary_b, mailoutbox):
    client.force_login(secretary_a)

    assert client.get(reverse("accounts:list")).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _new_account(secretary_a.unit)).status_code == 403
    assert client.post(_set_active(secretary_b.pk), {"active": "0"}).status_code == 403
    assert client.post(_send_link(secretary_b.pk)).status_code == 403
    secretary_b.refresh_from_db()
    assert secretary_b.is_active
    assert mailoutbox == []


# --- The list --------------------------------------------------------------------------------


def test_the_list_shows_the_subtree_only(client, cast, officer):
    client.force_login(officer)

    response = client.get(reverse("accounts:list"))

    assert response.status_code == 200
    listed = {u.username for u in response.context["page"]}
    assert listed == {"huyen", "btv", "xa_a", "xa_b"}


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("huong trach", {"xa_b"}),
        ("Hương Trạch", {"xa_b"}),
        ("HƯƠNG TRẠCH", {"xa_b"}),
        ("Đoàn xã Hương Trà", {"xa_a", "xa_b"}),  # accent-insensitive: "tra" is in "trach"
        ("18550", {"xa_a"}),
    ],
)
def test_the_list_searches_by_union_without_accents(client, cast, officer, search, found):
    client.force_login(officer)

    response = client.get(reverse("accounts:list"), {"q": search})

    assert {u.username for u in response.context["page"]} == found


def test_the_list_searches_by_username(client, cast, officer):
    client.force_login(officer)

    response = client.get(reverse("accounts:list"), {"q": "XA_"})

    assert {u.username for u in response.context["page"]} == {"xa_a", "xa_b"}


def test_the_list_costs_the_same_for_3_or_30_accounts(client, officer, commune_a, commune_b):
    client.force_login(officer)
    url = reverse("accounts:list")

    def count():
        client.get(url)  # warm up the session
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    UserFactory(unit=commune_a)
    few = count()
    UserFactory.create_batch(14, unit=commune_a)
    UserFactory.create_batch(13, unit=commune_b)
    many = count()

    assert few == many
