"""Where an HSDS import's time and CPU go (bench/README.md finding 12).

    DATABASE_URL=postgis://postgres@127.0.0.1:25926/enlace_bulk_20k \\
        .venv/bin/python bench/import_cpu.py .local/bench/hsds-enlace_bench_20000

Imports FOLDER into DATABASE_URL (made beforehand: migrate, load_regions) like `import_hsds`
without queueing the duplicate search, and prints the wall time, the CPU seconds of this process
and of every PostgreSQL backend of the database (read from /proc, so run it on the database's
machine), and the wall seconds of the writer's statements by kind. `IMPORT_REFRESH_AT_END=1`
refreshes every service's search columns after the last chunk, as before finding 12.
"""

from __future__ import annotations

import collections
import os
import re
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.db import connection  # noqa: E402

from services.hsds.importer import importer  # noqa: E402
from services.hsds.runner import import_path  # noqa: E402
from services.models import ImportRun  # noqa: E402

HZ = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / HZ


def kind(sql: str) -> str:
    text = re.sub(r"'[^']*'", "?", " ".join(sql.split()))
    if text.startswith("WITH written AS (INSERT INTO"):
        return "upsert + provenance " + text.split()[5].strip('"')
    return text[:40]


class _AtTheEnd:
    """Stands in for the refresher: nothing early, so the end refreshes every service."""

    def __init__(self) -> None:
        self.done: dict[Any, Any] = {}

    def submit(self, *args: Any) -> None:
        pass

    def finish(self) -> None:
        pass


def main(folder: Path) -> None:
    if os.environ.get("IMPORT_REFRESH_AT_END"):
        importer.Refresher = _AtTheEnd  # type: ignore[misc,assignment]
    statements: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0])
    commits = [0, 0.0]

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            entry = statements[kind(sql)]
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    real_commit = connection._commit

    def commit() -> None:
        started = time.perf_counter()
        try:
            real_commit()
        finally:
            commits[0] += 1
            commits[1] += time.perf_counter() - started

    connection._commit = commit
    backends: dict[int, float] = {}
    kinds: dict[int, str] = {}
    stop = threading.Event()
    settings = connection.settings_dict

    def sample() -> None:
        with psycopg.connect(
            host=settings["HOST"],
            port=settings["PORT"],
            user=settings["USER"],
            dbname="postgres",
            autocommit=True,
        ) as admin:
            me = admin.execute("SELECT pg_backend_pid()").fetchone()[0]
            while not stop.is_set():
                for pid, backend_type in admin.execute(
                    "SELECT pid, backend_type FROM pg_stat_activity"
                    " WHERE datname = %s AND pid <> %s",
                    [settings["NAME"], me],
                ).fetchall():
                    used = cpu_seconds(pid)
                    if used is not None:
                        backends[pid] = max(backends.get(pid, 0.0), used)
                        kinds[pid] = backend_type
                stop.wait(0.3)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    run = ImportRun.objects.create(source=str(folder))

    def wal_position() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")
            return int(cursor.fetchone()[0])

    wal_before = wal_position()
    load = os.getloadavg()[0]
    started = time.perf_counter()
    with connection.execute_wrapper(timed):
        report = import_path(folder, run=run, updated_by="import_hsds")
    wall = time.perf_counter() - started
    wal = wal_position() - wal_before
    stop.set()
    sampler.join()
    own = cpu_seconds(os.getpid()) or 0.0
    print(
        f"{report.records} records, {report.created} rows created, {report.updated} updated, "
        f"{report.rejected_records} rejected, {report.error_count} errors"
    )
    print(f"wall {wall:.1f} s; load {load:.2f} -> {os.getloadavg()[0]:.2f}")
    # Autovacuum workers that the import's writes woke are counted too: their work is the
    # import's, but it is not on the import's path.
    print(
        f"CPU: Python {own:.1f} s; backends "
        + ", ".join(
            f"{used:.1f}" + (f" ({kinds[pid]})" if kinds[pid] != "client backend" else "")
            for pid, used in sorted(backends.items(), key=lambda item: -item[1])
        )
        + f"; sum {own + sum(backends.values()):.1f} s"
    )
    print(f"commits {commits[0]}: {commits[1]:.1f} s")
    # The whole server's WAL: other databases' writes meanwhile are counted too.
    print(f"WAL written (server-wide) {wal / 2**30:.2f} GiB")
    for name, (count, seconds) in sorted(statements.items(), key=lambda x: -x[1][1])[:15]:
        print(f"{seconds:8.1f} s {count:6d}  {name}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
