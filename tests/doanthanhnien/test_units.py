"""The union tree: loading Hà Tĩnh before and after 1 July 2025, successions, subtree reads
and moving a unit."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doanthanhnien import selectors
from doanthanhnien.models import Unit, UnitSuccession
from doanthanhnien.scoping import Perm, scoped
from doanthanhnien.services import parse_predecessors, units_load_ha_tinh
from tests.factories import UnitFactory, UserFactory

OLD_END = date(2025, 6, 30)
NEW_START = date(2025, 7, 1)


@pytest.fixture
def ha_tinh(db):
    return units_load_ha_tinh()


def _new_unit(name):
    return Unit.objects.get(name=name, valid_from=NEW_START)


def _old_unit(name):
    return Unit.objects.get(name=name, valid_to=OLD_END)


# --- Loading -------------------------------------------------------------------------------


def test_it_loads_the_tree_before_2025(ha_tinh):
    province = Unit.objects.get(code="42")
    districts = Unit.objects.filter(kind=Unit.Kind.DISTRICT)
    old_grassroots = Unit.objects.filter(kind__in=Unit.GRASSROOTS_KINDS, valid_to=OLD_END)

    assert province.parent is None and province.kind == Unit.Kind.PROVINCE
    assert districts.count() == 13
    assert set(districts.values_list("valid_to", flat=True)) == {OLD_END}
    assert set(districts.values_list("parent", flat=True)) == {province.pk}
    assert old_grassroots.count() == 216
    assert set(old_grassroots.values_list("parent__kind", flat=True)) == {Unit.Kind.DISTRICT}
    hk = Unit.objects.get(code="444")
    assert hk.name == "Huyện đoàn Hương Khê"
    assert hk.children.count() == 21
    assert _old_unit("Đoàn xã Hương Trà").parent == hk
    assert _old_unit("Đoàn xã Hương Trà").code == "18550"


def test_it_loads_the_tree_after_2025_directly_under_the_province(ha_tinh):
    province = Unit.objects.get(code="42")
    new = Unit.objects.filter(valid_from=NEW_START)

    assert new.count() == 69
    assert set(new.values_list("parent", flat=True)) == {province.pk}
    assert set(new.values_list("valid_to", flat=True)) == {None}
    assert set(new.values_list("kind", flat=True)) == {Unit.Kind.COMMUNE, Unit.Kind.WARD}
    assert new.filter(kind=Unit.Kind.WARD).count() == 9
    # 1 province + 13 districts + 216 former + 69 current grassroots unions.
    assert Unit.objects.count() == 299
    assert ha_tinh.created == 299


def test_a_reused_code_keeps_both_units(ha_tinh):
    # Phường Thành Sen took the code of the former Phường Nam Hà.
    assert sorted(Unit.objects.filter(code="18073").values_list("name", flat=True)) == [
        "Đoàn phường Nam Hà",
        "Đoàn phường Thành Sen",
    ]


def test_it_links_thanh_sen_to_the_wards_it_was_formed_from(ha_tinh):
    thanh_sen = _new_unit("Đoàn phường Thành Sen")
    links = {
        link.predecessor.name: link
        for link in thanh_sen.predecessor_links.select_related("predecessor")
    }

    assert set(links) == {
        "Đoàn phường Nam Hà",
        "Đoàn phường Bắc Hà",
        "Đoàn phường Thạch Quý",
        "Đoàn phường Tân Giang",
        "Đoàn xã Thạch Hưng",
        "Đoàn phường Trần Phú",
        "Đoàn phường Hà Huy Tập",
        "Đoàn phường Văn Yên",
        "Đoàn phường Đại Nài",
        # Merged on 01/01/2025 into wards the 2025 note names (fixtures/ha-tinh/README.md).
        "Đoàn phường Nguyễn Du",
        "Đoàn phường Thạch Linh",
    }
    assert links["Đoàn phường Đại Nài"].partial
    assert not links["Đoàn phường Nam Hà"].partial
    assert links["Đoàn phường Bắc Hà"].resolution_number == "1665/NQ-UBTVQH15"
    assert links["Đoàn phường Bắc Hà"].resolution_date == date(2025, 6, 16)
    assert all(link.predecessor.valid_to == OLD_END for link in links.values())


def test_a_split_unit_has_two_partial_successors(ha_tinh):
    dai_nai = _old_unit("Đoàn phường Đại Nài")
    links = UnitSuccession.objects.filter(predecessor=dai_nai).select_related("successor")

    assert sorted((link.successor.name, link.partial) for link in links) == [
        ("Đoàn phường Hà Huy Tập", True),
        ("Đoàn phường Thành Sen", True),
    ]


def test_a_new_unit_named_like_a_former_one_is_not_its_own_predecessor(ha_tinh):
    # The new Phường Hà Huy Tập was formed from Tân Lâm Hương, Thạch Đài and part of Đại Nài;
    # the former Phường Hà Huy Tập went into Thành Sen.
    new = _new_unit("Đoàn phường Hà Huy Tập")

    assert set(new.formed_from.values_list("name", flat=True)) == {
        "Đoàn phường Đại Nài",
        "Đoàn xã Tân Lâm Hương",
        "Đoàn xã Thạch Đài",
    }


def test_every_new_unit_is_linked_to_a_former_one(ha_tinh):
    assert ha_tinh.unmatched == []
    assert ha_tinh.new_units_linked == 69
    assert not Unit.objects.filter(valid_from=NEW_START, predecessor_links__isnull=True).exists()


def test_loading_twice_changes_nothing(ha_tinh):
    links_before = UnitSuccession.objects.count()
    paths_before = dict(Unit.objects.values_list("pk", "path"))

    again = units_load_ha_tinh()

    assert (again.created, again.updated, again.links) == (0, 0, 0)
    assert Unit.objects.count() == 299
    assert UnitSuccession.objects.count() == links_before
    assert dict(Unit.objects.values_list("pk", "path")) == paths_before


def test_the_command_reports_what_it_did(db):
    out = StringIO()
    call_command("load_units", stdout=out)
    assert "299 created" in out.getvalue()

    out = StringIO()
    call_command("load_units", stdout=out)
    assert "0 created, 0 updated" in out.getvalue()


def test_loading_repairs_a_renamed_unit(ha_tinh):
    Unit.objects.filter(code="444").update(name="Huyện đoàn sai tên")

    report = units_load_ha_tinh()

    assert report.updated == 1
    assert Unit.objects.get(code="444").name == "Huyện đoàn Hương Khê"


# --- parse_predecessors ----------------------------------------------------------------------


def test_parse_finds_merged_units_and_partial_ones():
    note = (
        "Đổi tên từ xã Tân Lâm Hương thành phường Hà Huy Tập, hợp nhất các xã Tân Lâm Hương, "
        "xã Thạch Đài và 1 phần phường Đại Nài. Bỏ cấp huyện. Số: 1665/NQ-UBTVQH15; "
        "Ngày: 16/06/2025"
    )
    old = ["Tân Lâm Hương", "Thạch Đài", "Đại Nài", "Hà Huy Tập", "Thạch Hà"]

    assert parse_predecessors(note, "Hà Huy Tập", old) == [
        ("Tân Lâm Hương", False),
        ("Thạch Đài", False),
        ("Đại Nài", True),
    ]


def test_parse_prefers_the_longest_name():
    note = "Hợp nhất các xã Kỳ Anh Mới và Kỳ Tân thành xã Kỳ Xuân. Bỏ cấp huyện."

    assert parse_predecessors(note, "Kỳ Xuân", ["Kỳ Anh", "Kỳ Anh Mới", "Kỳ Tân"]) == [
        ("Kỳ Anh Mới", False),
        ("Kỳ Tân", False),
    ]


def test_parse_matches_whole_names_only():
    note = "Hợp nhất xã Hương Trà và xã Hương Trạch thành xã Hương Xuân. Bỏ cấp huyện."

    assert parse_predecessors(note, "Hương Xuân", ["Hương Tr", "Hương Trà"]) == [
        ("Hương Trà", False)
    ]


def test_parse_ignores_everything_after_the_district_sentence():
    note = "Hợp nhất xã Gia Phố và xã Hương Đô. Bỏ cấp huyện. Trụ sở tại xã Phú Gia."

    assert parse_predecessors(note, "Hương Đô", ["Gia Phố", "Hương Đô", "Phú Gia"]) == [
        ("Gia Phố", False),
        ("Hương Đô", False),
    ]


def test_parse_lists_a_name_once():
    note = "Đổi tên từ phường Nam Hà thành phường Thành Sen, hợp nhất Bắc Hà, Nam Hà. Bỏ cấp huyện."

    assert parse_predecessors(note, "Thành Sen", ["Nam Hà", "Bắc Hà", "Thành Sen"]) == [
        ("Nam Hà", False),
        ("Bắc Hà", False),
    ]


def test_parse_keeps_an_unchanged_unit():
    note = "Giữ nguyên hiện trạng xã Sơn Kim 1. Bỏ cấp huyện."

    assert parse_predecessors(note, "Sơn Kim 1", ["Sơn Kim 1", "Sơn Kim 2"]) == [
        ("Sơn Kim 1", False)
    ]
    assert parse_predecessors(note, "Sơn Kim 1", ["Sơn Kim 2"]) == []


# --- Subtree reads cost the same for a district as for the province -------------------------


def _count_queries(func):
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("read", "queries"),
    [
        (lambda unit: selectors.unit_counts_by_kind(unit=unit), 1),
        # Children, then one grouped scan of the subtree's paths for the counts.
        (lambda unit: list(selectors.unit_children(unit=unit)), 2),
        (lambda unit: list(selectors.unit_subtree(unit=unit)), 1),
    ],
    ids=["counts_by_kind", "children", "subtree"],
)
def test_subtree_reads_cost_the_same_queries_at_any_level(
    ha_tinh, django_assert_num_queries, read, queries
):
    province = Unit.objects.get(code="42")
    district = Unit.objects.get(code="444")
    commune = _old_unit("Đoàn xã Hương Trà")

    for unit in (province, district, commune):
        with django_assert_num_queries(queries):
            read(unit)


def test_ancestors_cost_one_query_at_any_depth(ha_tinh, django_assert_num_queries):
    province = Unit.objects.get(code="42")
    district = Unit.objects.get(code="444")
    commune = _old_unit("Đoàn xã Hương Trà")

    with django_assert_num_queries(1):
        from_district = selectors.unit_ancestors(unit=district)
    with django_assert_num_queries(1):
        from_commune = selectors.unit_ancestors(unit=commune)
    assert from_district == [province]
    assert from_commune == [province, district]


def test_a_scoped_query_costs_the_same_for_the_province_as_for_a_district(ha_tinh):
    province_user = UserFactory(role="provincial", unit=Unit.objects.get(code="42"))
    district_user = UserFactory(role="officer", unit=Unit.objects.get(code="444"))

    def read(user):
        return lambda: list(scoped(user, Unit.objects.all(), Perm.VIEW))

    assert _count_queries(read(province_user)) == _count_queries(read(district_user)) == 1
    assert len(list(scoped(province_user, Unit.objects.all()))) == 299
    assert len(list(scoped(district_user, Unit.objects.all()))) == 22


def test_children_carry_their_grassroots_counts(ha_tinh):
    province = Unit.objects.get(code="42")
    rows = {unit.code: unit for unit in selectors.unit_children(unit=province, retired=True)}

    assert rows["444"].grassroots_below == 21
    assert sum(rows[code].grassroots_below for code in rows if len(code) == 3) == 216
    assert rows["18073"].grassroots_below == 0  # Thành Sen: a grassroots union itself
    assert len(rows) == 13 + 69


def test_counts_by_kind_separate_current_and_retired(ha_tinh):
    province = Unit.objects.get(code="42")
    rows = {row["kind"]: row for row in selectors.unit_counts_by_kind(unit=province)}

    assert rows["district"]["current"] == 0 and rows["district"]["retired"] == 13
    assert rows["ward"]["current"] == 9
    total_current = sum(row["current"] for row in rows.values())
    total_retired = sum(row["retired"] for row in rows.values())
    assert (total_current, total_retired) == (69, 13 + 216)


# --- Moving a unit ---------------------------------------------------------------------------


def test_moving_a_unit_rewrites_the_paths_below_it(tree, officer, other_officer):
    commune_a, other = tree["commune_a"], tree["other_district"]
    school = UnitFactory(name="Đoàn trường THPT Hương Trà", kind="school", parent=commune_a)
    club = UnitFactory(name="Chi đoàn Câu lạc bộ", kind="agency", parent=school)

    commune_a.parent = other
    commune_a.save()

    for unit in (commune_a, school, club):
        unit.refresh_from_db()
    assert commune_a.path == f"{other.path}{commune_a.pk}/"
    assert school.path == f"{commune_a.path}{school.pk}/"
    assert club.path == f"{school.path}{club.pk}/"
    assert (commune_a.depth, school.depth, club.depth) == (2, 3, 4)
    assert school not in scoped(officer, Unit.objects.all())
    assert {commune_a, school, club} <= set(scoped(other_officer, Unit.objects.all()))
    # Untouched neighbours keep their paths.
    commune_b = Unit.objects.get(pk=tree["commune_b"].pk)
    assert commune_b.path == f"{tree['district'].path}{commune_b.pk}/"


def test_moving_a_district_deepens_its_whole_subtree(tree):
    district, other = tree["district"], tree["other_district"]

    district.parent = other
    district.save()

    commune_a = Unit.objects.get(pk=tree["commune_a"].pk)
    assert commune_a.path == f"{other.path}{district.pk}/{commune_a.pk}/"
    assert commune_a.depth == 3
    assert commune_a.ancestor_ids == [tree["province"].pk, other.pk, district.pk]
    assert set(selectors.unit_subtree(unit=other, include_self=False)) == {
        district,
        tree["commune_a"],
        tree["commune_b"],
        tree["commune_c"],
    }


@pytest.mark.parametrize(
    ("day", "districts", "communes"),
    [(date(2022, 3, 31), 13, 0), (date(2026, 3, 31), 0, 69)],
)
def test_children_are_the_unions_valid_on_the_day(ha_tinh, day, districts, communes):
    province = Unit.objects.get(code="42")

    children = selectors.unit_children(unit=province, day=day)

    assert sum(1 for c in children if c.kind == Unit.Kind.DISTRICT) == districts
    assert sum(1 for c in children if c.is_grassroots) == communes
    assert not any(c.is_retired for c in children if day.year == 2026)


def test_the_province_home_hides_retired_unions_unless_asked(ha_tinh, client):
    province = Unit.objects.get(code="42")
    client.force_login(UserFactory(role="provincial", unit=province))

    page = client.get("/")
    asked = client.get("/", {"retired": "1"})

    assert len(page.context["children"]) == 69
    assert page.context["hidden_children"] == 13
    assert not page.context["children_have_units"]  # no column of zeros
    assert len(asked.context["children"]) == 13 + 69
    assert asked.context["children_have_units"]


def test_a_unit_page_names_what_it_became_and_came_from_by_name(ha_tinh, django_assert_num_queries):
    dai_nai = _old_unit("Đoàn phường Đại Nài")
    new = _new_unit("Đoàn phường Hà Huy Tập")
    admin = UserFactory(role="admin", unit=Unit.objects.get(code="42"))

    # Ancestors, successions, linkable, children and their counts, kinds; the upper union the
    # page names comes with the ancestors.
    with django_assert_num_queries(6):
        became = selectors.unit_page(unit=dai_nai, user=admin)
        assert became["unit"].parent.name == became["ancestors"][-1].name
    came = selectors.unit_page(unit=new, user=admin, retired=True)
    assert [u.name for u in became["successors"]] == [
        "Đoàn phường Hà Huy Tập",
        "Đoàn phường Thành Sen",
    ]
    assert became["predecessors"] == []
    assert [u.name for u in came["predecessors"]] == [
        "Đoàn phường Đại Nài",
        "Đoàn xã Tân Lâm Hương",
        "Đoàn xã Thạch Đài",
    ]
