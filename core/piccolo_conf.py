"""Piccolo's configuration module (``PICCOLO_CONF=core.piccolo_conf``).

Piccolo reads ``DB`` and ``APP_REGISTRY`` from here. Both are built on first access (PEP 562
module ``__getattr__``), never at import time: ``DB`` is the engine ``core.db.use_database`` bound
(or the configured database when nothing is bound yet, as for Piccolo's own CLI), and the registry
lists core's app and every installed plugin's apps, as the plugins themselves declare them.
"""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "DB":
        from core import db
        from core.settings import get_settings

        return db.current_engine() or db.use_database(get_settings().database_url)
    if name == "APP_REGISTRY":
        from piccolo.conf.apps import AppRegistry

        from core.plugins import get_host

        return AppRegistry(apps=get_host().piccolo_apps())
    raise AttributeError(name)
