"""Numbers as people type them, converted to a question's unit — and never guessed.

"500万" → 500 (万元), "1.5亿" → 15000 (万元), "3 million" → 300 (万元), "2 years" → 24 (months),
"半年" → 6, "九成二" → 92 (percent), "0.95" → 95 (for an accuracy-like percent), "2秒" → 2000 (ms),
"Qwen2.5-72B" → 72 (billion parameters), "一线运维人员约3000人" → 3000 (users). Number words inside
ordinary words (一线, 第一, 一期, 单卡), GPU and model names (A100, H20, Qwen2.5) and years are not
quantities (`agent.numtext`).

`read_number` returns a `NumberReading`: a value when the answer states exactly one number of the
kind the question asks (words such as 一共/total, 峰值/peak, 每年/a year or "from 85% to 95%" settle
which one when there are several); otherwise no value and the candidates to ask back about — a
range ("300到500人"), two numbers that words do not settle, a date given for a duration, a foreign
currency, a rough quantity ("两三百" → 200 or 300; "几十" → ask for an estimate), an amount for a span
of time where a yearly one is asked ("三个月的试点50万"). A bare number is read in the question's unit;
a bare latency below 30 is read as seconds and says so.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from agent.numtext import (
    LATENCY_MS,
    TIME_MONTHS,
    Mention,
    clause_of,
    ends_with_word,
    has_word,
    mentions,
    normalise,
    word_hits,
)
from agent.signals import is_negated
from agent.words import word_list, word_values

_PER_YEAR = word_values("reading", "per_year_money")
_VAGUE = re.compile(
    r"[十百千万]几|几[十百千万亿]|几(?=[个位台张名人家条次])|数[十百千万]|上[百千万]|成[百千万]|"
    + "|".join(map(re.escape, word_list("reading", "vague_zh")))
    + r"|\b(?:"
    + "|".join(map(re.escape, word_list("reading", "vague_en")))
    + r")\b"
)
"""Rough quantities ("几十", "十几", "dozens"): asked again for one estimate, never guessed."""
_PAIR = re.compile(r"([一二两三四五六七八九])([一二两三四五六七八九])(?=[十百千万亿个年月天周秒分人名])")
"""Two adjacent digits, a spoken range: 两三百 = 200 or 300, 三五个月 = 3 or 5 months."""
_TYPED_ONLY = ("billion_params", "ms", "percent", "months", "minutes", "cny_per_hour")
"""Units where a number with the unit's own word wins over a bare one in the same answer."""
_RANGE_JOIN = re.compile(
    r"^\s*(?:" + "|".join(map(re.escape, word_list("reading", "range_joins"))) + r")\s*$"
)
_DATE = re.compile(r"(?:19|20)\d\d|\d+\s*月\s*\d+\s*[日号]|\d+\s*月(?:份|底|初|中|前|之前|以前)|\bq[1-4]\b")


class NumberError(ValueError):
    """A number that cannot be read; `zh` and `en` explain the accepted forms."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh = zh
        self.en = en


@dataclass
class NumberReading:
    """What an answer says about one number: a value, or the candidates to ask back about."""

    value: float | None = None
    candidates: list[float] = field(default_factory=list)
    """Values the answer could mean (asked back when there is no `value`)."""
    why_zh: str = ""
    why_en: str = ""
    """Why the reading is not certain (or, with a value, the assumption it made)."""


_EXAMPLES: dict[str | None, tuple[str, str]] = {
    None: ("100", "100"),
    "wan_cny": ("“300万”“1.5亿”“300”（万元）", "'3 million', '15 million', '300' (×10k CNY)"),
    "months": ("“6个月”“一年”", "'6 months', '1 year'"),
    "percent": ("“95%”", "'95%'"),
    "ms": ("“2秒”“800毫秒”", "'2 s', '800 ms'"),
    "billion_params": ("“7B”“72B”", "'7B', '72B'"),
    "users": ("“500”“2万”", "'500', '20k'"),
    "qps": ("“50”", "'50'"),
    "minutes": ("“8分钟”“30秒”", "'8 min', '30 s'"),
    "per_day": ("“20”", "'20'"),
    "cny_per_hour": ("“150元”", "'150 CNY'"),
}

_WANTED = {
    "users": ("people",),
    "qps": (),
    "wan_cny": ("money",),
    "months": ("time",),
    "ms": ("latency",),
    "percent": ("percent",),
    "billion_params": ("params",),
    "minutes": ("latency",),
    "per_day": ("things",),
    "cny_per_hour": ("money",),
}
"""The kind of number each unit asks for; a bare number (no unit word) is read in the unit too."""


def _ask(why_zh: str, why_en: str, candidates: list[float] | None = None) -> NumberReading:
    return NumberReading(None, sorted(set(candidates or [])), why_zh, why_en)


def _convert(m: Mention, unit: str | None, text: str, fraction_as_percent: bool) -> float | None:
    """`m` in `unit`, or None when it is not a number of that kind."""
    n, kind = m.value, m.kind
    if unit == "wan_cny":
        if kind not in ("", "money") or m.scale == "b":
            return None
        return round(n / 1e4, 4) if (m.scale or kind == "money") else n
    if unit == "billion_params":
        if kind not in ("", "params"):
            return None
        return round(n / 1e9, 4) if m.scale else n
    if unit == "percent":
        if kind not in ("", "percent") or m.scale:
            return None
        return round(n * 100, 4) if kind == "" and fraction_as_percent and 0 < n < 1 else n
    if unit == "months":
        if kind not in ("", "time"):
            return None
        return round(n * TIME_MONTHS.get(m.unit, 1.0), 2) + (0.5 if m.unit == "个半月" else 0)
    if unit == "ms":
        if kind not in ("", "latency"):
            return None
        return round(n * LATENCY_MS[m.unit], 3) if kind else n
    if unit == "minutes":  # a duration per task: 分钟/秒 (the latency words), a bare number in minutes
        if kind not in ("", "latency"):
            return None
        return round(n * LATENCY_MS[m.unit] / 60000, 4) if kind else n
    if unit == "cny_per_hour":  # yuan, not 万元: "150元", "150"
        return n if kind in ("", "money") and m.scale != "b" else None
    if unit == "per_day":  # a count of tasks: "20次", "5条"
        return n if kind in ("", "things") else None
    if unit == "qps" and kind == "things" and m.unit in ("requests", "calls", "times"):
        return n
    # counts: users, qps, no unit
    if kind not in ("", "people") or m.scale == "b":
        return None
    return n


def _near(text: str, m: Mention, name: str) -> bool:
    """Whether a word of `reading.name` comes right before `m` (hedges like 约/about in between)."""
    start, _ = clause_of(text, m.start)
    return ends_with_word(text[start : m.start], name)


def _period(text: str, m: Mention, spans: list[Mention]) -> float | None:
    """The factor turning `m` into a yearly amount, from a period word in its clause (每月 → 12); the
    月 of a span of time (`spans`: "三个月的试点") is not a period."""
    start, end = clause_of(text, m.start)
    clause = text[start:end]
    best: tuple[int, float] | None = None
    for word, factor in _PER_YEAR.items():
        for hit in re.finditer(re.escape(word), clause):
            if any(d.start <= start + hit.start() < d.end for d in spans):
                continue
            if (
                word.isascii()
                and word[:1].isalpha()
                and re.search(r"[a-z]", clause[hit.end() : hit.end() + 1])
            ):
                continue
            dist = abs(start + hit.start() - m.start)
            if best is None or dist < best[0]:
                best = (dist, factor)
    return best[1] if best else None


def _pairs(text: str) -> list[str]:
    """The two readings of a spoken range (两三百 → 两百, 三百), or [] when there is none."""
    m = _PAIR.search(text)
    if not m:
        return []
    return [text[: m.start()] + d + text[m.end() :] for d in m.groups()]


def read_number(
    raw: str, unit: str | None, *, fraction_as_percent: bool = False, per: str | None = None
) -> NumberReading:
    """What `raw` says about a number in `unit` (see module doc). NumberError when it holds none.

    With `fraction_as_percent`, a bare fraction in a percent field is read as a share ("0.95" → 95);
    `per="year"`: a money amount per month or day is turned into a yearly one.
    """
    text = normalise(raw)
    if unit == "months" and (_DATE.search(text) or _date_word(text)):
        return _ask("这是一个日期，请说从现在起大约多少个月", "that is a date; how many months from now?")
    if has_word(text, "foreign_money") and unit == "wan_cny":
        return _ask("不是人民币金额，请换算成万元", "not in yuan; please give the amount in 10k CNY")
    pairs = _pairs(text)
    if pairs:
        values = [
            r.value for r in (_safe(p, unit, fraction_as_percent, per) for p in pairs) if r.value is not None
        ]
        return _ask("这是一个范围，请给一个估计值", "that is a range; please give one estimate", values)
    vague = _VAGUE.search(text)
    if vague and not re.search(r"\d", text[: vague.start()]):
        return _ask(
            f"“{vague.group(0)}”是一个大概的范围，请给一个估计值，例如 {_EXAMPLES[unit][0]}",
            f"'{vague.group(0)}' is a range; give one estimate, e.g. {_EXAMPLES[unit][1]}",
        )
    found, fraction = mentions(text)
    if any(_negative(text, m) for m in found):
        raise NumberError(
            "数量不能是负数，请给一个正数", "the amount cannot be negative; give a positive number"
        )
    read = [(m, v) for m in found if (v := _convert(m, unit, text, fraction_as_percent)) is not None]
    if not read:
        raise NumberError(
            f"请输入一个数字，例如 {_EXAMPLES[unit][0]}", f"enter a number, e.g. {_EXAMPLES[unit][1]}"
        )
    values = [v for _, v in read]
    # a range: two numbers joined by 到 / - / to ("300到500人", "between 2 and 3 million")
    for (a, va), (b, vb) in itertools.pairwise(read):
        if _RANGE_JOIN.match(text[a.end : b.start]) and a.kind in ("", b.kind):
            if not b.kind or a.kind:
                if not a.scale and b.scale:  # 1到2亿: one hundred million, not one
                    shared = Mention(_shared_scale(a, b), a.start, a.end, b.scale, a.kind, a.unit)
                    va = _convert(shared, unit, text, fraction_as_percent) or va
                return _ask(
                    "这是一个范围，请给一个估计值", "that is a range; please give one estimate", [va, vb]
                )
            ranged = _convert(
                Mention(_shared_scale(a, b), a.start, a.end, a.scale or b.scale, b.kind, b.unit),
                unit,
                text,
                fraction_as_percent,
            )
            return _ask(
                "这是一个范围，请给一个估计值",
                "that is a range; please give one estimate",
                [ranged or va, vb],
            )
    if unit in _TYPED_ONLY and any(m.kind for m, _ in read):  # "Qwen2.5-7B on one A10": not 1
        read = [(m, v) for m, v in read if m.kind]
        values = [v for _, v in read]
    if unit == "users" and any(m.kind == "percent" for m in found):  # "2 million riders; 5% would use it"
        return _ask(
            "答案里有一个比例，请直接给出使用人数",
            "the answer holds a share; please give the number of users itself",
        )
    if fraction:
        return _ask(
            "答案里说的是其中一部分，请直接给出" + ("人数" if unit == "users" else "完整的数字"),
            "the answer speaks of a share; please give the "
            + ("number of users" if unit == "users" else "whole figure")
            + " itself",
            values,
        )
    if unit == "users" and any(_near(text, m, "not_users") or _per_unit(text, m) for m, _ in read):
        return _ask("这个数字可能不是使用人数，请确认", "this number may not be the number of users", values)
    if unit == "qps":
        read = _qps(text, read)
        if not read:
            return _ask(
                "这是小时或每天的量，请给每秒峰值",
                "that is per hour or per day; give the peak per second",
                values,
            )
    if unit == "wan_cny" and per == "year":
        spans = [d for d in found if d.kind == "time" and d.value != 1]  # 一年, 1个月: a period
        timed = [(m, v * f) for m, v in read if (f := _period(text, m, spans)) is not None]
        if spans and not timed:  # "三个月的试点50万": for three months, not a year
            return _ask(
                "这笔金额对应的是一段时间，请给出每年的金额",
                "that amount is for a span of time; please give the amount per year",
                values,
            )
        read = [(m, v * (_period(text, m, spans) or 1)) for m, v in read]
        if len(timed) == 1 and len(read) > 1:
            read = timed
    return _settle(text, read, unit)


def _shared_scale(a: Mention, b: Mention) -> float:
    """The first number of a range in the second's scale: 1到2亿 → 1亿, 两到三百万 → 两百万, 8到12万 → 8万.

    Only when the first has no scale word of its own and the second has: the first is raised by
    powers of ten to the second's order of magnitude (never past it).
    """
    if a.scale or not b.scale or a.value <= 0 or a.value >= b.value:
        return a.value
    value = a.value
    while value * 10 <= b.value:
        value *= 10
    return value


def _negative(text: str, m: Mention) -> bool:
    """A minus sign right before the number, not a hyphen after a word or a range's dash.

    "-5", "预算-5万", "− 5": negative; "3-5万" (a range), "GPT-4", "Qwen2.5-72B" (names): not.
    """
    before = text[: m.start].rstrip()
    if not before.endswith(("-", "−", "负")):
        return False
    ahead = before[:-1]
    word = ahead.rstrip()
    if not word:  # "-5"
        return True
    if word[-1].isdigit() or word[-1] in "一二两三四五六七八九十百千万亿":  # "3-5万", "3 - 5万": a range
        return False
    spaced = ahead[-1].isspace()  # "budget -300" is a minus; "GPT-4" is a name
    return spaced or not (word[-1].isascii() and word[-1].isalnum())


def _date_word(text: str) -> bool:
    """Whether a date word (`reading.date_words`) stands outside every duration ("年底上线" is a date;
    the 年内 of "半年内", "2年内" belongs to a duration)."""
    durations = [(m.start, m.end) for m in mentions(text)[0] if m.kind == "time"]
    return any(
        not any(s < end and start < e for s, e in durations) for start, end in word_hits(text, "date_words")
    )


def _per_unit(text: str, m: Mention) -> bool:
    """Whether `m` counts per something ("每个分公司150人", "each store has 2"): not the total."""
    before = text[clause_of(text, m.start)[0] : m.start]
    return "每" in before or bool(re.search(r"\b(each|per|every)\b", before))


def _safe(text: str, unit: str | None, fraction_as_percent: bool, per: str | None) -> NumberReading:
    try:
        return read_number(text, unit, fraction_as_percent=fraction_as_percent, per=per)
    except NumberError:
        return NumberReading()


def _qps(text: str, read: list[tuple[Mention, float]]) -> list[tuple[Mention, float]]:
    """Requests per second: per minute ÷ 60; per hour or per day cannot give a peak (dropped)."""
    out = []
    for m, v in read:
        start, end = clause_of(text, m.start)
        clause = text[start:end]
        if has_word(clause, "per_minute"):
            out.append((m, round(v / 60, 3)))
        elif not has_word(clause, "per_longer") or has_word(clause, "per_second"):
            out.append((m, v))
    return out


def _settle(text: str, read: list[tuple[Mention, float]], unit: str | None) -> NumberReading:
    """One value when the numbers agree or words pick one; otherwise the candidates."""
    values = sorted({v for _, v in read})
    if len(values) == 1:
        return _with_assumption(read[0], unit)
    bounds = has_word(text, "bounds")
    if len(read) > 1:
        kept = [(m, v) for m, v in read if bounds or not is_negated(text, m.start)]  # 跑不了72B
        if 0 < len(kept) < len(read) and len({v for _, v in kept}) == 1:
            return _with_assumption(kept[0], unit)
    for cue in ("total", "peak") if unit in ("users", "qps", None) else ("total",):
        picked = [(m, v) for m, v in read if _near(text, m, cue)]
        if len({v for _, v in picked}) == 1:
            return _with_assumption(picked[0], unit)
    if len(read) == 2 and _near(text, read[0][0], "baseline"):  # "从现在的85%提到95%"
        return _with_assumption(read[1], unit)
    return _ask(
        "答案里有几个数字，请确认是哪一个", "the answer holds several numbers; which one is it?", values
    )


def _with_assumption(item: tuple[Mention, float], unit: str | None) -> NumberReading:
    m, v = item
    if unit == "ms" and not m.kind:
        if m.value < 30:
            return NumberReading(v * 1000, [], f"按 {m.value:g} 秒理解", f"read as {m.value:g} seconds")
        if m.value < 200:
            return _ask("请说明单位：秒还是毫秒", "seconds or milliseconds?", [m.value, m.value * 1000])
    return NumberReading(v)


def parse_number(raw: str, unit: str | None, *, fraction_as_percent: bool = False) -> float:
    """The one number `raw` states in `unit`; NumberError when there is none or it is uncertain."""
    reading = read_number(raw, unit, fraction_as_percent=fraction_as_percent)
    if reading.value is None:
        raise NumberError(reading.why_zh, reading.why_en)
    return reading.value
