"""Production settings pass Django's deployment checklist without a single warning."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

MANAGE = Path(settings.BASE_DIR) / "manage.py"


def _manage(*args, **env):
    # The server's environment, not the test run's: browser tests switch off Django's async
    # safety check (DJANGO_ALLOW_ASYNC_UNSAFE), which the deploy check rightly reports.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, str(MANAGE), *args],
        env={**inherited, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production_env():
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(45)[:60],
        "ALLOWED_HOSTS": "portal.example.org",
    }


def test_the_deploy_check_is_clean():
    env = _production_env()
    assert len(env["SECRET_KEY"]) == 60

    result = _manage("check", "--deploy", "--fail-level", "WARNING", **env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**_production_env(), "SECRET_KEY": ""}

    result = _manage("check", **env)

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = {**_production_env(), "ALLOWED_HOSTS": ""}

    result = _manage("check", **env)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr
