"""Private servers for the fault tests, so that stopping or killing one never disturbs anyone
else using the project's shared Redis and PostgreSQL: a redis-server on a free port in a temp
folder, a Celery worker as a real `celery -A config worker` process, and an SMTP sink that counts
what reached it and can hold a connection at a chosen moment."""

import contextlib
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from pathlib import Path

import redis as redis_client

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class PrivateRedis:
    """A redis-server of our own, with append-only persistence like production's, so that a
    stop and start keeps queued tasks the way a real restart does."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--save",
                "",
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.is_up, 10, "the private redis-server to answer")

    def is_up(self) -> bool:
        try:
            return bool(redis_client.Redis(port=self.port, socket_timeout=0.5).ping())
        except redis_client.RedisError:
            return False

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()  # SIGTERM: Redis flushes its append-only file and exits
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def queued(self, queue: str = "celery") -> int:
        return redis_client.Redis(port=self.port).llen(queue)


PG_BIN = Path("/usr/lib/postgresql/15/bin")


class PrivatePostgres:
    """A PostgreSQL cluster of our own (initdb in a temp folder, PostGIS in template1), so a
    test can restart or crash it without touching the shared cluster. initdb and postgres refuse
    root, so when we are root they run as the `postgres` user."""

    def __init__(self) -> None:
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="enlace-fault-pg-", dir="/var/tmp"))
        self.data = self.directory / "data"

    def _as_owner(self, *command: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)

    def url(self, name: str) -> str:
        return f"postgis://postgres@127.0.0.1:{self.port}/{name}"

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self.directory.chmod(0o700)
        subprocess.run(
            self._as_owner(
                str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                "-E", "UTF8", "--locale=C.UTF-8",
            ),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        self.start()
        self.sql(
            "template1",
            "CREATE EXTENSION postgis; CREATE EXTENSION unaccent; CREATE EXTENSION pg_trgm;",
        )

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            self._as_owner(str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        self._ctl("-l", str(self.directory / "postgres.log"), "-w", "-o", options, "start")

    def crash_and_restart(self) -> None:
        """`-m immediate`: every backend is killed with no checkpoint, as in a power cut; the
        start replays the write-ahead log."""
        self._ctl("-m", "immediate", "-w", "stop")
        self.start()

    def sql(self, database: str, statement: str) -> str:
        result = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database,
             "-v", "ON_ERROR_STOP=1", "-qAt", "-c", statement],
            check=True, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        return result.stdout.strip()

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            self._ctl("-m", "immediate", "-w", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)


@dataclass
class Worker:
    """`celery -A config worker` in its own process, against the test database and a private
    Redis. Its log goes to a file, read when an assertion fails."""

    env: dict[str, str]
    log: Path
    name: str = "fault"
    process: subprocess.Popen | None = None
    _log_file: object = None

    def start(self) -> "Worker":
        self._log_file = self.log.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--hostname",
                f"{self.name}-{time.monotonic_ns()}@localhost",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, no message is acknowledged, the database
        connection simply drops."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self._close_log()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._close_log()

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass
class Delivery:
    message_id: str
    recipients: list[str]
    raw: bytes


@dataclass
class SmtpSink:
    """A minimal SMTP server. `transactions` is every message that reached it over the wire;
    `mailbox` keeps one per Message-ID, as a deduplicating relay or mailbox does.

    hold="greeting" keeps the next connection waiting before the server's greeting (the worker
    has claimed the row and is inside delivery, nothing sent); hold="accepted" stores the message
    and then withholds the "250 OK" (the server has it, the worker does not know yet: the window
    where a crash can cause a second send). `held` is set when a connection is being held."""

    port: int = field(default_factory=free_port)
    hold: str = ""
    transactions: list[Delivery] = field(default_factory=list)
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    _server: socketserver.ThreadingTCPServer | None = None

    @property
    def mailbox(self) -> dict[str, Delivery]:
        kept: dict[str, Delivery] = {}
        for delivery in self.transactions:
            kept.setdefault(delivery.message_id, delivery)
        return kept

    def start(self) -> "SmtpSink":
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 60

            def handle(self) -> None:
                # The client may be killed mid-conversation.
                with contextlib.suppress(OSError):
                    sink._converse(self.rfile, self.wfile)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _wait_if(self, moment: str) -> None:
        if self.hold == moment:
            self.hold = ""
            self.held.set()
            self.release.wait(60)

    def _converse(self, rfile, wfile) -> None:
        self._wait_if("greeting")
        wfile.write(b"220 sink ESMTP\r\n")
        recipients: list[str] = []
        while True:
            line = rfile.readline()
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                wfile.write(b"250 sink\r\n")
            elif verb == b"MAIL":
                recipients = []
                wfile.write(b"250 OK\r\n")
            elif verb == b"RCPT":
                recipients.append(line.decode().split(":", 1)[1].strip().strip("<>"))
                wfile.write(b"250 OK\r\n")
            elif verb == b"DATA":
                wfile.write(b"354 go ahead\r\n")
                body = bytearray()
                while True:
                    chunk = rfile.readline()
                    if not chunk or chunk == b".\r\n":
                        break
                    body += chunk[1:] if chunk.startswith(b"..") else chunk
                raw = bytes(body)
                message_id = str(message_from_bytes(raw).get("Message-ID", "")).strip()
                self.transactions.append(Delivery(message_id, recipients, raw))
                self._wait_if("accepted")
                wfile.write(b"250 OK queued\r\n")
            elif verb == b"QUIT":
                wfile.write(b"221 bye\r\n")
                return
            else:  # RSET, NOOP
                wfile.write(b"250 OK\r\n")
