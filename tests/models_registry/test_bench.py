"""`make bench`'s pieces that run without a national dataset or gunicorn: the query timer, the
goal checks, the rendering of the SQL and throughput columns, wrk's report and the Python load
client that replaces wrk where it is missing."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

from django.db import connection

from doanthanhnien.models import Unit
from models_registry.management import bench_load
from models_registry.management.commands import bench

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8123/healthz
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.32ms    2.12ms  10.85ms   75.22%
    Req/Sec   608.50    171.46     0.89k    70.00%
  Latency Distribution
     50%    2.57ms
     75%    4.64ms
     90%    7.01ms
     99%    1.20s
  6070 requests in 10.00s, 736.82KB read
  Non-2xx or 3xx responses: 3
Requests/sec:    606.10
Transfer/sec:    735.73KB
"""


def _cast():
    return {
        "sizes": {"provinces": 1, "grassroots unions": 2},
        "largest": {"province": ("Tỉnh đoàn A", 2), "district": ("Huyện đoàn B", 2)},
        "period_year": SimpleNamespace(year=2022),
        "load": "0.5 / 0.4 / 0.3",
    }


def _page(page, median, sql):
    return {
        "page": page,
        "role": "district officer",
        "rows": "20 unions",
        "queries": "9",
        "median": median,
        "sql": sql,
        "p95": median + 1,
    }


def test_it_counts_and_times_queries(db):
    timer = bench.QueryTimer()
    with connection.execute_wrapper(timer):
        Unit.objects.count()
        Unit.objects.exists()

    assert timer.count == 2
    assert timer.seconds > 0


def test_it_holds_a_page_to_three_times_its_sql_and_100_ms():
    assert bench.meets_page_goal(30.0, 10.0)
    assert not bench.meets_page_goal(30.1, 10.0)
    assert not bench.meets_page_goal(101.0, 50.0)
    assert not bench.meets_page_goal(5.0, 0.0)


def test_it_renders_sql_time_ratio_and_goal(db):
    rows = [_page("Completeness", 24.0, 12.0), _page("Home `/`", 80.0, 10.0)]

    section = bench.render_section(cast=_cast(), rows=rows, scale=0.1, repeat=5)

    assert "| median ms | SQL ms | median ÷ SQL | p95 ms | goal |" in section
    assert "| Completeness | district officer | 20 unions | 9 | 24.0 | 12.0 | 2.0 | 25.0 | ✓ |" in (
        section
    )
    assert (
        "| Home `/` | district officer | 20 unions | 9 | 80.0 | 10.0 | 8.0 | 81.0 | ✗ |" in section
    )
    assert "1 of 2 pages meet it" in section
    assert "Throughput" not in section


def test_it_renders_throughput_against_healthz(db):
    def load(page, role, rps):
        return {"page": page, "role": role, "rps": rps, "p50": 5.0, "p99": None}

    throughput = {
        "rows": [
            load("`/healthz`", "district officer", 200.0),
            {**load("Change password (reference)", "district officer", 150.0), "reference": True},
            load("Home `/`", "district officer", 90.0),
            load("Completeness", "district officer", 70.0),
            load("Home `/`", "provincial viewer", 10.0),
        ],
        "tool": "python",
        "seconds": 10,
        "gunicorn": "27.0.1",
        "load": "1.9 / 1.5 / 1.0",
    }

    section = bench.render_section(
        cast=_cast(), rows=[_page("Home `/`", 8.0, 4.0)], scale=1, repeat=5, throughput=throughput
    )

    assert "| `/healthz` | district officer | 200.0 | 5.0 | — | 100% | — |" in section
    # The reference page is shown beside the others but does not count for the goal.
    assert "| Change password (reference) | district officer | 150.0 | 5.0 | — | 75% | — |" in (
        section
    )
    assert "| Home `/` | district officer | 90.0 | 5.0 | — | 45% | ✓ |" in section
    assert "| Completeness | district officer | 70.0 | 5.0 | — | 35% | ✗ |" in section
    assert "| Home `/` | provincial viewer | 10.0 | 5.0 | — | 5% | ✗ |" in section
    # Only the officer's pages count for the goal; the report says when wrk was missing.
    assert "1 of 2 meet it" in section
    assert "wrk was not installed" in section
    assert "load average 1.9 / 1.5 / 1.0 at the end" in section


def test_it_reads_wrks_report():
    figures = bench_load.parse_wrk(WRK_OUTPUT)

    assert figures == {
        "rps": 606.10,
        "requests": 6070,
        "p50": 2.57,
        "p99": 1200.0,
        "failed": 3,
        "timeouts": 0,
    }


def test_the_python_client_loads_a_server_without_wrk(monkeypatch):
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            seen.append(self.headers["Cookie"])
            self.send_response(200 if self.path == "/ok" else 404)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setattr(bench_load.shutil, "which", lambda name: None)
    try:
        port = server.server_address[1]
        ok = bench_load.drive(port=port, path="/ok", cookie="sessionid=x", seconds=0.3)
        missing = bench_load.drive(port=port, path="/missing", cookie="", seconds=0.2)
    finally:
        server.shutdown()
        server.server_close()

    assert bench_load.tool() == "python"
    assert ok["requests"] > 0 and ok["rps"] > 0 and ok["failed"] == 0
    assert ok["p50"] <= ok["p99"]
    assert "sessionid=x" in seen
    assert missing["requests"] == 0 and missing["failed"] > 0
