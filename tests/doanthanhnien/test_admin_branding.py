"""The Django admin speaks as the portal, not as "Django administration"."""

import re

from django.apps import apps
from django.contrib import admin
from django.utils import translation


def _title_and_header(html):
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    header = re.search(r'<div id="site-name">(.*?)</div>', html, re.S).group(1)
    return title, header


def test_the_admin_names_the_portal(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/admin/")

    assert response.status_code == 200
    title, header = _title_and_header(response.content.decode())
    # In whatever language is active (Vietnamese once the catalogue has the strings).
    assert str(admin.site.site_header) in header
    assert str(admin.site.site_title) in title
    assert str(admin.site.index_title) in title
    assert "Django" not in title + header
    # django-axes' section under the portal's own, translatable name.
    assert str(apps.get_app_config("axes").verbose_name) in response.content.decode()
    assert ">Axes<" not in response.content.decode()


def test_the_admin_log_in_page_names_the_portal(client, db):
    response = client.get("/admin/login/")

    assert response.status_code == 200
    title, header = _title_and_header(response.content.decode())
    assert str(admin.site.site_title) in title
    assert "Django" not in title + header


def test_the_branding_is_translatable():
    with translation.override("en"):
        assert str(admin.site.site_header) == (
            "Support for disadvantaged youth: system administration"
        )
        assert str(admin.site.site_title) == "Portal administration"
        assert str(admin.site.index_title) == "System administration"
        assert str(apps.get_app_config("axes").verbose_name) == "Log-in monitoring"
