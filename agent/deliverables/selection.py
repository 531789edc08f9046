"""The model-selection report's shortlist, weighted scoring matrix and cost model.

The shortlist is by class (hosted API, dedicated cloud instance, open weights self-hosted small or
large, domain model), each kept or set aside for a reason the answers give: no GPUs sets
self-hosting aside; sensitive data without desensitisation sets a shared hosted API aside. Scores
are the coach's 1–5 ratings per criterion, shown with the weights (data:
`knowledge/templates/selection.yaml`); the weighted total ranks the kept classes only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from agent.deliverables.labels import TEMPLATES_DIR, load_yaml
from agent.i18n import pick
from agent.profile import Profile


@dataclass(frozen=True)
class Option:
    """One class of model on the shortlist."""

    key: str
    title: str
    kept: bool
    reason: str
    scores: dict[str, int]
    total: float | None
    """Weighted score out of 5 (None when set aside)."""


@dataclass(frozen=True)
class Criterion:
    """One column of the scoring matrix."""

    key: str
    title: str
    weight: int


@cache
def _data() -> dict[str, Any]:
    return dict(load_yaml(TEMPLATES_DIR / "selection.yaml"))


def criteria(lang: str) -> list[Criterion]:
    """The scoring criteria with their weights (percent, summing to 100)."""
    rows = _data()["criteria"]
    return [Criterion(k, pick(lang, v["zh"], v["en"]), int(v["weight"])) for k, v in rows.items()]


def _verdict(key: str, p: Profile) -> tuple[bool, str, str]:
    """(kept, reason zh, reason en) for one class, from the answers."""
    d, s = p.data, p.selection
    sensitive = bool(d.personal_data or d.confidential_data)
    masked = [m for m in (d.desensitisation or []) if m != "none"]
    gpu = s.has_gpu
    professional = p.development.professional_domain or s.base_model == "domain"
    if key == "hosted_api":
        if sensitive and not masked:
            return (
                False,
                "涉及敏感数据且没有脱敏措施：不能发往共享的公有云接口",
                ("sensitive data and no desensitisation: it cannot go to a shared public API"),
            )
        if sensitive:
            return True, "涉及敏感数据：只发送脱敏后的请求", "sensitive data: send desensitised requests only"
        return True, "未涉及敏感数据", "no sensitive data involved"
    if key == "dedicated_cloud":
        if sensitive:
            return (
                True,
                "数据留在签约的专属环境中，无需自备 GPU",
                "data stays in a contracted environment; no GPUs needed",
            )
        return (
            True,
            "可选；数据不敏感时共享接口更便宜",
            "possible; with no sensitive data a shared API costs less",
        )
    if key in ("open_small", "open_large"):
        if gpu is False:
            return (
                False,
                "本单位没有 GPU（回答）：自建部署须先采购算力",
                ("no GPUs (answered): self-hosting would need compute bought first"),
            )
        cx = s.task_complexity
        if key == "open_large" and cx in ("simple", "moderate"):
            return (
                False,
                "任务不复杂：大模型超出需要",
                "the task is not complex: a large model is more than needed",
            )
        if key == "open_small" and cx == "complex":
            return False, "任务复杂：小模型难以胜任", "a complex task: a small model falls short"
        note = "已有 GPU" if gpu else "GPU 情况待确认"
        return True, note, "GPUs available" if gpu else "GPU availability to be confirmed"
    if key == "domain":
        if professional:
            return True, "专业领域输出", "professional-domain output"
        return False, "非专业领域：不需要领域模型", "not a professional domain: no domain model needed"
    raise KeyError(key)


def shortlist(p: Profile, lang: str) -> list[Option]:
    """Every class with its verdict and, for the kept ones, its ratings and weighted total."""
    data = _data()
    weights = {c.key: c.weight for c in criteria(lang)}
    sensitive = bool(p.data.personal_data or p.data.confidential_data)
    cx = p.selection.task_complexity or "moderate"
    out = []
    for key, spec in data["classes"].items():
        kept, zh, en = _verdict(key, p)
        scores = {c: int(v) for c, v in spec["scores"].items()}
        scores["privacy"] = int(spec["privacy_sensitive" if sensitive else "privacy_plain"])
        scores["task_fit"] = int(spec["task_fit"][cx])
        if key in ("open_small", "open_large") and p.selection.has_gpu:
            scores["cost"] = min(5, scores["cost"] + 1)
        if key == "hosted_api" and p.selection.vendor_sustainability_checked:
            scores["vendor"] = min(5, scores["vendor"] + 1)
        total = round(sum(scores[c] * w for c, w in weights.items()) / 100, 2) if kept else None
        out.append(Option(key, pick(lang, spec["zh"], spec["en"]), kept, pick(lang, zh, en), scores, total))
    return out
