"""The prompt that drafts one narrative paragraph of a deliverable, cut to the model's context."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from agent.snapshot import ProjectSnapshot
from agent.types import STAGES, Passage, Stage
from prompts import LANGUAGE_NAMES, fence, fence_passages, render_prompt
from prompts.fit import clip, clip_value, joined, scaled, trim_passages

NARRATIVE_PASSAGES = 3
NARRATIVE_PASSAGE_TOKENS = 160
NARRATIVE_FINDINGS = 5
NARRATIVE_PROFILE_TOKENS = 700
NARRATIVE_VALUE_TOKENS = 60
"""Sizes of a narrative prompt's inputs at a 4,096-token context (scaled up for larger ones)."""


def narrative_prompt(
    section_id: str,
    snapshot: ProjectSnapshot,
    passages: Sequence[Passage],
    *,
    max_words: int = 120,
    stages: Sequence[Stage] = (),
    context_tokens: int = 4096,
    fits: Callable[[str], bool] = lambda _text: True,
) -> tuple[str, list[Passage]]:
    """The `draft_narrative` prompt for one section and the passages it numbers [1]…[n]: the
    project and the profile sections of its `stages` (every section when none given), their
    findings (the most severe first, plus any high-severity one), and at most a few passages
    trimmed to their most relevant sentences; everything halved until `fits(prompt)`."""
    deliverable, _, section = section_id.partition(".")
    wanted = {"project", *(s.value for s in stages)}
    dumped = snapshot.profile.model_dump(mode="json", exclude_none=True)
    profile = {k: v for k, v in dumped.items() if not stages or k in wanted}
    severity = {"high": 0, "medium": 1, "low": 2}
    findings = sorted(
        (f for f in snapshot.findings if not stages or f.stage in stages or f.severity == "high"),
        key=lambda f: (severity.get(f.severity, 9), STAGES.index(f.stage)),
    )
    query = f"{section} {deliverable} " + joined(
        v for part in profile.values() if isinstance(part, dict) for v in part.values()
    )
    scale = 1.0
    prompt = ""
    sent: list[Passage] = []
    for _ in range(6):
        value_tokens = max(12, int(scaled(NARRATIVE_VALUE_TOKENS, context_tokens) * scale))
        compact = {
            part: {k: clip_value(v, value_tokens) for k, v in fields.items() if v not in ([], "")}
            for part, fields in profile.items()
            if isinstance(fields, dict)
        }
        profile_text = clip(
            json.dumps(compact, ensure_ascii=False),
            max(100, int(scaled(NARRATIVE_PROFILE_TOKENS, context_tokens) * scale)),
        )
        n_findings = max(1, int(scaled(NARRATIVE_FINDINGS, context_tokens) * scale))
        items = [
            {"title": f.title, "severity": f.severity, "advice": clip(f.advice, value_tokens * 2)}
            for f in findings[:n_findings]
        ]
        sent = trim_passages(
            passages,
            query,
            k=max(1, int(scaled(NARRATIVE_PASSAGES, context_tokens) * min(1.0, scale * 1.5))),
            tokens_each=max(40, int(scaled(NARRATIVE_PASSAGE_TOKENS, context_tokens) * scale)),
        )
        prompt = render_prompt(
            "draft_narrative",
            section=section,
            deliverable=deliverable,
            language=LANGUAGE_NAMES[snapshot.lang],
            max_words=max_words,
            profile=fence("profile", profile_text),
            findings=fence("findings", json.dumps(items, ensure_ascii=False)),
            passages=fence_passages(sent),
        )
        if fits(prompt):
            break
        scale /= 2
    return prompt, sent
