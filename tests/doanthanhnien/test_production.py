"""Production starts: `collectstatic` with the production storage, then pages with DEBUG off.

`collectstatic` runs once per module, as the README says, in a subprocess with the server's
environment (`DEBUG=0`), into a temporary STATIC_ROOT. The pages are then rendered in-process
with the storage that the settings module chooses when `DEBUG=0` (read from the module itself,
not copied here), and every static URL they contain is fetched through WhiteNoise.
"""

import json
import os
import re
import runpy
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(settings.BASE_DIR)
MANAGE = BASE_DIR / "manage.py"
STATIC_URL_IN_HTML = re.compile(r"""(?:href|src)="(/static/[^"]+)\"""")
# ManifestStaticFilesStorage names a file "name.<12 hex digits of its MD5>.ext".
HASHED = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")
STATIC_TAG = re.compile(r"""{%\s*static\s+['"]([^'"]+)['"]""")


def _server_environment(**extra):
    # The server's environment, not the test run's (see test_deploy_check.py).
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(45),
        "ALLOWED_HOSTS": "portal.example.org",
        **extra,
    }


def _settings_module(env):
    """The settings module evaluated in the environment ``env`` (None unsets), as a dict."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            if value is None:
                patch.delenv(name, raising=False)
            else:
                patch.setenv(name, value)
        return runpy.run_path(str(BASE_DIR / "doanthanhnien" / "settings.py"))


@pytest.fixture(scope="module")
def production_settings():
    """The settings module evaluated as on the server (`DEBUG=0`)."""
    return _settings_module(_server_environment())


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("staticfiles")
    result = subprocess.run(
        [sys.executable, str(MANAGE), "collectstatic", "--noinput"],
        env=_server_environment(STATIC_ROOT=str(root)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return root


@pytest.fixture
def production(settings, production_settings, static_root):
    """This test's settings switched to the production static files."""
    settings.DEBUG = False
    settings.STORAGES = production_settings["STORAGES"]
    settings.STATIC_ROOT = static_root
    # As on the server: WhiteNoise indexes STATIC_ROOT once, when the middleware is built.
    settings.WHITENOISE_AUTOREFRESH = False
    return static_root


def _static_urls(response) -> list[str]:
    return STATIC_URL_IN_HTML.findall(response.content.decode())


def _assert_served_as_collected(client, url: str, static_root: Path):
    assert HASHED.search(url), f"{url} is not a hashed name"
    response = client.get(url)
    try:
        assert response.status_code == 200, url
        # Only a hashed file collected into STATIC_ROOT gets WhiteNoise's "forever" caching.
        assert "immutable" in response["Cache-Control"], url
        body = b"".join(response.streaming_content)
    finally:
        response.close()
    assert body == (static_root / url.removeprefix(settings.STATIC_URL)).read_bytes()


def test_the_server_uses_the_manifest_storage(production_settings):
    assert production_settings["DEBUG"] is False
    backend = production_settings["STORAGES"]["staticfiles"]["BACKEND"]
    assert backend == "whitenoise.storage.CompressedManifestStaticFilesStorage"


def test_collectstatic_hashes_and_compresses_every_file(static_root):
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]

    for name in [
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "css/portal.css",
        "js/portal.js",
        "favicon.svg",
        "admin/css/base.css",
    ]:
        hashed = manifest[name]
        assert HASHED.search(hashed)
        assert (static_root / hashed).is_file()
        assert (static_root / f"{hashed}.gz").is_file()


def test_no_vendored_file_points_at_a_missing_source_map():
    # The storage rewrites these comments to hashed names and fails on a missing map.
    for path in (BASE_DIR / "static").rglob("*"):
        if path.suffix in (".css", ".js"):
            text = path.read_text(encoding="utf-8")
            for target in re.findall(r"sourceMappingURL=(\S+?)(?:\s|\*/|$)", text):
                assert (path.parent / target).is_file(), f"{path}: {target}"


def test_the_login_page_renders_with_hashed_static_files(client, db, production):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    urls = _static_urls(response)
    assert staticfiles_storage.url("vendor/bootstrap/bootstrap.min.css") in urls
    assert staticfiles_storage.url("css/portal.css") in urls
    assert len(urls) >= 4
    for url in urls:
        _assert_served_as_collected(client, url, production)


def test_a_logged_in_page_renders_with_hashed_static_files(client, secretary_a, production):
    client.force_login(secretary_a)

    response = client.get("/")

    assert response.status_code == 200
    assert secretary_a.unit.name in response.content.decode()
    urls = _static_urls(response)
    assert staticfiles_storage.url("js/portal.js") in urls
    for url in urls:
        _assert_served_as_collected(client, url, production)


def test_the_admin_renders_with_hashed_static_files(client, admin_user, production):
    client.force_login(admin_user)

    response = client.get("/admin/")

    assert response.status_code == 200
    urls = _static_urls(response)
    assert urls
    for url in urls:
        _assert_served_as_collected(client, url, production)


def test_plain_http_is_redirected_except_for_the_health_check(
    client, db, settings, production_settings
):
    # The server's own security settings; the client's handler is built at its first request.
    settings.SECURE_SSL_REDIRECT = production_settings["SECURE_SSL_REDIRECT"]
    settings.SECURE_REDIRECT_EXEMPT = production_settings["SECURE_REDIRECT_EXEMPT"]

    login = client.get("/accounts/login/")
    health = client.get("/healthz")

    assert login.status_code == 301
    assert login["Location"] == "https://testserver/accounts/login/"
    assert health.status_code == 200
    assert health.content == b"ok"


def test_every_static_file_a_template_names_was_collected(static_root):
    # With the manifest storage a name missing from the manifest is a 500 on that page only:
    # check all templates, not just the pages rendered above.
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    folders = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]
    named = {
        name
        for folder in folders
        for template in folder.rglob("*.html")
        for name in STATIC_TAG.findall(template.read_text(encoding="utf-8"))
    }

    assert "css/portal.css" in named
    assert sorted(named - manifest.keys()) == []


def _make_run_dry(**env):
    inherited = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    result = subprocess.run(
        ["make", "--dry-run", "run"],
        cwd=BASE_DIR,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return next(line for line in result.stdout.splitlines() if "runserver" in line)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make: apt-get install make")
def test_make_run_points_mail_links_at_the_port_it_serves():
    assert _make_run_dry().startswith('SITE_URL="http://127.0.0.1:8000" ')
    assert _make_run_dry(PORT="8123") == (
        'SITE_URL="http://127.0.0.1:8123" .venv/bin/python manage.py runserver 127.0.0.1:8123'
    )


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make: apt-get install make")
def test_make_run_keeps_a_site_url_it_is_given():
    line = _make_run_dry(PORT="8123", SITE_URL="https://portal.example.org")

    assert line.startswith('SITE_URL="https://portal.example.org" ')
    assert line.endswith("runserver 127.0.0.1:8123")


POSTGRES = "postgres://portal:secret@db.example.org:5432/portal"


@pytest.mark.parametrize("database_url", [None, POSTGRES])
def test_database_connections_persist_with_health_checks_by_default(database_url):
    values = _settings_module(
        {"DATABASE_URL": database_url, "CONN_MAX_AGE": None, "CONN_HEALTH_CHECKS": None}
    )

    database = values["DATABASES"]["default"]
    assert database["CONN_MAX_AGE"] == 600
    assert database["CONN_HEALTH_CHECKS"] is True


def test_database_connections_can_be_configured():
    values = _settings_module(
        {"DATABASE_URL": POSTGRES, "CONN_MAX_AGE": "0", "CONN_HEALTH_CHECKS": "0"}
    )

    assert values["DATABASES"]["default"]["CONN_MAX_AGE"] == 0
    assert values["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is False


def test_a_bad_connection_setting_is_refused():
    with pytest.raises(ImproperlyConfigured, match="CONN_HEALTH_CHECKS"):
        _settings_module({"CONN_HEALTH_CHECKS": "sometimes"})


@pytest.mark.parametrize("seconds", ["-1", "28800", "99999999"])
def test_the_session_refresh_interval_is_bounded_by_the_session_age(seconds):
    with pytest.raises(ImproperlyConfigured, match="SESSION_REFRESH_SECONDS"):
        _settings_module({"SESSION_REFRESH_SECONDS": seconds, "SESSION_COOKIE_AGE": "28800"})


def test_sessions_are_not_written_on_every_request():
    values = _settings_module({})

    assert values["SESSION_SAVE_EVERY_REQUEST"] is False
    middleware = values["MIDDLEWARE"]
    # Right after SessionMiddleware, whose response phase saves what the refresh marks.
    refresh = middleware.index("doanthanhnien.session_refresh.SessionRefreshMiddleware")
    assert middleware[refresh - 1] == "django.contrib.sessions.middleware.SessionMiddleware"
