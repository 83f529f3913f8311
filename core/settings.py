"""Settings read from the environment (API.md "Configuration").

One frozen dataclass, one docstring per field; ``get_settings()`` caches it per process.
Nothing here is a secret constant: the key comes from the environment or is generated once
into the data directory with mode 0600.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Literal

Environment = Literal["production", "development", "test"]


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("var")
    """Where generated keys, backups and the default SQLite file live (MINZHENG_DATA_DIR)."""

    database_url: str = ""
    """``sqlite:///path.db`` or ``postgresql://user:pw@host:port/db`` (MINZHENG_DATABASE_URL)."""

    env: Environment = "development"
    """``production``, ``development`` or ``test`` (MINZHENG_ENV); test enables the test clock."""

    public_url: str = "http://127.0.0.1:8000"
    """Base URL printed in certificate QR codes (MINZHENG_PUBLIC_URL)."""

    redis_url: str | None = None
    """Optional shared store for rate limits across processes (MINZHENG_REDIS_URL)."""

    address_rate_limit: int = 60
    """Requests per minute per client address on login, sign-up and booking; 0 turns it off."""

    population: int = 280_000
    """Registered residents of the district, the denominator of per-10,000 indicators
    (MINZHENG_POPULATION)."""

    indicator_staleness_seconds: float = 60.0
    """How old today's cached indicators may be, after a change, and still be shown while they
    are refreshed in the background (MINZHENG_INDICATOR_STALENESS_SECONDS; 0: every change is
    counted before the next view answers)."""

    district_division: str = "440704"
    """The bureau's own 6-digit division code (MINZHENG_DISTRICT_DIVISION)."""

    token_ttl_hours: int = 12
    """Lifetime of bearer tokens and browser sessions."""

    run_jobs: bool = True
    """Whether this process runs the scheduled-jobs loop (MINZHENG_RUN_JOBS, ``1``/``0``; default
    on, off under ``MINZHENG_ENV=test``). Job leases keep each job to one process at a time
    across hosts; deployments still give the loop to one ``minzheng jobs --loop`` service."""

    oidc_issuer: str = ""
    """The province's unified identity provider (OpenID Connect issuer URL, MINZHENG_OIDC_ISSUER);
    empty: sign-in through it is off."""

    oidc_client_id: str = ""
    """This bureau's client id at that provider (MINZHENG_OIDC_CLIENT_ID)."""

    oidc_client_secret: str = field(default="", repr=False)
    """The client secret (MINZHENG_OIDC_CLIENT_SECRET)."""

    oidc_id_claim: str = "id_number"
    """The ID-token claim holding the verified identity number (MINZHENG_OIDC_ID_CLAIM)."""

    oidc_name_claim: str = "name"
    """The ID-token claim holding the verified name (MINZHENG_OIDC_NAME_CLAIM)."""

    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    """Reverse proxies whose X-Forwarded-For/-Proto are believed (MINZHENG_TRUSTED_PROXIES, a
    comma-separated CIDR list); empty: none."""

    json_max_bytes: int = 1024 * 1024
    """Largest request body outside the roster upload: JSON and forms (MINZHENG_JSON_MAX_BYTES)."""

    roster_max_bytes: int = 20 * 1024 * 1024
    """Largest roster file accepted for import (MINZHENG_ROSTER_MAX_BYTES)."""

    roster_max_rows: int = 100_000
    """Most rows a roster file may have, header included (MINZHENG_ROSTER_MAX_ROWS)."""

    secret_key: str = field(default="", repr=False)
    """Signs sessions and certificate check codes (MINZHENG_SECRET_KEY or data_dir/secret.key)."""

    audit_key: str = field(default="", repr=False)
    """Keys the audit chain's HMAC; kept outside the database (MINZHENG_AUDIT_KEY or
    data_dir/audit.key). Losing it makes the chain unverifiable: back it up apart from backups."""

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def is_test(self) -> bool:
        return self.env == "test"


def parse_networks(spec: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """``"10.0.0.0/8, 127.0.0.1"`` → networks; a malformed entry stops start-up (ValueError)."""
    return tuple(
        ipaddress.ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip()
    )


def ensure_data_dir(data_dir: Path) -> None:
    """Create the data directory private to this user (0700); tighten one we own that others
    could read (database, backups and keys live there)."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = data_dir.stat()
    if info.st_uid == os.getuid() and info.st_mode & 0o077:
        data_dir.chmod(0o700)


def _load_or_create_secret(data_dir: Path, name: str = "secret.key") -> str:
    """The key in ``data_dir/<name>``, generated on first use (mode 0600).

    Several processes may start at once (``serve --workers N``): each writes its candidate to a
    private temporary file and hard-links it into place, which succeeds for exactly one of them;
    the others read the winner's. Nobody ever sees a half-written key.
    """
    path = data_dir / name
    if not path.exists():
        ensure_data_dir(data_dir)
        candidate = data_dir / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass  # another process won the race; use its key
        finally:
            candidate.unlink()
    key = path.read_text().strip()
    if not key:
        raise ValueError(
            f"{path} is empty: delete it to generate a new key, or set MINZHENG_SECRET_KEY"
        )
    return key


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build settings from ``environ`` (default: the process environment)."""
    env = os.environ if environ is None else environ
    data_dir = Path(env.get("MINZHENG_DATA_DIR", "var"))
    mode = env.get("MINZHENG_ENV", "development")
    if mode not in ("production", "development", "test"):
        raise ValueError(f"MINZHENG_ENV must be production, development or test, not {mode!r}")
    ensure_data_dir(data_dir)
    database_url = env.get("MINZHENG_DATABASE_URL") or f"sqlite:///{data_dir / 'minzheng.db'}"
    return Settings(
        data_dir=data_dir,
        database_url=database_url,
        env=mode,  # type: ignore[arg-type]
        public_url=env.get("MINZHENG_PUBLIC_URL", default_public_url(env)).rstrip("/"),
        redis_url=env.get("MINZHENG_REDIS_URL") or None,
        address_rate_limit=int(env.get("MINZHENG_ADDRESS_RATE_LIMIT", "60")),
        population=int(env.get("MINZHENG_POPULATION", "280000")),
        indicator_staleness_seconds=float(env.get("MINZHENG_INDICATOR_STALENESS_SECONDS", "60")),
        district_division=env.get("MINZHENG_DISTRICT_DIVISION", "440704"),
        token_ttl_hours=int(env.get("MINZHENG_TOKEN_TTL_HOURS", "12")),
        trusted_proxies=parse_networks(env.get("MINZHENG_TRUSTED_PROXIES", "")),
        json_max_bytes=int(env.get("MINZHENG_JSON_MAX_BYTES", str(1024 * 1024))),
        roster_max_bytes=int(env.get("MINZHENG_ROSTER_MAX_BYTES", str(20 * 1024 * 1024))),
        roster_max_rows=int(env.get("MINZHENG_ROSTER_MAX_ROWS", "100000")),
        run_jobs=env.get("MINZHENG_RUN_JOBS", "0" if mode == "test" else "1") not in ("0", ""),
        oidc_issuer=env.get("MINZHENG_OIDC_ISSUER", "").rstrip("/"),
        oidc_client_id=env.get("MINZHENG_OIDC_CLIENT_ID", ""),
        oidc_client_secret=env.get("MINZHENG_OIDC_CLIENT_SECRET", ""),
        oidc_id_claim=env.get("MINZHENG_OIDC_ID_CLAIM") or "id_number",
        oidc_name_claim=env.get("MINZHENG_OIDC_NAME_CLAIM") or "name",
        secret_key=env.get("MINZHENG_SECRET_KEY") or _load_or_create_secret(data_dir),
        audit_key=env.get("MINZHENG_AUDIT_KEY") or _load_or_create_secret(data_dir, "audit.key"),
    )


def default_public_url(env: Mapping[str, str]) -> str:
    """Without ``MINZHENG_PUBLIC_URL``: this machine on the port being served (``PORT``, as
    ``./run demo`` and ``minzheng serve --port`` set it), so printed links and QR codes work."""
    port = env.get("PORT", "8000").strip() or "8000"
    return f"http://127.0.0.1:{port}"


@cache
def get_settings() -> Settings:
    return load_settings()
