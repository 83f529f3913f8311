"""Issue #2 item 3: "A test fails when a hook lacks documentation or a test".

Every hook of ``core/hookspecs.py`` needs a docstring, type annotations and a test named
``test_hook_<name without minzheng_>…`` somewhere under ``tests/`` (the idea of Datasette's
``test_plugin_hooks_have_tests``)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from core import hookspecs

TESTS = Path(__file__).resolve().parent.parent
HOOKS = sorted(hookspecs.documented_hooks())


def _test_names() -> set[str]:
    names: set[str] = set()
    for path in TESTS.rglob("test_*.py"):
        names.update(re.findall(r"^(?:async )?def (test_hook_\w+)", path.read_text(), re.M))
    return names


def test_the_contract_has_hooks():
    assert len(HOOKS) >= 15
    assert "minzheng_person_died" in HOOKS and "minzheng_send_notification" in HOOKS


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_documented_and_typed(name):
    hook = hookspecs.documented_hooks()[name]
    doc = inspect.getdoc(hook) or ""
    assert len(doc) >= 40, f"{name} needs a docstring saying when it is called and what it returns"
    signature = inspect.signature(hook)
    assert signature.return_annotation is not inspect.Signature.empty, name
    for parameter in signature.parameters.values():
        assert parameter.annotation is not inspect.Parameter.empty, (name, parameter.name)
    assert hasattr(hook, "minzheng_spec"), f"{name} is not marked @hookspec"


@pytest.mark.parametrize("name", HOOKS)
def test_hook_has_a_test(name):
    suffix = name.removeprefix("minzheng_")
    tests = _test_names()
    assert any(t == f"test_hook_{suffix}" or t.startswith(f"test_hook_{suffix}_") for t in tests), (
        f"no test named test_hook_{suffix}… exercises {name}"
    )
