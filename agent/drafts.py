"""Is a model's draft fit to stand in a deliverable?

Small or overloaded models sometimes return text no reader should see: the prompt's own fences echoed
back (`</passage>`, `id="…"`), a paragraph in the wrong language, or a loop of the same few tokens until
the reply cap. Such a draft is discarded (the template's own text stands) rather than printed under
"drafted by the model". The checks are deliberately coarse: they reject output that is unusable on
its face, not prose that is merely weak.
"""

from __future__ import annotations

import re
import zlib
from typing import NamedTuple

from agent.types import Lang


class Reason(NamedTuple):
    """Why a draft was discarded, in both languages."""

    en: str
    zh: str

    def __str__(self) -> str:
        return f"{self.en} / {self.zh}"


_PROMPT_ECHO = re.compile(
    r"(?:<|&lt;)/?(?:profile|findings|passages?|question)\b|\b(?:id|source|section)=[\"']", re.IGNORECASE
)
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"\d")
MIN_SCRIPT_SHARE = 0.3
"""Below this share of the draft's letters and digits in the document's script, it is off-language."""
MIN_COMPRESSION = 0.25
"""A long draft that zlib shrinks below this ratio is a loop (prose stays above ~0.6)."""
LOOP_CHECK_BYTES = 200


def unusable_reason(text: str, lang: Lang, *, check_script: bool = True) -> Reason | None:
    """Why `text` cannot go into a `lang` document, or None when it can.
    `check_script=False` accepts either language (a chat answer to a question asked in the other)."""
    if _PROMPT_ECHO.search(text):
        return Reason("it repeats the prompt", "复述了提示内容")
    cjk, latin, digits = (len(p.findall(text)) for p in (_CJK, _LATIN, _DIGIT))
    total = cjk + latin + digits
    if total == 0:
        return Reason("no text", "没有正文")
    own = cjk if lang == "zh" else latin
    if check_script and own < MIN_SCRIPT_SHARE * total:
        return Reason("not in Chinese", "不是中文") if lang == "zh" else Reason("not in English", "不是英文")
    data = text.encode("utf-8")
    if len(data) >= LOOP_CHECK_BYTES and len(zlib.compress(data, 9)) < MIN_COMPRESSION * len(data):
        return Reason("it repeats itself", "内容反复重复")
    return None
