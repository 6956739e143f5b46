"""Bad input gets a message next to the field, and nothing is lost or half-written."""

import datetime
import io
import re
import zipfile

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from models_registry.models import (
    ModelCategory,
    Registration,
    RegistrationTarget,
    SupportModel,
    TargetGroup,
)
from models_registry.services import RegistrationError, registration_update
from tests.factories import PDF_BYTES, PNG_BYTES, RegistrationFactory

S = Registration.Status
RANDOM_NAME = re.compile(r"^plans/[0-9a-f]{32}\.(pdf|png|docx)$")


def docx_bytes() -> bytes:
    """The smallest Word document the content check recognises."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
            'document.main+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body/></w:document>',
        )
    return buffer.getvalue()


@pytest.fixture
def as_secretary(client, secretary_a):
    client.force_login(secretary_a)
    return client


@pytest.fixture
def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def model_data(**changes):
    data = {
        "name": "Tủ sách đồng hành",
        "category": ModelCategory.objects.get(code=2).pk,
        "target_groups": [TargetGroup.objects.get(code=1).pk, TargetGroup.objects.get(code=3).pk],
        "description": "Cho mượn sách và sinh hoạt đọc sách hằng tháng.",
        "area": "Thôn 1, thôn 2",
        "implementers": "Ban Chấp hành Đoàn xã",
        "contact": "0912 345 678",
        "partners": "Thư viện huyện",
        "start_date": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def registration_data(model, **changes):
    data = {
        "expected_results": "Hỗ trợ 10 thanh niên khuyết tật.",
        "planned_budget": "5000000",
        "budget_sources": "Quỹ Đoàn xã",
    }
    for group in model.target_groups.all():
        data[f"count_{group.pk}"] = "5"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def create_url(model):
    return reverse("registry:registration-create", args=[model.pk]) + "?year=2022"


# --- Creating a model --------------------------------------------------------------------------


def test_a_model_without_its_required_fields_is_not_created(as_secretary, commune_a, period_year):
    data = model_data(name="", description="", area="", implementers="", category=None)
    data["target_groups"] = []

    response = as_secretary.post(reverse("registry:model-create"), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    required = {"name", "category", "target_groups", "description", "area", "implementers"}
    assert set(errors) == required
    assert not SupportModel.objects.exists()


def test_a_model_needs_at_least_one_target_group(as_secretary, commune_a, period_year):
    data = model_data()
    data.pop("target_groups")

    response = as_secretary.post(reverse("registry:model-create"), data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["target_groups"]
    assert not SupportModel.objects.exists()


def test_a_complete_model_is_created_with_its_seven_steps(as_secretary, commune_a, period_year):
    response = as_secretary.post(reverse("registry:model-create"), model_data())

    model = SupportModel.objects.get()
    assert response.status_code == 302
    assert response.url.startswith(reverse("registry:registration-create", args=[model.pk]))
    assert model.unit == commune_a
    assert sorted(model.target_groups.values_list("code", flat=True)) == [1, 3]
    assert model.steps.count() == 7


@pytest.mark.parametrize("language", ["vi", "en"])
def test_start_date_is_read_day_first(as_secretary, commune_a, period_year, language):
    as_secretary.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    as_secretary.post(reverse("registry:model-create"), model_data(start_date="03/04/2022"))

    assert SupportModel.objects.get().start_date == datetime.date(2022, 4, 3)


@pytest.mark.parametrize("value", ["31/02/2022", "2022-13-01", "hôm qua"])
def test_an_impossible_start_date_is_an_error(as_secretary, commune_a, period_year, value):
    response = as_secretary.post(reverse("registry:model-create"), model_data(start_date=value))

    assert response.status_code == 200
    assert "start_date" in response.context["form"].errors
    assert not SupportModel.objects.exists()


# --- Registering -------------------------------------------------------------------------------


def test_negative_counts_and_budget_are_errors(as_secretary, model_a, period_year, group_disabled):
    data = registration_data(model_a, planned_budget="-1000")
    data[f"count_{group_disabled.pk}"] = "-3"

    response = as_secretary.post(create_url(model_a), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "planned_budget" in errors
    assert f"count_{group_disabled.pk}" in errors
    assert not Registration.objects.exists()
    assert not RegistrationTarget.objects.exists()


def test_a_draft_saves_without_all_fields(as_secretary, model_a, period_year):
    response = as_secretary.post(create_url(model_a), {"save": ""})

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("registry:registration-detail", args=[registration.pk])
    assert registration.status == S.DRAFT
    assert registration.year == 2022
    assert registration.expected_results == ""


def test_submit_with_missing_fields_keeps_a_draft_and_says_why(
    as_secretary, in_english, model_a, period_year
):
    data = registration_data(model_a, expected_results="", submit="1")

    response = as_secretary.post(create_url(model_a), data)

    registration = Registration.objects.get()
    assert registration.status == S.DRAFT
    assert registration.planned_budget == 5_000_000  # what was typed is kept
    assert response.status_code == 302
    assert response.url == reverse("registry:registration-edit", args=[registration.pk])
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert "not submitted" in message
    assert "expected results" in message
    assert "implementation plan" in message


def test_submit_with_everything_submits(as_secretary, model_a, period_year, mailoutbox):
    data = registration_data(model_a, submit="1")
    data["plan_document"] = SimpleUploadedFile("ke-hoach.pdf", PDF_BYTES)

    response = as_secretary.post(create_url(model_a), data)

    # The draft is saved, then submitting is confirmed on its own page.
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert registration.status == S.DRAFT
    confirm = reverse("registry:registration-action", args=[registration.pk, "submit"])
    assert response.url == confirm
    as_secretary.post(confirm, {"confirm": "1"})
    registration.refresh_from_db()
    assert registration.status == S.SUBMITTED
    assert registration.transitions.count() == 1


def test_a_submitted_registration_cannot_be_edited(
    as_secretary, make_registration, model_a, secretary_a
):
    registration = make_registration(model_a, S.SUBMITTED)
    url = reverse("registry:registration-edit", args=[registration.pk])
    detail = reverse("registry:registration-detail", args=[registration.pk])

    assert as_secretary.get(url).url == detail
    response = as_secretary.post(url, registration_data(model_a, expected_results="Đổi"))

    assert response.url == detail
    registration.refresh_from_db()
    assert registration.expected_results != "Đổi"
    assert registration.status == S.SUBMITTED
    with pytest.raises(RegistrationError):
        registration_update(
            actor=secretary_a, registration=registration, counts={}, expected_results="Đổi"
        )


@pytest.mark.parametrize("status", [S.APPROVED, S.SUBMITTED])
def test_a_locked_registration_keeps_its_model_name(
    as_secretary, make_registration, model_a, status
):
    make_registration(model_a, status)
    url = reverse("registry:model-edit", args=[model_a.pk])

    response = as_secretary.post(url, model_data(name="Tên khác"))

    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    model_a.refresh_from_db()
    assert model_a.name != "Tên khác"


@pytest.mark.parametrize("status", [S.DRAFT, S.RETURNED, S.REOPENED])
def test_editable_states_accept_edits(as_secretary, make_registration, model_a, status):
    registration = make_registration(model_a, status)
    url = reverse("registry:registration-edit", args=[registration.pk])

    response = as_secretary.post(url, registration_data(model_a, expected_results="Mới"))

    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.expected_results == "Mới"
    assert registration.status == status


# --- Uploads -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ke-hoach.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" * 8),
        ("ke-hoach.docx", b"PK\x03\x04 not really a zip"),
        ("ke-hoach.png", PDF_BYTES),  # a real type, under another type's name
        ("ke-hoach.exe", b"MZ\x90\x00" * 8),
        ("ke-hoach.html", b"<script>alert(1)</script>"),
        ("ke-hoach", PDF_BYTES),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused(
    as_secretary, model_a, period_year, media_files, name, content
):
    data = registration_data(model_a)
    data["plan_document"] = SimpleUploadedFile(name, content)

    response = as_secretary.post(create_url(model_a), data)

    assert response.status_code == 200
    assert "plan_document" in response.context["form"].errors
    assert not Registration.objects.exists()
    assert media_files() == []


def test_a_zip_with_content_types_but_no_office_part_is_refused(
    as_secretary, model_a, period_year, media_files
):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("payload.exe", b"MZ")
    data = registration_data(model_a)
    data["plan_document"] = SimpleUploadedFile("ke-hoach.docx", buffer.getvalue())

    response = as_secretary.post(create_url(model_a), data)

    assert "plan_document" in response.context["form"].errors
    assert media_files() == []


def test_an_oversize_file_is_refused(settings, as_secretary, model_a, period_year, media_files):
    settings.UPLOAD_MAX_BYTES = 1024
    data = registration_data(model_a)
    data["plan_document"] = SimpleUploadedFile("ke-hoach.pdf", PDF_BYTES + b" " * 1024)

    response = as_secretary.post(create_url(model_a), data)

    assert response.status_code == 200
    assert "plan_document" in response.context["form"].errors
    assert not Registration.objects.exists()
    assert media_files() == []


def test_a_file_at_the_limit_is_accepted(settings, as_secretary, model_a, period_year):
    settings.UPLOAD_MAX_BYTES = 1024
    data = registration_data(model_a)
    data["plan_document"] = SimpleUploadedFile("a.pdf", PDF_BYTES.ljust(1024, b" "))

    assert as_secretary.post(create_url(model_a), data).status_code == 302


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("Kế hoạch Hương Trà.pdf", PDF_BYTES),
        ("Ảnh hoạt động.PNG", PNG_BYTES),
        ("Kế hoạch.docx", docx_bytes()),
    ],
)
def test_a_real_document_is_stored_under_a_random_name(
    as_secretary, model_a, period_year, media_files, name, content
):
    data = registration_data(model_a)
    data["plan_document"] = SimpleUploadedFile(name, content)

    response = as_secretary.post(create_url(model_a), data)

    assert response.status_code == 302
    registration = Registration.objects.get()
    assert RANDOM_NAME.match(registration.plan_document.name)
    assert registration.plan_document_name == name
    assert media_files() == [registration.plan_document.name]
    assert (settings.MEDIA_ROOT / registration.plan_document.name).read_bytes() == content

    download = as_secretary.get(reverse("registry:registration-plan", args=[registration.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert "attachment" in download["Content-Disposition"]
    download.close()


def test_two_uploads_with_the_same_name_do_not_collide(
    as_secretary, model_a, model_b, period_year, media_files
):
    first = RegistrationFactory(support_model=model_a, period_year=period_year)
    second = RegistrationFactory(support_model=model_b, period_year=period_year)

    assert first.plan_document.name != second.plan_document.name
    assert len(media_files()) == 2


def test_a_bad_new_plan_keeps_the_old_one(as_secretary, registration_a, media_files):
    old = registration_a.plan_document.name
    data = registration_data(registration_a.support_model, expected_results="Mới")
    data["plan_document"] = SimpleUploadedFile("moi.pdf", b"MZ\x90\x00" * 8)

    response = as_secretary.post(
        reverse("registry:registration-edit", args=[registration_a.pk]), data
    )

    assert response.status_code == 200
    registration_a.refresh_from_db()
    assert registration_a.plan_document.name == old
    assert registration_a.expected_results != "Mới"
    assert media_files() == [old]


def test_a_new_plan_replaces_the_old_file(
    as_secretary, registration_a, media_files, django_capture_on_commit_callbacks
):
    old = registration_a.plan_document.name
    data = registration_data(registration_a.support_model)
    data["plan_document"] = SimpleUploadedFile("moi.pdf", PDF_BYTES)

    with django_capture_on_commit_callbacks(execute=True):
        as_secretary.post(reverse("registry:registration-edit", args=[registration_a.pk]), data)

    registration_a.refresh_from_db()
    assert registration_a.plan_document.name != old
    assert registration_a.plan_document_name == "moi.pdf"
    assert media_files() == [registration_a.plan_document.name]


def test_media_is_not_served_at_a_public_url(as_secretary, registration_a):
    # Plans are downloaded only through the scoped view, even by those allowed to see them.
    name = registration_a.plan_document.name
    for prefix in {"/media/", settings.MEDIA_URL or "/media/"}:
        assert as_secretary.get(prefix + name).status_code == 404
