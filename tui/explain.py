"""Words for changes the user would otherwise have to guess at: why readiness went down."""

from __future__ import annotations

from agent.types import Stage
from tui.i18n import list_sep, shorten, stage_name, t


def readiness_drop(
    before: dict[Stage, int], after: dict[Stage, int], said: str, asked: str | None, lang: str
) -> str | None:
    """ "准备度下降：数据 60% → 40%，因为对「…」的回答「…」" when a stage's readiness fell after
    the answer `said` (to the question `asked`); None when nothing fell."""
    drops = [
        f"{stage_name(stage, lang)} {before[stage]}% → {pct}%"
        for stage, pct in after.items()
        if stage in before and pct < before[stage]
    ]
    if not drops:
        return None
    answer = shorten(said, 40)
    key = "interview.readiness_drop" if asked else "interview.readiness_drop_bare"
    return t(key, lang, stages=list_sep(lang).join(drops), question=shorten(asked or "", 40), answer=answer)
