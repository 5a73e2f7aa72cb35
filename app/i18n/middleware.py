"""Choose each request's language: the language cookie, else the browser's Accept-Language."""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.i18n.locales import negotiate, supported
from app.i18n.translate import set_locale

ONE_YEAR = 365 * 24 * 3600
CHOSEN_LOCALE_KEY = "chosen_locale"  # request.state: a choice to remember in the cookie
BROWSER_CHOICE_KEY = "browser_locale"  # request.state: the language this browser chose, if any


def cookie_name(https: bool) -> str:
    return "__Host-vc_lang" if https else "vc_lang"


def _cookie_value(headers: Headers, name: str) -> str | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed Cookie header is the browser's problem, not a 500
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


class LocaleMiddleware:
    """Sets the request's language (`request.state.locale` and the translation context) and,
    when a handler chose one (`request.state.chosen_locale`), remembers it in a cookie."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https
        self.cookie = cookie_name(https)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        chosen = supported(_cookie_value(headers, self.cookie))
        locale = chosen or negotiate(headers.get("accept-language"))
        state = scope.setdefault("state", {})
        state["locale"] = locale
        state[BROWSER_CHOICE_KEY] = chosen
        set_locale(locale)

        async def send_with_cookie(message: Message) -> None:
            chosen = state.get(CHOSEN_LOCALE_KEY)
            if message["type"] == "http.response.start" and chosen:
                attributes = f"Path=/; Max-Age={ONE_YEAR}; HttpOnly; SameSite=Lax"
                if self.https:
                    attributes += "; Secure"
                MutableHeaders(scope=message).append(
                    "set-cookie", f"{self.cookie}={chosen}; {attributes}")
            await send(message)

        await self.app(scope, receive, send_with_cookie)
