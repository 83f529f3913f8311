"""Plain data that plugins hand to the core through hooks.

Every contribution is a frozen dataclass. Ordering is an explicit field (``order``), never the
order pluggy happens to call implementations in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class PluginMeta:
    """What a plugin says about itself (its module's ``PLUGIN_META``)."""

    name: str
    """Slug: ``marriage``, ``funeral``, ``disability``, ``social_orgs``."""
    title: str
    """Chinese title shown to users (婚姻登记)."""
    title_en: str
    version: str
    mount: str
    """URL segment: API under ``/api/v1/<mount>``, pages under ``/<mount>``."""
    description: str = ""
    order: int = 100
    public_page: bool = False
    """``/<mount>/`` is public information (what the service is, what to bring), linked from
    the home page for everyone, signed in or not."""

    def title_in(self, lang: str) -> str:
        return self.title if lang == "zh" else self.title_en


@dataclass(frozen=True)
class PluginRoutes:
    """Route handlers (controllers, routers or functions) a plugin mounts."""

    api: Sequence[Any] = ()
    """Mounted under ``/api/v1/<mount>``."""
    pages: Sequence[Any] = ()
    """Mounted under ``/<mount>``."""
    public: Sequence[Any] = ()
    """Mounted at the root, for the rare page outside the plugin's prefix."""


@dataclass(frozen=True)
class Permission:
    name: str
    """Namespaced: ``marriage.register``."""
    description: str
    default_roles: tuple[str, ...]
    """Roles granted this permission: admin, clerk, reviewer, citizen, org."""


@dataclass(frozen=True)
class MenuItem:
    label: str
    label_en: str
    href: str
    order: int
    permission: str | None = None
    """Shown only to users holding it; ``None`` means everyone, signed in or not."""
    plugin: str = "core"


@dataclass(frozen=True)
class AuditEventType:
    name: str
    """Namespaced action: ``marriage.registration.created``."""
    label: str
    """English, as a message id: the declaring plugin's catalog (``locales/zh``) translates it
    wherever the action is shown (the audit log page)."""


@dataclass(frozen=True)
class CertificateTemplate:
    kind: str
    """``marriage``, ``divorce``, ``org_grade`` …; stored on each certificate."""
    title: str
    """Chinese, as printed on the certificate (结婚证)."""
    render: Callable[[dict[str, Any]], bytes]
    """Renders the stored certificate content (``Certificate.content`` plus ``number``,
    ``verify_url``) to PDF bytes."""
    title_en: str = ""
    """The title in English, a message id the plugin's catalog translates back to ``title``:
    how pages (verification, search results) name the certificate."""


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    name_en: str
    unit: str
    """``%``, ``件``, ``元``, ``个/万人`` …"""
    value: float | int | None
    target: float | int | None = None
    comparison: Literal[">=", "<=", "none"] = ">="
    definition: str = ""
    plugin: str = "core"
    order: int = 100
    series: Sequence[tuple[str, float | None]] = field(default_factory=tuple)
    """Optional points for a chart: (label, value), e.g. per month (``2026-03``) or per year;
    ``None`` for a period without data (a rate in a month without cases: a gap, not 0);
    a category label may be bilingual, ``中文 / English``, and is shown in the page's language."""
    computed_at: dt.datetime | None = None
    """When the figure was computed: set by ``core.indicator_cache``, not by plugins."""

    @property
    def met(self) -> bool | None:
        if self.target is None or self.value is None or self.comparison == "none":
            return None
        if self.comparison == ">=":
            return self.value >= self.target
        return self.value <= self.target


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    """Namespaced: ``marriage.mark_no_shows``."""
    every_seconds: int
    run: Callable[[dt.date], Awaitable[str | None]]
    """Called with the application's today; returns a short status line."""
    plugin: str = "core"


@dataclass(frozen=True)
class Phrase:
    """Text a page shows in its own language: an English message id of the contributing
    plugin's catalog (``locales/zh``) with ``%(name)s`` placeholders, and their values."""

    message: str
    values: Mapping[Any, Any] = field(default_factory=dict)
    """A ``Phrase`` value is translated in turn; a list is data listed (甲、乙 or A, B); any other
    value is data (a masked name, a number, a date) shown as it is in either language."""


@dataclass(frozen=True)
class SearchResult:
    kind: str
    title: str
    """Chinese, as the search API answers it; pages show ``phrase`` instead when given."""
    subtitle: str
    href: str
    plugin: str = "core"
    order: int = 100
    phrase: tuple[Phrase, Phrase | None] | None = None
    """Title and subtitle as a page shows them, in its language."""


@dataclass(frozen=True)
class OutgoingMessage:
    id: int
    recipient: str
    channel: str
    subject: str
    body: str


@dataclass(frozen=True)
class CliCommand:
    """A ``minzheng`` sub-command contributed by a plugin: ``minzheng <name> …``."""

    name: str
    help: str
    configure: Callable[[Any], None]
    """Adds arguments to the argparse sub-parser."""
    run: Callable[[Any], Awaitable[int]]
    """Runs with the parsed arguments after the database is configured; returns the exit code."""
    plugin: str = "core"


@dataclass(frozen=True)
class CalendarMove:
    """A date already told to a person that a newly entered official calendar changes
    (answer of ``minzheng_calendar_changed``). ``moved_to`` is None for an appointment cancelled
    because its day is now closed."""

    plugin: str
    entity: str
    """``divorce_application``, ``evaluation``, ``appointment`` …"""
    entity_id: str
    what: str
    """What the date is, both languages: ``冷静期届满日 / cooling-off ends``."""
    told: dt.date
    moved_to: dt.date | None
    person: str = ""
    """Whom it concerns, masked (``张*明``) or an organization's name."""
