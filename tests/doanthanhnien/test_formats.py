"""Vietnamese formats: dates dd/mm/yyyy, numbers 1.234.567, money in đồng, alphabetical order
and accent-insensitive search keys."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from doanthanhnien.templatetags.portal import money, number
from doanthanhnien.text import fold, sort_key
from tests.factories import UnitFactory


def render(source, **context):
    return Template("{% load portal %}" + source).render(Context(context))


@pytest.fixture
def vietnamese():
    with translation.override("vi"):
        yield


def test_a_date_field_reads_day_first(vietnamese):
    field = forms.DateField()

    assert field.clean("01/07/2025") == date(2025, 7, 1)
    assert field.clean("16/06/2025") == date(2025, 6, 16)
    assert field.clean("2025-07-01") == date(2025, 7, 1)


def test_a_date_field_shows_day_first(vietnamese):
    class DateForm(forms.Form):
        day = forms.DateField()

    html = str(DateForm(initial={"day": date(2025, 7, 1)})["day"])

    assert 'value="01/07/2025"' in html


def test_dates_render_as_day_month_year(vietnamese):
    day = date(2025, 7, 1)

    assert render("{{ day }}", day=day) == "01/07/2025"
    assert render('{{ day|date:"SHORT_DATE_FORMAT" }}', day=day) == "01/07/2025"
    assert render('{{ day|date:"DATE_FORMAT" }}', day=day) == "01/07/2025"


def test_the_number_filter_groups_thousands_with_dots(vietnamese):
    assert render("{{ n|number }}", n=1234567) == "1.234.567"
    assert render("{{ n|number }}", n=999) == "999"
    assert render("{{ n|number }}", n=0) == "0"
    assert render("{{ n|number:2 }}", n=Decimal("1234.5")) == "1.234,50"
    assert render("{{ n|number }}", n=None) == ""


def test_the_money_filter_shows_dong(vietnamese):
    assert render("{{ n|money }}", n=1500000) == "1.500.000 đ"
    assert money(Decimal("2500000.00")) == "2.500.000 đ"
    assert money(None) == ""


def test_plain_integers_stay_ungrouped(vietnamese):
    # Years and ids must never render as "2.025".
    assert render("{{ year }}", year=2025) == "2025"


def test_the_number_filter_follows_the_language():
    with translation.override("en"):
        assert number(1234567) == "1,234,567"


def test_vietnamese_alphabetical_order():
    words = ["Đức", "Dung", "An", "Ăn", "Bình"]

    assert sorted(words, key=sort_key) == ["An", "Ăn", "Bình", "Dung", "Đức"]


def test_tones_sort_after_letters():
    # Letters decide first (a < ă < â), tones only break ties (a < à < ả < ã < á < ạ).
    assert sorted(["Ân", "Ạn", "Ăn", "An", "Án", "Àn"], key=sort_key) == [
        "An",
        "Àn",
        "Án",
        "Ạn",
        "Ăn",
        "Ân",
    ]
    assert sorted(["Hương Trạch", "Hương Trà", "Hương Thủy"], key=sort_key) == [
        "Hương Thủy",
        "Hương Trà",
        "Hương Trạch",
    ]


def test_fold_removes_accents_and_case():
    assert fold("Hương Trà") == "huong tra"
    assert fold("Đoàn") == "doan"
    assert fold("  ĐOÀN   xã  Hương Trạch ") == "doan xa huong trach"
    assert fold(None) == ""


def test_a_name_sorts_before_its_extensions():
    assert sorted(["Trạch", "Trà A", "Trà"], key=sort_key) == ["Trà", "Trà A", "Trạch"]


def test_the_database_orders_units_alphabetically(district):
    for name in ["Đoàn xã Hương Trạch", "Đoàn xã Đức Lĩnh", "Đoàn xã Hương Trà", "Đoàn xã Ân Phú"]:
        UnitFactory(name=name, parent=district)

    assert list(district.children.values_list("name", flat=True)) == [
        "Đoàn xã Ân Phú",
        "Đoàn xã Đức Lĩnh",
        "Đoàn xã Hương Trà",
        "Đoàn xã Hương Trạch",
    ]
