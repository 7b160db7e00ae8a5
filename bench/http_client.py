"""A tiny HTTP client, a gunicorn server and signed-in sessions for the benchmarks (127.0.0.1 only)."""

import http.client
import json
import re
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from pg import django_env

PASSWORD = "openspine-demo-2026"  # noqa: S105 - the demo personas' (openspine/demo/seed.py DEMO_PASSWORD)
REQUEST_TIMEOUT = 600


class Response:
    def __init__(self, status: int, headers, body: bytes, ms: float):
        self.status, self.headers, self.body, self.ms = status, headers, body, ms

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """A tiny HTTP client for 127.0.0.1 with a cookie jar; never follows redirects."""

    def __init__(self, port: int, headers: dict | None = None):
        self.port = port
        self.headers = headers or {}
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        sent = {"Host": "127.0.0.1", "Accept-Language": "zh-hans", **self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            self.conn.close()  # a worker closed the kept connection: one fresh try
            started = time.perf_counter()
            self.conn.request(method, path, body=body, headers=sent)
            response = self.conn.getresponse()
        data = response.read()
        ms = (time.perf_counter() - started) * 1000
        for value in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(value)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.will_close:
            self.conn.close()
        return Response(response.status, response.headers, data, ms)

    def get(self, path: str) -> Response:
        return self.request("GET", path)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with 2 sync workers serving ``tree`` against ``database``."""

    def __init__(self, tree: Path, database: str, var_dir: Path):
        self.tree, self.env, self.port = tree, django_env(tree, database, var_dir), free_port()
        (var_dir / "static").mkdir(parents=True, exist_ok=True)
        self.log_path = var_dir / "gunicorn.log"

    def __enter__(self):
        command = [
            sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{self.port}",
            "--timeout", str(REQUEST_TIMEOUT), "--chdir", str(self.tree), "--pythonpath", str(self.tree),
            "--error-logfile", str(self.log_path), "openspine.wsgi:application",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=self.tree, env=self.env)  # noqa: S603
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if Client(self.port).get("/health/").status == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.3)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer /health/; see {self.log_path}")

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def login(port: int, username: str) -> Client:
    """Sign in through the login form like a browser; raise when the form does not let us in."""
    client = Client(port)
    page = client.get("/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    answer = client.request(
        "POST",
        "/accounts/login/",
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1) if token else ""},
        headers={"Referer": f"http://127.0.0.1:{port}/accounts/login/"},
    )
    if answer.status != 302 or "/accounts/login/" in answer.headers.get("Location", ""):
        raise RuntimeError(f"login as {username} failed ({answer.status})")
    return client


def api_client(port: int, username: str) -> Client:
    client = Client(port)
    body = json.dumps({"username": username, "password": PASSWORD, "name": "bench"})
    client.conn.request(
        "POST", "/api/accounts/tokens", body=body, headers={"Content-Type": "application/json"}
    )
    response = client.conn.getresponse()
    data = json.loads(response.read() or b"{}")
    client.conn.close()
    if response.status != 201:
        raise RuntimeError(f"API token for {username} refused ({response.status}): {data}")
    client.headers["Authorization"] = f"Bearer {data['token']}"
    return client


class Portal:
    """A patient's questionnaire session: open the link, pass the identity check, answer question 1."""

    def __init__(self, port: int, fixture: dict):
        self.client = Client(port)
        opened = self.client.get(f"/q/{fixture['token']}/")
        if opened.status != 302:
            raise RuntimeError(f"questionnaire link refused ({opened.status})")
        form = self.client.get("/q/")
        checked = self.client.request(
            "POST",
            "/q/",
            {
                "birth_year": fixture["birth_year"],
                "phone_last4": fixture["phone_last4"],
                "portal_token": self._token(form.text),
            },
        )
        if checked.status != 302:
            raise RuntimeError(f"identity check refused ({checked.status})")
        question = self.client.get("/q/step/1/")
        self.token = self._token(question.text)
        choice = re.search(r'name="answer" value="([^"]+)"', question.text)
        self.answer = choice.group(1) if choice else "5"

    @staticmethod
    def _token(html: str) -> str:
        found = re.search(r'name="portal_token" value="([^"]+)"', html)
        return found.group(1) if found else ""

    def post_answer(self) -> Response:
        return self.client.request("POST", "/q/step/1/", {"answer": self.answer, "portal_token": self.token})
