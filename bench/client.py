"""A small HTTP client for the runner: one connection per request (gunicorn's sync workers
close it anyway), cookies for session logins, timings to the first byte and to the end."""

import gzip
import http.client
import json
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode


class Response:
    def __init__(self, status, headers, body, elapsed, ttfb, wire_bytes, header_bytes):
        self.status = status
        self.headers = headers
        self.body = body
        self.elapsed = elapsed
        self.ttfb = ttfb
        self.wire_bytes = wire_bytes  # the body as sent (compressed if it was)
        self.header_bytes = header_bytes

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


class Client:
    def __init__(self, host="127.0.0.1", port=8765, timeout=120):
        self.host = host
        self.port = port
        self.timeout = timeout
        self.cookies = {}
        self.token = None

    def _headers(self, extra):
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "bali-bench"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        headers.update(extra or {})
        return headers

    def request(self, method, path, *, body=None, headers=None, json_body=None, form=None,
                gzip_ok=False, on_chunk=None, chunk_size=65536):  # fmt: skip
        extra = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            extra["Content-Type"] = "application/json"
        elif form is not None:
            body = urlencode(form, doseq=True).encode()
            extra["Content-Type"] = "application/x-www-form-urlencoded"
        if gzip_ok:
            extra["Accept-Encoding"] = "gzip"
        started = time.perf_counter()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=self._headers(extra))
            resp = conn.getresponse()
            ttfb = None
            parts = []
            wire = 0
            while True:
                chunk = resp.read1(chunk_size) if hasattr(resp, "read1") else resp.read(chunk_size)
                if ttfb is None:
                    ttfb = time.perf_counter() - started
                if not chunk:
                    break
                wire += len(chunk)
                if on_chunk is not None:
                    on_chunk(chunk)
                else:
                    parts.append(chunk)
            elapsed = time.perf_counter() - started
            raw_headers = resp.getheaders()
            header_bytes = sum(len(k) + len(v) + 4 for k, v in raw_headers) + 17
            for key, value in raw_headers:
                if key.lower() == "set-cookie":
                    cookie = SimpleCookie()
                    cookie.load(value)
                    for name, morsel in cookie.items():
                        self.cookies[name] = morsel.value
            data = b"".join(parts)
            headers_map = {k.lower(): v for k, v in raw_headers}
            if headers_map.get("content-encoding") == "gzip" and data:
                data = gzip.decompress(data)
            return Response(resp.status, headers_map, data, elapsed, ttfb, wire, header_bytes)
        finally:
            conn.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, **kw):
        return self.request("POST", path, **kw)

    # -- authentication

    def obtain_token(self, email, password):
        resp = self.post("/api/v1/auth/token/", json_body={"username": email, "password": password})
        if resp.status != 200:
            raise RuntimeError(f"token for {email}: HTTP {resp.status} {resp.text[:200]}")
        self.token = resp.json()["token"]
        return self.token

    def login(self, email, password):
        """Session login through the login form, with its CSRF token."""
        import re

        page = self.get("/accounts/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if page.status != 200 or not match:
            raise RuntimeError(f"login page: HTTP {page.status}")
        resp = self.post(
            "/accounts/login/",
            form={"username": email, "password": password, "csrfmiddlewaretoken": match[1]},
            headers={"Referer": f"http://{self.host}:{self.port}/accounts/login/"},
        )
        if resp.status not in (302, 303) or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {email} failed: HTTP {resp.status}")
