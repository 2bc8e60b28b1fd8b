"""`make bench`: build or reuse a synthetic directory of N services in its own database, serve it
with gunicorn as production does (over plain HTTP on loopback), drive a fixed seeded mix of
searches with wrk at several concurrency levels, measure the floor (the same SQL straight through
psycopg), time generate_directory and an HSDS export/import round, and write
bench/results/<date>-<N>.json plus a Markdown table.

Settings come from the environment (see bench/README.md): BENCH_SERVICES (100000),
BENCH_DURATION (seconds per level and kind, 10), BENCH_CONCURRENCY ("1,8,32"), BENCH_SEED (1),
BENCH_IMPORT_SERVICES (services in the import round; default N, 0 skips it), BENCH_WORKERS
(gunicorn workers; default 2 x cores + 1, config/gunicorn.py's rule), BENCH_PER_KIND (distinct
searches per kind whose SQL is captured and replayed, 20), BENCH_DISTINCT (different searches per
kind driven by wrk, each asked once: what no cache can serve, 4000), BENCH_ZIPF_SEARCHES (the
repeat mix's distinct searches, 5000), BENCH_ZIPF_REQUESTS (its length, 40000),
BENCH_REPEAT_DURATION (seconds the repeat mix is driven for; BENCH_DURATION), BENCH_DB
(enlace_bench_<N>), BENCH_RESULTS (bench/results), BENCH_PORT.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import redis as redis_lib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import floor, queries  # noqa: E402
from bench.load import Server, wrk  # noqa: E402
from bench.report import markdown, targets  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
LOCAL = ROOT / ".local" / "bench"


@dataclass
class Config:
    services: int
    duration: float
    levels: list[int]
    seed: int
    import_services: int
    workers: int
    per_kind: int
    database: str
    results: Path
    port: int
    base_url: str
    redis_url: str
    distinct: int = 4000
    zipf_searches: int = 5000
    zipf_requests: int = 40000
    repeat_duration: float = 0.0
    log: list[str] = field(default_factory=list)

    @classmethod
    def from_env(cls) -> Config:
        n = int(os.environ.get("BENCH_SERVICES", "100000"))
        cores = os.cpu_count() or 2
        # The benchmark makes and drops its own databases and indexes: the owner's work.
        base = (
            os.environ.get("DATABASE_OWNER_URL")
            or _service_env("DATABASE_OWNER_URL")
            or os.environ.get("DATABASE_URL")
            or _service_env("DATABASE_URL")
        )
        redis = os.environ.get("REDIS_URL") or _service_env("REDIS_URL")
        redis_db = os.environ.get("BENCH_REDIS_DB", "3")
        return cls(
            services=n,
            duration=float(os.environ.get("BENCH_DURATION", "10")),
            levels=[int(c) for c in os.environ.get("BENCH_CONCURRENCY", "1,8,32").split(",")],
            seed=int(os.environ.get("BENCH_SEED", "1")),
            import_services=int(os.environ.get("BENCH_IMPORT_SERVICES", str(n))),
            workers=int(os.environ.get("BENCH_WORKERS", str(cores * 2 + 1))),
            per_kind=int(os.environ.get("BENCH_PER_KIND", "20")),
            database=os.environ.get("BENCH_DB", f"enlace_bench_{n}"),
            results=Path(os.environ.get("BENCH_RESULTS", str(ROOT / "bench" / "results"))),
            port=int(os.environ.get("BENCH_PORT", "0")) or _free_port(),
            base_url=base,
            redis_url=re.sub(r"/\d+$", f"/{redis_db}", redis),
            distinct=int(os.environ.get("BENCH_DISTINCT", "4000")),
            zipf_searches=int(os.environ.get("BENCH_ZIPF_SEARCHES", "5000")),
            zipf_requests=int(os.environ.get("BENCH_ZIPF_REQUESTS", "40000")),
            # The repeat mix stands for a night's steady traffic: its hit ratio grows with the
            # run's length, so it may be driven for longer than the distinct searches.
            repeat_duration=float(
                os.environ.get("BENCH_REPEAT_DURATION", os.environ.get("BENCH_DURATION", "10"))
            ),
        )


def _service_env(name: str) -> str:
    out = subprocess.run(
        [str(ROOT / "scripts" / "services.sh"), "env"], capture_output=True, text=True, check=True
    ).stdout
    for line in out.splitlines():
        if line.startswith(name + "="):
            return line.split("=", 1)[1]
    raise SystemExit(f"{name} unknown: run make services first")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- databases -------------------------------------------------------------------------------


def url_for(base: str, database: str) -> str:
    """The project cluster's URL with another database name (postgis:// for Django)."""
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path="/" + database))


def dsn_for(base: str, database: str) -> str:
    """The same, as psycopg wants it."""
    parts = urlsplit(url_for(base, database))
    return urlunsplit(parts._replace(scheme="postgresql"))


# What gunicorn runs with during the benchmark (bench/app_time.py uses it too): production
# settings over plain HTTP on loopback.
PRODUCTION_LIKE_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_HSTS_SECONDS": "0",
    "SECURE_COOKIES": "0",
    "BEHIND_TLS_PROXY": "0",
    # wrk plays the proxy in front of production: each request names its own client, so the
    # per-address throttle counts as it would for many visitors.
    "API_TRUSTED_PROXIES": "1",
    "STATIC_ROOT": str(LOCAL / "static"),
    "LOG_LEVEL": "WARNING",
}


def django_env(cfg: Config, database: str, **extra: str) -> dict[str, str]:
    """Production-like settings over plain HTTP on loopback, on the bench database and Redis db."""
    env = dict(os.environ)
    env.update(PRODUCTION_LIKE_ENV)
    env.update(DATABASE_URL=url_for(cfg.base_url, database), REDIS_URL=cfg.redis_url)
    env.update(extra)
    return env


def manage(cfg: Config, database: str, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=django_env(cfg, database),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def admin_query(cfg: Config, sql: str) -> list[tuple]:
    with psycopg.connect(dsn_for(cfg.base_url, "postgres"), autocommit=True) as conn:
        cursor = conn.execute(sql.encode())
        return cursor.fetchall() if cursor.description else []


def create_database(cfg: Config, database: str, *, fresh: bool) -> None:
    exists = admin_query(cfg, f"SELECT 1 FROM pg_database WHERE datname = '{database}'")
    if exists and fresh:
        admin_query(cfg, f'DROP DATABASE "{database}" WITH (FORCE)')
        exists = []
    if not exists:
        # template1 holds postgis, unaccent and pg_trgm (scripts/services.sh).
        admin_query(cfg, f'CREATE DATABASE "{database}"')


def db_query(cfg: Config, database: str, sql: str, params: Any = None) -> list[tuple]:
    with psycopg.connect(dsn_for(cfg.base_url, database), autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def synthetic_count(cfg: Config, database: str) -> int:
    return db_query(
        cfg, database, "SELECT count(*) FROM services_service WHERE name LIKE '%%(synthetic)'"
    )[0][0]


def generator_fingerprint() -> str:
    """What made a bench directory: the demo's and the synthetic generator's code. A directory
    or an export made by other code is built again rather than reused."""
    digest = hashlib.sha256()
    for name in ("services/data/synthetic.py", "services/data/demo.py"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()[:16]


def ensure_directory(cfg: Config, database: str, services: int) -> dict[str, Any]:
    """The database with exactly `services` synthetic services (and the demo's 350), built with
    generate_directory unless it is there already; returns the build's timing."""
    create_database(cfg, database, fresh=False)
    manage(cfg, database, "migrate", "--noinput", "-v", "0")
    db_query(
        cfg, database, "CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb)"
    )
    have = synthetic_count(cfg, database)
    made_by = db_query(cfg, database, "SELECT value FROM bench_meta WHERE key = 'generator'")
    same_generator = bool(made_by) and made_by[0][0] == generator_fingerprint()
    if have == services and same_generator:
        row = db_query(cfg, database, "SELECT value FROM bench_meta WHERE key = 'generate'")
        say(f"reusing {database}: {have} synthetic services")
        return {**(row[0][0] if row else {}), "reused": True}
    if have:
        # Rows another version of the generator wrote may no longer be valid (numbers, say).
        why = "another version of the generator" if have == services else f"not {services}"
        say(f"{database} has {have} synthetic services ({why}): rebuilding it")
        create_database(cfg, database, fresh=True)
        manage(cfg, database, "migrate", "--noinput", "-v", "0")
        db_query(
            cfg,
            database,
            "CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb)",
        )
    manage(cfg, database, "load_demo")
    say(f"generate_directory --services {services} into {database}")
    started = time.monotonic()
    out = manage(
        cfg, database, "generate_directory", "--services", str(services), "--seed", str(cfg.seed)
    )
    seconds = time.monotonic() - started
    steps = {}
    match = re.search(r"Generated \d+ services: (\{.*\})", out)
    if match:
        steps = json.loads(match.group(1).replace("'", '"'))
    info = {
        "services": services,
        "seconds": round(seconds, 1),
        "services_per_s": round(services / seconds, 1),
        "steps": steps,
        "load_during": os.getloadavg(),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    db_query(
        cfg,
        database,
        "INSERT INTO bench_meta VALUES ('generate', %s), ('generator', %s)"
        " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        [json.dumps(info), json.dumps(generator_fingerprint())],
    )
    say(f"generated {services} services in {seconds:.1f} s")
    return {**info, "reused": False}


def build_documents(cfg: Config, database: str) -> dict[str, Any]:
    """The public documents (API items, result cards) of every listing without current ones,
    as production builds them after a bulk load; timed (none to build: a few seconds)."""
    say(f"build_documents in {database}")
    started = time.monotonic()
    processes = os.cpu_count() or 1
    out = manage(cfg, database, "build_documents", "--processes", str(processes))
    seconds = time.monotonic() - started
    match = re.search(r"(\d+) services given documents", out)
    built = int(match.group(1)) if match else None
    say(f"documents for {built} services in {seconds:.1f} s")
    return {
        "services": built,
        "processes": processes,
        "seconds": round(seconds, 1),
        "services_per_s": round(built / seconds, 1) if built else None,
        "load_during": os.getloadavg(),
    }


# --- the searches ----------------------------------------------------------------------------


def search_paths(cfg: Config) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """The captured mix (per_kind searches per kind and surface), and the driven pools: per
    kind, `distinct` different searches; and the repeat mix, a Zipf sequence over
    `zipf_searches` of them."""
    towns = db_query(
        cfg,
        cfg.database,
        "SELECT name, ST_Y(centre::geometry), ST_X(centre::geometry) FROM services_region"
        " WHERE level = 2 AND centre IS NOT NULL ORDER BY population DESC NULLS LAST, code"
        " LIMIT 60",
    )
    regions = [
        r[0]
        for r in db_query(
            cfg,
            cfg.database,
            "SELECT code FROM services_region WHERE level < 2 ORDER BY level, code",
        )
    ]
    import random

    rng = random.Random(cfg.seed)
    regions = sorted(rng.sample(regions, min(12, len(regions))))
    mix = queries.build(cfg.seed, [tuple(t) for t in towns], regions, cfg.per_kind)
    captured = [
        {"surface": surface, "kind": kind, "path": queries.path(surface, params)}
        for surface in queries.SURFACES
        for kind in queries.KINDS
        for params in mix[kind]
    ]
    # Words of the directory's own typo lexicon: each finds listings, as typed words would.
    words = [
        r[0]
        for r in db_query(
            cfg,
            cfg.database,
            # A visitor looks for something: stop words (the search drops them, the page asks
            # what is needed instead) belong to the worst kind, not to the ordinary ones.
            "SELECT word FROM services_searchword WHERE length(word) BETWEEN 5 AND 14"
            " AND numnode(plainto_tsquery('spanish', word)) > 0"
            " AND numnode(plainto_tsquery('english', word)) > 0"
            " AND numnode(plainto_tsquery('portuguese', word)) > 0"
            " AND numnode(plainto_tsquery('french', word)) > 0"
            " ORDER BY md5(word) LIMIT 3000",
        )
    ]
    towns_t = [tuple(t) for t in towns]
    pools = queries.distinct(cfg.seed, towns_t, regions, words, cfg.distinct)
    repeat_pool = [
        params
        for params in queries.distinct(
            cfg.seed + 1, towns_t, regions, words, -(-cfg.zipf_searches // len(queries.KINDS))
        ).values()
        for params in params
    ][: cfg.zipf_searches]
    sequence = queries.zipf_sequence(repeat_pool, cfg.zipf_requests, cfg.seed)
    driven = {
        "distinct": {
            (surface, kind): [queries.path(surface, params) for params in pools[kind]]
            for surface in queries.SURFACES
            for kind in queries.KINDS
        },
        "repeat": {
            surface: [queries.path(surface, params) for params in sequence]
            for surface in queries.SURFACES
        },
        "repeat_distinct": len(repeat_pool),
        # The worst kind: twenty hostile searches asked one by one, and a larger pool of the
        # same shapes an attacker sends from one address while the ordinary kinds run.
        "worst": {
            surface: [
                queries.path(surface, params)
                for params in queries.worst(cfg.seed, towns_t, regions, words)
            ]
            for surface in queries.SURFACES
        },
        "attack": [
            queries.path("api", params)
            for params in queries.worst_pool(cfg.seed, towns_t, regions, words, cfg.distinct)
        ],
    }
    return captured, driven


def cache_reset(cfg: Config) -> None:
    """Empties the result cache and its hit counters (services/search/cache.py) in the bench's
    Redis database, so that each run starts cold."""
    client = redis_lib.Redis.from_url(cfg.redis_url)
    for key in client.scan_iter(match="*search:*", count=1000):
        client.delete(key)


def cache_stats(cfg: Config) -> dict[str, Any]:
    """The result cache's hits and misses since cache_reset (the server counts them)."""
    client = redis_lib.Redis.from_url(cfg.redis_url)
    counts = {"hit": 0, "miss": 0}
    for key in client.scan_iter(match="*search:stats:*", count=1000):
        name = key.decode().rsplit(":", 1)[-1]
        if name in counts:
            counts[name] += int(client.get(key) or 0)
    asked = counts["hit"] + counts["miss"]
    return {
        "cache_hits": counts["hit"],
        "cache_misses": counts["miss"],
        "hit_ratio": round(counts["hit"] / asked, 3) if asked else None,
    }


def driven_run(
    cfg: Config,
    url: str,
    paths: list[str],
    concurrency: int,
    work: Path,
    duration: float | None = None,
) -> dict[str, Any]:
    """One wrk run from a cold result cache, with the cache's hit ratio over it."""
    cache_reset(cfg)
    measured = wrk(cfg, url, paths, concurrency, duration or cfg.duration, work)
    return {**measured, **cache_stats(cfg), "distinct_paths": len(set(paths))}


def seal_driven(cfg: Config, driven: dict[str, Any], work: Path) -> None:
    """The driven pools' results pages at their sealed addresses (a GET with words is only a
    303 to one): sealed once, in Django, just before the runs (a sealed address lasts 2 h)."""
    pages = sorted(
        {
            path
            for pool in [
                *driven["distinct"].values(),
                *driven["repeat"].values(),
                *driven["worst"].values(),
            ]
            for path in pool
            if path.startswith("/es/buscar/?")
        }
    )
    (work / "unsealed.json").write_text(json.dumps(pages))
    result = subprocess.run(
        [
            PYTHON,
            str(ROOT / "bench" / "capture.py"),
            "--seal",
            str(work / "unsealed.json"),
            str(work / "sealed.json"),
        ],
        cwd=ROOT,
        env=django_env(cfg, cfg.database),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"sealing failed:\n{result.stdout}\n{result.stderr}")
    sealed = json.loads((work / "sealed.json").read_text())
    for pools in (driven["distinct"], driven["repeat"], driven["worst"]):
        for key, pool in pools.items():
            pools[key] = [sealed.get(path, path) for path in pool]


def worst_one_by_one(cfg: Config, url: str, paths: list[str]) -> dict[str, Any]:
    """Each hostile search asked once, alone (concurrency 1), from a cold result cache: its
    status and time. The worst kind's figure is the slowest of them."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    each = []
    for n, path in enumerate(paths):
        cache_reset(cfg)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        started = time.perf_counter()
        conn.request(
            "GET",
            path,
            headers={
                "X-Forwarded-For": f"10.250.0.{n + 1}",
                "Accept-Encoding": "gzip",
                "Accept-Language": "es",
            },
        )
        response = conn.getresponse()
        response.read()
        ms = (time.perf_counter() - started) * 1000
        conn.close()
        each.append({"path": path, "status": response.status, "ms": round(ms, 1)})
    times = [e["ms"] for e in each]
    statuses: dict[str, int] = {}
    for e in each:
        statuses[str(e["status"])] = statuses.get(str(e["status"]), 0) + 1
    return {
        "searches": len(each),
        "p50_ms": round(statistics.median(times), 1),
        "max_ms": max(times),
        "over_1s": sum(1 for t in times if t > 1000),
        "statuses": statuses,
        "each": each,
    }


def under_attack(
    cfg: Config, url: str, ordinary: list[str], attack: list[str], work: Path
) -> dict[str, Any]:
    """The ordinary kinds at concurrency 8, alone and then while one client (one address, so
    one throttle) sends hostile searches as fast as it can: how much the attacker costs
    everyone else."""
    import threading

    alone = driven_run(cfg, url, ordinary, 8, work)
    attacker: dict[str, Any] = {}
    attacker_work = work / "attacker"
    attacker_work.mkdir(exist_ok=True)

    def attack_run() -> None:
        attacker.update(
            wrk(cfg, url, attack, 1, cfg.duration, attacker_work, fixed_ip="10.254.0.1")
        )

    thread = threading.Thread(target=attack_run)
    cache_reset(cfg)
    thread.start()
    attacked = wrk(cfg, url, ordinary, 8, cfg.duration, work)
    thread.join()
    drop = 1 - attacked["rps"] / alone["rps"] if alone["rps"] else None
    return {
        "alone": alone,
        "attacked": attacked,
        "attacker": attacker,
        "drop": round(drop, 3) if drop is not None else None,
    }


def capture(cfg: Config, paths: list[dict[str, str]], work: Path) -> list[dict[str, Any]]:
    (work / "paths.json").write_text(json.dumps(paths))
    result = subprocess.run(
        [
            PYTHON,
            str(ROOT / "bench" / "capture.py"),
            str(work / "paths.json"),
            str(work / "sql.json"),
        ],
        cwd=ROOT,
        # The SQL of each search as computed, never a result cache's answer.
        env=django_env(cfg, cfg.database, SEARCH_CACHE_SECONDS="0"),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"capture failed:\n{result.stdout}\n{result.stderr}")
    captured = json.loads((work / "sql.json").read_text())
    bad = [c for c in captured if c["status"] != 200]
    if bad:
        raise SystemExit(
            f"{len(bad)} searches did not answer 200, e.g. {bad[0]['path']}: {bad[0]['status']}"
        )
    return captured


# --- the server ------------------------------------------------------------------------------


def time_import(cfg: Config) -> dict[str, Any] | None:
    k = cfg.import_services
    if k <= 0:
        return None
    source = cfg.database if k == cfg.services else f"enlace_bench_{k}"
    if source != cfg.database:
        ensure_directory(cfg, source, k)
    folder = LOCAL / f"hsds-{source}"
    marker = folder / ".complete"
    made_by = folder / ".generator"
    export_s = None
    current = made_by.exists() and made_by.read_text() == generator_fingerprint()
    if not marker.exists() or not current:
        shutil.rmtree(folder, ignore_errors=True)
        say(f"export_hsds of {source} to {folder}")
        started = time.monotonic()
        manage(cfg, source, "export_hsds", str(folder), "--format", "json", "--no-progress")
        export_s = round(time.monotonic() - started, 1)
        made_by.write_text(generator_fingerprint())
        marker.write_text(str(export_s))
    else:
        export_s = float(marker.read_text() or 0) or None
    scratch = f"{cfg.database}_scratch"
    create_database(cfg, scratch, fresh=True)
    manage(cfg, scratch, "migrate", "--noinput", "-v", "0")
    manage(cfg, scratch, "load_regions")
    say(f"import_hsds of {k} services into {scratch}")
    load = os.getloadavg()
    started = time.monotonic()
    out = manage(cfg, scratch, "import_hsds", str(folder), "--no-progress")
    seconds = time.monotonic() - started
    match = re.search(r"(\d+) records read: (\d+) rows created", out)
    records = int(match.group(1)) if match else 0
    rows = int(match.group(2)) if match else 0
    imported = synthetic_count(cfg, scratch)
    admin_query(cfg, f'DROP DATABASE "{scratch}" WITH (FORCE)')
    say(f"imported {imported} services ({rows} rows) in {seconds:.1f} s")
    return {
        "services": k,
        "services_imported": imported,
        "records": records,
        "rows": rows,
        "seconds": round(seconds, 1),
        "records_per_s": round(records / seconds, 1),
        "rows_per_s": round(rows / seconds, 1),
        "services_per_s": round(imported / seconds, 1),
        "export_seconds": export_s,
        "load_at_start": load,
        "output": out.strip().splitlines()[0] if out.strip() else "",
    }


# --- the run ---------------------------------------------------------------------------------


def machine(cfg: Config) -> dict[str, Any]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    pg = db_query(cfg, cfg.database, "SHOW server_version")[0][0]
    settings = pg_settings(cfg)
    return {
        "host": platform.node(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(int(mem) / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": pg,
        "shared_buffers": settings.get("shared_buffers", ""),
        "postgresql_settings": settings,
        "commit": commit,
    }


# The server settings that change what a run measures (memory for caching and sorting, plan
# compilation, parallel scans): two runs are only comparable if these match.
PG_SETTINGS = (
    "shared_buffers",
    "work_mem",
    "maintenance_work_mem",
    "effective_cache_size",
    "jit",
    "max_parallel_workers_per_gather",
    "max_wal_size",
)


def pg_settings(cfg: Config) -> dict[str, str]:
    rows = db_query(
        cfg,
        cfg.database,
        "SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(%s)",
        [list(PG_SETTINGS)],
    )
    found = dict(rows)
    return {name: found[name] for name in PG_SETTINGS if name in found}


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def run(cfg: Config) -> dict[str, Any]:
    started = time.monotonic()
    say(f"{cfg.services} services, {cfg.duration:g} s per run, concurrency {cfg.levels}")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y --no-install-recommends wrk")
    load_start = uptime()
    generate = ensure_directory(cfg, cfg.database, cfg.services)
    built = build_documents(cfg, cfg.database)
    LOCAL.mkdir(parents=True, exist_ok=True)
    if not (LOCAL / "static" / "staticfiles.json").exists():
        # Compressing every static file takes a while; the result is the same for every run.
        manage(cfg, cfg.database, "collectstatic", "--noinput", "-v", "0")
    work = Path(tempfile.mkdtemp(prefix="bench-", dir=LOCAL))
    paths, driven = search_paths(cfg)
    say(f"capturing the SQL of {len(paths)} searches")
    captured = capture(cfg, paths, work)
    # The results pages are measured at the sealed addresses the capture was answered with.
    paths = [{"surface": c["surface"], "kind": c["kind"], "path": c["path"]} for c in captured]
    seal_driven(cfg, driven, work)
    say("measuring the floor (psycopg, no Django)")
    floors = floor.measure(dsn_for(cfg.base_url, cfg.database), captured)
    by_group: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for item in captured:
        by_group.setdefault((item["surface"], item["kind"]), []).append(item)

    say(f"starting gunicorn ({cfg.workers} workers) on port {cfg.port}")
    server = Server(
        cfg,
        work,
        django_env(
            cfg,
            cfg.database,
            GUNICORN_BIND=f"127.0.0.1:{cfg.port}",
            WEB_CONCURRENCY=str(cfg.workers),
            GUNICORN_ACCESSLOG=str(work / "access.log"),
            SEARCH_CACHE_STATS="1",
        ),
    )
    rows: list[dict[str, Any]] = []
    overall: list[dict[str, Any]] = []
    ceiling: list[dict[str, Any]] = []
    repeat: list[dict[str, Any]] = []
    try:
        server.wait_ready()
        wrk(cfg, server.url, [p["path"] for p in paths], 8, min(3.0, cfg.duration), work)  # warm
        for concurrency in cfg.levels:
            for (surface, kind), items in by_group.items():
                # Different searches, each asked once (unless the run outlasts the pool): what
                # the result cache cannot serve.
                measured = driven_run(
                    cfg, server.url, driven["distinct"][(surface, kind)], concurrency, work
                )
                floor_ms = statistics.median(floors[i["path"]] for i in items)
                request_floor_ms = statistics.median(floors["request:" + i["path"]] for i in items)
                rows.append(
                    {
                        "surface": surface,
                        "kind": kind,
                        "concurrency": concurrency,
                        **measured,
                        "floor_ms": round(floor_ms, 2),
                        "request_floor_ms": round(request_floor_ms, 2),
                        # No request finished within the run (all slower than it): no ratio.
                        "ratio": round(measured["p50_ms"] / floor_ms, 2)
                        if floor_ms and measured["requests"]
                        else None,
                        "sql_per_request": statistics.median(i["queries"] for i in items),
                        "sql_per_request_max": max(i["queries"] for i in items),
                    }
                )
                say(
                    f"c={concurrency} {surface:4} {kind:7} {measured['rps']:7.1f}/s "
                    f"p50 {measured['p50_ms']:.1f} p95 {measured['p95_ms']:.1f} ms "
                    f"floor {floor_ms:.1f} ms hit ratio {measured['hit_ratio']}"
                )
            # The page takes its pools from the other end: the API and the page asking the
            # same search would share a cache entry.
            everything = [
                p
                for group in zip(
                    *(
                        pool[::-1] if surface == "page" else pool
                        for (surface, _kind), pool in driven["distinct"].items()
                    ),
                    strict=False,
                )
                for p in group
            ]
            measured = driven_run(cfg, server.url, everything, concurrency, work)
            overall.append({"concurrency": concurrency, **measured})
            say(f"c={concurrency} all  {measured['rps']:7.1f}/s p95 {measured['p95_ms']:.1f} ms")
            # What the same server does with no search at all (no SQL, no template, the whole
            # middleware stack): the most any search could reach here, to read the targets by.
            measured = wrk(cfg, server.url, ["/healthz"], concurrency, cfg.duration, work)
            ceiling.append({"concurrency": concurrency, **measured})
            say(f"c={concurrency} ceiling (/healthz) {measured['rps']:7.1f}/s")
            for surface, sequence in driven["repeat"].items():
                measured = driven_run(
                    cfg, server.url, sequence, concurrency, work, cfg.repeat_duration
                )
                repeat.append(
                    {
                        "surface": surface,
                        "concurrency": concurrency,
                        "duration_s": cfg.repeat_duration,
                        **measured,
                    }
                )
                say(
                    f"c={concurrency} {surface:4} repeat  {measured['rps']:7.1f}/s "
                    f"p95 {measured['p95_ms']:.1f} ms hit ratio {measured['hit_ratio']}"
                )
        say("the worst kind: each hostile search alone, from a cold cache")
        worst = {
            surface: worst_one_by_one(cfg, server.url, pool)
            for surface, pool in driven["worst"].items()
        }
        for surface, measured in worst.items():
            say(
                f"worst {surface}: p50 {measured['p50_ms']:.0f} ms, max {measured['max_ms']:.0f}"
                f" ms, {measured['over_1s']} over 1 s, statuses {measured['statuses']}"
            )
        say("the ordinary kinds at c=8, alone and with one client sending the worst kind")
        attack = under_attack(cfg, server.url, everything, driven["attack"], work)
        say(
            f"ordinary {attack['alone']['rps']:.1f}/s alone, {attack['attacked']['rps']:.1f}/s"
            f" attacked ({100 * (attack['drop'] or 0):.0f}% less); the attacker sent"
            f" {attack['attacker'].get('requests', 0)} requests,"
            f" {attack['attacker'].get('non_2xx_3xx', 0)} refused"
        )
    finally:
        server.stop()
    peaks_mb = sorted(round(kb / 1024, 1) for kb in server.peaks.values())
    load_after_search = uptime()
    imported = time_import(cfg)
    result = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(cfg),
        "load": {
            "at_start": load_start,
            "after_searches": load_after_search,
            "at_end": uptime(),
            "note": "uptime load averages; other processes on the machine share its cores",
        },
        "config": {
            "services": cfg.services,
            "database": cfg.database,
            "duration_s": cfg.duration,
            "concurrency": cfg.levels,
            "seed": cfg.seed,
            "workers": cfg.workers,
            "searches_per_kind": cfg.per_kind,
            "paths": len(paths),
            "distinct_per_kind": {
                f"{surface} {kind}": len(v) for (surface, kind), v in driven["distinct"].items()
            },
            "repeat_distinct": driven["repeat_distinct"],
            "repeat_requests": cfg.zipf_requests,
            "repeat_duration_s": cfg.repeat_duration,
            "repeat_zipf_s": 1.1,
        },
        "generate_directory": generate,
        "build_documents": built,
        "import_hsds": imported,
        "worker_peak_rss_mb": peaks_mb,
        "searches": rows,
        "overall": overall,
        "ceiling": ceiling,
        "repeat": repeat,
        "worst": worst,
        "under_attack": attack,
        "examples": {f"{i['surface']} {i['kind']}": i["path"] for i in captured[:: cfg.per_kind]},
        "seconds": round(time.monotonic() - started, 1),
    }
    result["targets"] = targets(result)
    shutil.rmtree(work, ignore_errors=True)
    return result


def main() -> None:
    cfg = Config.from_env()
    result = run(cfg)
    cfg.results.mkdir(parents=True, exist_ok=True)
    out = cfg.results / f"{result['date'][:10]}-{cfg.services}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    table = markdown(result)
    (out.with_suffix(".md")).write_text(table + "\n")
    print()
    print(table)
    print()
    say(f"wrote {out} in {result['seconds']:.0f} s")


if __name__ == "__main__":
    main()
