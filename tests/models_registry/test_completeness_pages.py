"""Completeness per child union, the KPI's colour, per-row reminders, the upper-union home and
unit pages, and read costs that do not grow with the data (issue 7)."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from doanthanhnien.models import Unit, User
from models_registry.models import Registration, ReminderLog
from models_registry.selectors import (
    COMPLETENESS_PAGE_SIZE,
    TONE_BEHIND,
    TONE_LATE,
    TONE_NOT_STARTED,
    TONE_ON_TRACK,
    TONE_REACHED,
    completeness,
    completeness_figures,
    kpi_tone,
)
from tests.factories import (
    RegistrationFactory,
    SupportModelFactory,
    TargetGroupFactory,
    UnitFactory,
    UserFactory,
)

S = Registration.Status


# --- The KPI's colour: progress against the target and the time of year ------------------------


@pytest.mark.parametrize(
    ("share", "today", "tone"),
    [
        (100.0, datetime.date(2022, 2, 1), TONE_REACHED),
        (80.0, datetime.date(2022, 6, 1), TONE_REACHED),  # the target is 80 %
        (10.0, datetime.date(2021, 12, 31), TONE_NOT_STARTED),
        (0.0, datetime.date(2022, 1, 1), TONE_ON_TRACK),  # nothing is expected on 1 January
        (45.0, datetime.date(2022, 2, 15), TONE_ON_TRACK),  # half way to the deadline: 40 %
        (30.0, datetime.date(2022, 2, 15), TONE_BEHIND),
        (79.9, datetime.date(2022, 4, 1), TONE_LATE),  # the deadline (31/03) has passed
    ],
)
def test_the_kpi_tone_follows_the_calendar(period_year, share, today, tone):
    period_year.registration_deadline = datetime.date(2022, 3, 31)
    period_year.target_share = 80

    assert kpi_tone(share=share, target_share=80, period_year=period_year, today=today) == tone


# --- Rows say what they count ------------------------------------------------------------------


@pytest.fixture
def district_units(district, period_year, commune_a, commune_b):
    """One union in each row state, plus two unions alike in all but their code."""
    period_year.registration_deadline = datetime.date(2022, 3, 31)
    period_year.save()

    def union(name, code, *statuses):
        unit = UnitFactory(name=name, code=code, parent=district)
        for status in statuses:
            RegistrationFactory(support_model__unit=unit, period_year=period_year, status=status)
        return unit

    return {
        "done": union("Đoàn xã A Duyệt", "90001", S.APPROVED, S.DRAFT),
        "submitted": union("Đoàn xã B Chờ", "90002", S.SUBMITTED),
        "returned": union("Đoàn xã C Trả", "90003", S.RETURNED),
        "reopened": union("Đoàn xã D Mở", "90004", S.REOPENED),
        "draft": union("Đoàn xã E Nháp", "90005", S.DRAFT),
        "twin_2": union("Đoàn xã Sinh Đôi", "90007"),
        "twin_1": union("Đoàn xã Sinh Đôi", "90006"),
    }


def test_each_row_carries_its_state_and_counts(officer, district_units, period_year):
    stats = completeness(user=officer, period_year=period_year)

    by_code = {r.code: r for r in stats.rows}
    assert by_code["90001"].state == "done"
    assert by_code["90001"].counts == {
        S.DRAFT: 1,
        S.SUBMITTED: 0,
        S.RETURNED: 0,
        S.APPROVED: 1,
        S.REOPENED: 0,
    }
    assert by_code["90002"].state == "submitted"
    assert by_code["90003"].state == by_code["90004"].state == "returned"
    assert by_code["90005"].state == "draft"  # a draft is not "in progress" for the upper union
    assert by_code["90006"].state == "none"
    assert [r.may_be_reminded for r in stats.rows if r.code.startswith("9000")] == [
        r.code not in ("90001", "90002") for r in stats.rows if r.code.startswith("9000")
    ]


def test_equal_counts_and_names_come_back_in_code_order(officer, district_units, period_year):
    for _ in range(3):
        codes = [r.code for r in completeness(user=officer, period_year=period_year).rows]
        assert codes.index("90006") + 1 == codes.index("90007")


def test_the_page_names_columns_after_what_they_count(client, officer, district_units, english):
    client.force_login(officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # read the English source strings

    page = client.get(reverse("registry:completeness"), {"year": 2022}).content.decode()

    assert "Registration in 2022" in page
    assert "Number of registrations" in page
    assert "Draft only, not submitted" in page
    assert ">Result<" not in page and "In progress" not in page


def test_long_lists_are_paginated(client, officer, district, period_year):
    for index in range(COMPLETENESS_PAGE_SIZE + 5):
        UnitFactory(name=f"Đoàn xã Trang {index:03d}", parent=district)
    client.force_login(officer)

    first = client.get(reverse("registry:completeness"), {"year": 2022})
    second = client.get(reverse("registry:completeness"), {"year": 2022, "page": "2"})
    nonsense = client.get(reverse("registry:completeness"), {"year": 2022, "page": "x9"})

    assert len(first.context["stats"].rows) == COMPLETENESS_PAGE_SIZE
    assert len(second.context["stats"].rows) == 5
    assert first.context["stats"].total == COMPLETENESS_PAGE_SIZE + 5
    assert nonsense.status_code == 200


@pytest.mark.parametrize("value", ["abc", "99999999", "-1", "1" * 30])
def test_a_drill_down_outside_the_tree_is_not_found_and_a_non_id_ignored(
    client, officer, tree, period_year, value
):
    client.force_login(officer)

    response = client.get(reverse("registry:completeness"), {"year": 2022, "unit": value})

    # A value that cannot be an id is ignored (the filter forms' rule: the user's own level);
    # an id of a union outside the tree is not found.
    assert response.status_code == (404 if value == "99999999" else 200)


def test_an_officer_cannot_drill_into_another_district(client, officer, tree, period_year):
    client.force_login(officer)

    response = client.get(
        reverse("registry:completeness"), {"year": 2022, "unit": tree["other_district"].pk}
    )

    assert response.status_code == 404


# --- Reminders per row -------------------------------------------------------------------------


@pytest.fixture
def laggard_secretaries(district_units):
    return {
        key: UserFactory(role=User.Role.SECRETARY, unit=unit)
        for key, unit in district_units.items()
    }


def test_a_row_reminder_mails_only_that_union(
    client, officer, district_units, laggard_secretaries, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    client.force_login(officer)
    url = reverse("registry:completeness-remind")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"year": 2022, "unit": district_units["draft"].pk})

    assert response.status_code == 302
    assert [m.to[0] for m in mailoutbox] == [laggard_secretaries["draft"].email]
    page = client.get(reverse("registry:completeness"), {"year": 2022})
    row = next(r for r in page.context["stats"].rows if r.code == "90005")
    assert row.last_reminded == datetime.date.today()
    assert datetime.date.today().strftime("%d/%m/%Y") in page.content.decode()


def test_a_row_reminder_skips_a_union_that_has_submitted(
    client, officer, district_units, laggard_secretaries, mailoutbox
):
    client.force_login(officer)

    client.post(
        reverse("registry:completeness-remind"),
        {"year": 2022, "unit": district_units["submitted"].pk},
    )

    assert mailoutbox == []
    assert not ReminderLog.objects.exists()


def test_a_row_reminder_outside_the_tree_is_not_found(
    client, officer, tree, period_year, mailoutbox
):
    client.force_login(officer)

    response = client.post(
        reverse("registry:completeness-remind"), {"year": 2022, "unit": tree["commune_c"].pk}
    )

    assert response.status_code == 404
    assert mailoutbox == []


def test_the_read_only_province_cannot_remind(client, provincial_viewer, district_units):
    client.force_login(provincial_viewer)

    response = client.post(
        reverse("registry:completeness-remind"),
        {"year": 2022, "unit": district_units["draft"].pk},
    )

    assert response.status_code == 403


# --- Home and unit pages ask the database for their figures ------------------------------------


def test_the_home_figures_match_the_completeness_page(client, officer, district_units):
    client.force_login(officer)

    home = client.get(reverse("home")).context["programme"]
    stats = client.get(reverse("registry:completeness"), {"year": 2022}).context["stats"]

    figures = home["completeness"]
    assert (figures.total, figures.done, figures.without_any) == (
        stats.total,
        stats.done,
        stats.without_any,
    )
    assert (figures.total, figures.done, figures.without_any) == (9, 1, 4)
    assert sorted(home["laggards"]) == sorted(
        ["Đoàn xã Hương Trà", "Đoàn xã Hương Trạch", "Đoàn xã Sinh Đôi", "Đoàn xã Sinh Đôi"]
    )


def test_a_district_page_shows_its_kpi(client, provincial_viewer, district_units, district):
    client.force_login(provincial_viewer)

    response = client.get(reverse("unit-detail", args=[district.pk]), {"year": 2022})

    kpi = response.context["programme"]["kpi"]
    assert (kpi.total, kpi.done) == (9, 1)
    assert 'id="unit-kpi"' in response.content.decode()


def test_a_commune_page_has_no_kpi(client, provincial_viewer, district_units, commune_a):
    client.force_login(provincial_viewer)

    response = client.get(reverse("unit-detail", args=[commune_a.pk]), {"year": 2022})

    assert "kpi" not in response.context["programme"]


def test_the_figures_of_a_level_count_only_below_it(provincial_viewer, tree, period_year):
    whole = completeness_figures(user=provincial_viewer, period_year=period_year)
    district = completeness_figures(
        user=provincial_viewer, period_year=period_year, level=tree["district"]
    )

    assert (whole.total, district.total) == (3, 2)


# --- Read costs do not grow with the data ------------------------------------------------------


def populate(parent, period_year, count, *, start=0):
    groups = [TargetGroupFactory(code=1), TargetGroupFactory(code=3)]
    for index in range(start, start + count):
        unit = UnitFactory(name=f"Đoàn xã Số {index:03d}", parent=parent)
        UserFactory(role=User.Role.SECRETARY, unit=unit)
        model = SupportModelFactory(unit=unit, target_groups=groups)
        RegistrationFactory(support_model=model, period_year=period_year, status=S.SUBMITTED)
        if index % 3 == 0:
            ReminderLog.objects.create(
                unit=unit, year=period_year.year, sent_on=datetime.date.today()
            )


PAGES = [
    ("officer", "registry:completeness", {"year": 2022}),
    ("provincial_viewer", "registry:completeness", {"year": 2022}),
    ("officer", "registry:review-queue", {"year": 2022}),
    ("officer", "registry:review-queue", {"year": 2022, "status": "", "q": "so"}),
    ("officer", "home", {}),
    ("provincial_viewer", "home", {}),
    ("provincial_viewer", "unit-detail", {"year": 2022}),
]


@pytest.mark.parametrize(("who", "view", "params"), PAGES)
def test_reads_cost_the_same_for_3_and_30_rows(
    request, client, django_assert_max_num_queries, district, province, period_year,
    who, view, params,
):  # fmt: skip
    user = request.getfixturevalue(who)
    args = [district.pk] if view == "unit-detail" else []
    url = reverse(view, args=args)
    client.force_login(user)
    populate(district, period_year, 3)
    client.get(url, params)  # the first view after force_login refreshes the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(url, params).status_code == 200
    populate(district, period_year, 27, start=3)

    with django_assert_max_num_queries(len(small)):
        response = client.get(url, params)
    assert response.status_code == 200
    if view == "registry:completeness" and who == "officer":
        assert len(response.context["stats"].rows) == 30
    # A handful of queries for any page, whatever the size of the tree (the officer's home
    # page also counts the result reports awaiting review).
    assert len(small) <= 17


def test_the_national_queue_offers_provinces_not_every_union(client, db, period_year):
    admin = UserFactory(role=User.Role.ADMIN, unit=None, is_superuser=True, is_staff=True)
    provinces = [UnitFactory(kind=Unit.Kind.PROVINCE, name=f"Tỉnh đoàn {i}") for i in range(3)]
    for province in provinces:
        populate(province, period_year, 4, start=provinces.index(province) * 10)
    client.force_login(admin)

    response = client.get(reverse("registry:review-queue"), {"year": 2022})

    assert [u.pk for u in response.context["unit_choices"]] == [p.pk for p in provinces]
    assert response.context["unit_focus_choices"] == []
    chosen = client.get(reverse("registry:review-queue"), {"year": 2022, "unit": provinces[1].pk})
    assert len(chosen.context["unit_focus_choices"]) == 4
    assert chosen.context["page"].paginator.count == 4
