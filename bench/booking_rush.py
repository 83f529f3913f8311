"""A booking rush on one slot against a real server, with a cheap read as the baseline.

    python -m bench.booking_rush [--engine sqlite|postgres|both] [--clients 32] [--rounds 5]
                                 [--attempts 400] [--capacity 20] [--reads 2000] [--workers 1]

For each engine: a fresh database, ``minzheng migrate``, ``minzheng serve`` on a free loopback
port, one office publishing one slot of ``--capacity`` places a day. Each round, ``--attempts``
citizens who have not booked yet (accounts and tokens written straight to the tables, so setup
is not Argon2-bound) each try once to book the next day's slot through ``--clients`` concurrent
HTTP connections; then the same clients read ``GET /api/v1/marriage/offices`` ``--reads`` times.
Prints the booked count of every round (each must equal the capacity), throughput and p50/p95
latency of both over all rounds, booking/read throughput as a ratio, and each round's ratio and
p95. One rush lasts about half a second, so a single one is at the mercy of whatever else the
two cores do in that moment; the rounds show the spread.

All clients share one loopback address, so ``MINZHENG_ADDRESS_RATE_LIMIT=0``; the per-account
limit stays on (each citizen books once). Setup uses httpx; the load itself goes through
``Connection``, a minimal keep-alive HTTP/1.1 client on asyncio streams: httpx's pooled client
spent ~4 ms of CPU per request at 32 connections on this machine (7x the server's own cost for
the read), so it measured itself rather than the server.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import httpx
from stdnum.cn import ric

from bench.scratch import create_pg_database, drop_pg_database

ROOT = Path(__file__).resolve().parent.parent
API = "/api/v1/marriage"
CHUNK = 1000


@dataclass
class Round:
    """One rush at a fresh slot, then the read baseline, on the same server."""

    booked: int
    results: list[tuple[int, str, float]]  # (status, error code, seconds) per attempt
    rush_seconds: float
    rush_cpu: float
    reads: list[float]
    read_seconds: float
    read_cpu: float
    rush_machine: float
    read_machine: float

    @property
    def ratio(self) -> float:
        return (len(self.results) / self.rush_seconds) / (len(self.reads) / self.read_seconds)


@dataclass
class Run:
    engine: str
    rounds: list[Round]
    load: float

    def pooled(self, name: str) -> list:
        return [item for one in self.rounds for item in getattr(one, name)]


def person_number(seq: int, male: bool) -> str:
    body = f"440700{1980 + seq // 500:04d}0101{(seq % 500) * 2 + (1 if male else 0):03d}"
    return body + ric.calc_check_digit(body + "0")


def machine_cpu() -> float:
    """CPU seconds used so far by every process on the machine (Linux /proc/stat): the server,
    PostgreSQL and this load generator share the two cores."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    busy = sum(int(v) for i, v in enumerate(fields) if i not in (3, 4))  # not idle, iowait
    return busy / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def cli(env: dict[str, str], *args: str, stdin: str | None = None) -> None:
    subprocess.run(
        [sys.executable, "-m", "core.cli", *args],
        env=env,
        input=None if stdin is None else stdin + "\n",
        text=True,
        check=True,
        capture_output=True,
        timeout=300,
    )


async def citizens(database_url: str, count: int) -> list[tuple[str, dict[str, str]]]:
    """``count`` citizens with bearer tokens, written in batch inserts of ``CHUNK`` (this process
    speaks to the server's database directly, as the tests' fixtures do)."""
    os.environ["MINZHENG_DATABASE_URL"] = database_url
    os.environ.setdefault("PICCOLO_CONF", "core.piccolo_conf")
    from core import db
    from core.auth.passwords import hash_password
    from core.auth.tokens import token_digest
    from core.identity import birth_date_of, sex_of
    from core.settings import get_settings
    from core.tables import Account, AuthToken, Person

    get_settings.cache_clear()
    db.use_database(database_url)
    password_hash = hash_password(secrets.token_urlsafe(12))
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=12)
    found = []
    for start in range(0, count, CHUNK):  # PostgreSQL takes at most 32,767 parameters a query
        numbers = [person_number(seq, male=True) for seq in range(start, min(count, start + CHUNK))]
        await Person.insert(
            *(
                Person(id_number=n, name="王强", sex=sex_of(n), birth_date=birth_date_of(n))
                for n in numbers
            )
        )
        rows = await Account.insert(
            *(
                Account(
                    username=n,
                    password_hash=password_hash,
                    kind="citizen",
                    roles=["citizen"],
                    display_name="王强",
                    phone="13800000000",
                )
                for n in numbers
            )
        ).returning(Account.id)
        raws = [secrets.token_urlsafe(32) for _ in numbers]
        await AuthToken.insert(
            *(
                AuthToken(
                    token_hash=token_digest(raw),
                    account=row["id"],
                    kind="api",
                    expires_at=expires,
                )
                for raw, row in zip(raws, rows, strict=True)
            )
        )
        found += [
            (n, {"Authorization": f"Bearer {raw}"}) for n, raw in zip(numbers, raws, strict=True)
        ]
    await db.stop()
    return found


class Connection:
    """One keep-alive HTTP/1.1 connection; answers (status, JSON error code or "")."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, body: dict | None = None, headers: dict | None = None
    ) -> tuple[int, str]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        payload = json.dumps(body).encode() if body is not None else b""
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(payload)}"]
        if body is not None:
            lines.append("Content-Type: application/json")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        assert self.reader is not None
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split()[1])
        fields = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:] if h)}
        content = await self.reader.readexactly(int(fields.get("content-length", "0")))
        if status >= 300 and content.startswith(b"{"):
            return status, json.loads(content).get("code", "")
        return status, "booked" if status == 201 else ""

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def pool(
    port: int, calls: list[tuple[str, str, dict | None, dict | None]], clients: int
) -> tuple[list[tuple[int, str, float]], float]:
    """Send ``calls`` through ``clients`` concurrent connections; (status, code, seconds) each."""
    queue = list(reversed(calls))
    results: list[tuple[int, str, float]] = []

    async def worker() -> None:
        connection = Connection(port)
        try:
            while queue:
                method, path, body, headers = queue.pop()
                started = time.perf_counter()
                status, code = await connection.request(method, path, body, headers)
                results.append((status, code, time.perf_counter() - started))
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return results, time.perf_counter() - started


def start_server(engine: str, database_url: str, data_dir: str, workers: int) -> Server:
    """Migrate, create the admin, start ``minzheng serve`` and wait until it answers."""
    port = free_port()
    env = {
        **os.environ,
        "MINZHENG_ENV": "production",
        "MINZHENG_DATA_DIR": data_dir,
        "MINZHENG_DATABASE_URL": database_url,
        "MINZHENG_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "MINZHENG_ADDRESS_RATE_LIMIT": "0",
        "PICCOLO_CONF": "core.piccolo_conf",
        "PYTHONPATH": str(ROOT),
    }
    password = secrets.token_urlsafe(12)
    cli(env, "migrate")
    cli(env, "createuser", "bench-admin", "--role", "admin", "--password-stdin", stdin=password)
    log = open(Path(data_dir) / "server.log", "w")  # noqa: SIM115 (closed by stop())
    serve = ["serve", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(
        [sys.executable, "-m", "core.cli", *serve], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    server = Server(engine, port, password, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(server.base + API + "/offices", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"server did not start; see {data_dir}/server.log")


@dataclass
class Server:
    engine: str
    port: int
    admin_password: str
    process: subprocess.Popen
    log: TextIO

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self) -> float:
        """CPU time used so far by the server and its worker processes (Linux /proc)."""
        pids = [self.process.pid]
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if children.exists():
            pids += [int(pid) for pid in children.read_text().split()]
        total = 0
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


async def open_slots(server: Server, capacity: int) -> list[dict]:
    """An office with one slot of ``capacity`` places a day; the slots after today."""
    async with httpx.AsyncClient(base_url=server.base, timeout=60) as client:
        r = await client.post(
            "/api/v1/auth/token",
            json={"username": "bench-admin", "password": server.admin_password},
        )
        admin = {"Authorization": f"Bearer {r.json()['token']}"}
        office = {"code": "JH01", "name": "江海区婚姻登记处", "division_code": "440704"}
        (await client.post(f"{API}/offices", json=office, headers=admin)).raise_for_status()
        pattern = {"slots": [{"start": "09:00", "end": "17:00", "capacity": capacity}]}
        r = await client.put(f"{API}/offices/JH01/schedule", json=pattern, headers=admin)
        r.raise_for_status()
        params = {"office": "JH01", "from": r.json()["from"], "to": r.json()["to"]}
        slots = (await client.get(f"{API}/slots", params=params)).json()
    return [s for s in slots if s["date"] > r.json()["from"]]  # today's may have begun


async def booked_places(server: Server, slot: dict) -> int:
    params = {"office": "JH01", "from": slot["date"], "to": slot["date"]}
    async with httpx.AsyncClient(base_url=server.base) as client:
        after = (await client.get(f"{API}/slots", params=params)).json()[0]
    return after["capacity"] - after["remaining"]


async def rush(engine: str, args: argparse.Namespace) -> Run:
    data_dir = tempfile.mkdtemp(prefix="minzheng-bench-")
    pg_name = f"minzheng_bench_{os.getpid()}" if engine == "postgres" else None
    if pg_name:
        database_url, _ = await create_pg_database(pg_name)
    else:
        database_url = f"sqlite:///{data_dir}/bench.db"
    server = await asyncio.to_thread(start_server, engine, database_url, data_dir, args.workers)
    try:
        # One unmeasured rush first, on another slot: the servers' connection pools grow from
        # 2 to their rush size there (each new PostgreSQL connection costs the server ~10–20 ms
        # of CPU for its start and first statements), as a running server's already have.
        people = await citizens(database_url, args.attempts * (args.rounds + 1))
        slots = await open_slots(server, args.capacity)
        if len(slots) < args.rounds + 1:
            raise SystemExit(f"only {len(slots)} slots published; use fewer --rounds")
        offices = ("GET", f"{API}/offices", None, None)

        def attempts(at: dict, seqs: range) -> list:
            return [
                (
                    "POST",
                    f"{API}/appointments",
                    {
                        "slot_id": at["id"],
                        "service": "marriage",
                        "partner": {"id_number": person_number(i, male=False), "name": "李芳"},
                    },
                    people[i][1],
                )
                for i in seqs
            ]

        # A running server is warm: the first request of each kind loads code and data files.
        await pool(server.port, [offices] * 200, args.clients)
        first = args.attempts * args.rounds
        await pool(server.port, attempts(slots[0], range(first, len(people))), args.clients)
        load = os.getloadavg()[0]  # other work on the machine skews every figure
        rounds = []
        for number in range(args.rounds):
            # Each round: a fresh slot and fresh citizens (a winner may not book twice).
            seqs = range(number * args.attempts, (number + 1) * args.attempts)
            cpu, machine = server.cpu_seconds(), machine_cpu()
            results, rush_seconds = await pool(
                server.port, attempts(slots[number + 1], seqs), args.clients
            )
            rush_cpu, rush_machine = server.cpu_seconds() - cpu, machine_cpu() - machine
            booked = await booked_places(server, slots[number + 1])
            cpu, machine = server.cpu_seconds(), machine_cpu()
            reads, read_seconds = await pool(server.port, [offices] * args.reads, args.clients)
            read_cpu, read_machine = server.cpu_seconds() - cpu, machine_cpu() - machine
            rounds.append(
                Round(
                    booked=booked,
                    results=results,
                    rush_seconds=rush_seconds,
                    rush_cpu=rush_cpu,
                    reads=[elapsed for _, _, elapsed in reads],
                    read_seconds=read_seconds,
                    read_cpu=read_cpu,
                    rush_machine=rush_machine,
                    read_machine=read_machine,
                )
            )
    finally:
        server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
        if pg_name:
            await drop_pg_database(pg_name)
    return Run(engine=engine, rounds=rounds, load=load)


def milliseconds(latencies: list[float]) -> str:
    return (
        f"{statistics.median(latencies) * 1000:6.1f} / {percentile(latencies, 0.95) * 1000:6.1f} ms"
    )


def report(run: Run, args: argparse.Namespace) -> None:
    rounds = run.rounds
    results = run.pooled("results")
    attempts = len(results)
    rush_rate = attempts / sum(r.rush_seconds for r in rounds)
    read_rate = args.reads * len(rounds) / sum(r.read_seconds for r in rounds)
    booked = [r.booked for r in rounds]
    verdict = "OK" if all(b == args.capacity for b in booked) else "WRONG"
    outcomes = Counter((status, code) for status, code, _ in results)
    print(
        f"\n== {run.engine}: {len(rounds)} rounds of {args.attempts} attempts at one slot of "
        f"{args.capacity}, {args.clients} clients, {args.workers} worker(s); "
        f"load average {run.load:.1f}"
    )
    print(f"booked per round        {booked} (capacity {args.capacity}) {verdict}")
    print(f"outcomes                {dict(sorted(outcomes.items()))}")
    print(f"booking throughput      {rush_rate:8.0f} req/s")
    print(f"booking latency p50/p95 {milliseconds([elapsed for _, _, elapsed in results])}")
    won = [elapsed for status, _, elapsed in results if status == 201]
    print(f"  of the {len(won)} booked   {milliseconds(won)}")
    rush_cpu = sum(r.rush_cpu for r in rounds) / attempts
    print(f"server CPU per booking  {rush_cpu * 1000:6.2f} ms")
    print(f"read throughput         {read_rate:8.0f} req/s  (GET {API}/offices)")
    print(f"read latency p50/p95    {milliseconds(run.pooled('reads'))}")
    read_cpu = sum(r.read_cpu for r in rounds) / (args.reads * len(rounds))
    print(f"server CPU per read     {read_cpu * 1000:6.2f} ms")
    rush_machine = sum(r.rush_machine for r in rounds) / attempts
    read_machine = sum(r.read_machine for r in rounds) / (args.reads * len(rounds))
    print(
        f"machine CPU per booking {rush_machine * 1000:6.2f} ms, per read "
        f"{read_machine * 1000:.2f} ms (server, database and load generator together)"
    )
    print(f"ratio booking/read      {rush_rate / read_rate:8.2f}")
    per_round = " ".join(
        f"{r.ratio:.2f}/{percentile([e for _, _, e in r.results], 0.95) * 1000:.0f}ms"
        for r in rounds
    )
    print(f"  per round (ratio/p95) {per_round}")


async def main(args: argparse.Namespace) -> int:
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    ok = True
    for engine in engines:
        run = await rush(engine, args)
        report(run, args)
        outcomes = {(status, code) for status, code, _ in run.pooled("results")}
        unexpected = outcomes - {(201, "booked"), (409, "SLOT_FULL")}
        ok = ok and all(r.booked == args.capacity for r in run.rounds) and not unexpected
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--attempts", type=int, default=400)
    parser.add_argument("--capacity", type=int, default=20)
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1)
    raise SystemExit(asyncio.run(main(parser.parse_args())))
