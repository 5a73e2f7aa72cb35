"""A small base for pure ASGI middleware that looks at each HTTP response as it starts."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class ResponseStartMiddleware:
    """Calls `response_starts(scope, message)` with each HTTP response's start message (status
    and headers, which it may change) before it is sent; streams pass through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    def response_starts(self, scope: Scope, message: Message) -> None:
        raise NotImplementedError

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_seen(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.response_starts(scope, message)
            await send(message)

        await self.app(scope, receive, send_seen)
