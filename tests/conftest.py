"""Root of the test suite: the environment, set before the application is imported, and the
fixture modules (tests/fixtures/). Identity numbers, credit codes, staff sign-ins and the test
clock come from tests/factories.py, nowhere else (tests/test_factories_guard.py)."""

from __future__ import annotations

import os
import tempfile
import uuid

os.environ.update(
    {
        "MINZHENG_ENV": "test",
        "MINZHENG_DATA_DIR": tempfile.mkdtemp(prefix="minzheng-test-"),
        "MINZHENG_ADDRESS_RATE_LIMIT": "0",
        "MINZHENG_PUBLIC_URL": "http://testserver",
        # A change shows in the next view of the indicators (tests/core/test_indicator_cache.py
        # sets the production bound to test serving stale figures while they are refreshed).
        "MINZHENG_INDICATOR_STALENESS_SECONDS": "0",
        # One audit key for this process and the CLI processes and servers it starts.
        "MINZHENG_AUDIT_KEY": f"test-audit-key-{uuid.uuid4().hex}",
        "PICCOLO_CONF": "core.piccolo_conf",
    }
)
os.environ.pop("MINZHENG_REDIS_URL", None)
os.environ.pop("MINZHENG_DATABASE_URL", None)

pytest_plugins = [
    "tests.fixtures.engines",
    "tests.fixtures.app",
    "tests.fixtures.users",
    "tests.fixtures.clock",
    "tests.fixtures.live_server",
]
