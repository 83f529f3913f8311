"""The main menu as people see it: the core's entries on their own, each service's entries
grouped under the service's name (a bureau admin sees twenty entries; a citizen three).

Pure: menu items, plugin metadata and the current path in, entries out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.contributions import MenuItem, PluginMeta


@dataclass(frozen=True)
class NavEntry:
    label: str
    href: str
    current: bool
    items: list[NavEntry] = field(default_factory=list)
    """Sub-entries of a service group; empty for a plain link."""
    plugin: str = "core"


def _covers(path: str, href: str) -> bool:
    """Whether ``href`` is the page at ``path`` or one of its ancestors (``/`` only itself)."""
    base = href.rstrip("/")
    if not base:
        return path == "/"
    return path in (base, href) or path.startswith(base + "/")


def current_href(items: Sequence[MenuItem], path: str) -> str | None:
    """The most specific menu entry for ``path`` (``/marriage/my`` over ``/marriage``)."""
    matching = [item.href for item in items if _covers(path, item.href)]
    return max(matching, key=len) if matching else None


def navigation(
    items: Sequence[MenuItem], metas: Sequence[PluginMeta], path: str, lang: str
) -> list[NavEntry]:
    """Entries in menu order; a service with several entries becomes one group at the place of
    its first entry, labelled with the service's title."""
    titles = {m.name: m.title_in(lang) for m in metas}
    here = current_href(items, path)

    def link(item: MenuItem) -> NavEntry:
        label = item.label if lang == "zh" else item.label_en
        return NavEntry(label, item.href, item.href == here, plugin=item.plugin)

    by_plugin: dict[str, list[MenuItem]] = {}
    for item in items:
        if item.plugin != "core":
            by_plugin.setdefault(item.plugin, []).append(item)
    entries: list[NavEntry] = []
    placed: set[str] = set()
    for item in items:
        group = by_plugin.get(item.plugin, [])
        if item.plugin == "core" or len(group) == 1:
            entries.append(link(item))
        elif item.plugin not in placed:
            placed.add(item.plugin)
            children = [link(i) for i in group]
            entries.append(
                NavEntry(
                    titles.get(item.plugin, children[0].label),
                    group[0].href,
                    any(c.current for c in children),
                    children,
                    item.plugin,
                )
            )
    return entries
