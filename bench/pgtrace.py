"""Round trips and statements per request, counted on the PostgreSQL wire.

    python -m bench.pgtrace [--bookings 5] [--registrations 5] [--verbose]

A fresh database, a real ``minzheng serve`` (one worker) whose database URL points at a proxy in
this process; the proxy forwards every byte to the local PostgreSQL and parses what the server's
connections send: a simple query (``Q``) or an extended-protocol batch ending in ``Sync`` is one
round trip (the client waits for ``ReadyForQuery``); ``Parse``/``Execute`` messages name the
statements. Then ``--bookings`` citizens each book a place (every one a winner, one after the
other) and a clerk posts ``--registrations`` walk-in marriage registrations; each request's round
trips are those that arrive while it is in flight (plus a short pause after its answer, for
work done on release). Prints the round trips and statements of every request, and with
``--verbose`` the SQL of the last one of each kind.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass, field

import httpx

from bench.booking_rush import API, citizens, person_number
from bench.registrations import registration, start
from bench.scratch import create_pg_database, drop_pg_database

UPSTREAM = ("127.0.0.1", 5432)


@dataclass
class Trip:
    """One round trip of one connection: its statements (``Q`` text or ``Parse``d SQL)."""

    connection: int
    statements: list[str] = field(default_factory=list)
    executes: int = 0


class Proxy:
    """Forwards PostgreSQL connections, recording every client round trip in ``trips``."""

    def __init__(self) -> None:
        self.trips: list[Trip] = []
        self.port = 0
        self._connections = 0
        self._server: asyncio.AbstractServer | None = None
        # asyncpg parses a statement once per connection and then binds it by name
        self._named: dict[tuple[int, str], str] = {}

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._connections += 1
        number = self._connections
        up_reader, up_writer = await asyncio.open_connection(*UPSTREAM)

        async def downstream() -> None:
            try:
                while data := await up_reader.read(65536):
                    writer.write(data)
                    await writer.drain()
            finally:
                writer.close()

        task = asyncio.create_task(downstream())
        try:
            await self._upstream(number, reader, up_writer)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            up_writer.close()
            await asyncio.gather(task, return_exceptions=True)

    async def _upstream(
        self, number: int, reader: asyncio.StreamReader, up: asyncio.StreamWriter
    ) -> None:
        # Untyped start-up packets (an SSLRequest is answered "N": this server has ssl off).
        while True:
            head = await reader.readexactly(8)
            length, code = struct.unpack("!ii", head)
            up.write(head + await reader.readexactly(length - 8))
            await up.drain()
            if code not in (80877103, 80877104):  # SSL / GSS encryption requests
                break
        trip = Trip(number)
        while True:
            kind = await reader.readexactly(1)
            (length,) = struct.unpack("!i", await reader.readexactly(4))
            body = await reader.readexactly(length - 4)
            up.write(kind + struct.pack("!i", length) + body)
            await up.drain()
            if kind == b"Q":
                trip.statements.append(body.split(b"\0", 1)[0].decode())
                self.trips.append(trip)
                trip = Trip(number)
            elif kind == b"P":
                name, rest = body.split(b"\0", 1)
                sql = rest.split(b"\0", 1)[0].decode()
                self._named[(number, name.decode())] = sql
                trip.statements.append("PARSE " + sql)
            elif kind == b"B":
                _portal, rest = body.split(b"\0", 1)
                name = rest.split(b"\0", 1)[0].decode()
                trip.statements.append(self._named.get((number, name), f"<{name}>"))
            elif kind == b"E":
                trip.executes += 1
            elif kind == b"S":
                self.trips.append(trip)
                trip = Trip(number)
            elif kind == b"X":
                return


def short(sql: str, width: int = 150) -> str:
    one = " ".join(sql.split())
    return one if len(one) <= width else one[: width - 1] + "…"


async def measured(
    proxy: Proxy, client: httpx.AsyncClient, method: str, path: str, **kwargs: object
) -> tuple[int, list[Trip]]:
    await asyncio.sleep(0.3)  # whatever the last request left (release, jobs) is over
    first = len(proxy.trips)
    response = await client.request(method, path, **kwargs)
    await asyncio.sleep(0.2)
    return response.status_code, proxy.trips[first:]


def describe(label: str, status: int, trips: list[Trip], verbose: bool) -> None:
    # The enabled plugins are re-read at most every 0.5 s per process (core.plugins): the
    # pauses here make every request pay it, a busy server almost none does.
    cached = [t for t in trips if all('"plugin_state"' in s for s in t.statements)]
    trips = [t for t in trips if t not in cached]
    statements = sum(len(t.statements) for t in trips)
    print(
        f"{label}: HTTP {status}, {len(trips)} round trips, {statements} statements"
        + (f" (+{len(cached)} plugin_state re-read)" if cached else "")
    )
    if verbose:
        for trip in trips:
            print(f"  [{trip.connection}] " + " ⏎ ".join(short(s) for s in trip.statements))


async def main(args: argparse.Namespace) -> None:
    proxy = Proxy()
    await proxy.start()
    name = f"minzheng_trace_{os.getpid()}"
    direct_url, _ = await create_pg_database(name)
    traced_url = f"postgresql://postgres@127.0.0.1:{proxy.port}/{name}"
    data_dir = tempfile.mkdtemp(prefix="minzheng-trace-")
    server, clerk = await asyncio.to_thread(start, "postgres", traced_url, data_dir, 1)
    try:
        people = await citizens(direct_url, args.bookings + 1)
        async with httpx.AsyncClient(base_url=server.base, timeout=30) as client:
            slot_id = await open_slot(client, server.admin_password)
            for _ in range(3):  # warm: every pooled connection has the statements prepared
                await client.get(f"{API}/offices")
            for i in range(args.bookings + 1):
                body = {
                    "slot_id": slot_id,
                    "service": "marriage",
                    "partner": {"id_number": person_number(i, male=False), "name": "李芳"},
                }
                status, trips = await measured(
                    proxy, client, "POST", f"{API}/appointments", json=body, headers=people[i][1]
                )
                if i:  # the first one prepared the statements
                    describe(f"booking {i}", status, trips, args.verbose and i == args.bookings)
            status, trips = await measured(proxy, client, "GET", f"{API}/offices")
            describe("read GET /offices", status, trips, args.verbose)
            for i in range(args.registrations + 1):
                status, trips = await measured(
                    proxy,
                    client,
                    "POST",
                    f"{API}/registrations",
                    json=registration(i),
                    headers=clerk,
                )
                if i:
                    last = i == args.registrations
                    describe(f"registration {i}", status, trips, args.verbose and last)
    finally:
        await asyncio.to_thread(server.stop)  # its connections close through the proxy
        await proxy.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
        await drop_pg_database(name)


async def open_slot(client: httpx.AsyncClient, password: str) -> int:
    """JH01 publishes one slot of 100 places a day; the id of tomorrow's."""
    token = (
        await client.post(
            "/api/v1/auth/token", json={"username": "bench-admin", "password": password}
        )
    ).json()["token"]
    admin = {"Authorization": f"Bearer {token}"}
    pattern = {"slots": [{"start": "09:00", "end": "17:00", "capacity": 100}]}
    r = await client.put(f"{API}/offices/JH01/schedule", json=pattern, headers=admin)
    r.raise_for_status()
    params = {"office": "JH01", "from": r.json()["from"], "to": r.json()["to"]}
    slots = (await client.get(f"{API}/slots", params=params)).json()
    return next(s["id"] for s in slots if s["date"] > r.json()["from"])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bookings", type=int, default=5)
    parser.add_argument("--registrations", type=int, default=5)
    parser.add_argument("--verbose", action="store_true")
    asyncio.run(main(parser.parse_args()))
