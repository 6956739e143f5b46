"""Result report pages across the cast, evidence files, the report queue's query count.

The object of each request is commune A's (Hương Trà): the own unit of ``secretary_a``, a
sibling's for ``secretary_b``, the unit directly below ``officer`` and ``standing``, another
district's for ``other_officer``, inside the province for the read-only ``provincial_viewer``.
"""

import datetime

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from models_registry.models import Registration, ResultReport, ResultReportEvidence
from models_registry.services import reminders_send
from tests.factories import (
    PDF_BYTES,
    PNG_BYTES,
    RegistrationFactory,
    ResultReportFactory,
    SupportModelFactory,
    UnitFactory,
)

R = ResultReport.Status
S = Registration.Status

WHO = (
    "secretary_a",
    "secretary_b",
    "officer",
    "standing",
    "other_officer",
    "provincial_viewer",
    "admin_user",
)


@pytest.fixture
def approved_a(model_a, model_b, model_c, period_year):
    # Siblings and the other district have reports too, so a leak would show.
    for model in (model_b, model_c):
        ResultReportFactory(
            registration=RegistrationFactory(
                support_model=model, period_year=period_year, status=S.APPROVED
            ),
            status=R.SUBMITTED,
        )
    return RegistrationFactory(support_model=model_a, period_year=period_year, status=S.APPROVED)


@pytest.fixture
def report(approved_a):
    def make(status=R.DRAFT):
        made = ResultReportFactory(registration=approved_a, status=status)
        ResultReportEvidence.objects.create(
            report=made,
            file=SimpleUploadedFile("anh.png", PNG_BYTES),
            original_name="Ảnh sinh hoạt.png",
            uploaded_by=None,
        )
        return made

    return make


def expand(table):
    return [
        pytest.param(*head, who, code, id=f"{head[0]}-{who}-{code}")
        for *head, codes in table
        for who, code in zip(WHO, codes, strict=True)
    ]


READS = [
    ("report-create", R.DRAFT, (200, 404, 404, 404, 404, 403, 200)),
    ("report-detail", R.SUBMITTED, (200, 404, 200, 200, 404, 200, 200)),
    ("report-edit", R.DRAFT, (200, 404, 404, 404, 404, 403, 200)),
    ("report-evidence-file", R.SUBMITTED, (200, 404, 200, 200, 404, 200, 200)),
    ("report-queue", R.SUBMITTED, (200, 200, 200, 200, 200, 200, 200)),
]


def read_url(name, obj):
    if name == "report-create":
        # An interim report is still open to write (the fixture's report is the final one).
        return reverse("registry:report-create", args=[obj.registration_id]) + "?kind=interim"
    if name == "report-evidence-file":
        return reverse(name and f"registry:{name}", args=[obj.pk, obj.evidence.get().pk])
    if name == "report-queue":
        return reverse("registry:report-queue")
    return reverse(f"registry:{name}", args=[obj.pk])


@pytest.mark.parametrize(("name", "status", "who", "code"), expand(READS))
def test_reads(client, cast, report, name, status, who, code):
    obj = report(status)
    client.force_login(cast[who])

    response = client.get(read_url(name, obj))

    assert response.status_code == code
    response.close()


# "302+": a redirect after the change was made; a bare code changed nothing.
WRITES = [
    ("submit", R.DRAFT, ("302+", 404, 404, 404, 404, 403, "302+")),
    ("withdraw", R.SUBMITTED, ("302+", 404, 404, 404, 404, 403, "302+")),
    ("accept", R.SUBMITTED, (403, 403, "302+", "302+", 404, 403, "302+")),
    ("return", R.SUBMITTED, (403, 403, "302+", "302+", 404, 403, "302+")),
    ("evidence-add", R.DRAFT, ("302+", 404, 404, 404, 404, 403, "302+")),
    ("evidence-delete", R.DRAFT, ("302+", 404, 404, 404, 404, 403, "302+")),
]
TARGETS = {"submit": R.SUBMITTED, "withdraw": R.DRAFT, "accept": R.ACCEPTED, "return": R.RETURNED}


def write_request(name, obj):
    if name in TARGETS:
        url = reverse("registry:report-action", args=[obj.pk, name])
        return url, {"reason": "Bổ sung ảnh hoạt động"}
    if name == "evidence-add":
        upload = SimpleUploadedFile("bien-ban.pdf", PDF_BYTES)
        return reverse("registry:report-evidence-add", args=[obj.pk]), {"file": upload}
    evidence = obj.evidence.get()
    return reverse("registry:report-evidence-delete", args=[obj.pk, evidence.pk]), {}


@pytest.mark.parametrize(("name", "status", "who", "code"), expand(WRITES))
def test_writes(
    client, cast, report, mailoutbox, django_capture_on_commit_callbacks, name, status, who, code
):
    obj = report(status)
    client.force_login(cast[who])
    url, data = write_request(name, obj)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    changed = str(code).endswith("+")
    assert response.status_code == int(str(code).rstrip("+"))
    obj.refresh_from_db()
    if name in TARGETS:
        assert obj.status == (TARGETS[name] if changed else status)
        assert obj.transitions.exists() == changed
    elif name == "evidence-add":
        assert obj.evidence.count() == (2 if changed else 1)
    else:
        assert obj.evidence.exists() != changed


@pytest.mark.parametrize(
    "name", ["report-detail", "report-evidence-file", "report-queue", "report-create"]
)
def test_strangers_are_sent_to_log_in(client, report, name):
    response = client.get(read_url(name, report(R.SUBMITTED)))

    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("name", ["submit", "accept", "evidence-add"])
def test_writes_refuse_get(client, secretary_a, report, name):
    obj = report(R.DRAFT)
    client.force_login(secretary_a)

    assert client.get(write_request(name, obj)[0]).status_code == 405


def test_an_unknown_action_is_404(client, secretary_a, report):
    client.force_login(secretary_a)

    url = reverse("registry:report-action", args=[report().pk, "approve"])

    assert client.post(url).status_code == 404


# --- Writing a report on a phone -------------------------------------------------------------


def test_the_secretary_writes_and_submits_a_report(
    client, secretary_a, approved_a, group_disabled, mailoutbox
):
    client.force_login(secretary_a)
    url = reverse("registry:report-create", args=[approved_a.pk]) + "?kind=final"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["area"].initial == approved_a.support_model.area

    response = client.post(
        url,
        {
            "kind": "final",
            "unit_address": "Nhà văn hóa thôn 3",
            "area": "Thôn 1, thôn 3",
            "start_date": "01/04/2022",
            "form_and_content": "Sinh hoạt hằng tháng",
            "results": "12 em được hỗ trợ",
            f"total_{group_disabled.pk}": "12",
            f"female_{group_disabled.pk}": "5",
            "funds_union": "3.000.000",
            "funds_sponsors": "10.500.000",
            "submit": "1",
        },
    )

    report = ResultReport.objects.get(registration=approved_a)
    assert response.status_code == 302
    assert response.url == reverse("registry:report-detail", args=[report.pk])
    assert report.status == R.SUBMITTED
    assert (report.funds_union, report.funds_sponsors, report.funds_total) == (
        3_000_000,
        10_500_000,
        13_500_000,
    )
    assert list(report.targets.values_list("total", "female")) == [(12, 5)]
    assert report.transitions.get().action == "submit"


def test_more_female_than_total_is_refused_next_to_the_field(
    client, secretary_a, approved_a, group_disabled
):
    client.force_login(secretary_a)
    url = reverse("registry:report-create", args=[approved_a.pk])

    response = client.post(
        url,
        {"kind": "final", f"total_{group_disabled.pk}": "3", f"female_{group_disabled.pk}": "9"},
    )

    assert response.status_code == 200
    assert f"female_{group_disabled.pk}" in response.context["form"].errors
    assert not ResultReport.objects.filter(registration=approved_a).exists()


@pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.RETURNED])
def test_no_report_page_for_a_registration_not_approved(
    client, secretary_a, make_registration, model_a, status
):
    registration = make_registration(model_a, status)
    client.force_login(secretary_a)

    response = client.post(
        reverse("registry:report-create", args=[registration.pk]), {"kind": "final"}
    )

    assert response.status_code == 302
    assert response.url == reverse("registry:registration-detail", args=[registration.pk])
    assert not ResultReport.objects.exists()


def test_a_submitted_report_cannot_be_edited(client, secretary_a, report):
    obj = report(R.SUBMITTED)
    client.force_login(secretary_a)

    response = client.post(reverse("registry:report-edit", args=[obj.pk]), {"results": "khác"})

    assert response.status_code == 302
    obj.refresh_from_db()
    assert obj.results != "khác"


def test_the_registration_page_offers_the_report(client, secretary_a, approved_a):
    client.force_login(secretary_a)

    response = client.get(reverse("registry:registration-detail", args=[approved_a.pk]))

    assert response.context["report_kinds"] == ["interim", "final"]
    assert reverse("registry:report-create", args=[approved_a.pk]) in response.text


def test_due_reports_show_on_the_home_page_and_my_union(client, secretary_a, report, approved_a):
    returned = report(R.RETURNED)
    returned.last_reason = "Thiếu ảnh hoạt động"
    returned.save()
    client.force_login(secretary_a)

    for url in (reverse("home"), reverse("registry:my-unit")):
        response = client.get(url)
        assert "Thiếu ảnh hoạt động" in response.text
        assert reverse("registry:report-detail", args=[returned.pk]) in response.text


# --- Evidence ----------------------------------------------------------------------------------


def test_a_file_whose_content_lies_is_refused(client, secretary_a, report, media_files):
    obj = report(R.DRAFT)
    before = media_files()
    client.force_login(secretary_a)

    client.post(
        reverse("registry:report-evidence-add", args=[obj.pk]),
        {"file": SimpleUploadedFile("anh.png", b"MZ\x90\x00 not an image")},
    )

    assert obj.evidence.count() == 1
    assert media_files() == before


def test_publishing_needs_consent(client, secretary_a, report):
    obj = report(R.DRAFT)
    client.force_login(secretary_a)

    client.post(
        reverse("registry:report-evidence-add", args=[obj.pk]),
        {"file": SimpleUploadedFile("anh.png", PNG_BYTES), "publishable": "on"},
    )
    assert obj.evidence.count() == 1

    client.post(
        reverse("registry:report-evidence-add", args=[obj.pk]),
        {
            "file": SimpleUploadedFile("anh.png", PNG_BYTES),
            "publishable": "on",
            "consent_confirmed": "on",
            "caption": "Buổi tặng sách",
        },
    )
    added = obj.evidence.get(caption="Buổi tặng sách")
    assert (added.publishable, added.consent_confirmed) == (True, True)


def test_evidence_is_served_under_its_own_name(client, officer, report):
    obj = report(R.SUBMITTED)
    client.force_login(officer)

    response = client.get(read_url("report-evidence-file", obj))

    assert response["Content-Type"] == "image/png"
    assert "inline" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PNG_BYTES
    response.close()


# --- Reminders about missing reports ---------------------------------------------------------


def test_reminders_reach_a_union_whose_report_is_missing(
    approved_a, period_year, commune_a, commune_b, secretary_a, secretary_b, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    period_year.report_deadline = timezone.localdate() + datetime.timedelta(days=5)
    period_year.save()
    units = commune_a.__class__.objects.filter(pk__in=[commune_a.pk, commune_b.pk])

    with django_capture_on_commit_callbacks(execute=True):
        sent = reminders_send(year=2022, units=units)

    # Commune B's final report is in (submitted); commune A's approved model has none.
    assert sent.mails == 1
    assert [m.to[0] for m in mailoutbox] == [secretary_a.email]
    assert "result report" in mailoutbox[0].subject or "báo cáo" in mailoutbox[0].subject


# --- The queue: filters, scope and a constant number of queries -------------------------------


def _fill(district, period_year, n):
    for _ in range(n):
        unit = UnitFactory(parent=district)
        registration = RegistrationFactory(
            support_model=SupportModelFactory(unit=unit), period_year=period_year, status=S.APPROVED
        )
        ResultReportFactory(registration=registration, status=R.SUBMITTED)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_the_queue_costs_the_same_with_ten_times_the_data(client, officer, district, period_year):
    client.force_login(officer)
    url = reverse("registry:report-queue") + "?year=2022&status=submitted"

    _fill(district, period_year, 3)
    _queries(client, url)  # the first page view after logging in may refresh the session
    few, response = _queries(client, url)
    assert len(response.context["rows"]) == 3

    _fill(district, period_year, 27)
    many, response = _queries(client, url)
    assert len(response.context["rows"]) == 30

    assert many == few


def test_the_queue_is_scoped_and_filtered(client, officer, approved_a, report):
    mine = report(R.SUBMITTED)
    client.force_login(officer)

    response = client.get(reverse("registry:report-queue"))
    shown = {row.pk for row in response.context["rows"]}
    # Commune A's and commune B's, not the other district's.
    assert mine.pk in shown
    assert len(shown) == 2
    assert all(row.reviewable for row in response.context["rows"])

    response = client.get(reverse("registry:report-queue") + "?q=tu sach")
    assert {row.pk for row in response.context["rows"]} == {mine.pk}
    response = client.get(reverse("registry:report-queue") + "?status=accepted")
    assert response.context["rows"] == []


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "status=nonsense",
        "unit=999999",
        "kind=x",
        "late=maybe",
        "page=-1",
        "q=" + "a" * 500,
    ],
)
def test_bad_queue_parameters_never_fail(client, officer, report, query):
    report(R.SUBMITTED)
    client.force_login(officer)

    assert client.get(reverse("registry:report-queue") + "?" + query).status_code == 200
