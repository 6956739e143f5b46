"""Official names and the links the 2025 notes cannot give (issue 7), and the one label every
choice list uses for a unit."""

import shutil
from datetime import date

import pytest
from django.utils import translation

from doanthanhnien.forms import AccountCreateForm
from doanthanhnien.models import Unit, UnitSuccession
from doanthanhnien.services import FIXTURES, units_load_ha_tinh
from tests.factories import UnitFactory, UserFactory

OLD_END = date(2025, 6, 30)
NEW_START = date(2025, 7, 1)


@pytest.fixture
def ha_tinh(db):
    return units_load_ha_tinh()


def _successors(old_name):
    unit = Unit.objects.get(name=old_name, valid_to=OLD_END)
    return sorted(unit.succeeded_by.values_list("name", flat=True))


def test_co_dam_has_its_official_name_in_both_trees(ha_tinh):
    assert not Unit.objects.filter(name__contains="Cỗ").exists()
    old = Unit.objects.get(code="18391")
    assert old.name == "Đoàn xã Cổ Đạm"
    assert old.signer_title.startswith("TM. BAN CHẤP HÀNH ĐOÀN XÃ CỔ ĐẠM")
    assert old.search_text == "doan xa co dam 18391"
    # Spelled alike, the former commune is now found in the 2025 note of the new Xã Cổ Đạm.
    assert _successors("Đoàn xã Cổ Đạm") == ["Đoàn xã Cổ Đạm"]


def test_loading_again_renames_co_dam_in_a_database_loaded_before_the_fix(ha_tinh):
    Unit.objects.filter(code="18391").update(name="Đoàn xã Cỗ Đạm", signer_title="")
    # Unit.save() derives these; an old database holds the old spelling's.
    Unit.objects.filter(code="18391").update(search_text="doan xa co dam 18391", name_sort="x")

    report = units_load_ha_tinh()

    unit = Unit.objects.get(code="18391")
    assert report.updated == 1
    assert unit.name == "Đoàn xã Cổ Đạm"
    assert "CỔ ĐẠM" in unit.signer_title
    assert unit.name_sort != "x"


@pytest.mark.parametrize(
    ("former", "successor"),
    [
        ("Đoàn phường Nguyễn Du", "Đoàn phường Thành Sen"),
        ("Đoàn phường Thạch Linh", "Đoàn phường Thành Sen"),
        ("Đoàn xã Sơn Châu", "Đoàn xã Tứ Mỹ"),
        ("Đoàn xã Sơn Bình", "Đoàn xã Tứ Mỹ"),
        ("Đoàn xã Sơn Trà", "Đoàn xã Tứ Mỹ"),
        ("Đoàn xã Sơn Long", "Đoàn xã Tứ Mỹ"),
        ("Đoàn xã Sơn Hàm", "Đoàn xã Kim Hoa"),
        ("Đoàn xã Sơn Trường", "Đoàn xã Kim Hoa"),
        ("Đoàn xã Cẩm Vĩnh", "Đoàn xã Cẩm Bình"),
    ],
)
def test_unions_merged_before_the_reorganisation_reach_their_successor(ha_tinh, former, successor):
    assert _successors(former) == [successor]
    link = UnitSuccession.objects.get(predecessor__name=former, successor__name=successor)
    assert not link.partial
    assert link.resolution_number == "1665/NQ-UBTVQH15"
    assert link.resolution_date == date(2025, 6, 16)


def test_only_two_former_unions_stay_without_a_successor(ha_tinh):
    assert ha_tinh.former_units == 216
    assert ha_tinh.former_units_linked == 214
    assert ha_tinh.former_unlinked == ["Đoàn xã Phú Phong", "Đoàn xã Trung Lộc"]


def test_the_extra_links_are_added_once(ha_tinh):
    before = UnitSuccession.objects.count()
    again = units_load_ha_tinh()
    assert again.links == 0
    assert UnitSuccession.objects.count() == before


def test_a_row_whose_code_names_another_unit_is_refused(db, tmp_path):
    fixtures = tmp_path / "ha-tinh"
    shutil.copytree(FIXTURES, fixtures)
    rows = (fixtures / "merged-2025-01.csv").read_text(encoding="utf-8")
    (fixtures / "merged-2025-01.csv").write_text(
        rows.replace("18077,Phường Nguyễn Du", "18077,Phường Bắc Hà"), encoding="utf-8"
    )

    with pytest.raises(ValueError, match="18077"):
        units_load_ha_tinh(fixtures)


# --- One label for a unit in every choice list -------------------------------------------------


def test_a_name_in_both_trees_shows_the_years_of_each(ha_tinh):
    with translation.override("en"):
        labels = sorted(u.choice_label for u in Unit.objects.filter(name="Đoàn xã Xuân Lộc"))
    assert labels == ["Đoàn xã Xuân Lộc (2020–2025)", "Đoàn xã Xuân Lộc (from 2025)"]


def test_a_unit_valid_since_the_start_of_the_records_is_just_its_name(db):
    assert UnitFactory(name="Tỉnh đoàn Thử").choice_label == "Tỉnh đoàn Thử"


def test_the_account_form_and_the_review_queue_use_that_label(ha_tinh, client):
    province = Unit.objects.get(code="42")
    admin = UserFactory(role="admin", unit=province)
    form = AccountCreateForm(actor=admin)
    with translation.override("en"):
        labels = [label for _, label in form.fields["unit"].choices]
    assert "Đoàn xã Xuân Lộc (2020–2025)" in labels
    assert "Đoàn xã Xuân Lộc (from 2025)" in labels

    # The queue offers a level of the tree at a time: today the province's new communes, and
    # the old commune under the retired district once that district is chosen.
    client.force_login(admin)
    page = client.get("/registry/review/").content.decode()
    assert page.count("Đoàn xã Xuân Lộc (") == 1
    old = Unit.objects.get(name="Đoàn xã Xuân Lộc", valid_to__isnull=False)
    page = client.get("/registry/review/", {"unit": old.parent_id}).content.decode()
    assert "Đoàn xã Xuân Lộc (2020–2025)" in page
