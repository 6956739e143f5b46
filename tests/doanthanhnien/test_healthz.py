"""/healthz answers 200 when the app and its database are up, 503 when the database is not."""

from django.db import OperationalError


def test_it_answers_ok(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]


def test_it_needs_no_login(client, db):
    assert client.get("/healthz").status_code == 200


def test_it_answers_503_when_the_database_is_down(client, db, monkeypatch):
    class BrokenConnection:
        def cursor(self):
            raise OperationalError("could not connect to server")

    monkeypatch.setattr("doanthanhnien.views.connection", BrokenConnection())

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content != b"ok"


def test_it_refuses_post(client, db):
    assert client.post("/healthz").status_code == 405
