"""Issue 13 item 4: the short failover drill (``bench/failover.py --short``) on real
pg_auto_failover (monitor, primary, synchronous standby), nginx, Redis and two app processes.
The primary is killed hard mid-load; nothing acknowledged may be lost, nothing overbooked or
duplicated, no answer but 503 may be a 5xx, and writes must come back by themselves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from bench.failover import MUST_BE_ZERO, drill_unavailable_reason

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parent.parent.parent


def test_losing_the_primary_loses_nothing_acknowledged():
    reason = drill_unavailable_reason()
    if reason:
        if os.environ.get("MINZHENG_REQUIRE_POSTGRES"):
            pytest.fail(f"MINZHENG_REQUIRE_POSTGRES is set but {reason}")
        pytest.skip(f"failover drill: {reason}")
    out = Path(tempfile.mkdtemp(prefix="minzheng-drill-")) / "figures.json"
    result = subprocess.run(
        [sys.executable, "-m", "bench.failover", "--short", "--json", str(out)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=420,
        check=False,
    )
    assert out.exists(), result.stdout[-3000:] + result.stderr[-5000:]
    figures = json.loads(out.read_text())
    print(result.stdout)
    assert figures["replication"]["synchronous_commit"] == "on"
    assert figures["replication"]["synchronous_standby_names"].startswith("ANY 1")
    assert figures["acknowledged_writes"] > 0
    for key in MUST_BE_ZERO:
        assert figures[key] == 0, (key, figures)
    assert figures["answers_503"] > 0  # the outage was seen, and answered as 503
    assert figures["seconds_until_writes_succeed"] is not None
    assert figures["seconds_until_writes_succeed"] < 60
    assert figures["jobs_run_after_failover"] > 0
    assert figures["app_processes_alive"] is True
    assert result.returncode == 0, result.stderr[-3000:]
