"""Every English message id the marriage pages use has a Chinese translation."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

PLUGIN = Path(__file__).resolve().parents[3] / "plugins" / "marriage"
MSGID = re.compile(r"""(?<![A-Za-z])N?_\(\s*(["'])((?:(?!\1)[^\\]|\\.)*)\1""")


def used_msgids() -> set[str]:
    found = set()
    for path in PLUGIN.rglob("*"):
        if path.suffix in (".html", ".py"):
            found.update(match[2] for match in MSGID.finditer(path.read_text()))
    return found


def test_every_message_is_translated_into_chinese():
    with (PLUGIN / "locales/zh/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = {m.id: m.string for m in read_po(handle) if m.id}
    used = used_msgids()
    assert len(used) > 150
    missing = sorted(msgid for msgid in used if not catalog.get(msgid))
    assert missing == []
    placeholders = re.compile(r"%\(\w+\)s")
    for msgid in used:
        assert sorted(placeholders.findall(msgid)) == sorted(placeholders.findall(catalog[msgid]))
