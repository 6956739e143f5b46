"""`make bench`'s load test: the pages served by gunicorn, requests per second under load.

``manage.py bench`` calls :func:`serve` and :func:`drive` in its child process, against the
throwaway benchmark database it has just filled. gunicorn runs as in production — DEBUG off,
the manifest static files storage (collected into a temporary STATIC_ROOT), persistent
database connections — except that it speaks plain HTTP on 127.0.0.1. The load comes from
`wrk` (Debian package ``wrk``; ``scripts/install-system-deps bench``), or, where it is
missing, from a small Python client in separate processes, which the report then names.

This module does not import the portal's models: the fallback client's processes import it.
"""

import http.client
import math
import multiprocessing
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

WORKERS = 3
CONNECTIONS = 4
WRK_THREADS = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, cookie: str = "", timeout: float = 30) -> tuple[int, bytes]:
    """One GET on a fresh connection (no redirects followed); the status and the body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@contextmanager
def serve(*, base_dir: Path, secret_key: str, workers: int = WORKERS):
    """Run gunicorn on a free port for the duration of the block; yields the port.

    The database is the one DATABASE_URL names (the benchmark's). The secret key is the
    benchmark process's own, so that the sessions it created are valid in gunicorn.
    """
    with tempfile.TemporaryDirectory(prefix="bench-static-") as static_root:
        env = {
            **os.environ,
            "DEBUG": "0",
            "SECRET_KEY": secret_key,
            "ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on the loopback: no redirect to https (a proxy would terminate TLS).
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_ROOT": static_root,
        }
        manage = str(base_dir / "manage.py")
        # With DEBUG off, {% static %} needs collectstatic's manifest.
        subprocess.run(  # noqa: S603
            [sys.executable, manage, "collectstatic", "--noinput", "-v", "0"],
            env=env,
            cwd=base_dir,
            check=True,
        )
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "doanthanhnien.wsgi",
                f"--workers={workers}",
                f"--bind=127.0.0.1:{port}",
                "--log-level=warning",
            ],
            env=env,
            cwd=base_dir,
        )
        try:
            _wait_until_up(port, server)
            yield port
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_up(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {server.returncode}")
        try:
            if get(port, "/healthz", timeout=5)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s")


def tool() -> str:
    """What drive() will use: "wrk" when it is installed, else the Python fallback."""
    return "wrk" if shutil.which("wrk") else "python"


def drive(*, port: int, path: str, cookie: str, seconds: float) -> dict:
    """Load one address for `seconds` with CONNECTIONS connections.

    Returns requests per second, latency percentiles (ms) and how many answers were not
    2xx/3xx (which the caller treats as a failure).
    """
    if tool() == "wrk":
        return _wrk(port=port, path=path, cookie=cookie, seconds=seconds)
    return _python(port=port, path=path, cookie=cookie, seconds=seconds)


def _wrk(*, port: int, path: str, cookie: str, seconds: float) -> dict:
    out = subprocess.run(  # noqa: S603
        [
            shutil.which("wrk"),
            f"--threads={min(WRK_THREADS, CONNECTIONS)}",  # wrk wants a connection per thread
            f"--connections={CONNECTIONS}",
            f"--duration={max(1, round(seconds))}s",
            "--timeout=30s",
            "--latency",
            "--header",
            f"Cookie: {cookie}",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return parse_wrk(out)


_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * _UNIT_MS[unit]


def parse_wrk(out: str) -> dict:
    """The figures of wrk's report (with --latency)."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.M)
    total = re.search(r"^\s*(\d+) requests in", out, re.M)
    if not rps or not total:
        raise ValueError(f"Unexpected wrk output:\n{out}")
    latency = dict(re.findall(r"^\s+(50|99)(?:\.000)?%\s+(\S+)", out, re.M))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*?timeout (\d+)", out)
    return {
        "rps": float(rps.group(1)),
        "requests": int(total.group(1)),
        "p50": _ms(latency["50"]) if "50" in latency else None,
        "p99": _ms(latency["99"]) if "99" in latency else None,
        "failed": int(bad.group(1)) if bad else 0,
        "timeouts": int(errors.group(1)) if errors else 0,
    }


def _python(*, port: int, path: str, cookie: str, seconds: float) -> dict:
    # One process per connection: the client's own Python must not be the bottleneck.
    context = multiprocessing.get_context("spawn")
    with context.Pool(CONNECTIONS) as pool:
        runs = pool.starmap(_hammer, [(port, path, cookie, seconds)] * CONNECTIONS)
    latencies = sorted(ms for done, _failed, _elapsed in runs for ms in done)
    elapsed = max(elapsed for _done, _failed, elapsed in runs)
    return {
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "requests": len(latencies),
        "p50": _nearest(latencies, 0.50),
        "p99": _nearest(latencies, 0.99),
        "failed": sum(failed for _done, failed, _elapsed in runs),
        "timeouts": 0,
    }


def _nearest(ordered: list[float], share: float) -> float | None:
    if not ordered:
        return None
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]  # nearest rank


def _hammer(port: int, path: str, cookie: str, seconds: float) -> tuple[list[float], int, float]:
    """Requests one after another on one connection at a time, like one of wrk's."""
    done, failed = [], 0
    started = time.perf_counter()
    deadline = started + seconds
    while (now := time.perf_counter()) < deadline:
        status, _body = get(port, path, cookie)
        if 200 <= status < 400:
            done.append((time.perf_counter() - now) * 1000)
        else:
            failed += 1
    return done, failed, time.perf_counter() - started
