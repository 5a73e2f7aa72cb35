"""The application factory: middleware, error handlers, routers and static files."""

from __future__ import annotations

import gc
import logging
import os

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.sessions import SessionMiddleware

from app.accounts.oidc import build_client
from app.challenges import clock as challenge_clock
from app.config import PROJECT_ROOT, Settings, get_settings
from app.db import session_factory
from app.errors import install_error_handlers
from app.i18n.middleware import LocaleMiddleware
from app.kit.body_limit import BodyLimitMiddleware
from app.kit.nul import refuse_nul_parameters
from app.kit.openapi import install_openapi
from app.kit.page_cache import PageCacheMiddleware
from app.kit.proxies import ProxyHeaders
from app.kit.refusals import UnloggedRefusalMiddleware
from app.kit.security_headers import SecurityHeadersMiddleware
from app.kit.templating import templates
from app.kit.unit_of_work import DBSessionMiddleware
from app.routers import all_routers, nav_links, role_nav_links

log = logging.getLogger("valleycross")


def create_app(settings: Settings | None = None,
               oidc_transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """Build the application; `oidc_transport` replaces the network for the OIDC client (tests)."""
    settings = settings or get_settings()
    app = FastAPI(
        title="Valleycross",
        version="0.1.0",
        description="Outcome-based challenge prizes for clean and environmentally sound "
                    "technologies, linked to an inventory of technology facilitation mechanisms "
                    "and to countries' technology needs and gaps.",
        debug=False,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        dependencies=[Depends(refuse_nul_parameters)],
    )
    app.state.settings = settings
    app.state.session_maker = session_factory(settings.database_url)
    app.state.oidc_client = build_client(settings, transport=oidc_transport)

    # Added innermost first: the request session sits inside the cookie session.
    app.add_middleware(DBSessionMiddleware, session_maker=lambda: app.state.session_maker)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_request_body_bytes)
    session_cookie = "__Host-vc_session" if settings.is_https else "vc_session"
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=session_cookie,
        max_age=settings.session_max_age_seconds,
        same_site="lax",
        https_only=settings.is_https,
    )
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    if settings.page_cache_bytes:
        # Outside compression (it keeps the compressed bytes), inside the language choice.
        app.add_middleware(PageCacheMiddleware, engine=lambda: app.state.session_maker.kw["bind"],
                           session_cookies=(session_cookie,),
                           max_age=settings.page_cache_seconds,
                           max_bytes=settings.page_cache_bytes,
                           # the challenges' clock, which tests move: a page kept before a
                           # deadline is not shown after it
                           clock=lambda: challenge_clock.now().timestamp())
    app.add_middleware(LocaleMiddleware, https=settings.is_https)
    app.add_middleware(SecurityHeadersMiddleware, https=settings.is_https)
    app.add_middleware(UnloggedRefusalMiddleware)
    if settings.trusted_proxies:  # outermost: every layer sees the client, not the proxy
        app.add_middleware(ProxyHeaders, trusted=settings.trusted_proxies)
    install_error_handlers(app)

    app.mount("/static", StaticFiles(directory=PROJECT_ROOT / "static"), name="static")
    templates.env.globals["nav_links"] = nav_links()
    templates.env.globals["signed_in_nav_links"] = nav_links(signed_in=True)
    templates.env.globals["role_nav_links"] = role_nav_links()
    for router in all_routers():
        app.include_router(router)

    @app.get("/healthz", tags=["health"], include_in_schema=True)
    def healthz(request: Request) -> JSONResponse:
        """200 when the database answers, 503 when it does not."""
        try:
            with request.app.state.session_maker() as db:
                db.execute(text("SELECT 1"))
        except Exception:  # any driver error means "not healthy"; the cause goes to the log
            log.exception("health check failed")
            return JSONResponse({"status": "unavailable", "database": "unreachable"},
                                status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    install_openapi(app)
    if os.environ.get("GC_FREEZE_AFTER_START") == "1":
        # The app's long-lived objects (routes, templates, mappers: some 350,000) leave the
        # collector's view, so a full collection no longer walks them in the middle of some
        # request (25-100 ms at real scale). Only `serve` asks: tests build many apps.
        gc.freeze()
    return app


def __getattr__(name: str) -> FastAPI:
    # `uvicorn app.main:app` works without building an app (and its settings) at import time.
    if name == "app":
        return create_app()
    raise AttributeError(name)
