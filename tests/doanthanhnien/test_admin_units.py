"""The unit's signer title in the admin: two lines stay two lines."""

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.test import RequestFactory

from doanthanhnien.admin import LinesField
from doanthanhnien.models import Unit


def test_it_shows_the_signer_title_in_a_textarea(client, admin_user, district):
    district.signer_title = "TM. BAN THƯỜNG VỤ HUYỆN ĐOÀN HƯƠNG KHÊ\nBÍ THƯ"
    district.save()
    client.force_login(admin_user)

    response = client.get(f"/admin/doanthanhnien/unit/{district.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<textarea name="signer_title"' in html
    assert "TM. BAN THƯỜNG VỤ HUYỆN ĐOÀN HƯƠNG KHÊ\nBÍ THƯ</textarea>" in html


def test_it_keeps_the_lines_of_the_signer_title_on_save(admin_user, district):
    request = RequestFactory().get("/")
    request.user = admin_user
    form_class = admin.site.get_model_admin(Unit).get_form(request, district)
    data = model_to_dict(district, exclude=["formed_from"])
    data["signer_title"] = "  TM. BAN THƯỜNG VỤ HUYỆN ĐOÀN \r\n\r\nBÍ THƯ\r\n"

    form = form_class(data, instance=district)

    assert form.is_valid(), form.errors
    form.save()
    district.refresh_from_db()
    assert district.signer_title == "TM. BAN THƯỜNG VỤ HUYỆN ĐOÀN\nBÍ THƯ"


def test_lines_field_keeps_the_length_limit_and_allows_blank():
    field = LinesField(max_length=10, required=False)

    assert field.clean("") == ""
    assert field.clean("A\r\nB") == "A\nB"
    assert not field.widget.is_hidden
    with pytest.raises(ValidationError):
        field.clean("x" * 11)
