"""The plugin host: a typed wrapper over pluggy with one method per hook.

Installed plugins are the explicit ``BUILTIN_PLUGINS`` list plus the ``minzheng.plugins``
entry-point group. Which of them are enabled lives in the database (``plugin_state``); every
process re-reads that set at most ``ENABLED_TTL`` seconds after it changed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import importlib
import inspect
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import pluggy

from core import audit, hookspecs, plugin_state
from core.contributions import (
    AuditEventType,
    CertificateTemplate,
    CliCommand,
    Indicator,
    MenuItem,
    OutgoingMessage,
    Permission,
    PluginMeta,
    PluginRoutes,
    ScheduledJob,
    SearchResult,
)
from core.i18n import register_plugin_locales
from core.refusals import Refusal
from core.settings import get_settings

if TYPE_CHECKING:
    from jinja2 import Environment

    from core.auth.identity import CurrentUser
    from core.contributions import CalendarMove
    from core.people.records import PersonRecord
    from core.workdays import WorkCalendar

BUILTIN_PLUGINS: tuple[str, ...] = (
    "plugins.marriage.plugin",
    "plugins.funeral.plugin",
    "plugins.disability.plugin",
    "plugins.social_orgs.plugin",
)
CORE_PLUGIN = "core.builtin"
ENTRY_POINT_GROUP = "minzheng.plugins"
ENABLED_TTL = 0.5


class PluginConfigError(RuntimeError):
    """Start-up refused: a duplicate contribution, a misspelled hook, a plugin without metadata."""


@dataclass(frozen=True)
class LoadedPlugin:
    meta: PluginMeta
    module: ModuleType


async def _resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


def _flatten(results: Iterable[Any]) -> list[Any]:
    flat: list[Any] = []
    for item in results:
        if item is None:
            continue
        if isinstance(item, list | tuple):
            flat.extend(item)
        else:
            flat.append(item)
    return flat


def _stamp(plugin: str, result: Any) -> list[Any]:
    """A hook implementation's contributions, each carrying the plugin that returned it: the
    owner comes from pluggy's registration, never from a field the plugin may forget."""
    stamped = []
    for item in _flatten([result]):
        if any(f.name == "plugin" for f in fields(item)) and item.plugin != plugin:
            item = replace(item, plugin=plugin)
        stamped.append(item)
    return stamped


def _call_each(hook: Any, **kwargs: Any) -> list[tuple[str, Any]]:
    """Call every implementation of a hook (pluggy's call order), keeping who answered."""
    answers = []
    for impl in reversed(hook.get_hookimpls()):
        answers.append((impl.plugin_name, impl.function(**{k: kwargs[k] for k in impl.argnames})))
    return answers


def _contributions(hook: Any, **kwargs: Any) -> list[Any]:
    return [item for name, result in _call_each(hook, **kwargs) for item in _stamp(name, result)]


def _unique(items: Sequence[Any], key: str, what: str) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for item in items:
        name = getattr(item, key)
        if name in seen:
            raise PluginConfigError(f"duplicate {what} {name!r} contributed twice")
        seen[name] = item
    return seen


class PluginHost:
    def __init__(
        self,
        plugin_modules: Sequence[str] = BUILTIN_PLUGINS,
        *,
        load_entry_points: bool = True,
    ) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.plugins: dict[str, LoadedPlugin] = {}
        self._enabled: frozenset[str] = frozenset()
        self._enabled_at = 0.0
        self._lock = asyncio.Lock()

        self.pm.register(importlib.import_module(CORE_PLUGIN), name="core")
        modules = [importlib.import_module(name) for name in plugin_modules]
        if load_entry_points:
            modules += [ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)]
        for module in modules:
            self._register(module)
        self._check_hooks()
        self._collect()

    def _register(self, module: ModuleType) -> None:
        meta = getattr(module, "PLUGIN_META", None)
        if not isinstance(meta, PluginMeta):
            raise PluginConfigError(f"{module.__name__} has no PLUGIN_META")
        if meta.name in self.plugins or meta.name == "core":
            raise PluginConfigError(f"plugin name {meta.name!r} registered twice")
        mounts = {p.meta.mount: name for name, p in self.plugins.items()}
        if meta.mount in mounts:
            raise PluginConfigError(
                f"plugins {mounts[meta.mount]!r} and {meta.name!r} both mount /{meta.mount}"
            )
        known = set(hookspecs.documented_hooks())
        for attribute in dir(module):
            if attribute.startswith("minzheng_") and attribute not in known:
                raise PluginConfigError(
                    f"{module.__name__}.{attribute} is not a hook of core/hookspecs.py "
                    "(misspelled?)"
                )
            if attribute in known and self.pm.parse_hookimpl_opts(module, attribute) is None:
                raise PluginConfigError(f"{module.__name__}.{attribute} lacks @hookimpl")
        self.pm.register(module, name=meta.name)
        self.plugins[meta.name] = LoadedPlugin(meta=meta, module=module)
        if module.__file__:
            register_plugin_locales(meta.name, Path(module.__file__).resolve().parent)

    def _check_hooks(self) -> None:
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginConfigError(f"unknown hook: {exc}") from exc

    def _collect(self) -> None:
        """Gather the registration hooks' contributions; a duplicate name stops start-up."""
        hook = self.pm.hook
        self.permissions: dict[str, Permission] = _unique(
            _flatten(hook.minzheng_permissions()), "name", "permission"
        )
        self._role_permissions: dict[frozenset[str], frozenset[str]] = {}
        self._metas = sorted(
            (p.meta for p in self.plugins.values()), key=lambda m: (m.order, m.name)
        )
        self.audit_event_types: dict[str, AuditEventType] = _unique(
            _flatten(hook.minzheng_audit_event_types()), "name", "audit event type"
        )
        if _host is self:
            audit.register_actions(self.audit_event_types)
        self.certificate_templates: dict[str, CertificateTemplate] = _unique(
            _flatten(hook.minzheng_certificate_templates()), "kind", "certificate kind"
        )
        self.jobs: dict[str, ScheduledJob] = _unique(
            _contributions(hook.minzheng_scheduled_jobs), "name", "scheduled job"
        )

    def register_plugin(self, module: ModuleType) -> None:
        """Install one more plugin into a running host (tests, tools), with the same checks as
        at start-up. Its hooks take part from now on; its routes are mounted only by an app
        created afterwards."""
        self._register(module)
        try:
            self._check_hooks()
            self._collect()
        except Exception:
            self.unregister_plugin(module.PLUGIN_META.name)
            raise
        self._enabled_at = 0.0

    def unregister_plugin(self, name: str) -> None:
        """Undo ``register_plugin``."""
        self.pm.unregister(name=name)
        self.plugins.pop(name, None)
        self._collect()
        self._enabled_at = 0.0

    # -- metadata and registration hooks ----------------------------------------------------

    @property
    def metas(self) -> list[PluginMeta]:
        """In menu order; read on every page, so sorted once per (re)collection."""
        return self._metas

    def meta(self, name: str) -> PluginMeta | None:
        loaded = self.plugins.get(name)
        return loaded.meta if loaded else None

    def routes(self) -> dict[str, PluginRoutes]:
        """Route handlers per plugin name (``core`` included)."""
        out: dict[str, PluginRoutes] = {}
        for name in ["core", *self.plugins]:
            plugin = self.pm.get_plugin(name)
            impl = getattr(plugin, "minzheng_route_handlers", None)
            if impl is not None:
                out[name] = impl()
        return out

    def piccolo_apps(self) -> list[str]:
        """Core's app first, then each plugin's in plugin order (not pluggy's reverse order), so
        that migrations run after those of the tables they may refer to."""
        impls = {i.plugin_name: i for i in self.pm.hook.minzheng_piccolo_apps.get_hookimpls()}
        names = ["core", *(m.name for m in self.metas)]
        return _flatten(impls[name].function() for name in names if name in impls)

    def cli_commands(self) -> dict[str, CliCommand]:
        return _unique(_contributions(self.pm.hook.minzheng_cli_commands), "name", "CLI command")

    async def load_demo(self, today: dt.date) -> list[str]:
        """Run every ``minzheng_load_demo`` in plugin order (core first), not pluggy's order."""
        impls = {i.plugin_name: i for i in self.pm.hook.minzheng_load_demo.get_hookimpls()}
        lines = []
        for name in ["core", *(m.name for m in self.metas)]:
            if name in impls:
                line = await _resolve(impls[name].function(today=today))
                if line:
                    lines.append(f"{name}: {line}")
        return lines

    def configure_jinja(self, env: Environment) -> None:
        self.pm.hook.minzheng_jinja_environment(env=env)

    def permissions_for_roles(self, roles: Iterable[str]) -> frozenset[str]:
        """Asked on every authenticated request; the answer per set of roles never changes once
        the plugins are loaded."""
        wanted = frozenset(roles)
        found = self._role_permissions.get(wanted)
        if found is None:
            found = self._role_permissions[wanted] = frozenset(
                name for name, perm in self.permissions.items() if wanted & set(perm.default_roles)
            )
        return found

    # -- enabled set ------------------------------------------------------------------------

    async def enabled(self, *, fresh: bool = False) -> frozenset[str]:
        """Names of enabled plugins, re-read from the database at most ENABLED_TTL s old."""
        if fresh or time.monotonic() - self._enabled_at > ENABLED_TTL:
            async with self._lock:
                if fresh or time.monotonic() - self._enabled_at > ENABLED_TTL:
                    self._enabled = await plugin_state.read_enabled(self.plugins)
                    self._enabled_at = time.monotonic()
        return self._enabled

    async def is_enabled(self, name: str) -> bool:
        return name == "core" or name in await self.enabled()

    async def _caller(self, hook_name: str) -> Any:
        enabled = await self.enabled()
        disabled = [self.pm.get_plugin(name) for name in self.plugins if name not in enabled]
        return self.pm.subset_hook_caller(hook_name, remove_plugins=disabled)

    async def _broadcast(self, hook_name: str, **kwargs: Any) -> list[Any]:
        return [result for _, result in await self._answers(hook_name, **kwargs)]

    async def _answers(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Each enabled implementation's awaited answer, with the plugin that gave it."""
        answers = _call_each(await self._caller(hook_name), **kwargs)
        resolved: list[tuple[str, Any]] = []
        try:
            for name, result in answers:
                resolved.append((name, await _resolve(result)))
        except BaseException:
            # One plugin refused: the others' reactions are not started (the change is undone).
            for _, pending in answers[len(resolved) + 1 :]:
                if inspect.iscoroutine(pending):
                    pending.close()
            raise
        return resolved

    async def _contributed(self, hook_name: str, **kwargs: Any) -> list[Any]:
        answers = await self._answers(hook_name, **kwargs)
        return [item for name, result in answers for item in _stamp(name, result)]

    # -- broadcast hooks --------------------------------------------------------------------

    async def menu_items(self, user: CurrentUser | None) -> list[MenuItem]:
        items = await self._contributed("minzheng_menu_items", user=user)
        allowed = user.permissions if user else frozenset()
        visible = [i for i in items if i.permission is None or i.permission in allowed]
        return sorted(visible, key=lambda i: (i.order, i.href))

    async def indicators(self, year: int) -> list[Indicator]:
        """The enabled plugins' indicators of ``year``, computed once a day and again after a
        change (``core.indicator_cache``)."""
        from core.indicator_cache import cached_indicators

        return await cached_indicators(year, *await self._indicator_sources(year))

    async def warm_indicators(self, year: int) -> bool:
        """Count ``year``'s indicators into the cache unless they are current (a job's work)."""
        from core.indicator_cache import warm

        return await warm(year, *await self._indicator_sources(year))

    async def _indicator_sources(
        self, year: int
    ) -> tuple[str, Callable[[], Awaitable[list[Indicator]]]]:
        async def compute() -> list[Indicator]:
            items = await self._contributed("minzheng_indicators", year=year)
            return sorted(items, key=lambda i: (i.order, i.key))

        context = f"{','.join(sorted(await self.enabled()))}|{get_settings().population}"
        return context, compute

    async def person_died(self, person: PersonRecord, died_on: dt.date) -> None:
        await self._broadcast("minzheng_person_died", person=person, died_on=died_on)

    async def person_death_revoked(
        self, person: PersonRecord, died_on: dt.date, reason: str, on: dt.date
    ) -> None:
        await self._broadcast(
            "minzheng_person_death_revoked", person=person, died_on=died_on, reason=reason, on=on
        )

    async def person_moved(
        self, person: PersonRecord, old: str | None, new: str, on: dt.date
    ) -> None:
        await self._broadcast("minzheng_person_moved", person=person, old=old, new=new, on=on)

    async def search(self, query: str, user: CurrentUser) -> list[SearchResult]:
        items = await self._contributed("minzheng_search", query=query, user=user)
        return sorted(items, key=lambda r: (r.order, r.kind, r.title))

    async def send_notification(self, message: OutgoingMessage) -> bool:
        """The first sender whose (awaited) answer is not None decides. pluggy's own
        ``firstresult`` would stop at the first *coroutine*, so an async sender that passes
        (returns None) would hide every sender after it, the default one included."""
        caller = await self._caller("minzheng_send_notification")
        for impl in reversed(caller.get_hookimpls()):  # pluggy's call order
            arguments = {"message": message}
            result = await _resolve(impl.function(**{k: arguments[k] for k in impl.argnames}))
            if result is not None:
                return bool(result)
        return False

    async def switch(self, name: str, enabled: bool) -> None:
        """Turn an installed plugin on or off (audited); every process follows within
        ``ENABLED_TTL``. Data is never dropped."""
        if name not in self.plugins:
            raise Refusal.not_found(zh=f"没有名为 {name} 的模块", en=f"No plugin named {name!r}")
        await plugin_state.write_enabled(name, enabled, self.plugins[name].meta.title)
        await self.enabled(fresh=True)
        await self.plugin_switched(name, enabled)

    async def calendar_changed(
        self, year: int, before: WorkCalendar, after: WorkCalendar, today: dt.date, apply: bool
    ) -> list[CalendarMove]:
        """Every *installed* plugin hears it, enabled or not: a disabled plugin's dates were told
        to people too and must keep the promise when it is enabled again."""
        results = self.pm.hook.minzheng_calendar_changed(
            year=year, before=before, after=after, today=today, apply=apply
        )
        moves: list[CalendarMove] = []
        done = 0
        try:
            for result in results:
                done += 1
                moves.extend(await _resolve(result) or [])
        except BaseException:
            for pending in results[done:]:
                if inspect.iscoroutine(pending):
                    pending.close()
            raise
        return sorted(moves, key=lambda m: (m.told, m.plugin, m.entity, m.entity_id))

    async def office_codes(self) -> set[str]:
        """Every office code the enabled plugins keep (``minzheng_office_codes``)."""
        answers = await self._answers("minzheng_office_codes")
        return {code for _, codes in answers for code in codes or ()}

    async def plugin_switched(self, name: str, enabled: bool) -> None:
        for result in self.pm.hook.minzheng_plugin_switched(name=name, enabled=enabled):
            await _resolve(result)

    async def enabled_jobs(self) -> list[ScheduledJob]:
        enabled = await self.enabled()
        return [j for j in self.jobs.values() if j.plugin == "core" or j.plugin in enabled]


_host: PluginHost | None = None


def get_host() -> PluginHost:
    """The process's plugin host, built on first use (never at import time)."""
    global _host
    if _host is None:
        set_host(PluginHost())
    return _host  # type: ignore[return-value]


def set_host(host: PluginHost | None) -> None:
    """Make ``host`` the process's: its declared audit actions become the ones ``audit.record``
    accepts."""
    global _host
    _host = host
    audit.register_actions(host.audit_event_types if host else ())
