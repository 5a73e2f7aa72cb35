"""The yardstick: a bare FastAPI app with one route returning a 20-item JSON list.

    uvicorn bench.bare_app:app --workers 2

Every figure bench/http_load.py prints is a ratio to this app, run beside the platform on the
same machine with the same server settings.
"""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()
ITEMS = [{"id": i, "name": f"item {i}", "country": "NPL", "amount_minor": 1000 * i}
         for i in range(20)]


@app.get("/items")
def items() -> list[dict[str, object]]:
    return ITEMS
