"""Keeping the API key out of every message that could reach a user, a log or a checkpoint."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agent.config import Settings

_KEY_LIKE = re.compile(r"\b(sk|key|token)-[A-Za-z0-9_\-*]{6,}", re.IGNORECASE)


def scrub(text: str, settings: Settings | None = None) -> str:
    """`text` with the configured API key (and anything shaped like a key) masked."""
    return _KEY_LIKE.sub(lambda m: m.group(1) + "-***", scrub_key(text, settings))


def scrub_key(text: str, settings: Settings | None) -> str:
    """`text` with the configured API key (only that) masked: safe for the user's own words."""
    if settings is not None and settings.api_key is not None:
        secret = settings.api_key.get_secret_value()
        if secret:  # the exact key only: "token-gateway-v2" in an answer is the user's word, not a key
            return text.replace(secret, "***")
    return text


def mask_secret(text: str, secret: str | None) -> str:
    """`text` with `secret` masked, and anything else shaped like a key."""
    if secret:
        text = text.replace(secret, "***")
    return _KEY_LIKE.sub(lambda m: m.group(1) + "-***", text)
