"""A small but real OpenID Connect provider, for the tests and for trying sign-in by hand.

It speaks the authorization-code flow the way a production provider does: discovery, an
authorization endpoint that checks the client, the redirect URI, `response_type=code` and a PKCE
S256 challenge; a token endpoint that authenticates the client with exactly the configured
method (`client_secret_basic` or `client_secret_post`), checks the code, the redirect URI and
the PKCE verifier, and returns an RS256 ID token signed with a key made at start-up; the JWKS
with that key's public half; and a userinfo endpoint.

In tests it approves a configured person at once (`ProviderConfig.user`; `None` means the
person cancels). It can also misbehave on purpose (`id_token_overrides`, `tamper_id_token`) so
the tests can check that the relying party refuses what it must refuse.

Run it as a server for a browser (it then shows a form to choose who signs in):

    python -m tests.oidc_provider --port 9100

and start Valleycross with OIDC_ISSUER=http://127.0.0.1:9100, OIDC_CLIENT_ID=valleycross-dev,
OIDC_CLIENT_SECRET=dev-secret (see README.md, "OpenID Connect").
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import html
import json
import secrets
import time
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote_plus, urlencode

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

AUTH_METHODS = ("client_secret_basic", "client_secret_post")


@dataclass
class ProviderUser:
    """The person who signs in at the provider."""

    sub: str
    email: str | None = None
    email_verified: bool = False
    name: str | None = None


@dataclass
class ProviderConfig:
    issuer: str = "https://id.example.test"
    client_id: str = "valleycross"
    client_secret: str = "provider-secret-0123456789"
    redirect_uris: list[str] = field(
        default_factory=lambda: ["http://testserver/auth/oidc/callback"])
    token_endpoint_auth_method: str = "client_secret_basic"
    scopes_supported: list[str] = field(
        default_factory=lambda: ["openid", "email", "profile"])
    # Who signs in when `auto_approve` is on; None: the person clicks "cancel".
    user: ProviderUser | None = None
    auto_approve: bool = True
    # Put email claims into the ID token (else only the userinfo endpoint has them).
    email_in_id_token: bool = True
    id_token_lifetime_seconds: int = 300
    # Faults on purpose: claims to replace in the ID token (None removes one), and changing the
    # signed token's payload afterwards (an attacker's edit).
    id_token_overrides: dict[str, Any] = field(default_factory=dict)
    tamper_id_token: bool = False


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def s256(verifier: str) -> str:
    """The PKCE S256 code challenge for a verifier (RFC 7636 section 4.2)."""
    return _b64url(hashlib.sha256(verifier.encode()).digest())


def _error(error: str, description: str, status: int = 400,
           headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status,
                        headers={"Cache-Control": "no-store", **(headers or {})})


class Provider:
    """One provider instance: its key, its codes and tokens, and what it was asked."""

    def __init__(self, config: ProviderConfig | None = None) -> None:
        self.config = config or ProviderConfig()
        if self.config.token_endpoint_auth_method not in AUTH_METHODS:
            raise ValueError(f"token_endpoint_auth_method must be one of {AUTH_METHODS}")
        self.key = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"})
        self.key.ensure_kid()
        self.codes: dict[str, dict[str, Any]] = {}
        self.access_tokens: dict[str, dict[str, Any]] = {}
        self.pending: dict[str, dict[str, str]] = {}
        # What the relying party sent, for the tests to inspect.
        self.authorization_requests: list[dict[str, str]] = []
        self.token_requests: list[dict[str, Any]] = []
        self.issued_id_tokens: list[str] = []
        self.app = Starlette(routes=[
            Route("/.well-known/openid-configuration", self.discovery),
            Route("/authorize", self.authorize),
            Route("/authorize/decision", self.decision, methods=["POST"]),
            Route("/token", self.token, methods=["POST"]),
            Route("/jwks", self.jwks),
            Route("/userinfo", self.userinfo, methods=["GET", "POST"]),
        ])

    # --- discovery and keys ---

    async def discovery(self, request: Request) -> JSONResponse:
        issuer = self.config.issuer.rstrip("/")
        return JSONResponse({
            "issuer": self.config.issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks",
            "userinfo_endpoint": f"{issuer}/userinfo",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": [self.config.token_endpoint_auth_method],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": self.config.scopes_supported,
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "email",
                                 "email_verified", "name"],
        })

    async def jwks(self, request: Request) -> JSONResponse:
        return JSONResponse(KeySet([self.key]).as_dict(private=False))

    # --- authorization endpoint ---

    async def authorize(self, request: Request) -> Response:
        params = dict(request.query_params)
        self.authorization_requests.append(params)
        if params.get("client_id") != self.config.client_id:
            return HTMLResponse("<h1>Unknown client</h1>", status_code=400)
        redirect_uri = params.get("redirect_uri", "")
        if redirect_uri not in self.config.redirect_uris:
            # Never redirect to an unregistered address (OIDC Core 3.1.2.1).
            return HTMLResponse("<h1>This redirect_uri is not registered</h1>", status_code=400)
        state = params.get("state", "")
        if params.get("response_type") != "code":
            return self._back(redirect_uri, state, error="unsupported_response_type")
        scopes = params.get("scope", "").split()
        if "openid" not in scopes or not set(scopes) <= set(self.config.scopes_supported):
            return self._back(redirect_uri, state, error="invalid_scope",
                              error_description="openid is required; allowed: "
                              + " ".join(self.config.scopes_supported))
        if not params.get("code_challenge") or params.get("code_challenge_method") != "S256":
            return self._back(redirect_uri, state, error="invalid_request",
                              error_description="PKCE with S256 is required")
        if self.config.auto_approve:
            if self.config.user is None:
                return self._back(redirect_uri, state, error="access_denied",
                                  error_description="The user cancelled")
            return self._approve(params, self.config.user)
        request_id = secrets.token_urlsafe(16)
        self.pending[request_id] = params
        return HTMLResponse(self._consent_page(request_id, params))

    async def decision(self, request: Request) -> Response:
        form = await request.form()
        params = self.pending.pop(str(form.get("request_id", "")), None)
        if params is None:
            return HTMLResponse("<h1>Unknown or used request</h1>", status_code=400)
        if form.get("action") != "approve":
            return self._back(params["redirect_uri"], params.get("state", ""),
                              error="access_denied", error_description="The user cancelled")
        email = str(form.get("email", "")).strip() or None
        user = ProviderUser(sub=str(form.get("sub", "")).strip() or "dev-user", email=email,
                            email_verified=form.get("email_verified") == "on",
                            name=str(form.get("name", "")).strip() or None)
        return self._approve(params, user)

    def _back(self, redirect_uri: str, state: str, **values: str) -> RedirectResponse:
        query = {**values, **({"state": state} if state else {})}
        return RedirectResponse(f"{redirect_uri}?{urlencode(query)}", status_code=302)

    def _approve(self, params: dict[str, str], user: ProviderUser) -> RedirectResponse:
        code = secrets.token_urlsafe(24)
        self.codes[code] = {
            "client_id": params["client_id"], "redirect_uri": params["redirect_uri"],
            "code_challenge": params["code_challenge"], "nonce": params.get("nonce"),
            "scopes": params.get("scope", "").split(), "user": replace(user),
            "expires_at": time.time() + 60,
        }
        return self._back(params["redirect_uri"], params.get("state", ""), code=code)

    def _consent_page(self, request_id: str, params: dict[str, str]) -> str:
        esc = html.escape
        return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Test OpenID Provider</title></head><body style="font-family:sans-serif;max-width:36em">
<h1>Test OpenID Provider</h1>
<p><strong>{esc(params["client_id"])}</strong> asks who you are
(scopes: <code>{esc(params.get("scope", ""))}</code>).</p>
<form method="post" action="/authorize/decision">
<input type="hidden" name="request_id" value="{esc(request_id)}">
<p><label>Subject (sub, the provider's id for you)<br>
<input name="sub" value="dev-user-1" required></label></p>
<p><label>Email (leave empty to send none, like ORCID)<br>
<input name="email" type="email" value="dev@example.org"></label></p>
<p><label><input type="checkbox" name="email_verified" checked> email_verified</label></p>
<p><label>Name<br><input name="name" value="Dev User"></label></p>
<p><button name="action" value="approve">Sign in</button>
<button name="action" value="cancel">Cancel</button></p>
</form></body></html>"""

    # --- token endpoint ---

    def _authenticate_client(self, request: Request, form: dict[str, str]) -> str | None:
        """The problem with the client's credentials, or None when they are right."""
        header = request.headers.get("authorization", "")
        method = self.config.token_endpoint_auth_method
        if method == "client_secret_basic":
            if "client_secret" in form:
                return "client_secret_post is not allowed for this client"
            if not header.lower().startswith("basic "):
                return "client_secret_basic authentication is required"
            try:
                decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
                client_id, secret = (unquote_plus(part) for part in decoded.split(":", 1))
            except ValueError:
                return "malformed Basic credentials"
        else:
            if header:
                return "client_secret_post is required for this client"
            client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if client_id != self.config.client_id or not hmac.compare_digest(
                secret.encode(), self.config.client_secret.encode()):
            return "unknown client or wrong secret"
        form["client_id"] = client_id
        return None

    async def token(self, request: Request) -> JSONResponse:
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        record: dict[str, Any] = {"form": dict(form),
                                  "authorization": request.headers.get("authorization")}
        self.token_requests.append(record)
        problem = self._authenticate_client(request, form)
        if problem:
            record["refused"] = problem
            return _error("invalid_client", problem, status=401,
                          headers={"WWW-Authenticate": 'Basic realm="token"'})
        if form.get("grant_type") != "authorization_code":
            record["refused"] = "grant_type"
            return _error("unsupported_grant_type", "only authorization_code")
        grant = self.codes.pop(form.get("code", ""), None)  # one use only
        problem = self._check_grant(grant, form)
        if problem or grant is None:
            record["refused"] = problem
            return _error("invalid_grant", problem or "unknown code")
        access_token = secrets.token_urlsafe(32)
        self.access_tokens[access_token] = grant
        id_token = self._id_token(grant, access_token)
        self.issued_id_tokens.append(id_token)
        return JSONResponse({"access_token": access_token, "token_type": "Bearer",
                             "expires_in": 600, "scope": " ".join(grant["scopes"]),
                             "id_token": id_token}, headers={"Cache-Control": "no-store"})

    @staticmethod
    def _check_grant(grant: dict[str, Any] | None, form: dict[str, str]) -> str | None:
        if grant is None:
            return "unknown or already used code"
        if grant["expires_at"] < time.time():
            return "the code has expired"
        if grant["client_id"] != form["client_id"]:
            return "the code was issued to another client"
        if grant["redirect_uri"] != form.get("redirect_uri"):
            return "redirect_uri differs from the authorization request"
        verifier = form.get("code_verifier", "")
        if not 43 <= len(verifier) <= 128:
            return "PKCE code_verifier missing or of the wrong length"
        if not hmac.compare_digest(s256(verifier), grant["code_challenge"]):
            return "PKCE verification failed"
        return None

    def _claims_for(self, grant: dict[str, Any], *, for_id_token: bool) -> dict[str, Any]:
        user: ProviderUser = grant["user"]
        claims: dict[str, Any] = {"sub": user.sub}
        scopes = grant["scopes"]
        wants_email = not for_id_token or self.config.email_in_id_token
        if "email" in scopes and user.email and wants_email:
            claims.update(email=user.email, email_verified=user.email_verified)
        if "profile" in scopes and user.name:
            claims["name"] = user.name
        return claims

    def _id_token(self, grant: dict[str, Any], access_token: str) -> str:
        now = int(time.time())
        digest = hashlib.sha256(access_token.encode()).digest()
        claims: dict[str, Any] = {
            "iss": self.config.issuer, "aud": grant["client_id"], "iat": now, "auth_time": now,
            "exp": now + self.config.id_token_lifetime_seconds,
            "at_hash": _b64url(digest[: len(digest) // 2]),
            **self._claims_for(grant, for_id_token=True),
        }
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        for name, value in self.config.id_token_overrides.items():
            if value is None:
                claims.pop(name, None)
            else:
                claims[name] = value
        token = jwt.encode({"alg": "RS256", "kid": self.key.kid, "typ": "JWT"}, claims,
                           self.key)
        if self.config.tamper_id_token:
            header, _, signature = token.split(".")
            forged = {**claims, "sub": "someone-else"}
            token = ".".join([header, _b64url(json.dumps(forged).encode()), signature])
        return token

    # --- userinfo ---

    async def userinfo(self, request: Request) -> JSONResponse:
        header = request.headers.get("authorization", "")
        grant = self.access_tokens.get(header[7:]) if header.startswith("Bearer ") else None
        if grant is None:
            return JSONResponse({"error": "invalid_token"}, status_code=401,
                                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        return JSONResponse(self._claims_for(grant, for_id_token=False))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the test OpenID Connect provider.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--issuer", default=None, help="default: http://HOST:PORT")
    parser.add_argument("--client-id", default="valleycross-dev")
    parser.add_argument("--client-secret", default="dev-secret")
    parser.add_argument("--redirect-uri", action="append", dest="redirect_uris",
                        help="registered redirect URI (repeatable); "
                             "default: http://127.0.0.1:8000/auth/oidc/callback")
    parser.add_argument("--auth-method", choices=AUTH_METHODS, default="client_secret_basic",
                        help="token endpoint client authentication (ORCID: client_secret_post)")
    args = parser.parse_args(argv)
    issuer = args.issuer or f"http://{args.host}:{args.port}"
    provider = Provider(ProviderConfig(
        issuer=issuer, client_id=args.client_id, client_secret=args.client_secret,
        redirect_uris=args.redirect_uris or ["http://127.0.0.1:8000/auth/oidc/callback"],
        token_endpoint_auth_method=args.auth_method, auto_approve=False))
    print(f"Test OpenID provider at {issuer}\n"
          f"  OIDC_ISSUER={issuer}\n  OIDC_CLIENT_ID={args.client_id}\n"
          f"  OIDC_CLIENT_SECRET={args.client_secret}\n"
          f"  OIDC_TOKEN_ENDPOINT_AUTH_METHOD={args.auth_method}\n"
          f"  redirect URIs: {', '.join(provider.config.redirect_uris)}")

    import uvicorn

    uvicorn.run(provider.app, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
