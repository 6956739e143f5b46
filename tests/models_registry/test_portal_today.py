"""Issue 7: the provincial union reviewing the communes of the post-2025 tree, the home card
that counts what its link lists, and whole-word search ranking."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from doanthanhnien.models import Unit, User
from doanthanhnien.scoping import Perm, scoped
from models_registry.models import Registration
from models_registry.selectors import QueueFilters, home_panels, review_queue, waiting_count
from models_registry.services import registration_transition
from tests.factories import (
    PeriodFactory,
    PeriodYearFactory,
    RegistrationFactory,
    SupportModelFactory,
    UnitFactory,
    UserFactory,
)

S = Registration.Status
NEW_START = datetime.date(2025, 7, 1)


@pytest.fixture
def year_2026(db):
    period = PeriodFactory(name="Giai đoạn 2026–2027", start_year=2026, end_year=2027)
    PeriodYearFactory(period=period, year=2027)
    return PeriodYearFactory(period=period, year=2026)


@pytest.fixture
def new_commune(province):
    """A commune of the post-2025 tree: directly under the province."""
    return UnitFactory(
        code="18550",
        name="Đoàn xã Hương Đô",
        kind=Unit.Kind.COMMUNE,
        parent=province,
        valid_from=NEW_START,
    )


@pytest.fixture
def province_officer(province):
    return UserFactory(role=User.Role.OFFICER, unit=province)


def _submitted(unit, period_year, **kwargs):
    model = SupportModelFactory(unit=unit, **kwargs)
    return RegistrationFactory(support_model=model, period_year=period_year, status=S.SUBMITTED)


# --- A provincial officer reviews its direct children -------------------------------------------


def test_a_province_officer_approves_a_commune_of_the_new_tree(
    province_officer, new_commune, year_2026
):
    registration = _submitted(new_commune, year_2026)

    registration_transition(registration, S.APPROVED, actor=province_officer)

    registration.refresh_from_db()
    assert registration.status == S.APPROVED
    assert registration.transitions.get(to_status=S.APPROVED).actor == province_officer


def test_a_province_officer_reviews_only_its_direct_children(
    province_officer, new_commune, commune_a, year_2026, period_year
):
    theirs = _submitted(new_commune, year_2026)
    grandchild = _submitted(commune_a, period_year)  # under a district: the district reviews it

    reviewable = scoped(province_officer, Registration.objects.all(), Perm.REVIEW)

    assert list(reviewable) == [theirs]
    assert grandchild in scoped(province_officer, Registration.objects.all(), Perm.VIEW)


def test_the_province_review_queue_lets_it_tick_its_communes(
    client, province_officer, new_commune, year_2026
):
    registration = _submitted(new_commune, year_2026)
    client.force_login(province_officer)

    response = client.get(reverse("registry:review-queue"), {"year": 2026})

    assert response.context["reviewable"] == {registration.pk}


# --- The home card counts what its link lists ---------------------------------------------------


@pytest.mark.parametrize("who", ["provincial_viewer", "province_officer", "officer"])
def test_the_waiting_card_counts_the_rows_its_link_lists(
    request, client, who, commune_a, commune_b, commune_c, period_year
):
    for commune in (commune_a, commune_a, commune_b, commune_c):
        _submitted(commune, period_year)
    RegistrationFactory(support_model=SupportModelFactory(unit=commune_b), status=S.DRAFT,
                        period_year=period_year)  # fmt: skip
    user = request.getfixturevalue(who)
    client.force_login(user)

    home = client.get(reverse("home"))
    listed = client.get(reverse("registry:review-queue"), {"year": 2022, "status": "submitted"})

    waiting = home.context["programme"]["waiting"]
    assert waiting == listed.context["page"].paginator.count
    assert waiting == (4 if user.unit.kind == Unit.Kind.PROVINCE else 3)


def test_the_read_only_province_sees_the_same_number_as_its_queue(
    provincial_viewer, commune_a, commune_b, period_year
):
    # Before the fix the card asked "what may I review?" (nothing, read-only) and showed 0.
    for commune in (commune_a, commune_b, commune_b, commune_a, commune_a):
        _submitted(commune, period_year)

    panels = home_panels(user=provincial_viewer)

    assert panels["programme"]["waiting"] == 5
    assert waiting_count(user=provincial_viewer, period_year=period_year) == 5


# --- Whole-word matches first ------------------------------------------------------------------


@pytest.fixture
def huong_units(district):
    def commune(code, name):
        return UnitFactory(code=code, name=name, kind=Unit.Kind.COMMUNE, parent=district)

    return {
        "tra": commune("18550", "Đoàn xã Hương Trà"),
        "trach": commune("18553", "Đoàn xã Hương Trạch"),
        "khe": commune("18496", "Đoàn thị trấn Hương Khê"),
    }


def _names(user, q, year=2022):
    rows = review_queue(user=user, filters=QueueFilters(year=year, q=q))
    return [(r.unit.name, r.support_model.name) for r in rows]


def test_huong_tra_comes_before_huong_trach_and_trao(officer, huong_units, period_year):
    # Created in the order the old search listed them: newest submission first.
    _submitted(huong_units["tra"], period_year, name="Tủ sách cho thanh niên khuyết tật")
    _submitted(huong_units["khe"], period_year, name="Trao thẻ bảo hiểm y tế cho hộ cận nghèo")
    _submitted(huong_units["trach"], period_year, name="Ngày công giúp hộ nghèo")
    Registration.objects.update(submitted_at=None)

    names = _names(officer, "huong tra")

    assert names[0] == ("Đoàn xã Hương Trà", "Tủ sách cho thanh niên khuyết tật")
    assert set(names[1:]) == {
        ("Đoàn xã Hương Trạch", "Ngày công giúp hộ nghèo"),
        ("Đoàn thị trấn Hương Khê", "Trao thẻ bảo hiểm y tế cho hộ cận nghèo"),
    }


def test_whole_words_anywhere_rank_between_the_phrase_and_partial_matches(
    officer, huong_units, period_year
):
    phrase = _submitted(huong_units["khe"], period_year, name="Câu lạc bộ “Hương Trà quê em”")
    words = _submitted(huong_units["khe"], period_year, name="Trà xanh của thanh niên Hương Sơn")
    partial = _submitted(huong_units["trach"], period_year, name="Vườn rau sạch")
    # The newest submission first used to decide; the rank decides now.
    for index, registration in enumerate((partial, words, phrase)):
        Registration.objects.filter(pk=registration.pk).update(
            submitted_at=datetime.datetime(2022, 3, 10 - index, tzinfo=datetime.UTC)
        )

    rows = list(review_queue(user=officer, filters=QueueFilters(year=2022, q="Hương trà")))

    assert [r.pk for r in rows] == [phrase.pk, words.pk, partial.pk]
    assert [r.search_rank for r in rows] == [0, 1, 2]


def test_every_word_must_still_match(officer, huong_units, period_year):
    _submitted(huong_units["khe"], period_year, name="Vườn rau sạch")

    assert _names(officer, "huong lien") == []
    assert _names(officer, "vuon rau") == [("Đoàn thị trấn Hương Khê", "Vườn rau sạch")]


def test_the_ranked_search_costs_the_same_queries_for_1_or_4_rows(
    officer, huong_units, period_year, client
):
    client.force_login(officer)

    def queries():
        with CaptureQueriesContext(connection) as context:
            response = client.get(
                reverse("registry:review-queue"), {"year": 2022, "q": "huong tra"}
            )
        assert response.status_code == 200
        return len(context.captured_queries)

    _submitted(huong_units["tra"], period_year, name="Trao thẻ cho hội viên")
    queries()  # the first page view after logging in may refresh the session
    one = queries()
    for _ in range(3):
        _submitted(huong_units["trach"], period_year, name="Trao thẻ cho hội viên")
    assert queries() == one
