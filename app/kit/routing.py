"""Routers whose synchronous endpoints end their unit of work in their own worker thread.

FastAPI runs a sync endpoint in the shared thread pool and then validates/serialises its result
in *another* pool thread. If the request's pooled connection were only given back after that,
many concurrent requests would deadlock: every pool thread blocked waiting for a connection held
by a request that waits for a pool thread to serialise its response. So the endpoint's thread
commits (or rolls back) before it returns; nothing after the endpoint needs the database. The
middleware in `app.kit.unit_of_work` then only has a finished transaction to close.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import fastapi
from fastapi.routing import APIRoute
from starlette._utils import get_route_path
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import Scope

from app.errors import AppError
from app.kit.unit_of_work import current_unit_of_work


def _finish_in_thread(endpoint: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(endpoint)
    def run(*args: Any, **kwargs: Any) -> Any:
        unit = current_unit_of_work()
        try:
            result = endpoint(*args, **kwargs)
        except AppError:
            if unit is not None:
                unit.finish(keep=unit.keep_on_error)
            raise
        except BaseException:
            if unit is not None:
                unit.finish(keep=False)
            raise
        if unit is not None:
            failed = isinstance(result, Response) and result.status_code >= 400
            unit.finish(keep=not failed or unit.keep_on_error)
        return result

    return run


class UnitOfWorkRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(endpoint):
            endpoint = _finish_in_thread(endpoint)
        super().__init__(path, endpoint, **kwargs)


class APIRouter(fastapi.APIRouter):
    """Use this instead of `fastapi.APIRouter` in every domain (a test checks every route).

    FastAPI tries an included router's routes one by one, at a few microseconds each: with some
    fifty routers and three hundred routes that was most of a millisecond per request before
    any endpoint ran. A router first checks the literal start of its paths (up to the first
    parameter), so a request passes over a router with none of its paths in one comparison.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("route_class", UnitOfWorkRoute)
        super().__init__(**kwargs)
        self._starts: tuple[int, tuple[str, ...]] = (-1, ())

    def path_starts(self) -> tuple[str, ...]:
        """The literal beginnings of this router's paths (recomputed when routes are added)."""
        if self._starts[0] != len(self.routes):
            starts = {getattr(route, "path", "/").split("{", 1)[0] for route in self.routes}
            self._starts = (len(self.routes), tuple(sorted(starts)))
        return self._starts[1]

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if not get_route_path(scope).startswith(self.path_starts()):
            return Match.NONE, {}
        return super().matches(scope)
