"""Numbers as people type them, converted to a question's unit.

"500万" → 500 (万元), "1.5亿" → 15000 (万元), "3 million" → 300 (万元), "2 years" → 24 (months),
"半年" → 6, "30%" → 30, "0.95" → 95 (for an accuracy-like percent), "2秒" → 2000 (ms), "7B" → 7 (billion parameters),
"2万" → 20000 (users). Without a unit word the number is taken in the question's unit, except
latency: a bare number below 50 is read as seconds ("2" → 2000 ms).
"""

from __future__ import annotations

import re
import unicodedata

from agent.words import word_values

_ZH_DIGITS = word_values("numbers", "zh_digits")
_ZH_UNITS = word_values("numbers", "zh_units")
_SCALES = word_values("numbers", "scales")
_NUMBER = re.compile(
    r"(-?\d+(?:\.\d+)?)(?:\s*(千亿|百亿|亿|万|千|百|thousand|millions?|billion|mn|bn|k|w|m|b)(?![a-z]))?",
)
_TIME_UNITS = (
    (re.compile(r"^\s*(年|years?|yrs?\b|y\b)"), 12.0),
    (re.compile(r"^\s*(个月|月|months?|mos?\b)"), 1.0),
    (re.compile(r"^\s*(周|星期|weeks?|wks?\b)"), 12 / 52),
    (re.compile(r"^\s*(天|日|days?\b|d\b)"), 12 / 365),
)
_LATENCY_UNITS = (
    (re.compile(r"^\s*(毫秒|ms\b|milliseconds?)"), 1.0),
    (re.compile(r"^\s*(秒|s\b|secs?\b|seconds?)"), 1000.0),
    (re.compile(r"^\s*(分钟|min\b|mins?\b|minutes?)"), 60000.0),
)
_CURRENCY = re.compile(r"(元|块|yuan|cny|rmb|¥|￥)")


_VAGUE = re.compile(
    r"[十百千万]几|几[十百千万亿]|几(?=[个位台张名人家条次])|数[十百千万]|上[百千万]|成[百千万]|若干|好些|"
    r"[一二两三四五六七八九]{2}[十百千万亿]?|\b(?:a few|several|dozens?|hundreds|thousands)\b"
)
"""Rough quantities ("几十", "十几", "两三百", "dozens"): asked again for one estimate, never guessed."""


class NumberError(ValueError):
    """A number that cannot be read; `zh` and `en` explain the accepted forms."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


def _zh_number(s: str) -> float:
    """A small Chinese numeral (≤ 9999), e.g. 三, 十二, 二十五, 一百."""
    total, current = 0.0, 0.0
    for ch in s:
        if ch in _ZH_DIGITS:
            current = _ZH_DIGITS[ch]
        elif ch in _ZH_UNITS:
            total += (current or 1) * _ZH_UNITS[ch]
            current = 0
    return float(total + current)


def _arabise(text: str) -> str:
    """Replace Chinese numerals and 半 with Arabic digits ("一年半" → "1.5年", "半年" → "0.5年")."""
    text = re.sub(r"百分之([零一二两三四五六七八九十百\d.]+)", lambda m: m.group(1) + "%", text)
    text = re.sub(
        r"[零一二两三四五六七八九十百千]+(?![a-z])",
        lambda m: (
            f"{_zh_number(m.group(0)):g}"
            if any(c in _ZH_DIGITS or c == "十" for c in m.group(0))
            else m.group(0)
        ),
        text,
    )
    text = re.sub(
        r"(\d+(?:\.\d+)?)(个)?(年|月|小时)半", lambda m: f"{float(m.group(1)) + 0.5:g}{m.group(3)}", text
    )
    text = re.sub(r"(?<!\d)半(个)?(年|月)", r"0.5\2", text)
    return text


def parse_number(raw: str, unit: str | None, *, fraction_as_percent: bool = False) -> float:
    """The first number in `raw`, converted to `unit` (see module doc); NumberError if none.

    With `fraction_as_percent`, a bare fraction in a percent field is read as a share ("0.95" → 95);
    without it "0.5" stays 0.5 % (e.g. a hallucination ceiling).
    """
    plain = unicodedata.normalize("NFKC", raw).strip().lower()
    vague = _VAGUE.search(plain)
    if vague and not re.search(r"\d", plain[: vague.start()]):
        raise NumberError(
            f"“{vague.group(0)}”是一个大概的范围，请给一个估计值，例如 " + _EXAMPLES[unit][0],
            f"'{vague.group(0)}' is a range; give one estimate, e.g. " + _EXAMPLES[unit][1],
        )
    text = _arabise(plain)
    text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    text = re.sub(r"(?<![\d.])(千亿|百亿|亿|万)", r"1\1", text)
    m = _NUMBER.search(text)
    if not m:
        raise NumberError(
            "请输入一个数字，例如 " + _EXAMPLES[unit][0], "enter a number, e.g. " + _EXAMPLES[unit][1]
        )
    n = float(m.group(1))
    scale_word = m.group(2) or ""
    scale = {"千亿": 1e11, "百亿": 1e10}.get(scale_word) or _SCALES.get(scale_word, 1.0)
    rest = text[m.end() :]
    if unit == "wan_cny":
        if scale_word or _CURRENCY.search(text):
            return round(n * scale / 1e4, 4)
        return n
    if unit == "billion_params":
        return round(n * scale / 1e9, 4) if scale_word else n
    if unit == "percent":
        if rest.lstrip().startswith(("%", "percent", "个百分点")):
            return n
        return round(n * 100, 4) if fraction_as_percent and 0 < n < 1 else n
    if unit == "months":
        for pat, factor in _TIME_UNITS:
            if pat.search(rest):
                return round(n * factor, 2)
        return n
    if unit == "ms":
        for pat, factor in _LATENCY_UNITS:
            if pat.search(rest):
                return round(n * factor, 3)
        return n * 1000 if n < 50 else n
    return n * scale


_EXAMPLES: dict[str | None, tuple[str, str]] = {
    None: ("100", "100"),
    "wan_cny": ("“300万”“1.5亿”“300”（万元）", "'3 million', '15 million', '300' (×10k CNY)"),
    "months": ("“6个月”“一年”", "'6 months', '1 year'"),
    "percent": ("“95%”", "'95%'"),
    "ms": ("“2秒”“800毫秒”", "'2 s', '800 ms'"),
    "billion_params": ("“7B”“72B”", "'7B', '72B'"),
    "users": ("“500”“2万”", "'500', '20k'"),
    "qps": ("“50”", "'50'"),
}
