"""OpenID Connect sign-in: the Authlib client built from settings, and linking provider accounts.

Authlib does the protocol work: discovery, the authorization-code flow with PKCE (S256), the
`state` check, the token request with the configured client authentication, and the ID token's
signature (against the provider's JWKS), `nonce`, `exp` and `iat`. Two checks Authlib leaves to
the caller are made here: the discovery document must name the configured issuer, and the
ID token's `aud` must contain our client id.

External accounts are known by issuer + `sub`, never by email. An email is only trusted to link
a provider login to an existing local account when the provider says `email_verified: true`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.base_client import MismatchingStateError
from authlib.integrations.starlette_client import OAuth
from joserfc.errors import JoseError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from app.accounts import service as accounts_service
from app.accounts.models import ExternalIdentity, Role, User
from app.audit import service as audit
from app.config import Settings
from app.db import utcnow
from app.errors import AppError, ValidationFailed

log = logging.getLogger("valleycross.security")

CLIENT_NAME = "oidc"
CALLBACK_PATH = "/auth/oidc/callback"
HTTP_TIMEOUT_SECONDS = 10.0
FALLBACK_DISPLAY_NAME = "New member"

EmailProblem = Literal["missing", "taken"]
_ERROR_CODE = re.compile(r"[a-z_]{1,40}")


class SignInFailed(AppError):
    """An OpenID Connect sign-in that did not succeed; `code` is the reason kept in the audit."""

    def __init__(self, reason: str, message: str, *, status_code: int = 401,
                 detail: str = "") -> None:
        super().__init__(message, code=reason)
        self.status_code = status_code
        self.detail = detail[:300]


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
        f"{provider} cannot be reached or answered in a way we do not understand. Try again in "
        "a few minutes, or sign in with your email and password.",
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
            f"{provider} describes itself as a different issuer than the one this site is set "
            "up for, so we did not sign you in.",
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
            raise SignInFailed("cancelled", f"Signing in with {provider} was cancelled. "
                               "Nothing was changed.", status_code=400,
                               detail=f"{error}: {description}")
        # Only a plain error code is shown: the description is text anyone can put in a link.
        shown = f" ({error})" if _ERROR_CODE.fullmatch(error) else ""
        raise SignInFailed("provider_error", f"{provider} could not sign you in{shown}.",
                           status_code=400, detail=f"{error}: {description}")
    metadata = await _metadata(client, issuer=settings.oidc_issuer, provider=provider)
    options = claims_options(issuer=str(metadata["issuer"]), client_id=settings.oidc_client_id)
    try:
        token = await client.authorize_access_token(request, claims_options=options)
    except MismatchingStateError as exc:
        raise SignInFailed(
            "state_mismatch", "This sign-in has expired or was started in another browser "
            "window. Start again from the sign-in page.", status_code=400, detail=str(exc)
        ) from exc
    except JoseError as exc:
        raise SignInFailed(
            "invalid_id_token", f"The identity token from {provider} could not be verified, "
            "so you were not signed in.", detail=str(exc)) from exc
    except AuthlibBaseError as exc:
        raise SignInFailed(
            "token_refused", f"{provider} refused to complete the sign-in. Start again from "
            "the sign-in page.", detail=str(exc)) from exc
    except _PROVIDER_ERRORS as exc:
        raise _unavailable(provider, exc) from exc
    claims = dict(token.get("userinfo") or {})
    if not claims:
        raise SignInFailed("invalid_id_token", f"{provider} did not send an identity token, so "
                           "you were not signed in.", detail="no id_token in token response")
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


# --- linking provider accounts to local accounts --------------------------------------------


@dataclass(frozen=True)
class LinkResult:
    user: User
    created: bool  # a new local account was made
    linked: bool  # the external identity was new (attached to a new or an existing account)
    email_problem: EmailProblem | None  # why we should ask the person for an email address


def display_name_from(claims: Mapping[str, Any]) -> str:
    """A name to show for a new account, from the standard claims (ORCID may send none)."""
    candidates = [
        claims.get("name"),
        " ".join(str(claims[k]) for k in ("given_name", "family_name")
                 if isinstance(claims.get(k), str) and claims[k].strip()),
        claims.get("preferred_username"),
        claims.get("nickname"),
    ]
    for value in candidates:
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())[:120]
    return FALLBACK_DISPLAY_NAME


def _claimed_email(claims: Mapping[str, Any]) -> tuple[str, str] | None:
    """(as sent, normalised) for a well-formed `email` claim, else None."""
    raw = claims.get("email")
    if not isinstance(raw, str) or not raw.strip() or len(raw.strip()) > 320:
        return None
    try:
        return raw.strip(), accounts_service.normalize_email(raw)
    except ValidationFailed:
        return None


def _refuse_inactive(user: User) -> None:
    if not user.is_active:
        raise SignInFailed("account_disabled", "This account has been disabled. Contact the "
                           "site's administrators if you think this is a mistake.",
                           status_code=403)


def link_or_create(db: Session, *, issuer: str, subject: str,
                   claims: Mapping[str, Any]) -> LinkResult:
    """The local account for a verified provider login, linking or creating it on first login.

    Known issuer + `sub`: that account. Otherwise an existing account is linked by email only
    when the provider says `email_verified: true`; else a new solver account is made (without
    the email when another account already has it).
    """
    if not subject or len(subject) > 255 or not issuer or len(issuer) > 500:
        raise SignInFailed("invalid_id_token", "The identity token has no usable subject.",
                           detail=f"sub of length {len(subject)}")
    now = utcnow()
    email = _claimed_email(claims)
    email_claim = email[0] if email else None
    identity = db.scalar(select(ExternalIdentity).where(
        ExternalIdentity.issuer == issuer, ExternalIdentity.subject == subject))
    if identity is not None:
        user = accounts_service.get(db, user_id=identity.user_id)
        _refuse_inactive(user)
        identity.email_claim = email_claim
        identity.last_login_at = now
        db.flush()
        return LinkResult(user=user, created=False, linked=False,
                          email_problem="missing" if user.email is None else None)

    holder = accounts_service.get_by_email(db, email=email[1]) if email else None
    problem: EmailProblem | None = None
    if holder is not None and claims.get("email_verified") is True:
        user, created = holder, False
        _refuse_inactive(user)
    else:
        if email is None:
            problem = "missing"
        elif holder is not None:
            problem = "taken"  # not proven to be the same person: never merged
        user = accounts_service.create_user(
            db, email=email_claim if problem is None else None, password=None,
            display_name=display_name_from(claims), roles=[Role.SOLVER])
        created = True
    db.add(ExternalIdentity(user_id=user.id, issuer=issuer, subject=subject,
                            email_claim=email_claim, last_login_at=now))
    db.flush()
    audit.record(db, event="oidc.linked", actor_id=user.id, subject_user_id=user.id,
                 issuer=issuer, subject=subject, new_account=created,
                 by_verified_email=not created)
    return LinkResult(user=user, created=created, linked=True, email_problem=problem)
