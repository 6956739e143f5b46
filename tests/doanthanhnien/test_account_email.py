"""E-mail addresses are unique among accounts, whatever the letter case (issue 6 §5).

The set-password link goes to the address: two accounts sharing one let a person set the other
account's password. Checked by the database, by the portal's form, by the service when a
concurrent request wins, by the admin's forms and by the admin's import.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from doanthanhnien import services
from doanthanhnien.models import EMAIL_TAKEN_MESSAGE, User
from tests.factories import UserFactory


def _new_account(unit, **overrides):
    return {
        "username": "moi",
        "last_name": "Lê Thị",
        "first_name": "Hoa",
        "email": "Xa_A@Example.org",  # secretary_a has xa_a@example.org
        "phone": "",
        "position": "",
        "unit": unit.pk,
        "role": User.Role.SECRETARY,
        **overrides,
    }


# --- The database ------------------------------------------------------------------------------


def test_the_database_refuses_a_second_account_with_the_address_in_another_case(secretary_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="khac", email="XA_A@EXAMPLE.ORG", unit=secretary_a.unit)


def test_accounts_without_an_address_do_not_clash(commune_a):
    UserFactory(username="mot", email="", unit=commune_a)
    UserFactory(username="hai", email="", unit=commune_a)

    assert User.objects.filter(email="").count() == 2


# --- The portal's form and the service ---------------------------------------------------------


def test_the_form_says_the_address_is_taken(client, officer, secretary_a, commune_b, mailoutbox):
    client.force_login(officer)

    response = client.post(reverse("accounts:create"), _new_account(commune_b))

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert [e.code for e in errors.as_data()["email"]] == ["email_taken"]
    assert errors["email"] == [str(EMAIL_TAKEN_MESSAGE)]
    assert list(errors) == ["email"]  # said once, next to the field
    assert not User.objects.filter(username="moi").exists()
    assert mailoutbox == []


def test_the_service_refuses_a_taken_address(officer, secretary_a, commune_b):
    with pytest.raises(ValidationError) as error:
        services.account_create(
            actor=officer, unit=commune_b, username="moi", email="XA_A@example.ORG"
        )

    assert error.value.message_dict == {"email": [str(EMAIL_TAKEN_MESSAGE)]}
    assert not User.objects.filter(username="moi").exists()


def test_a_concurrent_request_that_took_the_address_gets_the_message(
    client, officer, commune_b, monkeypatch, mailoutbox
):
    """The form's check passed, then another request stored the address before the insert:
    the database refuses, and the person sees the same message instead of an error page."""
    original = User.validate_email_unique
    calls = []

    def late_rival(self):
        calls.append(self.email)
        if len(calls) == 2:  # the service's own check, after the form's: the rival commits
            UserFactory(username="doi_thu", email="trung@example.org", unit=commune_b)
            return None
        return original(self)

    monkeypatch.setattr(User, "validate_email_unique", late_rival)
    client.force_login(officer)

    response = client.post(
        reverse("accounts:create"), _new_account(commune_b, email="Trung@example.org")
    )

    assert response.status_code == 200
    assert len(calls) == 3  # the form, the service, the service again after the refusal
    assert response.context["form"].errors == {"email": [str(EMAIL_TAKEN_MESSAGE)]}
    assert not User.objects.filter(username="moi").exists()
    assert mailoutbox == []


# --- The admin ----------------------------------------------------------------------------------


def test_the_admin_refuses_a_taken_address_on_change(client, admin_user, secretary_a, secretary_b):
    client.force_login(admin_user)
    url = reverse("admin:doanthanhnien_user_change", args=[secretary_b.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        email="XA_A@example.org",
        unit=secretary_b.unit_id,
        date_joined_0="01/01/2025",
        date_joined_1="08:00",
        groups=[],
        user_permissions=[],
    )

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"] == [str(EMAIL_TAKEN_MESSAGE)]
    secretary_b.refresh_from_db()
    assert secretary_b.email == "xa_b@example.org"


def _import(client, csv_text):
    url = reverse("admin:doanthanhnien_user_import")
    response = client.post(
        url,
        {
            "format": "0",
            "import_file": io.BytesIO(csv_text.encode()),
            "resource": "0",
        },
    )
    return response


IMPORT_HEADER = "username,first_name,last_name,email,phone,position,unit_code,role\n"


def test_the_import_refuses_an_address_already_in_use(client, admin_user, secretary_a):
    client.force_login(admin_user)

    response = _import(
        client,
        IMPORT_HEADER + "moi,Hoa,Lê Thị,XA_A@example.org,,,18550,secretary\n",
    )

    result = response.context["result"]
    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.field_specific_errors == {"email": [str(EMAIL_TAKEN_MESSAGE)]}
    assert not User.objects.filter(username="moi").exists()


def test_the_import_refuses_the_same_address_twice_in_one_file(client, admin_user, commune_a):
    client.force_login(admin_user)

    response = _import(
        client,
        IMPORT_HEADER
        + "mot,Hoa,Lê Thị,chung@example.org,,,18550,secretary\n"
        + "hai,Lan,Lê Thị,Chung@Example.org,,,18550,secretary\n",
    )

    result = response.context["result"]
    assert [row.number for row in result.invalid_rows] == [2]
    assert result.invalid_rows[0].field_specific_errors == {"email": [str(EMAIL_TAKEN_MESSAGE)]}
    assert not User.objects.filter(username__in=["mot", "hai"]).exists()


def test_the_import_still_takes_distinct_addresses(client, admin_user, commune_a):
    client.force_login(admin_user)

    response = _import(
        client,
        IMPORT_HEADER
        + "mot,Hoa,Lê Thị,mot@example.org,,,18550,secretary\n"
        + "hai,Lan,Lê Thị,hai@example.org,,,18550,secretary\n",
    )

    assert not response.context["result"].has_validation_errors()
    assert not response.context["result"].has_errors()


# --- The migration copes with existing data ----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_each_address_on_one_account(capsys):
    before = [("doanthanhnien", "0002_wording")]
    after = [("doanthanhnien", "0003_user_email_unique")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    executor.loader.build_graph()
    OldUser = executor.loader.project_state(before).apps.get_model("doanthanhnien", "User")
    try:
        owner = OldUser.objects.create(username="chu", email="Chung@example.org")
        OldUser.objects.create(username="ban_sao", email="chung@EXAMPLE.org")
        gone = OldUser.objects.create(username="cu", email="chung@example.org", is_active=False)
        OldUser.objects.filter(pk=gone.pk).update(date_joined=owner.date_joined.replace(year=2000))
        OldUser.objects.create(username="rieng", email="rieng@example.org")
        OldUser.objects.create(username="trong_1", email="")
        OldUser.objects.create(username="trong_2", email="")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(after)

    emails = dict(User.objects.values_list("username", "email"))
    # Active before deactivated (even an older one), then the oldest.
    assert emails == {
        "chu": "Chung@example.org",
        "ban_sao": "",
        "cu": "",
        "rieng": "rieng@example.org",
        "trong_1": "",
        "trong_2": "",
    }
    printed = capsys.readouterr().out
    assert "ban_sao" in printed and "cu" in printed and "chu:" not in printed
