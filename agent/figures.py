"""Numbers in a text, and whether the texts it rests on contain them.

A cited sentence must not carry a number its passages lack: "the case cut cost by 90 %" is the
source's, "your cost could fall to a tenth" is not. The same check runs over model output in LLM
mode: an `/ask` answer or a drafted narrative may only state the numbers of the passages (and of
the project's own answers) it was given; any other number is marked as the model's, so a reader
never takes it for the guidance's.

- `figures(text)`: the numbers a reader would take as figures — Arabic (`90`, `6.2`, `1,000`,
  full-width digits), Chinese numerals before a unit (`两周`, `二至三成`, `五倍`) and frequencies
  (`每季度`, `每天` = `每日`); not the
  citation markers `[1]`, `【2】`, `[[cite:step6-cases]]`, nor list ordinals (`1.`, `2）` at the start
  of a line);
- `unsupported(text, sources)`: the figures of `text` that no source contains;
- `mark_unsupported(text, sources, lang)`: `text` with each such figure marked as the model's.

Numbers compare by value (`90` matches `90%`, `６.２` matches `6.2`, `两` matches `2`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_CN_NUM = "[零〇一二两三四五六七八九十百千万]+"
_CN_AFTER = r"(?:成|倍|周|个月|个季度|季度|天|日|年|小时|分钟|秒|%|％|个百分点)"
"""A Chinese numeral counts as a figure only before one of these (一起, 统一, 唯一, 第一次 are words)."""

_CADENCE = re.compile(r"每(?:个)?(?P<unit>季度|周|星期|月|日|天|年|小时)")
"""A frequency (`每季度`, `每周`) reads like guidance as much as a number does."""
_CADENCE_UNIT = {"天": "日", "星期": "周"}
_MARKERS = re.compile(r"\[\[cite:[^\[\]\s]+\]\]|[\[【]\s*\d{1,3}(?:\s*[,，、;；]\s*\d{1,3})*\s*[\]】]")
_ORDINAL = re.compile(r"(?m)^[ \t]*(?:[-*][ \t]+)?\d{1,2}(?:\.(?!\d)|[、）)])")
_ARABIC = re.compile(r"(?<![A-Za-z0-9_.])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?")
_CHINESE = re.compile(rf"(?P<a>{_CN_NUM})(?:[至到~～\-–—](?P<b>{_CN_NUM}))?(?={_CN_AFTER})")


@dataclass(frozen=True)
class Figure:
    """One number as written in a text, with its value and where it stands."""

    raw: str
    value: str
    start: int
    end: int


def _cn_value(text: str) -> int:
    """`二十五` → 25, `两` → 2, `十` → 10, `三十万` → 300000, `二〇二六` → 2026."""
    if all(ch in _CN_DIGITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, section, current = 0, 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "万":
            total += (section + current) * 10000
            section, current = 0, 0
        else:
            section += (current or 1) * _CN_UNITS[ch]
            current = 0
    return total + section + current


def _norm(number: str) -> str:
    """`1,000` → `1000`, `6.20` → `6.2`, `05` → `5`."""
    number = number.replace(",", "")
    if "." in number:
        number = number.rstrip("0").rstrip(".")
    return number.lstrip("0") or "0"


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    """`text` with every match replaced by spaces of the same length (offsets keep)."""
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def figures(text: str) -> list[Figure]:
    """The figures of `text`, in order (see the module doc for what counts)."""
    text = unicodedata.normalize("NFKC", text)  # full-width digits, ％, （）
    scan = _blank(_blank(text, _MARKERS), _ORDINAL)
    found: list[Figure] = []
    for m in _ARABIC.finditer(scan):
        found.append(Figure(m.group(0), _norm(m.group(0)), m.start(), m.end()))
    for m in _CHINESE.finditer(scan):
        for part in ("a", "b"):
            if m.group(part) is None:
                continue
            found.append(Figure(m.group(part), str(_cn_value(m.group(part))), m.start(part), m.end(part)))
    for m in _CADENCE.finditer(scan):
        unit = _CADENCE_UNIT.get(m["unit"], m["unit"])
        found.append(Figure(m.group(0), f"每{unit}", m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


_TAG = re.compile(r"<[^<>\n]{1,200}>")
"""A prompt's fences (`<passage n="2" id="step6-cases">`) hold numbers no reader sees."""


def values(texts: Iterable[str]) -> set[str]:
    """Every figure value found in `texts` (fence tags of a prompt left out)."""
    return {f.value for t in texts for f in figures(_TAG.sub(" ", t))}


def unsupported(text: str, sources: Iterable[str]) -> list[Figure]:
    """The figures of `text` whose value none of `sources` contains."""
    known = values(sources)
    return [f for f in figures(text) if f.value not in known]


MODEL_MARK = {
    "zh": "（模型给出的数字，所引资料中没有）",
    "en": " (the model's figure, not in the cited passages)",
}


def mark_unsupported(text: str, sources: Iterable[str], lang: str) -> str:
    """`text` with a mark after every figure the sources lack, once per run of such figures in one
    sentence, so the reader never takes the model's number for the guidance's."""
    bad = unsupported(text, list(sources))
    if not bad:
        return text
    mark = MODEL_MARK["en" if lang == "en" else "zh"]
    normal = unicodedata.normalize("NFKC", text)
    if len(normal) != len(text):  # NFKC changed the length (rare ligatures): mark at the end
        return text.rstrip() + mark
    # place the mark at the end of the number's token (after a unit such as %, 倍, 周)
    cuts: list[int] = []
    for f in bad:
        end = f.end
        tail = re.match(r"\s?(?:%|％|倍|x|×|个百分点|成|周|个月|月|天|日|年|季度|B|b)", text[end:])
        if tail:
            end += tail.end()
        if not cuts or text[cuts[-1] : f.start].strip(" ，,、~～–—-至到%％"):
            cuts.append(end)
        else:
            cuts[-1] = end
    out, pos = [], 0
    for cut in cuts:
        out.append(text[pos:cut] + mark)
        pos = cut
    out.append(text[pos:])
    return "".join(out)
