"""The real stack, started by a test: its own Redis, gunicorn, Celery workers (with beat), a
local SMTP sink and a TCP proxy in front of PostgreSQL that the test can cut or close.

Nothing here touches the shared servers: Redis runs on a free port of its own, and database
connections are cut at the test's proxy or by ``pg_terminate_backend`` on the test's own
application name. Every process is started in its own session and killed with it.
"""

import contextlib
import os
import re
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, timeout: float, message: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(message)


def _stop(process: subprocess.Popen | None, sig=signal.SIGTERM, timeout: float = 20) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, sig)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


# --- Redis -----------------------------------------------------------------------------------


class RedisServer:
    """A ``redis-server`` of the test's own, without persistence: a restart loses every queued
    message, the harshest case for what the portal keeps in its database instead."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self._answers, 10, "redis-server did not start")
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self):
        _stop(self.process, signal.SIGKILL)

    stop = kill


# --- SMTP ------------------------------------------------------------------------------------


class SmtpSink:
    """A mail server on a free port that keeps what it receives.

    Like a real one, it takes a message when it reads the line that ends its data (a client
    that hangs up before that delivers nothing), then takes ``delay`` seconds before it answers
    (its own checks and queueing).
    """

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.messages: list[bytes] = []
        self.lock = threading.Lock()
        sink = self

        class Session(socketserver.StreamRequestHandler):
            def handle(self):
                self.reply(b"220 sink.test ESMTP")
                while line := self.rfile.readline():
                    verb = line.strip().split(b" ", 1)[0].upper()
                    if verb == b"EHLO":
                        self.reply(b"250-sink.test\r\n250 8BITMIME")
                    elif verb in (b"HELO", b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                        self.reply(b"250 OK")
                    elif verb == b"DATA":
                        self.reply(b"354 End data with <CR><LF>.<CR><LF>")
                        message = self.read_data()
                        if message is None:
                            return  # the client hung up mid-message: nothing is delivered
                        with sink.lock:
                            sink.messages.append(message)
                        time.sleep(sink.delay)
                        self.reply(b"250 OK queued")
                    elif verb == b"QUIT":
                        self.reply(b"221 Bye")
                        return
                    else:
                        self.reply(b"502 Command not implemented")

            def read_data(self) -> bytes | None:
                lines = []
                while line := self.rfile.readline():
                    if line == b".\r\n":
                        return b"".join(lines)
                    lines.append(line[1:] if line.startswith(b"..") else line)
                return None

            def reply(self, text: bytes):
                with contextlib.suppress(OSError):
                    self.wfile.write(text + b"\r\n")

        class Server(socketserver.ThreadingTCPServer):
            allow_reuse_address = True
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a client killed mid-conversation is what the trials do

        self.server = Server(("127.0.0.1", 0), Session)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def message_ids(self) -> list[str]:
        with self.lock:
            found = [re.search(rb"(?im)^Message-ID:\s*(\S+)", m) for m in self.messages]
        return [match.group(1).decode() for match in found if match]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# --- PostgreSQL ------------------------------------------------------------------------------


class TcpProxy:
    """A TCP proxy in front of PostgreSQL: ``close()`` makes the database unreachable (every
    connection cut, the port refusing), ``open()`` brings it back on the same port."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.listener = None
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.lock = threading.Lock()

    def open(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.pairs.append((client, upstream))
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def close(self):
        if self.listener is not None:
            # shutdown() wakes the thread blocked in accept(), which close() alone would not.
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
            self.listener = None
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for end in pair:
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()


# --- S3 --------------------------------------------------------------------------------------


class S3Server:
    """A real S3 API on a free port (moto's server), with one private bucket."""

    BUCKET = "bali-media"

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self._answers, 60, "the S3 server did not start", 0.2)
        self.client().create_bucket(Bucket=self.BUCKET)
        return self

    def _answers(self) -> bool:
        try:
            return http(self.url + "/moto-api/").status < 500
        except OSError:
            return False

    def client(self):
        import boto3

        return boto3.client(
            "s3", endpoint_url=self.url, region_name="us-east-1",
            aws_access_key_id="test-key", aws_secret_access_key="test-secret",
        )  # fmt: skip

    def keys(self) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=self.BUCKET)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def env(self) -> dict:
        """The portal's settings for this bucket."""
        return {
            "MEDIA_STORAGE": "s3",
            "S3_ENDPOINT_URL": self.url,
            "S3_BUCKET": self.BUCKET,
            "S3_ACCESS_KEY_ID": "test-key",
            "S3_SECRET_ACCESS_KEY": "test-secret",
            "S3_REGION": "us-east-1",
        }

    def kill(self):
        _stop(self.process, signal.SIGKILL)


# --- The portal's processes ------------------------------------------------------------------


def portal_env(database_url: str, redis_url: str, **extra) -> dict:
    """The environment of a portal process on the test's database, Redis and mail sink."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    return {
        **keep,
        "DEBUG": "0",
        "SECRET_KEY": "fault-trials-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "EMAIL_USE_TLS": "0",
        "LOG_LEVEL": "INFO",
        "DJANGO_SETTINGS_MODULE": "tests.faults.settings",
        **{name: str(value) for name, value in extra.items()},
    }


def worker_command(name: str) -> list[str]:
    """``celery worker`` as the tests run it: one prefork child, no gossip with others."""
    return [sys.executable, "-m", "celery", "-A", "bali_portal", "worker", "--pool=prefork",
            "--concurrency=1", "--loglevel=INFO", "--without-gossip", "--without-mingle",
            "-n", name]  # fmt: skip


def spawn(command: list[str], env: dict, log_path: Path) -> subprocess.Popen:
    """A portal process in its own session (killed with its children), logging to a file."""
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


class Worker:
    """``celery worker`` (with ``beat`` inside it when asked), ready when it says so."""

    def __init__(self, env: dict, log_path: Path, beat: bool = False):
        self.env = env
        self.log_path = log_path
        self.beat = beat
        self.process = None
        self.starts = 0

    def start(self):
        self.starts += 1
        command = worker_command(f"fault-{os.getpid()}-{self.starts}@%h")
        if self.beat:
            schedule = self.log_path.with_suffix(f".beat-{self.starts}")
            command += ["--beat", f"--schedule={schedule}"]
        self.offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        self.process = spawn(command, self.env, self.log_path)
        wait_for(self._ready, 90, f"the worker did not start; see {self.log_path}", 0.2)
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[self.offset :]

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the worker exited at start; see {self.log_path}")
        return " ready." in self.log()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self):
        """Kill the worker and its children at once, as a crash of the machine would."""
        _stop(self.process, signal.SIGKILL)

    def stop(self):
        _stop(self.process)


class Gunicorn:
    """The portal under gunicorn, as the Dockerfile serves it."""

    def __init__(self, env: dict, log_path: Path, workers: int = 2):
        self.env = env
        self.log_path = log_path
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self):
        command = [sys.executable, "-m", "gunicorn", "bali_portal.wsgi:application",
                   "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                   "--timeout", "60", "--access-logfile", "-"]  # fmt: skip
        self.process = spawn(command, self.env, self.log_path)
        wait_for(self._answers, 60, f"gunicorn did not start; see {self.log_path}", 0.2)
        return self

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"gunicorn exited at start; see {self.log_path}")
        try:
            return http(self.url + "/healthz").status == 200
        except OSError:
            return False

    def stop(self):
        _stop(self.process)

    def kill(self):
        _stop(self.process, signal.SIGKILL)


class Answer:
    def __init__(self, status: int, body: bytes, headers):
        self.status, self.body, self.headers = status, body, headers

    def json(self):
        import json

        return json.loads(self.body)


def http(url: str, *, method="GET", json_body=None, token=None, timeout: float = 30) -> Answer:
    """One HTTP request; an HTTP error is an answer too (its status, body and headers)."""
    import json

    data = None if json_body is None else json.dumps(json_body).encode()
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 (loopback)
    request.add_header("Accept", "application/json")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return Answer(response.status, response.read(), response.headers)
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read(), error.headers)
