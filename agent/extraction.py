"""What a model understood from one answer: the value read, other profile fields, a risk it saw."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class Extraction(BaseModel):
    """What the model understood from one answer (after validation against the profile)."""

    value: Any = None
    status: Literal["answered", "unknown"] = "answered"
    fields: dict[str, Any] = Field(default_factory=dict)
    """Other profile fields (dotted paths) the answer stated, validated."""
    understood: str = ""
    follow_up: str | None = None
    risk: str | None = None
    """A pitfall the model sees in the answer (becomes a finding marked as the model's)."""
