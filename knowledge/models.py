"""Records the knowledge base hands back: an ingested document and the outcome of an ingest."""

from __future__ import annotations

from pydantic import BaseModel, Field


class DocumentInfo(BaseModel):
    """One user document in the `org` knowledge base."""

    id: str
    """Stable id derived from the resolved path (12 hex chars)."""
    name: str
    """File name, shown as the passage `source`."""
    path: str
    """Resolved path at ingest time."""
    title: str = ""
    chunks: int = 0
    chars: int = 0
    content_hash: str = ""
    added_at: str = ""
    """ISO-8601 UTC time of the (last) ingest."""


class IngestFailure(BaseModel):
    """A file that could not be ingested, with a one-line reason."""

    path: str
    reason: str


class IngestReport(BaseModel):
    """What `KnowledgeBase.add_paths` did, file by file."""

    added: list[DocumentInfo] = Field(default_factory=list)
    replaced: list[DocumentInfo] = Field(default_factory=list)
    """Documents whose content changed: their old chunks were replaced."""
    unchanged: list[DocumentInfo] = Field(default_factory=list)
    """Documents already ingested with the same content: nothing added."""
    failed: list[IngestFailure] = Field(default_factory=list)
    chunks_added: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when at least one file was ingested or already present."""
        return bool(self.added or self.replaced or self.unchanged)
