"""The state of an answer read with uncertainty (`InterviewState.reading`): plain data, checkpointed
with the interview; handled by `agent.interview.pending`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class PendingReading(BaseModel):
    """An uncertain reading waiting for the user to say which value they meant."""

    question_id: str
    text: str
    """What the user typed, kept with the value they pick."""
    candidates: list[Any] = Field(default_factory=list)
    """The values the answer could mean, in the question's unit."""
    why: str = ""
    """Why the reading is uncertain, in the session's language."""
