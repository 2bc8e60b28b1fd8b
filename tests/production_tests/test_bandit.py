"""bandit finds nothing of medium severity or above in the project's code (what it scans and
why is in pyproject.toml [tool.bandit]); every finding it would report is fixed or justified on
its own line with `# nosec <id> — reason`."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bandit_reports_nothing_at_medium_severity_or_above():
    bandit = Path(sys.executable).with_name("bandit")
    result = subprocess.run(
        [str(bandit), "-q", "-c", "pyproject.toml", "-r", ".", "-ll", "-f", "json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    report = json.loads(result.stdout)
    assert report["errors"] == [], report["errors"]
    findings = [
        f"{r['filename']}:{r['line_number']} {r['test_id']} {r['issue_text']}"
        for r in report["results"]
    ]
    assert findings == [], "\n".join(findings)
    assert result.returncode == 0
    # It did scan the project (an exclusion gone wrong would make it trivially clean).
    scanned = set(report["metrics"]) - {"_totals"}
    for module in ("./referrals/tasks.py", "./services/search/query.py", "./scripts/backup.py"):
        assert module in scanned, module
    assert not any("/tests/" in name or "/.venv/" in name for name in scanned)
