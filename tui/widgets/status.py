"""The status bar: mode (guided or the model's name), project, readiness, tokens and cost."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml
from textual.widgets import Static

from agent.snapshot import ProjectSnapshot
from tui.i18n import shorten, t

NAME_CELLS = 20
"""A longer project name is cut, so that readiness stays on an 80-column screen."""


@cache
def _prices() -> dict[str, tuple[float, float]]:
    data = yaml.safe_load((Path(__file__).resolve().parent.parent / "pricing.yaml").read_text("utf-8"))
    return {str(k): (float(v["input"]), float(v["output"])) for k, v in data["usd_per_million"].items()}


def estimated_cost(model: str | None, prompt_tokens: int, completion_tokens: int) -> float | None:
    """USD estimate from the price table (longest matching model-name prefix), None if unknown."""
    if not model:
        return None
    matches = [k for k in _prices() if model.lower().startswith(k)]
    if not matches:
        return None
    inp, out = _prices()[max(matches, key=len)]
    return (prompt_tokens * inp + completion_tokens * out) / 1_000_000


class StatusBar(Static):
    """One line at the bottom of the interview screen."""

    def show(self, snapshot: ProjectSnapshot | None, lang: str, *, busy: bool) -> None:
        """Re-render from the latest snapshot."""
        parts = [t("status.busy" if busy else "status.ready", lang)]
        if snapshot is not None:
            if snapshot.mode == "llm":
                parts.append(t("status.llm", lang, model=snapshot.model_name or "?"))
                usage = snapshot.usage
                parts.append(t("status.tokens", lang, tokens=f"{usage.total_tokens:,}"))
                cost = estimated_cost(snapshot.model_name, usage.prompt_tokens, usage.completion_tokens)
                if cost is not None:
                    parts.append(t("status.cost", lang, cost=f"{cost:.3f}"))
            else:
                parts.append(t("status.guided", lang))
            parts.append(shorten(snapshot.name, NAME_CELLS))  # the header has it in full
            if snapshot.readiness:
                pct = round(sum(snapshot.readiness.values()) / 7)
                parts.append(t("status.readiness", lang, pct=pct))
        self.update(" │ ".join(parts))
