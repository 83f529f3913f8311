"""Issue #15 items 3 and 4: guarantees instead of conventions.

- ``core/`` is acyclic: walking every import statement of every core module (function-local ones
  included, ``TYPE_CHECKING`` blocks excluded) finds no cycle;
- importing Piccolo's configuration builds neither an engine nor a plugin host;
- the host stamps the owning plugin on every contribution, from pluggy's registration;
- an audit action nobody declared is refused;
- a disabled plugin's CLI command does not run.
"""

from __future__ import annotations

import ast
import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(name: str, path: Path) -> set[str]:
    """Every module named by an import statement anywhere in the file."""
    found: set[str] = set()
    is_package = path.name == "__init__.py"

    class Visitor(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            if "TYPE_CHECKING" in ast.unparse(node.test):
                for child in node.orelse:
                    self.visit(child)
                return
            self.generic_visit(node)

        def visit_Import(self, node: ast.Import) -> None:
            found.update(alias.name for alias in node.names)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            if node.level:
                base = name.split(".")[: None if is_package else -1]
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)

    Visitor().visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def core_import_graph() -> dict[str, set[str]]:
    modules = {
        _module_name(p): p for p in (ROOT / "core").rglob("*.py") if "migrations" not in p.parts
    }
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges = set()
        for target in _imports(name, path):
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                edges.add(target)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle_it_is_shown():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_core_imports_form_no_cycle():
    graph = core_import_graph()
    assert len(graph) > 40 and "core.web.pages" in graph["core.app"]
    assert find_cycle(graph) is None, " → ".join(find_cycle(graph) or [])


def test_importing_the_piccolo_configuration_builds_no_engine_and_no_host():
    script = (
        "import core.piccolo_conf, core.db, core.plugins\n"
        "assert core.db.current_engine() is None, 'engine built at import'\n"
        "assert core.plugins._host is None, 'plugin host built at import'\n"
        "print('lazy')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and "lazy" in done.stdout, done.stderr


def test_the_host_stamps_the_owning_plugin_on_every_contribution(probe_host):
    # The probe plugin names no ``plugin=`` on its job, command, menu items or indicators.
    assert probe_host.jobs["probe.tick"].plugin == "probe"
    assert probe_host.cli_commands()["probe"].plugin == "probe"
    assert {j.plugin for n, j in probe_host.jobs.items() if n.startswith("marriage.")} == {
        "marriage"
    }


async def test_broadcast_contributions_carry_their_plugin(probe_host, db):
    indicators = await probe_host.indicators(2026)
    assert {i.plugin for i in indicators if i.key == "probe.year"} == {"probe"}
    menu = await probe_host.menu_items(None)
    assert {m.plugin for m in menu if m.href.startswith("/probe/")} == {"probe"}


async def test_an_undeclared_audit_action_is_refused(db):
    from core import audit
    from core.db import write_transaction
    from core.plugins import get_host

    assert "core.plugin.enabled" in get_host().audit_event_types
    with pytest.raises(audit.UnknownAuditAction, match=r"core\.plugin\.enbled"):
        async with write_transaction():
            await audit.record("core.plugin.enbled", entity="plugin", entity_id="x")


async def test_a_disabled_plugins_command_does_not_run(database_url, db):
    from tests.core.support import cli_env, run_cli

    async def cli(*args: str):
        return await asyncio.to_thread(run_cli, env, *args)

    env = cli_env(database_url, probe=True)
    off = await cli("plugins", "disable", "probe")
    assert off.returncode == 0, off.stderr
    refused = await cli("probe", "你好")
    assert refused.returncode == 2
    assert "probe says" not in refused.stdout and "PLUGIN_DISABLED" in refused.stdout
    on = await cli("plugins", "enable", "probe")
    assert on.returncode == 0
    ran = await cli("probe", "你好")
    assert ran.returncode == 0 and "probe says 你好" in ran.stdout
