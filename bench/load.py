"""Serving the bench database with gunicorn as production does, and driving it with wrk."""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")


class Server:
    """gunicorn with config/gunicorn.py, and a sampler of each worker's peak memory."""

    def __init__(self, cfg: Any, work: Path, env: dict[str, str]) -> None:
        """Starts gunicorn for `cfg` (run.Config) with `env`, the bench database's Django
        environment; `work` holds its logs."""
        self.cfg = cfg
        self.url = f"http://127.0.0.1:{cfg.port}"
        self.log = work / "gunicorn.log"
        self.peaks: dict[int, int] = {}
        self.stop_sampling = threading.Event()
        self.process = subprocess.Popen(
            [GUNICORN, "-c", "config/gunicorn.py", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        self.sampler = threading.Thread(target=self._sample, daemon=True)

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:  # noqa: S310
                    if response.status == 200 and len(self.workers()) >= self.cfg.workers:
                        self.sampler.start()
                        return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn not ready:\n{self.log.read_text()[-3000:]}")

    def workers(self) -> list[int]:
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return children

    def _sample(self) -> None:
        while not self.stop_sampling.wait(0.5):
            for pid in self.workers():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                match = re.search(r"VmHWM:\s+(\d+) kB", status)
                if match:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), int(match.group(1)))

    def stop(self) -> None:
        self.stop_sampling.set()
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def wrk(
    cfg: Any,
    url: str,
    paths: list[str],
    concurrency: int,
    duration: float,
    work: Path,
    fixed_ip: str = "",
) -> dict[str, Any]:
    """One wrk run over `paths`; every request names its own client address, or `fixed_ip`
    for all (one visitor, one throttle)."""
    urls = work / "urls.txt"
    out = work / "wrk.json"
    urls.write_text("\n".join(paths) + "\n")
    out.unlink(missing_ok=True)
    threads = max(1, min(concurrency, os.cpu_count() or 2))
    result = subprocess.run(
        [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(concurrency),
            "-d",
            f"{max(1, round(duration))}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "urls.lua"),
            url,
        ],  # fmt: skip
        env={
            **os.environ,
            "BENCH_URLS": str(urls),
            "BENCH_OUT": str(out),
            "BENCH_THREADS": str(threads),
            "BENCH_FIXED_IP": fixed_ip,
        },
        capture_output=True,
        text=True,
    )
    if result.returncode or not out.exists():
        raise SystemExit(f"wrk failed:\n{result.stdout}\n{result.stderr}")
    raw = json.loads(out.read_text())
    seconds = raw["duration_us"] / 1e6
    errors = sum(raw[k] for k in raw if k.startswith("errors_"))
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 2),
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "errors": errors,
        "non_2xx_3xx": raw["errors_status"],
    }


# --- HSDS export and import ------------------------------------------------------------------
