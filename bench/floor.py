"""The floor: the SQL a search issued (captured by capture.py), replayed straight against
PostgreSQL with psycopg, no Django. For each path: the median over a few runs of the total time of
its statements, run one after another on one connection as the app runs them."""

from __future__ import annotations

import statistics
import time
from typing import Any

import psycopg

_TRANSACTION = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")


def measure(dsn: str, captured: list[dict[str, Any]], repeats: int = 5) -> dict[str, float]:
    """{path: floor in ms} for the search layer's statements (search_sql) and, under
    "request:" + path, for every statement of the request."""
    floors: dict[str, float] = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        for item in captured:
            for key, statements in (
                (item["path"], item["search_sql"]),
                ("request:" + item["path"], item["request_sql"]),
            ):
                runs = []
                for attempt in range(repeats + 1):
                    started = time.perf_counter()
                    for sql in statements:
                        if sql.lstrip().upper().startswith(_TRANSACTION):
                            continue  # autocommit here, as the app's reads are
                        cursor = conn.execute(sql.encode())
                        if cursor.description is not None:
                            cursor.fetchall()
                    if attempt:  # the first run warms the cache, as the app's warm-up did
                        runs.append((time.perf_counter() - started) * 1000.0)
                floors[key] = statistics.median(runs)
    return floors
