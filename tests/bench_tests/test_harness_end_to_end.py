"""The benchmark harness (bench/run.py) end to end at a tiny scale, so that it cannot rot
silently: it builds (or reuses) its own small directory, serves it with gunicorn, drives wrk, replays
the captured SQL through psycopg and times an HSDS export/import, then writes its JSON and table."""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _bench_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    redis = env.get("REDIS_URL", "")
    match = re.search(r"/(\d+)$", redis)
    env.update(
        BENCH_SERVICES="200",
        BENCH_DURATION="2",
        BENCH_CONCURRENCY="1,8",
        BENCH_PER_KIND="2",
        BENCH_DISTINCT="300",
        BENCH_ZIPF_SEARCHES="100",
        BENCH_ZIPF_REQUESTS="2000",
        BENCH_IMPORT_SERVICES="200",
        BENCH_WORKERS="2",
        # Its own database, apart from real benchmark runs and from other test runs (each run
        # of the suite names its own test database).
        BENCH_DB=f"{env.get('TEST_DATABASE_NAME') or 'test_enlace'}_bench_harness",
        BENCH_REDIS_DB=match.group(1) if match else "3",
        BENCH_RESULTS=str(tmp_path),
    )
    return env


@pytest.mark.slow
# The first run builds the small directory (migrate, load_demo, generate: a minute or two on a
# quiet machine); later runs reuse it and take well under a minute.
@pytest.mark.timeout(900)
def test_the_harness_writes_every_measure_it_promises(tmp_path):
    assert shutil.which("wrk"), "wrk is missing: make test installs it (scripts/system-deps.sh)"
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py")],
        cwd=ROOT,
        env=_bench_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=840,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    [written] = tmp_path.glob("*-200.json")
    data = json.loads(written.read_text())

    assert data["machine"]["cores"] >= 1 and data["machine"]["postgresql"]
    settings = data["machine"]["postgresql_settings"]
    assert set(settings) >= {
        "shared_buffers",
        "work_mem",
        "jit",
        "effective_cache_size",
        "max_parallel_workers_per_gather",
    }, settings
    assert "load average" in data["load"]["at_start"]
    assert data["config"]["services"] == 200
    kinds = {(r["surface"], r["kind"]) for r in data["searches"]}
    assert kinds == {(s, k) for s in ("api", "page") for k in ("text", "place", "filters", "mix")}
    assert {r["concurrency"] for r in data["searches"]} == {1, 8}
    for row in data["searches"]:
        assert row["errors"] == 0, row
        assert row["floor_ms"] > 0 and row["sql_per_request"] > 0, row
        # On a loaded machine a one-second run may finish no request; then it has no latency.
        if row["requests"]:
            assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"], row
            assert row["ratio"] > 0, row
        else:
            assert row["ratio"] is None, row
    assert sum(row["requests"] for row in data["searches"]) > 0
    # Every driven run starts from a cold result cache and says how often the cache answered.
    assert set(data["config"]["distinct_per_kind"]) == {f"{s} {k}" for s, k in kinds}
    assert all(n > 50 for n in data["config"]["distinct_per_kind"].values())
    assert data["config"]["repeat_distinct"] == 100
    for row in [*data["searches"], *data["overall"]]:
        assert row["distinct_paths"] > 50, row
        if row["requests"]:
            assert row["cache_hits"] + row["cache_misses"] >= row["requests"], row
            assert 0 <= row["hit_ratio"] <= 1, row
    assert {(r["surface"], r["concurrency"]) for r in data["repeat"]} == {
        (s, c) for s in ("api", "page") for c in (1, 8)
    }
    for row in data["repeat"]:
        assert row["errors"] == 0 and row["distinct_paths"] <= 100, row
        if row["requests"]:
            assert 0 <= row["hit_ratio"] <= 1, row
    assert [o["concurrency"] for o in data["overall"]] == [1, 8]
    assert [o["concurrency"] for o in data["ceiling"]] == [1, 8]
    assert all(o["errors"] == 0 and o["requests"] > 0 for o in data["ceiling"]), data["ceiling"]
    assert len(data["worker_peak_rss_mb"]) >= 2 and min(data["worker_peak_rss_mb"]) > 10
    # The worst kind: twenty hostile searches, each answered (never a 500), and the attack run.
    for surface in ("api", "page"):
        worst = data["worst"][surface]
        assert worst["searches"] == 20 and len(worst["each"]) == 20, worst
        assert 0 < worst["p50_ms"] <= worst["max_ms"], worst
        assert set(worst["statuses"]) <= {"200", "400", "422"}, worst["statuses"]
    assert data["worst"]["api"]["statuses"].get("200", 0) >= 10
    attack = data["under_attack"]
    assert attack["alone"]["rps"] > 0 and attack["attacked"]["rps"] > 0, attack
    assert attack["attacker"]["requests"] > 0 and attack["drop"] is not None, attack
    assert data["generate_directory"]["services"] == 200
    assert data["generate_directory"]["services_per_s"] > 0
    imported = data["import_hsds"]
    assert imported["services_imported"] == 200 and imported["records_per_s"] > 0
    assert set(data["targets"]) >= {
        "api_p95_ms_c8_worst_kind",
        "page_p95_ms_c8_worst_kind",
        "overall_rps_c8",
        "app_over_floor_median_c1",
        "worker_peak_rss_mb",
        "import_1m_estimated_s",
        "worst_api_max_ms_c1",
        "worst_page_max_ms_c1",
        "ordinary_rps_drop_under_attack_c8",
    }
    table = written.with_suffix(".md").read_text()
    assert "| ceiling | /healthz | 8 |" in table
    assert "| api | repeat (Zipf) | 8 |" in table and "| page | repeat (Zipf) | 1 |" in table
    assert "| api | text | 1 |" in table and "Peak RSS per gunicorn worker" in table
    assert "Worst kind, api, 20 hostile searches" in table and "while one address sent" in table
    assert f"shared_buffers {settings['shared_buffers']}" in table
    assert f"work_mem {settings['work_mem']}, " in table and f"jit {settings['jit']}" in table
