"""Who may create, deactivate, reactivate and send links to whom (issue 6 §5).

Every acting role × every target role × the acting user's own union / a union below it / a union
outside their part of the tree, through the service and through the views. The expectation is
written out here by hand, not read from ``roles.ACCOUNT_RULES``, so that a change to the rule
table shows up as a failing test.

The actors sit in district 444 (Huyện đoàn Hương Khê): its own union is the district, the union
below is commune A, the union outside is commune C of district 445.
"""

import html
import itertools
from html.parser import HTMLParser

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from doanthanhnien import roles, services
from doanthanhnien.models import Unit, User
from tests.factories import UserFactory

Role = User.Role
ROLES = [Role.SECRETARY, Role.OFFICER, Role.STANDING, Role.PROVINCIAL, Role.ADMIN]
PLACES = ["own", "below", "outside"]

# (acting role, target role, place) that are allowed; everything else is refused.
ALLOWED = {
    (Role.OFFICER, Role.SECRETARY, "below"),
    (Role.OFFICER, Role.OFFICER, "own"),
    (Role.STANDING, Role.SECRETARY, "below"),
    (Role.STANDING, Role.OFFICER, "own"),
    (Role.STANDING, Role.STANDING, "own"),
    *((Role.ADMIN, target, place) for target in ROLES for place in PLACES),
}
# Roles that manage no account at all: every account view answers 403 for them.
MANAGE_NOBODY = {Role.SECRETARY, Role.PROVINCIAL}

MATRIX = list(itertools.product(ROLES, ROLES, PLACES))


def _id(case):
    return "-".join(str(part) for part in case)


@pytest.fixture
def places(tree):
    return {"own": tree["district"], "below": tree["commune_a"], "outside": tree["commune_c"]}


def _actor(role, unit):
    # Not a superuser: the role alone decides (superusers are tested on their own below).
    return UserFactory(username=f"actor_{role}", role=role, unit=unit)


def _target(role, unit):
    return UserFactory(username=f"target_{role}", role=role, unit=unit)


def _fields(role, unit):
    return {
        "username": "moi",
        "last_name": "Lê Thị",
        "first_name": "Hoa",
        "email": "moi@example.org",
        "phone": "",
        "position": "",
        "unit": unit.pk,
        "role": role,
    }


# --- The rule itself ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", MATRIX, ids=_id)
def test_the_rule(case, places):
    actor_role, target_role, place = case
    actor = _actor(actor_role, places["own"])

    allowed = roles.may_manage(actor, role=target_role, unit=places[place])

    assert allowed == (case in ALLOWED)


@pytest.mark.parametrize("actor_role", ROLES)
def test_the_rule_as_a_filter_agrees(actor_role, places):
    actor = _actor(actor_role, places["own"])
    targets = {}
    for role in ROLES:
        for place, unit in places.items():
            user = UserFactory(username=f"t_{role}_{place}", role=role, unit=unit)
            targets[user.pk] = (actor_role, role, place)

    matched = set(
        User.objects.filter(roles.manageable_accounts_q(actor), pk__in=targets).values_list(
            "pk", flat=True
        )
    )

    assert {targets[pk] for pk in matched} == {c for c in targets.values() if c in ALLOWED}


# --- Through the services ----------------------------------------------------------------------


@pytest.mark.parametrize("case", MATRIX, ids=_id)
def test_the_service_creates_only_what_the_rule_allows(case, places, mailoutbox):
    actor_role, target_role, place = case
    actor = _actor(actor_role, places["own"])

    def create():
        return services.account_create(
            actor=actor,
            unit=places[place],
            username="moi",
            email="moi@example.org",
            role=target_role,
        )

    if case in ALLOWED:
        user = create()
        assert (user.role, user.unit) == (target_role, places[place])
    else:
        with pytest.raises(PermissionDenied):
            create()
        assert not User.objects.filter(username="moi").exists()


@pytest.mark.parametrize("case", MATRIX, ids=_id)
def test_the_service_deactivates_reactivates_and_sends_links_only_as_allowed(
    case, places, mailoutbox
):
    actor_role, target_role, place = case
    actor = _actor(actor_role, places["own"])
    target = _target(target_role, places[place])

    if case in ALLOWED:
        services.account_set_active(actor=actor, user=target, active=False)
        target.refresh_from_db()
        assert not target.is_active
        services.account_set_active(actor=actor, user=target, active=True)
        target.refresh_from_db()
        assert target.is_active
        assert services.account_send_link(actor=actor, user=target) is True
        assert [m.to for m in mailoutbox] == [[target.email]]
    else:
        with pytest.raises(PermissionDenied):
            services.account_set_active(actor=actor, user=target, active=False)
        with pytest.raises(PermissionDenied):
            services.account_send_link(actor=actor, user=target)
        target.refresh_from_db()
        assert target.is_active
        assert mailoutbox == []


def test_nobody_deactivates_themselves(places):
    for role in (Role.OFFICER, Role.STANDING, Role.ADMIN):
        actor = UserFactory(role=role, unit=places["own"])
        with pytest.raises(PermissionDenied):
            services.account_set_active(actor=actor, user=actor, active=False)
        actor.refresh_from_db()
        assert actor.is_active


def test_a_superuser_manages_every_role_whatever_their_own_role(places):
    superuser = UserFactory(role=Role.SECRETARY, unit=places["below"], is_superuser=True)

    assert roles.manageable_roles(superuser) == ROLES
    user = services.account_create(
        actor=superuser, unit=places["outside"], username="tinh2", role=Role.PROVINCIAL
    )
    assert user.role == Role.PROVINCIAL


def test_secretaries_of_unions_further_below_are_managed_too(province, places):
    # Before 07/2025 a provincial officer's grassroots unions sit below the districts.
    actor = _actor(Role.OFFICER, province)

    assert roles.may_manage(actor, role=Role.SECRETARY, unit=places["below"])
    assert roles.may_manage(actor, role=Role.SECRETARY, unit=places["outside"])
    assert not roles.may_manage(actor, role=Role.OFFICER, unit=places["own"])


def test_a_deactivated_officer_manages_nobody(places):
    actor = _actor(Role.OFFICER, places["own"])
    actor.is_active = False

    assert roles.manageable_roles(actor) == []
    assert not roles.may_manage(actor, role=Role.SECRETARY, unit=places["below"])


def test_a_role_that_does_not_exist_is_refused(places):
    actor = _actor(Role.ADMIN, places["own"])

    with pytest.raises(PermissionDenied):
        services.account_create(actor=actor, unit=places["own"], username="x", role="king")


# --- Through the views -------------------------------------------------------------------------


@pytest.mark.parametrize("case", MATRIX, ids=_id)
def test_the_create_view_follows_the_rule(
    case, client, places, mailoutbox, django_capture_on_commit_callbacks
):
    actor_role, target_role, place = case
    client.force_login(_actor(actor_role, places["own"]))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:create"), _fields(target_role, places[place]))

    if case in ALLOWED:
        assert response.status_code == 302, response.context["form"].errors
        assert User.objects.get(username="moi").role == target_role
    elif actor_role in MANAGE_NOBODY:
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        errors = response.context["form"].errors.as_data()
        codes = {e.code for field in ("role", "unit") for e in errors.get(field, [])}
        assert codes & {"invalid_choice", "not_allowed"}, errors
    created = User.objects.filter(username="moi").exists()
    assert created == (case in ALLOWED)
    assert len(mailoutbox) == int(created)


@pytest.mark.parametrize("case", MATRIX, ids=_id)
def test_the_account_actions_follow_the_rule(case, client, places, mailoutbox):
    actor_role, target_role, place = case
    actor = _actor(actor_role, places["own"])
    target = _target(target_role, places[place])
    client.force_login(actor)

    # The link first: a deactivated account gets no mail.
    send_link = client.post(reverse("accounts:send-link", args=[target.pk]))
    deactivate = client.post(reverse("accounts:set-active", args=[target.pk]), {"active": "0"})

    if case in ALLOWED:
        expected = 302
    elif actor_role in MANAGE_NOBODY:
        expected = 403
    elif place == "outside":
        expected = 404  # outside one's part of the tree, accounts do not exist
    else:
        expected = 403  # visible in the list, but not one's to manage
    assert (deactivate.status_code, send_link.status_code) == (expected, expected)
    target.refresh_from_db()
    assert target.is_active == (case not in ALLOWED)
    assert len(mailoutbox) == (1 if case in ALLOWED else 0)


def test_reactivating_follows_the_rule(client, places, standing):
    client.force_login(_actor(Role.OFFICER, places["own"]))
    User.objects.filter(pk=standing.pk).update(is_active=False)

    response = client.post(reverse("accounts:set-active", args=[standing.pk]), {"active": "1"})

    assert response.status_code == 403
    standing.refresh_from_db()
    assert not standing.is_active


EXPECTED_CHOICES = {
    # acting role: (roles offered, places offered)
    Role.OFFICER: ({Role.SECRETARY, Role.OFFICER}, {"own", "below"}),
    Role.STANDING: ({Role.SECRETARY, Role.OFFICER, Role.STANDING}, {"own", "below"}),
    Role.ADMIN: (set(ROLES), {"own", "below", "outside"}),
}


@pytest.mark.parametrize("actor_role", ROLES)
def test_the_form_offers_only_what_the_rule_allows(actor_role, client, places):
    client.force_login(_actor(actor_role, places["own"]))

    response = client.get(reverse("accounts:create"))

    if actor_role in MANAGE_NOBODY:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    form = response.context["form"]
    expected_roles, expected_places = EXPECTED_CHOICES[actor_role]
    assert {value for value, _ in form.fields["role"].choices} == expected_roles
    offered = set(form.fields["unit"].queryset)
    assert {places[p] for p in expected_places} <= offered
    assert {places[p] for p in set(PLACES) - expected_places}.isdisjoint(offered)
    # The page explains the rule next to the role field.
    assert str(form.fields["role"].help_text) in html.unescape(response.text)


def test_the_form_explains_a_refused_pair(client, places):
    client.force_login(_actor(Role.OFFICER, places["own"]))

    # An officer may create secretaries below and officers here, but not a secretary here.
    response = client.post(reverse("accounts:create"), _fields(Role.SECRETARY, places["own"]))

    assert response.status_code == 200
    [error] = response.context["form"].errors.as_data()["role"]
    assert error.code == "not_allowed"
    assert places["own"].name in response.context["form"].errors["role"][0]
    assert not User.objects.filter(username="moi").exists()


def test_the_list_offers_actions_only_on_accounts_one_manages(client, cast, officer):
    client.force_login(officer)

    response = client.get(reverse("accounts:list"))

    rows = {a.username: a.manageable for a in response.context["page"]}
    # Own standing committee and oneself: listed, but no buttons.
    assert rows == {"huyen": False, "btv": False, "xa_a": True, "xa_b": True}
    btv = User.objects.get(username="btv")
    xa_a = User.objects.get(username="xa_a")
    assert reverse("accounts:set-active", args=[btv.pk]) not in response.text
    assert reverse("accounts:set-active", args=[xa_a.pk]) in response.text


def test_a_union_whose_id_starts_alike_is_not_below(db):
    # Paths end with a slash, so "/1/" never counts "/12/" as one of its unions.
    actor = User(role=Role.OFFICER, unit=Unit(pk=1, path="/1/"))
    lookalike = Unit(pk=12, path="/12/")
    below = Unit(pk=13, path="/1/13/")

    assert not roles.may_manage(actor, role=Role.SECRETARY, unit=lookalike)
    assert roles.may_manage(actor, role=Role.SECRETARY, unit=below)


def test_every_column_of_the_list_has_a_heading(client, cast, officer):
    class Headings(HTMLParser):
        def __init__(self):
            super().__init__()
            self.inside, self.texts = False, []

        def handle_starttag(self, tag, attrs):
            if tag == "th":
                self.inside = True
                self.texts.append("")

        def handle_endtag(self, tag):
            if tag == "th":
                self.inside = False

        def handle_data(self, data):
            if self.inside:
                self.texts[-1] += data.strip()

    client.force_login(officer)
    parser = Headings()
    parser.feed(client.get(reverse("accounts:list")).text)

    assert len(parser.texts) == 6
    assert all(parser.texts), parser.texts
