"""Issue #2 item 13: MINZHENG_SECRET_KEY, or a key generated once into the data directory with
mode 0600 and reused afterwards; never a constant."""

from __future__ import annotations

import re
import stat
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from core.settings import load_settings
from tests.core.support import ROOT


def test_a_key_is_generated_once_with_mode_0600_and_reused(tmp_path: Path):
    first = load_settings({"MINZHENG_DATA_DIR": str(tmp_path)})
    path = tmp_path / "secret.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first.secret_key) >= 48 and path.read_text().strip() == first.secret_key
    again = load_settings({"MINZHENG_DATA_DIR": str(tmp_path)})
    assert again.secret_key == first.secret_key
    # No temporary files left; the audit chain's key is generated the same way.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audit.key", "secret.key"]


def test_every_installation_gets_its_own_key(tmp_path: Path):
    keys = {
        load_settings({"MINZHENG_DATA_DIR": str(tmp_path / str(n))}).secret_key for n in range(5)
    }
    assert len(keys) == 5


def test_the_environment_wins_and_writes_nothing(tmp_path: Path):
    settings = load_settings(
        {"MINZHENG_DATA_DIR": str(tmp_path), "MINZHENG_SECRET_KEY": "from-the-vault-" + "k" * 40}
    )
    assert settings.secret_key == "from-the-vault-" + "k" * 40
    assert not (tmp_path / "secret.key").exists()
    assert "from-the-vault" not in repr(settings)


def test_an_empty_key_file_is_refused(tmp_path: Path):
    (tmp_path / "secret.key").write_text("\n")
    with pytest.raises(ValueError, match="empty"):
        load_settings({"MINZHENG_DATA_DIR": str(tmp_path)})


def _key_in(directory: str) -> str:
    return load_settings({"MINZHENG_DATA_DIR": directory}).secret_key


def test_processes_starting_together_agree_on_one_key(tmp_path: Path):
    with ProcessPoolExecutor(max_workers=6) as pool:
        keys = list(pool.map(_key_in, [str(tmp_path)] * 12))
    assert len(set(keys)) == 1
    assert (tmp_path / "secret.key").read_text().strip() == keys[0]


def test_no_secret_constant_in_the_source():
    """No core module assigns a literal to anything named like a key or a secret."""
    literal = re.compile(r"(secret|key)\w*\s*[:=]\s*[\"'][A-Za-z0-9_\-+/=]{16,}[\"']", re.I)
    offenders = [
        str(path)
        for path in (ROOT / "core").rglob("*.py")
        if literal.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
