"""Piccolo's configuration module (``PICCOLO_CONF=core.piccolo_conf``).

``DB`` is replaced by ``core.db.use_database``; the registry lists core's app and every
installed plugin's apps, as the plugins themselves declare them.
"""

from piccolo.conf.apps import AppRegistry

from core.db import engine_from_url
from core.plugins import get_host
from core.settings import get_settings

DB = engine_from_url(get_settings().database_url)

APP_REGISTRY = AppRegistry(apps=get_host().piccolo_apps())
