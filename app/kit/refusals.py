"""A safety net for OWASP ASVS V16.3: every 401/403/429 response leaves a security log record.

The error handler logs the refusals it renders (`app.errors.record_refusal`). A page that catches
a refusal to show it inline (an action button's message, a form's errors) may not; this
middleware logs any such response that nothing logged yet, so no refusal goes unrecorded.
"""

from __future__ import annotations

import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import REFUSAL_STATUSES

security_log = logging.getLogger("valleycross.security")


class UnloggedRefusalMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_checked(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in REFUSAL_STATUSES:
                state = scope.get("state") or {}
                if "refusal_logged" not in state:
                    client = scope.get("client")
                    security_log.warning(
                        "%s refused_inline on %s %s: user=%s ip=%s: shown on the page",
                        message["status"], scope["method"], scope["path"],
                        state.get("user_id"), client[0] if client else None)
            await send(message)

        await self.app(scope, receive, send_checked)
