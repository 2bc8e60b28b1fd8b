"""The floor: the SQL a search issued (captured by capture.py), replayed straight against
PostgreSQL with psycopg, no Django. For each path: the median over a few runs of the total time of
its statements, run one after another on one connection as the app runs them."""

from __future__ import annotations

import statistics
import time
from typing import Any

import psycopg

_TRANSACTION = ("SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT")


def measure(dsn: str, captured: list[dict[str, Any]], repeats: int = 3) -> dict[str, float]:
    """{path: floor in ms} for the search layer's statements and, under "request:" + path, for
    every statement of the request: the median of `repeats` runs after one warm-up run."""
    floors: dict[str, float] = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        for item in captured:
            search_runs, request_runs = [], []
            for attempt in range(repeats + 1):
                in_search = in_request = 0.0
                for sql, by_search in item["statements"]:
                    if sql.lstrip().upper().startswith(_TRANSACTION):
                        continue  # autocommit here, as the app's reads are
                    started = time.perf_counter()
                    cursor = conn.execute(sql.encode())
                    if cursor.description is not None:
                        cursor.fetchall()
                    took = (time.perf_counter() - started) * 1000.0
                    in_request += took
                    if by_search:
                        in_search += took
                if attempt:  # the first run warms the cache, as the app's warm-up did
                    search_runs.append(in_search)
                    request_runs.append(in_request)
            floors[item["path"]] = statistics.median(search_runs)
            floors["request:" + item["path"]] = statistics.median(request_runs)
    return floors
