"""Helpers shared by the core's tests: the error contract, the CLI in a subprocess, the probe
plugin installed through the entry-point group."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent.parent
PASSWORD = "staff-password-1"


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    """The contract's error body ``{status_code, code, detail}`` with this status (and code)."""
    assert response.status_code == status, response.text
    body = response.json()
    assert {"status_code", "code", "detail"} <= set(body), body
    assert body["status_code"] == status
    assert isinstance(body["detail"], str) and body["detail"]
    assert body["code"].isupper() and " " not in body["code"]
    if code is not None:
        assert body["code"] == code, body
    return body


@cache
def probe_entry_point_dir() -> str:
    """A directory that, on ``PYTHONPATH``, installs the probe plugin in ``minzheng.plugins``."""
    base = Path(tempfile.mkdtemp(prefix="minzheng-probe-ep-"))
    info = base / "minzheng_probe-9.9.9.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: minzheng-probe\nVersion: 9.9.9\n")
    (info / "entry_points.txt").write_text("[minzheng.plugins]\nprobe = tests.core.probe_plugin\n")
    return str(base)


def cli_env(database_url: str, data_dir: str | None = None, *, probe: bool = False) -> dict:
    """Environment for ``python -m core.cli`` on ``database_url``."""
    data_dir = data_dir or tempfile.mkdtemp(prefix="minzheng-cli-")
    paths = [str(ROOT), *([probe_entry_point_dir()] if probe else [])]
    env = {
        **os.environ,
        "MINZHENG_ENV": "test",
        "MINZHENG_DATA_DIR": data_dir,
        "MINZHENG_DATABASE_URL": database_url,
        "PYTHONPATH": os.pathsep.join(paths),
        "COLUMNS": "200",
    }
    env.pop("MINZHENG_REDIS_URL", None)
    return env


def run_cli(
    env: dict, *args: str, stdin: str | None = None, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "core.cli", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=ROOT,
    )


async def form_token(client: httpx.AsyncClient, path: str = "/login") -> str:
    """The ``_csrf`` field of the page at ``path``, as a browser gets it (the client keeps the
    pre-session cookie that goes with it)."""
    import re

    page = await client.get(path, headers={"accept": "text/html"})
    found = re.search(r'name="_csrf" value="([0-9a-f]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)
