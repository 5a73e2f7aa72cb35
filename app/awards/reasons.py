"""Award reasons kept as message templates with their values, so that a page shows them in its
own language while the ledger and the API keep the English sentence."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.i18n.translate import Translatable


def stored(messages: Iterable[str]) -> list[dict[str, Any]]:
    out = []
    for message in messages:
        if isinstance(message, Translatable):
            out.append({"template": message.template,
                        "values": {k: str(v) for k, v in message.values.items()}})
        else:
            out.append({"template": str(message), "values": {}})
    return out


def shown(kept: Iterable[dict[str, Any]]) -> list[str]:
    """The stored reasons as messages a page translates (`|tr`, `translate_message`)."""
    return [Translatable(item["template"], **item.get("values", {})) for item in kept]


def sentence(kept: Iterable[dict[str, Any]], fallback: str = "") -> str:
    messages = shown(kept)
    return "; ".join(messages) if messages else fallback
