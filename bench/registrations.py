"""Marriage registrations through the API against a real server, with a cheap read as the baseline.

    python -m bench.registrations [--engine postgres|sqlite|both] [--workers 2] [--clients 16]
                                  [--rounds 3] [--registrations 600] [--reads 2000]

For each engine: a fresh database (``minzheng_bench_reg_<pid>`` on the local PostgreSQL, dropped
afterwards, or a temporary SQLite file), ``minzheng migrate``, a real ``minzheng serve`` with
``--workers`` processes on a free loopback port, one office (440704) and one clerk bound to it.
Each round, ``--clients`` concurrent keep-alive connections post ``--registrations`` walk-in
marriage registrations of couples the registry has never seen (``POST /api/v1/marriage/
registrations``: two people created, both locked, the rules, the certificate numbered from the
gapless counter and stored, the registration and four audit entries), then the same connections
read ``GET /api/v1/marriage/offices`` ``--reads`` times. Prints registrations/s, reads/s, their
ratio (over all rounds and per round), p50/p95 latency, the load average, and checks afterwards
that the certificate numbers are 1..N without a gap or a duplicate and that the audit chain
verifies.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
from stdnum.cn import ric

from bench.booking_rush import ROOT, Server, cli, free_port, percentile, pool
from bench.scratch import create_pg_database, drop_pg_database

API = "/api/v1/marriage"
DIVISION = "440704"
WARM_UP = 100


def adult_number(index: int, male: bool) -> str:
    """A distinct valid identity number of an adult born 1960–1999 for each ``index``."""
    seq, rest = index % 500, index // 500
    day, rest = rest % 28 + 1, rest // 28
    month, year = rest % 12 + 1, 1960 + (rest // 12) % 40
    body = f"440700{year:04d}{month:02d}{day:02d}{seq * 2 + (1 if male else 0):03d}"
    return body + ric.calc_check_digit(body + "0")


def registration(index: int) -> dict:
    return {
        "kind": "marriage",
        "office_code": "JH01",
        "party_a": {
            "id_number": adult_number(index, True),
            "name": "王强",
            "hukou_division": DIVISION,
        },
        "party_b": {
            "id_number": adult_number(index, False),
            "name": "李芳",
            "hukou_division": DIVISION,
        },
    }


@dataclass
class Round:
    results: list[tuple[int, str, float]]
    seconds: float
    reads: list[float]
    read_seconds: float

    @property
    def rate(self) -> float:
        return len(self.results) / self.seconds

    @property
    def read_rate(self) -> float:
        return len(self.reads) / self.read_seconds


def start(engine: str, database_url: str, data_dir: str, workers: int) -> tuple[Server, dict]:
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
    password = "Bench-" + secrets.token_urlsafe(18)
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
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        server.stop()
        raise RuntimeError(f"server did not start; see {data_dir}/server.log")
    with httpx.Client(base_url=server.base, timeout=60) as client:
        token = client.post(
            "/api/v1/auth/token", json={"username": "bench-admin", "password": password}
        ).json()["token"]
        admin = {"Authorization": f"Bearer {token}"}
        office = {"code": "JH01", "name": "江海区婚姻登记处", "division_code": DIVISION}
        client.post(f"{API}/offices", json=office, headers=admin).raise_for_status()
    cli(env, "createuser", "bench-clerk", "--role", "clerk", "--office", "JH01",
        "--password-stdin", stdin=password)  # fmt: skip
    with httpx.Client(base_url=server.base, timeout=60) as client:
        token = client.post(
            "/api/v1/auth/token", json={"username": "bench-clerk", "password": password}
        ).json()["token"]
    return server, {"Authorization": f"Bearer {token}"}


async def check(database_url: str, data_dir: str, expected: int) -> tuple[bool, str]:
    """Certificate numbers 1..expected without gaps or duplicates; the audit chain verifies
    (with the server's audit key, kept in its data directory)."""
    os.environ["MINZHENG_DATABASE_URL"] = database_url
    os.environ["MINZHENG_DATA_DIR"] = data_dir
    os.environ.setdefault("PICCOLO_CONF", "core.piccolo_conf")
    from core import db
    from core.audit import verify_chain
    from core.settings import get_settings

    get_settings.cache_clear()
    db.use_database(database_url)
    rows = await db.fetch("SELECT certificate_no FROM marriage_registration")
    serials = sorted(int(r["certificate_no"].rsplit("-", 1)[1]) for r in rows)
    chain = await verify_chain()
    await db.stop()
    ok = serials == list(range(1, expected + 1)) and chain.ok
    return ok, (
        f"{len(serials)} registrations, serials 1..{serials[-1] if serials else 0}, "
        f"{'gapless and unique' if serials == list(range(1, len(serials) + 1)) else 'GAPS/DUPES'}; "
        f"audit chain {'verifies' if chain.ok else 'BROKEN: ' + chain.reason} "
        f"({chain.checked} entries)"
    )


async def run(engine: str, args: argparse.Namespace) -> bool:
    data_dir = tempfile.mkdtemp(prefix="minzheng-bench-")
    pg_name = f"minzheng_bench_reg_{os.getpid()}" if engine == "postgres" else None
    if pg_name:
        database_url, _ = await create_pg_database(pg_name)
    else:
        database_url = f"sqlite:///{data_dir}/bench.db"
    server, clerk = await asyncio.to_thread(start, engine, database_url, data_dir, args.workers)
    offices = ("GET", f"{API}/offices", None, None)
    rounds: list[Round] = []
    try:

        def batch(first: int, count: int) -> list:
            return [
                ("POST", f"{API}/registrations", registration(i), clerk)
                for i in range(first, first + count)
            ]

        await pool(server.port, [offices] * 200, args.clients)
        await pool(server.port, batch(0, WARM_UP), args.clients)
        loads = [os.getloadavg()[0]]
        for number in range(args.rounds):
            first = WARM_UP + number * args.registrations
            results, seconds = await pool(
                server.port, batch(first, args.registrations), args.clients
            )
            reads, read_seconds = await pool(server.port, [offices] * args.reads, args.clients)
            rounds.append(Round(results, seconds, [e for _, _, e in reads], read_seconds))
        loads.append(os.getloadavg()[0])
    finally:
        server.stop()
    try:
        total = WARM_UP + args.rounds * args.registrations
        ok, verdict = await check(database_url, data_dir, total)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if pg_name:
            await drop_pg_database(pg_name)
    results = [r for one in rounds for r in one.results]
    outcomes = Counter((status, code) for status, code, _ in results)
    ok = ok and set(outcomes) == {(201, "booked")}
    rate = len(results) / sum(r.seconds for r in rounds)
    read_rate = sum(len(r.reads) for r in rounds) / sum(r.read_seconds for r in rounds)

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:.1f} / {percentile(values, 0.95) * 1000:.1f} ms"

    print(
        f"\n== {engine}: {args.rounds} rounds of {args.registrations} registrations, "
        f"{args.clients} clients, {args.workers} worker(s); "
        f"load average {loads[0]:.1f} before, {loads[1]:.1f} after"
    )
    print(f"outcomes                {dict(outcomes)}")
    print(f"registrations           {rate:8.0f} /s   p50/p95 {ms([e for *_, e in results])}")
    reads = [e for one in rounds for e in one.reads]
    print(f"reads (GET {API}/offices) {read_rate:6.0f} /s   p50/p95 {ms(reads)}")
    print(f"ratio registrations/read {rate / read_rate:7.3f}")
    print("  per round (reg/s, read/s, ratio) " + ", ".join(
        f"{r.rate:.0f} {r.read_rate:.0f} {r.rate / r.read_rate:.3f}" for r in rounds))  # fmt: skip
    print(f"check                   {verdict} {'OK' if ok else 'WRONG'}")
    return ok


async def main(args: argparse.Namespace) -> int:
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    ok = True
    for engine in engines:
        ok = await run(engine, args) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="postgres")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--registrations", type=int, default=600)
    parser.add_argument("--reads", type=int, default=2000)
    raise SystemExit(asyncio.run(main(parser.parse_args())))
