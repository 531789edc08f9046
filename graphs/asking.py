"""The user's own questions ("什么是RAG？", `/ask …`): grounded answers with citations.

Guided mode quotes the best passages and cites them, built-in guidance in the screen's language and the
user's own documents as written (labelled when that is not the screen's language). LLM mode has the
model answer from the same passages only, fenced as data, with [n] markers mapped back to citations; a
failing model falls back to the guided answer with a one-line notice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from agent.citemarks import citation_for
from agent.deliverables.labels import citation_in, section_label, source_name
from agent.errors import CoachError
from agent.interview.deps import Retriever
from agent.interview.text import t
from agent.snapshot import CoachMessage
from agent.types import Lang, Passage, Stage
from graphs.model_calls import ModelHelper
from knowledge.pack import load_pack, localize, text_lang
from prompts import fence, fence_passages, render_prompt
from prompts.fit import clip, scaled, trim_passages

TOP_K = 4
QUOTED = 2
"""Passages quoted in a guided answer."""
QUOTE_CHARS = {"zh": 220, "en": 400}
"""Characters of each quote, by the quote's language (an English sentence takes about twice the characters)."""
MAX_WORDS = 180
SENT_PASSAGES = 3
PASSAGE_TOKENS = 300
QUERY_TOKENS = 300
"""At a 4,096-token context: passages sent to the model, each cut to its most relevant sentences
within PASSAGE_TOKENS, and the user's question cut to QUERY_TOKENS (scaled up for larger contexts)."""


def search(
    retriever: Retriever | None, query: str, stage: Stage, lang: Lang = "zh"
) -> tuple[list[Passage], str | None]:
    """Passages for `query` with built-in text in `lang` (the built-in pack's words when no retriever),
    and an error to show."""
    if retriever is None:
        return pack_search(query, k=TOP_K, lang=lang), None
    try:
        found = retriever.search(query, k=TOP_K, lang=lang)
        return [localize(p, lang) for p in found], None
    except CoachError as exc:
        return pack_search(query, k=TOP_K, lang=lang), exc.message
    except Exception:  # the store is a seam: any failure degrades to the pack, said in plain words
        return pack_search(query, k=TOP_K, lang=lang), t("kb_search_failed", lang)


def pack_search(query: str, *, k: int, lang: Lang = "zh") -> list[Passage]:
    """Overlap with the built-in pack's text in the query's language (Chinese: character bigrams;
    English: words), returned with the text in `lang`: a small offline retriever of last resort."""
    english = text_lang(query) == "en"

    def grams(text: str) -> set[str]:
        if english:
            # imported here: the lexical index brings numpy, which a run that asks nothing never needs
            from knowledge.lexical import char_tokens

            return set(char_tokens(text))
        text = "".join(text.lower().split())
        return {text[i : i + 2] for i in range(len(text) - 1)}

    q = grams(query)
    if not q:
        return []
    scored = []
    for p in load_pack():
        g = grams(f"{p.title_en} {p.text_en}" if english else f"{p.title} {p.title_en} {p.text}")
        score = len(q & g) / len(q)
        if score > 0:
            scored.append((score, p.id, p))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return [localize(p.model_copy(update={"score": s}), lang) for s, _, p in scored[:k]]


def guided_answer(passages: Sequence[Passage], lang: Lang) -> CoachMessage:
    """The best passages, quoted and cited."""
    if not passages:
        return CoachMessage(kind="answer", text=t("ask_none", lang))
    shown = [localize(p, lang) for p in passages[:QUOTED]]
    lines = [t("ask_intro", lang)]
    for n, p in enumerate(shown, 1):
        quote = " ".join(p.text.split())
        limit = QUOTE_CHARS[p.lang]
        if len(quote) > limit:
            quote = quote[:limit].rstrip() + "…"
        title = (p.title_en if lang == "en" and p.title_en else section_label(p.title, lang, p.kb)) or (
            section_label(p.section, lang, p.kb)
        )
        source = source_name(p.source, lang)
        if p.lang != lang:  # only the user's own documents: built-in guidance is quoted in `lang`
            source = f"{source}{t('ask_quoted_in_' + p.lang, lang)}"
        lines.append(
            f"> {quote} [{n}]\n— {title}（{source}）"
            if lang == "zh"
            else f"> {quote} [{n}]\n— {title} ({source})"
        )
    return CoachMessage(
        kind="answer", text="\n\n".join(lines), citations=[citation_in(citation_for(p), lang) for p in shown]
    )


def answer(
    query: str,
    *,
    lang: Lang,
    stage: Stage,
    retriever: Retriever | None,
    helper: ModelHelper | None,
    on_token: object = None,
) -> tuple[list[CoachMessage], str | None]:
    """Messages answering the user's question, and a notice (retrieval or model fallback) or None."""
    passages, error = search(retriever, query, stage, lang)
    notice = (
        (error if error == t("kb_search_failed", lang) else t("kb_unavailable", lang, error=error))
        if error
        else None
    )
    if helper is not None and passages and helper.budget_left():
        prompt, sent = ask_prompt(
            query,
            passages,
            stage=stage,
            lang=lang,
            context_tokens=helper.settings.context_tokens,
            fits=lambda text: helper.request_tokens(text, lang) <= helper.prompt_budget,
        )
        result = helper.answer(prompt=prompt, lang=lang, passages=sent, on_token=on_token)  # type: ignore[arg-type]
        if result is not None:
            text, citations = result
            if not citations:
                citations = [citation_for(p) for p in sent[:QUOTED]]
            citations = [citation_in(c, lang) for c in citations]
            return [CoachMessage(kind="answer", text=text, citations=citations)], notice
        if helper.notice:  # none when the breaker refused the call and had said so already
            notice = t("model_fallback", lang, reason=helper.notice)
    return [guided_answer(passages, lang)], notice


def ask_prompt(
    query: str,
    passages: Sequence[Passage],
    *,
    stage: Stage,
    lang: Lang,
    context_tokens: int = 4096,
    fits: Callable[[str], bool] = lambda _text: True,
) -> tuple[str, list[Passage]]:
    """The `answer_question` prompt and the passages it numbers [1]…[n] (the first few, trimmed
    to their sentences most relevant to `query`), cut down until `fits(prompt)`."""
    k = min(TOP_K, scaled(SENT_PASSAGES, context_tokens))
    each = scaled(PASSAGE_TOKENS, context_tokens)
    question = clip(query, scaled(QUERY_TOKENS, context_tokens))
    prompt, sent = "", list(passages)
    for _ in range(8):
        sent = trim_passages(passages, query, k=k, tokens_each=each)
        prompt = render_prompt(
            "answer_question",
            stage=stage.value,
            question=fence("question", question),
            passages=fence_passages(sent),
            max_words=MAX_WORDS,
            language="Simplified Chinese" if lang == "zh" else "English",
        )
        if fits(prompt):
            break
        if each > 80:
            each //= 2
        elif k > 1:
            k -= 1
        else:
            question = clip(question, max(40, len(question) // 2))
    return prompt, sent
