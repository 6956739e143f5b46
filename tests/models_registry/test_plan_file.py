"""The implementation plan: re-saving never loses it; replacing and removing are explicit."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from models_registry.models import Registration
from tests.factories import PDF_BYTES

S = Registration.Status


@pytest.fixture
def as_secretary(client, secretary_a):
    client.force_login(secretary_a)
    return client


def form_data(model, **changes):
    data = {
        "expected_results": "Hỗ trợ 10 thanh niên khuyết tật.",
        "planned_budget": "5.000.000",
        "budget_sources": "Quỹ Đoàn xã",
    }
    for group in model.target_groups.all():
        data[f"count_{group.pk}"] = "5"
    data.update(changes)
    return data


def download(client, registration) -> tuple[int, bytes]:
    response = client.get(reverse("registry:registration-plan", args=[registration.pk]))
    if response.status_code != 200:
        return response.status_code, b""
    body = b"".join(response.streaming_content)
    response.close()
    return response.status_code, body


def upload(client, model, content=PDF_BYTES, name="Kế hoạch Hương Trà.pdf"):
    data = form_data(model)
    data["plan_document"] = SimpleUploadedFile(name, content)
    url = reverse("registry:registration-create", args=[model.pk]) + "?year=2022"
    response = client.post(url, data)
    assert response.status_code == 302
    return Registration.objects.get(support_model=model)


def edit(client, registration, **data):
    url = reverse("registry:registration-edit", args=[registration.pk])
    return client.post(url, form_data(registration.support_model, **data))


@pytest.mark.parametrize("button", [{"save": ""}, {"submit": "1"}])
def test_saving_again_without_a_file_keeps_the_plan(
    as_secretary, model_a, period_year, media_files, django_capture_on_commit_callbacks, button
):
    registration = upload(as_secretary, model_a)
    stored = registration.plan_document.name

    with django_capture_on_commit_callbacks(execute=True):
        response = edit(as_secretary, registration, expected_results="Sửa lại", **button)

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.expected_results == "Sửa lại"
    assert registration.plan_document.name == stored
    assert registration.plan_document_name == "Kế hoạch Hương Trà.pdf"
    assert media_files() == [stored]
    assert download(as_secretary, registration) == (200, PDF_BYTES)
