"""A real gunicorn and a real Celery worker, as subprocesses, against this test's database and
Redis db, logging at DEBUG into files the canary suite reads; and an HTTP client that signs in
the way the sign-in pages leave a session (password and, optionally, the second factor)."""

from __future__ import annotations

import io
import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.db import connection

VENV_BIN = Path(settings.BASE_DIR) / ".venv" / "bin"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment of a production-shaped process on this test's database: DEBUG off (so no
    SQL with parameters is logged, as in production), logging at DEBUG."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    url = f"postgis://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "0",
        "LOG_LEVEL": "DEBUG",
        "STATIC_MANIFEST": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "BEHIND_TLS_PROXY": "0",
        "PYTHONUNBUFFERED": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        **extra,
    }


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=5)


def _start(name: str, args: list[str], log: Path, env: dict[str, str]) -> Process:
    handle = log.open("wb")
    popen = subprocess.Popen(  # noqa: S603 - our own programs, fixed arguments
        args,
        cwd=settings.BASE_DIR,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    handle.close()
    return Process(name, popen, log)


@pytest.fixture
def gunicorn(transactional_db, tmp_path) -> Iterator[tuple[Process, str]]:
    port = _free_port()
    env = subprocess_env(GUNICORN_BIND=f"127.0.0.1:{port}", WEB_CONCURRENCY="1")
    process = _start(
        "gunicorn",
        [str(VENV_BIN / "gunicorn"), "-c", "config/gunicorn.py", "config.wsgi"],
        tmp_path / "gunicorn.log",
        env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{base}/healthz", timeout=15).status_code == 200:
                break
        except (requests.ConnectionError, requests.Timeout):
            pass
        if process.popen.poll() is not None or time.monotonic() > deadline:
            process.stop()
            raise AssertionError("gunicorn did not start:\n" + process.text()[-3000:])
        time.sleep(0.2)
    yield process, base
    process.stop()


@pytest.fixture
def celery_subprocess(transactional_db, tmp_path) -> Iterator[Process]:
    process = _start(
        "celery",
        [
            str(VENV_BIN / "celery"),
            "-A",
            "config",
            "worker",
            "--loglevel=DEBUG",
            "--pool=solo",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            f"--hostname=leaks-{os.getpid()}@%h",
        ],
        tmp_path / "celery.log",
        subprocess_env(),
    )
    deadline = time.monotonic() + 30
    while "ready." not in process.text():
        if process.popen.poll() is not None or time.monotonic() > deadline:
            process.stop()
            raise AssertionError("celery worker did not start:\n" + process.text()[-3000:])
        time.sleep(0.2)
    yield process
    process.stop()


def _readable(response: requests.Response) -> str:
    """The body as text to search; a PDF's extracted text as well as its bytes (its text is
    compressed and set in subset fonts, so a canary would not show in the raw bytes)."""
    body = response.content.decode("utf-8", errors="replace")
    if response.headers.get("Content-Type", "").startswith("application/pdf"):
        from pypdf import PdfReader

        pages = PdfReader(io.BytesIO(response.content)).pages
        body += "\n" + "\n".join(page.extract_text() for page in pages)
    return body


@dataclass
class Exchange:
    who: str
    method: str
    url: str
    status: int
    headers: str
    body: str
    entitled_client: bool = False


@dataclass
class Browser:
    """One person's HTTP session with the live server. Every answer is kept for the search."""

    who: str
    base: str
    record: list[Exchange]
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.csrf = secrets.token_hex(16)  # 32 characters: Django's unmasked secret format
        self.session.cookies.set("csrftoken", self.csrf, domain="127.0.0.1", path="/")

    def sign_in(self, user: Any, *, second_factor: bool = True) -> Browser:
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore
        from django_otp import DEVICE_ID_SESSION_KEY

        from tests.factories import second_factor as device_of

        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if second_factor:
            store[DEVICE_ID_SESSION_KEY] = device_of(user).persistent_id
        store.create()
        self.session.cookies.set(
            settings.SESSION_COOKIE_NAME, store.session_key, domain="127.0.0.1", path="/"
        )
        return self

    def _keep(self, response: requests.Response, *, entitled_client: bool) -> requests.Response:
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        for earlier in response.history:
            headers += "\n" + "\n".join(f"{k}: {v}" for k, v in earlier.headers.items())
        self.record.append(
            Exchange(
                self.who,
                response.request.method or "",
                response.request.url or "",
                response.status_code,
                headers,
                _readable(response),
                entitled_client,
            )
        )
        return response

    def get(self, path: str, *, entitled_client: bool = False, **kw: Any) -> requests.Response:
        response = self.session.get(self.base + path, timeout=30, allow_redirects=False, **kw)
        return self._keep(response, entitled_client=entitled_client)

    def post(
        self, path: str, data: Any = None, *, json: Any = None, entitled_client: bool = False
    ) -> requests.Response:
        headers = {"X-CSRFToken": self.csrf}
        if data is not None:
            data = {**data, "csrfmiddlewaretoken": self.csrf}
        response = self.session.post(
            self.base + path,
            data=data,
            json=json,
            headers=headers,
            timeout=30,
            allow_redirects=False,
        )
        return self._keep(response, entitled_client=entitled_client)
