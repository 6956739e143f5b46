"""Issue 7: seed_demo also shows the portal today — the 2026–2027 period of the post-2025
communes, reviewed by the provincial union — and each demo account opens on its own year."""

import csv
import io
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from doanthanhnien.models import Unit, User
from doanthanhnien.text import quote_inner
from models_registry.demo import SAMPLE, STATES_2026
from models_registry.models import (
    Period,
    PeriodYear,
    Registration,
    SupportModel,
    WorkflowTransition,
)
from models_registry.selectors import resolve_period_year

S = Registration.Status
NEW_START = date(2025, 7, 1)


@pytest.fixture
def seeded(db):
    call_command("seed_demo", force=True, stdout=io.StringIO())


def test_the_current_period_a_dozen_communes_in_mixed_states_decided_by_the_province(seeded):
    period = Period.objects.get(name="Giai đoạn 2026–2027")
    assert period.is_open
    years = {y.year: y for y in period.years.all()}
    assert sorted(years) == [2026, 2027]
    assert years[2026].registration_deadline == date(2026, 3, 31)
    assert years[2026].report_deadline == date(2026, 12, 15)

    # A dozen communes of the post-2025 tree, directly under the province, in mixed states.
    province = Unit.objects.get(code="42")
    in_2026 = Registration.objects.filter(year=2026).select_related("unit")
    units = {r.unit for r in in_2026}

    assert len(units) == len(STATES_2026) == 12
    assert all(u.valid_from == NEW_START and u.parent == province for u in units)
    statuses = [r.status for r in in_2026]
    assert {S.DRAFT, S.SUBMITTED, S.RETURNED, S.APPROVED} <= set(statuses)
    late = in_2026.filter(is_late=True)
    assert late.count() == 1
    assert late.get().submitted_at.date() > date(2026, 3, 31)
    assert all(r.last_reason for r in in_2026.filter(status=S.RETURNED))
    # Nothing in the story happens after "today" in the demo (29/11/2026).
    assert not in_2026.filter(submitted_at__date__gt=date(2026, 11, 29)).exists()

    # Decided by the provincial union; the history carries the story's dates.
    reviewer = User.objects.get(username="demo_tinh_duyet")
    decisions = WorkflowTransition.objects.filter(
        registration__year=2026, to_status__in=[S.APPROVED, S.RETURNED]
    ).prefetch_related("target")

    assert (
        decisions.count()
        == Registration.objects.filter(year=2026, status__in=[S.APPROVED, S.RETURNED]).count()
    )
    assert {d.actor for d in decisions} == {reviewer}
    assert all(d.at == d.target.decided_at for d in decisions)


def test_the_two_new_accounts(seeded):
    reviewer = User.objects.get(username="demo_tinh_duyet")
    assert reviewer.role == User.Role.OFFICER
    assert reviewer.unit.code == "42" and reviewer.unit.kind == Unit.Kind.PROVINCE
    assert reviewer.check_password("DoanHaTinh@2020")

    secretary = User.objects.get(username="demo_xa_moi")
    huong_tra = Unit.objects.get(code="18550", valid_to__isnull=False)
    assert secretary.role == User.Role.SECRETARY
    assert secretary.unit.valid_from == NEW_START
    assert secretary.unit in huong_tra.succeeded_by.all()
    assert secretary.unit.name == "Đoàn xã Hương Đô"
    assert set(OPENS_ON) == set(User.objects.values_list("username", flat=True))


OPENS_ON = {
    "demo_huyen": 2022,
    "demo_btv": 2022,
    "demo_xa": 2022,
    "demo_xa2": 2022,
    "demo_tinh_duyet": 2026,
    "demo_xa_moi": 2026,
    # The province spans both trees: it opens on its latest open year, today's.
    "demo_tinh": 2026,
    "demo_admin": 2026,
}


def test_each_account_opens_on_the_latest_open_year_of_its_unit(seeded, client):
    for username, year in OPENS_ON.items():
        user = User.objects.get(username=username)
        assert resolve_period_year(user=user, value=None)[0].year == year, username

        client.force_login(user)
        home = client.get(reverse("home"))
        assert home.context["programme"]["period_year"].year == year, username


def test_the_province_reviewer_works_through_its_queue(seeded, client):
    reviewer = User.objects.get(username="demo_tinh_duyet")
    client.force_login(reviewer)

    home = client.get(reverse("home"))
    queue = client.get(reverse("registry:review-queue"))

    waiting = Registration.objects.filter(year=2026, status=S.SUBMITTED)
    assert home.context["programme"]["waiting"] == waiting.count() == 4
    assert queue.context["reviewable"] == set(waiting.values_list("pk", flat=True))
    first = waiting.order_by("pk").first()
    response = client.post(reverse("registry:registration-action", args=[first.pk, "approve"]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == S.APPROVED


def test_the_new_secretary_finds_a_draft_to_finish(
    seeded, client, mailoutbox, django_capture_on_commit_callbacks
):
    secretary = User.objects.get(username="demo_xa_moi")
    client.force_login(secretary)

    home = client.get(reverse("home"))

    todos = home.context["programme"]["mine"]["todos"]
    assert [t.kind for t in todos] == ["draft"]
    draft = todos[0].registration
    # A quoted name is quoted the Vietnamese way inside the mail's own “…”.
    draft.support_model.name = "Câu lạc bộ “Vòng tay bè bạn”"
    draft.support_model.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:registration-action", args=[draft.pk, "submit"]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED
    assert draft.is_late  # past the 31/03 deadline
    assert "“Câu lạc bộ ‘Vòng tay bè bạn’”" in "\n".join(m.body for m in mailoutbox)


def _snapshot():
    return {
        "users": sorted(User.objects.values_list("username", "password", "unit", "role")),
        "periods": sorted(PeriodYear.objects.values_list("period__name", "year")),
        "models": sorted(SupportModel.objects.values_list("pk", "name", "updated_at")),
        "model_history": SupportModel.history.count(),
        "registrations": sorted(
            Registration.objects.values_list("pk", "status", "updated_at", "submitted_at")
        ),
        "registration_history": Registration.history.count(),
        "transitions": sorted(WorkflowTransition.objects.values_list("pk", "at")),
    }


def test_running_it_again_changes_nothing_not_even_a_password_hash(seeded):
    before = _snapshot()

    call_command("seed_demo", force=True, stdout=io.StringIO())

    assert _snapshot() == before

    # A database seeded when the sample names had straight quotes: renamed, not twinned.
    model = SupportModel.objects.filter(name__contains="“").first()
    straight = model.name.replace("“", '"').replace("”", '"')
    SupportModel.objects.filter(pk=model.pk).update(name=straight)
    count = SupportModel.objects.count()

    call_command("seed_demo", force=True, stdout=io.StringIO())

    model.refresh_from_db()
    assert SupportModel.objects.count() == count
    assert "“" in model.name and '"' not in model.name


# --- One style of quotation marks ---------------------------------------------------------------


def test_the_sample_models_use_vietnamese_quotes_never_nested():
    with open(SAMPLE, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for text in row.values():
                assert '"' not in text and "'" not in text, text
                depth = 0
                for char in text:
                    depth += {"“": 1, "”": -1}.get(char, 0)
                    assert depth in (0, 1), text
                assert depth == 0, text


@pytest.mark.parametrize(
    ("name", "inside"),
    [
        ("Câu lạc bộ “Thắp sáng niềm tin”", "Câu lạc bộ ‘Thắp sáng niềm tin’"),
        ('Câu lạc bộ "Vòng tay bè bạn" xã Hương Đô', "Câu lạc bộ ‘Vòng tay bè bạn’ xã Hương Đô"),
        ("Vườn rau sạch", "Vườn rau sạch"),
        ('Một dấu " lẻ', 'Một dấu " lẻ'),
        ("", ""),
    ],
)
def test_a_quoted_name_nests_with_single_quotes(name, inside):
    assert quote_inner(name) == inside
