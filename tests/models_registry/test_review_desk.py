"""The officer's review desk, the confirmations before final actions, and the model page's
main button.

Messages are compared in English (``english``): the Vietnamese of new strings lives in
``locale/pending/desk.po`` until the integrator merges it into the catalogue.
"""

import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from models_registry import selectors
from models_registry.models import ModelStep, Registration, WorkflowTransition
from tests.factories import (
    PDF_BYTES,
    PeriodYearFactory,
    RegistrationFactory,
    SupportModelFactory,
)

S = Registration.Status


@pytest.fixture
def english(client, english):
    """Pages and messages in English: the client asks for it with the language cookie."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- The desk --------------------------------------------------------------------------------


def test_it_shows_everything_the_officer_judges_in_reading_order(
    client, officer, make_registration, model_a, model_b, english
):
    model_a.start_date = datetime.date(2022, 3, 1)
    model_a.partners = "Trạm y tế xã"
    model_a.save()
    ModelStep.objects.create(
        support_model=model_a, step=1, done=True, done_on=datetime.date(2022, 2, 10)
    )
    registration = make_registration(model_a, S.SUBMITTED, budget_sources="Quỹ Đoàn xã")
    make_registration(model_b, S.SUBMITTED)
    registration.transitions.create(
        action="return", from_status=S.SUBMITTED, to_status=S.RETURNED,
        reason="Bổ sung danh sách người phụ trách từng thôn",
    )  # fmt: skip
    client.force_login(officer)

    html = client.get(reverse("registry:registration-detail", args=[registration.pk])).content
    html = html.decode()

    in_order = [
        "Model category",
        "Target groups",
        "Idea and description",
        "Area of implementation",
        "Implementers / person in charge",
        "Trạm y tế xã",
        "01/03/2022",
        "Building steps",
        "10/02/2022",
        "Implementation plan",
        'target="_blank"',
        "Planned number of youth supported",
        "Planned budget",
        "Quỹ Đoàn xã",
        "History",
        "Bổ sung danh sách người phụ trách từng thôn",
        "Actions",
        "Back to the list",
        "Next registration",
    ]
    # Each one is found after the one before it: the page reads in this order.
    position = html.find('id="desk-model"')
    for text in in_order:
        found = html.find(text, position)
        assert found > position, f"{text!r} missing or out of order"
        position = found
    # Actions come after the content.
    assert html.find('id="desk-actions"') > html.find("Bổ sung danh sách")


def test_it_builds_the_page_with_a_fixed_number_of_queries(
    client, officer, make_registration, model_a, model_b, django_assert_max_num_queries
):
    registration = make_registration(model_a, S.SUBMITTED)
    make_registration(model_b, S.SUBMITTED)
    client.force_login(officer)
    url = reverse("registry:registration-detail", args=[registration.pk])
    client.get(url)  # warm caches (content types, the user's unit)

    with django_assert_max_num_queries(25):
        response = client.get(url)
    assert response.status_code == 200


def test_next_registration_walks_the_queue_with_its_filters(
    client, officer, make_registration, model_a, model_b, district, group_disabled
):
    second_a = SupportModelFactory(unit=model_a.unit, name="Bếp ăn yêu thương")
    first = make_registration(model_a, S.SUBMITTED)
    second = make_registration(second_a, S.SUBMITTED)
    other = make_registration(model_b, S.SUBMITTED)
    client.force_login(officer)
    query = f"year=2022&status=submitted&unit={model_a.unit_id}"

    response = client.get(reverse("registry:registration-detail", args=[first.pk]) + "?" + query)

    following = response.context["next_registration"]
    assert following is not None and following.pk == second.pk != other.pk
    assert escape(f"?{query}") in response.content.decode()
    # From the last one in the list there is no next.
    response = client.get(reverse("registry:registration-detail", args=[second.pk]) + "?" + query)
    assert response.context["next_registration"] is None


def test_after_approving_the_next_is_the_first_still_waiting(
    officer, make_registration, model_a, model_b
):
    done = make_registration(model_a, S.APPROVED)
    waiting = make_registration(model_b, S.SUBMITTED)

    following = selectors.next_in_queue(
        user=officer, registration=done, params={"year": "2022", "status": "submitted"}
    )

    assert following == waiting


def test_the_queue_query_keeps_only_the_queue_filters():
    assert selectors.queue_query("year=2022&status=submitted&evil=1&q=huong+tra") == (
        "year=2022&status=submitted&q=huong+tra"
    )
    # Read through ReviewQueueFilterForm: an id out of bounds is dropped, not passed along.
    assert selectors.queue_query("unit=99999999999999999999") == ""
    # An unknown status means "awaiting review", as on the queue page.
    assert selectors.queue_query("unit=12&status=nonsense") == "status=submitted&unit=12"
    assert selectors.queue_query("x" * 10_000) == ""


def test_a_secretary_sees_no_queue_buttons(client, secretary_a, registration_a, english):
    client.force_login(secretary_a)

    response = client.get(reverse("registry:registration-detail", args=[registration_a.pk]))

    assert response.context["in_queue"] is False
    assert "Next registration" not in response.content.decode()


# --- Confirmations ---------------------------------------------------------------------------


def test_approve_without_confirmation_changes_nothing(
    client, officer, make_registration, model_a, mailoutbox, english
):
    registration = make_registration(model_a, S.SUBMITTED)
    client.force_login(officer)
    url = reverse("registry:registration-action", args=[registration.pk, "approve"])

    for response in (client.get(url), client.post(url)):
        assert response.status_code == 200
        assert "Approve the registration for 2022 of Đoàn xã Hương Trà" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == S.SUBMITTED
    assert mailoutbox == []


def test_confirmed_approval_approves_and_a_second_confirm_says_so(
    client, officer, make_registration, model_a, english
):
    registration = make_registration(model_a, S.SUBMITTED)
    client.force_login(officer)
    url = reverse("registry:registration-action", args=[registration.pk, "approve"])

    response = client.post(url, {"confirm": "1", "queue": "year=2022&status=submitted"})

    assert response.status_code == 302
    assert response.url.endswith("?year=2022&status=submitted")
    registration.refresh_from_db()
    assert registration.status == S.APPROVED
    again = client.post(url, {"confirm": "1"}, follow=True)
    assert "This registration has already been approved." in _messages(again)
    assert registration.transitions.count() == 1
    # Opening the confirmation again explains instead of asking.
    reopened = client.get(url, follow=True)
    assert "This registration has already been approved." in _messages(reopened)


def test_submit_asks_first_and_names_the_upper_union(client, secretary_a, registration_a, english):
    client.force_login(secretary_a)
    url = reverse("registry:registration-action", args=[registration_a.pk, "submit"])

    response = client.post(url)

    assert "to Huyện đoàn Hương Khê for review" in response.content.decode()
    registration_a.refresh_from_db()
    assert registration_a.status == S.DRAFT
    client.post(url, {"confirm": "1"})
    registration_a.refresh_from_db()
    assert registration_a.status == S.SUBMITTED
    again = client.post(url, {"confirm": "1"}, follow=True)
    assert "This registration has already been submitted." in _messages(again)


def test_the_form_submit_button_saves_the_draft_then_asks(client, secretary_a, registration_a):
    client.force_login(secretary_a)
    data = {
        "expected_results": "Hỗ trợ 12 thanh niên khuyết tật.",
        "planned_budget": "15.000.000",
        "budget_sources": "",
        f"count_{registration_a.support_model.target_groups.get().pk}": "12",
        "submit": "1",
    }

    response = client.post(reverse("registry:registration-edit", args=[registration_a.pk]), data)

    assert response.status_code == 302
    assert response.url == reverse(
        "registry:registration-action", args=[registration_a.pk, "submit"]
    )
    registration_a.refresh_from_db()
    assert registration_a.status == S.DRAFT
    assert registration_a.expected_results == "Hỗ trợ 12 thanh niên khuyết tật."


def test_return_and_reopen_need_no_extra_step(client, officer, make_registration, model_a):
    registration = make_registration(model_a, S.SUBMITTED)
    client.force_login(officer)

    client.post(
        reverse("registry:registration-action", args=[registration.pk, "return"]),
        {"reason": "Thiếu kế hoạch"},
    )

    registration.refresh_from_db()
    assert registration.status == S.RETURNED
    assert (
        client.get(
            reverse("registry:registration-action", args=[registration.pk, "return"])
        ).status_code
        == 405
    )


def test_bulk_approval_asks_first_naming_the_union(
    client, officer, make_registration, model_a, english
):
    second = SupportModelFactory(unit=model_a.unit, name="Bếp ăn yêu thương")
    one = make_registration(model_a, S.SUBMITTED)
    two = make_registration(second, S.SUBMITTED)
    client.force_login(officer)
    url = reverse("registry:review-bulk-approve")

    response = client.post(url, {"ids": [one.pk, two.pk], "params": "year=2022"})

    assert response.status_code == 200
    assert "Approve 2 registrations of Đoàn xã Hương Trà?" in response.content.decode()
    assert Registration.objects.filter(status=S.APPROVED).count() == 0

    response = client.post(url, {"ids": [one.pk, two.pk], "params": "year=2022", "confirm": "1"})
    assert response.status_code == 302
    assert response.url.endswith("?year=2022")
    assert Registration.objects.filter(status=S.APPROVED).count() == 2

    again = client.post(
        url, {"ids": [one.pk, two.pk], "params": "year=2022", "confirm": "1"}, follow=True
    )
    texts = _messages(again)
    assert any("already been approved" in t for t in texts)
    assert WorkflowTransition.objects.count() == 2


def test_bulk_confirmation_of_nothing_waiting_goes_back(
    client, officer, make_registration, model_a, english
):
    done = make_registration(model_a, S.APPROVED)
    client.force_login(officer)

    response = client.post(reverse("registry:review-bulk-approve"), {"ids": [done.pk]}, follow=True)

    assert "None of the selected registrations awaits review now." in _messages(response)


def test_bulk_ids_are_bounded(client, officer, english):
    client.force_login(officer)

    response = client.post(
        reverse("registry:review-bulk-approve"),
        {"ids": ["99999999999999999999999", "-1", "x"]},
        follow=True,
    )

    assert response.status_code == 200
    assert "Select at least one registration." in _messages(response)


# --- The model page --------------------------------------------------------------------------


@pytest.fixture
def open_2021(period):
    return PeriodYearFactory(period=period, year=2021)


def test_the_main_button_is_the_current_years_draft_not_an_earlier_year(
    client, secretary_a, model_a, period_year, open_2021, english
):
    model_a.start_date = datetime.date(2022, 3, 1)
    model_a.save()
    draft = RegistrationFactory(support_model=model_a, period_year=period_year)
    client.force_login(secretary_a)

    response = client.get(reverse("registry:model-detail", args=[model_a.pk]))

    main = response.context["main_action"]
    assert (main.kind, main.period_year.year, main.registration) == ("edit", 2022, draft)
    assert response.context["other_years"] == []
    assert "Register for 2021" not in response.content.decode()


def test_years_before_the_model_started_are_not_offered(
    secretary_a, model_a, period_year, open_2021
):
    model_a.start_date = datetime.date(2022, 3, 1)
    model_a.save()

    years = selectors.open_years_to_register(user=secretary_a, model=model_a)

    assert [y.year for y in years] == [2022]


def test_a_model_without_a_registration_offers_the_current_year(
    client, secretary_a, model_a, period_year, open_2021
):
    client.force_login(secretary_a)

    response = client.get(reverse("registry:model-detail", args=[model_a.pk]))

    main = response.context["main_action"]
    assert (main.kind, main.period_year.year) == ("register", 2022)
    assert [y.year for y in response.context["other_years"]] == [2021]


def test_readers_get_no_main_button(client, officer, model_a, period_year):
    client.force_login(officer)

    response = client.get(reverse("registry:model-detail", args=[model_a.pk]))

    assert response.context["main_action"] is None


# --- Continue into this year -----------------------------------------------------------------


def test_home_offers_to_continue_last_years_approved_model(
    client, secretary_a, model_a, period, english
):
    last = PeriodYearFactory(period=period, year=2021)
    PeriodYearFactory(period=period, year=2022)
    approved = RegistrationFactory(support_model=model_a, period_year=last, status=S.APPROVED)
    client.force_login(secretary_a)

    response = client.get(reverse("home") + "?year=2022")

    html = response.content.decode()
    assert "Continue into 2022" in html
    assert reverse("registry:registration-carry-over", args=[approved.pk]) in html
    response = client.post(reverse("registry:registration-carry-over", args=[approved.pk]))
    assert model_a.registrations.filter(year=2022, status=S.DRAFT).exists()
    assert "Continue into 2022" not in client.get(reverse("home") + "?year=2022").content.decode()


# --- Evidence of building steps --------------------------------------------------------------


def _steps_data(model, **files):
    data = {"form-TOTAL_FORMS": "7", "form-INITIAL_FORMS": "7"}
    for i, step in enumerate(ModelStep.Step.values):
        data[f"form-{i}-step"] = str(step)
        data[f"form-{i}-note"] = ""
    data.update(files)
    return data


def test_a_step_takes_an_evidence_file_served_only_in_scope(
    client, secretary_a, secretary_b, officer, other_officer, model_a, media_files
):
    client.force_login(secretary_a)
    upload = SimpleUploadedFile("Biên bản khảo sát.pdf", PDF_BYTES, "application/pdf")
    url = reverse("registry:model-steps", args=[model_a.pk])
    data = _steps_data(model_a)
    data["form-0-done"] = "on"
    data["form-0-done_on"] = "10/02/2022"
    data["form-0-evidence"] = upload

    response = client.post(url, data)

    assert response.status_code == 302
    step = ModelStep.objects.get(support_model=model_a, step=1)
    assert step.evidence_name == "Biên bản khảo sát.pdf"
    assert step.evidence.name.startswith("evidence/") and "Bi" not in step.evidence.name
    evidence_url = reverse("registry:model-step-evidence", args=[model_a.pk, 1])
    for user, code in (
        (secretary_a, 200),
        (officer, 200),
        (secretary_b, 404),
        (other_officer, 404),
    ):
        client.force_login(user)
        response = client.get(evidence_url)
        assert response.status_code == code, user
        if code == 200:
            # Reading it all closes the response (the test client does so at the end).
            assert b"".join(response.streaming_content) == PDF_BYTES
    client.force_login(secretary_a)
    missing = reverse("registry:model-step-evidence", args=[model_a.pk, 2])
    assert client.get(missing).status_code == 404


def test_evidence_follows_the_upload_rules_and_can_be_removed(
    client, secretary_a, model_a, media_files, english, django_capture_on_commit_callbacks
):
    client.force_login(secretary_a)
    url = reverse("registry:model-steps", args=[model_a.pk])
    bad = SimpleUploadedFile("bien-ban.pdf", b"<html><script>alert(1)</script>", "application/pdf")

    response = client.post(url, _steps_data(model_a, **{"form-0-evidence": bad}))

    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["evidence"]
    assert media_files() == []

    good = SimpleUploadedFile("bien-ban.pdf", PDF_BYTES, "application/pdf")
    client.post(url, _steps_data(model_a, **{"form-0-evidence": good}))
    assert len(media_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, _steps_data(model_a, **{"form-0-remove_evidence": "on"}))
    step = ModelStep.objects.get(support_model=model_a, step=1)
    assert not step.evidence and step.evidence_name == ""
    assert media_files() == []


@pytest.mark.parametrize(
    ("action", "status", "who", "code"),
    [
        ("approve", S.SUBMITTED, "officer", 200),
        ("approve", S.SUBMITTED, "other_officer", 404),
        ("approve", S.SUBMITTED, "provincial_viewer", 403),
        ("approve", S.SUBMITTED, "secretary_a", 403),
        ("submit", S.DRAFT, "secretary_a", 200),
        ("submit", S.DRAFT, "secretary_b", 404),
        ("submit", S.DRAFT, "officer", 404),
    ],
)
def test_the_confirmation_page_is_scoped(
    client, cast, make_registration, model_a, action, status, who, code
):
    registration = make_registration(model_a, status)
    client.force_login(cast[who])

    response = client.get(reverse("registry:registration-action", args=[registration.pk, action]))

    assert response.status_code == code
    registration.refresh_from_db()
    assert registration.status == status
