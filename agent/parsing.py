"""Forgiving answer parsing for guided mode: typed values from what a person actually types.

Choices by number ("2", "２"), letter ("B"), value, label or alias in either language; several
choices as "1,3", "1 3", "RAG和Agent"; yes/no as 是/否/有/没有/y/n…; numbers with units ("500万",
"1.5亿", "2 years", "30%", "2秒"); skip / don't know in both languages. Free text is scanned for
signals (`agent.signals`) whose values go to `ParseResult.inferred`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from agent.cues import CLAUSE, EXCEPT, LATER, negated_after, says_unknown, then_but
from agent.fieldtypes import field_spec
from agent.numbers import NumberError, read_number
from agent.questions import Option, Question
from agent.signals import inferred_values, is_negated, normalise, scan
from agent.types import Lang
from agent.words import word_list, word_set

ParseStatus = Literal["answered", "skipped", "unknown"]

_SKIP = word_set("answers", "skip")
_UNKNOWN = word_set("answers", "unknown")
_YES = word_set("answers", "yes")
_NO = word_set("answers", "no")
_NONE_WORDS = word_set("answers", "none")
_ALL_WORDS = word_set("answers", "all")
_MULTI_SPLIT = re.compile(
    r"\s*(?:[,，、;；/|+&]|"
    + "|".join(rf"\b{re.escape(w)}\b" for w in word_list("answers", "list_joins_en"))
    + "|"
    + "|".join(map(re.escape, word_list("answers", "list_joins_zh")))
    + r"|\s)\s*"
)
_NEGATORS = frozenset(word_list("negation", "en"))
_SENTENCE_CHARS = 8
"""Typed answers longer than this are also scanned for signals."""
_TRAILING = re.compile(r"[\s。.!！~～]+$")


@dataclass
class ParseResult:
    """The outcome of parsing one raw answer."""

    ok: bool
    value: Any = None
    status: ParseStatus = "answered"
    error: str | None = None
    """A bilingual one-line reason with the accepted forms (when not ok)."""
    inferred: dict[str, Any] = field(default_factory=dict)
    """Other profile fields implied by the free text (signals)."""
    uncertain: bool = False
    """The answer could mean more than one value (or none for sure): ask back, never record a guess."""
    candidates: list[Any] = field(default_factory=list)
    """The values an uncertain answer could mean, in the question's unit (may be empty)."""
    note: str | None = None
    """An assumption the reading made, to show with the recorded value ("按 3 秒理解")."""


def _clean(raw: str) -> str:
    return _TRAILING.sub("", normalise(raw).strip())


def is_skip(raw: str) -> bool:
    return _clean(raw) in _SKIP


def is_unknown(raw: str) -> bool:
    text = _clean(raw)
    return text in _UNKNOWN or text.rstrip("?") in _UNKNOWN or (bool(text) and set(text) <= {"?"})


_CONFIRM = word_set("answers", "confirm")
"""Words that confirm a value the coach inferred from earlier answers."""


def is_confirmation(question: Question, raw: str) -> bool:
    """Whether `raw` confirms the value suggested for `question` rather than answering it: a
    confirmation word that is not an answer of its own (a yes/no question's 是/yes, an option)."""
    text = _clean(raw)
    if text not in _CONFIRM or question.type == "yesno":
        return False
    return question.type not in ("choice", "multi") or _match_option(question, text) is None


def _match_option(question: Question, token: str) -> Option | None:
    """An option by 1-based number, letter, value, label or alias (exact, normalised)."""
    t = token.strip().strip("。.)）(（[]【】'\"“”")
    if not t:
        return None
    opts = question.options
    if t.isdecimal() and len(t) <= 3 and 1 <= int(t) <= len(opts):
        return opts[int(t) - 1]
    if len(t) == 1 and "a" <= t <= "z" and ord(t) - ord("a") < len(opts):
        return opts[ord(t) - ord("a")]
    for o in opts:
        names = [o.value, o.value.replace("_", " "), o.zh, o.en, *o.aliases]
        if t in {normalise(n) for n in names}:
            return o
    return None


def _contained_options(question: Question, text: str, *, negated: bool = False) -> list[Option]:
    """Options whose label or alias appears inside `text` (longest names first, no overlaps); a
    mention negated in its clause ("不做微调", "no pruning") selects nothing — or, with `negated`,
    only the negated ones are returned."""
    found: list[tuple[int, Option]] = []
    taken: list[tuple[int, int]] = []
    names = [(normalise(n), o) for o in question.options for n in (o.zh, o.en, *o.aliases)]
    names.sort(key=lambda p: -len(p[0]))
    for name, opt in names:
        pat = rf"(?<![a-z0-9]){re.escape(name)}(?![a-z0-9])" if name.isascii() else re.escape(name)
        for m in re.finditer(pat, text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            taken.append((m.start(), m.end()))
            if (is_negated(text, m.start()) or negated_after(text, m.end())) != negated:
                continue
            if all(o is not opt for _, o in found):
                found.append((m.start(), opt))
    found.sort(key=lambda p: p[0])
    return [o for _, o in found]


def _accepted(question: Question, lang: Lang) -> str:
    if question.type == "yesno":
        return "是/否, y/n" if lang == "zh" else "yes/no, y/n"
    sep = "，" if lang == "zh" else ", "
    return sep.join(f"{i + 1}={o.label(lang)}" for i, o in enumerate(question.options))


def _error(raw: str, lang: Lang, detail_zh: str, detail_en: str) -> ParseResult:
    """A refusal (or, with `uncertain` set by the caller, an ask-back) telling the user why, in their language."""
    skip = "跳过 / 不知道" if lang == "zh" else "skip / don't know"
    if lang == "zh":
        msg = f"无法理解“{raw.strip()}”：{detail_zh}（也可以回答 {skip}）"
    else:  # one language per screen: the other one's explanation is not appended
        msg = f"Could not read '{raw.strip()}': {detail_en} (or answer {skip})"
    return ParseResult(ok=False, error=msg)


def _signal_value(question: Question, text: str) -> Any:
    """The value the signal table reads for the question's own field ("城商行" → finance), or None."""
    signal = scan(text).get(question.field)
    return signal.value if signal is not None else None


def _parse_choice(question: Question, text: str, lang: Lang) -> ParseResult:
    opt = _match_option(question, text)
    if opt is None:
        found = _contained_options(question, text)
        opt = found[0] if len(found) == 1 else None
        if len(found) > 1:
            labels = "、".join(o.zh for o in found)
            return _error(
                text,
                lang,
                f"只能选一项（匹配到：{labels}）",
                f"choose one option only ({', '.join(o.en for o in found)})",
            )
    if opt is None:
        opt = question.option(str(_signal_value(question, text)))
    if opt is None:
        zh, en = _accepted(question, "zh"), _accepted(question, "en")
        return _error(
            text, lang, f"请回答选项编号或名称：{zh}", f"answer with an option number or name: {en}"
        )
    return ParseResult(ok=True, value=opt.value)


def _parse_multi(question: Question, text: str, lang: Lang) -> ParseResult:
    zh, en = _accepted(question, "zh"), _accepted(question, "en")
    values = [o.value for o in question.options]
    if text in _ALL_WORDS:
        return ParseResult(ok=True, value=[v for v in values if v != "none"])
    single = _match_option(question, text)
    if single is not None:
        return ParseResult(ok=True, value=[single.value])
    if text in _NONE_WORDS:
        return ParseResult(ok=True, value=["none"] if "none" in values else [])
    if EXCEPT.search(text):  # "除了多模态都要", "all of the above except multimodal"
        left_out = {o.value for o in _contained_options(question, text)}
        return ParseResult(ok=True, value=[v for v in values if v != "none" and v not in left_out])
    if (
        "none" in values
        and not _contained_options(question, text)
        and _contained_options(question, text, negated=True)
    ):  # "没有脱敏"
        return ParseResult(ok=True, value=["none"])
    tokens = [t for t in _MULTI_SPLIT.split(text) if t and t.strip()]
    picked = [_match_option(question, t) for t in tokens]
    if tokens and all(picked) and not any(t in _NEGATORS for t in tokens):
        chosen = [o.value for o in picked if o is not None]
    else:
        chosen = [o.value for o in _contained_options(question, text)]
    if LATER.search(text) and len(chosen) > 1:  # "business joins later": in the team or not yet?
        result = _error(
            text,
            lang,
            "有的选项是“以后”才有，请确认现在的",
            "some are only 'later'; which hold now?",
        )
        result.uncertain = True
        return result
    if not chosen:
        signal = _signal_value(question, text)
        chosen = [v for v in signal or [] if question.option(v) is not None]
    if not chosen:
        return _error(
            text,
            lang,
            f"请回答一个或多个选项，用逗号分隔：{zh}",
            f"answer one or more options, comma-separated: {en}",
        )
    unique = sorted(set(chosen), key=values.index)
    if "none" in unique and len(unique) > 1:
        unique.remove("none")
    return ParseResult(ok=True, value=unique)


_BOTH = re.compile(
    r"^(?:也?是[也又，,、]?不是|有[也又，,、]?没有|对[也又，,、]?不对|算[也又，,、]?不算|半是半不是"
    r"|yes\s*(?:and|or|/|,)\s*no\b|no\s*(?:and|or|/|,)\s*yes\b|sort of\b|kind of\b)",
    re.IGNORECASE,
)
"""An answer that says yes and no at once, or only "sort of": asked back, never read as either."""


_NOT_NO = ("不知道", "不确定", "不清楚", "不仅", "不但", "不光", "不单", "不只", "未来", "无论")
"""Openings that start like a "no" and are none: a doubt, "not only…", "in future…", "whatever…"."""


def _parse_yesno(question: Question, text: str, lang: Lang) -> ParseResult:
    if text in _YES:
        return ParseResult(ok=True, value=True)
    if text in _NO:
        return ParseResult(ok=True, value=False)
    if _BOTH.match(text):  # "是也不是", "有也没有", "yes and no": neither is the answer
        result = _error(text, lang, "答案里既有“是”也有“否”，请确认", "the answer says both yes and no")
        result.uncertain = True
        return result
    # A sentence: judge by how it starts ("没有，我们…", "是的，已经…", "No, we…").
    head = re.split(r"[\s,，。.!！;；]", text, maxsplit=1)[0]
    said_no = head in _NO or any(
        text.startswith(p) and not text.startswith(_NOT_NO)
        for p in ("没有", "没", "不", "无", "未", "还没", "暂时没", "暂未", "目前没", "尚未")
    )
    if said_no and head not in _YES and then_but(text):  # "not yet, but planned": ask, don't guess
        result = _error(text, lang, "答案里既有“否”也有“但是”，请确认", "the answer says no, then 'but'")
        result.uncertain = True
        return result
    if head in _YES or head in _NO:
        return ParseResult(ok=True, value=head in _YES)
    if said_no or re.search(r"(都没有|都不\S{0,3}|没有)$", head):  # "一张卡都没有"
        return ParseResult(ok=True, value=False)
    if re.fullmatch(r"[\u4e00-\u9fff]{1,3}过", head) and not head.startswith(("没", "未", "不")):
        return ParseResult(ok=True, value=True)  # "做过，法务签字了", "考虑过", "粗算过"
    said = {_signal_value(question, c) for c in CLAUSE.split(text)} - {None}
    if len(said) > 1:  # "会发到云上，原始数据不出域": one clause says yes, another no (before "会…" = yes)
        result = _error(text, lang, "答案里既有“是”也有“否”，请确认", "the answer says both yes and no")
        result.uncertain = True
        return result
    for prefix in ("有", "是", "已", "会", "需要", "涉及", "包含", "yes", "yeah"):
        if text.startswith(prefix):
            return ParseResult(ok=True, value=True)
    signal = _signal_value(question, text)  # "we handle patient records" → personal data: yes
    if isinstance(signal, bool):
        return ParseResult(ok=True, value=signal)
    return _error(text, lang, f"请回答 {_accepted(question, 'zh')}", f"answer {_accepted(question, 'en')}")


def _parse_number(question: Question, text: str, lang: Lang) -> ParseResult:
    try:
        reading = read_number(
            text, question.unit, fraction_as_percent=question.fraction_as_percent, per=question.per
        )
    except NumberError as exc:
        return _error(text, lang, exc.zh, exc.en)
    if reading.value is None:
        result = _error(text, lang, reading.why_zh, reading.why_en)
        result.uncertain, result.candidates = True, list(reading.candidates)
        return result
    value = reading.value
    if question.min is not None and value < question.min:
        return _error(text, lang, f"不能小于 {question.min:g}", f"must be at least {question.min:g}")
    if question.max is not None and value > question.max:
        return _error(text, lang, f"不能大于 {question.max:g}", f"must be at most {question.max:g}")
    note = (reading.why_zh if lang == "zh" else reading.why_en) or None
    return ParseResult(ok=True, value=value, note=note)


_LIST_NUMBER = re.compile(r"(?:^|\s+)\d{1,2}[.)、](?!\d)\s*")
"""A list item's number ("1. ", "2、", "3)"): an item starts there, whatever the separator after it."""
_LAST_JOIN = re.compile(r"\s*(?:和|及|以及|与)\s*|\s+(?:and|&)\s+", re.IGNORECASE)
_LEADING_JOIN = re.compile(r"^(?:and|&|和|及|以及|与)\s+", re.IGNORECASE)


def _split_list(raw: str) -> list[str]:
    """The items of a list answer: split on commas, 、, semicolons, new lines, arrows and item numbers;
    in an enumeration ("A、B和C", "A, B and C") the last item's conjunction splits it too (a lone
    "A和B" stays one item: it may be one name, "人力资源和社保系统")."""
    text = _LIST_NUMBER.sub("\n", raw.strip())
    parts = [p.strip() for p in re.split(r"\s*(?:[,，、;；\n]|>|→)\s*", text) if p.strip()]
    parts = [re.sub(r"^[-*•]\s*", "", _LEADING_JOIN.sub("", p)).strip() for p in parts]
    joins = list(_LAST_JOIN.finditer(parts[-1])) if len(parts) > 1 else []
    if joins:  # at the last conjunction only
        last, cut = parts.pop(), joins[-1]
        parts += [last[: cut.start()], last[cut.end() :]]
    return [p for p in parts if p]


def parse_answer(question: Question, raw: str, lang: Lang = "zh") -> ParseResult:
    """Parse a raw answer to `question` into a typed value (or skip/unknown, or an error)."""
    if is_skip(raw):
        return ParseResult(ok=True, status="skipped")
    if is_unknown(raw) or _clean(raw) == "unknown":
        if question.option("unknown") is not None:  # e.g. precedents: "not researched yet"
            return ParseResult(ok=True, value="unknown")
        return ParseResult(ok=True, status="unknown")
    text = _clean(raw)
    if not text:
        return _error(raw, lang, "答案为空", "the answer is empty")
    names_option = question.type in ("choice", "multi") and _match_option(question, text) is not None
    if not names_option and says_unknown(text, free_text=question.type == "text"):
        if question.option("unknown") is not None:
            return ParseResult(ok=True, value="unknown")
        return ParseResult(ok=True, status="unknown")
    inferred = {k: v for k, v in inferred_values(raw).items() if k != question.field}
    if question.type != "text":
        parse = {
            "choice": _parse_choice,
            "multi": _parse_multi,
            "yesno": _parse_yesno,
            "number": _parse_number,
        }[question.type]
        result = parse(question, text, lang)
        # A typed answer with a reason ("私有化，因为有客户信息") also carries signals.
        if result.ok and len(text) > _SENTENCE_CHARS:
            result.inferred = inferred
        return result
    # Free text: keep the user's words; lists are split on commas; signals are inferred.
    if field_spec(question.field).kind == "text_list":
        return ParseResult(ok=True, value=_split_list(raw), inferred=inferred)
    return ParseResult(ok=True, value=raw.strip(), inferred=inferred)


def _alternatives(name: str) -> str:
    return "|".join(map(re.escape, word_list("asking", name)))


_ASK_START = re.compile(rf"^({_alternatives('starts_zh')})|^({_alternatives('starts_en')})\b")
_ASK_END = re.compile(rf"({_alternatives('ends')})\s*[?？]?$")
_Q_WORD = re.compile(rf"{_alternatives('words_zh')}|\b({_alternatives('words_en')})\b")
_ASK_PARTICLE = re.compile(r"(吗|呢|么)\s*[?？]?$")


def looks_like_question(raw: str, question: Question) -> bool:
    """Whether `raw` is the user asking their own question rather than answering `question`.

    A valid typed answer (a choice, yes/no, number) is never a question. For free-text questions
    only a short, single-sentence message that opens or closes like a question counts, so a long
    description that happens to contain a question mark stays an answer.
    """
    if is_skip(raw) or is_unknown(raw):
        return False
    text = normalise(raw).strip()
    if not text:
        return False
    strong = bool(_ASK_START.match(text)) or bool(_ASK_END.search(text))
    ends_q = text.endswith(("?", "？")) or bool(_ASK_PARTICLE.search(text))
    if question.type != "text":
        # "什么是私有化部署？" contains an option name but is a question; "500万?" is an answer.
        return strong or (ends_q and (bool(_Q_WORD.search(text)) or not parse_answer(question, raw).ok))
    if not strong and not (ends_q and _ASK_PARTICLE.search(text)):
        return False
    # One sentence only, and short: "什么是RAG？" / "what is a PoC?".
    sentences = [s for s in re.split(r"[。.!！?？;；\n]", text) if s.strip()]
    short = len(text) <= 30 if not text.isascii() else len(text.split()) <= 12
    return len(sentences) <= 1 and short
