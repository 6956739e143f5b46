"""Logging in and out, throttling, changing and resetting passwords."""

import re

import pytest
from django.urls import reverse

from doanthanhnien.models import User
from tests.factories import TEST_PASSWORD, UserFactory

LOGIN = reverse("login")


def _templates(response):
    return [t.name for t in response.templates]


def _reset_link(message):
    match = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


# --- Login ---------------------------------------------------------------------------------


def test_the_login_page_is_vietnamese_by_default(client, db):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.text
    # Field labels from Django's own Vietnamese catalogue.
    assert "Tên đăng nhập" in response.text
    assert "Mật khẩu" in response.text


def test_an_english_browser_still_gets_vietnamese(client, db):
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response["Content-Language"] == "vi"
    assert "Đăng nhập" in response.text


def test_english_can_be_chosen(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": LOGIN})

    response = client.get(LOGIN)

    assert response["Content-Language"] == "en"
    assert "Username" in response.text


def test_it_logs_in(client, secretary_a):
    response = client.post(LOGIN, {"username": "xa_a", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert int(client.session["_auth_user_id"]) == secretary_a.pk


def test_usernames_are_not_case_sensitive(client, secretary_a):
    response = client.post(LOGIN, {"username": "XA_A", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == secretary_a.pk


def test_a_wrong_password_shows_the_form_again(client, secretary_a):
    response = client.post(LOGIN, {"username": "xa_a", "password": "sai-mat-khau"})

    assert response.status_code == 200
    assert response.context["form"].errors["__all__"]
    assert "_auth_user_id" not in client.session


def test_a_username_longer_than_any_account_is_refused_by_the_form(client, secretary_a):
    # It used to reach authenticate(), and django-axes failed to store it (a 500 on
    # PostgreSQL, found by the login fuzzer).
    from axes.models import AccessAttempt

    response = client.post(LOGIN, {"username": "x" * 1000, "password": "0"})

    assert response.status_code == 200
    assert response.context["form"].errors["username"] == [
        "Giá trị này chỉ có tối đa 150 kí tự (hiện có 1000)"
    ]
    assert not AccessAttempt.objects.exists()
    assert "_auth_user_id" not in client.session


def test_the_admin_log_in_records_an_overlong_username_cut_to_its_column(client, db):
    # The admin's own log-in form does not bound the username; django-axes records the attempt
    # with the name cut to its 255-character column instead of failing the insert.
    from axes.models import AccessAttempt

    response = client.post("/admin/login/", {"username": "y" * 1000, "password": "0"})

    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "y" * 255


def test_a_deactivated_account_cannot_log_in(client, secretary_a):
    secretary_a.is_active = False
    secretary_a.save()

    response = client.post(LOGIN, {"username": "xa_a", "password": TEST_PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def _fail(client, username="xa_a", times=1):
    responses = [
        client.post(LOGIN, {"username": username, "password": "sai-mat-khau"}) for _ in range(times)
    ]
    return responses[-1]


def test_five_failures_lock_the_account(client, secretary_a, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert _fail(client, times=4).status_code == 200

    locked = _fail(client)

    assert locked.status_code == 429
    assert "registration/locked_out.html" in _templates(locked)
    assert '<html lang="vi">' in locked.text
    assert "Tài khoản tạm thời bị khóa" in locked.text
    # Even the right password is refused while locked.
    response = client.post(LOGIN, {"username": "xa_a", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_account(client, secretary_a, secretary_b):
    _fail(client, "xa_a", times=5)

    response = client.post(LOGIN, {"username": "xa_b", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == secretary_b.pk


def test_a_successful_login_resets_the_count(client, secretary_a):
    _fail(client, times=4)
    client.post(LOGIN, {"username": "xa_a", "password": TEST_PASSWORD})
    client.logout()

    assert _fail(client, times=4).status_code == 200


# --- Logout ----------------------------------------------------------------------------------


def test_it_logs_out_by_post(client, secretary_a):
    client.force_login(secretary_a)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response.url == LOGIN
    assert client.get(reverse("home")).status_code == 302


def test_logout_refuses_get(client, secretary_a):
    client.force_login(secretary_a)

    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("home")).status_code == 200


# --- Changing the password ---------------------------------------------------------------------


def test_a_weak_new_password_is_refused(client, secretary_a):
    client.force_login(secretary_a)

    response = client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )

    assert response.status_code == 200
    codes = {e.code for e in response.context["form"].errors.as_data()["new_password2"]}
    assert {"password_too_short", "password_too_common", "password_entirely_numeric"} <= codes
    assert "Mật khẩu này quá phổ biến." in response.text  # Django's own catalogue
    secretary_a.refresh_from_db()
    assert secretary_a.check_password(TEST_PASSWORD)


def test_a_strong_new_password_is_saved(client, secretary_a):
    client.force_login(secretary_a)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Huong-Khe-xanh-2025",
            "new_password2": "Huong-Khe-xanh-2025",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("password_change_done")
    secretary_a.refresh_from_db()
    assert secretary_a.check_password("Huong-Khe-xanh-2025")
    # The session survives the change.
    assert client.get(reverse("home")).status_code == 200


# --- Resetting (or setting a first) password ------------------------------------------------


@pytest.fixture
def newcomer(commune_a):
    """An account created by an officer: it has never had a password."""
    user = UserFactory(username="moi_vao", email="moi.vao@example.org", unit=commune_a)
    user.set_unusable_password()
    user.save()
    return user


def test_a_reset_reaches_an_account_without_a_password(client, newcomer, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "Moi.Vao@example.org"})

    assert response.status_code == 302
    assert response.url == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["moi.vao@example.org"]
    assert "moi_vao" in mailoutbox[0].body


def test_the_reset_link_sets_the_first_password(client, newcomer, mailoutbox):
    client.post(reverse("password_reset"), {"email": "moi.vao@example.org"})

    form_url = client.get(_reset_link(mailoutbox[0])).url
    response = client.post(
        form_url, {"new_password1": "Huong-Tra-xanh-2025", "new_password2": "Huong-Tra-xanh-2025"}
    )

    assert response.status_code == 302
    assert response.url == reverse("password_reset_complete")
    newcomer.refresh_from_db()
    assert newcomer.check_password("Huong-Tra-xanh-2025")


def test_no_reset_mail_for_unknown_or_deactivated_accounts(client, newcomer, mailoutbox):
    User.objects.filter(pk=newcomer.pk).update(is_active=False)

    for email in ("moi.vao@example.org", "nobody@example.org"):
        response = client.post(reverse("password_reset"), {"email": email})
        # The same answer either way: the form does not reveal who has an account.
        assert response.status_code == 302
        assert response.url == reverse("password_reset_done")
    assert mailoutbox == []


# --- The login error says what went wrong and how many tries are left (issue 7) -----------------


def _in_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": LOGIN})


def _login_error(response):
    return response.context["form"].errors["__all__"]


def test_a_wrong_password_gets_a_plain_message_with_the_tries_left(client, secretary_a):
    _in_english(client)

    first = _fail(client)

    assert _login_error(first) == [
        "Wrong username or password. 4 more attempts before the account is locked for 15 minutes."
    ]
    assert "case-sensitive" not in first.text
    assert "4 more attempts before the account is locked for 15 minutes." in first.text


def test_the_count_goes_down_to_the_last_try(client, secretary_a):
    _in_english(client)

    messages = [_login_error(_fail(client))[0] for _ in range(4)]

    assert [m.split(". ", 1)[1] for m in messages] == [
        "4 more attempts before the account is locked for 15 minutes.",
        "3 more attempts before the account is locked for 15 minutes.",
        "2 more attempts before the account is locked for 15 minutes.",
        "1 more attempt before the account is locked for 15 minutes.",
    ]
    assert _fail(client).status_code == 429


def test_the_count_follows_the_settings(client, secretary_a, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = 0.5  # hours
    _in_english(client)

    assert _login_error(_fail(client)) == [
        "Wrong username or password. 2 more attempts before the account is locked for 30 minutes."
    ]


def test_an_unknown_username_gets_the_same_message(client, db):
    _in_english(client)

    response = _fail(client, username="khong_co_ai")

    # Nothing tells an unknown name from a wrong password.
    assert _login_error(response) == [
        "Wrong username or password. 4 more attempts before the account is locked for 15 minutes."
    ]


def test_the_vietnamese_page_drops_djangos_stock_text(client, secretary_a):
    response = _fail(client)

    assert response["Content-Language"] == "vi"
    assert "Chú ý rằng cả hai khung thông tin" not in response.text
    assert [e.code for e in response.context["form"].errors.as_data()["__all__"]] == [
        "invalid_login"
    ]


# --- The user of each request ----------------------------------------------------------------


def test_each_request_loads_the_user_with_its_union_in_one_query(db, django_assert_num_queries):
    from doanthanhnien.backends import PortalBackend

    user = UserFactory()

    with django_assert_num_queries(1):
        loaded = PortalBackend().get_user(user.pk)
        assert loaded.unit.name == user.unit.name


def test_the_request_user_is_none_when_inactive_or_gone(db):
    from doanthanhnien.backends import PortalBackend

    user = UserFactory()
    User.objects.filter(pk=user.pk).update(is_active=False)

    assert PortalBackend().get_user(user.pk) is None
    assert PortalBackend().get_user(user.pk + 1000) is None


def test_a_deactivated_account_is_logged_out_at_its_next_request(client, db):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200

    User.objects.filter(pk=user.pk).update(is_active=False)

    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
