"""Every form and filter of the programme, fuzzed: never a 500, nothing written when refused.

See ``tests/fuzz.py`` for the values, the invariants and why each example is rolled back.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from doanthanhnien.filters import as_id
from models_registry.models import ModelCategory, ModelStep, Registration, TargetGroup
from tests.factories import PDF_BYTES, PNG_BYTES
from tests.fuzz import (
    EXTREME_NUMBERS,
    FUZZ,
    assert_answered,
    form_totals,
    fuzzed,
    number_lists,
    numbers,
    query,
    rolled_back,
    scalars,
    snapshot,
)

S = Registration.Status


@pytest.fixture
def world(cast, period_year, model_a, model_b, make_registration):
    """The cast, one submitted and one draft registration, and the ids a post may name."""
    return {
        **cast,
        "submitted": make_registration(model_b, S.SUBMITTED),
        "draft": make_registration(model_a, S.DRAFT),
        "model_a": model_a,
    }


def visit(client, user, method, url, data=None):
    client.force_login(user)
    response = getattr(client, method)(url, data or {})
    assert_answered(response)
    return response


# --- GET filters -------------------------------------------------------------------------------

READERS = ["officer", "standing", "provincial_viewer", "other_officer", "admin_user"]
QUEUE_PARAMS = ["year", "status", "unit", "category", "target_group", "q", "page"]


@FUZZ
@given(
    role=st.sampled_from(READERS),
    params=query(QUEUE_PARAMS, numeric=["year", "unit", "category", "target_group", "page"]),
)
def test_fuzz_review_queue_filters(client, world, role, params):
    with rolled_back():
        response = visit(client, world[role], "get", reverse("registry:review-queue"), params)
        assert response.status_code == 200
        # The filters a page passes on (links, the bulk form) are only the cleaned ones.
        assert "\n" not in response.context["params"]


YEAR_PAGES = [
    ("secretary_a", "home"),
    ("officer", "home"),
    ("provincial_viewer", "home"),
    ("secretary_a", "registry:my-unit"),
    ("officer", "registry:my-unit"),
    ("officer", "registry:completeness"),
    ("provincial_viewer", "registry:completeness"),
    ("secretary_a", "registry:model-create"),
]


@FUZZ
@given(page=st.sampled_from(YEAR_PAGES), params=query(["year", "page"], numeric=["year"]))
def test_fuzz_year_pickers(client, world, page, params):
    role, name = page
    with rolled_back():
        response = visit(client, world[role], "get", reverse(name), params)
        assert response.status_code in (200, 302)


@FUZZ
@given(params=query(["year"]))
def test_fuzz_year_of_a_new_registration(client, world, params):
    url = reverse("registry:registration-create", args=[world["model_a"].pk])
    with rolled_back():
        response = visit(client, world["secretary_a"], "get", url, params)
        assert response.status_code in (200, 302)


# --- Forms -------------------------------------------------------------------------------------


def model_baseline():
    return {
        "name": "Tủ sách đồng hành",
        "category": str(ModelCategory.objects.get(code=2).pk),
        "target_groups": [str(TargetGroup.objects.get(code=1).pk)],
        "description": "Cho mượn sách và sinh hoạt đọc sách hằng tháng.",
        "area": "Thôn 1, thôn 2",
        "implementers": "Ban Chấp hành Đoàn xã",
        "contact": "0912 345 678",
        "partners": "Thư viện huyện",
        "start_date": "03/04/2022",
        "partner_units": [],
    }


@FUZZ
@given(data=st.data(), params=query(["year"]))
def test_fuzz_model_form(client, world, data, params):
    ids = {"category": numbers, "target_groups": number_lists, "partner_units": number_lists}
    body = data.draw(fuzzed(model_baseline(), special=ids))
    editing = data.draw(st.booleans())
    if editing:
        url = reverse("registry:model-edit", args=[world["model_a"].pk])
    else:
        url = reverse("registry:model-create")
    if params.get("year") is not None:
        url += "?" + "&".join(f"year={v}" for v in _as_list(params["year"]) if len(v) < 100)
    with rolled_back():
        before = snapshot()
        response = visit(client, world["secretary_a"], "post", url, body)
        if response.status_code == 200:
            assert response.context["form"].errors
            assert snapshot() == before
        else:
            assert response.status_code == 302
            assert "\n" not in response["Location"]


def steps_baseline():
    data = {"form-TOTAL_FORMS": "7", "form-INITIAL_FORMS": "7"}
    for index, step in enumerate(ModelStep.Step.values):
        data[f"form-{index}-step"] = str(step)
        data[f"form-{index}-done_on"] = ""
        data[f"form-{index}-note"] = ""
    data["form-0-done"] = "on"
    data["form-0-done_on"] = "10/03/2022"
    return data


# Fields of the formset a request can claim, including forms beyond the seven.
STEP_FIELDS = [
    "form-TOTAL_FORMS",
    "form-INITIAL_FORMS",
    "form-MIN_NUM_FORMS",
    "form-MAX_NUM_FORMS",
] + [f"form-{i}-{name}" for i in range(10) for name in ("step", "done", "done_on", "note")]


@FUZZ
@given(
    body=fuzzed(
        steps_baseline(),
        STEP_FIELDS,
        special={
            "form-TOTAL_FORMS": form_totals,
            "form-INITIAL_FORMS": form_totals,
            **{f"form-{i}-step": numbers for i in range(10)},
        },
    )
)
def test_fuzz_steps_formset(client, world, body):
    url = reverse("registry:model-steps", args=[world["model_a"].pk])
    with rolled_back():
        before = snapshot()
        response = visit(client, world["secretary_a"], "post", url, body)
        if response.status_code == 200:
            formset = response.context["formset"]
            assert len(formset.forms) <= 7
            assert snapshot() == before
        else:
            assert response.status_code == 302


def registration_baseline(world):
    data = {
        "expected_results": "Hỗ trợ 10 thanh niên khuyết tật.",
        "planned_budget": "5000000",
        "budget_sources": "Quỹ Đoàn xã",
    }
    for group in TargetGroup.objects.all():
        data[f"count_{group.pk}"] = "5"
    return data


plans = st.one_of(
    st.just(None),
    st.builds(
        SimpleUploadedFile,
        st.sampled_from(
            ["ke-hoach.pdf", "anh.png", "x.docx", "x.exe", "ke-hoach", "a" * 300 + ".pdf"]
        ),
        st.one_of(st.sampled_from([PDF_BYTES, PNG_BYTES, b""]), st.binary(max_size=64)),
    ),
)


@FUZZ
@given(data=st.data(), plan=plans, submit=st.booleans())
def test_fuzz_registration_form(client, world, media_files, data, plan, submit):
    fields = list(registration_baseline(world)) + ["count_0", f"count_{2**63}", "year"]
    counts = {name: numbers for name in fields if name.startswith(("count_", "planned_"))}
    body = data.draw(fuzzed(registration_baseline(world), fields, special=counts))
    if plan is not None:
        body["plan_document"] = plan
    if submit:
        body["submit"] = "1"
    if data.draw(st.booleans()):
        url = reverse("registry:registration-edit", args=[world["draft"].pk])
    else:
        url = reverse("registry:registration-create", args=[world["model_a"].pk])
        url += "?year=" + data.draw(st.sampled_from(["2022", "", str(2**63), "٢٠٢٢", "x"]))
    with rolled_back():
        before, stored = snapshot(), media_files()
        response = visit(client, world["secretary_a"], "post", url, body)
        if response.status_code == 200:
            # Refused: by the form, or by the service (e.g. the model is already registered).
            assert snapshot() == before
            assert media_files() == stored
        else:
            assert response.status_code == 302


def _as_list(value):
    return value if isinstance(value, list) else [value]


ACTIONS = ["submit", "approve", "return", "reopen", "delete", "x" * 60, "١"]


@FUZZ
@given(
    role=st.sampled_from(["standing", "officer", "secretary_b", "provincial_viewer"]),
    action=st.sampled_from(ACTIONS),
    body=fuzzed({"reason": "Thiếu kế hoạch"}, ["reason"]),
)
def test_fuzz_registration_actions(client, world, role, action, body):
    registration = world["submitted"]
    url = reverse("registry:registration-action", args=[registration.pk, action])
    reasons = _as_list(body.get("reason", ""))
    reason = reasons[-1] if reasons else ""
    refused = "\x00" in reason or len(reason.strip()) > 2000
    with rolled_back():
        before = snapshot()
        visit(client, world[role], "post", url, body)
        if refused:
            assert snapshot() == before


@FUZZ
@given(
    ids=st.lists(st.one_of(scalars, st.sampled_from(EXTREME_NUMBERS).map(str)), max_size=6),
    params=st.one_of(
        st.text(max_size=60), st.sampled_from(["year=2022&status=", "unit=" + "9" * 40])
    ),
)
def test_fuzz_bulk_approve(client, world, ids, params):
    real = world["submitted"].pk
    ids = [v for v in ids if as_id(v) != real]
    with rolled_back():
        before = snapshot()
        response = visit(
            client,
            world["standing"],
            "post",
            reverse("registry:review-bulk-approve"),
            {"ids": ids, "params": params},
        )
        assert response.status_code == 302
        assert "\n" not in response["Location"] and "\r" not in response["Location"]
        assert snapshot() == before


def test_bulk_approve_refuses_more_ids_than_it_takes_at_once(client, world):
    client.force_login(world["standing"])
    ids = [str(world["submitted"].pk)] + [str(n) for n in range(10**6, 10**6 + 600)]

    response = client.post(reverse("registry:review-bulk-approve"), {"ids": ids})

    assert response.status_code == 302
    world["submitted"].refresh_from_db()
    assert world["submitted"].status == S.SUBMITTED


@FUZZ
@given(body=fuzzed({"year": "2022"}, ["year"]))
def test_fuzz_reminders(client, world, body):
    years = _as_list(body.get("year", ""))
    valid = bool(years) and years[-1].strip() in {"2022", "2022.0"}
    with rolled_back():
        before = snapshot()
        response = visit(
            client, world["officer"], "post", reverse("registry:completeness-remind"), body
        )
        if not valid:
            assert response.status_code == 404
            assert snapshot() == before


# --- Ids in the path ---------------------------------------------------------------------------

PATHS = [
    ("registry:model-detail", "get"),
    ("registry:model-edit", "post"),
    ("registry:model-steps", "post"),
    ("registry:registration-create", "post"),
    ("registry:registration-detail", "get"),
    ("registry:registration-edit", "post"),
    ("registry:registration-plan", "get"),
    ("registry:registration-carry-over", "post"),
    ("unit-detail", "get"),
]


@FUZZ
@given(
    path=st.sampled_from(PATHS),
    pk=st.one_of(st.sampled_from([n for n in EXTREME_NUMBERS if n >= 0]), st.integers(0)),
    role=st.sampled_from(["secretary_a", "officer", "admin_user"]),
)
def test_fuzz_ids_in_the_path(client, world, path, pk, role):
    name, method = path
    url = reverse(name, args=[pk])
    with rolled_back():
        before = snapshot()
        response = visit(client, world[role], method, url)
        if as_id(pk) is None or pk > 10**6:
            assert response.status_code == 404
            assert snapshot() == before
