"""Lists, searches and indicators at a province's size, against a cheap read on the same server.

    python -m bench.scale [--engine sqlite|postgres|both] [--scale 1.0] [--requests 100]
                          [--clients 4] [--workers 1] [--keep DIR] [--only WORDS]

For each engine: a fresh database (``minzheng_bench_scale_<pid>`` on the local PostgreSQL,
dropped afterwards, or a temporary SQLite file; with ``--keep DIR`` built once into DIR and
``minzheng_bench_scale_kept_<scale>``, then reused), ``minzheng migrate``, then the data set
bulk-loaded into the real tables (PostgreSQL ``COPY``, SQLite ``executemany`` in one
transaction; the tables' triggers run, so the name bigrams of ``core.grams`` are built as they
would be for any other writer): ``--scale`` × 1,000,000 people (Chinese names drawn from common
surnames and given-name characters, valid identity numbers), 100,000 organizations (with one
annual report each for last year, inspected) and 1,000,000 audit events from 40 staff over 20
actions (the chain's hashes are not real: verifying it is not timed here; the head holds the
sequence). Then ``ANALYZE`` (PostgreSQL: ``VACUUM ANALYZE``, what autovacuum does after a
bulk load), a real ``minzheng serve`` and, for each endpoint, ``--requests``
timed requests through ``--clients`` keep-alive connections (after 5 untimed ones). Prints
p50/p95 per endpoint, each p50 as a multiple of the cheap read's (``GET
/api/v1/marriage/offices``), the first untimed request's latency ("1st": the indicators'
computation before the day's cache holds it), the number of items answered, and the workers'
resident memory before and after all the queries. "indicators, busy day" moves the audit head
before each request, as another process's audited write would: the cached figures are behind.
Exit status 1 when an endpoint's p95 is 100 ms or more.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
from stdnum.cn import ric

from bench.booking_rush import Connection, Server, percentile, start_server
from bench.scratch import create_pg_database, drop_pg_database

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华德志红玉文建国庆海燕春梅林云飞鹏辉斌宇浩凯俊晓琳雪婷欣怡佳慧颖晨阳光荣福兴旺安宁"  # noqa: E501
ORG_WORDS = "江海蓬江新会台山开平鹤山恩平侨乡五邑滨江白沙北街东湖龙舟葵乡陈皮"
ORG_KINDS = ["social_group", "social_service", "foundation"]
ORG_SUFFIX = {
    "social_group": ["协会", "商会", "联合会", "研究会", "促进会"],
    "social_service": ["社会工作服务中心", "养老服务中心", "培训学校", "康复中心"],
    "foundation": ["慈善基金会", "教育基金会", "公益基金会"],
}
ACTIONS = [
    "marriage.appointment.booked",
    "marriage.appointment.cancelled",
    "marriage.registration.created",
    "marriage.certificate.issued",
    "marriage.status.read",
    "funeral.waiver.approved",
    "funeral.record.created",
    "disability.application.approved",
    "disability.payroll.run",
    "social_orgs.org.registered",
    "social_orgs.report.submitted",
    "social_orgs.report.inspected",
    "core.user.created",
    "core.person.died",
    "core.roster.imported",
    "core.login",
    "core.certificate.voided",
    "core.person.read",
    "marriage.divorce.applied",
    "marriage.reissue.created",
]
ACTORS = [f"clerk-{n:02d}" for n in range(40)]
BASELINE = "/api/v1/marriage/offices"
AUDIT = "/api/v1/admin/audit?limit=50"


def id_number(index: int) -> str:
    born = dt.date(1940, 1, 1) + dt.timedelta(days=index // 1000)
    seq = index % 1000
    body = f"4407{(index // 7) % 5 + 3:02d}{born:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def person_rows(count: int, rng: random.Random) -> list[tuple]:
    rows = []
    now = dt.datetime.now(dt.UTC)
    for i in range(count):
        number = id_number(i)
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        sex = "male" if int(number[16]) % 2 else "female"
        rows.append((number, rng.choice(SURNAMES) + given, sex, born, number[:6], now))
    return rows


def org_rows(count: int, rng: random.Random, today: dt.date) -> list[tuple]:
    rows = []
    now = dt.datetime.now(dt.UTC)
    for i in range(count):
        kind = rng.choice(ORG_KINDS)
        words = "".join(rng.choice(ORG_WORDS) for _ in range(2))
        name = f"江门市{words}{rng.choice(ORG_SUFFIX[kind])}{i % 97 or ''}"
        uscc = f"5144070{i:010d}X"
        registered = today - dt.timedelta(days=rng.randrange(30, 365 * 20))
        gone = registered + dt.timedelta(days=rng.randrange(365, 3650)) if i % 20 == 0 else None
        if gone is not None and gone >= today:
            gone = None
        status = "deregistered" if gone else "active"
        rows.append((uscc, name, kind, status, registered, "张三", 5, "", gone, now))
    return rows


def report_rows(orgs: list[tuple], year: int, rng: random.Random) -> list[tuple]:
    results = ["qualified", "qualified", "basically_qualified", "unqualified", None]
    rows = []
    for org in orgs:
        if org[4] <= dt.date(year, 6, 30):
            submitted = dt.date(year + 1, rng.randrange(1, 6), 15) if rng.random() < 0.9 else None
            result = rng.choice(results) if submitted else None
            rows.append((org[0], year, submitted, result))
    return rows


def audit_rows(count: int, rng: random.Random, base: int) -> list[tuple]:
    """``count`` events after the ``base`` ones already written (migrate, createuser)."""
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=365)
    step = dt.timedelta(days=365) / max(count, 1)
    rows = []
    for seq in range(base + 1, base + count + 1):
        action = rng.choice(ACTIONS)
        entity = action.split(".")[1]
        at = start + step * seq
        digest = f"{seq:064x}"
        rows.append(
            (seq, at, rng.choice(ACTORS), action, entity, str(rng.randrange(1, 10**6)),
             f"{action} {seq}", "{}", "127.0.0.1", f"{seq - 1:064x}", digest)
        )  # fmt: skip
    return rows


PERSON_COLUMNS = ("id_number", "name", "sex", "birth_date", "hukou_division", "updated_at")
ORG_COLUMNS = (
    "uscc", "name", "kind", "status", "registered_on", "legal_representative", "staff_count",
    "contact_phone", "deregistered_on", "created_at",
)  # fmt: skip
REPORT_COLUMNS = ("uscc", "year", "submitted_on", "inspection_result")
AUDIT_COLUMNS = (
    "seq", "at", "actor", "action", "entity", "entity_id", "summary", "details", "ip",
    "prev_hash", "hash",
)  # fmt: skip
CHUNK = 100_000


async def load_postgres(url: str, data: dict[str, list[tuple]]) -> None:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        for table, columns in TABLES:
            rows = data[table]
            for start in range(0, len(rows), CHUNK):
                await connection.copy_records_to_table(
                    table, records=rows[start : start + CHUNK], columns=list(columns)
                )
        last = data["audit_event"][-1][0]
        await connection.execute(
            "UPDATE audit_head SET seq = $1, last_hash = $2 WHERE id = 1", last, f"{last:064x}"
        )
        # What autovacuum does after a bulk load (the visibility map lets index-only scans
        # skip the table); the local server may run with autovacuum off.
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


def load_sqlite(path: str, data: dict[str, list[tuple]]) -> None:
    connection = sqlite3.connect(path)
    try:
        with connection:
            for table, columns in TABLES:
                marks = ", ".join("?" * len(columns))
                rows = [
                    tuple(v.isoformat() if isinstance(v, dt.date | dt.datetime) else v for v in r)
                    for r in data[table]
                ]
                names = ", ".join(columns)
                sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
                connection.executemany(sql, rows)
            last = data["audit_event"][-1][0]
            connection.execute(
                "UPDATE audit_head SET seq = ?, last_hash = ? WHERE id = 1", (last, f"{last:064x}")
            )
        connection.execute("ANALYZE")
    finally:
        connection.close()


TABLES = [
    ("person", PERSON_COLUMNS),
    ("social_org", ORG_COLUMNS),
    ("social_org_report", REPORT_COLUMNS),
    ("audit_event", AUDIT_COLUMNS),
]


def rss_mib(server: Server) -> float:
    """Resident memory of the server's worker processes (and the supervisor), MiB."""
    pids = [server.process.pid]
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    if children.exists():
        pids += [int(pid) for pid in children.read_text().split()]
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


async def timed(
    port: int,
    path: str,
    headers: dict,
    requests: int,
    clients: int,
    before: Callable[[], Awaitable[object]] | None = None,
) -> tuple[list[float], int, dict, float]:
    """Latencies of ``requests`` GETs of ``path``; status, the first answer's body and the
    first (untimed, cold) request's latency: for the indicators, the computation the cache
    then spares. ``before`` runs (untimed) before each timed request."""
    connections = [Connection(port) for _ in range(clients)]
    first: dict = {}

    async def one(connection: Connection) -> tuple[int, float]:
        assert connection is not None
        started = time.perf_counter()
        status, _ = await connection.request("GET", path, None, headers)
        return status, time.perf_counter() - started

    _, cold = await one(connections[0])
    for _ in range(4):
        await one(connections[0])
    latencies: list[float] = []
    statuses: set[int] = set()
    queue = list(range(requests))

    async def worker(connection: Connection) -> None:
        while queue:
            queue.pop()
            if before is not None:
                await before()
            status, elapsed = await one(connection)
            statuses.add(status)
            latencies.append(elapsed)

    await asyncio.gather(*(worker(c) for c in connections))
    for connection in connections:
        connection.close()
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        response = await client.get(path, headers=headers)
        ok = response.status_code == 200
        first = response.json() if ok else {"status": response.status_code}
    return latencies, max(statuses), first, cold


def items_of(body: dict | list) -> str:
    if isinstance(body, list):
        return f"{len(body)} rows"
    if "items" in body:
        total = body.get("total")
        capped = "+" if body.get("total_capped") else ""
        return f"{len(body['items'])} items, total {total}{capped}"
    return json.dumps(body)[:40]


@dataclass
class DataSet:
    """A loaded database and what the timed requests need to know about its rows."""

    database_url: str
    data_dir: str
    password: str
    sample_person: tuple[str, str]  # (id number, name)
    sample_uscc: str
    people: int
    orgs: int
    reports: int
    events: int
    generated: float = 0.0
    loaded: float = 0.0
    kept: bool = False


async def build(engine: str, args: argparse.Namespace) -> DataSet:
    """Generate and bulk-load the data set (into ``--keep``'s directory, or a temporary one)."""
    rng = random.Random(13)
    people = int(1_000_000 * args.scale)
    orgs_n = int(100_000 * args.scale)
    events = int(1_000_000 * args.scale)
    if args.keep:
        data_dir = str(Path(args.keep) / f"{engine}-{args.scale:g}")
        shutil.rmtree(data_dir, ignore_errors=True)
        os.makedirs(data_dir)
    else:
        data_dir = tempfile.mkdtemp(prefix="minzheng-bench-")
    if engine == "postgres":
        database_url, _ = await create_pg_database(pg_name(engine, args))
    else:
        database_url = f"sqlite:///{data_dir}/bench.db"
    today = dt.date.today()
    started = time.perf_counter()
    orgs = org_rows(orgs_n, rng, today)
    data = {
        "person": person_rows(people, rng),
        "social_org": orgs,
        "social_org_report": report_rows(orgs, today.year - 1, rng),
    }
    generated = time.perf_counter() - started
    # migrate + admin (start_server does both), then stop and load
    server = await asyncio.to_thread(start_server, engine, database_url, data_dir, 1)
    server.stop()
    base = await head_seq(database_url)
    started = time.perf_counter()
    data["audit_event"] = audit_rows(events, rng, base)
    generated += time.perf_counter() - started
    started = time.perf_counter()
    if engine == "postgres":
        await load_postgres(database_url, data)
    else:
        await asyncio.to_thread(load_sqlite, database_url.removeprefix("sqlite:///"), data)
    loaded = time.perf_counter() - started
    sample = data["person"][people // 2]
    dataset = DataSet(
        database_url=database_url,
        data_dir=data_dir,
        password=server.admin_password,
        sample_person=(sample[0], sample[1]),
        sample_uscc=orgs[orgs_n // 2][0],
        people=people,
        orgs=orgs_n,
        reports=len(data["social_org_report"]),
        events=events,
        generated=generated,
        loaded=loaded,
        kept=bool(args.keep),
    )
    if args.keep:
        state = {k: v for k, v in vars(dataset).items() if k not in ("generated", "loaded")}
        Path(data_dir, "dataset.json").write_text(json.dumps(state))
    return dataset


def pg_name(engine: str, args: argparse.Namespace) -> str:
    if args.keep:
        return f"minzheng_bench_scale_kept_{args.scale:g}".replace(".", "_")
    return f"minzheng_bench_scale_{os.getpid()}"


async def kept(engine: str, args: argparse.Namespace) -> DataSet | None:
    """The data set ``--keep`` built earlier, migrated to the current schema (then ANALYZE)."""
    if not args.keep:
        return None
    state = Path(args.keep) / f"{engine}-{args.scale:g}" / "dataset.json"
    if not state.exists():
        return None
    fields = json.loads(state.read_text())
    fields["sample_person"] = tuple(fields["sample_person"])
    dataset = DataSet(**fields)
    before = await migrations_applied(dataset.database_url)
    from bench.booking_rush import cli

    env = {
        **os.environ,
        "MINZHENG_ENV": "production",
        "MINZHENG_DATA_DIR": dataset.data_dir,
        "MINZHENG_DATABASE_URL": dataset.database_url,
        "PICCOLO_CONF": "core.piccolo_conf",
    }
    started = time.perf_counter()
    await asyncio.to_thread(cli, env, "migrate")
    if await migrations_applied(dataset.database_url) != before:
        await analyze(dataset.database_url)  # new indexes need their statistics
    dataset.loaded = time.perf_counter() - started
    return dataset


async def migrations_applied(database_url: str) -> int:
    return int(await scalar(database_url, "SELECT count(*) FROM migration"))


async def analyze(database_url: str) -> None:
    await scalar(database_url, "ANALYZE" if database_url.startswith("sqlite") else "VACUUM ANALYZE")


async def scalar(database_url: str, sql: str) -> object:
    if database_url.startswith("sqlite:///"):

        def one() -> object:
            connection = sqlite3.connect(database_url.removeprefix("sqlite:///"))
            try:
                row = connection.execute(sql).fetchone()
                connection.commit()
                return row[0] if row else None
            finally:
                connection.close()

        return await asyncio.to_thread(one)
    import asyncpg

    connection = await asyncpg.connect(database_url)
    try:
        return await connection.fetchval(sql)
    finally:
        await connection.close()


async def run(engine: str, args: argparse.Namespace) -> bool:
    dataset = await kept(engine, args)
    reused = dataset is not None
    if dataset is None:
        dataset = await build(engine, args)
    database_url, data_dir = dataset.database_url, dataset.data_dir
    people, orgs_n, events = dataset.people, dataset.orgs, dataset.events
    server = None
    try:
        password = dataset.password
        await scalar(database_url, "DELETE FROM indicator_cache")  # a kept one's: time it cold
        server = await asyncio.to_thread(
            restart, engine, database_url, data_dir, args.workers, password
        )
        async with httpx.AsyncClient(base_url=server.base, timeout=60) as client:
            r = await client.post(
                "/api/v1/auth/token", json={"username": "bench-admin", "password": password}
            )
            admin = {"Authorization": f"Bearer {r.json()['token']}"}
        sample = dataset.sample_person
        offset = min(90_000, max(0, orgs_n - 50))
        audit_offset = min(90_000, max(0, events - 50))
        first_page = await fetch_json(server, "/api/v1/orgs/?limit=50", admin)
        audit_page = await fetch_json(server, "/api/v1/admin/audit?limit=50", admin)
        endpoints = [
            ("cheap read (baseline)", BASELINE),
            ("search: name contains 王德", "/api/v1/search?q=" + quote("王德")),
            ("search: name contains 德华", "/api/v1/search?q=" + quote("德华")),
            (f"search: full name {sample[1]}", "/api/v1/search?q=" + quote(sample[1])),
            ("search: id number prefix (8)", "/api/v1/search?q=" + sample[0][:8]),
            ("search: full id number", "/api/v1/search?q=" + sample[0]),
            ("orgs: first page", "/api/v1/orgs/?limit=50"),
            (f"orgs: offset {offset}", f"/api/v1/orgs/?limit=50&offset={offset}"),
            ("orgs: after= cursor", f"/api/v1/orgs/?limit=50&after={first_page['next_after']}"),
            ("orgs: name contains 协会", "/api/v1/orgs/?q=" + quote("协会")),
            ("orgs: name contains 蓬江", "/api/v1/orgs/?q=" + quote("蓬江")),
            ("orgs: code prefix", "/api/v1/orgs/?q=" + dataset.sample_uscc[:12]),
            ("indicators", "/api/v1/stats/indicators"),
            (BUSY, "/api/v1/stats/indicators"),
            ("audit: newest", "/api/v1/admin/audit?limit=50"),
            ("audit: actor", "/api/v1/admin/audit?limit=50&actor=clerk-07"),
            ("audit: action prefix marriage.", "/api/v1/admin/audit?limit=50&action=marriage."),
            ("audit: action", "/api/v1/admin/audit?limit=50&action=core.person.died"),
            ("audit: entity", "/api/v1/admin/audit?limit=50&entity=payroll"),
            (f"audit: offset {audit_offset}", f"{AUDIT}&offset={audit_offset}"),
            ("audit: after= cursor", f"{AUDIT}&after={audit_page['next_after']}"),
        ]  # fmt: skip
        if args.only:
            endpoints = endpoints[:1] + [
                e for e in endpoints[1:] if any(word in e[0] for word in args.only.split(","))
            ]
        rss_before = rss_mib(server)
        load = os.getloadavg()[0]
        results = []

        async def write() -> object:
            # As an audited write of another process moves it (the data set's chain is not
            # real, so its sequence alone is moved; the indicators compare seq and hash).
            return await scalar(database_url, "UPDATE audit_head SET seq = seq + 1 WHERE id = 1")

        for label, path in endpoints:
            latencies, status, body, cold = await timed(
                server.port,
                path,
                admin,
                args.requests,
                args.clients,
                before=write if label == BUSY else None,
            )
            results.append((label, latencies, status, body, cold))
        rss_after = rss_mib(server)
        for _, path in endpoints[1:]:  # a second pass: does memory keep growing?
            await timed(server.port, path, admin, max(10, args.requests // 5), args.clients)
        rss_again = rss_mib(server)
        load_after = os.getloadavg()[0]
    finally:
        if server is not None:
            server.stop()
        if not dataset.kept:
            shutil.rmtree(data_dir, ignore_errors=True)
            if engine == "postgres":
                await drop_pg_database(pg_name(engine, args))
    base = statistics.median(results[0][1])
    print(
        f"\n== {engine}: {people:,} people, {orgs_n:,} organizations "
        f"({dataset.reports:,} reports), {events:,} audit events; "
        + (
            f"kept data set reused (migrated in {dataset.loaded:.0f} s); "
            if reused
            else f"generated in {dataset.generated:.0f} s, loaded in {dataset.loaded:.0f} s; "
        )
        + f"{args.workers} worker(s), "
        f"{args.clients} clients, {args.requests} requests each; "
        f"load average {load:.1f} before, {load_after:.1f} after"
    )
    print(f"{'endpoint':44} {'p50 ms':>8} {'p95 ms':>8} {'× read':>7} {'1st ms':>8}  answer")
    ok = True
    for label, latencies, status, body, cold in results:
        p50, p95 = statistics.median(latencies) * 1000, percentile(latencies, 0.95) * 1000
        flag = "" if p95 < 100 and status == 200 else "  <-- over 100 ms or not 200"
        ok = ok and p95 < 100 and status == 200
        print(
            f"{label[:44]:44} {p50:8.1f} {p95:8.1f} {p50 / 1000 / base:7.1f} {cold * 1000:8.1f}  "
            f"{status} {items_of(body)}{flag}"
        )
    print(
        f"worker RSS: {rss_before:.0f} MiB before the queries, {rss_after:.0f} MiB after, "
        f"{rss_again:.0f} MiB after a second pass"
    )
    return ok


BUSY = "indicators, busy day (a write before each)"


async def head_seq(database_url: str) -> int:
    return int(await scalar(database_url, "SELECT seq FROM audit_head"))


async def fetch_json(server: Server, path: str, headers: dict) -> dict:
    async with httpx.AsyncClient(base_url=server.base, timeout=120) as client:
        response = await client.get(path, headers=headers)
        response.raise_for_status()
        return response.json()


def restart(engine: str, database_url: str, data_dir: str, workers: int, password: str) -> Server:
    """``minzheng serve`` on the loaded database (``start_server`` without migrate/createuser)."""
    import subprocess
    import sys

    from bench.booking_rush import API, ROOT, free_port

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
    log = open(Path(data_dir) / "server.log", "a")  # noqa: SIM115 (closed by stop())
    serve = ["serve", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(
        [sys.executable, "-m", "core.cli", *serve], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    server = Server(engine, port, password, process, log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(server.base + API + "/offices", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"server did not start; see {data_dir}/server.log")


async def main(args: argparse.Namespace) -> int:
    engines = ["sqlite", "postgres"] if args.engine == "both" else [args.engine]
    ok = True
    for engine in engines:
        ok = await run(engine, args) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--only", help="time only the endpoints whose label contains one of these (comma-separated)"
    )
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="build the data set once into DIR (SQLite file; PostgreSQL database "
        "minzheng_bench_scale_kept_<scale>) and reuse it on later runs of the same --scale "
        "(migrated first, ANALYZE when a migration was applied); delete DIR and drop the "
        "database to rebuild",
    )
    raise SystemExit(asyncio.run(main(parser.parse_args())))
