"""Issue 6 §3: the numbers that answered 500, each one now a clear message or ignored.

Every case here was a crash on the landed code: an id beyond 64 bits in a filter or a bulk
action (SQLite cannot bind it), a count beyond PostgreSQL's ``integer`` (the count fields had
no upper bound), a 30-digit target group, and an eighth form in the steps formset.
"""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from models_registry.models import (
    ModelCategory,
    ModelStep,
    Registration,
    RegistrationTarget,
    SupportModel,
    TargetGroup,
    WorkflowTransition,
)

S = Registration.Status
BEYOND_64_BITS = str(2**63)
THIRTY_DIGITS = "1" + "0" * 30


@pytest.fixture
def as_officer(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def as_standing(client, standing):
    client.force_login(standing)
    return client


@pytest.fixture
def as_secretary(client, secretary_a):
    client.force_login(secretary_a)
    return client


@pytest.mark.parametrize("param", ["unit", "category", "target_group"])
@pytest.mark.parametrize("value", [BEYOND_64_BITS, THIRTY_DIGITS, "-" + BEYOND_64_BITS])
def test_a_huge_id_in_a_queue_filter_is_ignored(
    as_officer, make_registration, model_a, param, value
):
    make_registration(model_a, S.SUBMITTED)

    response = as_officer.get(reverse("registry:review-queue"), {param: value})

    assert response.status_code == 200
    # The filter is dropped, not applied: the queue still lists the submitted registration.
    assert [r.support_model for r in response.context["page"]] == [model_a]


def test_bulk_approve_with_a_huge_id_approves_the_real_ones(
    as_standing, make_registration, model_a
):
    registration = make_registration(model_a, S.SUBMITTED)

    response = as_standing.post(
        reverse("registry:review-bulk-approve"),
        {"ids": [str(registration.pk), BEYOND_64_BITS, THIRTY_DIGITS]},
    )

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == S.APPROVED


def test_bulk_approve_with_only_huge_ids_changes_nothing(as_standing, make_registration, model_a):
    registration = make_registration(model_a, S.SUBMITTED)

    response = as_standing.post(reverse("registry:review-bulk-approve"), {"ids": [BEYOND_64_BITS]})

    assert response.status_code == 302
    assert list(get_messages(response.wsgi_request))
    registration.refresh_from_db()
    assert registration.status == S.SUBMITTED
    assert not WorkflowTransition.objects.filter(to_status=S.APPROVED).exists()


def test_bulk_approve_redirect_keeps_only_the_queue_filters(as_standing, model_a):
    # The hidden "params" field is echoed into the Location header: a newline there was a 500.
    response = as_standing.post(
        reverse("registry:review-bulk-approve"),
        {"ids": ["1"], "params": "year=2022&status=\r\nSet-Cookie: x=1&unit=" + BEYOND_64_BITS},
    )

    assert response.status_code == 302
    assert "\n" not in response["Location"]
    assert BEYOND_64_BITS not in response["Location"]
    assert "year=2022" in response["Location"]


@pytest.mark.parametrize("field", ["target_groups", "category"])
def test_a_thirty_digit_choice_on_the_model_form_is_an_error(
    as_secretary, commune_a, period_year, field
):
    data = {
        "name": "Tủ sách đồng hành",
        "category": ModelCategory.objects.get(code=2).pk,
        "target_groups": [TargetGroup.objects.get(code=1).pk],
        "description": "Cho mượn sách.",
        "area": "Thôn 1",
        "implementers": "Ban Chấp hành Đoàn xã",
    }
    data[field] = [THIRTY_DIGITS] if field == "target_groups" else THIRTY_DIGITS

    response = as_secretary.post(reverse("registry:model-create"), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not SupportModel.objects.exists()


@pytest.mark.parametrize("value", [str(10**12), str(2**31), "100001"])
def test_a_count_beyond_any_commune_is_an_error(
    as_secretary, model_a, period_year, group_disabled, value
):
    data = {"expected_results": "Hỗ trợ", f"count_{group_disabled.pk}": value}

    response = as_secretary.post(
        reverse("registry:registration-create", args=[model_a.pk]) + "?year=2022", data
    )

    assert response.status_code == 200
    assert f"count_{group_disabled.pk}" in response.context["form"].errors
    assert not Registration.objects.exists()
    assert not RegistrationTarget.objects.exists()


def test_the_largest_count_allowed_is_stored(as_secretary, model_a, period_year, group_disabled):
    data = {"expected_results": "Hỗ trợ", f"count_{group_disabled.pk}": "100000"}

    response = as_secretary.post(
        reverse("registry:registration-create", args=[model_a.pk]) + "?year=2022", data
    )

    assert response.status_code == 302
    assert RegistrationTarget.objects.get().planned_count == 100_000


@pytest.mark.parametrize("value", [str(10**12 + 1), str(2**63), THIRTY_DIGITS])
def test_a_budget_beyond_a_thousand_billion_dong_is_an_error(
    as_secretary, model_a, period_year, value
):
    data = {"expected_results": "Hỗ trợ", "planned_budget": value}

    response = as_secretary.post(
        reverse("registry:registration-create", args=[model_a.pk]) + "?year=2022", data
    )

    assert response.status_code == 200
    assert "planned_budget" in response.context["form"].errors
    assert not Registration.objects.exists()


@pytest.mark.parametrize("total", ["8", "1000", THIRTY_DIGITS, "-1", "bảy"])
def test_extra_forms_in_the_steps_formset_are_refused(as_secretary, model_a, total):
    data = {"form-TOTAL_FORMS": total, "form-INITIAL_FORMS": "7"}
    for index, step in enumerate(ModelStep.Step.values):
        data[f"form-{index}-step"] = str(step)
        data[f"form-{index}-done"] = "on"
    data["form-7-step"] = "1"

    response = as_secretary.post(reverse("registry:model-steps", args=[model_a.pk]), data)

    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.non_form_errors()
    assert len(formset.forms) <= 7
    assert not model_a.steps.filter(done=True).exists()
