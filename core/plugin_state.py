"""Reading and switching the enabled set of plugins (table ``plugin_state``)."""

from __future__ import annotations

from collections.abc import Iterable

from core import audit
from core.db import write_transaction
from core.tables import PluginState


async def read_enabled(installed: Iterable[str]) -> frozenset[str]:
    """Installed plugins not switched off. A plugin never switched is enabled."""
    rows = await PluginState.select(PluginState.name, PluginState.enabled)
    disabled = {r["name"] for r in rows if not r["enabled"]}
    return frozenset(name for name in installed if name not in disabled)


async def write_enabled(name: str, enabled: bool, title: str = "") -> None:
    """Store a plugin's switch, audited in the same transaction (``PluginHost.switch`` checks
    the name and tells the plugins). Data is never dropped."""
    async with write_transaction():
        exists = await PluginState.exists().where(PluginState.name == name)
        if exists:
            await PluginState.update({PluginState.enabled: enabled}).where(PluginState.name == name)
        else:
            await PluginState.insert(PluginState(name=name, enabled=enabled))
        await audit.record(
            "core.plugin.enabled" if enabled else "core.plugin.disabled",
            entity="plugin",
            entity_id=name,
            summary=f"{'启用' if enabled else '停用'}模块 {title or name}",
        )
