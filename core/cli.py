"""The ``minzheng`` command (API.md "CLI")."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from core.contributions import CliCommand
from core.refusals import Refusal
from core.settings import get_settings

console = Console()
Handler = Callable[[argparse.Namespace], Awaitable[int]]


def progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


async def _with_database(handler: Handler, args: argparse.Namespace) -> int:
    from core import db
    from core.migrate import migrate

    settings = get_settings()
    # Read-only and whole-database commands must not change the schema they inspect or replace.
    if args.command not in ("migrate", "restore", "backup", "audit"):
        await migrate(settings.database_url)
    else:
        db.use_database(settings.database_url)
    await db.start()
    try:
        return await handler(args)
    finally:
        await db.stop()


async def cmd_migrate(args: argparse.Namespace) -> int:
    from core import db
    from core.migrate import migrate

    await migrate(get_settings().database_url)
    await db.stop()
    console.print("[green]schema is up to date[/green] / 数据库结构已是最新")
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise SystemExit("no terminal: pass --password-stdin")
    first = getpass.getpass("Password / 密码: ")
    if first != getpass.getpass("Again / 再次输入: "):
        raise SystemExit("passwords differ / 两次输入不一致")
    return first


async def cmd_createuser(args: argparse.Namespace) -> int:
    from core.auth.accounts import create_staff_user
    from core.plugins import get_host

    if args.office and args.office not in (known := await get_host().office_codes()):
        offices = ", ".join(sorted(known)) or "none / 尚无"
        console.print(
            f"[red]unknown office[/red] {args.office}: no such office / 无此办公点 "
            f"(known / 现有: {offices})"
        )
        return 2
    account = await create_staff_user(args.name, _read_password(args), args.role, args.office)
    console.print(f"created {account.username} ({', '.join(account.roles)})")
    return 0


async def cmd_plugins(args: argparse.Namespace) -> int:
    from core.plugins import get_host

    host = get_host()
    if args.action in ("enable", "disable"):
        if not args.name:
            raise SystemExit("name the plugin: minzheng plugins enable NAME")
        await host.switch(args.name, args.action == "enable")
    enabled = await host.enabled(fresh=True)
    for meta in host.metas:
        mark = "[green]enabled[/green]" if meta.name in enabled else "[red]disabled[/red]"
        console.print(f"{meta.name:<12} {meta.version:<8} {mark}  {meta.title} / {meta.title_en}")
    return 0


async def cmd_roster(args: argparse.Namespace) -> int:
    from core.people.roster import import_roster
    from core.settings import get_settings

    path = Path(args.file)
    if not path.is_file():
        console.print(f"[red]no such file[/red] / 找不到文件: {path}")
        return 2
    limit = get_settings().roster_max_bytes
    if path.stat().st_size > limit:
        console.print(f"[red]FILE_TOO_LARGE[/red]: over MINZHENG_ROSTER_MAX_BYTES ({limit})")
        return 2
    with progress_bar() as bar:
        task = bar.add_task("roster / 名册", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            result = await import_roster(path.read_bytes(), path.name, progress=advance)
        except Refusal as exc:
            if exc.code != "NO_VALID_ROWS":
                raise
            console.print(f"[red]{exc.code}[/red]: {exc.detail}")
            for rejection in (exc.extra or {}).get("rejected", [])[:50]:
                console.print(f"  row {rejection['row']}: {rejection['code']}")
            return 2
    console.print(
        f"imported {result.imported}, updated {result.updated}, rejected {len(result.rejected)}"
    )
    for rejection in result.rejected[:50]:
        console.print(f"  row {rejection['row']}: {rejection['code']}")
    return 0


async def cmd_audit(args: argparse.Namespace) -> int:
    from core.audit import verify_chain
    from core.audit.anchors import anchor, check_anchors

    if args.action == "anchor":
        if not args.file:
            console.print("[red]usage[/red]: minzheng audit anchor FILE")
            return 2
        entry = await anchor(Path(args.file))
        console.print(f"anchored seq {entry['seq']} {entry['hash']} at {entry['time']}")
        return 0
    with progress_bar() as bar:
        task = bar.add_task("audit chain / 审计链", total=None)
        report = await verify_chain(progress=lambda n: bar.update(task, completed=n))
    if not report.ok:
        console.print(
            f"[red]audit chain broken[/red] at entry id {report.first_bad_id}: {report.reason} "
            f"({report.checked} checked)"
        )
        return 1
    console.print(f"[green]audit chain intact[/green]: {report.checked} entries checked")
    if args.anchor:
        try:
            anchors = await check_anchors(Path(args.anchor))
        except (OSError, ValueError) as exc:
            console.print(f"[red]anchor file unreadable[/red]: {exc}")
            return 1
        if not anchors.ok:
            console.print(
                f"[red]audit chain does not match its anchors[/red] at seq "
                f"{anchors.first_bad_seq}: {anchors.reason}"
            )
            return 1
        console.print(f"[green]all {anchors.checked} anchors found in the chain[/green]")
    return 0


async def cmd_backup(args: argparse.Namespace) -> int:
    from core.backup import backup

    await backup(get_settings().database_url, Path(args.path))
    console.print(f"backup written to {args.path}")
    return 0


def _backup_problem(path: Path, database_url: str) -> str:
    """Why ``path`` cannot be a backup of this kind of database ("" when it can): checked
    before anything is touched, so a wrong file never half-replaces the database."""
    if not path.is_file():
        return f"no such file / 找不到文件: {path}"
    with path.open("rb") as handle:
        head = handle.read(16)
    if database_url.startswith("sqlite"):
        expected, kind = b"SQLite format 3\x00", "SQLite"
    else:
        expected, kind = b"PGDMP", "pg_dump --format=custom"
    if not head.startswith(expected):
        return f"not a {kind} backup / 不是本系统数据库的备份文件: {path}"
    return ""


async def cmd_restore(args: argparse.Namespace) -> int:
    from core.backup import restore

    problem = _backup_problem(Path(args.path), get_settings().database_url)
    if problem:
        console.print(f"[red]not restored[/red]: {problem}")
        return 2
    await restore(get_settings().database_url, Path(args.path))
    console.print(f"restored from {args.path}")
    return 0


async def cmd_demo(args: argparse.Namespace) -> int:
    from core.demo import load_demo

    for line in await load_demo():
        console.print(line)
    return 0


async def cmd_jobs(args: argparse.Namespace) -> int:
    from core.jobs import job_loop, run_due_jobs
    from core.plugins import get_host

    if args.loop:  # the one scheduler of a deployment (deploy/minzheng-jobs.service)
        await job_loop(get_host())
        return 0
    results = await run_due_jobs(get_host(), force=args.force)
    for name, status in results.items():
        console.print(f"{name}: {status}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from granian import Granian
    from granian.constants import Interfaces

    # The workers read their settings from this environment: links and QR codes name the port
    # actually served unless MINZHENG_PUBLIC_URL says otherwise.
    if "MINZHENG_PUBLIC_URL" not in os.environ:
        os.environ["PORT"] = str(args.port)
    asyncio.run(cmd_migrate(args))
    console.print(f"Minzheng on http://{args.host}:{args.port} ({args.workers} worker(s))")
    Granian(
        "core.asgi:create_app",
        address=args.host,
        port=args.port,
        workers=args.workers,
        interface=Interfaces.ASGI,
        factory=True,
        respawn_failed_workers=True,  # a crashed worker must not leave the bureau with fewer
    ).serve()
    return 0


def build_parser(plugin_commands: dict[str, Any]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="minzheng", description="Minzheng 民政 platform")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="create or upgrade the schema (idempotent)")
    create = sub.add_parser("createuser", help="create a staff user")
    create.add_argument("name")
    create.add_argument(
        "--role", action="append", required=True, choices=["admin", "clerk", "reviewer"]
    )
    create.add_argument("--office")
    create.add_argument("--password-stdin", action="store_true")
    sub.add_parser("demo", help="migrate and load the demo data set")
    serve = sub.add_parser("serve", help="run the production server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    plugins = sub.add_parser("plugins", help="list, enable or disable plugins")
    plugins.add_argument("action", choices=["list", "enable", "disable"])
    plugins.add_argument("name", nargs="?")
    roster = sub.add_parser("roster", help="social-assistance roster")
    roster.add_argument("action", choices=["import"])
    roster.add_argument("file")
    audit = sub.add_parser("audit", help="audit log")
    audit.add_argument("action", choices=["verify", "anchor"])
    audit.add_argument("file", nargs="?", help="anchor: the append-only file to write the head to")
    audit.add_argument("--anchor", help="verify: also check every head recorded in this file")
    backup = sub.add_parser("backup", help="consistent backup of the whole database")
    backup.add_argument("path")
    restore = sub.add_parser("restore", help="restore the whole database from a backup")
    restore.add_argument("path")
    jobs = sub.add_parser("jobs", help="run due scheduled jobs once")
    jobs.add_argument("--force", action="store_true", help="run every job now")
    jobs.add_argument(
        "--loop", action="store_true", help="keep running due jobs (the deployment's scheduler)"
    )
    for name, command in plugin_commands.items():
        command.configure(sub.add_parser(name, help=command.help))
    return parser


CORE_HANDLERS: dict[str, Handler] = {
    "createuser": cmd_createuser,
    "plugins": cmd_plugins,
    "roster": cmd_roster,
    "audit": cmd_audit,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "demo": cmd_demo,
    "jobs": cmd_jobs,
}


def _while_enabled(command: CliCommand) -> Callable[[argparse.Namespace], Awaitable[int]]:
    """A plugin's command runs only while its plugin is enabled, as its routes and jobs do."""

    async def run(args: argparse.Namespace) -> int:
        from core.plugins import get_host

        if not await get_host().is_enabled(command.plugin):
            console.print(
                f"[red]PLUGIN_DISABLED[/red]: {command.plugin} is disabled / 模块已停用 "
                f"(minzheng plugins enable {command.plugin})"
            )
            return 2
        return await command.run(args)

    return run


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PICCOLO_CONF", "core.piccolo_conf")
    from core.plugins import get_host

    plugin_commands = get_host().cli_commands()
    args = build_parser(plugin_commands).parse_args(argv)
    if args.command == "serve":
        return cmd_serve(args)
    if args.command == "migrate":
        return asyncio.run(cmd_migrate(args))
    handler = CORE_HANDLERS.get(args.command) or _while_enabled(plugin_commands[args.command])
    try:
        return asyncio.run(_with_database(handler, args))
    except Exception as exc:
        if isinstance(exc, Refusal):
            console.print(f"[red]{exc.code}[/red]: {exc.detail}")
            return 2
        raise


if __name__ == "__main__":
    raise SystemExit(main())
