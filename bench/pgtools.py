"""Throwaway PostgreSQL servers for the failover drill and the outage tests.

PostgreSQL (and pg_autoctl) refuse to run as root: when this process is root, their commands run
as the ``postgres`` user through ``runuser``, in directories it owns under a temporary directory.
Every server gets a free port of its own and its socket directory next to its data.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("MINZHENG_PG_BIN", "/usr/lib/postgresql/15/bin"))
RUN_AS = os.environ.get("MINZHENG_PG_USER", "postgres")


def missing_binaries(*extra: str) -> str | None:
    """Why the PostgreSQL tools are unusable here, or None."""
    for name in ("initdb", "pg_ctl", "postgres"):
        if not (PG_BIN / name).exists():
            return f"no {PG_BIN / name} (apt-get install postgresql-15)"
    for name in extra:
        if shutil.which(name) is None:
            return f"no {name} on PATH"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(RUN_AS)
        except KeyError:
            return f"running as root and there is no {RUN_AS!r} user to run PostgreSQL as"
        if shutil.which("runuser") is None:
            return "running as root and runuser is missing"
    return None


def as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", RUN_AS, "--", *command]


def server_env() -> dict[str, str]:
    path = f"{PG_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}"
    return {"PATH": path, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "HOME": tempfile.gettempdir()}


def owned_dir(prefix: str) -> Path:
    """A new temporary directory the server user owns (mode 0700)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        entry = pwd.getpwnam(RUN_AS)
        os.chown(path, entry.pw_uid, entry.pw_gid)
    path.chmod(0o700)
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(command: list[str], *, timeout: float = 120, check: bool = True) -> str:
    result = subprocess.run(
        as_server_user(command),
        env=server_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=tempfile.gettempdir(),
    )
    if check and result.returncode != 0:
        output = result.stdout[-1500:] + result.stderr[-1500:]
        raise RuntimeError(f"{' '.join(command)} failed: {output}")
    return result.stdout


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on port {port} after {timeout} s")


class Cluster:
    """One plain PostgreSQL server (``initdb`` + ``pg_ctl``) on a free port."""

    def __init__(self) -> None:
        self.root = owned_dir("minzheng-pg-")
        self.data = self.root / "data"
        self.port = free_port()
        run(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c max_connections=100"
        )
        run(
            [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.root / "server.log"),
                "-w",
                "start",
            ]
        )
        wait_for_port(self.port)

    def stop(self, mode: str = "immediate") -> None:
        """``immediate`` is a crash as far as clients can tell: every connection is cut."""
        run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"], check=False)

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
