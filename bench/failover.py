"""Failover drill: lose the PostgreSQL primary under load and count what was lost.

On this one machine, with ports and directories of its own (torn down afterwards):

- a pg_auto_failover monitor and two nodes — a primary and a synchronous standby
  (``synchronous_standby_names = 'ANY 1 (…)'``, ``synchronous_commit = on``: a commit is
  acknowledged only once the standby has it), run as the ``postgres`` user;
- Redis for the shared rate limits (a server of its own);
- several ``minzheng serve`` processes and one ``minzheng jobs --loop`` scheduler, all with the
  multi-host ``MINZHENG_DATABASE_URL`` and ``target_session_attrs=read-write``;
- nginx in front of them (a generated configuration, not a daemon).

Citizens book appointments and a clerk registers marriages through nginx, every request with an
``Idempotency-Key``. Mid-load the primary's node is killed hard (``kill -9`` of its pg_autoctl and
of every PostgreSQL process). Every request that got no answer or a 503 is retried with its key.
Then the drill reads the new primary and prints: acknowledged writes lost, overbooked slots,
certificate-number gaps and duplicates, non-503 5xx answers, duplicates from retries, and the
seconds until writes succeed again.

    python -m bench.failover            # the full drill
    python -m bench.failover --short    # the CI version (tests/core/test_failover_drill.py)
    python -m bench.failover --json out.json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.pgtools import (
    PG_BIN,
    as_server_user,
    free_port,
    missing_binaries,
    owned_dir,
    server_env,
    wait_for_port,
)

ROOT = Path(__file__).resolve().parent.parent
PG_AUTOCTL = os.environ.get("MINZHENG_PG_AUTOCTL", "pg_autoctl")
NGINX = os.environ.get("MINZHENG_NGINX", "/usr/sbin/nginx")
REDIS = os.environ.get("MINZHENG_REDIS_SERVER", "redis-server")

# Drill timings for the monitor (milliseconds). Production keeps pg_auto_failover's defaults,
# where ``primary_demote_timeout`` (30 s) exceeds the keepers' ``network_partition_timeout``
# (20 s) so that a partitioned old primary has stopped before the standby is promoted; on one
# machine there is no partition, only a dead node, and the drill need not wait that long.
MONITOR_SETTINGS = {
    "health_check_period": 1000,
    "health_check_timeout": 1000,
    "health_check_max_retries": 1,
    "health_check_retry_delay": 500,
    "node_considered_unhealthy_timeout": 2000,
    "primary_demote_timeout": 2000,
}


def drill_unavailable_reason() -> str | None:
    """Why the drill cannot run on this machine, or None."""
    reason = missing_binaries(PG_AUTOCTL)
    if reason:
        return reason
    if not Path(NGINX).exists() and shutil.which("nginx") is None:
        return f"no nginx at {NGINX} (apt-get install nginx)"
    return None


def _log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -------------------------------------------------------------------------------------------------
# pg_auto_failover: monitor + two nodes
# -------------------------------------------------------------------------------------------------


class Formation:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.monitor_port = free_port()
        self.ports = {"node1": free_port(), "node2": free_port()}
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        xdg = root / "xdg"
        self.env = {
            **server_env(),
            "XDG_CONFIG_HOME": str(xdg / "config"),
            "XDG_DATA_HOME": str(xdg / "data"),
            "XDG_RUNTIME_DIR": str(xdg / "run"),
            "PG_CONFIG": str(PG_BIN / "pg_config"),
        }

    @property
    def monitor_url(self) -> str:
        return f"postgresql://autoctl_node@127.0.0.1:{self.monitor_port}/pg_auto_failover"

    def database_url(self, user: str = "postgres") -> str:
        hosts = ",".join(f"127.0.0.1:{port}" for port in self.ports.values())
        return f"postgresql://{user}@{hosts}/minzheng?target_session_attrs=read-write"

    def node_url(self, name: str, database: str = "minzheng") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.ports[name]}/{database}"

    def _start(self, name: str, args: list[str]) -> None:
        log = open(self.root / f"{name}.log", "wb")  # noqa: SIM115 (lives with the process)
        self.processes[name] = subprocess.Popen(
            as_server_user([PG_AUTOCTL, *args]),
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the kill takes everything
            cwd=self.root,
        )

    def _common(self, name: str, port: int) -> list[str]:
        return [
            "--pgdata",
            str(self.root / name),
            "--pgport",
            str(port),
            "--hostname",
            "127.0.0.1",
            "--auth",
            "trust",
            "--no-ssl",
            "--pgctl",
            str(PG_BIN / "pg_ctl"),
            "--run",
        ]

    async def start_monitor(self) -> None:
        self._start("monitor", ["create", "monitor", *self._common("monitor", self.monitor_port)])
        await self._wait(lambda rows: True, "the monitor", query="SELECT 1 AS up", limit=120)
        import asyncpg

        admin = await asyncpg.connect(
            f"postgresql://postgres@127.0.0.1:{self.monitor_port}/pg_auto_failover", timeout=5
        )
        try:
            for name, value in MONITOR_SETTINGS.items():
                await admin.execute(f"ALTER SYSTEM SET pgautofailover.{name} TO {int(value)}")
            await admin.execute("SELECT pg_reload_conf()")
        finally:
            await admin.close()

    def _node_args(self, name: str) -> list[str]:
        return [
            "create",
            "postgres",
            *self._common(name, self.ports[name]),
            "--name",
            name,
            "--dbname",
            "minzheng",
            "--monitor",
            self.monitor_url + "?sslmode=disable",
        ]

    async def start_nodes(self) -> None:
        self._start("node1", self._node_args("node1"))
        await self._wait(lambda s: s.get("node1") == ("single", "single"), "node1 to run")
        import asyncpg

        # pg_basebackup of the standby waits for a checkpoint; a spread one takes minutes.
        primary = await asyncpg.connect(self.node_url("node1", "postgres"), timeout=5)
        try:
            await primary.execute("ALTER SYSTEM SET checkpoint_completion_target = 0")
            await primary.execute("SELECT pg_reload_conf()")
        finally:
            await primary.close()
        self._start("node2", self._node_args("node2"))
        await self._wait(
            lambda s: (
                s.get("node1") == ("primary", "primary")
                and s.get("node2") == ("secondary", "secondary")
            ),
            "node2 to become the synchronous standby",
        )

    async def states(self) -> dict[str, tuple[str, str]]:
        import asyncpg

        connection = await asyncpg.connect(self.monitor_url, timeout=3)
        try:
            rows = await connection.fetch(
                "SELECT nodename, reportedstate::text AS r, goalstate::text AS g "
                "FROM pgautofailover.node"
            )
        finally:
            await connection.close()
        return {row["nodename"]: (row["r"], row["g"]) for row in rows}

    async def _wait(self, done: Any, what: str, query: str = "", limit: float = 180) -> None:
        import asyncpg

        deadline = time.monotonic() + limit
        last: Any = None
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    tail = (self.root / f"{name}.log").read_text(errors="replace")[-3000:]
                    raise RuntimeError(f"pg_autoctl {name} exited: {tail}")
            try:
                if query:
                    connection = await asyncpg.connect(self.monitor_url, timeout=3)
                    try:
                        last = await connection.fetch(query)
                    finally:
                        await connection.close()
                else:
                    last = await self.states()
                if done(last):
                    return
            except (TimeoutError, OSError, asyncpg.PostgresError) as exc:
                last = exc
            await asyncio.sleep(0.5)
        raise TimeoutError(f"waited {limit} s for {what}; last: {last}")

    async def primary(self) -> str:
        for name, (reported, _goal) in (await self.states()).items():
            if reported in ("primary", "single", "wait_primary"):
                return name
        raise RuntimeError("no primary")

    async def replication_settings(self, name: str) -> dict[str, str]:
        import asyncpg

        connection = await asyncpg.connect(self.node_url(name), timeout=5)
        try:
            return {
                setting: await connection.fetchval(f"SHOW {setting}")
                for setting in ("synchronous_standby_names", "synchronous_commit")
            }
        finally:
            await connection.close()

    def kill_node(self, name: str) -> None:
        """``kill -9`` of the node's pg_autoctl (so nothing restarts PostgreSQL) and of its
        postmaster and every backend: the host is gone, as far as anyone can tell."""
        pids: list[int] = []
        pid_file = self.root / name / "postmaster.pid"
        with contextlib.suppress(OSError, ValueError):
            postmaster = int(pid_file.read_text().splitlines()[0])
            pids.append(postmaster)
            children = subprocess.run(
                ["pgrep", "-P", str(postmaster)], capture_output=True, text=True, check=False
            ).stdout.split()
            pids.extend(int(child) for child in children)
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def stop(self) -> None:
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
        for name, process in self.processes.items():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            with contextlib.suppress(OSError, ValueError):
                pid = int((self.root / name / "postmaster.pid").read_text().splitlines()[0])
                os.kill(pid, signal.SIGKILL)


# -------------------------------------------------------------------------------------------------
# Redis, the application processes, nginx
# -------------------------------------------------------------------------------------------------


NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
{upstream}
    server {{
        listen 127.0.0.1:{port};
{locations}
    }}
}}
"""


def nginx_parts(app_ports: list[int]) -> tuple[str, str]:
    """The upstream block and the proxy locations (shared with deploy/nginx/minzheng.conf)."""
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=2s;" for p in app_ports
    )
    # Idle upstream connections are dropped before granian drops them (it closes a connection
    # that sends no request for 30 s): otherwise nginx may write a POST into a connection the app
    # is closing, and answer 502 without being allowed to re-send it.
    upstream = (
        f"    upstream minzheng_app {{\n{servers}\n"
        "        keepalive 32;\n        keepalive_timeout 20s;\n    }"
    )
    locations = """\
        client_max_body_size 25m;
        location / {
            proxy_pass http://minzheng_app;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            # A POST is never re-sent to another app process by nginx: the client retries it
            # with its Idempotency-Key. Safe methods move on to the next process.
            proxy_next_upstream error timeout http_502;
            proxy_connect_timeout 2s;
            proxy_read_timeout 60s;
        }"""
    return upstream, locations


@dataclass
class Stack:
    root: Path
    formation: Formation
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    app_ports: list[int] = field(default_factory=list)
    nginx_port: int = 0
    redis_port: int | None = None
    shared_redis: str | None = None
    env: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    def _spawn(self, name: str, command: list[str], env: dict[str, str] | None = None) -> None:
        log = open(self.root / f"{name}.log", "wb")  # noqa: SIM115 (lives with the process)
        self.processes[name] = subprocess.Popen(
            command,
            env=env or self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            cwd=ROOT,
        )

    def start_redis(self) -> None:
        if shutil.which(REDIS) is None:
            shared = os.environ.get("MINZHENG_DRILL_REDIS_URL", "redis://127.0.0.1:6379/13")
            host_port = shared.split("//", 1)[1].split("/", 1)[0]
            host, _, port = host_port.partition(":")
            try:
                wait_for_port(int(port or 6379), timeout=1) if host == "127.0.0.1" else None
            except TimeoutError:
                _log("no redis-server and no Redis running: rate limits stay in the database")
                return
            _log(f"no redis-server binary: using the running Redis, database {shared}")
            self.shared_redis = shared
            return
        self.redis_port = free_port()
        self._spawn(
            "redis",
            [
                REDIS,
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.root),
            ],
        )
        wait_for_port(self.redis_port)

    def app_env(self, url: str) -> dict[str, str]:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", str(self.root)),
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(ROOT),
            "MINZHENG_ENV": "production",
            "MINZHENG_DATABASE_URL": url,
            "MINZHENG_DATA_DIR": str(self.root / "app-data"),
            "MINZHENG_SECRET_KEY": secrets.token_urlsafe(48),
            # One audit key for the apps, the scheduler, the CLI and this process's own writes
            # (``prepare``), whatever key the environment that started the drill had.
            "MINZHENG_AUDIT_KEY": secrets.token_urlsafe(48),
            "MINZHENG_PUBLIC_URL": f"http://127.0.0.1:{self.nginx_port}",
            "MINZHENG_TRUSTED_PROXIES": "127.0.0.1/32",
            "MINZHENG_ADDRESS_RATE_LIMIT": "0",
            "MINZHENG_RUN_JOBS": "0",  # the one scheduler is `minzheng jobs --loop`
            "MINZHENG_JOB_TICK_SECONDS": "1",
            "MINZHENG_DATABASE_CONNECT_TIMEOUT": "2",
        }
        if self.redis_port:
            env["MINZHENG_REDIS_URL"] = f"redis://127.0.0.1:{self.redis_port}/0"
        elif self.shared_redis:
            env["MINZHENG_REDIS_URL"] = self.shared_redis
        return env

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``minzheng ARGS`` with the apps' environment."""
        return subprocess.run(
            [sys.executable, "-m", "core.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            cwd=ROOT,
            check=False,
        )

    def audit_verify(self) -> bool:
        result = self.cli("audit", "verify")
        if result.returncode != 0:
            _log(f"minzheng audit verify failed: {(result.stdout + result.stderr)[-1000:]}")
        return result.returncode == 0

    def migrate(self) -> None:
        result = self.cli("migrate")
        if result.returncode != 0:
            raise RuntimeError(f"minzheng migrate failed: {result.stderr[-3000:]}")

    def start_apps(self, count: int) -> None:
        self.app_ports = [free_port() for _ in range(count)]
        for index, port in enumerate(self.app_ports):
            self._spawn(
                f"app{index + 1}",
                [sys.executable, "-m", "core.cli", "serve", "--port", str(port), "--workers", "1"],
            )
        self._spawn("jobs", [sys.executable, "-m", "core.cli", "jobs", "--loop"])
        for port in self.app_ports:
            wait_for_port(port, timeout=120)

    def start_nginx(self) -> None:
        nginx_dir = owned_dir("minzheng-nginx-")
        upstream, locations = nginx_parts(self.app_ports)
        conf = nginx_dir / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                dir=nginx_dir, upstream=upstream, port=self.nginx_port, locations=locations
            )
        )
        conf.chmod(0o644)
        binary = NGINX if Path(NGINX).exists() else str(shutil.which("nginx"))
        command = as_server_user(
            [
                binary,
                "-p",
                str(nginx_dir),
                "-e",
                str(nginx_dir / "nginx-error.log"),
                "-c",
                str(conf),
            ]
        )
        self._spawn("nginx", command, env=server_env())
        self.nginx_dir = nginx_dir
        wait_for_port(self.nginx_port)

    def stop(self) -> None:
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
        self.formation.stop()
        shutil.rmtree(getattr(self, "nginx_dir", self.root / "none"), ignore_errors=True)

    def any_app_died(self) -> str | None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                return f"{name} exited with {process.returncode}"
        return None


# -------------------------------------------------------------------------------------------------
# Data the load needs: an office with slots, a clerk, citizens (written straight to the tables)
# -------------------------------------------------------------------------------------------------


def id_number(birth: dt.date, sex: str, seq: int, division: str = "440704") -> str:
    from stdnum.cn import ric

    sequence = (seq * 2 + (1 if sex == "male" else 0)) % 1000
    body = f"{division}{birth:%Y%m%d}{sequence:03d}"
    return body + ric.calc_check_digit(body + "0")


def couple(seq: int) -> tuple[str, str]:
    birth = dt.date(1980, 1, 1) + dt.timedelta(days=seq // 400)
    return id_number(birth, "male", seq % 400), id_number(birth, "female", seq % 400)


async def prepare(stack: Stack, citizens: int, slots: int, capacity: int) -> dict[str, Any]:
    """Accounts and tokens in process (Argon2 for hundreds of sign-ups would dominate the drill),
    the office and its schedule through the API."""
    import httpx

    os.environ.update(stack.env)
    from core import db
    from core.auth.accounts import create_staff_user
    from core.auth.tokens import issue_token
    from core.people.service import ensure_person
    from core.settings import get_settings
    from core.tables import Account

    get_settings.cache_clear()
    db.use_database(stack.env["MINZHENG_DATABASE_URL"])
    db.bind_new_tables()
    await db.start()
    try:
        password = f"Drill-{secrets.token_urlsafe(12)}-9a"
        admin_id = await create_staff_user("drill-admin", password, ["admin"])
        clerk_id = await create_staff_user("drill-clerk", password, ["clerk"], "FO01")
        admin = (await issue_token(_account_id(admin_id), "api"))[0]
        clerk = (await issue_token(_account_id(clerk_id), "api"))[0]
        bookers = []
        for seq in range(citizens):
            man, woman = couple(10_000 + seq)
            await ensure_person(man, f"预约{seq}")
            rows = await Account.insert(
                Account(
                    username=man,
                    password_hash="!",  # noqa: S106 (no password: signs in by token only)
                    kind="citizen",
                    roles=["citizen"],
                    display_name=f"预约{seq}",
                    phone="13800000000",
                )
            ).returning(Account.id)
            token = (await issue_token(rows[0]["id"], "api"))[0]
            bookers.append({"token": token, "id_number": man, "partner": woman})
    finally:
        await db.stop()
    headers = {"Authorization": f"Bearer {admin}"}
    async with httpx.AsyncClient(base_url=stack.base, timeout=30) as http:
        r = await http.post(
            "/api/v1/marriage/offices",
            json={"code": "FO01", "name": "演练婚姻登记处", "division_code": "440704"},
            headers=headers,
        )
        r.raise_for_status()
        pattern = [
            {"start": f"{9 + i // 2:02d}:{30 * (i % 2):02d}", "end": _end(i), "capacity": capacity}
            for i in range(slots)
        ]
        r = await http.put(
            "/api/v1/marriage/offices/FO01/schedule",
            json={"slots": pattern, "horizon_days": 14},
            headers=headers,
        )
        r.raise_for_status()
        start = dt.date.today() + dt.timedelta(days=1)
        r = await http.get(
            "/api/v1/marriage/slots",
            params={
                "office": "FO01",
                "from": start.isoformat(),
                "to": (start + dt.timedelta(days=14)).isoformat(),
            },
        )
        r.raise_for_status()
        day_slots = [s for s in r.json() if s["date"] == r.json()[0]["date"]][:slots]
    return {"clerk": clerk, "bookers": bookers, "slots": day_slots}


def _account_id(created: Any) -> int:
    if isinstance(created, int):
        return created
    if isinstance(created, dict):
        return int(created["id"])
    return int(created.id)


def _end(i: int) -> str:
    minutes = (9 * 60 + 30 * i) + 30
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# -------------------------------------------------------------------------------------------------
# The load: every request with an Idempotency-Key, retried on no answer or 503
# -------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    kind: str
    ident: str
    status: int | None = None
    body: dict[str, Any] | None = None
    attempts: int = 0
    retries_503: int = 0
    no_answer: int = 0
    other_5xx: list[str] = field(default_factory=list)
    answered_at: float = 0.0
    sent_at: float = 0.0


async def _send(
    http: Any,
    method: str,
    path: str,
    body: dict[str, Any],
    headers: dict[str, str],
    outcome: Outcome,
    deadline: float,
) -> None:
    import httpx

    key = uuid.uuid4().hex
    while time.monotonic() < deadline:
        outcome.attempts += 1
        sent = time.monotonic()
        try:
            r = await http.request(
                method, path, json=body, headers={**headers, "Idempotency-Key": key}
            )
        except httpx.HTTPError:
            outcome.no_answer += 1
            await asyncio.sleep(0.3)
            continue
        if r.status_code == 503:
            outcome.retries_503 += 1
            await asyncio.sleep(min(1.0, float(r.headers.get("retry-after", "1"))) / 2)
            continue
        if r.status_code >= 500:
            outcome.other_5xx.append(f"{r.status_code} {r.text[:300]}")
            await asyncio.sleep(0.3)
            continue
        outcome.status = r.status_code
        outcome.body = (
            r.json() if r.headers.get("content-type", "").startswith("application/json") else None
        )
        outcome.answered_at = time.monotonic()
        outcome.sent_at = sent
        return


async def run_load(
    stack: Stack, data: dict[str, Any], registrations: int, kill_after: int, concurrency: int
) -> dict[str, Any]:
    import httpx

    operations: list[tuple[str, Any]] = [("book", b) for b in data["bookers"]]
    operations += [("register", seq) for seq in range(registrations)]
    # Interleave bookings and registrations.
    operations.sort(key=lambda op: hash((op[0], str(op[1]))) % 1000)
    queue: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
    for op in operations:
        queue.put_nowait(op)
    outcomes: list[Outcome] = []
    finished = 0
    killed_at: float | None = None
    kill_lock = asyncio.Lock()
    slots = data["slots"]
    clerk = {"Authorization": f"Bearer {data['clerk']}"}
    deadline = time.monotonic() + 240

    async def maybe_kill() -> None:
        nonlocal killed_at
        async with kill_lock:
            if killed_at is None and finished >= kill_after:
                victim = await stack.formation.primary()
                _log(f"killing the primary {victim} (kill -9) after {finished} answered requests")
                stack.formation.kill_node(victim)
                killed_at = time.monotonic()

    async def worker(http: httpx.AsyncClient, index: int) -> None:
        nonlocal finished
        while True:
            try:
                kind, item = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            if kind == "book":
                slot = slots[hash(item["id_number"]) % len(slots)]
                outcome = Outcome("book", item["id_number"])
                await _send(
                    http,
                    "POST",
                    "/api/v1/marriage/appointments",
                    {
                        "slot_id": slot["id"],
                        "service": "marriage",
                        "partner": {"id_number": item["partner"], "name": "演练伴侣"},
                    },
                    {"Authorization": f"Bearer {item['token']}"},
                    outcome,
                    deadline,
                )
            else:
                man, woman = couple(item)
                outcome = Outcome("register", man)
                party = {"hukou_division": "440704"}
                await _send(
                    http,
                    "POST",
                    "/api/v1/marriage/registrations",
                    {
                        "kind": "marriage",
                        "office_code": "FO01",
                        "party_a": {"id_number": man, "name": f"甲{item}", **party},
                        "party_b": {"id_number": woman, "name": f"乙{item}", **party},
                    },
                    clerk,
                    outcome,
                    deadline,
                )
            outcomes.append(outcome)
            finished += 1
            await maybe_kill()

    started = time.monotonic()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=stack.base, timeout=15, limits=limits) as http:
        await asyncio.gather(*(worker(http, i) for i in range(concurrency)))
    return {"outcomes": outcomes, "killed_at": killed_at, "started": started}


# -------------------------------------------------------------------------------------------------
# What the new primary holds
# -------------------------------------------------------------------------------------------------


async def verify(stack: Stack, load: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    import asyncpg

    outcomes: list[Outcome] = load["outcomes"]
    killed_at = load["killed_at"]
    connection = await asyncpg.connect(stack.formation.database_url(), timeout=10)
    try:
        registrations = await connection.fetch(
            "SELECT certificate_no, party_a_id FROM marriage_registration WHERE kind = 'marriage'"
        )
        appointments = await connection.fetch(
            "SELECT code, booker_id_number, slot_id, status FROM marriage_appointment"
        )
        over_places = await connection.fetchval(
            "SELECT count(*) FROM marriage_slot s WHERE s.capacity < (SELECT count(*) "
            "FROM marriage_slot_place p WHERE p.slot_id = s.id AND p.appointment_code IS NOT NULL)"
        )
        over_rows = await connection.fetchval(
            "SELECT count(*) FROM (SELECT a.slot_id FROM marriage_appointment a "
            "JOIN marriage_slot s ON s.id = a.slot_id WHERE a.status = 'booked' "
            "GROUP BY a.slot_id, s.capacity HAVING count(*) > s.capacity) x"
        )
        mismatched = await connection.fetchval(
            "SELECT count(*) FROM marriage_slot s WHERE s.office_code = 'FO01' AND "
            "(SELECT count(*) FROM marriage_slot_place p "
            "WHERE p.slot_id = s.id AND p.appointment_code IS NOT NULL) <> "
            "(SELECT count(*) FROM marriage_appointment a "
            "WHERE a.slot_id = s.id AND a.status = 'booked')"
        )
        # The scheduler lived through the failover: every job made due runs again.
        since = await connection.fetchval("SELECT clock_timestamp()")
        await connection.execute("UPDATE job_lease SET locked_until = now() - interval '1 day'")
        jobs_after, deadline = 0, time.monotonic() + 20
        while not jobs_after and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            jobs_after = await connection.fetchval(
                "SELECT count(*) FROM job_lease WHERE last_run_at > $1", since
            )
        node = await connection.fetchval("SELECT inet_server_port()")
        # The audit chain: entries whose seal the failover cut short are chained by the next
        # one (`minzheng audit verify` seals first), and the chain verifies on the new primary.
        verified = await asyncio.to_thread(stack.audit_verify)
        unsealed = await connection.fetchval("SELECT count(*) FROM audit_event WHERE seq IS NULL")
        chained = await connection.fetchval("SELECT seq FROM audit_head WHERE id = 1")
    finally:
        await connection.close()

    numbers = [r["certificate_no"] for r in registrations]
    serials = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    duplicates_numbers = len(serials) - len(set(serials))
    gaps = (max(serials) - len(set(serials))) if serials else 0
    by_party: dict[str, int] = {}
    for r in registrations:
        by_party[r["party_a_id"]] = by_party.get(r["party_a_id"], 0) + 1
    by_booker: dict[str, int] = {}
    codes = {}
    for a in appointments:
        by_booker[a["booker_id_number"]] = by_booker.get(a["booker_id_number"], 0) + 1
        codes[a["code"]] = a["status"]

    lost = 0
    for o in outcomes:
        if o.status != 201 or not o.body:
            continue
        if o.kind == "register" and o.body.get("certificate_no") not in set(numbers):
            lost += 1
        if o.kind == "book" and codes.get(o.body.get("code")) != "booked":
            lost += 1
    after = [o for o in outcomes if o.status == 201 and killed_at and o.sent_at >= killed_at]
    first_ok = min((o.answered_at for o in after), default=None)
    statuses: dict[str, int] = {}
    for o in outcomes:
        label = f"{o.kind} {o.status}" + (
            f" {o.body.get('code')}" if o.body and o.status != 201 else ""
        )
        statuses[label] = statuses.get(label, 0) + 1
    return {
        "acknowledged_writes": sum(1 for o in outcomes if o.status == 201),
        "acknowledged_writes_lost": lost,
        "overbooked_slots": int(over_places) + int(over_rows),
        "slot_places_disagreeing": int(mismatched),
        "certificate_number_gaps": gaps,
        "certificate_number_duplicates": duplicates_numbers,
        "non_503_5xx": sum(len(o.other_5xx) for o in outcomes),
        "non_503_5xx_answers": [text for o in outcomes for text in o.other_5xx][:5],
        "duplicates_from_retries": sum(n - 1 for n in by_party.values() if n > 1)
        + sum(n - 1 for n in by_booker.values() if n > 1),
        "unanswered_requests": sum(1 for o in outcomes if o.status is None),
        "answers_503": sum(o.retries_503 for o in outcomes),
        "no_answer_retries": sum(o.no_answer for o in outcomes),
        "seconds_until_writes_succeed": round(first_ok - killed_at, 2) if first_ok else None,
        "jobs_run_after_failover": int(jobs_after),
        "audit_chain_broken": 0 if verified else 1,
        "audit_entries_unsealed": int(unsealed),
        "audit_entries_chained": int(chained),
        "new_primary_port": node,
        "outcomes": statuses,
        "requests": len(outcomes),
    }


# -------------------------------------------------------------------------------------------------


async def drill(*, short: bool, keep: bool = False) -> dict[str, Any]:
    reason = drill_unavailable_reason()
    if reason:
        raise RuntimeError(f"the failover drill cannot run here: {reason}")
    citizens, slots, capacity = (40, 4, 6) if short else (150, 10, 10)
    registrations = 40 if short else 150
    concurrency = 8 if short else 16
    app_processes = 2 if short else 3
    root = owned_dir("minzheng-failover-")
    stack = Stack(root=root, formation=Formation(root))
    figures: dict[str, Any] = {}
    started = time.monotonic()
    try:
        _log(f"pg_auto_failover monitor on port {stack.formation.monitor_port}")
        await stack.formation.start_monitor()
        _log(f"nodes on ports {list(stack.formation.ports.values())}")
        await stack.formation.start_nodes()
        primary = await stack.formation.primary()
        figures["replication"] = await stack.formation.replication_settings(primary)
        _log(f"primary {primary}: {figures['replication']}")
        stack.start_redis()
        stack.nginx_port = free_port()
        stack.env = stack.app_env(stack.formation.database_url())
        stack.migrate()
        stack.start_apps(app_processes)
        stack.start_nginx()
        _log(f"nginx on {stack.base} → app processes {stack.app_ports}")
        data = await prepare(stack, citizens, slots, capacity)
        setup_seconds = time.monotonic() - started
        total = citizens + registrations
        _log(f"load: {total} requests, {concurrency} clients; the primary dies after {total // 3}")
        load = await run_load(stack, data, registrations, total // 3, concurrency)
        if load["killed_at"] is None:
            raise RuntimeError("the load finished before the primary was killed")
        figures.update(await verify(stack, load, data))
        figures["app_processes_alive"] = stack.any_app_died() is None
        if figures["non_503_5xx"]:
            errors = (stack.nginx_dir / "nginx-error.log").read_text(errors="replace")
            figures["nginx_upstream_errors"] = [
                line for line in errors.splitlines() if "upstream" in line
            ][-5:]
        figures["setup_seconds"] = round(setup_seconds, 1)
        figures["load_seconds"] = round(time.monotonic() - load["started"], 1)
        figures["places"] = slots * capacity
        figures["app_processes"] = app_processes
        figures["redis"] = bool(stack.redis_port or stack.shared_redis)
    finally:
        stack.stop()
        if keep:
            _log(f"logs kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return figures


MUST_BE_ZERO = (
    "acknowledged_writes_lost",
    "overbooked_slots",
    "slot_places_disagreeing",
    "certificate_number_gaps",
    "certificate_number_duplicates",
    "non_503_5xx",
    "duplicates_from_retries",
    "unanswered_requests",
    "audit_chain_broken",
    "audit_entries_unsealed",
)


def report(figures: dict[str, Any]) -> str:
    lines = ["failover drill (pg_auto_failover primary + synchronous standby, nginx, Redis)"]
    for key in (
        "acknowledged_writes",
        *MUST_BE_ZERO,
        "non_503_5xx_answers",
        "nginx_upstream_errors",
        "seconds_until_writes_succeed",
        "answers_503",
        "no_answer_retries",
        "jobs_run_after_failover",
        "audit_entries_chained",
        "requests",
        "places",
        "app_processes",
        "redis",
        "replication",
        "setup_seconds",
        "load_seconds",
    ):
        lines.append(f"  {key:32} {figures.get(key)}")
    lines.append(
        f"  {'final answers':32} {json.dumps(figures.get('outcomes'), ensure_ascii=False)}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="the CI version")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--keep", action="store_true", help="keep the logs directory")
    args = parser.parse_args(argv)
    figures = asyncio.run(drill(short=args.short, keep=args.keep))
    print(report(figures))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    bad = [key for key in MUST_BE_ZERO if figures.get(key)]
    if figures.get("seconds_until_writes_succeed") is None:
        bad.append("writes never succeeded after the failover")
    if bad:
        print(f"FAILED: {', '.join(bad)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        raise SystemExit(main())
