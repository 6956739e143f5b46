"""Property-based input fuzzing (hypothesis): the values, the settings and the invariants.

Each fuzz test posts random and extreme values to one form or filter as the role that uses it
and checks two things: the answer is never a 500 (the test client re-raises a view's
exception), and a post that is refused writes nothing (the row counts of every table a person
can change, history tables included, are the same before and after).

Each example runs inside a transaction that is rolled back, so every example starts from the
fixtures' state however many rows an accepted post wrote. ``FUZZ_EXAMPLES`` (default 30) sets
how many examples each test tries; raise it for a long local run.
"""

import os
from contextlib import contextmanager

from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from doanthanhnien.models import Unit, User
from models_registry.models import (
    ModelStep,
    Registration,
    RegistrationTarget,
    ReminderLog,
    SupportModel,
    WorkflowTransition,
)

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "30")),
    deadline=None,
    # The fixtures (users, units, a model) are built once per test and shared by its examples
    # on purpose: each example is rolled back, so they are the same for every example.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
    print_blob=True,
)

# Numbers at and beyond every limit that matters: PostgreSQL's integer and bigint, SQLite's
# 64-bit binding, JavaScript's safe integers, the portal's own bounds, and far beyond.
EXTREME_NUMBERS = [
    0,
    1,
    -1,
    7,
    8,
    2**15,
    2**31 - 1,
    2**31,
    2**32,
    2**53 + 1,
    2**63 - 1,
    2**63,
    -(2**63) - 1,
    2**64,
    100_000,
    100_001,
    10**12,
    10**12 + 1,
    10**30,
]
ODD_TEXT = [
    "",
    " ",
    "\x00",
    "1\x00",
    "١٢٣",  # Arabic-Indic digits: int() accepts them
    "１２３",  # full-width digits
    "1e400",
    "1e5",
    "NaN",
    "inf",
    "-0",
    "1.5",
    "1,000",
    "1.000.000",
    "0x10",
    "9" * 5000,  # beyond Python's 4300-digit int() limit
    "\u202e12",
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "\r\nSet-Cookie: x=1",
    "🙂",
    "Đoàn xã Hương Trà",
    "x" * 3000,
]

DROP = object()  # a key left out of the request altogether
KEEP = object()  # a key left as the baseline has it

scalars = st.one_of(
    st.sampled_from(EXTREME_NUMBERS).map(str),
    st.integers().map(str),
    st.sampled_from(ODD_TEXT),
    st.text(max_size=30),
)
values = st.one_of(scalars, st.lists(scalars, min_size=2, max_size=3), st.just(DROP))
# For a field that holds ids or counts: extreme numbers far more often than in ``scalars``.
BEYOND_LIMITS = [2**31, 2**63, -(2**63) - 1, 2**64, 10**12 + 1, 10**30]
numbers = st.one_of(
    st.sampled_from(BEYOND_LIMITS).map(str),
    st.sampled_from(EXTREME_NUMBERS).map(str),
    st.integers().map(str),
)
number_lists = st.lists(numbers, min_size=1, max_size=3)
# A formset's TOTAL_FORMS: at, just beyond and far beyond the forms it has.
form_totals = st.sampled_from(
    ["7", "8", "9", "100", "1000", "1007", "1008", "0", "-1", "", "x", str(2**63), "1" + "0" * 30]
)


def fuzzed(baseline: dict, fields=None, special=None):
    """A request body: ``baseline`` with a random subset of ``fields`` (default: its keys)
    replaced by random and extreme values, lists of values, or left out. Each field of
    ``special`` (field → strategy) is considered in every example, and its own strategy is
    drawn as often as the general values: the fields that hold ids, counts or form totals."""
    special = special or {}
    names = sorted(set(fields if fields is not None else baseline) - set(special))

    def merge(changes):
        data = dict(baseline)
        for name, value in changes.items():
            if value is DROP:
                data.pop(name, None)
            elif value is not KEEP:
                data[name] = value
        return data

    others = (
        st.dictionaries(st.sampled_from(names), values, max_size=len(names))
        if names
        else (st.just({}))
    )
    chosen = st.fixed_dictionaries(
        {name: st.one_of(st.just(KEEP), strategy, values) for name, strategy in special.items()}
    )
    return st.tuples(chosen, others).map(lambda pair: merge({**pair[1], **pair[0]}))


def query(fields, numeric=()):
    """Query parameters: any subset of ``fields`` with random and extreme values; those in
    ``numeric`` get extreme numbers as often as anything else."""
    return fuzzed({}, fields, special=dict.fromkeys(numeric, numbers))


@contextmanager
def rolled_back():
    """Run one example in a transaction that is then rolled back."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def snapshot() -> dict:
    """What a refused post must not change: rows of every table a form writes, history rows
    (one per change of a model or registration), and the building steps' content."""
    counts = {
        model._meta.label: model.objects.count()
        for model in (
            Unit,
            User,
            SupportModel,
            SupportModel.history.model,
            SupportModel.target_groups.through,
            ModelStep,
            Registration,
            Registration.history.model,
            RegistrationTarget,
            WorkflowTransition,
            ReminderLog,
        )
    }
    counts["steps"] = list(ModelStep.objects.order_by("pk").values_list("done", "done_on", "note"))
    counts["active"] = list(User.objects.order_by("pk").values_list("is_active", flat=True))
    return counts


def assert_answered(response):
    assert response.status_code < 500, response.status_code
