"""Accounts, login, language and the admin's lists, fuzzed: never a 500, nothing written when
refused. See ``tests/fuzz.py`` for the values and the invariants."""

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from doanthanhnien.models import User
from tests.fuzz import (
    EXTREME_NUMBERS,
    FUZZ,
    assert_answered,
    fuzzed,
    numbers,
    query,
    rolled_back,
    snapshot,
)


@pytest.fixture
def world(tree, cast):
    return {**tree, **cast}


def visit(client, user, method, url, data=None):
    if user is not None:
        client.force_login(user)
    response = getattr(client, method)(url, data or {})
    assert_answered(response)
    return response


@FUZZ
@given(role=st.sampled_from(["officer", "standing", "admin_user"]), params=query(["q", "page"]))
def test_fuzz_account_list(client, world, role, params):
    with rolled_back():
        response = visit(client, world[role], "get", reverse("accounts:list"), params)
        assert response.status_code == 200


@FUZZ
@given(params=query(["unit"], numeric=["unit"]))
def test_fuzz_account_form_preselected_unit(client, world, params):
    with rolled_back():
        response = visit(client, world["officer"], "get", reverse("accounts:create"), params)
        assert response.status_code == 200


def account_baseline(world):
    return {
        "username": "bithu_huongtra",
        "last_name": "Phan Văn",
        "first_name": "Tú",
        "email": "bithu.huongtra@example.org",
        "phone": "0912345678",
        "position": "Bí thư",
        "unit": str(world["commune_a"].pk),
        "role": User.Role.SECRETARY,
    }


@FUZZ
@given(data=st.data(), role=st.sampled_from(["officer", "admin_user"]))
def test_fuzz_account_create(client, world, data, role):
    body = data.draw(fuzzed(account_baseline(world), special={"unit": numbers}))
    with rolled_back():
        before = snapshot()
        response = visit(client, world[role], "post", reverse("accounts:create"), body)
        if response.status_code == 200:
            assert response.context["form"].errors
            assert snapshot() == before
        else:
            assert response.status_code == 302


@FUZZ
@given(
    body=fuzzed({"active": "0"}),
    target=st.sampled_from(["secretary_a", "secretary_c", "officer"]),
    action=st.sampled_from(["accounts:set-active", "accounts:send-link"]),
)
def test_fuzz_account_actions(client, world, body, target, action):
    user = world.get(target) or world["other_officer"]
    with rolled_back():
        visit(client, world["officer"], "post", reverse(action, args=[user.pk]), body)


@FUZZ
@given(
    pk=st.one_of(st.sampled_from([n for n in EXTREME_NUMBERS if n >= 0]), st.integers(0)),
    name=st.sampled_from(["accounts:set-active", "accounts:send-link", "unit-detail"]),
)
def test_fuzz_account_ids_in_the_path(client, world, pk, name):
    method = "get" if name == "unit-detail" else "post"
    with rolled_back():
        before = snapshot()
        response = visit(client, world["officer"], method, reverse(name, args=[pk]))
        if pk == 0 or pk > 10**6:
            assert response.status_code == 404
            assert snapshot() == before


# --- Pages anyone reaches ----------------------------------------------------------------------


@FUZZ
@given(body=fuzzed({"username": "xa_a", "password": "sai-mat-khau"}))
def test_fuzz_login(client, world, body):
    with rolled_back():
        before = snapshot()
        response = visit(client, None, "post", reverse("login"), body)
        assert response.status_code in (200, 302, 403, 429)
        assert snapshot() == before


@FUZZ
@given(body=fuzzed({"email": "xa_a@example.org"}))
def test_fuzz_password_reset(client, world, body):
    with rolled_back():
        before = snapshot()
        visit(client, None, "post", reverse("password_reset"), body)
        assert snapshot() == before


@FUZZ
@given(body=fuzzed({"language": "en", "next": "/"}))
def test_fuzz_language_switch(client, world, body):
    with rolled_back():
        response = visit(client, None, "post", reverse("set_language"), body)
        assert response.status_code in (200, 204, 302)


@FUZZ
@given(params=query(["year", "page", "unit"]))
def test_fuzz_home(client, world, params):
    with rolled_back():
        response = visit(client, world["secretary_a"], "get", reverse("home"), params)
        assert response.status_code == 200


# --- The admin's lists -------------------------------------------------------------------------

ADMIN_LISTS = {
    "admin:doanthanhnien_unit_changelist": ["kind", "valid_to__gte", "valid_to__isnull", "q"],
    "admin:doanthanhnien_user_changelist": ["role__exact", "is_active__exact", "unit__id__exact"],
    "admin:models_registry_supportmodel_changelist": [
        "category__id__exact",
        "target_groups__id__exact",
        "unit",
    ],
    "admin:models_registry_registration_changelist": [
        "year",
        "year__exact",
        "status__exact",
        "is_late__exact",
        "id__in",
    ],
    "admin:models_registry_period_changelist": ["start_year", "id"],
}


@FUZZ
@given(data=st.data(), name=st.sampled_from(sorted(ADMIN_LISTS)))
def test_fuzz_admin_list_filters(client, world, data, name):
    fields = ADMIN_LISTS[name]
    params = data.draw(query([*fields, "q", "p", "o", "e", "all"], numeric=[*fields, "p"]))
    with rolled_back():
        response = visit(client, world["admin_user"], "get", reverse(name), params)
        assert response.status_code in (200, 302)
