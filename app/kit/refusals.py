"""A safety net for OWASP ASVS V16.3: every 401/403/429 response leaves a security log record.

The error handler logs the refusals it renders (`app.errors.record_refusal`). A page that catches
a refusal to show it inline (an action button's message, a form's errors) may not; this
middleware logs any such response that nothing logged yet, so no refusal goes unrecorded.
"""

from __future__ import annotations

import logging

from starlette.types import Message, Scope

from app.errors import REFUSAL_STATUSES
from app.kit.asgi import ResponseStartMiddleware

security_log = logging.getLogger("valleycross.security")


class UnloggedRefusalMiddleware(ResponseStartMiddleware):
    def response_starts(self, scope: Scope, message: Message) -> None:
        if message["status"] not in REFUSAL_STATUSES:
            return
        state = scope.get("state") or {}
        if "refusal_logged" not in state:
            client = scope.get("client")
            security_log.warning(
                "%s refused_inline on %s %s: user=%s ip=%s: shown on the page",
                message["status"], scope["method"], scope["path"],
                state.get("user_id"), client[0] if client else None)
