"""Without Chromium the browser tests are skipped with a reason naming the package, never an
error. These tests do not need a browser themselves (not marked ``browser``)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from tests.browser import conftest as browser


def test_a_missing_chromium_skips_naming_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(browser, "CHROMIUM", str(tmp_path / "chromium"))

    with pytest.raises(pytest.skip.Exception) as skipped:
        browser.require_chromium()

    assert "apt-get install chromium" in str(skipped.value)
    assert str(tmp_path / "chromium") in str(skipped.value)


def test_a_chromium_that_cannot_be_run_skips(monkeypatch, tmp_path):
    not_executable = tmp_path / "chromium"
    not_executable.write_text("")
    not_executable.chmod(0o644)
    monkeypatch.setattr(browser, "CHROMIUM", str(not_executable))

    with pytest.raises(pytest.skip.Exception):
        browser.require_chromium()


def test_an_installed_chromium_does_not_skip(monkeypatch, tmp_path):
    executable = tmp_path / "chromium"
    executable.write_text("#!/bin/sh\n")
    executable.chmod(0o755)
    monkeypatch.setattr(browser, "CHROMIUM", str(executable))

    assert browser.require_chromium() is None


def test_a_browser_journey_without_chromium_is_skipped_not_an_error(tmp_path):
    # The whole path a fresh machine takes: pytest, the fixtures, the live server, the skip.
    # On its own SQLite database, so that it never touches the outer run's test database.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        CHROMIUM=str(tmp_path / "no-chromium-here"),
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/browser/test_login_journey.py",
            "-m",
            "browser",
            "-rs",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = result.stdout + result.stderr

    assert result.returncode == 0, output
    assert "skipped" in output
    assert "apt-get install chromium" in output
    assert " error" not in output.lower()
    assert "passed" not in output
