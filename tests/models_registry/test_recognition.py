"""Recognition by the standing committee: criteria computed from the data, overrides only with a
written reason, one decision in force, revocation through the one workflow mechanism, who may
decide, the recognition queue, and bad input on its forms."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doanthanhnien.models import User
from models_registry import recognition_selectors, recognition_services, workflow
from models_registry.models import (
    Commendation,
    Recognition,
    Registration,
    ResultReport,
    WorkflowTransition,
)
from tests.factories import (
    PeriodYearFactory,
    RegistrationFactory,
    ResultReportFactory,
    SupportModelFactory,
    UnitFactory,
    UserFactory,
)

S = Registration.Status
R = ResultReport.Status
D = Recognition.Decision


@pytest.fixture
def years(period):
    return {y: PeriodYearFactory(period=period, year=y) for y in (2020, 2021, 2022)}


@pytest.fixture
def maintain(years):
    """Give ``model`` approved registrations in ``in_years`` (with a plan unless ``plan`` is
    False) and a final report of ``report`` status for each (None: no report)."""

    def make(model, in_years=(2020, 2021, 2022), *, plan=True, report=R.ACCEPTED):
        for year in in_years:
            registration = RegistrationFactory(
                support_model=model,
                period_year=years[year],
                status=S.APPROVED,
                **({} if plan else {"plan_document": ""}),
            )
            if report:
                ResultReportFactory(registration=registration, status=report)
        return model

    return make


def criteria(model, period, year=None):
    return {
        c.key: c for c in recognition_selectors.criteria_for(model=model, period=period, year=year)
    }


def decide(actor, model, period, **kwargs):
    kwargs.setdefault("year", None)
    kwargs.setdefault("decision", D.RECOGNISED)
    kwargs.setdefault("decision_number", "12-QĐ/HĐTN")
    kwargs.setdefault("decision_date", datetime.date(2023, 1, 10))
    return recognition_services.recognition_decide(
        actor=actor, support_model=model, period=period, **kwargs
    )


# --- The criteria, computed ------------------------------------------------------------------


def test_a_model_kept_up_every_year_with_plans_and_an_accepted_report_meets_all(
    model_a, period, maintain
):
    maintain(model_a)

    result = criteria(model_a, period)

    assert {k: c.met for k, c in result.items()} == {
        "maintained": True,
        "plan": True,
        "report": True,
    }
    # Each criterion links to its evidence: three registrations, three plans, three reports.
    assert [len(c.evidence) for c in result.values()] == [3, 3, 3]
    assert result["plan"].evidence[0].url.endswith("/plan/")


def test_a_model_missing_one_year_of_the_period_is_not_maintained(model_a, period, maintain):
    maintain(model_a, in_years=(2020, 2022))

    result = criteria(model_a, period)

    assert result["maintained"].met is False
    assert "2021" in result["maintained"].explanation
    # The other two criteria are judged on the years there are.
    assert result["plan"].met and result["report"].met


def test_a_year_not_yet_registered_counts_as_missing_but_not_before_the_model_started(
    model_a, period, maintain
):
    model_a.start_date = datetime.date(2021, 5, 1)
    model_a.save()
    maintain(model_a, in_years=(2021, 2022))

    assert criteria(model_a, period)["maintained"].met is True


def test_a_registration_awaiting_review_does_not_count_as_maintained(
    model_a, period, years, maintain
):
    maintain(model_a, in_years=(2020, 2021))
    RegistrationFactory(support_model=model_a, period_year=years[2022], status=S.SUBMITTED)

    assert criteria(model_a, period)["maintained"].met is False


def test_a_model_without_a_plan_fails_the_plan_criterion(model_a, period, maintain):
    maintain(model_a, plan=False)

    result = criteria(model_a, period)

    assert result["plan"].met is False
    assert result["plan"].evidence == ()
    assert result["maintained"].met is True


def test_a_model_with_only_a_returned_report_fails_the_report_criterion(
    model_a, period, maintain, english
):
    maintain(model_a, report=R.RETURNED)

    result = criteria(model_a, period)

    assert result["report"].met is False
    assert "not accepted" in result["report"].explanation
    # The returned reports are still linked, so the committee can read them.
    assert len(result["report"].evidence) == 3


def test_an_interim_report_is_not_the_result_report(model_a, period, years):
    registration = RegistrationFactory(
        support_model=model_a, period_year=years[2022], status=S.APPROVED
    )
    ResultReportFactory(registration=registration, kind="interim", status=R.ACCEPTED)

    assert criteria(model_a, period, year=2022)["report"].met is False


def test_criteria_for_one_year_look_at_that_year_only(model_a, period, maintain):
    maintain(model_a, in_years=(2021,))

    assert all(c.met for c in criteria(model_a, period, year=2021).values())
    assert not criteria(model_a, period, year=2022)["maintained"].met


# --- Deciding -------------------------------------------------------------------------------


def test_recognising_records_the_decision_the_criteria_and_the_history(
    model_a, period, maintain, standing, secretary_a, mailoutbox, django_capture_on_commit_callbacks
):
    maintain(model_a)

    with django_capture_on_commit_callbacks(execute=True):
        recognition = decide(standing, model_a, period, decision_number="Số 12-QĐ/HĐTN")

    assert recognition.decision == D.RECOGNISED
    assert recognition.decision_number == "12-QĐ/HĐTN"
    assert recognition.decided_by == standing
    assert recognition.unit == model_a.unit
    assert (recognition.maintained_computed, recognition.maintained_met) == (True, True)
    assert recognition.history.count() == 1
    row = WorkflowTransition.objects.get(recognition=recognition)
    assert (row.action, row.actor, row.to_status) == ("recognise", standing, "in_force")
    assert [m.to[0] for m in mailoutbox] == [secretary_a.email]


def test_overriding_a_criterion_without_a_reason_is_refused(model_a, period, maintain, standing):
    maintain(model_a, in_years=(2020, 2022))

    with pytest.raises(recognition_services.RecognitionError) as error:
        decide(standing, model_a, period, overrides={"maintained": True})

    assert error.value.field == "maintained_override_reason"
    assert not Recognition.objects.exists()


def test_overriding_with_a_written_reason_is_recorded(model_a, period, maintain, standing):
    maintain(model_a, in_years=(2020, 2022))
    why = "Năm 2021 mô hình vẫn sinh hoạt đều nhưng Đoàn xã nộp đăng ký bằng giấy."

    recognition = decide(
        standing,
        model_a,
        period,
        overrides={"maintained": True},
        override_reasons={"maintained": why},
    )

    assert recognition.maintained_computed is False
    assert recognition.maintained_met is True
    assert recognition.maintained_override_reason == why


def test_an_override_that_agrees_with_the_data_needs_no_reason(model_a, period, maintain, standing):
    maintain(model_a)

    recognition = decide(standing, model_a, period, overrides={"plan": True})

    assert recognition.plan_override_reason == ""


def test_recognising_with_an_unmet_criterion_is_refused(model_a, period, maintain, standing):
    maintain(model_a, plan=False)

    with pytest.raises(recognition_services.RecognitionError):
        decide(standing, model_a, period)


def test_not_recognising_needs_a_reason(model_a, period, maintain, standing):
    maintain(model_a, report=R.RETURNED)

    with pytest.raises(recognition_services.RecognitionError) as error:
        decide(standing, model_a, period, decision=D.NOT_RECOGNISED, reason="  ")
    assert error.value.field == "reason"

    refusal = decide(
        standing, model_a, period, decision=D.NOT_RECOGNISED, reason="Chưa có báo cáo tổng kết."
    )
    assert refusal.decision == D.NOT_RECOGNISED
    assert WorkflowTransition.objects.get(recognition=refusal).action == "refuse"


def test_one_decision_in_force_per_span_until_it_is_revoked(model_a, period, maintain, standing):
    maintain(model_a)
    first = decide(standing, model_a, period)

    with pytest.raises(recognition_services.RecognitionError):
        decide(standing, model_a, period, decision_number="13-QĐ/HĐTN")
    # A decision for a single year is a different span.
    decide(standing, model_a, period, year=2021, decision_number="14-QĐ/HĐTN")

    with pytest.raises(workflow.InvalidTransition):
        recognition_services.recognition_revoke(actor=standing, recognition=first, reason="")
    recognition_services.recognition_revoke(
        actor=standing, recognition=first, reason="Quyết định ghi nhầm số."
    )
    first.refresh_from_db()
    assert first.status == Recognition.Status.REVOKED
    assert first.last_reason == "Quyết định ghi nhầm số."
    assert list(first.transitions.values_list("action", flat=True)) == ["recognise", "revoke"]
    assert first.history.count() == 2

    again = decide(standing, model_a, period, decision_number="15-QĐ/HĐTN")
    assert again.is_in_force


@pytest.mark.parametrize(
    "kwargs",
    [
        {"decision_number": "QĐ/HĐTN"},
        {"decision_number": ""},
        {"decision_number": "12"},
        {"decision_date": None},
        {"decision_date": datetime.date(2019, 12, 31)},
        {"decision": "maybe"},
        {"year": 2019},
    ],
)
def test_the_service_refuses_bad_input(model_a, period, maintain, standing, kwargs):
    maintain(model_a)

    with pytest.raises(recognition_services.RecognitionError):
        decide(standing, model_a, period, **kwargs)


def test_a_decision_date_in_the_future_is_refused(model_a, period, maintain, standing):
    maintain(model_a)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(recognition_services.RecognitionError) as error:
        decide(standing, model_a, period, decision_date=tomorrow)
    assert error.value.field == "decision_date"


# --- Who may decide ---------------------------------------------------------------------------


def decide_url(model, period, year=None):
    return (
        reverse("registry:recognition-decide", args=[model.pk])
        + f"?period={period.pk}"
        + (f"&year={year}" if year else "")
    )


GOOD_POST = {
    "decision": "recognised",
    "decision_number": "12-QĐ/HĐTN",
    "decision_date": "10/01/2023",
}


def test_the_standing_committee_of_the_reviewing_union_decides(
    client, model_a, period, maintain, standing
):
    maintain(model_a)
    client.force_login(standing)

    page = client.get(decide_url(model_a, period))
    assert page.status_code == 200
    assert [c.met for c in page.context["row"].criteria] == [True, True, True]

    response = client.post(decide_url(model_a, period), GOOD_POST)

    recognition = Recognition.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("registry:recognition-detail", args=[recognition.pk])
    assert client.get(response.url).status_code == 200


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("secretary_a", 403),
        ("secretary_b", 403),
        ("officer", 403),
        ("provincial_viewer", 403),
        ("other_officer", 403),
        ("admin_user", 403),
    ],
)
def test_every_other_role_is_refused(client, cast, model_a, period, maintain, who, status):
    maintain(model_a)
    client.force_login(cast[who])

    assert client.get(decide_url(model_a, period)).status_code == status
    assert client.post(decide_url(model_a, period), GOOD_POST).status_code == status
    assert client.get(reverse("registry:recognition-queue")).status_code == status
    assert not Recognition.objects.exists()


def test_a_standing_committee_elsewhere_gets_404(
    client, model_a, period, maintain, province, other_district
):
    maintain(model_a)
    for unit in (other_district, province):
        member = UserFactory(role=User.Role.STANDING, unit=unit)
        client.force_login(member)
        assert client.get(decide_url(model_a, period)).status_code == 404
        assert client.post(decide_url(model_a, period), GOOD_POST).status_code == 404
        with pytest.raises(PermissionDenied):
            decide(member, model_a, period)
    assert not Recognition.objects.exists()


def test_only_the_deciding_union_revokes(
    client, model_a, period, maintain, standing, officer, secretary_a, other_district
):
    maintain(model_a)
    recognition = decide(standing, model_a, period)
    url = reverse("registry:recognition-action", args=[recognition.pk, "revoke"])

    for user, status in ((secretary_a, 403), (officer, 403)):
        client.force_login(user)
        assert client.post(url, {"reason": "x"}).status_code == status
    client.force_login(UserFactory(role=User.Role.STANDING, unit=other_district))
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(standing)
    assert client.get(url).status_code == 405
    assert (
        client.post(reverse("registry:recognition-action", args=[recognition.pk, "x"])).status_code
        == 404
    )
    client.post(url, {"reason": "Sai sót trong hồ sơ."})
    recognition.refresh_from_db()
    assert recognition.status == Recognition.Status.REVOKED


def test_the_unit_and_its_upper_unions_read_the_decision(
    client, model_a, period, maintain, standing, secretary_a, secretary_b, provincial_viewer
):
    maintain(model_a)
    recognition = decide(standing, model_a, period)
    url = reverse("registry:recognition-detail", args=[recognition.pk])

    for user, status in ((secretary_a, 200), (provincial_viewer, 200), (secretary_b, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status


# --- The decision form: bad input -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**GOOD_POST, "decision": ""}, "decision"),
        ({**GOOD_POST, "decision": "perhaps"}, "decision"),
        ({**GOOD_POST, "decision_number": ""}, "decision_number"),
        ({**GOOD_POST, "decision_number": "mười hai"}, "decision_number"),
        ({**GOOD_POST, "decision_number": "1" * 61}, "decision_number"),
        ({**GOOD_POST, "decision_date": "31/02/2023"}, "decision_date"),
        ({**GOOD_POST, "decision_date": "01/01/2999"}, "decision_date"),
        ({**GOOD_POST, "decision_date": "9" * 30}, "decision_date"),
        ({**GOOD_POST, "decision": "not_recognised", "reason": ""}, "reason"),
        ({**GOOD_POST, "reason": "x" * 2001}, "reason"),
        ({**GOOD_POST, "maintained_override": "no"}, "maintained_override_reason"),
        ({**GOOD_POST, "plan_override": "sideways"}, "plan_override"),
    ],
)
def test_bad_input_on_the_decision_form(client, model_a, period, maintain, standing, data, field):
    maintain(model_a)
    client.force_login(standing)

    response = client.post(decide_url(model_a, period), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Recognition.objects.exists()


def test_recognising_a_model_that_misses_a_criterion_shows_why(
    client, model_a, period, maintain, standing
):
    maintain(model_a, plan=False)
    client.force_login(standing)

    response = client.post(decide_url(model_a, period), GOOD_POST)

    assert response.status_code == 200
    assert "decision" in response.context["form"].errors
    assert not Recognition.objects.exists()


@pytest.mark.parametrize("query", ["period=abc", "period=99999999999999", "year=1", "year=x"])
def test_bad_span_parameters_fall_back_to_the_defaults(
    client, model_a, period, maintain, standing, query
):
    maintain(model_a)
    client.force_login(standing)
    url = reverse("registry:recognition-decide", args=[model_a.pk]) + "?" + query

    assert client.get(url).status_code == 200


# --- The recognition queue ----------------------------------------------------------------------


def _fill(district, maintain, n):
    for _ in range(n):
        maintain(SupportModelFactory(unit=UnitFactory(parent=district)), in_years=(2021, 2022))


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_the_queue_shows_the_criteria_and_costs_the_same_with_ten_times_the_data(
    client, standing, district, period, maintain
):
    client.force_login(standing)
    url = reverse("registry:recognition-queue") + f"?period={period.pk}"
    client.get(url)  # the first page view after logging in may refresh the session

    _fill(district, maintain, 3)
    few, response = _queries(client, url)
    assert len(response.context["rows"]) == 3
    # Without a start date a model starts with its first registration (2021 here).
    assert all(row.all_met for row in response.context["rows"])

    _fill(district, maintain, 27)
    many, response = _queries(client, url)
    assert len(response.context["rows"]) == 30

    assert many == few


def test_the_queue_lists_the_reviewing_units_models_and_filters_by_decision(
    client, standing, model_a, model_b, model_c, period, maintain
):
    for model in (model_a, model_b, model_c):
        maintain(model)
    decide(standing, model_a, period)
    client.force_login(standing)
    url = reverse("registry:recognition-queue") + f"?period={period.pk}"

    shown = {row.model.pk for row in client.get(url).context["rows"]}
    assert shown == {model_a.pk, model_b.pk}  # not the other district's
    undecided = client.get(url + "&decision=undecided").context["rows"]
    assert [row.model.pk for row in undecided] == [model_b.pk]
    recognised = client.get(url + "&decision=recognised").context["rows"]
    assert [row.model.pk for row in recognised] == [model_a.pk]
    assert recognised[0].decision.decision_number == "12-QĐ/HĐTN"
    assert [r.model.pk for r in client.get(url + "&q=tu sach").context["rows"]] == [model_a.pk]


@pytest.mark.parametrize(
    "query",
    [
        "period=x",
        "period=" + "9" * 30,
        "period=-1",
        "year=abc",
        "year=2019",
        "year=" + "9" * 30,
        "decision=zzz",
        "page=-3",
        "q=" + "a" * 500,
    ],
)
def test_bad_queue_parameters_never_fail(client, standing, model_a, period, maintain, query):
    maintain(model_a)
    client.force_login(standing)

    assert client.get(reverse("registry:recognition-queue") + "?" + query).status_code == 200


# --- Commendations ---------------------------------------------------------------------------


COMMENDATION = {
    "level": "certificate",
    "recipient_name": "",
    "decision_number": "25-QĐ/HĐTN",
    "decision_date": "26/03/2022",
    "content": "Có thành tích xuất sắc trong triển khai mô hình.",
}


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("officer", 302),
        ("standing", 302),
        ("provincial_viewer", 302),
        ("secretary_a", 403),
        ("secretary_b", 403),
        ("other_officer", 404),
    ],
)
def test_upper_unions_record_commendations(client, cast, model_a, who, status):
    client.force_login(cast[who])
    url = reverse("registry:commendation-create", args=[model_a.pk])

    response = client.post(url, COMMENDATION)

    assert response.status_code == status
    if status == 302:
        commendation = Commendation.objects.get()
        assert commendation.awarded_by == cast[who].unit
        assert commendation.recipient == model_a.unit.name
        assert commendation.history.count() == 1
        page = client.get(reverse("registry:model-detail", args=[model_a.pk]))
        assert "25-QĐ/HĐTN" in page.content.decode()
    else:
        assert not Commendation.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({**COMMENDATION, "level": "gold"}, "level"),
        ({**COMMENDATION, "decision_number": "abc"}, "decision_number"),
        ({**COMMENDATION, "decision_date": "30/02/2022"}, "decision_date"),
        ({**COMMENDATION, "decision_date": "01/01/2999"}, "decision_date"),
        ({**COMMENDATION, "content": ""}, "content"),
        ({**COMMENDATION, "content": "   "}, "content"),
        ({**COMMENDATION, "recipient_name": "x" * 121}, "recipient_name"),
    ],
)
def test_bad_input_on_the_commendation_form(client, officer, model_a, data, field):
    client.force_login(officer)

    response = client.post(reverse("registry:commendation-create", args=[model_a.pk]), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Commendation.objects.exists()
