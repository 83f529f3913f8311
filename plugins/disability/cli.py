"""``minzheng payroll run YYYY-MM``: the month's payroll with a progress bar."""

from __future__ import annotations

import argparse

from core.contributions import CliCommand
from core.web.rendering import fen_to_yuan


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["run"])
    parser.add_argument("month", help="YYYY-MM")
    parser.add_argument(
        "--batch-size", type=int, default=5000, help="grants per transaction (default 5000)"
    )


async def _run(args: argparse.Namespace) -> int:
    from core.cli import console, progress_bar
    from core.context import current_actor
    from core.plugins import get_host
    from plugins.disability.services.payroll import run_payroll

    if not await get_host().is_enabled("disability"):
        console.print("[red]the disability plugin is disabled[/red] / 两项补贴模块已停用")
        return 1
    current_actor.set("cli")
    with progress_bar() as bar:
        task = bar.add_task(f"payroll {args.month} / 两项补贴发放", total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        run = await run_payroll(args.month, batch_size=args.batch_size, progress=advance)
    console.print(
        f"{run['month']}: {run['beneficiaries']} beneficiaries / 人, {run['lines']} lines / 笔; "
        f"living {fen_to_yuan(run['living_fen'])}, nursing {fen_to_yuan(run['nursing_fen'])}, "
        f"total {fen_to_yuan(run['total_fen'])} yuan / 元"
    )
    if run.get("difference_fen"):
        console.print(
            f"differences / 补发差额 {fen_to_yuan(run['difference_fen'])} yuan / 元 "
            "(months paid at a standard since raised / 标准提高后补发)"
        )
    if run.get("provisional_standard"):
        console.print(
            "[yellow]warning / 注意: some months were paid at a provisional standard — the year "
            "has no standard of its own yet, so the latest earlier one was used; enter it with "
            "PUT /api/v1/disability/standards/{year} and the next payroll pays any difference / "
            "部分月份按暂定标准发放（该年度尚未录入标准，沿用上一年度标准），录入后下次发放补发差额[/yellow]"
        )
    return 0


PAYROLL_COMMAND = CliCommand(
    name="payroll",
    help="disability-subsidy payroll: run YYYY-MM (idempotent)",
    configure=_configure,
    run=_run,
    plugin="disability",
)
