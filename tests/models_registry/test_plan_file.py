"""The implementation plan: re-saving never loses it; replacing and removing are explicit."""

import pytest
from django.conf import settings
from django.contrib.admin import site
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from models_registry.models import Registration
from models_registry.services import (
    RegistrationError,
    registration_plan_remove,
    registration_update,
)
from tests.factories import PDF_BYTES, PeriodFactory, PeriodYearFactory

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
    # Reading it all closes the response (the test client does that once the stream ends).
    body = b"".join(response.streaming_content)
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


def test_saving_twice_without_a_file_keeps_the_plan(
    as_secretary, model_a, period_year, media_files, django_capture_on_commit_callbacks
):
    registration = upload(as_secretary, model_a)
    stored = registration.plan_document.name

    with django_capture_on_commit_callbacks(execute=True):
        edit(as_secretary, registration, expected_results="Lần một", save="")
        edit(as_secretary, registration, expected_results="Lần hai", save="")

    registration.refresh_from_db()
    assert registration.expected_results == "Lần hai"
    assert (registration.plan_document.name, media_files()) == (stored, [stored])
    assert download(as_secretary, registration) == (200, PDF_BYTES)


def test_returned_fixed_and_resubmitted_keeps_the_plan(
    client, secretary_a, officer, model_a, period_year, django_capture_on_commit_callbacks
):
    client.force_login(secretary_a)
    with django_capture_on_commit_callbacks(execute=True):
        registration = upload(client, model_a)
        submit = reverse("registry:registration-action", args=[registration.pk, "submit"])
        client.post(submit, {"confirm": "1"})
        client.force_login(officer)
        client.post(
            reverse("registry:registration-action", args=[registration.pk, "return"]),
            {"reason": "Bổ sung dự kiến kết quả"},
        )
        client.force_login(secretary_a)
        response = edit(client, registration, expected_results="Đã bổ sung", submit="1")
        assert response.url == submit
        client.post(submit, {"confirm": "1"})

    registration.refresh_from_db()
    assert response.status_code == 302
    assert registration.status == S.SUBMITTED
    assert registration.plan_document_name == "Kế hoạch Hương Trà.pdf"
    assert download(client, registration) == (200, PDF_BYTES)
    client.force_login(officer)
    assert download(client, registration) == (200, PDF_BYTES)


def test_the_service_ignores_a_stored_file_handed_back(
    secretary_a, registration_a, media_files, django_capture_on_commit_callbacks
):
    # What a bound ModelForm hands back when no file is chosen: the stored FieldFile.
    stored = registration_a.plan_document.name
    with django_capture_on_commit_callbacks(execute=True):
        registration_update(
            actor=secretary_a,
            registration=registration_a,
            counts={},
            expected_results="Mới",
            plan_document=registration_a.plan_document,
        )

    registration_a.refresh_from_db()
    assert registration_a.plan_document.name == stored
    assert registration_a.plan_document_name == "Kế hoạch triển khai.pdf"
    assert media_files() == [stored]


def test_a_new_file_replaces_the_plan_and_keeps_its_original_name(
    as_secretary, registration_a, media_files, django_capture_on_commit_callbacks
):
    old = registration_a.plan_document.name
    data = form_data(registration_a.support_model)
    data["plan_document"] = SimpleUploadedFile("Kế hoạch sửa đổi.pdf", PDF_BYTES + b"%v2\n")

    with django_capture_on_commit_callbacks(execute=True):
        as_secretary.post(reverse("registry:registration-edit", args=[registration_a.pk]), data)

    registration_a.refresh_from_db()
    assert registration_a.plan_document.name != old
    assert registration_a.plan_document_name == "Kế hoạch sửa đổi.pdf"
    assert media_files() == [registration_a.plan_document.name]
    assert download(as_secretary, registration_a) == (200, PDF_BYTES + b"%v2\n")
    latest = registration_a.history.latest()
    assert latest.history_change_reason == "plan uploaded"


# --- The widget ---------------------------------------------------------------------------------


def test_the_form_shows_the_portal_file_widget_not_djangos(as_secretary, registration_a):
    response = as_secretary.get(reverse("registry:registration-edit", args=[registration_a.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    # Django's stock ClearableFileInput: "Currently: plans/…" and a "Clear" checkbox.
    assert "plan_document-clear" not in html
    assert registration_a.plan_document.name not in html
    # The original name, with a link to the scoped download.
    download_url = reverse("registry:registration-plan", args=[registration_a.pk])
    assert f'<a href="{download_url}" class="text-break">Kế hoạch triển khai.pdf</a>' in html
    # A real <label> styled as a button, over a visually hidden but focusable input.
    assert 'class="visually-hidden file-input-control"' in html
    assert '<label for="id_plan_document" class="btn btn-outline-primary file-input-button">' in (
        html
    )
    assert 'id="id_plan_document_chosen"' in html
    assert 'aria-describedby="id_plan_document_chosen id_plan_document_helptext"' in html
    assert 'id="id_plan_document_helptext"' in html
    assert "js/file-input.js" in html
    assert "<script>" not in html  # the CSP forbids inline scripts
    # Removing is a link to its own confirmation page, not a checkbox.
    remove_url = reverse("registry:registration-plan-remove", args=[registration_a.pk])
    assert f'href="{remove_url}"' in html


def test_without_a_plan_the_button_says_choose(as_secretary, model_a, period_year, english):
    as_secretary.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = as_secretary.get(
        reverse("registry:registration-create", args=[model_a.pk]) + "?year=2022"
    )

    html = response.content.decode()
    assert "Choose a file" in html
    assert "Choose another file" not in html
    assert "plan/remove" not in html


def test_with_a_plan_the_button_says_choose_another(as_secretary, registration_a):
    as_secretary.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = as_secretary.get(reverse("registry:registration-edit", args=[registration_a.pk]))

    assert "Choose another file" in response.content.decode()


def test_the_widget_script_is_served(client):
    # The behaviour lives in a static file (no inline script): name and size after choosing.
    path = settings.BASE_DIR / "static" / "js" / "file-input.js"
    source = path.read_text()
    assert "data-max-bytes" in source
    assert "_chosen" in source


# --- Removing a plan ----------------------------------------------------------------------------


def remove_url(registration):
    return reverse("registry:registration-plan-remove", args=[registration.pk])


def test_removing_asks_first_and_names_the_file(as_secretary, registration_a, media_files):
    response = as_secretary.get(remove_url(registration_a))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Kế hoạch triển khai.pdf" in html
    assert 'method="post"' in html
    registration_a.refresh_from_db()
    assert registration_a.plan_document
    assert media_files() == [registration_a.plan_document.name]


def test_removing_deletes_the_file_and_records_who(
    as_secretary,
    secretary_a,
    registration_a,
    media_files,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_secretary.post(remove_url(registration_a))

    assert response.status_code == 302
    assert response.url == reverse("registry:registration-edit", args=[registration_a.pk])
    registration_a.refresh_from_db()
    assert not registration_a.plan_document
    assert registration_a.plan_document_name == ""
    assert media_files() == []
    assert download(as_secretary, registration_a)[0] == 404
    latest = registration_a.history.latest()
    assert latest.history_user == secretary_a
    assert latest.history_change_reason == "plan removed: Kế hoạch triển khai.pdf"
    assert latest.plan_document == ""
    # Submitting now asks for a plan again.
    as_secretary.post(
        reverse("registry:registration-action", args=[registration_a.pk, "submit"]),
        {"confirm": "1"},
    )
    registration_a.refresh_from_db()
    assert registration_a.status == S.DRAFT


@pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED])
def test_a_locked_registration_keeps_its_plan(
    as_secretary, make_registration, model_a, media_files, status
):
    registration = make_registration(model_a, status)

    get = as_secretary.get(remove_url(registration))
    post = as_secretary.post(remove_url(registration))

    detail = reverse("registry:registration-detail", args=[registration.pk])
    assert (get.status_code, get.url) == (302, detail)
    assert (post.status_code, post.url) == (302, detail)
    registration.refresh_from_db()
    assert registration.plan_document
    assert media_files() == [registration.plan_document.name]


@pytest.mark.parametrize("who", ["secretary_b", "officer", "other_officer"])
def test_others_cannot_remove_a_plan(client, request, registration_a, media_files, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(remove_url(registration_a)).status_code == 404
    assert client.post(remove_url(registration_a)).status_code == 404
    registration_a.refresh_from_db()
    assert registration_a.plan_document


def test_a_read_only_role_cannot_remove_a_plan(client, provincial_viewer, registration_a):
    client.force_login(provincial_viewer)

    assert client.post(remove_url(registration_a)).status_code == 403
    registration_a.refresh_from_db()
    assert registration_a.plan_document


def test_removing_needs_get_or_post(as_secretary, registration_a):
    assert as_secretary.put(remove_url(registration_a)).status_code == 405
    assert as_secretary.delete(remove_url(registration_a)).status_code == 405


def test_the_service_refuses_a_closed_period(secretary_a, registration_a, period):
    period.is_open = False
    period.save()

    with pytest.raises(RegistrationError):
        registration_plan_remove(actor=secretary_a, registration=registration_a)
    registration_a.refresh_from_db()
    assert registration_a.plan_document


def test_the_service_refuses_someone_else(secretary_b, registration_a):
    with pytest.raises(PermissionDenied):
        registration_plan_remove(actor=secretary_b, registration=registration_a)


# --- Every other place a stored plan could be replaced or deleted -------------------------------


def test_the_admin_cannot_clear_or_swap_a_plan(rf, admin_user, registration_a):
    request = rf.get("/")
    request.user = admin_user
    model_admin = site._registry[Registration]

    form = model_admin.get_form(request, registration_a)
    assert "plan_document" not in form.base_fields
    assert "plan_document_name" not in form.base_fields
    link = model_admin.plan(registration_a)
    assert reverse("registry:registration-plan", args=[registration_a.pk]) in link
    assert "Kế hoạch triển khai.pdf" in link


def test_the_admin_change_page_shows_no_clear_box(client, admin_user, registration_a):
    client.force_login(admin_user)

    response = client.get(
        reverse("admin:models_registry_registration_change", args=[registration_a.pk])
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "plan_document-clear" not in html
    assert 'type="file"' not in html


def test_a_carried_over_draft_does_not_share_last_years_file(
    as_secretary,
    registration_a,
    period,
    media_files,
    django_capture_on_commit_callbacks,
):
    Registration.objects.filter(pk=registration_a.pk).update(status=S.APPROVED)
    following = PeriodYearFactory(period=PeriodFactory(start_year=2023, end_year=2025), year=2023)
    stored = registration_a.plan_document.name

    with django_capture_on_commit_callbacks(execute=True):
        as_secretary.post(reverse("registry:registration-carry-over", args=[registration_a.pk]))
        new = Registration.objects.get(year=following.year)
        assert not new.plan_document
        data = form_data(new.support_model)
        data["plan_document"] = SimpleUploadedFile("Kế hoạch 2023.pdf", PDF_BYTES)
        as_secretary.post(reverse("registry:registration-edit", args=[new.pk]), data)
        as_secretary.post(remove_url(new))

    assert download(as_secretary, registration_a) == (200, PDF_BYTES)
    assert media_files() == [stored]


def test_the_service_takes_a_new_file_from_code_too(
    secretary_a, registration_a, media_files, django_capture_on_commit_callbacks
):
    # Commands and imports hand over plain Django files, not form uploads.
    old = registration_a.plan_document.name
    with django_capture_on_commit_callbacks(execute=True):
        registration_update(
            actor=secretary_a,
            registration=registration_a,
            counts={},
            plan_document=ContentFile(PDF_BYTES, name="Kế hoạch từ lệnh.pdf"),
        )

    registration_a.refresh_from_db()
    assert registration_a.plan_document.name != old
    assert registration_a.plan_document_name == "Kế hoạch từ lệnh.pdf"
    assert media_files() == [registration_a.plan_document.name]


# --- Why a registration cannot be edited, said the same way by the pages and the services ----


def _message_texts(response):
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize("url_name", ["registration-edit", "registration-plan-remove"])
def test_a_draft_of_a_closed_period_is_refused_for_the_period_not_its_status(
    as_secretary, registration_a, period, url_name
):
    period.is_open = False
    period.save()

    response = as_secretary.get(
        reverse(f"registry:{url_name}", args=[registration_a.pk]), follow=True
    )

    # It is a draft: the reason is the closed period (it once said "is Nháp and can no longer
    # be edited").
    assert _message_texts(response) == ["Giai đoạn này đã đóng."]


@pytest.mark.parametrize("url_name", ["registration-edit", "registration-plan-remove"])
def test_an_approved_registration_is_refused_for_its_status(as_secretary, registration_a, url_name):
    Registration.objects.filter(pk=registration_a.pk).update(status=S.APPROVED)

    response = as_secretary.get(
        reverse(f"registry:{url_name}", args=[registration_a.pk]), follow=True
    )

    assert _message_texts(response) == [
        "Đăng ký này đang ở trạng thái “Đã duyệt”, không thể chỉnh sửa nữa."
    ]


def test_the_status_read_under_the_lock_decides(registration_a):
    from models_registry.services import edit_refusal

    assert edit_refusal(registration_a) is None
    # Another tab submitted it after this copy was read.
    assert "Chờ duyệt" in edit_refusal(registration_a, status=S.SUBMITTED)
