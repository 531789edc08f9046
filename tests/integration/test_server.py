"""The real server through langchain-openai: streaming and structured output, as the coach uses them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from .conftest import API_KEY
from .llama_server import LlamaServer


def _chat(llama: LlamaServer, **kw: Any) -> Any:
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=llama.base_url,
        api_key=API_KEY,  # type: ignore[arg-type]
        model=llama.model,
        temperature=0,
        max_tokens=32,  # type: ignore[call-arg]
        timeout=120,
        max_retries=0,
        **kw,
    )


def test_tokens_stream_in_several_chunks(llama: LlamaServer) -> None:
    # Note: llama-cpp-python sends no usage in streamed responses (stream_options is ignored), so a
    # coach that counts tokens must take them from non-streamed calls or estimate them.
    model = _chat(llama, stream_usage=True)
    chunks = list(model.stream("Say hello to the project team in one short sentence."))
    text = "".join(str(c.content) for c in chunks)
    assert len([c for c in chunks if c.content]) > 1, "tokens should arrive incrementally"
    assert text.strip()


class TeamSize(BaseModel):
    """The size of the project team."""

    team_size: int = Field(description="number of people in the team")


def test_forced_tool_call_gives_a_parsed_value(llama: LlamaServer) -> None:
    """`function_calling` is the structured-output method this server honours (grammar-constrained)."""
    model = _chat(llama).with_structured_output(TeamSize, method="function_calling", include_raw=True)
    out = model.invoke("Extract the team size from: 'We are a team of 12 engineers.'")
    assert out["parsing_error"] is None
    assert isinstance(out["parsed"], TeamSize)
