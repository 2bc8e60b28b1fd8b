"""The app's own time per search request, in-process: the benchmark's paths asked through Django's
test client with production-like settings, each request's SQL timed apart, so that what is left
(total − SQL) is the Python a request costs. No server, no load generator: quick and repeatable
while one works on the views.

Usage (the bench database must exist; see bench/README.md):

    DATABASE_URL=postgis://postgres@127.0.0.1:25926/enlace_bench_100000 \\
        .venv/bin/python bench/app_time.py [--rounds 3] [--surface api|page] [--profile N]

Prints per surface and kind the median over the paths of: ms per request, of which in SQL,
the rest (Python), this process's CPU ms (`time.process_time`: the Python alone, and much less
inflated than wall time when other work shares the cores), SQL statements and model instances
built per request. `--profile N` prints
cProfile's top N functions by cumulative time over one extra round instead.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import PRODUCTION_LIKE_ENV  # noqa: E402 — after the path is set

os.environ.update(PRODUCTION_LIKE_ENV)
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:25927/4")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models.signals import post_init  # noqa: E402
from django.test import Client  # noqa: E402

from bench import queries  # noqa: E402


class Meter:
    """Statements, their time, and model instances of the request being asked."""

    def __init__(self) -> None:
        self.statements = 0
        self.sql_seconds = 0.0
        self.instances = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict
    ) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql_seconds += time.perf_counter() - start
            self.statements += 1

    def count_instance(self, **kwargs: Any) -> None:
        self.instances += 1


def bench_paths(seed: int = 1, per_kind: int = 20) -> list[dict[str, str]]:
    """The 160 paths bench/run.py asks (same SQL for towns and regions, same seed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, ST_Y(centre::geometry), ST_X(centre::geometry) FROM services_region"
            " WHERE level = 2 AND centre IS NOT NULL ORDER BY population DESC NULLS LAST, code"
            " LIMIT 60"
        )
        towns = [tuple(row) for row in cursor.fetchall()]
        cursor.execute("SELECT code FROM services_region WHERE level < 2 ORDER BY level, code")
        regions = [row[0] for row in cursor.fetchall()]
    rng = random.Random(seed)
    regions = sorted(rng.sample(regions, min(12, len(regions))))
    mix = queries.build(seed, towns, regions, per_kind)
    return [
        {"surface": surface, "kind": kind, "path": queries.path(surface, params)}
        for surface in queries.SURFACES
        for kind in queries.KINDS
        for params in mix[kind]
    ]


def ask(client: Client, item: dict[str, str], n: int, meter: Meter) -> tuple[float, float]:
    """(wall seconds, this process's CPU seconds) of one request."""
    headers = {"HTTP_X_FORWARDED_FOR": f"10.250.{n // 256 % 256}.{n % 256}"}
    start, cpu = time.perf_counter(), time.process_time()
    # A results page answers the search with 303 to its sealed address: both are timed.
    response = client.get(item["path"], follow=True, **headers)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    if response.status_code != 200:
        raise SystemExit(f"{item['path']}: {response.status_code}")
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--surface", choices=queries.SURFACES)
    parser.add_argument("--profile", type=int, default=0)
    args = parser.parse_args()
    paths = [p for p in bench_paths() if args.surface in (None, p["surface"])]
    client = Client()
    for n, item in enumerate(paths[:: max(1, len(paths) // 16)]):
        # Warm, as a worker is; and the SQL's pages into PostgreSQL's cache.
        client.get(item["path"], HTTP_X_FORWARDED_FOR=f"10.251.0.{n}")
    if args.profile:
        profiler = cProfile.Profile()
        meter = Meter()
        profiler.enable()
        for n, item in enumerate(paths):
            ask(client, item, n, meter)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
        return
    rows: dict[tuple[str, str], list[tuple[float, float, int, int, float]]] = {}
    for _round in range(args.rounds):
        for n, item in enumerate(paths):
            meter = Meter()
            post_init.connect(meter.count_instance)
            try:
                with connection.execute_wrapper(meter):
                    total, cpu = ask(client, item, n, meter)
            finally:
                post_init.disconnect(meter.count_instance)
            rows.setdefault((item["surface"], item["kind"]), []).append(
                (
                    total * 1000,
                    meter.sql_seconds * 1000,
                    meter.statements,
                    meter.instances,
                    cpu * 1000,
                )
            )
    print(
        f"{'surface':8}{'kind':9}{'ms/req':>8}{'SQL ms':>8}{'app ms':>8}{'cpu ms':>8}"
        f"{'stmts':>7}{'models':>8}"
    )
    for key in [*rows, ("all", "")]:
        values = [v for vs in rows.values() for v in vs] if key == ("all", "") else rows[key]
        total = statistics.median(v[0] for v in values)
        sql = statistics.median(v[1] for v in values)
        app = statistics.median(v[0] - v[1] for v in values)
        stmts = statistics.median(v[2] for v in values)
        models = statistics.median(v[3] for v in values)
        cpu = statistics.median(v[4] for v in values)
        print(
            f"{key[0]:8}{key[1]:9}{total:8.1f}{sql:8.1f}{app:8.1f}{cpu:8.1f}{stmts:7.0f}{models:8.0f}"
        )


if __name__ == "__main__":
    main()
