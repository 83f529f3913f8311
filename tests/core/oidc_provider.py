"""A real OpenID Connect provider for the tests, built on authlib's server classes: the
authorization-code grant with the ``OpenIDCode`` extension (ID tokens signed RS256, nonce
required) and PKCE (``CodeChallenge``, required), discovery at
``/.well-known/openid-configuration``, keys at ``/jwks``. Its sign-in page asks for the identity
number and name the province would have verified. One process, started by a test on a free port:

    python tests/core/oidc_provider.py --port P --client-id ID --client-secret S --redirect-uri URI
"""

from __future__ import annotations

import argparse
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qsl, urlsplit

from authlib.oauth2.rfc6749 import AuthorizationServer, ClientMixin
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload, OAuth2Request
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import RSAKey

KEY = RSAKey.generate_key(2048, parameters={"kid": "test-key-1", "use": "sig", "alg": "RS256"})
ID_CLAIM = "id_number"
NAME_CLAIM = "name"


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uri: str

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s in ("openid", "profile"))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class AuthorizationCode:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: dict
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


CODES: dict[str, AuthorizationCode] = {}
LOCK = threading.Lock()


class CodeGrant(AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic", "client_secret_post"]

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        data = request.payload.data
        with LOCK:
            CODES[code] = AuthorizationCode(
                code=code,
                client_id=request.client.get_client_id(),
                redirect_uri=data.get("redirect_uri", ""),
                scope=request.scope or "",
                user=request.user,
                nonce=data.get("nonce"),
                code_challenge=data.get("code_challenge"),
                code_challenge_method=data.get("code_challenge_method"),
            )

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
        with LOCK:
            found = CODES.get(code)
        return found if found and found.client_id == client.get_client_id() else None

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        with LOCK:
            CODES.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: AuthorizationCode) -> dict:
        return authorization_code.user


class IdToken(OpenIDCode):
    issuer = ""

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        with LOCK:
            return any(
                c.nonce == nonce
                for c in CODES.values()
                if c.code != request.payload.data.get("code")
            )

    def resolve_client_private_key(self, client: Client) -> RSAKey:
        return KEY

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256"

    def get_encode_header(self, client: Client) -> dict:
        return {"alg": "RS256", "kid": KEY.kid}

    def get_client_claims(self, client: Client) -> dict:
        return {"iss": self.issuer, "aud": [client.get_client_id()], "exp": int(time.time()) + 300}

    def generate_user_info(self, user: dict, scope: str) -> UserInfo:
        return UserInfo(
            sub=f"sub-{user[ID_CLAIM]}", **{ID_CLAIM: user[ID_CLAIM], NAME_CLAIM: user[NAME_CLAIM]}
        )


class Server(AuthorizationServer):
    def __init__(self, client: Client) -> None:
        super().__init__(scopes_supported=["openid", "profile"])
        self.client = client
        self.register_token_generator(
            "default", BearerTokenGenerator(lambda **_: secrets.token_urlsafe(24))
        )
        self.register_grant(CodeGrant, [IdToken(require_nonce=True), CodeChallenge(required=True)])

    def query_client(self, client_id: str) -> Client | None:
        return self.client if client_id == self.client.client_id else None

    def save_token(self, token: dict, request: OAuth2Request) -> None:
        pass

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request

    def create_json_request(self, request: OAuth2Request) -> OAuth2Request:
        return request

    def handle_response(self, status: int, body: object, headers: list) -> tuple:
        return status, body, headers

    def send_signal(self, name: str, *args: object, **kwargs: object) -> None:
        pass


class Request(OAuth2Request):
    def __init__(self, method: str, uri: str, headers: dict, args: dict, form: dict) -> None:
        super().__init__(method, uri, headers=headers)
        self._args, self._form = args, form
        self.payload = BasicOAuth2Payload({**args, **form})

    @property
    def args(self) -> dict:
        return self._args

    @property
    def form(self) -> dict:
        return self._form


SIGN_IN = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>省统一身份认证平台</title></head><body><h1>省统一身份认证平台（测试）</h1>
<form method="post" action="/authorize?{query}">
<label>身份证号码 <input name="id_number" autocomplete="off"></label>
<label>姓名 <input name="name" autocomplete="off"></label>
<button type="submit">登录并授权</button></form></body></html>"""


def make_handler(server: Server, issuer: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(self, status: int, body: object, headers: list | dict) -> None:
            self.send_response(status)
            items = headers.items() if isinstance(headers, dict) else headers
            payload = (
                body
                if isinstance(body, bytes)
                else (body.encode() if isinstance(body, str) else json.dumps(body).encode())
            )
            names = set()
            for name, value in items:
                names.add(name.lower())
                self.send_header(name, value)
            if "content-type" not in names:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _request(self) -> Request:
            parts = urlsplit(self.path)
            args = dict(parse_qsl(parts.query))
            form: dict = {}
            if self.command == "POST":
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode()))
            return Request(self.command, issuer + self.path, dict(self.headers), args, form)

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == "/.well-known/openid-configuration":
                self._send(
                    200,
                    {
                        "issuer": issuer,
                        "authorization_endpoint": f"{issuer}/authorize",
                        "token_endpoint": f"{issuer}/token",
                        "jwks_uri": f"{issuer}/jwks",
                        "response_types_supported": ["code"],
                        "subject_types_supported": ["public"],
                        "id_token_signing_alg_values_supported": ["RS256"],
                        "code_challenge_methods_supported": ["S256"],
                        "token_endpoint_auth_methods_supported": [
                            "client_secret_basic",
                            "client_secret_post",
                        ],
                        "scopes_supported": ["openid", "profile"],
                    },
                    {},
                )
            elif path == "/jwks":
                self._send(200, {"keys": [KEY.as_dict(private=False)]}, {})
            elif path == "/authorize":
                request = self._request()
                try:
                    server.get_consent_grant(request=request, end_user=None)
                except Exception as exc:  # an invalid request: say so, never redirect
                    self._send(400, {"error": type(exc).__name__, "detail": str(exc)}, {})
                    return
                query = html.escape(urlsplit(self.path).query)
                self._send(
                    200, SIGN_IN.format(query=query), {"Content-Type": "text/html; charset=utf-8"}
                )
            else:
                self._send(404, {"error": "not_found"}, {})

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            request = self._request()
            if path == "/authorize":
                user = {
                    ID_CLAIM: request.form.get("id_number", ""),
                    NAME_CLAIM: request.form.get("name", ""),
                }
                request.user = user
                grant = server.get_consent_grant(request=request, end_user=user)
                status, body, headers = server.create_authorization_response(
                    request=request, grant_user=user, grant=grant
                )
                self._send(status, body or "", headers)
            elif path == "/token":
                status, body, headers = server.create_token_response(request)
                self._send(status, body, headers)
            else:
                self._send(404, {"error": "not_found"}, {})

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--redirect-uri", required=True)
    options = parser.parse_args()
    issuer = f"http://127.0.0.1:{options.port}"
    IdToken.issuer = issuer
    server = Server(Client(options.client_id, options.client_secret, options.redirect_uri))
    httpd = ThreadingHTTPServer(("127.0.0.1", options.port), make_handler(server, issuer))
    print("ready", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
