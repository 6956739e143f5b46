"""The upper union's side: review queue, bulk approval, completeness, reminders."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from doanthanhnien.models import Unit, User
from models_registry.models import (
    ModelCategory,
    Registration,
    ReminderLog,
    TargetGroup,
    WorkflowTransition,
)
from models_registry.selectors import completeness, grassroots_units
from models_registry.services import reminders_send
from tests.factories import (
    ModelCategoryFactory,
    PeriodYearFactory,
    RegistrationFactory,
    SupportModelFactory,
    TargetGroupFactory,
    UnitFactory,
    UserFactory,
)

S = Registration.Status


def names(response):
    return {r.support_model.name for r in response.context["page"].object_list}


# --- The review queue --------------------------------------------------------------------------


@pytest.fixture
def queue(period, period_year, make_registration, model_a, model_b, model_c, commune_a):
    """Submitted work of both communes of the district and of the other district, plus noise."""
    year_2021 = PeriodYearFactory(period=period, year=2021)
    startup = SupportModelFactory(
        unit=commune_a,
        name="Câu lạc bộ khởi nghiệp",
        category=ModelCategoryFactory(code=4),
        target_groups=[TargetGroupFactory(code=4)],
    )
    return {
        "a": make_registration(model_a, S.SUBMITTED),
        "b": make_registration(model_b, S.SUBMITTED),
        "c": make_registration(model_c, S.SUBMITTED),
        "a_2021": make_registration(model_a, S.SUBMITTED, period_year=year_2021),
        "startup": make_registration(startup, S.APPROVED),
    }


A = "Tủ sách đồng hành cùng thanh niên khuyết tật"
B = "Thắp sáng đường quê cho hộ nghèo"
C = "Câu lạc bộ thể thao cho thanh niên khuyết tật"
STARTUP = "Câu lạc bộ khởi nghiệp"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("officer", {A, B}),
        ("standing", {A, B}),
        ("other_officer", {C}),
        ("provincial_viewer", {A, B, C}),
        ("admin_user", {A, B, C}),
        ("secretary_a", set()),  # a union does not review itself
    ],
)
def test_the_queue_shows_submitted_work_in_scope(client, cast, queue, who, expected):
    client.force_login(cast[who])

    response = client.get(reverse("registry:review-queue"))

    assert response.status_code == 200
    assert names(response) == expected


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": ""}, {A, B, STARTUP}),
        ({"status": "approved"}, {STARTUP}),
        ({"status": "returned"}, set()),
        ({"status": "nonsense"}, {A, B}),  # falls back to awaiting review
        ({"year": "2021"}, {A}),
        ({"unit": "commune_b"}, {B}),
        ({"unit": "commune_b", "status": ""}, {B}),
        ({"category": 4, "status": ""}, {B, STARTUP}),
        ({"category": 1}, {A}),
        ({"target_group": 3}, {B}),
        ({"target_group": 4, "status": ""}, {STARTUP}),
        ({"target_group": 1, "category": 4}, set()),
    ],
)
def test_the_queue_filters(request, client, officer, queue, params, expected):
    query = dict(params)
    if "unit" in query:
        query["unit"] = request.getfixturevalue(query["unit"]).pk
    if "category" in query:
        query["category"] = ModelCategory.objects.get(code=query["category"]).pk
    if "target_group" in query:
        query["target_group"] = TargetGroup.objects.get(code=query["target_group"]).pk
    client.force_login(officer)

    response = client.get(reverse("registry:review-queue"), query)

    assert names(response) == expected


@pytest.mark.parametrize(
    ("q", "found", "not_found"),
    [
        ("huong tra", {A}, {C}),
        ("HUONG TRA", {A}, {C}),
        ("Hương Trà", {A}, {C}),
        ("  huong   tra ", {A}, {C}),
        ("huong trach", {B}, {A}),
        ("Hương Trạch", {B}, {A}),
        ("dong hanh", {A}, {B}),
        ("ĐỒNG HÀNH", {A}, {B}),
        ("đường quê", {B}, {A}),
        ("duong que", {B}, {A}),
        ("thach ha", {C}, {A, B}),
        ("khong co gi", set(), {A, B, C}),
    ],
)
def test_search_ignores_accents_and_case(client, admin_user, queue, q, found, not_found):
    client.force_login(admin_user)

    result = names(client.get(reverse("registry:review-queue"), {"q": q}))

    assert found <= result
    assert not (not_found & result)


def test_d_with_stroke_folds_to_d(client, admin_user, queue):
    client.force_login(admin_user)

    with_stroke = names(client.get(reverse("registry:review-queue"), {"q": "đoàn"}))
    without = names(client.get(reverse("registry:review-queue"), {"q": "doan"}))

    # Every union is an "Đoàn ...".
    assert with_stroke == without == {A, B, C}


def test_bulk_approve_approves_only_submitted_work_the_officer_reviews(
    client,
    officer,
    queue,
    make_registration,
    model_b,
    mailoutbox,
    django_capture_on_commit_callbacks,
    secretary_a,
    secretary_b,
):
    draft = make_registration(SupportModelFactory(unit=model_b.unit, name="Bản nháp"), S.DRAFT)
    chosen = [queue["a"], queue["b"], queue["c"], queue["startup"], draft]
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registry:review-bulk-approve"),
            {"ids": [r.pk for r in chosen] + ["x"], "params": "status=submitted", "confirm": "1"},
        )

    assert response.status_code == 302
    assert response.url == reverse("registry:review-queue") + "?status=submitted"
    status = dict(Registration.objects.values_list("pk", "status"))
    assert status[queue["a"].pk] == status[queue["b"].pk] == S.APPROVED
    assert status[queue["c"].pk] == S.SUBMITTED  # the other district's
    assert status[queue["a_2021"].pk] == S.SUBMITTED  # not chosen
    assert status[draft.pk] == S.DRAFT
    approvals = WorkflowTransition.objects.filter(to_status=S.APPROVED)
    assert sorted(approvals.values_list("object_id", flat=True)) == sorted(
        [queue["a"].pk, queue["b"].pk]
    )
    assert set(approvals.values_list("actor", flat=True)) == {officer.pk}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([secretary_a.email, secretary_b.email])


def test_bulk_approve_with_nothing_chosen_changes_nothing(client, officer, queue):
    client.force_login(officer)

    response = client.post(reverse("registry:review-bulk-approve"), {"params": ""})

    assert response.status_code == 302
    assert not WorkflowTransition.objects.exists()


# --- Completeness ------------------------------------------------------------------------------


@pytest.fixture
def laggards(period_year, district, commune_a, commune_b, commune_c, model_a, model_c):
    """The district's grassroots unions for 2022, in every situation.

    commune A approved; commune B nothing; Hương Bình a draft and a returned one; the town of
    Hương Khê only awaiting review. Not counted: a union retired in 2021, one formed in 2023,
    a school union, and the other district's commune C.
    """
    period_year.registration_deadline = datetime.date(2022, 3, 31)
    period_year.save()
    binh = UnitFactory(name="Đoàn xã Hương Bình", parent=district)
    town = UnitFactory(name="Đoàn thị trấn Hương Khê", kind=Unit.Kind.TOWNSHIP, parent=district)
    UnitFactory(name="Đoàn xã Đã Sáp Nhập", parent=district, valid_to=datetime.date(2021, 12, 31))
    UnitFactory(name="Đoàn xã Mới Lập", parent=district, valid_from=datetime.date(2023, 1, 1))
    UnitFactory(name="Đoàn trường THPT Hương Khê", kind=Unit.Kind.SCHOOL, parent=district)
    RegistrationFactory(support_model=model_a, period_year=period_year, status=S.APPROVED)
    RegistrationFactory(support_model__unit=binh, period_year=period_year, status=S.DRAFT)
    RegistrationFactory(support_model__unit=binh, period_year=period_year, status=S.RETURNED)
    RegistrationFactory(support_model__unit=town, period_year=period_year, status=S.SUBMITTED)
    RegistrationFactory(support_model=model_c, period_year=period_year, status=S.SUBMITTED)
    # Last year's work does not count for this year.
    RegistrationFactory(
        support_model__unit=commune_b,
        period_year=PeriodYearFactory(period=period_year.period, year=2021),
        status=S.APPROVED,
    )
    return {"binh": binh, "town": town}


def test_completeness_counts_the_share_with_an_approved_model(client, officer, laggards):
    client.force_login(officer)

    response = client.get(reverse("registry:completeness"), {"year": 2022})

    stats = response.context["stats"]
    assert [(r.name, r.total, r.n_approved) for r in stats.rows] == [
        ("Đoàn xã Hương Trạch", 0, 0),  # nothing at all comes first
        ("Đoàn thị trấn Hương Khê", 1, 0),
        ("Đoàn xã Hương Bình", 2, 0),
        ("Đoàn xã Hương Trà", 1, 1),
    ]
    assert (stats.total, stats.done, stats.without_any) == (4, 1, 1)
    assert stats.share == 25.0
    assert stats.target_share == 100
    assert not stats.reached


@pytest.mark.parametrize(("target", "reached"), [(25, True), (26, False)])
def test_the_kpi_is_reached_at_the_target_share(officer, laggards, period_year, target, reached):
    period_year.target_share = target
    period_year.save()

    assert completeness(user=officer, period_year=period_year).reached is reached


def test_a_higher_minimum_raises_the_bar(officer, laggards, period_year):
    period_year.min_models_per_unit = 2
    period_year.save()

    assert completeness(user=officer, period_year=period_year).done == 0


def test_the_province_sees_one_row_per_district(
    client, provincial_viewer, laggards, district, other_district
):
    client.force_login(provincial_viewer)

    stats = client.get(reverse("registry:completeness"), {"year": 2022}).context["stats"]

    assert stats.total == 5
    assert stats.rows == []  # no commune lies directly under the province in 2022
    rows = [(c.name, c.figures.total, c.figures.done, c.figures.without_any)
            for c in stats.children]  # fmt: skip
    # Furthest behind first: Thạch Hà has nothing approved, Hương Khê one union in four.
    assert rows == [("Huyện đoàn Thạch Hà", 1, 0, 0), ("Huyện đoàn Hương Khê", 4, 1, 1)]
    assert stats.children[1].drill_url.endswith(f"?year=2022&unit={district.pk}")


def test_the_province_drills_down_to_a_district(client, provincial_viewer, laggards, district):
    client.force_login(provincial_viewer)

    response = client.get(reverse("registry:completeness"), {"year": 2022, "unit": district.pk})

    stats = response.context["stats"]
    assert stats.level == district
    assert stats.total == 4
    assert stats.rows[0].name == "Đoàn xã Hương Trạch"
    assert [u.name for u in stats.trail] == ["Tỉnh đoàn Hà Tĩnh"]


# --- Reminders ---------------------------------------------------------------------------------


@pytest.fixture
def secretaries(laggards, secretary_a, secretary_b, commune_c):
    return {
        "a": secretary_a,  # approved: not reminded
        "b": secretary_b,  # nothing: reminded
        "binh": UserFactory(role=User.Role.SECRETARY, unit=laggards["binh"]),  # draft/returned
        "town": UserFactory(role=User.Role.SECRETARY, unit=laggards["town"]),  # submitted
        "c": UserFactory(role=User.Role.SECRETARY, unit=commune_c),  # other district
    }


def test_remind_mails_only_secretaries_of_unions_without_submission(
    client, officer, standing, secretaries, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:completeness-remind"), {"year": 2022})

    assert response.status_code == 302
    assert response.url == reverse("registry:completeness") + "?year=2022"
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [secretaries["b"].email, secretaries["binh"].email]
    )
    assert all(m.subject.startswith("[Hỗ trợ TTN yếu thế]") for m in mailoutbox)


def test_remind_mails_nobody_twice_a_day(
    client, officer, standing, secretaries, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("registry:completeness-remind")
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"year": 2022})
    first = len(mailoutbox)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"year": 2022})
    client.force_login(standing)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"year": 2022})

    assert first == 2
    assert len(mailoutbox) == 2
    assert ReminderLog.objects.count() == 2


def test_reminders_go_out_again_the_next_day(
    officer, secretaries, period_year, mailoutbox, django_capture_on_commit_callbacks
):
    units = grassroots_units(user=officer, period_year=period_year)
    today = datetime.date(2026, 3, 1)

    with django_capture_on_commit_callbacks(execute=True):
        sent = [
            reminders_send(year=2022, units=units, today=today).mails,
            reminders_send(year=2022, units=units, today=today).mails,
            reminders_send(year=2022, units=units, today=today + datetime.timedelta(days=1)).mails,
        ]

    assert sent == [2, 0, 2]
    assert len(mailoutbox) == 4


def test_remind_needs_a_known_year(client, officer, secretaries, mailoutbox):
    client.force_login(officer)

    assert client.post(reverse("registry:completeness-remind"), {"year": 1999}).status_code == 404
    assert client.post(reverse("registry:completeness-remind")).status_code == 404
    assert mailoutbox == []


def test_send_reminders_mails_each_secretary_once_a_day(
    secretaries, mailoutbox, django_capture_on_commit_callbacks
):
    outputs = []
    for _run in range(2):
        out = io.StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", "--year", "2022", stdout=out)
        outputs.append(out.getvalue())

    # The command covers every district: commune C has submitted, so it is not mailed either.
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [secretaries["b"].email, secretaries["binh"].email]
    )
    assert outputs[0].startswith("2 reminder")
    assert outputs[1].startswith("0 reminder")


def test_send_reminders_skips_unions_reminded_from_the_page(
    client, officer, secretaries, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registry:completeness-remind"), {"year": 2022})
        call_command("send_reminders", "--year", "2022", stdout=io.StringIO())

    assert len(mailoutbox) == 2


def test_send_reminders_refuses_a_year_without_an_open_period(period, period_year):
    period.is_open = False
    period.save()

    with pytest.raises(CommandError):
        call_command("send_reminders", "--year", "2022")
    with pytest.raises(CommandError):
        call_command("send_reminders", "--year", "2031")


# --- Query counts do not grow with the data ----------------------------------------------------


def populate(district, period_year, start, count):
    groups = [TargetGroupFactory(code=1), TargetGroupFactory(code=3)]
    for index in range(start, start + count):
        unit = UnitFactory(name=f"Đoàn xã Thử Nghiệm {index:03d}", parent=district)
        UserFactory(role=User.Role.SECRETARY, unit=unit)
        for status in (S.SUBMITTED, S.APPROVED):
            RegistrationFactory(
                support_model__unit=unit,
                support_model__target_groups=groups,
                period_year=period_year,
                status=status,
            )


def count_queries(client, url, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("view", "params"),
    [
        ("review-queue", {"year": 2022}),
        ("review-queue", {"year": 2022, "status": "", "q": "thu nghiem"}),
        ("completeness", {"year": 2022}),
    ],
)
def test_pages_make_the_same_number_of_queries_for_ten_times_the_data(
    client, officer, district, period_year, view, params
):
    url = reverse(f"registry:{view}")
    client.force_login(officer)
    populate(district, period_year, 0, 3)
    client.get(url, params)  # warm caches (content types, session)

    small = count_queries(client, url, params)
    populate(district, period_year, 3, 27)
    large = count_queries(client, url, params)

    assert small == large


def test_each_queue_row_names_its_models_target_groups_in_guideline_order(
    client, officer, district, period_year
):
    unit = UnitFactory(name="Đoàn xã Nhóm Đối Tượng", parent=district)
    fifth, second = TargetGroupFactory(code=5), TargetGroupFactory(code=2)
    TargetGroup.objects.filter(pk=fifth.pk).update(short_name="Nhóm năm")
    TargetGroup.objects.filter(pk=second.pk).update(short_name="Nhóm hai <b>")
    registration = RegistrationFactory(
        support_model__unit=unit,
        support_model__target_groups=[fifth, second],
        period_year=period_year,
        status=S.SUBMITTED,
    )
    bare = RegistrationFactory(
        support_model__unit=UnitFactory(name="Đoàn xã Không Nhóm", parent=district),
        support_model__target_groups=[],
        targets={},
        period_year=period_year,
        status=S.SUBMITTED,
    )
    client.force_login(officer)

    response = client.get(reverse("registry:review-queue"), {"year": 2022})

    rows = {r.pk: r for r in response.context["page"].object_list}
    assert rows[registration.pk].group_names == ["Nhóm hai <b>", "Nhóm năm"]
    assert rows[bare.pk].group_names == []
    # Escaped like any other text.
    assert "Nhóm hai &lt;b&gt;; Nhóm năm" in response.text
