"""Run the benchmark: the portal's main paths over HTTP against gunicorn (DEBUG off), from this
separate process on loopback, each compared with the raw SQL that returns the same data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bali_bench \
        .venv/bin/python bench/run.py --scale small [--generate] [--port 8765]

Prints a table and writes ``bench/results-<scale>.json``: each metric with its value, unit,
budget and whether it is met. A path the portal does not serve yet is recorded as
"not available" instead of failing the run. See ``bench/README.md``.
"""

import argparse
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote_plus

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import paths as issue14
from bench import public_figures
from bench.client import Client
from bench.common import (
    BENCH_DIR,
    BENCH_PASSWORD,
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    ROOT,
    SCALES,
    setup_django,
)

PYTHON = sys.executable
OPEN_STATES = ["submitted", "under_review", "info_requested", "routed", "in_progress"]
CLOCKED = ["submitted", "under_review", "routed"]

# Samples per latency metric (after warm-up), by scale.
SAMPLES = {"tiny": (3, 15), "small": (5, 60), "large": (20, 200)}
# Search words not in the measured rotation, each asked once (first, uncached answers); the
# first one is the availability check and warm-up.
UNCACHED_WORDS = ["energy", "forest", "ozone", "coastal", "mercury", "drought", "urban", "soil"]
SUBMIT_SECONDS = {"tiny": 5, "small": 15, "large": 30}
# The export is read for at most this long; rows per second are measured on what arrived.
EXPORT_SECONDS = {"tiny": 30, "small": 60, "large": 120}


class _StopReading(Exception):
    pass


# --- results ---------------------------------------------------------------------------------


class Results:
    def __init__(self, scale):
        self.scale = scale
        self.metrics = []
        self.not_available = {}
        self.notes = []
        self.failed_sections = {}

    def section(self, name, run):
        """Run one section; a failure is reported and recorded, and the run goes on."""
        try:
            run()
        except Exception as exc:  # any failure of a section: said, kept, and the run goes on
            import traceback

            detail = "".join(traceback.format_exception_only(exc)).strip()
            self.failed_sections[name] = detail
            print(f"  SECTION {name} FAILED: {detail}", flush=True)
            traceback.print_exc(limit=6)

    def add(self, name, value, unit, budget=None, op="<=", **details):
        if value is None or budget is None:
            met = None
        elif op == "<=":
            met = value <= budget
        elif op == ">=":
            met = value >= budget
        elif op == "==":
            met = value == budget
        else:
            raise ValueError(op)
        if isinstance(value, float):
            value = round(value, 3)
        self.metrics.append({
            "name": name, "value": value, "unit": unit, "budget": budget,
            "budget_op": op if budget is not None else None, "met": met, **details,
        })  # fmt: skip
        mark = {True: "met", False: "MISSED", None: ""}[met]
        shown_budget = f"{op} {budget}" if budget is not None else ""
        print(f"  {name:<34} {value!s:>12} {unit:<8} {shown_budget:<12} {mark}", flush=True)

    def unavailable(self, name, why):
        self.not_available[name] = why
        print(f"  {name:<34} not available ({why})", flush=True)


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return None
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summarize(seconds):
    ms = [s * 1000 for s in seconds]
    return {"p50_ms": round(statistics.median(ms), 2), "p95_ms": round(percentile(ms, 95), 2),
            "max_ms": round(max(ms), 2), "n": len(ms)}  # fmt: skip


# --- the app under gunicorn ------------------------------------------------------------------


def free_port(preferred):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]


class Server:
    """gunicorn serving the portal as in production: DEBUG off, 5 sync workers (Dockerfile)."""

    def __init__(self, env, port, workers, workdir):
        self.env = env
        self.port = port
        self.workers = workers
        self.log = Path(workdir) / "gunicorn.log"
        self.proc = None

    def start(self):
        command = [
            str(Path(PYTHON).parent / "gunicorn"), "bali_portal.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
            "--timeout", "300", "--graceful-timeout", "5", "--chdir", str(ROOT),
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            command, env=self.env, cwd=ROOT, stdout=open(self.log, "wb"),  # noqa: SIM115
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        client = Client(port=self.port, timeout=5)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
            try:
                if client.get("/healthz").status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def worker_pids(self):
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.proc.pid:
                pids.append(int(entry.name))
        return pids

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def rss_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    return 0.0


class RssSampler(threading.Thread):
    """Peak resident memory of the gunicorn workers while something runs."""

    def __init__(self, server, interval=0.02):
        super().__init__(daemon=True)
        self.server = server
        self.interval = interval
        self.peak = {}
        self.stop_event = threading.Event()

    def run(self):
        pids = self.server.worker_pids()
        while not self.stop_event.is_set():
            for pid in pids:
                self.peak[pid] = max(self.peak.get(pid, 0.0), rss_mb(pid))
            time.sleep(self.interval)

    def stop(self):
        self.stop_event.set()
        self.join()
        return max(self.peak.values()) if self.peak else None


# --- the raw SQL side ------------------------------------------------------------------------


class Sql:
    def __init__(self, database_url):
        import psycopg

        self.conn = psycopg.connect(database_url, autocommit=True)

    def one(self, sql, params=None):
        with self.conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchone()

    def all(self, sql, params=None):
        with self.conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    def timed(self, sql, params, warmup, samples):
        times = []
        rows = 0
        for i in range(warmup + samples):
            started = time.perf_counter()
            with self.conn.cursor() as cur:
                cur.execute(sql, params)
                rows = len(cur.fetchall())
            if i >= warmup:
                times.append(time.perf_counter() - started)
        return times, rows


def tables():
    """Table and column names from the models, so the raw SQL follows them."""
    from bali_portal.accounts.models import User
    from registry import models as reg
    from reporting.models import PublicFigures
    from requests_app import models as req

    def through(model, field):
        f = model._meta.get_field(field)
        return (f.remote_field.through._meta.db_table, f.m2m_column_name(), f.m2m_reverse_name())

    return {
        "request": req.Request._meta.db_table,
        "event": req.RequestEvent._meta.db_table,
        "user": User._meta.db_table,
        "country": reg.Country._meta.db_table,
        "office": reg.RegionalOffice._meta.db_table,
        "division": reg.Division._meta.db_table,
        "activity": reg.Activity._meta.db_table,
        "org": reg.Organization._meta.db_table,
        "evaluation": req.Evaluation._meta.db_table,
        "attachment": req.Attachment._meta.db_table,
        "r_themes": through(req.Request, "thematic_areas"),
        "r_cross": through(req.Request, "cross_cutting_issues"),
        "r_meas": through(req.Request, "meas"),
        "r_support": through(req.Request, "support_types"),
        "r_subregional": through(req.Request, "covered_countries"),
        "r_supporting": through(req.Request, "supporting_divisions"),
        "a_themes": through(reg.Activity, "thematic_areas"),
        "a_offices": through(reg.Activity, "regional_offices"),
        "a_support": through(reg.Activity, "support_types"),
        "a_country": reg.ActivityCountry._meta.db_table,
        "partnership": reg.Partnership._meta.db_table,
        "funding": reg.FundingLine._meta.db_table,
        "public_figures": PublicFigures._meta.db_table,
    }


def m2m_agg(t, key, alias="r"):
    table, left, right = t[key]
    return (
        f'(SELECT array_agg(x."{right}") FROM "{table}" x WHERE x."{left}" = {alias}.id) AS {key}'
    )


def queue_sql(t, order):
    """The 50 rows of an office's queue, with what a row shows: the practical limit."""
    aggregates = ", ".join(m2m_agg(t, k) for k in ("r_themes", "r_support", "r_supporting"))
    return f"""
        SELECT r.*, c.name, o.name, u.email, u.full_name, d.name, {aggregates}
        FROM "{t["request"]}" r
        JOIN "{t["country"]}" c ON c.code = r.country_id
        JOIN "{t["office"]}" o ON o.code = r.regional_office_id
        LEFT JOIN "{t["user"]}" u ON u.id = r.assignee_id
        LEFT JOIN "{t["division"]}" d ON d.code = r.lead_division_id
        WHERE r.regional_office_id = %(office)s AND r.state = ANY(%(states)s)
        ORDER BY {order}
        LIMIT 50
    """


URGENCY_ORDER = (
    "(r.state = ANY(%(clocked)s) AND r.due_at < now()) DESC, (r.state = ANY(%(open)s)) DESC, "
    "r.submitted_at ASC, r.id"
)
NEWEST_ORDER = "r.created_at DESC, r.id DESC"


def list_sql(t, order=NEWEST_ORDER):
    aggregates = ", ".join(
        m2m_agg(t, k)
        for k in ("r_themes", "r_cross", "r_meas", "r_support", "r_subregional", "r_supporting")
    )
    return f"""
        SELECT r.*, c.name, o.name, u.email, u.full_name, d.name, {aggregates}
        FROM "{t["request"]}" r
        JOIN "{t["country"]}" c ON c.code = r.country_id
        JOIN "{t["office"]}" o ON o.code = r.regional_office_id
        LEFT JOIN "{t["user"]}" u ON u.id = r.assignee_id
        LEFT JOIN "{t["division"]}" d ON d.code = r.lead_division_id
        WHERE r.regional_office_id = %(office)s AND r.state = ANY(%(states)s)
        ORDER BY {order}
        LIMIT 50
    """


def detail_sql(t):
    aggregates = ", ".join(
        m2m_agg(t, k)
        for k in ("r_themes", "r_cross", "r_meas", "r_support", "r_subregional", "r_supporting")
    )
    return f"""
        SELECT r.*, c.name, o.name, u.email, d.name, cb.email, ev.rating, {aggregates},
          (SELECT json_agg(e ORDER BY e.created_at, e.id) FROM (
              SELECT e.*, a.email, a.full_name, a.role, a.country_id, a.regional_office_id,
                     a.division_id
              FROM "{t["event"]}" e LEFT JOIN "{t["user"]}" a ON a.id = e.actor_id
              WHERE e.request_id = r.id) e) AS events,
          (SELECT json_agg(f) FROM "{t["attachment"]}" f WHERE f.request_id = r.id) AS files
        FROM "{t["request"]}" r
        JOIN "{t["country"]}" c ON c.code = r.country_id
        JOIN "{t["office"]}" o ON o.code = r.regional_office_id
        JOIN "{t["user"]}" cb ON cb.id = r.created_by_id
        LEFT JOIN "{t["user"]}" u ON u.id = r.assignee_id
        LEFT JOIN "{t["division"]}" d ON d.code = r.lead_division_id
        LEFT JOIN "{t["evaluation"]}" ev ON ev.request_id = r.id
        WHERE r.reference = %(reference)s
    """


def search_sql(t):
    """A page of ranked matches and the facet counts over every match."""
    a = t["activity"]
    themes, t_left, t_right = t["a_themes"]
    return f"""
        WITH matched AS (
            SELECT id, title, status, modality, lead_division_id,
                   ts_rank(search_vector, q) AS rank
            FROM "{a}", to_tsquery('english', %(query)s) q
            WHERE is_published AND search_vector @@ q
        ),
        page AS (SELECT * FROM matched ORDER BY rank DESC, title, id LIMIT 50),
        facets AS (
            SELECT 'status' AS facet, status AS value, count(*) FROM matched GROUP BY status
            UNION ALL SELECT 'modality', modality, count(*) FROM matched GROUP BY modality
            UNION ALL SELECT 'division', lead_division_id, count(*) FROM matched
                      GROUP BY lead_division_id
            UNION ALL SELECT 'theme', x."{t_right}", count(*) FROM matched m
                      JOIN "{themes}" x ON x."{t_left}" = m.id GROUP BY x."{t_right}"
        )
        SELECT 'row', id::text, title, rank::text FROM page
        UNION ALL SELECT 'facet', facet, value, count::text FROM facets
    """


# --- measuring -------------------------------------------------------------------------------


def measure_http(client, paths, warmup, samples):
    """Sequential requests (one client), rotating over ``paths``; returns timings or the error."""
    times = []
    sizes = []
    for i in range(warmup + samples):
        path = paths[i % len(paths)]
        resp = client.get(path, gzip_ok=True)
        if resp.status != 200:
            return None, f"HTTP {resp.status} for {path}"
        if i >= warmup:
            times.append(resp.elapsed)
            sizes.append(resp.wire_bytes)
    return times, {"bytes_p50": int(statistics.median(sizes))}


def available(client, path):
    resp = client.get(path)
    if resp.status == 404:
        return False, "HTTP 404: not routed yet"
    if resp.status >= 400:
        return False, f"HTTP {resp.status}"
    return True, ""


def latency_metric(results, name, client, paths, warmup, samples, budget_ms, sql=None,
                   sql_params=None, sql_budget=None):  # fmt: skip
    ok, why = available(client, paths[0])
    if not ok:
        results.unavailable(name, why)
        return None
    times, extra = measure_http(client, paths, warmup, samples)
    if times is None:
        results.unavailable(name, extra)
        return None
    stats = summarize(times)
    results.add(f"{name}.p95", stats["p95_ms"], "ms", budget_ms, paths=paths, **stats, **extra)
    if sql is not None:
        # The raw SQL varies far less than HTTP through the workers: its median is stable
        # at fewer runs (the search's, without the cache, takes a second each).
        sql_times, rows = sql[0].timed(sql[1], sql_params, min(warmup, 5), min(samples, 60))
        sql_stats = summarize(sql_times)
        ratio = stats["p50_ms"] / sql_stats["p50_ms"]
        results.add(f"{name}.ratio_to_sql", ratio, "x", sql_budget,
                    http_p50_ms=stats["p50_ms"], sql_p50_ms=sql_stats["p50_ms"],
                    sql_p95_ms=sql_stats["p95_ms"], sql_rows=rows,
                    note="HTTP median / raw SQL median, same run")  # fmt: skip
    return stats


def run_submissions(results, port, focal_points, seconds, sql, t):
    """8 concurrent clients (threads of this process), each a focal point filing complete
    requests (``POST /api/v1/requests/`` with ``"submit": true``)."""
    started_at = sql.one("SELECT now()")[0]
    tokens = []
    for email in focal_points:
        c = Client(port=port)
        c.obtain_token(email, BENCH_PASSWORD)
        tokens.append(c.token)
    body = {
        "title": "Benchmark request", "description": "Need for capacity in air quality.",
        "national_priorities": "National air quality plan 2030.", "thematic_areas": ["T09"],
        "support_types": ["training"], "scope": "national", "desired_start": "2027-03-01",
        "duration_months": 12, "cross_cutting_issues": [], "meas": [],
    }  # fmt: skip
    ok = [0] * len(tokens)
    errors = [0] * len(tokens)
    error_samples = []
    latencies = []
    stop_at = time.monotonic() + seconds
    lock = threading.Lock()

    def worker(i):
        client = Client(port=port)
        client.token = tokens[i]
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            try:
                # A complete request filed and submitted in one call ("submit": true).
                filed = client.post("/api/v1/requests/", json_body={**body, "submit": True})
                if filed.status != 201 or filed.json()["state"] != "submitted":
                    raise RuntimeError(f"file HTTP {filed.status} {filed.text[:160]}")
                ok[i] += 1
                with lock:
                    latencies.append(time.perf_counter() - t0)
            except Exception as exc:  # counted, and a few kept for the report
                errors[i] += 1
                with lock:
                    if len(error_samples) < 5:
                        error_samples.append(str(exc))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(tokens))]
    t0 = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.monotonic() - t0
    done = sum(ok)
    # Counted afterwards, in the database: every submission the clients saw succeed is there.
    stored = sql.one(
        f"""SELECT count(*) FROM "{t["request"]}" r JOIN "{t["user"]}" u ON u.id = r.created_by_id
            WHERE u.email = ANY(%s) AND r.state = 'submitted' AND r.submitted_at >= %s""",
        [focal_points, started_at],
    )[0]
    stats = summarize(latencies) if latencies else {}
    results.add("submissions.per_second", done / elapsed, "1/s", 150, ">=", clients=len(tokens),
                seconds=round(elapsed, 1), submitted=done, latency=stats)  # fmt: skip
    results.add("submissions.errors", sum(errors), "count", 0, "==", samples=error_samples)
    results.add("submissions.lost", done - stored, "count", 0, "==", stored=stored)


def run_export(results, server, port, sql, t, cap_seconds):
    path = "/api/v1/activities/export/?format=csv"
    client = Client(port=port, timeout=600)
    probe = client.get("/api/v1/activities/?page_size=1")
    if probe.status == 404:
        results.unavailable("export_csv", "registry API /api/v1/activities/ not routed yet")
        return
    sampler = RssSampler(server)
    sampler.start()
    lines = [0]
    first = [None]
    wire = [0]
    started = time.perf_counter()

    def count(chunk):
        now = time.perf_counter()
        if first[0] is None:
            first[0] = now - started
        lines[0] += chunk.count(b"\n")
        wire[0] += len(chunk)
        if now - started > cap_seconds:
            raise _StopReading

    complete = True
    status = 200
    try:
        resp = client.get(path, on_chunk=count)
        status = resp.status
    except _StopReading:
        complete = False
    finally:
        peak = sampler.stop()
    elapsed = time.perf_counter() - started
    if status != 200:
        results.unavailable("export_csv", f"HTTP {status}")
        return
    rows = max(lines[0] - 1, 0)
    expected = sql.one(f'SELECT count(*) FROM "{t["activity"]}" WHERE is_published')[0]
    note = "complete" if complete else f"stopped reading after {cap_seconds} s"
    results.add("export_csv.first_byte", first[0], "s", 1.0, rows=rows,
                published_activities=expected, note=note)  # fmt: skip
    results.add("export_csv.rows_per_second", rows / max(elapsed, 1e-9), "rows/s", 20000,
                ">=", seconds=round(elapsed, 2), bytes=wire[0], note=note)  # fmt: skip
    results.add(
        "export_csv.worker_peak_rss",
        peak,
        "MB",
        200,
        note="peak resident memory of the gunicorn workers while streaming",
    )
    # The raw SQL limit: the same rows streamed out of PostgreSQL as CSV.
    started = time.perf_counter()
    n = 0
    with (
        sql.conn.cursor() as cur,
        cur.copy(
            f"COPY (SELECT a.*, (SELECT string_agg(country_id, ';') FROM \"{t['a_country']}\" ac "
            f'WHERE ac.activity_id = a.id) FROM "{t["activity"]}" a WHERE is_published '
            "ORDER BY title, id) TO STDOUT WITH CSV"
        ) as copy,
    ):
        for data in copy:
            n += bytes(data).count(b"\n")
    raw = time.perf_counter() - started
    results.add("export_csv.sql_rows_per_second", n / raw, "rows/s", note="COPY of the rows")


def run_measured(command, env, timeout=900):
    """Run a command; returns (seconds, peak RSS in MB, output, exit code)."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)  # fmt: skip
    # Read while it runs: a child that prints more than a pipe holds would otherwise wait
    # for a reader forever, and so would this runner, waiting for the child.
    chunks = []
    reader = threading.Thread(target=lambda: chunks.extend(iter(
        lambda: proc.stdout.read(65536), b"")), daemon=True)  # fmt: skip
    reader.start()
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.1)
    elapsed = time.perf_counter() - started
    reader.join(timeout=30)
    output = b"".join(chunks).decode("utf-8", "replace")
    return elapsed, usage.ru_maxrss / 1024, output, os.waitstatus_to_exitcode(status)


def run_report(results, env, year, expected_requests):
    command = [PYTHON, "manage.py", "generate_annual_report", "--year", str(year)]
    check = subprocess.run([PYTHON, "manage.py", "help", "generate_annual_report"], env=env,
                           cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    if check.returncode != 0:
        results.unavailable("annual_report", "no generate_annual_report command yet")
        return
    elapsed, peak, output, code = run_measured(command, env)
    if code != 0:
        results.add("annual_report.seconds", None, "s", 120, error=output[-800:],
                    exit_code=code)  # fmt: skip
        return
    results.add("annual_report.seconds", elapsed, "s", 120, year=year,
                requests_in_year=expected_requests, output=output[-400:])  # fmt: skip
    results.add("annual_report.peak_rss", peak, "MB", 600,
                note="peak resident memory of the generate_annual_report process")  # fmt: skip
    # The aggregation alone, against the very SQL it runs (executed again on a plain cursor).
    proc = subprocess.run([PYTHON, str(BENCH_DIR / "report_aggregation.py"), str(year)], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=1200)  # fmt: skip
    if proc.returncode != 0:
        results.notes.append(f"report aggregation timing failed: {proc.stderr[-600:]}")
        return
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    results.add(
        "annual_report.aggregation_ratio_to_sql", data["ratio"], "x", 2.0,
        orm_seconds=round(data["orm_seconds"], 3), sql_seconds=round(data["sql_seconds"], 3),
        queries=data["queries"],
        note="compute_snapshot() / the same SQL statements run again on a plain cursor",
    )  # fmt: skip


def run_statistics_refresh(results, env, sql, t):
    """``manage.py refresh_public_statistics`` (what the beat task runs): the computation's
    own time as the stored row records it, beside the raw SQL of the same grouped counts."""
    name = public_figures.REFRESH_COMMAND
    started = time.perf_counter()
    done = subprocess.run([PYTHON, "manage.py", name], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=900)  # fmt: skip
    wall = time.perf_counter() - started
    if done.returncode != 0:
        results.unavailable("statistics_refresh", (done.stderr or done.stdout).strip()[-300:])
        return
    sql_started = time.perf_counter()
    sql.all(public_figures.statistics_sql(t))
    sql_seconds = time.perf_counter() - sql_started
    results.add("statistics_refresh.seconds", public_figures.refresh_seconds(sql, t), "s",
                public_figures.REFRESH_BUDGET_SECONDS, command_wall_seconds=round(wall, 2),
                raw_sql_seconds=round(sql_seconds, 2), output=done.stdout.strip()[-200:],
                note="compute_figures() in the refresh task; readers never run it")  # fmt: skip


def run_half_year_report(results, env, year):
    """A six-month report (issue 18: a briefing of the Committee of Permanent Representatives):
    the first half of ``year``, every section, the three files."""
    command = [PYTHON, "manage.py", "generate_annual_report", "--period-start",
               f"{year}-01-01", "--period-end", f"{year}-06-30"]  # fmt: skip
    elapsed, peak, output, code = run_measured(command, env)
    if code != 0:
        results.add("half_year_report.seconds", None, "s", 120, error=output[-800:],
                    exit_code=code)  # fmt: skip
        return
    results.add("half_year_report.seconds", elapsed, "s", 120, period=f"{year}-01-01/06-30",
                output=output[-400:])  # fmt: skip
    results.add("half_year_report.peak_rss", peak, "MB", 600,
                note="peak resident memory of the six-month report's process")  # fmt: skip


def report_sql(sql, t, year):
    """What a year's report aggregates, in raw SQL (counts and handling times)."""
    r = t["request"]
    themes, left, right = t["r_themes"]
    query = f"""
        WITH y AS (SELECT * FROM "{r}" WHERE submitted_at >= make_timestamptz(%(y)s,1,1,0,0,0,'UTC')
                   AND submitted_at < make_timestamptz(%(y)s + 1,1,1,0,0,0,'UTC'))
        SELECT 'state', state, count(*), NULL::float FROM y GROUP BY state
        UNION ALL SELECT 'office', regional_office_id, count(*),
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM
                acknowledged_at - submitted_at)) FROM y GROUP BY regional_office_id
        UNION ALL SELECT 'theme', x."{right}", count(*), NULL FROM y JOIN "{themes}" x
            ON x."{left}" = y.id GROUP BY x."{right}"
        UNION ALL SELECT 'decision', 'all', count(*), percentile_cont(0.5) WITHIN GROUP
            (ORDER BY extract(epoch FROM decided_at - submitted_at)) FROM y
            WHERE decided_at IS NOT NULL
        UNION ALL SELECT 'trained', 'all', sum(coalesce(people_trained_female, 0)
            + coalesce(people_trained_male, 0)), NULL FROM y
    """  # fmt: skip
    times, _ = sql.timed(query, {"y": year}, 1, 3)
    return summarize(times)


def page_weight(results, port, email, paths):
    """What a focal point's browser transfers for a page, gzip on, every asset included."""
    client = Client(port=port)
    client.login(email, BENCH_PASSWORD)
    for name, path in paths.items():
        resp = client.get(path, gzip_ok=True)
        if resp.status != 200:
            results.unavailable(f"page_weight.{name}", f"HTTP {resp.status} for {path}")
            continue
        html = resp.text
        total = resp.wire_bytes + resp.header_bytes
        assets = set(re.findall(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"', html))
        external = []
        seen = set()
        queue = [a for a in assets if not a.startswith("#")]
        fetched = []
        while queue:
            url = queue.pop()
            if url in seen:
                continue
            seen.add(url)
            if re.match(r"^(https?:)?//", url) and not re.match(
                    rf"^(https?:)?//(127\.0\.0\.1|localhost)(:{port})?/", url):  # fmt: skip
                external.append(url)
                continue
            if url.startswith(("data:", "mailto:")) or not url.startswith("/"):
                continue
            if "/static/" not in url and not url.endswith((".css", ".js", ".svg", ".png",
                                                           ".ico", ".woff2")):  # fmt: skip
                continue  # a link to another page, not an asset of this one
            asset = client.get(url, gzip_ok=True)
            total += asset.wire_bytes + asset.header_bytes
            fetched.append({"url": url, "bytes": asset.wire_bytes, "status": asset.status})
            if url.endswith(".css"):
                for ref in re.findall(r"url\(['\"]?([^'\")]+)", asset.text):
                    if ref.startswith("/"):
                        queue.append(ref)
                    elif not ref.startswith(("data:", "http", "//")):
                        queue.append(url.rsplit("/", 1)[0] + "/" + ref)
                    else:
                        queue.append(ref)
        results.add(
            f"page_weight.{name}",
            total / 1024,
            "KB",
            60,
            path=path,
            assets=fetched,
            note="compressed bodies and response headers, page and every asset",
        )
        results.add(f"page_weight.{name}.other_hosts", len(external), "count", 0, "==",
                    urls=external[:10])  # fmt: skip


def query_counts(results, env, spec):
    proc = subprocess.run([PYTHON, str(BENCH_DIR / "querycount.py"), json.dumps(spec)], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=600)  # fmt: skip
    if proc.returncode != 0:
        results.notes.append(f"query counts failed: {proc.stderr[-600:]}")
        print(f"  query counts failed: {proc.stderr[-600:]}")
        return
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    for name, item in data.items():
        if any(s == 404 for s in item["statuses"]):
            results.unavailable(f"{name}.queries_flat", "HTTP 404")
            continue
        results.add(
            f"{name}.queries_flat",
            item["flat"],
            "bool",
            True,
            "==",
            queries=item["queries"],
            paths=item["paths"],
            statuses=item["statuses"],
        )


# --- main --------------------------------------------------------------------------------------


def machine_info(sql):
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpus": os.cpu_count(), "cpu": cpu, "memory_gb": round(mem, 1),
        "python": platform.python_version(), "postgres": sql.one("SHOW server_version")[0],
        "load_average_at_start": os.getloadavg(),
    }  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--generate", action="store_true", help="generate the data set first")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=5)  # the Dockerfile's WEB_CONCURRENCY
    parser.add_argument("--only", default="", help="comma-separated sections to run")
    parser.add_argument("--samples", type=int, default=None, help="requests per latency metric")
    parser.add_argument("--warmup", type=int, default=None, help="warm-up requests per metric")
    parser.add_argument(
        "--output", default=None, help="results file (default bench/results-<scale>.json)"
    )
    args = parser.parse_args(argv)
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    redis_url = os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL
    only = set(filter(None, args.only.split(",")))

    def want(section):
        return not only or section in only

    run_started = time.monotonic()
    if args.generate:
        subprocess.run([PYTHON, str(BENCH_DIR / "generate.py"), "--scale", args.scale,
                        "--database-url", database_url], check=True, cwd=ROOT)  # fmt: skip

    setup_django(database_url)
    t = tables()
    sql = Sql(database_url)
    n_requests = sql.one(f'SELECT count(*) FROM "{t["request"]}"')[0]
    expected = SCALES[args.scale]["requests"]
    if n_requests < expected * 0.9:
        raise SystemExit(f"The database holds {n_requests} requests; generate scale "
                         f"{args.scale} first (--generate).")  # fmt: skip
    results = Results(args.scale)
    warmup, samples = SAMPLES[args.scale]
    warmup = warmup if args.warmup is None else args.warmup
    samples = samples if args.samples is None else args.samples

    workdir = tempfile.mkdtemp(prefix="bali-bench-run-")
    # One folder per checkout: two worktrees benchmarked on one machine collect different files.
    static_root = Path(tempfile.gettempdir()) / f"bali-bench-static-{ROOT.name}"
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url, "REDIS_URL": redis_url, "DEBUG": "0",
        "SECRET_KEY": "bench-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0", "CSRF_COOKIE_SECURE": "0", "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(static_root), "MEDIA_ROOT": str(Path(workdir) / "media"),
        "LOG_LEVEL": "WARNING", "DJANGO_SETTINGS_MODULE": "bali_portal.settings",
    })  # fmt: skip
    # Collected (and compressed) once, reused for 30 minutes: it takes minutes on 2 busy cores.
    manifest = static_root / "staticfiles.json"
    if (
        not manifest.exists()
        or time.time() - manifest.stat().st_mtime > 1800
        or static_sources_changed(manifest.stat().st_mtime)
    ):
        subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env=env,
                       cwd=ROOT, check=True)  # fmt: skip
    _flush_redis(redis_url)

    port = free_port(args.port)
    server = Server(env, port, args.workers, workdir)
    print(f"Scale {args.scale}: {n_requests:,} requests; gunicorn on 127.0.0.1:{port} "
          f"({args.workers} workers), logs in {server.log}")  # fmt: skip
    office = "ROA"
    staff_email = f"staff1.{office.lower()}@bench.example"
    long_refs = [row[0] for row in sql.all(f"""
        SELECT r.reference FROM "{t['request']}" r
        WHERE r.regional_office_id = %s AND r.state <> 'draft'
          AND (SELECT count(*) FROM "{t['event']}" e WHERE e.request_id = r.id) >= 20
        ORDER BY r.id DESC LIMIT 5""", [office])]  # fmt: skip
    # A short timeline in the same state as the long one: the actions offered (and their forms'
    # queries) depend on the state, the count must not depend on the timeline's length.
    short_ref = sql.one(f"""
        SELECT r.reference FROM "{t['request']}" r WHERE r.regional_office_id = %s
          AND r.state = (SELECT state FROM "{t['request']}" WHERE reference = %s)
          AND (SELECT count(*) FROM "{t['event']}" e WHERE e.request_id = r.id) < 8
        ORDER BY r.id DESC LIMIT 1""", [office, long_refs[0]])[0]  # fmt: skip
    open_refs = [row[0] for row in sql.all(f"""
        SELECT reference FROM "{t['request']}" WHERE state = ANY(%s)
        ORDER BY id DESC LIMIT 2""", [OPEN_STATES])]  # fmt: skip
    fp_country, fp_ref = sql.one(f"""
        SELECT r.country_id, r.reference FROM "{t['request']}" r
        WHERE r.state = 'in_progress' ORDER BY r.id DESC LIMIT 1""")  # fmt: skip
    open_states = ",".join(OPEN_STATES)
    queue_page = "/requests/queue/?" + "&".join(f"state={s}" for s in OPEN_STATES)
    queue_page_few = "/requests/queue/?state=submitted"
    queue_api = f"/api/v1/requests/?state={open_states}&ordering=urgency"
    queue_params = {"office": office, "states": OPEN_STATES, "clocked": CLOCKED,
                    "open": OPEN_STATES}  # fmt: skip
    searches = ["water", "climate adaptation", "biodivers", "waste management"]
    tsqueries = {
        "water": "water:*",
        "climate adaptation": "climate:* & adaptation:*",
        "biodivers": "biodivers:*",
        "waste management": "waste:* & management:*",
    }
    report_year, report_count = sql.one(f"""
        SELECT extract(year FROM submitted_at)::int y, count(*) FROM "{t['request']}"
        WHERE submitted_at < date_trunc('year', now()) AND submitted_at IS NOT NULL
        GROUP BY 1 ORDER BY abs(count(*) - %s), 1 DESC LIMIT 1""",
        [expected // SCALES[args.scale]["years"]])  # fmt: skip

    dataset = {
        "requests": n_requests,
        "events": sql.one(f'SELECT count(*) FROM "{t["event"]}"')[0],
        "activities": sql.one(f'SELECT count(*) FROM "{t["activity"]}"')[0],
        "organizations": sql.one(f'SELECT count(*) FROM "{t["org"]}"')[0],
        "states": dict(
            sql.all(f'SELECT state, count(*) FROM "{t["request"]}" GROUP BY 1 ORDER BY 1')
        ),
        "office_queue_rows": sql.one(
            f"""SELECT count(*) FROM "{t["request"]}" WHERE
            regional_office_id = %s AND state = ANY(%s)""",
            [office, OPEN_STATES],
        )[0],
    }
    out = Path(args.output) if args.output else BENCH_DIR / f"results-{args.scale}.json"

    def save():
        summary = {
            "scale": args.scale,
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "run_seconds": round(time.monotonic() - run_started, 1),
            "machine": machine_info(sql),
            "server": {"gunicorn_workers": args.workers, "debug": False, "redis": redis_url},
            "dataset": dataset,
            "samples_per_latency": samples,
            "warmup": warmup,
            "metrics": results.metrics,
            "not_available": results.not_available,
            "notes": results.notes,
            "failed_sections": results.failed_sections,
            "budgets_met": sum(1 for m in results.metrics if m["met"] is True),
            "budgets_missed": [m["name"] for m in results.metrics if m["met"] is False],
        }
        if only and out.exists():
            # A partial run (--only) updates its metrics in the last full run's results.
            previous = json.loads(out.read_text())
            names = {m["name"] for m in results.metrics}
            kept = [m for m in previous.get("metrics", []) if m["name"] not in names]
            summary["metrics"] = kept + results.metrics
            summary["not_available"] = {
                **{k: v for k, v in previous.get("not_available", {}).items() if k not in names},
                **results.not_available,
            }
            runs = previous.get("partial_runs", [])
            summary["partial_runs"] = runs if sorted(only) in runs else [*runs, sorted(only)]
            summary["budgets_met"] = sum(1 for m in summary["metrics"] if m["met"] is True)
            summary["budgets_missed"] = [m["name"] for m in summary["metrics"] if m["met"] is False]
        out.write_text(json.dumps(summary, indent=2, default=str) + "\n")
        return summary

    try:
        server.start()
        staff = Client(port=port)
        staff.obtain_token(staff_email, BENCH_PASSWORD)
        staff_session = Client(port=port)
        staff_session.login(staff_email, BENCH_PASSWORD)
        anonymous = Client(port=port)

        def queue_section():
            print("Regional triage queue (office ROA, open states, 50 rows)")
            latency_metric(results, "queue_api", staff, [queue_api], warmup, samples, 150,
                           (sql, list_sql(t, URGENCY_ORDER)), queue_params, 3.0)  # fmt: skip
            latency_metric(results, "queue_page", staff_session, [queue_page], warmup, samples,
                           150, (sql, queue_sql(t, URGENCY_ORDER)), queue_params, 3.0)  # fmt: skip
            save()

        if want("queue"):
            results.section("queue", queue_section)

        def detail_section():
            print("Request detail, 20-event timeline")
            latency_metric(results, "detail_api", staff, [f"/api/v1/requests/{r}/"
                           for r in long_refs], warmup, samples, 100,
                           (sql, detail_sql(t)), {"reference": long_refs[0]})  # fmt: skip
            latency_metric(results, "detail_page", staff_session, [f"/requests/{r}/"
                           for r in long_refs], warmup, samples, 100,
                           (sql, detail_sql(t)), {"reference": long_refs[0]})  # fmt: skip
            # The registry's matches for a request, on their own page since they rank the
            # whole registry: measured, no budget in the issue.
            latency_metric(results, "matches_page", staff_session,
                           [f"/requests/{r}/matches/" for r in long_refs],
                           max(1, warmup // 5), max(5, samples // 4), None)  # fmt: skip
            save()

        if want("detail"):
            results.section("detail", detail_section)

        def search_section():
            print("Registry full-text search with facets")
            latency_metric(results, "search_api", anonymous,
                           [f"/api/v1/activities/?search={q.replace(' ', '+')}" for q in searches],
                           warmup, samples, 150, (sql, search_sql(t)),
                           {"query": tsqueries["water"]})  # fmt: skip
            # Facet counts are cached per query; words asked once each show the first,
            # uncached answer (no budget: reported beside the warm p95).
            latency_metric(results, "search_api_uncached", anonymous,
                           [f"/api/v1/activities/?search={word}" for word in UNCACHED_WORDS],
                           1, len(UNCACHED_WORDS) - 1, None)  # fmt: skip
            latency_metric(results, "search_page", anonymous,
                           [f"/registry/?search={q.replace(' ', '+')}" for q in searches],
                           warmup, samples, 150, (sql, search_sql(t)),
                           {"query": tsqueries["water"]})  # fmt: skip
            save()

        if want("search"):
            results.section("search", search_section)

        def cold_search_section():
            print("Registry searches nobody asked before (each once, cached results emptied)")
            forget = lambda: issue14.clear_registry_cache(redis_url)  # noqa: E731

            def ask(client, path, words, size, **facets):
                params = {
                    "query": issue14.tsquery(words),
                    "any": issue14.tsquery(words).replace(" & ", " | "),
                    **facets,
                }
                return (client, path, issue14.search_page_sql(t, size, facets=bool(facets)),
                        params)  # fmt: skip

            issue14.measure(results, "search_api_cold", [
                ask(anonymous, f"/api/v1/activities/?search={quote_plus(w)}", w, 50)
                for w in issue14.COLD_API_WORDS], 250, before=forget, sql=sql)  # fmt: skip
            issue14.measure(results, "search_page_cold", [
                ask(anonymous, f"/registry/?search={quote_plus(w)}", w, 20)
                for w in issue14.COLD_PAGE_WORDS], 400, before=forget, sql=sql)  # fmt: skip
            pairs = issue14.FACET_PAIRS
            issue14.measure(results, "search_api_cold_faceted", [
                ask(anonymous, f"/api/v1/activities/?search={quote_plus(w)}&regional_office="
                    f"{pairs[i % len(pairs)][0]}&thematic_area={pairs[i % len(pairs)][1]}", w,
                    50, office=pairs[i % len(pairs)][0], theme=pairs[i % len(pairs)][1])
                for i, w in enumerate(issue14.COLD_FACETED_WORDS)], 250, before=forget,
                sql=sql)  # fmt: skip
            save()

        if want("cold_search"):
            results.section("cold_search", cold_search_section)

        def deep_pages_section():
            print("Deep pages of the registry list (page and API, each page once)")
            asks = []
            for i, number in enumerate(issue14.DEEP_PAGES):
                size = 20 if i % 2 == 0 else 50
                path = (f"/registry/?page={number}" if size == 20
                        else f"/api/v1/activities/?page={number}")  # fmt: skip
                asks.append((anonymous, path, issue14.deep_page_sql(t, size),
                             {"offset": (number - 1) * size}))  # fmt: skip
            issue14.measure(
                results,
                "registry_deep_page",
                asks,
                300,
                before=lambda: issue14.clear_registry_cache(redis_url),
                sql=sql,
            )
            save()

        if want("deep_pages"):
            results.section("deep_pages", deep_pages_section)

        def queues_section():
            print("The queue API of every regional office and every division")
            offices = [row[0] for row in sql.all(f'SELECT code FROM "{t["office"]}" ORDER BY 1')]
            divisions = [row[0] for row in sql.all(
                f'SELECT code FROM "{t["division"]}" ORDER BY 1')]  # fmt: skip
            rounds = max(1, samples // 25)  # 8 rounds of every queue at large (48 each)

            def staff_of(code):
                client = Client(port=port)
                client.obtain_token(f"staff1.{code.lower()}@bench.example", BENCH_PASSWORD)
                return client

            params = {"states": OPEN_STATES, "clocked": CLOCKED, "open": OPEN_STATES}
            issue14.measure(results, "queue_api_every_office", [
                (staff_of(code), queue_api, list_sql(t, URGENCY_ORDER), {**params, "office": code})
                for code in offices], 150, sql=sql, repeat=rounds, warmup=1)  # fmt: skip
            issue14.measure(results, "queue_api_every_division", [
                (staff_of(code), queue_api, issue14.division_queue_sql(t, URGENCY_ORDER),
                 {**params, "division": code})
                for code in divisions], 150, sql=sql, repeat=rounds, warmup=1)  # fmt: skip
            save()

        if want("queues"):
            results.section("queues", queues_section)

        def matches_section():
            print("Matches of open requests (API)")
            open_requests = sql.all(f"""
                SELECT DISTINCT ON (regional_office_id, state) id, reference, regional_office_id
                FROM "{t['request']}" WHERE state = ANY(%s)
                ORDER BY regional_office_id, state, id DESC""", [OPEN_STATES])  # fmt: skip
            coordinator = Client(port=port)
            coordinator.obtain_token("coordinator1@bench.example", BENCH_PASSWORD)
            issue14.measure(results, "matches_api", [
                (coordinator, f"/api/v1/requests/{reference}/matches/", issue14.matches_sql(t),
                 {"request": request_id, "office": office})
                for request_id, reference, office in open_requests[:30]], 300, sql=sql,
                warmup=1)  # fmt: skip
            save()

        if want("matches"):
            results.section("matches", matches_section)

        def request_search_section():
            print("The coordinator's text search over requests (each words once)")
            coordinator = Client(port=port)
            coordinator.obtain_token("coordinator1@bench.example", BENCH_PASSWORD)
            references = [row[0] for row in sql.all(f"""
                SELECT reference FROM "{t['request']}" WHERE state <> 'draft'
                ORDER BY md5(reference) LIMIT 6""")]  # fmt: skip
            words = issue14.REQUEST_WORDS + references + [ref[:8] for ref in references[:3]]
            issue14.measure(results, "request_search", [
                (coordinator, f"/api/v1/requests/?search={quote_plus(w)}",
                 issue14.request_search_sql(t, sql, w), issue14.request_patterns(w))
                for w in words], 300, sql=sql)  # fmt: skip
            save()

        if want("request_search"):
            results.section("request_search", request_search_section)

        def statistics_section():
            print("Public figures: the refresh task, then GET /api/v1/statistics/ (anonymous)")
            run_statistics_refresh(results, env, sql, t)
            # As readers ask for it: the stored figures, from the cache.
            latency_metric(results, "statistics_api", anonymous, [public_figures.PATH],
                           warmup, samples, 150)  # fmt: skip
            # The cache emptied before each request (as after a Redis restart): the durable
            # row is read (no budget; the raw SQL of that one row beside it).
            forget = lambda: public_figures.clear_statistics_cache(redis_url)  # noqa: E731
            issue14.measure(results, "statistics_api_cold", [
                (anonymous, public_figures.PATH, public_figures.stored_figures_sql(t), {})
                for _ in range(public_figures.COLD_ASKS[args.scale])], None, before=forget,
                sql=sql)  # fmt: skip
            save()

        if want("statistics"):
            results.section("statistics", statistics_section)

        def counts_section():
            print("Query counts (in-process, Django test client)")
            spec = {
                "queue_api": {"user": staff_email, "paths": [queue_api,
                              "/api/v1/requests/?state=submitted&ordering=urgency"]},
                "queue_page": {"user": staff_email, "paths": [queue_page, queue_page_few]},
                "list_page": {"user": staff_email, "paths": ["/requests/",
                              "/requests/?state=submitted"]},
                "detail_api": {"user": staff_email, "paths": [f"/api/v1/requests/{long_refs[0]}/",
                               f"/api/v1/requests/{short_ref}/"]},
                "detail_page": {"user": staff_email, "paths": [f"/requests/{long_refs[0]}/",
                                f"/requests/{short_ref}/"]},
                "matches_page": {"user": staff_email, "paths": [
                                 f"/requests/{long_refs[0]}/matches/",
                                 f"/requests/{short_ref}/matches/"]},
                "search_api": {"user": staff_email, "paths": ["/api/v1/activities/?search=water",
                               "/api/v1/activities/?search=mercury+minamata"]},
                "search_page": {"user": staff_email, "paths": ["/registry/?search=water",
                                "/registry/?search=mercury+minamata"]},
                # Issue 14's paths: a division's queue, the coordinator's search (two long
                # results), a deep registry page, the matches of two open requests.
                "division_queue_api": {"user": "staff1.depi@bench.example", "paths": [
                    queue_api, "/api/v1/requests/?state=routed&ordering=urgency"]},
                "request_search_api": {"user": "coordinator1@bench.example", "paths": [
                    "/api/v1/requests/?search=water", "/api/v1/requests/?search=coral+reef"]},
                "registry_deep_page": {"user": staff_email, "paths": [
                    "/registry/?page=3", "/registry/?page=3000"]},
                "matches_api": {"user": "coordinator1@bench.example", "paths": [
                    f"/api/v1/requests/{ref}/matches/" for ref in open_refs[:2]]},
            }  # fmt: skip
            query_counts(results, env, spec)
            save()

        if want("counts"):
            results.section("counts", counts_section)

        def weight_section():
            print("Page weight of the focal point's pages")
            page_weight(
                results,
                port,
                f"fp1.{fp_country.lower()}@bench.example",
                {
                    "request_form": "/requests/new/",
                    "request_page": f"/requests/{fp_ref}/",
                    "dashboard": "/dashboard/",
                },
            )

        if want("weight"):
            results.section("weight", weight_section)

        def export_section():
            print("CSV export of the registry")
            run_export(results, server, port, sql, t, EXPORT_SECONDS[args.scale])
            save()

        if want("export"):
            results.section("export", export_section)

        def submissions_section():
            print("Submissions through the API, 8 concurrent clients")
            # Focal points of countries the plan serves (others are refused at submission).
            focal = [row[0] for row in sql.all(f"""
                SELECT min(u.email) FROM "{t['user']}" u
                JOIN "{t['country']}" c ON c.code = u.country_id
                WHERE u.role = 'focal_point' AND c.economy <> 'developed'
                GROUP BY u.country_id ORDER BY u.country_id LIMIT 8""")]  # fmt: skip
            run_submissions(results, port, focal, SUBMIT_SECONDS[args.scale], sql, t)

        if want("submissions"):
            results.section("submissions", submissions_section)
    finally:
        server.stop()

    def report_section():
        print(f"Annual report for {report_year} ({report_count:,} requests submitted that year)")
        run_report(results, env, report_year, report_count)
        results.section("half_year_report", lambda: run_half_year_report(results, env, report_year))
        stats = report_sql(sql, t, report_year)
        results.add(
            "annual_report.sql_aggregation",
            stats["p50_ms"],
            "ms",
            note="raw SQL of the year's counts and handling times (the practical limit)",
        )

    if want("report"):
        results.section("report", report_section)
    _flush_redis(redis_url)
    summary = save()
    print(f"\n{summary['budgets_met']} budgets met; missed: {summary['budgets_missed'] or 'none'};"
          f" not available: {sorted(results.not_available) or 'none'}"
          f"; failed sections: {sorted(results.failed_sections) or 'none'}")  # fmt: skip
    print(f"Wrote {out}")
    return 0


def static_sources_changed(since: float) -> bool:
    """Whether a static file was added or changed since ``since``: a page naming a file the
    collected manifest lacks answers 500 (``DEBUG=0``)."""
    folders = [ROOT / "static", *ROOT.glob("*/static")]
    return any(
        path.stat().st_mtime > since
        for folder in folders
        for path in folder.rglob("*")
        if path.is_file()
    )


def _flush_redis(url):
    """Empty the bench's own Redis database (db 14 by default): throttles, queued tasks."""
    try:
        import redis

        if not url.rstrip("/").endswith("/14") and "BENCH_REDIS_URL" not in os.environ:
            return
        redis.Redis.from_url(url).flushdb()
    except Exception as exc:
        print(f"  (redis not flushed: {exc})")


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # so that gunicorn is stopped by the ``finally`` of main()


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupt)
    raise SystemExit(main())
