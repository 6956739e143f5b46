"""Dates are typed day/month/year, and a wrong one is answered with the format (issue 7)."""

import datetime

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from doanthanhnien.forms import DATE_INVALID_MESSAGE, DateField, DateInput
from doanthanhnien.models import Unit


@pytest.mark.parametrize("language", ["vi", "en"])
def test_day_comes_before_month(language):
    with translation.override(language):
        assert DateField().clean("05/01/2023") == datetime.date(2023, 1, 5)


@pytest.mark.parametrize("typed", ["31/02/2023", "2023/31/12", "5 tháng 1", "13/13/2023"])
def test_a_wrong_date_gets_the_format(typed):
    with translation.override("en"):
        with pytest.raises(forms.ValidationError) as error:
            DateField().clean(typed)
        # The message is lazy: read it in English too, now that the catalogue translates it.
        messages = error.value.messages

    assert messages == ["Enter the date as day/month/year, for example 05/01/2023."]


def test_the_widget_shows_the_format_and_a_number_pad():
    html = DateInput().render("d", datetime.date(2023, 1, 5))

    assert 'value="05/01/2023"' in html
    assert 'inputmode="numeric"' in html
    assert "placeholder=" in html


def test_the_admins_date_fields_say_the_format(client, admin_user, province):
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:doanthanhnien_unit_add"),
        {
            "code": "99999",
            "name": "Đoàn xã Thử",
            "kind": Unit.Kind.COMMUNE,
            "parent": province.pk,
            "valid_from": "2025-31-12",
            "valid_to": "hôm qua",
            "predecessor_links-TOTAL_FORMS": "1",
            "predecessor_links-INITIAL_FORMS": "0",
            "predecessor_links-0-predecessor": province.pk,
            "predecessor_links-0-resolution_date": "32/01/2025",
        },
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    message = str(DATE_INVALID_MESSAGE)
    assert form.errors["valid_from"] == [message]
    assert form.errors["valid_to"] == [message]
    [inline] = response.context["inline_admin_formsets"]
    assert inline.formset.forms[0].errors["resolution_date"] == [message]
    assert not Unit.objects.filter(code="99999").exists()
