"""The seven building steps: dates dd/mm/yyyy, bad input told next to the field, nothing saved."""

import datetime

import pytest
from django.urls import reverse

from models_registry.models import ModelStep


@pytest.fixture
def as_secretary(client, secretary_a):
    client.force_login(secretary_a)
    return client


def steps_data(**changes):
    """A full formset POST: step 1 done on 10/03/2022, the rest not yet."""
    data = {"form-TOTAL_FORMS": "7", "form-INITIAL_FORMS": "7"}
    for index, step in enumerate(ModelStep.Step.values):
        data[f"form-{index}-step"] = str(step)
        data[f"form-{index}-note"] = ""
        data[f"form-{index}-done_on"] = ""
    data["form-0-done"] = "on"
    data["form-0-done_on"] = "10/03/2022"
    data["form-0-note"] = "Khảo sát 42 thanh thiếu niên"
    data.update(changes)
    return data


def url(model):
    return reverse("registry:model-steps", args=[model.pk])


def test_steps_save_with_day_month_dates(as_secretary, model_a):
    response = as_secretary.post(url(model_a), steps_data())

    assert response.status_code == 302
    survey = model_a.steps.get(step=ModelStep.Step.SURVEY)
    assert survey.done is True
    assert survey.done_on == datetime.date(2022, 3, 10)  # 10 March, not 3 October
    assert survey.note == "Khảo sát 42 thanh thiếu niên"
    assert model_a.steps.filter(done=True).count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"form-0-done_on": "31/02/2022"}, "done_on"),
        ({"form-0-done_on": "hôm qua"}, "done_on"),
        ({"form-1-step": "9"}, "step"),
        ({"form-2-note": "x" * 256}, "note"),
    ],
)
def test_bad_step_input_is_refused_and_nothing_saved(as_secretary, model_a, changes, field):
    response = as_secretary.post(url(model_a), steps_data(**changes))

    assert response.status_code == 200
    formset = response.context["formset"]
    assert any(field in form.errors for form in formset.forms)
    assert not model_a.steps.filter(done=True).exists()


@pytest.mark.parametrize(
    "changes",
    [{"form-TOTAL_FORMS": "6"}, {"form-6-step": "1"}],
    ids=["a step missing", "a step twice"],
)
def test_the_seven_steps_must_all_be_there_once(as_secretary, model_a, changes):
    data = steps_data(**changes)

    response = as_secretary.post(url(model_a), data)

    assert response.status_code == 200
    assert response.context["formset"].non_form_errors()
    assert not model_a.steps.filter(done=True).exists()
