"""The model-selection report's shortlist, weighted scoring matrix and cost model.

The shortlist is by class (hosted API, dedicated cloud instance, open weights self-hosted small or
large, domain model), each kept or set aside for a reason the answers give: no GPUs sets
self-hosting aside; sensitive data without desensitisation sets a shared hosted API aside. Scores
are the coach's 1–5 ratings per criterion, shown with the weights (data:
`knowledge/templates/selection.yaml`); the weighted total ranks the kept classes only. The weights
are the defaults unless the answers file sets the project's own (`selection.scoring_weights`,
checked by `check_weights`).
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
    weight: float
    """Percent; the weights of all criteria sum to 100."""

    @property
    def shown(self) -> str:
        """The weight as printed: 25, or 12.5."""
        return f"{self.weight:g}"


@cache
def _data() -> dict[str, Any]:
    return dict(load_yaml(TEMPLATES_DIR / "selection.yaml"))


def criterion_keys() -> list[str]:
    """The criteria's keys, as an answers file names them (privacy, cost, task_fit, …)."""
    return list(_data()["criteria"])


def check_weights(weights: Any) -> dict[str, float]:
    """The project's weights, or ValueError saying what is wrong: not a mapping, an unknown or
    missing criterion, a value that is not a number or is negative, a sum other than 100."""
    keys = criterion_keys()
    if not isinstance(weights, dict):
        raise ValueError(f"expected a mapping of criterion → percent, e.g. {{{keys[0]}: 30, …}}")
    unknown = [str(k) for k in weights if k not in keys]
    if unknown:
        raise ValueError(f"unknown criterion {', '.join(unknown)} / 未知的评分维度")
    missing = [k for k in keys if k not in weights]
    if missing:
        raise ValueError(
            f"missing criterion {', '.join(missing)} (give all six; 0 leaves one out) / 缺少评分维度"
        )
    out: dict[str, float] = {}
    for k in keys:
        v = weights[k]
        if (
            isinstance(v, bool)
            or not isinstance(v, int | float)
            or v != v
            or v in (float("inf"), float("-inf"))
        ):
            raise ValueError(f"{k}: {v!r} is not a number / 不是数字")
        if v < 0:
            raise ValueError(f"{k}: {v:g} is negative / 权重不能为负")
        out[k] = float(v)
    total = sum(out.values())
    if abs(total - 100) > 1e-6:
        raise ValueError(f"the weights sum to {total:g}, not 100 / 权重之和须为 100")
    return out


def criteria(lang: str, weights: dict[str, float] | None = None) -> list[Criterion]:
    """The scoring criteria with their weights (percent, summing to 100): the project's when
    given (`check_weights`), else the defaults."""
    rows = _data()["criteria"]
    return [
        Criterion(k, pick(lang, v["zh"], v["en"]), float(weights[k] if weights else v["weight"]))
        for k, v in rows.items()
    ]


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


def shortlist(p: Profile, lang: str, project_weights: dict[str, float] | None = None) -> list[Option]:
    """Every class with its verdict and, for the kept ones, its ratings and weighted total
    (under the project's weights when given, else the defaults)."""
    data = _data()
    weights = {c.key: c.weight for c in criteria(lang, project_weights)}
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
