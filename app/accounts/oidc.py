"""OpenID Connect sign-in: the Authlib client built from settings and the verified claims.

Authlib does the protocol work: discovery, the authorization-code flow with PKCE (S256), the
`state` check, the token request with the configured client authentication, and the ID token's
signature (against the provider's JWKS), `nonce`, `exp` and `iat`. Two checks Authlib leaves to
the caller are made here: the discovery document must name the configured issuer, and the
ID token's `aud` must contain our client id.

Which local account a provider login belongs to is decided in `app/accounts/identities.py`, by
this rule (OWASP ASVS V10; it prevents pre-account takeover):

- A provider account is known by issuer + `sub`, never by email. A known issuer + `sub` signs
  in to the account it is linked to.
- A provider identity is never attached to an existing account because the emails match, not
  even with `email_verified: true`: local accounts never prove their email, so whoever
  registered the address first (perhaps an attacker who kept the password) would get the
  provider's user. A first login whose email belongs to an account here is refused with a page
  that says so: sign in to that account (with its password) and link the provider from the
  account page.
- A first login with an email nobody here has (or with none, as ORCID) makes a new solver
  account; without an email the person is asked for one, and an address in use is refused.
- Linking is only done by a signed-in person from the account page: the flow runs in "link
  mode" (the intent, the user id and the flow's `state` kept in the session) and the callback
  attaches the verified issuer + `sub` to that same, still signed-in user, unless another
  account already has it. Unlinking is refused when it would leave no way to sign in.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.starlette_client import OAuth
from joserfc.errors import JoseError
from starlette.requests import Request
from starlette.responses import Response

from app.config import Settings
from app.errors import AppError
from app.i18n.translate import N_, translatable

log = logging.getLogger("valleycross.security")

CLIENT_NAME = "oidc"
CALLBACK_PATH = "/auth/oidc/callback"
HTTP_TIMEOUT_SECONDS = 10.0
_ERROR_CODE = re.compile(r"[a-z_]{1,40}")


class SignInFailed(AppError):
    """An OpenID Connect sign-in (or link) that did not succeed; `code` is the audited reason.

    `subject_user_id` names the local account concerned when it is not the person's own (the
    holder of an email, the owner of an identity), for the audit record only.
    """

    def __init__(self, reason: str, message: str, *, status_code: int = 401,
                 detail: str = "", subject_user_id: int | None = None) -> None:
        super().__init__(message, code=reason)
        self.status_code = status_code
        self.detail = detail[:300]
        self.subject_user_id = subject_user_id


# --- the Authlib client ---------------------------------------------------------------------


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def callback_url(settings: Settings) -> str:
    """The redirect URI registered at the provider (from BASE_URL, not the request's Host)."""
    return settings.base_url.rstrip("/") + CALLBACK_PATH


def build_client(settings: Settings, *,
                 transport: httpx.AsyncBaseTransport | None = None) -> Any | None:
    """The Authlib Starlette client for the configured provider, or None when none is set up.

    `transport` replaces httpx's network transport for every request Authlib makes (discovery,
    token, JWKS, userinfo); tests pass an `httpx.ASGITransport` wrapping a local provider.
    """
    if not settings.oidc_enabled:
        return None
    scopes = settings.oidc_scopes.split()
    if "openid" not in scopes:
        # Without it there is no ID token, hence no nonce or signature to check.
        scopes.insert(0, "openid")
    client_kwargs: dict[str, Any] = {
        "scope": " ".join(scopes),
        "code_challenge_method": "S256",
        "token_endpoint_auth_method": settings.oidc_token_endpoint_auth_method,
        "timeout": HTTP_TIMEOUT_SECONDS,
    }
    if transport is not None:
        client_kwargs["transport"] = transport
    oauth = OAuth()
    return oauth.register(
        CLIENT_NAME,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret or None,
        server_metadata_url=discovery_url(settings.oidc_issuer),
        client_kwargs=client_kwargs,
    )


def _unavailable(provider: str, exc: Exception) -> SignInFailed:
    log.warning("OpenID Connect provider unavailable: %r", exc)
    return SignInFailed(
        "provider_unavailable",
        translatable("%(provider)s cannot be reached or answered in a way we do not understand. "
                     "Try again in a few minutes, or sign in with your email and password.",
                     provider=provider),
        status_code=502, detail=str(exc))


# Failures of the provider's side of the exchange (network, bad JSON, missing metadata).
_PROVIDER_ERRORS = (httpx.HTTPError, ValueError, RuntimeError)


async def _metadata(client: Any, *, issuer: str, provider: str) -> dict[str, Any]:
    """The provider's discovery document, which must describe the configured issuer."""
    try:
        metadata: dict[str, Any] = await client.load_server_metadata()
    except _PROVIDER_ERRORS as exc:
        raise _unavailable(provider, exc) from exc
    named = str(metadata.get("issuer", ""))
    if named.rstrip("/") != issuer.rstrip("/"):
        raise SignInFailed(
            "issuer_mismatch",
            translatable("%(provider)s describes itself as a different issuer than the one this "
                         "site is set up for, so we did not sign you in.", provider=provider),
            status_code=502, detail=f"discovery issuer {named!r}")
    return metadata


async def authorization_redirect(client: Any, request: Request, *, settings: Settings
                                 ) -> Response:
    """Send the browser to the provider, keeping state, nonce and PKCE verifier in the session."""
    provider = settings.oidc_display_name
    await _metadata(client, issuer=settings.oidc_issuer, provider=provider)
    try:
        response: Response = await client.authorize_redirect(request, callback_url(settings))
    except _PROVIDER_ERRORS as exc:
        raise _unavailable(provider, exc) from exc
    return response


def flow_state(response: Response) -> str:
    """The `state` Authlib put into the authorization redirect (a link intent is bound to it)."""
    location = response.headers.get("location", "")
    return parse_qs(urlsplit(location).query).get("state", [""])[0]


def claims_options(*, issuer: str, client_id: str) -> dict[str, Any]:
    """Claim rules for the ID token; Authlib checks neither `aud` nor a pinned `iss` by itself."""
    return {"iss": {"essential": True, "value": issuer},
            "aud": {"essential": True, "value": client_id},
            "sub": {"essential": True}}


async def verified_claims(client: Any, request: Request, *, settings: Settings
                          ) -> dict[str, Any]:
    """Finish the code exchange and return the ID token's verified claims.

    When the ID token carries no email and the provider has a userinfo endpoint, its answer
    (for the same `sub`) fills in the missing claims. Every failure is a `SignInFailed`.
    """
    provider = settings.oidc_display_name
    error = request.query_params.get("error")
    if error:
        description = request.query_params.get("error_description", "")
        if error == "access_denied":
            raise SignInFailed("cancelled", translatable(
                "Signing in with %(provider)s was cancelled. Nothing was changed.",
                provider=provider), status_code=400,
                               detail=f"{error}: {description}")
        # Only a plain error code is shown: the description is text anyone can put in a link.
        message = (translatable("%(provider)s could not sign you in (%(error)s).",
                                provider=provider, error=error)
                   if _ERROR_CODE.fullmatch(error)
                   else translatable("%(provider)s could not sign you in.", provider=provider))
        raise SignInFailed("provider_error", message,
                           status_code=400, detail=f"{error}: {description}")
    metadata = await _metadata(client, issuer=settings.oidc_issuer, provider=provider)
    options = claims_options(issuer=str(metadata["issuer"]), client_id=settings.oidc_client_id)
    try:
        token = await client.authorize_access_token(request, claims_options=options)
    except MismatchingStateError as exc:
        raise SignInFailed(
            "state_mismatch", N_("This sign-in has expired or was started in another browser "
                                 "window. Start again from the sign-in page."),
            status_code=400, detail=str(exc)
        ) from exc
    except JoseError as exc:
        raise SignInFailed(
            "invalid_id_token", translatable("The identity token from %(provider)s could not be "
                                             "verified, so you were not signed in.",
                                             provider=provider), detail=str(exc)) from exc
    except AuthlibBaseError as exc:
        raise SignInFailed(
            "token_refused", translatable("%(provider)s refused to complete the sign-in. Start "
                                          "again from the sign-in page.", provider=provider),
            detail=str(exc)) from exc
    except _PROVIDER_ERRORS as exc:
        raise _unavailable(provider, exc) from exc
    claims = dict(token.get("userinfo") or {})
    if not claims:
        raise SignInFailed("invalid_id_token", translatable(
            "%(provider)s did not send an identity token, so you were not signed in.",
            provider=provider), detail="no id_token in token response")
    if "email" not in claims and metadata.get("userinfo_endpoint"):
        for key, value in (await _userinfo(client, token, subject=claims["sub"])).items():
            claims.setdefault(key, value)
    return claims


async def _userinfo(client: Any, token: Mapping[str, Any], *, subject: str) -> dict[str, Any]:
    """Extra claims from the userinfo endpoint; ignored unless they are about the same `sub`."""
    try:
        info = dict(await client.userinfo(token=dict(token)))
    except (AuthlibBaseError, *_PROVIDER_ERRORS) as exc:
        log.warning("OpenID Connect userinfo request failed: %r", exc)
        return {}
    if info.get("sub") != subject:
        log.warning("OpenID Connect userinfo is about another subject; ignored")
        return {}
    return info
