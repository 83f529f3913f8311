"""Issue #15 item 5: one plugin layout, written in docs/PLUGINS.md and followed by all four.

A newcomer who learned one plugin finds the same things in the same places in the others.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from core.plugins import BUILTIN_PLUGINS

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = [ROOT / Path(*module.split(".")[:-1]) for module in BUILTIN_PLUGINS]

REQUIRED = (
    "plugin.py",
    "piccolo_app.py",
    "tables.py",
    "schemas.py",
    "demo.py",
    "api/__init__.py",
    "pages/__init__.py",
    "rules/__init__.py",
    "rules/indicators.py",
    "services/__init__.py",
    "services/indicators.py",
    "migrations/__init__.py",
    "locales/zh/LC_MESSAGES/messages.po",
    "README.md",
)
RETIRED = ("controllers.py", "controllers", "services.py", "rules.py", "pages.py", "indicators.py")


def test_the_guide_describes_the_layout_the_test_checks():
    guide = (ROOT / "docs" / "PLUGINS.md").read_text(encoding="utf-8")
    for entry in ("api/", "pages/", "rules/", "services/", "schemas.py", "tables.py", "demo.py"):
        assert entry in guide
    assert "rules/indicators.py" in guide and "services/indicators.py" in guide
    assert "controllers.py" not in guide


@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda p: p.name)
def test_each_builtin_plugin_follows_the_layout(plugin: Path):
    missing = [entry for entry in REQUIRED if not (plugin / entry).exists()]
    assert not missing, f"{plugin.name} lacks {missing}"
    retired = [entry for entry in RETIRED if (plugin / entry).exists()]
    assert not retired, f"{plugin.name} still has {retired}"


@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda p: p.name)
def test_schemas_are_named_for_their_direction(plugin: Path):
    tree = ast.parse((plugin / "schemas.py").read_text(encoding="utf-8"))
    names = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
    assert names
    odd = [name for name in names if not re.search(r"(In|Out)$", name)]
    assert not odd, f"{plugin.name}/schemas.py: {odd} (requests end in In, responses in Out)"


@pytest.mark.parametrize("plugin", PLUGINS, ids=lambda p: p.name)
def test_rules_stay_pure(plugin: Path):
    """Rules import only the standard library, other rules, core's pure helpers and stdnum."""
    allowed = (
        "core.identity",
        "core.workdays",
        "core.calendar",
        "core.refusals",
        "stdnum",
        "holidays",
    )
    for path in (plugin / "rules").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            modules = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for module in modules:
                own = module.startswith(f"plugins.{plugin.name}.rules")
                stdlib = module.split(".")[0] in _STDLIB
                assert own or stdlib or module.startswith(allowed) or module == "__future__", (
                    f"{path.relative_to(ROOT)} imports {module}"
                )


_STDLIB = set(__import__("sys").stdlib_module_names)
