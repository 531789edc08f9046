"""Key scrubbing (`agent.scrub`) on the text a user, a log or a checkpoint would hold: the configured key
masked whatever its shape, anything shaped like a key masked in messages from outside, and the user's own
words left alone (only the exact configured key is taken out of them)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from agent.config import Settings
from agent.scrub import mask_secret, scrub, scrub_key

AZURE = "3f9a0c7d5e2b4a61908d7c6b5a4f3e2d"


def _settings(key: str | None) -> Settings:
    return Settings(api_key=SecretStr(key) if key is not None else None)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("bad key sk-abc123def456 given", "bad key sk-*** given"),
        ("token-AbCdEf_123-xyz expired", "token-*** expired"),
        ("Key-abcdef refused", "Key-*** refused"),
        ("header SK-ABCDEFGH", "header SK-***"),
        ("sk-ab*cd-ef_gh", "sk-***"),
    ],
)
def test_anything_shaped_like_a_key_is_masked(text: str, masked: str) -> None:
    assert scrub(text) == masked
    assert mask_secret(text, None) == masked


@pytest.mark.parametrize(
    "text",
    [
        "sk-abc12 is too short to be a key",  # 5 characters after the prefix
        "risk-assessment-plan",  # "sk-" inside a word
        "monkey-business",  # "key-" inside a word
        "token budget spent",
        "使用 sk 开头的密钥",
    ],
)
def test_ordinary_words_are_not_masked(text: str) -> None:
    assert scrub(text) == text


def test_the_configured_key_is_masked_whatever_its_shape() -> None:
    settings = _settings(AZURE)
    assert scrub(f"401 for {AZURE} at /v1", settings) == "401 for *** at /v1"
    assert scrub(f"{AZURE}{AZURE}", settings) == "******"


def test_without_settings_or_a_key_only_key_shapes_are_masked() -> None:
    text = f"401 for {AZURE} (sk-abcdefgh)"
    assert scrub(text) == f"401 for {AZURE} (sk-***)"
    assert scrub(text, _settings(None)) == f"401 for {AZURE} (sk-***)"


def test_the_users_own_words_lose_only_the_configured_key() -> None:
    words = f"我们的系统叫 token-gateway-v2，密钥是 {AZURE}"
    assert scrub_key(words, _settings(AZURE)) == "我们的系统叫 token-gateway-v2，密钥是 ***"
    assert scrub_key(words, None) == words
    assert scrub_key(words, _settings(None)) == words


def test_an_empty_secret_masks_nothing_extra() -> None:
    assert mask_secret("plain words", "") == "plain words"
    assert mask_secret("plain words", None) == "plain words"


def test_the_exact_secret_and_key_shapes_are_both_masked() -> None:
    assert mask_secret(f"{AZURE} and sk-zzzzzzzz", AZURE) == "*** and sk-***"
