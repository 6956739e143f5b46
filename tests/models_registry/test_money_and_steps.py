"""Issue 7, the secretary on a phone: money typed the Vietnamese way, building-step dates."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from models_registry.forms import RegistrationForm
from models_registry.models import ModelStep, Registration
from models_registry.widgets import MONEY_MAX, MoneyField, parse_money


@pytest.fixture
def as_secretary(client, secretary_a):
    client.force_login(secretary_a)
    return client


def create_url(model):
    return reverse("registry:registration-create", args=[model.pk]) + "?year=2022"


# --- Money --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("15.000.000", 15_000_000),
        ("15000000", 15_000_000),
        ("15 000 000", 15_000_000),
        ("15\u00a0000\u00a0000", 15_000_000),
        ("15,000,000", 15_000_000),  # the English grouping
        ("15.000.000 đ", 15_000_000),
        ("15.000.000 đồng", 15_000_000),
        ("  500.000  ", 500_000),
        ("0", 0),
        ("1.000.000.000.000", MONEY_MAX),
    ],
)
def test_money_is_read_with_vietnamese_grouping(typed, amount):
    assert MoneyField(required=False).clean(typed) == amount


@pytest.mark.parametrize(
    "typed",
    ["15.000000", "15,5", "1.5.0", "1.000,000", "abc", "15.000.000.", ".000", "1" * 60, "1e6"],
)
def test_money_that_is_not_a_whole_grouped_amount_is_an_error(typed):
    assert parse_money(typed) is None
    with pytest.raises(ValidationError) as raised:
        MoneyField(required=False).clean(typed)
    assert raised.value.error_list[0].code == "invalid"


def test_money_has_an_upper_bound_and_says_it():
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        MoneyField(required=False).clean("1.000.000.000.001")
    assert raised.value.error_list[0].code == "max_value"
    assert "1,000,000,000,000" in raised.value.messages[0]


def test_negative_money_is_an_error():
    with pytest.raises(ValidationError) as raised:
        MoneyField(required=False).clean("-15.000")
    assert raised.value.error_list[0].code == "min_value"


def test_a_draft_saves_a_grouped_budget(as_secretary, model_a, period_year):
    response = as_secretary.post(create_url(model_a), {"planned_budget": "15.000.000", "save": ""})

    assert response.status_code == 302
    assert Registration.objects.get().planned_budget == 15_000_000


@pytest.mark.parametrize("typed", ["10" + "0" * 30, "15.000000", "1.000.000.000.001"])
def test_a_bad_budget_is_told_next_to_the_field_and_nothing_saved(
    as_secretary, model_a, period_year, typed
):
    response = as_secretary.post(create_url(model_a), {"planned_budget": typed, "save": ""})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["planned_budget"]
    assert not Registration.objects.exists()
    # What the user typed is kept in the box.
    assert f'value="{typed}"' in response.content.decode()


def test_a_draft_never_fails_on_what_only_submission_needs(as_secretary, model_a, period_year):
    response = as_secretary.post(create_url(model_a), {"save": ""})

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert (registration.expected_results, registration.planned_budget) == ("", None)


def test_the_budget_is_shown_grouped_in_a_text_box(as_secretary, registration_a):
    response = as_secretary.get(reverse("registry:registration-edit", args=[registration_a.pk]))

    html = response.content.decode()
    assert 'name="planned_budget" value="5.000.000"' in html
    [box] = re.findall(r'<input[^>]*name="planned_budget"[^>]*>', html)
    assert 'type="text"' in box
    assert 'type="number"' not in box
    assert 'inputmode="numeric"' in box


def test_the_money_widget_has_no_browser_range_checks(registration_a):
    form = RegistrationForm(instance=registration_a, target_groups=[], max_mb=10)
    html = str(form["planned_budget"])
    assert "min=" not in html
    assert "max=" not in html
    assert "step=" not in html


# --- Building steps -----------------------------------------------------------------------------


def steps_data(**changes):
    data = {"form-TOTAL_FORMS": "7", "form-INITIAL_FORMS": "7"}
    for index, step in enumerate(ModelStep.Step.values):
        data[f"form-{index}-step"] = str(step)
        data[f"form-{index}-note"] = ""
        data[f"form-{index}-done_on"] = ""
    data.update(changes)
    return data


def steps_url(model):
    return reverse("registry:model-steps", args=[model.pk])


def post_steps(client, model, **changes):
    return client.post(steps_url(model), steps_data(**changes))


def test_a_step_ticked_done_needs_a_date(as_secretary, model_a):
    response = post_steps(as_secretary, model_a, **{"form-0-done": "on"})

    assert response.status_code == 200
    assert list(response.context["formset"].forms[0].errors) == ["done_on"]
    assert not model_a.steps.filter(done=True).exists()


def test_a_date_without_the_tick_is_an_error_not_dropped(as_secretary, model_a):
    response = post_steps(as_secretary, model_a, **{"form-2-done_on": "10/03/2022"})

    assert response.status_code == 200
    form = response.context["formset"].forms[2]
    assert list(form.errors) == ["done"]
    assert model_a.steps.exclude(done_on=None).count() == 0
    # What was typed stays in the box, and the message is shown next to the step.
    html = response.content.decode()
    assert 'value="10/03/2022"' in html
    assert 'id="id_form-2-done_error"' in html


def test_a_done_date_in_the_future_is_an_error(as_secretary, model_a):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = post_steps(
        as_secretary,
        model_a,
        **{"form-0-done": "on", "form-0-done_on": tomorrow.strftime("%d/%m/%Y")},
    )

    assert response.status_code == 200
    assert list(response.context["formset"].forms[0].errors) == ["done_on"]
    assert not model_a.steps.filter(done=True).exists()


def test_a_step_done_today_is_accepted(as_secretary, model_a):
    today = timezone.localdate()

    response = post_steps(
        as_secretary, model_a, **{"form-0-done": "on", "form-0-done_on": today.strftime("%d/%m/%Y")}
    )

    assert response.status_code == 302
    assert model_a.steps.get(step=1).done_on == today


def test_step_messages_are_specific(as_secretary, model_a):
    as_secretary.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    future = (timezone.localdate() + datetime.timedelta(days=3)).strftime("%d/%m/%Y")

    response = post_steps(
        as_secretary,
        model_a,
        **{"form-0-done": "on", "form-1-done_on": "01/02/2022", "form-2-done": "on"},
        **{"form-2-done_on": future},
    )

    forms = response.context["formset"].forms
    assert "Enter the date this step was done" in forms[0].errors["done_on"][0]
    assert "not ticked" in forms[1].errors["done"][0]
    assert "cannot be in the future" in forms[2].errors["done_on"][0]


def test_the_date_box_is_wide_enough_for_its_placeholder(as_secretary, model_a):
    response = as_secretary.get(steps_url(model_a))

    html = response.content.decode()
    # Full width on a phone (the column was 5/12 of 390 px and cut "ngày/tháng/năm").
    assert html.count('class="col-12 col-sm-5"') == 7
    assert 'placeholder="ngày/tháng/năm"' in html
    assert 'size="16"' in html
