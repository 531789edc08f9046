"""The configured key is masked in what the user sees whatever its shape, not only when it starts with
`sk-` (which the general key-like pattern masks anyway): Azure-style hex keys, JWT-like bearer tokens
and AWS-like secrets are caught only by masking the exact configured key."""

from __future__ import annotations

import openai
import pytest
from fakes import ErrorChatModel
from faults.server import FaultServer
from httpx import Request, Response
from pydantic import SecretStr

from agent.config import Settings
from graphs.model_calls import ModelHelper
from graphs.session import CoachSession

pytestmark = pytest.mark.allow_model_calls

KEYS = {
    "azure-hex": "3f9a0c7d5e2b4a61908d7c6b5a4f3e2d",
    "anthropic": "sk-ant-api03-Xy7Qp2LmN9vR4tK8sW1zA6bC3dE5fG0hJ2kL4mN6pQ8rS0tU",
    "bearer-jwt": (
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJjb2FjaC11c2VyIiwiaWF0IjoxNzAwMDAwMDAwfQ"
        ".Qm9ndXNTaWduYXR1cmVGb3JUZXN0c09ubHkxMjM0NTY3ODkw"
    ),
    "aws-like": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY",
}


def fragments(key: str) -> list[str]:
    """Pieces of the key whose presence counts as a leak (any 12 consecutive characters past a prefix)."""
    body = key.removeprefix("sk-ant-")
    return [body[i : i + 12] for i in range(0, len(body) - 11, 6)]


def shown(text: str, key: str) -> list[str]:
    return [f for f in fragments(key) if f in text]


def _auth_error(key: str) -> openai.AuthenticationError:
    message = f"Incorrect API key provided: {key}. You can find your API key in your account settings."
    response = Response(401, request=Request("POST", "http://127.0.0.1:9/v1/chat/completions"))
    return openai.AuthenticationError(message, response=response, body=None)


@pytest.mark.parametrize("shape", list(KEYS))
@pytest.mark.parametrize("streamed", [False, True])
def test_the_failure_notice_masks_a_key_of_any_shape(shape: str, streamed: bool) -> None:
    key = KEYS[shape]
    model = ErrorChatModel(error=_auth_error(key))
    helper = ModelHelper(model=model, settings=Settings(api_key=SecretStr(key), max_retries=0))
    if streamed:
        result = helper.answer(prompt="什么是RAG？", lang="zh", passages=[], on_token=lambda _t: None)
    else:
        result = helper.draft(prompt="hello", lang="zh")
    assert result is None
    assert helper.notice and "密钥被拒绝" in helper.notice and "401" in helper.notice, "told what failed"
    assert shown(helper.notice, key) == [], f"the notice shows the key: {helper.notice}"


@pytest.mark.slow
@pytest.mark.parametrize("shape", list(KEYS))
def test_a_session_against_an_endpoint_echoing_the_key_never_shows_it(
    shape: str, monkeypatch: pytest.MonkeyPatch, coach_home
) -> None:  # type: ignore[no-untyped-def]
    key = KEYS[shape]
    with FaultServer("unauthorized") as server:
        monkeypatch.setenv("OPENAI_API_KEY", key)
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("COACH_MODEL", "test-model")
        coach_home.mkdir(parents=True, exist_ok=True)
        (coach_home / "config.toml").write_text("timeout_s = 2.0\nmax_retries = 0\n", encoding="utf-8")
        session = CoachSession.open(f"key-{shape}")
        try:
            turn = session.send("/ask 如何降低幻觉？")
        finally:
            session.close()
        assert server.request_count >= 1 and key in server.auth_headers[0], "the key was sent"
    seen = "\n".join([turn.notice or "", *(m.text for m in turn.messages)])
    assert turn.notice, "the failure is told"
    assert shown(seen, key) == [], f"the user sees the key: {seen[:400]}"
