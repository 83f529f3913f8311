"""Signing in through the province's unified identity provider (统一身份认证), OpenID Connect.

Authorization code flow with PKCE (S256) through authlib's client; the provider's endpoints and
keys come from its discovery document (``{issuer}/.well-known/openid-configuration``); the ID
token is checked with joserfc (authlib's JOSE library): signature against the provider's JWKS,
``iss``, ``aud``, ``exp``, ``iat`` and the ``nonce`` of this sign-in. ``state``, ``nonce`` and
the PKCE verifier travel in a short-lived cookie signed with the secret key, so any app process
can finish a sign-in another one started.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import warnings
from typing import TYPE_CHECKING, Any

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from core.refusals import Refusal
from core.settings import Settings

if TYPE_CHECKING:
    from authlib.integrations.httpx_client import AsyncOAuth2Client

STATE_COOKIE = "mz_oidc"
STATE_TTL = 600
METADATA_TTL = 3600
TIMEOUT = 10.0
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]

_metadata: dict[str, tuple[float, dict[str, Any]]] = {}
_keys: dict[str, tuple[float, KeySet]] = {}


def oidc_failed(why: str) -> Refusal:
    return Refusal(
        "OIDC_FAILED",
        zh="统一身份认证登录失败，请重试",
        en=f"Sign-in through the identity provider failed ({why}); please try again",
        english_first=True,
    )


def require_configured(settings: Settings) -> None:
    """Unconfigured, the sign-in paths do not exist (404)."""
    if not settings.oidc_enabled:
        raise Refusal.not_found()


async def _get_json(url: str) -> dict[str, Any]:
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            response = await http.get(url)
    except httpx.HTTPError:
        raise oidc_failed("provider unreachable") from None
    if response.status_code != 200:
        raise oidc_failed(f"provider answered {response.status_code}")
    try:
        return response.json()
    except ValueError:
        raise oidc_failed("provider sent no JSON") from None


async def provider_metadata(issuer: str) -> dict[str, Any]:
    cached = _metadata.get(issuer)
    if cached and cached[0] > time.monotonic():
        return cached[1]
    body = await _get_json(f"{issuer}/.well-known/openid-configuration")
    if body.get("issuer", "").rstrip("/") != issuer:
        raise oidc_failed("discovery names another issuer")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not isinstance(body.get(key), str):
            raise oidc_failed(f"discovery lacks {key}")
    _metadata[issuer] = (time.monotonic() + METADATA_TTL, body)
    return body


async def provider_keys(jwks_uri: str, *, refresh: bool = False) -> KeySet:
    cached = _keys.get(jwks_uri)
    if cached and cached[0] > time.monotonic() and not refresh:
        return cached[1]
    try:
        keys = KeySet.import_key_set(await _get_json(jwks_uri))  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError):
        raise oidc_failed("unusable provider keys") from None
    _keys[jwks_uri] = (time.monotonic() + METADATA_TTL, keys)
    return keys


def _sign(secret: str, payload: bytes) -> str:
    return hmac.new(secret.encode(), b"oidc-state:" + payload, hashlib.sha256).hexdigest()


def pack_state(secret: str, values: dict[str, str]) -> str:
    payload = base64.urlsafe_b64encode(
        json.dumps({**values, "exp": int(time.time()) + STATE_TTL}).encode()
    )
    return f"{payload.decode()}.{_sign(secret, payload)}"


def unpack_state(secret: str, value: str | None) -> dict[str, Any] | None:
    """The values of an untampered, unexpired state cookie, else None."""
    if not value or "." not in value:
        return None
    payload, signature = value.rsplit(".", 1)
    if not hmac.compare_digest(signature.encode(), _sign(secret, payload.encode()).encode()):
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except ValueError:
        return None
    if not isinstance(values, dict) or int(values.get("exp", 0)) < time.time():
        return None
    return values


def _client(settings: Settings, redirect_uri: str) -> AsyncOAuth2Client:
    with warnings.catch_warnings():
        # authlib 1.9 announces a move of its httpx integration; the API used here stays.
        warnings.simplefilter("ignore", DeprecationWarning)
        from authlib.integrations.httpx_client import AsyncOAuth2Client
    return AsyncOAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret or None,
        scope="openid profile",
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=TIMEOUT,
    )


async def start_sign_in(settings: Settings, redirect_uri: str, target: str) -> tuple[str, str]:
    """The provider's authorization URL and the signed state cookie to set."""
    metadata = await provider_metadata(settings.oidc_issuer)
    state, nonce = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
    verifier = secrets.token_urlsafe(64)
    async with _client(settings, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            metadata["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
        )
    cookie = pack_state(
        settings.secret_key,
        {"state": state, "nonce": nonce, "verifier": verifier, "next": target},
    )
    return url, cookie


async def finish_sign_in(
    settings: Settings, redirect_uri: str, params: dict[str, str], cookie: str | None
) -> tuple[str, str, str]:
    """Check the provider's answer and the ID token: (identity number, name, next page)."""
    saved = unpack_state(settings.secret_key, cookie)
    if saved is None:
        raise oidc_failed("sign-in expired or started elsewhere")
    if params.get("error"):
        raise oidc_failed("refused at the provider")
    state = params.get("state") or ""
    if not hmac.compare_digest(state.encode(), str(saved["state"]).encode()):
        raise oidc_failed("state mismatch")
    code = params.get("code")
    if not code:
        raise oidc_failed("no authorization code")
    metadata = await provider_metadata(settings.oidc_issuer)
    try:
        async with _client(settings, redirect_uri) as client:
            token = await client.fetch_token(
                metadata["token_endpoint"], code=code, code_verifier=saved["verifier"]
            )
    except Exception as exc:  # an OAuth error answer or a transport failure, never a 500
        raise oidc_failed(f"token request refused: {type(exc).__name__}") from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise oidc_failed("no ID token")
    claims = await _verified_claims(settings, metadata, id_token, str(saved["nonce"]))
    number = claims.get(settings.oidc_id_claim)
    name = claims.get(settings.oidc_name_claim)
    if not isinstance(number, str) or not isinstance(name, str):
        raise oidc_failed("the ID token lacks the identity number or name")
    return number, name, str(saved.get("next") or "/")


async def _verified_claims(
    settings: Settings, metadata: dict[str, Any], id_token: str, nonce: str
) -> dict[str, Any]:
    keys = await provider_keys(metadata["jwks_uri"])
    try:
        try:
            decoded = jwt.decode(id_token, keys, algorithms=SIGNING_ALGORITHMS)
        except JoseError:  # perhaps a rotated key: fetch the set once more
            keys = await provider_keys(metadata["jwks_uri"], refresh=True)
            decoded = jwt.decode(id_token, keys, algorithms=SIGNING_ALGORITHMS)
        jwt.JWTClaimsRegistry(
            leeway=60,
            iss={"essential": True, "value": metadata["issuer"]},
            aud={"essential": True, "value": settings.oidc_client_id},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(decoded.claims)
    except (JoseError, ValueError) as exc:
        raise oidc_failed(f"invalid ID token: {type(exc).__name__}") from None
    return decoded.claims
