"""The numbers in an answer, each with what surrounds it: where the numbers are (Arabic, Chinese,
English words, 九成二, 百分之五, 半年), what kind of quantity the words after each one say it is, and
what is not a number at all (一线, 第一, A100, Qwen2.5, 2027年, P95…).

Used by `agent.numbers`, which picks the one a question is about. Word lists (unit words and what
they convert to, scales, hedges, words that are not numbers) live in `knowledge/answer_words.yaml`
(`numbers`, `reading`); the patterns of how numbers are written stay here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from agent.words import word_list, word_values

ZH_DIGITS = word_values("numbers", "zh_digits")
_ZH_SMALL = word_values("numbers", "zh_units")
_SCALES = word_values("numbers", "scales")
_EN_NUMBERS = word_values("reading", "en_numbers")
_EN_COMPOUND = re.compile(
    r"(?<![a-z])("
    + "|".join(w for w, v in _EN_NUMBERS.items() if 20 <= v < 100 and v % 10 == 0)
    + r")[- ]("
    + "|".join(w for w, v in _EN_NUMBERS.items() if 1 <= v <= 9)
    + r")(?![a-z])"
)

CLAUSE_BREAK = re.compile(r"[，;；。！!？?\n]|,(?!\d{3})|(?<!\d)\.(?!\d)|(?<=\s)-(?=\s)|—")
_ORDINAL = re.compile(r"第[零一二两三四五六七八九十百\d]+")
_MODEL_TOKEN = re.compile(r"(?<![a-z0-9])[a-z]+[-_]?(?!\d+(?:\.\d+)?b(?![a-z]))\d+(?:\.\d+)*[a-z]*")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?:\s*年|(?!\d)(?=\s*(?:$|[,，.。]|\b)))")
_ROUND_CLOCK = re.compile(r"7\s*[x×*]\s*24")
_ARABIC = re.compile(
    r"(?<![a-z0-9.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:e\+?\d{1,2}(?![\d.]))?)"
    r"(?:\s*(千亿|百亿|亿|万|千(?!分)|thousand|millions?|billion|mn|bn|k|w|m|b)(?![a-z]))?"
)
_ZH_RUN = re.compile(r"[零一二两三四五六七八九十百千万亿]+")
_ZH_TENTHS = re.compile(r"([一二两三四五六七八九十\d])成([一二三四五六七八九])?")
_ZH_PER = re.compile(r"(百分之|千分之)([零一二两三四五六七八九十百点.\d]+)")
_HALF = re.compile(r"(?<![一二两三四五六七八九十\d个])半(?:个)?(?=年|月|秒|小时|天|周)|half an?|half of an?")
_FRACTION = re.compile(r"一半|半数|[一二三四]分之[一二三]|\bhalf of\b|\ba (?:third|quarter) of\b")

LATENCY_MS = word_values("reading", "units_latency_ms")
"""A latency unit word → the milliseconds one of it is."""
TIME_MONTHS = {
    word: 12 / per_year for word, per_year in word_values("reading", "units_time_per_year").items()
}
"""A duration unit word → the months one of it is."""
KIND_SUFFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("percent", word_list("reading", "units_percent")),
    ("params", word_list("reading", "units_params")),
    ("latency", tuple(LATENCY_MS)),
    ("time", tuple(TIME_MONTHS)),
)
"""Unit words after a number, by the kind of quantity they make it (tried in this order)."""
_HEDGES = re.compile("(" + "|".join(map(re.escape, word_list("reading", "hedges"))) + r"|\s)+$")


@dataclass
class Mention:
    """One number in the answer."""

    value: float
    """The number with its scale applied (500万 → 5,000,000; 72B → 72e9)."""
    start: int
    end: int
    scale: str = ""
    """The scale word as typed (万, 亿, k, m, b…), or empty."""
    kind: str = ""
    """percent | params | latency | time | money | people | things | "" (bare)."""
    unit: str = ""
    """The unit word that set `kind` (秒, 个月, 人…)."""


@cache
def _words(name: str) -> tuple[str, ...]:
    return tuple(
        sorted(
            (unicodedata.normalize("NFKC", w).lower() for w in word_list("reading", name)),
            key=len,
            reverse=True,
        )
    )


def zh_numeral(s: str) -> float:
    """A Chinese numeral with sections (一万二千 = 12000, 两千五百万 = 25,000,000, 千亿 = 1e11)."""
    total, section, current = 0.0, 0.0, 0.0
    for ch in s:
        if ch in ZH_DIGITS:
            current = ZH_DIGITS[ch]
        elif ch in _ZH_SMALL:
            section += (current or 1) * _ZH_SMALL[ch]
            current = 0
        elif ch == "万":
            total += ((section + current) or 1) * 1e4
            section = current = 0
        elif ch == "亿":
            total = (total + section + current or 1) * 1e8
            section = current = 0
    return total + section + current


def _zh_decimal(s: str) -> float:
    """A Chinese numeral with a decimal point (九十.五 = 90.5, from 九十点五); digits after the point
    are read one by one (点二五 = .25), up to the first that is none (a stray second 点)."""
    whole, _, after = s.partition(".")
    read = "".join(str(int(ZH_DIGITS[c])) if c in ZH_DIGITS else c for c in after)
    digits = re.sub(r"\D.*", "", read)
    return zh_numeral(whole) + (float("0." + digits) if digits else 0.0)


def normalise(raw: str) -> str:
    """Width-folded, lower-case, thousands separators kept (`5,000`)."""
    return unicodedata.normalize("NFKC", raw).strip().lower()


def masked(text: str) -> tuple[str, bool]:
    """`text` with what is not a quantity blanked out (same length), and whether it speaks of a
    fraction of something ("一半的员工": the number after it is not the answer)."""
    spans: list[tuple[int, int]] = []
    for word in _words("not_numbers"):
        spans += [(m.start(), m.end()) for m in re.finditer(re.escape(word), text)]
    for pat in (_ORDINAL, _MODEL_TOKEN, _YEAR, _ROUND_CLOCK):
        spans += [(m.start(), m.end()) for m in pat.finditer(text)]
    fraction = _FRACTION.search(text)
    if fraction:
        spans.append((fraction.start(), fraction.end()))
    chars = list(text)
    for s, e in spans:
        chars[s:e] = "_" * (e - s)
    return "".join(chars), fraction is not None


def _runs_on(word: str, after: str) -> bool:
    """Whether the English `word` at the start of `after` is only the start of a longer English word
    ("min" of "minister"); a Chinese character after it ends it ("3 min内", "5%会用")."""
    tail = after[len(word) :]
    return word.isascii() and word[-1:].isalpha() and re.match(r"[a-z]", tail) is not None


def _classify(text: str, m: Mention) -> None:
    """Set `m.kind` and `m.unit` from the words right after (and money words right before) it."""
    after = text[m.end :].lstrip().removeprefix("-")
    if m.scale == "b":
        m.kind, m.unit = "params", "b"
        return
    for kind, suffixes in KIND_SUFFIXES:
        for suffix in suffixes:
            if after.startswith(suffix) and not _runs_on(suffix, after):
                m.kind, m.unit = kind, suffix
                if kind in ("time", "latency"):
                    m.end += len(text[m.end :]) - len(after) + len(suffix)
                    if text[m.end : m.end + 1] == "半":  # 一年半, 两个小时半
                        m.value += 0.5
                        m.end += 1
                    elif text[m.end :].startswith(" and a half"):
                        m.value += 0.5
                return
    before = text[max(0, m.start - 6) : m.start]
    if any(after.startswith(w) for w in _words("yuan")) or any(
        before.rstrip().endswith(w) for w in _words("yuan")
    ):
        m.kind, m.unit = "money", "元"
        return
    for name in ("people", "things"):
        for word in _words(name):
            if after.startswith(word) and not _runs_on(word, after):
                m.kind, m.unit = name, word
                return


def mentions(text: str) -> tuple[list[Mention], bool]:
    """Every number in normalised `text` (see module doc), in order, and the fraction flag."""
    blank, fraction = masked(text)
    found: list[Mention] = []

    def take(m: Mention) -> None:
        nonlocal blank
        found.append(m)
        blank = blank[: m.start] + "_" * (m.end - m.start) + blank[m.end :]

    for m in _ZH_PER.finditer(blank):
        digits = m.group(2).replace("点", ".")
        value = float(digits) if re.fullmatch(r"[\d.]+", digits) else _zh_decimal(digits)
        take(
            Mention(
                value / (10 if m.group(1) == "千分之" else 1), m.start(), m.end(), kind="percent", unit="%"
            )
        )
    for m in _ZH_TENTHS.finditer(blank):
        tens = float(m.group(1)) if m.group(1).isdigit() else zh_numeral(m.group(1))
        ones = ZH_DIGITS.get(m.group(2) or "", 0.0)
        take(Mention(tens * 10 + ones, m.start(), m.end(), kind="percent", unit="成"))
    for m in _HALF.finditer(blank):
        take(Mention(0.5, m.start(), m.end()))
    for m in _ARABIC.finditer(blank):
        n = float(m.group(1).replace(",", ""))
        scale = m.group(2) or ""
        factor = _SCALES.get(scale, 1.0)
        take(Mention(n * factor, m.start(), m.end(), scale=scale))
    for m in _ZH_RUN.finditer(blank):
        run = m.group(0)
        if not any(c in ZH_DIGITS or c == "十" for c in run) and len(run) < 2:
            continue
        scale = run[-1] if run[-1] in "万亿" else ""
        take(Mention(zh_numeral(run), m.start(), m.end(), scale=scale))
    for m in _EN_COMPOUND.finditer(blank):  # "ninety-five", "twenty one"
        take(Mention(_EN_NUMBERS[m.group(1)] + _EN_NUMBERS[m.group(2)], m.start(), m.end()))
    for m in re.finditer(r"(?<![a-z])(" + "|".join(_EN_NUMBERS) + r"|an?)(?![a-z])", blank):
        word = m.group(1)
        if word in ("a", "an"):  # "a year", "an hour": one of a unit, nothing else
            if not re.match(
                r"\s*(year|month|week|day|quarter|second|minute|hour)(?![a-z])", blank[m.end() :]
            ):
                continue
            value = 1.0
        else:
            value = _EN_NUMBERS[word]
        take(Mention(value, m.start(), m.end()))
    found.sort(key=lambda x: x.start)
    for mention in found:
        if not mention.kind:
            _classify(text, mention)
    return found, fraction


def clause_of(text: str, pos: int) -> tuple[int, int]:
    """The (start, end) of the clause of `text` holding position `pos`."""
    start, end = 0, len(text)
    for m in CLAUSE_BREAK.finditer(text):
        if m.end() <= pos:
            start = m.end()
        elif m.start() >= pos:
            end = m.start()
            break
    return start, end


def has_word(text: str, name: str) -> str | None:
    """The first word of list `reading.name` that occurs in `text` (ASCII words as whole words)."""
    for word in _words(name):
        if word.isascii() and word[:1].isalpha():
            if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text):
                return word
        elif word in text:
            return word
    return None


def word_hits(text: str, name: str) -> list[tuple[int, int]]:
    """The (start, end) of every occurrence in `text` of a word of list `reading.name` (ASCII words as
    whole words)."""
    hits = []
    for word in _words(name):
        whole = word.isascii() and word[:1].isalpha()
        pat = rf"(?<![a-z]){re.escape(word)}(?![a-z])" if whole else re.escape(word)
        hits += [(m.start(), m.end()) for m in re.finditer(pat, text)]
    return hits


def ends_with_word(text: str, name: str) -> bool:
    """Whether `text` (stripped, hedges like 约/大概/about removed) ends with a word of `reading.name`."""
    text = _HEDGES.sub("", text)
    return any(text.endswith(w) for w in _words(name))
