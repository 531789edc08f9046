"""Token counts the engine reports and reserves when the endpoint says nothing itself."""

from __future__ import annotations

REPLY_TOKENS = 800
"""Room kept for one reply: the cap `agent.llm` sends as `max_tokens` (`prompts.fit` sets it aside)."""


def estimate_tokens(text: str) -> int:
    """Rough token count when the endpoint reports none: ~1 per CJK character, ~1 per 4 other chars."""
    cjk = sum(1 for ch in text if "\u3400" <= ch <= "\u9fff")
    return max(1, cjk + (len(text) - cjk) // 4)
