"""Schemathesis against the API, once for every role: no 5xx, no answer outside the schema.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bali_fuzz .venv/bin/python scripts/fuzz_api.py

Migrates a fresh PostgreSQL database (the one of ``DATABASE_URL``; it is dropped and made
again), loads the demonstration data, makes a token for a focal point, regional staff,
division staff, the coordinator and the Governing Council's staff, writes the OpenAPI schema,
serves the portal under gunicorn and runs ``schemathesis run --checks all`` as each of them
and as an anonymous client. Bounded in examples per operation and in time per role, so the
whole step fits in a few minutes on two cores. Exits non-zero on any server error or schema
violation, and prints schemathesis's report of it.

Schemathesis lives in a virtual environment of its own (``.venv-fuzz``), pinned in
``scripts/fuzz-requirements.txt``, so its dependencies never meet the portal's.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
FUZZ_VENV = ROOT / ".venv-fuzz"
REQUIREMENTS = ROOT / "scripts" / "fuzz-requirements.txt"

# The demo's people, one for each role (bali_portal/accounts/demo.py).
ROLES = {
    "focal_point": "focal.point@kenya.example.org",
    "regional_staff": "officer@roa.example.org",
    "division_staff": "officer@depi.example.org",
    "coordinator": "coordinator@unep.example.org",
    "council": "council@unep.example.org",
    "anonymous": None,
}
# Operations left out: the API's documents (the Swagger UI, the OpenAPI file) are not the API;
# starting a report run (POST /api/v1/reports/) renders a whole annual report in the
# background, minutes of CPU for each example (its own tests cover it). The runs' list, each
# run and its downloads are tested.
EXCLUDED_PATHS = r"^/api/v1/(docs/|schema/)"
EXCLUDED_OPERATIONS = ["reports_create"]
# Checks of all that are not met yet, each for a reason a next round must remove. Schemathesis
# takes for valid what no schema can rule out: a key or a code no record has (``replaces``,
# ``provider_organization``, ``covered_countries``), a file that is no PDF, DOCX, ODT, PNG or
# JPEG, experts of another centre's roster, a draft submitted at once that lacks what a
# submission needs, credentials of nobody (400, where it expects 401),
# and a NUL character in the name of a field the body may carry besides its own (refused
# wherever it is). Every other check, negative data's rejection included, is met.
NOT_YET = "positive_data_acceptance"

TOKENS = """
from rest_framework.authtoken.models import Token
from bali_portal.accounts.models import User
for email in {emails!r}:
    user = User.objects.get(email=email)
    print(email, Token.objects.get_or_create(user=user)[0].key)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=4, help="examples per operation")
    parser.add_argument("--seconds", type=int, default=180, help="time per role, at most")
    parser.add_argument("--roles", nargs="*", default=list(ROLES))
    parser.add_argument("--phases", default="examples,coverage,fuzzing")
    parser.add_argument("--exclude-checks", default=NOT_YET, help="'' runs every check")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        print("fuzz_api: DATABASE_URL must name a PostgreSQL database", file=sys.stderr)
        return 2
    schemathesis = install_schemathesis()
    env = portal_env(database_url)
    fresh_database(database_url)
    manage(env, "migrate", "--no-input", quiet=True)
    manage(env, "seed_demo", quiet=True)
    tokens = make_tokens(env)
    workdir = Path(tempfile.mkdtemp(prefix="bali-fuzz-"))
    schema = workdir / "schema.json"
    manage(env, "spectacular", "--format", "openapi-json", "--file", str(schema), quiet=True)
    port = free_port()
    server = serve(env, port)
    failed = []
    try:
        wait_until_up(port)
        for role in args.roles:
            print(f"== schemathesis as {role}", flush=True)
            ok = run_schemathesis(
                schemathesis, schema, port, tokens.get(ROLES[role]), args, workdir / role
            )
            if not ok:
                failed.append(role)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    if failed:
        print(f"fuzz_api: failures for {', '.join(failed)}", file=sys.stderr)
        return 1
    print("fuzz_api: no server error and no schema violation for any role")
    return 0


def install_schemathesis() -> Path:
    binary = FUZZ_VENV / "bin" / "schemathesis"
    stamp = FUZZ_VENV / f".installed-{REQUIREMENTS.stat().st_mtime_ns}"
    if not stamp.exists():
        if not (FUZZ_VENV / "bin" / "python").exists():
            subprocess.run([sys.executable, "-m", "venv", str(FUZZ_VENV)], check=True)
        pip = [str(FUZZ_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        subprocess.run([*pip, "-r", str(REQUIREMENTS)], check=True)
        stamp.touch()
    return binary


def portal_env(database_url: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    # Tasks in-process (no broker to start), debug off as in production, e-mail kept local.
    env.update(
        DATABASE_URL=database_url,
        DEBUG="0",
        SECRET_KEY="fuzz-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    return env


def fresh_database(database_url: str) -> None:
    parts = urllib.parse.urlparse(database_url)
    name = parts.path.lstrip("/")
    server = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    server += ["-U", parts.username or "postgres"]
    subprocess.run(["dropdb", *server, "--if-exists", "--force", name], check=True)
    subprocess.run(["createdb", *server, name], check=True)


def manage(env: dict, *command: str, quiet: bool = False) -> str:
    result = subprocess.run(
        [str(PYTHON), "manage.py", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        print(result.stdout[-4000:], result.stderr[-4000:], file=sys.stderr)
        raise SystemExit(f"fuzz_api: manage.py {command[0]} failed")
    return result.stdout


def make_tokens(env: dict) -> dict:
    emails = [email for email in ROLES.values() if email]
    out = manage(env, "shell", "-c", TOKENS.format(emails=emails))
    return dict(line.split() for line in out.splitlines() if line.count(" ") == 1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(env: dict, port: int) -> subprocess.Popen:
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    return subprocess.Popen(
        [str(gunicorn), "bali_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip


def wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("fuzz_api: the portal did not start")


def run_schemathesis(binary, schema, port, token, args, report_dir) -> bool:
    command = [
        str(binary), "--no-color", "run", str(schema),
        "--url", f"http://127.0.0.1:{port}",
        "--checks", "all",
        "--max-examples", str(args.examples),
        "--exclude-path-regex", EXCLUDED_PATHS,
        *(option for name in EXCLUDED_OPERATIONS for option in ("--exclude-operation-id", name)),
        "--request-timeout", "30",
        "--phases", args.phases,
        # One worker: with two, Hypothesis's threads once crashed CPython 3.11's AST
        # constructor ("recursion depth mismatch"), a failure that is not the portal's.
        "--workers", "1",
        "--suppress-health-check", "all",
        "--seed", "20261203",
    ]  # fmt: skip
    if args.exclude_checks:
        command += ["--exclude-checks", args.exclude_checks]
    if token:
        command += ["--header", f"Authorization: Token {token}"]
    try:
        # In the run's own folder: schemathesis keeps its cache where it runs.
        result = subprocess.run(command, cwd=report_dir.parent, timeout=args.seconds)
    except subprocess.TimeoutExpired:
        print(f"fuzz_api: schemathesis took longer than {args.seconds} s", file=sys.stderr)
        return False
    return result.returncode == 0


if __name__ == "__main__":
    sys.exit(main())
