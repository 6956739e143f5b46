"""The library of good models at /library/: what it shows (recognised models, across the
province, through the one scoping function), search and filters, attachments under Decree
13/2023, replication, and a constant number of queries."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from doanthanhnien.models import Unit, User
from doanthanhnien.scoping import Perm, scoped
from models_registry import recognition_selectors, recognition_services
from models_registry.models import (
    Commendation,
    ModelStep,
    Recognition,
    Registration,
    ResultReport,
    ResultReportEvidence,
    SupportModel,
)
from models_registry.report_services import evidence_add
from tests.factories import (
    PNG_BYTES,
    ModelCategoryFactory,
    PeriodYearFactory,
    RegistrationFactory,
    ResultReportFactory,
    SupportModelFactory,
    TargetGroupFactory,
    UnitFactory,
    UserFactory,
)

S = Registration.Status
R = ResultReport.Status
D = Recognition.Decision
LIBRARY = reverse("library:index")


@pytest.fixture
def year_2021(period):
    return PeriodYearFactory(period=period, year=2021)


@pytest.fixture
def recognise(standing, other_district, period, year_2021):
    """Approve ``model`` for 2021 with an accepted final report of ``youth`` (per group) and
    recognise it for 2021 (by the standing committee of its district)."""

    def make(model, *, youth=(6, 2), decision=D.RECOGNISED, by=None):
        registration = RegistrationFactory(
            support_model=model, period_year=year_2021, status=S.APPROVED
        )
        report = ResultReportFactory(
            registration=registration,
            status=R.ACCEPTED,
            targets=dict.fromkeys(model.target_groups.all(), youth),
        )
        member = by or (
            standing
            if model.unit.parent_id == standing.unit_id
            else UserFactory(role=User.Role.STANDING, unit=model.unit.parent)
        )
        recognition_services.recognition_decide(
            actor=member,
            support_model=model,
            period=period,
            year=2021,
            decision=decision,
            reason="" if decision == D.RECOGNISED else "Chưa hiệu quả.",
            decision_number="12-QĐ/HĐTN",
            decision_date=datetime.date(2022, 1, 10),
        )
        return report

    return make


def entries(client, query=""):
    response = client.get(LIBRARY + query)
    assert response.status_code == 200
    return [e.model.pk for e in response.context["entries"]]


# --- What the library shows, and to whom ----------------------------------------------------


def test_it_shows_recognised_models_only(client, secretary_b, model_a, model_b, recognise):
    recognise(model_a)
    recognise(model_b, decision=D.NOT_RECOGNISED)
    client.force_login(secretary_b)

    assert entries(client) == [model_a.pk]


def test_a_revoked_recognition_leaves_the_library(
    client, secretary_b, standing, model_a, recognise
):
    recognise(model_a)
    recognition_services.recognition_revoke(
        actor=standing, recognition=Recognition.objects.get(), reason="Sai số quyết định."
    )
    client.force_login(secretary_b)

    assert entries(client) == []
    assert client.get(reverse("library:detail", args=[model_a.pk])).status_code == 404


def test_every_logged_in_user_of_the_province_sees_it(
    client, cast, model_a, model_c, commune_c, recognise
):
    recognise(model_a)
    recognise(model_c)
    secretary_c = UserFactory(role=User.Role.SECRETARY, unit=commune_c)

    for user in [*cast.values(), secretary_c]:
        client.force_login(user)
        assert sorted(entries(client)) == sorted([model_a.pk, model_c.pk]), user.username


def test_another_province_does_not_see_it(client, model_a, recognise):
    recognise(model_a)
    other_province = UnitFactory(code="48", name="Tỉnh đoàn Đà Nẵng", kind=Unit.Kind.PROVINCE)
    stranger = UserFactory(role=User.Role.SECRETARY, unit=UnitFactory(parent=other_province))
    client.force_login(stranger)

    assert entries(client) == []
    assert client.get(reverse("library:detail", args=[model_a.pk])).status_code == 404


def test_strangers_are_sent_to_log_in(client, model_a, recognise):
    recognise(model_a)

    response = client.get(LIBRARY)

    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_the_rule_lives_in_the_scoping_function(admin_user, model_a, model_b, recognise):
    recognise(model_a)

    # Even the administrator's library is only what is published.
    library = scoped(admin_user, SupportModel.objects.all(), Perm.LIBRARY)
    assert list(library) == [model_a]
    assert scoped(admin_user, Unit.objects.all(), Perm.LIBRARY).count() == 0


# --- An entry ----------------------------------------------------------------------------------


def test_an_entry_has_its_facts_youth_results_and_commendations(
    client, secretary_b, officer, model_a, recognise
):
    recognise(model_a, youth=(7, 3))
    recognition_services.commendation_create(
        actor=officer,
        support_model=model_a,
        level="certificate",
        decision_number="30-QĐ/HĐTN",
        decision_date=datetime.date(2022, 2, 1),
        content="Thành tích xuất sắc.",
    )
    client.force_login(secretary_b)

    entry = client.get(LIBRARY).context["entries"][0]
    assert entry.years == [2021]
    assert entry.youth == 7
    assert "12 thanh thiếu niên" in entry.results
    assert [c.decision_number for c in entry.commendations] == ["30-QĐ/HĐTN"]
    assert [r.decision_number for r in entry.recognitions] == ["12-QĐ/HĐTN"]

    page = client.get(reverse("library:detail", args=[model_a.pk]))
    assert page.status_code == 200
    assert page.context["youth_by_group"][0]["female"] == 3
    assert "30-QĐ/HĐTN" in page.content.decode()


# --- Search and filters ------------------------------------------------------------------------


def test_search_ignores_accents_and_filters_narrow(
    client, secretary_a, model_a, model_b, model_c, district, recognise
):
    for model in (model_a, model_b, model_c):
        recognise(model)
    client.force_login(secretary_a)

    assert entries(client, "?q=tu sach") == [model_a.pk]
    assert entries(client, "?q=TỦ SÁCH") == [model_a.pk]
    assert entries(client, "?q=huong trach") == [model_b.pk]
    category = ModelCategoryFactory(code=4)
    assert entries(client, f"?category={category.pk}") == [model_b.pk]
    poor = TargetGroupFactory(code=3)
    assert entries(client, f"?target_group={poor.pk}") == [model_b.pk]
    assert sorted(entries(client, f"?unit={district.pk}")) == sorted([model_a.pk, model_b.pk])
    assert len(entries(client, "?year=2021")) == 3
    assert entries(client, "?year=2022") == []


@pytest.mark.parametrize(
    "query",
    [
        "?category=abc",
        "?target_group=999999",
        "?unit=-1",
        "?unit=99999999999999999999",
        "?year=abc",
        "?year=99999999999999999999999999999",
        "?page=zzz",
        "?q=" + "ă" * 500,
    ],
)
def test_bad_filters_never_fail(client, secretary_a, model_a, recognise, query):
    recognise(model_a)
    client.force_login(secretary_a)

    response = client.get(LIBRARY + query)

    assert response.status_code == 200


# --- Attachments under Decree 13/2023 -----------------------------------------------------------


def _photo(report, user, *, publish):
    return evidence_add(
        actor=user,
        report=report,
        upload=SimpleUploadedFile("anh.png", PNG_BYTES, content_type="image/png"),
        caption="Ảnh" + (" công khai" if publish else " nội bộ"),
        publishable=publish,
        consent_confirmed=publish,
    )


def test_only_published_attachments_reach_the_library(
    client, model_a, secretary_a, secretary_b, officer, recognise
):
    report = recognise(model_a)
    # Attach while the report is still editable, then accept it again.
    ResultReport.objects.filter(pk=report.pk).update(status=R.DRAFT)
    public = _photo(report, secretary_a, publish=True)
    private = _photo(report, secretary_a, publish=False)
    ResultReport.objects.filter(pk=report.pk).update(status=R.ACCEPTED)

    client.force_login(secretary_b)
    entry = client.get(LIBRARY).context["entries"][0]
    assert [e.pk for e in entry.photos] == [public.pk]
    assert client.get(reverse("library:file", args=[model_a.pk, public.pk])).status_code == 200
    assert client.get(reverse("library:file", args=[model_a.pk, private.pk])).status_code == 404
    # The file of another commune's report stays out of reach through the report, too.
    report_file = reverse("registry:report-evidence-file", args=[report.pk, private.pk])
    assert client.get(report_file).status_code == 404

    # The union and its upper unions still see the private one where it belongs.
    for user in (secretary_a, officer):
        client.force_login(user)
        assert client.get(report_file).status_code == 200


def test_a_photo_of_an_unrecognised_model_is_not_in_the_library(
    client, model_a, secretary_a, secretary_b, period_year
):
    registration = RegistrationFactory(
        support_model=model_a, period_year=period_year, status=S.APPROVED
    )
    report = ResultReportFactory(registration=registration)
    photo = _photo(report, secretary_a, publish=True)
    client.force_login(secretary_b)

    assert client.get(reverse("library:file", args=[model_a.pk, photo.pk])).status_code == 404
    assert not scoped(secretary_b, ResultReportEvidence.objects.all(), Perm.LIBRARY).exists()


# --- Replication ----------------------------------------------------------------------------------


def test_replicating_copies_the_right_fields_and_links_the_origin(
    client, model_a, secretary_b, commune_b, recognise
):
    recognise(model_a)
    model_a.contact = "0912 345 678"
    model_a.start_date = datetime.date(2020, 4, 1)
    model_a.save()
    client.force_login(secretary_b)

    response = client.post(reverse("library:replicate", args=[model_a.pk]))

    replica = SupportModel.objects.get(replicated_from=model_a)
    assert response.status_code == 302
    assert response.url == reverse("registry:model-edit", args=[replica.pk])
    assert replica.unit == commune_b
    assert replica.created_by == secretary_b
    assert (replica.name, replica.category, replica.description) == (
        model_a.name,
        model_a.category,
        model_a.description,
    )
    assert list(replica.target_groups.all()) == list(model_a.target_groups.all())
    # What belongs to the origin's union is not copied: the area, the people, the dates.
    assert (replica.area, replica.implementers, replica.contact) == ("", "", "")
    assert replica.start_date is None
    assert not replica.registrations.exists()  # a draft: nothing registered yet
    assert ModelStep.objects.filter(support_model=replica, done=False).count() == 7


def test_the_library_counts_replicas_and_how_far_each_got(
    client, model_a, secretary_b, commune_b, commune_c, recognise, period_year
):
    recognise(model_a)
    secretary_c = UserFactory(role=User.Role.SECRETARY, unit=commune_c)
    first = recognition_services.support_model_replicate(actor=secretary_b, origin=model_a)
    recognition_services.support_model_replicate(actor=secretary_c, origin=model_a)
    RegistrationFactory(support_model=first, period_year=period_year, status=S.APPROVED)
    client.force_login(secretary_c)

    entry = client.get(LIBRARY).context["entries"][0]

    assert entry.replica_count == 2
    assert {(r.unit_name, r.stage) for r in entry.replicas} == {
        (commune_b.name, "approved"),
        (commune_c.name, "started"),
    }
    detail = client.get(reverse("library:detail", args=[model_a.pk]))
    assert detail.context["my_replica"].unit == commune_c
    assert detail.context["may_replicate"] is False


def test_replicating_twice_or_ones_own_model_is_refused(
    client, model_a, secretary_a, secretary_b, recognise
):
    recognise(model_a)
    client.force_login(secretary_b)
    client.post(reverse("library:replicate", args=[model_a.pk]))

    response = client.post(reverse("library:replicate", args=[model_a.pk]))
    assert response.status_code == 302
    assert SupportModel.objects.filter(replicated_from=model_a).count() == 1

    with pytest.raises(recognition_services.RecognitionError):
        recognition_services.support_model_replicate(actor=secretary_a, origin=model_a)


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 403), ("standing", 403), ("provincial_viewer", 403), ("admin_user", 403)],
)
def test_only_grassroots_unions_replicate(client, cast, model_a, recognise, who, status):
    recognise(model_a)
    client.force_login(cast[who])

    assert client.post(reverse("library:replicate", args=[model_a.pk])).status_code == status
    assert not SupportModel.objects.filter(replicated_from=model_a).exists()


def test_an_unrecognised_model_cannot_be_replicated(client, model_a, secretary_b):
    client.force_login(secretary_b)

    assert client.post(reverse("library:replicate", args=[model_a.pk])).status_code == 404
    assert client.get(reverse("library:replicate", args=[model_a.pk])).status_code == 405
    with pytest.raises(PermissionDenied):
        recognition_services.support_model_replicate(actor=secretary_b, origin=model_a)


# --- A constant number of queries --------------------------------------------------------------


def _fill(district, recognise, n):
    for _ in range(n):
        model = SupportModelFactory(unit=UnitFactory(parent=district))
        report = recognise(model)
        ResultReportEvidence.objects.create(
            report=report,
            file="evidence/x.png",
            original_name="x.png",
            publishable=True,
            consent_confirmed=True,
        )
        SupportModel.objects.create(
            unit=UnitFactory(parent=district),
            name="Bản nhân rộng",
            category=model.category,
            replicated_from=model,
        )


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_the_library_costs_the_same_with_ten_times_the_data(
    client, secretary_a, district, recognise
):
    client.force_login(secretary_a)
    client.get(LIBRARY)  # the first view after logging in may refresh the session

    _fill(district, recognise, 2)
    few, response = _queries(client, LIBRARY)
    assert len(response.context["entries"]) == 2

    _fill(district, recognise, 18)
    many, response = _queries(client, LIBRARY)
    assert len(response.context["entries"]) == 20
    assert all(e.replica_count == 1 and len(e.photos) == 1 for e in response.context["entries"])

    assert many == few


def test_library_entries_selector_handles_an_empty_page(secretary_a):
    assert recognition_selectors.library_entries(user=secretary_a, models=[]) == []


# --- Demo data -------------------------------------------------------------------------------


def test_seed_demo_adds_decisions_a_commendation_and_a_replica(db):
    call_command("seed_demo", force=True, stdout=io.StringIO())

    decisions = Recognition.objects.filter(decided_by__username="demo_btv")
    assert decisions.filter(decision=D.RECOGNISED).count() == 2
    refused = decisions.get(decision=D.NOT_RECOGNISED)
    assert refused.reason
    assert refused.transitions.get().action == "refuse"
    commendation = Commendation.objects.get()
    assert commendation.awarded_by.code == "42"
    replica = SupportModel.objects.get(unit__code="18553", replicated_from__isnull=False)
    assert replica.replicated_from.unit.parent.code == "444"
    assert replica.replicated_from.unit.code != "18550"  # Hương Trà is left for the journey
    assert commendation.support_model == replica.replicated_from
    # The library shows the two recognised models to demo_xa2, the replica counted.
    xa2 = User.objects.get(username="demo_xa2")
    library = recognition_selectors.library_models(
        user=xa2, filters=recognition_selectors.LibraryFilters()
    )
    entries = recognition_selectors.library_entries(user=xa2, models=library)
    assert len(entries) == 2
    assert sum(e.replica_count for e in entries) == 1
