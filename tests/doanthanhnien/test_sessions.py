"""A session lives while it is used, without a database write on every page view."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from doanthanhnien.session_refresh import REFRESHED_AT
from tests.factories import TEST_PASSWORD

LOGIN = reverse("login")


@pytest.fixture
def clock(monkeypatch):
    """The time Django's sessions (and the refresh) see; move it with ``clock.advance(s)``."""

    class Clock:
        now = timezone.now()

        def advance(self, seconds):
            self.now += timedelta(seconds=seconds)

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def _log_in(client, user):
    response = client.post(LOGIN, {"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return Session.objects.get()


def _session_writes(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    writes = [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]
    return response, writes


def _expire_date(session):
    return Session.objects.get(pk=session.pk).expire_date


def test_the_log_in_stamps_the_session(client, secretary_a, clock):
    session = _log_in(client, secretary_a)

    assert session.get_decoded()[REFRESHED_AT] == int(clock.now.timestamp())
    assert session.expire_date == clock.now + timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_a_page_view_minutes_later_does_not_write_the_session(client, secretary_a, clock):
    session = _log_in(client, secretary_a)
    clock.advance(settings.SESSION_REFRESH_SECONDS - 10)

    response, writes = _session_writes(client, "/")

    assert response.status_code == 200
    assert writes == []
    assert _expire_date(session) == session.expire_date
    # No new cookie either: the browser keeps the one it has.
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_a_page_view_after_the_interval_pushes_the_expiry_forward(client, secretary_a, clock):
    session = _log_in(client, secretary_a)
    clock.advance(settings.SESSION_REFRESH_SECONDS + 10)

    response, writes = _session_writes(client, "/")

    assert response.status_code == 200
    assert len(writes) == 1
    assert writes[0].lstrip().upper().startswith("UPDATE")
    assert _expire_date(session) == clock.now + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert Session.objects.get(pk=session.pk).get_decoded()[REFRESHED_AT] == int(
        clock.now.timestamp()
    )


def test_a_used_session_outlives_its_first_expiry(client, secretary_a, clock):
    _log_in(client, secretary_a)
    # A working day of page views, one every 30 minutes, to past the first expiry.
    for _ in range(settings.SESSION_COOKIE_AGE // 1800 + 2):
        clock.advance(1800)
        assert client.get("/").status_code == 200


def test_the_session_ends_after_its_age_without_a_page_view(client, secretary_a, clock):
    _log_in(client, secretary_a)
    clock.advance(settings.SESSION_REFRESH_SECONDS + 10)
    assert client.get("/").status_code == 200  # refreshed here

    clock.advance(settings.SESSION_COOKIE_AGE + 1)
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_the_session_ends_even_when_the_last_refresh_was_skipped(client, secretary_a, clock):
    # The worst case of the interval: page views that never wrote, then silence. The session
    # ends SESSION_COOKIE_AGE after the last write, at most SESSION_REFRESH_SECONDS early.
    _log_in(client, secretary_a)
    clock.advance(settings.SESSION_REFRESH_SECONDS - 10)
    assert client.get("/").status_code == 200  # not written

    clock.advance(settings.SESSION_COOKIE_AGE - settings.SESSION_REFRESH_SECONDS + 20)

    assert client.get("/").status_code == 302


def test_healthz_with_a_session_cookie_touches_no_session(client, secretary_a, clock):
    _log_in(client, secretary_a)
    clock.advance(settings.SESSION_REFRESH_SECONDS + 10)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")

    assert response.status_code == 200
    assert [q["sql"] for q in queries if "django_session" in q["sql"]] == []


def test_an_anonymous_visit_creates_no_session(client, db, clock):
    assert client.get(LOGIN).status_code == 200
    assert client.get("/").status_code == 302

    assert Session.objects.count() == 0


def test_logging_out_still_ends_the_session(client, secretary_a, clock):
    _log_in(client, secretary_a)
    clock.advance(settings.SESSION_REFRESH_SECONDS + 10)

    assert client.post(reverse("logout")).status_code == 302

    assert Session.objects.count() == 0
    assert client.get("/").status_code == 302


def test_a_refresh_time_in_the_future_is_treated_as_stale(client, secretary_a, clock):
    session = _log_in(client, secretary_a)
    # A time in the future (a clock set back on the server) must not freeze the expiry.
    store = client.session
    store[REFRESHED_AT] = int(clock.now.timestamp()) + 10 * 24 * 3600
    store.save()
    clock.advance(60)

    response, writes = _session_writes(client, "/")

    assert response.status_code == 200
    assert len(writes) == 1
    assert _expire_date(session) == clock.now + timedelta(seconds=settings.SESSION_COOKIE_AGE)
