"""Every registry view across the cast: who gets 200, 302, 403, 404 or 405.

The object of each request belongs to commune A (Hương Trà). Seen from the cast, that is the
own unit of ``secretary_a``, a sibling's for ``secretary_b``, the unit directly below for
``officer`` and ``standing``, another district's for ``other_officer``, inside the province
for the read-only ``provincial_viewer``, and anything for ``admin_user``.
"""

import pytest
from django.conf import settings
from django.urls import reverse

from models_registry.models import Registration
from tests.factories import PeriodFactory, PeriodYearFactory

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

# (view, object the URL names, status of commune A's registration, expected code per WHO)
READS = [
    ("my-unit", None, S.DRAFT, (200, 200, 302, 302, 302, 302, 302)),
    ("model-create", None, S.DRAFT, (200, 200, 403, 403, 403, 403, 403)),
    ("model-detail", "model", S.DRAFT, (200, 404, 200, 200, 404, 200, 200)),
    ("model-edit", "model", S.DRAFT, (200, 404, 404, 404, 404, 403, 200)),
    ("model-steps", "model", S.DRAFT, (200, 404, 404, 404, 404, 403, 200)),
    ("registration-create", "model", S.DRAFT, (200, 404, 404, 404, 404, 403, 200)),
    ("registration-detail", "registration", S.SUBMITTED, (200, 404, 200, 200, 404, 200, 200)),
    ("registration-edit", "registration", S.DRAFT, (200, 404, 404, 404, 404, 403, 200)),
    ("registration-plan", "registration", S.SUBMITTED, (200, 404, 200, 200, 404, 200, 200)),
    ("review-queue", None, S.SUBMITTED, (200, 200, 200, 200, 200, 200, 200)),
    ("completeness", None, S.SUBMITTED, (200, 200, 200, 200, 200, 200, 200)),
]

# POST-only views. "302+" is a redirect after the change was made; a bare 302 changed nothing.
WRITES = [
    ("submit", S.DRAFT, ("302+", 404, 404, 404, 404, 403, "302+")),
    ("withdraw", S.SUBMITTED, ("302+", 404, 404, 404, 404, 403, "302+")),
    ("approve", S.SUBMITTED, (403, 403, "302+", "302+", 404, 403, "302+")),
    ("return", S.SUBMITTED, (403, 403, "302+", "302+", 404, 403, "302+")),
    ("reopen", S.APPROVED, (403, 403, "302+", "302+", 404, 403, "302+")),
    ("carry-over", S.APPROVED, ("302+", 404, 404, 404, 404, 403, "302+")),
    ("bulk-approve", S.SUBMITTED, (403, 403, "302+", "302+", 302, 403, "302+")),
    ("remind", S.DRAFT, (403, 403, "302+", "302+", 302, 403, "302+")),
]

ACTION_TARGETS = {
    "submit": S.SUBMITTED,
    "approve": S.APPROVED,
    "return": S.RETURNED,
    "reopen": S.REOPENED,
    "withdraw": S.DRAFT,
}


def expand(table):
    return [
        pytest.param(*head, who, code, id=f"{head[0]}-{who}-{code}")
        for *head, codes in table
        for who, code in zip(WHO, codes, strict=True)
    ]


def read_url(name, target, registration):
    if target == "model":
        return reverse(f"registry:{name}", args=[registration.support_model_id])
    if target == "registration":
        return reverse(f"registry:{name}", args=[registration.pk])
    return reverse(f"registry:{name}")


def write_request(name, registration):
    """URL and POST data of a write view on ``registration``."""
    if name in ACTION_TARGETS:
        url = reverse("registry:registration-action", args=[registration.pk, name])
        return url, {"reason": "Đề nghị bổ sung kế hoạch"}
    if name == "carry-over":
        return reverse("registry:registration-carry-over", args=[registration.pk]), {}
    if name == "bulk-approve":
        return reverse("registry:review-bulk-approve"), {"ids": [registration.pk]}
    return reverse("registry:completeness-remind"), {"year": registration.year}


@pytest.fixture
def next_year(db):
    """An open 2023 to carry registrations over to."""
    return PeriodYearFactory(period=PeriodFactory(start_year=2023, end_year=2025), year=2023)


@pytest.fixture
def registration(make_registration, model_a, model_b, model_c):
    # Siblings and the other district have registrations too, so a leak would show.
    make_registration(model_b, S.SUBMITTED)
    make_registration(model_c, S.SUBMITTED)
    return lambda status: make_registration(model_a, status)


@pytest.mark.parametrize(("name", "target", "status", "who", "code"), expand(READS))
def test_reads(client, request, cast, registration, name, target, status, who, code):
    obj = registration(status)
    client.force_login(cast[who])

    response = client.get(read_url(name, target, obj))

    assert response.status_code == code
    response.close()


@pytest.mark.parametrize(("name", "status", "who", "code"), expand(WRITES))
def test_writes(
    client,
    cast,
    registration,
    next_year,
    mailoutbox,
    django_capture_on_commit_callbacks,
    name,
    status,
    who,
    code,
):
    obj = registration(status)
    client.force_login(cast[who])
    url, data = write_request(name, obj)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    changed = str(code).endswith("+")
    assert response.status_code == int(str(code).rstrip("+"))
    obj.refresh_from_db()
    if name in ACTION_TARGETS:
        assert obj.status == (ACTION_TARGETS[name] if changed else status)
    elif name == "bulk-approve":
        assert obj.status == (S.APPROVED if changed else status)
    elif name == "carry-over":
        assert obj.carried_into.filter(year=2023).exists() == changed
    else:
        assert (cast["secretary_a"].email in [m.to[0] for m in mailoutbox]) == changed


def test_an_unknown_action_is_404(client, secretary_a, registration):
    obj = registration(S.DRAFT)
    client.force_login(secretary_a)

    response = client.post(reverse("registry:registration-action", args=[obj.pk, "delete"]))

    assert response.status_code == 404


# --- Methods and strangers ---------------------------------------------------------------------

GET_ONLY = [
    ("my-unit", None),
    ("model-detail", "model"),
    ("registration-detail", "registration"),
    ("registration-plan", "registration"),
    ("review-queue", None),
    ("completeness", None),
]
POST_ONLY = [
    "submit",
    "withdraw",
    "approve",
    "return",
    "reopen",
    "carry-over",
    "bulk-approve",
    "remind",
]


@pytest.mark.parametrize("who", ["secretary_a", "officer"])
@pytest.mark.parametrize(("name", "target"), GET_ONLY)
def test_reads_refuse_post(client, cast, registration, name, target, who):
    obj = registration(S.SUBMITTED)
    client.force_login(cast[who])

    assert client.post(read_url(name, target, obj)).status_code == 405


@pytest.mark.parametrize("who", ["secretary_a", "officer"])
@pytest.mark.parametrize("name", POST_ONLY)
def test_writes_refuse_get(
    client, cast, registration, mailoutbox, django_capture_on_commit_callbacks, name, who
):
    obj = registration(S.SUBMITTED)
    client.force_login(cast[who])
    url, _data = write_request(name, obj)

    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 405
    obj.refresh_from_db()
    assert obj.status == S.SUBMITTED
    assert mailoutbox == []


ALL_READS = [(name, target) for name, target, _status, _codes in READS]


@pytest.mark.parametrize(("name", "target"), ALL_READS)
def test_strangers_are_sent_to_log_in_from_every_page(client, registration, name, target):
    url = read_url(name, target, registration(S.DRAFT))

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL))


@pytest.mark.parametrize("name", POST_ONLY)
def test_strangers_change_nothing(
    client, registration, next_year, mailoutbox, django_capture_on_commit_callbacks, name
):
    obj = registration(S.SUBMITTED)
    url, data = write_request(name, obj)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302
    assert response.url.startswith(reverse(settings.LOGIN_URL))
    obj.refresh_from_db()
    assert obj.status == S.SUBMITTED
    assert not obj.carried_into.exists()
    assert mailoutbox == []
