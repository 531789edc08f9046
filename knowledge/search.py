"""Search: the passages best matching a query over the indexed collections, by meaning and by words.

Filters: `stage` applies to built-in passages (user documents carry no stage, so their chunks still
compete under any stage filter); `kind` applies to both (user chunks are `guidance`).

Languages: every built-in passage is indexed in Chinese and in English (`knowledge.records`). A query is
matched against the built-in text in its own language, so a question in either language finds every
passage, and each hit comes back with its text in the asked language; a user's document keeps its own.
An English query's vector is also compared with the Chinese text, the source the English was written
from (`CROSS_WEIGHT`): a passage is ranked on the evidence of both its texts.
"""

from __future__ import annotations

from typing import Any, Literal

from agent.errors import InputError
from agent.types import Lang, Passage, Stage
from knowledge.indexing import CollectionIndex
from knowledge.pack import localize, text_lang
from knowledge.ranking import (
    ASKS_WEIGHT,
    CONTEXT_WEIGHT,
    CROSS_WEIGHT,
    EXPANSION_WEIGHT,
    LEXICAL_WEIGHT,
    VECTOR_WEIGHT,
    RetrievalMode,
    relative_score_fusion,
)
from knowledge.records import EN_SUFFIX, to_passage

Scope = Literal["all", "builtin", "org"]
PackText = Literal["zh", "en", "both"]
"""Which built-in text a query is matched against (default: the query's own language)."""

DEFAULT_MODE: RetrievalMode = "hybrid"
VECTOR_TERMS_PER_ENTRY: dict[str, int] = {"en": 1}
"""How many of a glossary entry's terms join an English query's vector (BM25 gets them all): the first
`terms_en` names the concept, the rest are the English text's other words for it ("hallucination,
hallucinate, make up facts"), and three phrases per entry made the query's vector about the glossary
rather than the question (dev sets when introduced, issue 20 session 6: English r@1 0.918/0.853/0.736
with all, 0.945/0.853/0.830 with one; none: r@3 0.973/0.956/0.906). Chinese terms are short words and
all of them help (one: zh dev r@1 0.953 → 0.907)."""


def search(
    index: CollectionIndex,
    query: str,
    *,
    k: int = 5,
    stage: Stage | None = None,
    kind: str | None = None,
    scope: Scope = "all",
    mode: RetrievalMode = DEFAULT_MODE,
    expand_queries: bool = True,
    lang: Lang | None = None,
    pack_text: PackText | None = None,
) -> list[Passage]:
    """The `k` passages best matching `query`, best first, score in `Passage.score` (0..1).

    Each passage comes once, with its text in `lang` (default: the query's language) and the language
    of that text in `Passage.lang`; `pack_text` overrides which built-in text is matched (the eval).

    Hybrid by default: the query with its glossary terms is embedded once and searched in Chroma (ids
    and distances only), and scored with BM25 over the cached corpus; the two rankings are fused by
    relative score (`knowledge.ranking`). Texts and metadata come from the in-memory corpus, so a
    search makes one Chroma call per searched base and nothing else (see `CollectionIndex.view`).
    """
    query = query.strip()
    if not query:
        raise InputError("Empty search query / 查询内容为空", hint="Type a question or keywords")
    if k < 1:
        raise InputError(f"k must be at least 1, got {k} / k 至少为 1")
    names = {"all": ["builtin", "org"], "builtin": ["builtin"], "org": ["org"]}[scope]
    view = index.view(names)
    corpus = view.corpus
    if corpus is None:
        return []
    depth = max(4 * k, 20)
    stage_value = Stage(stage).value if stage else None
    # every passage has both texts: matching the query's language finds all of them, and mixing in the
    # other language only adds noise (eval, English questions: recall@3 0.93 over both texts, 0.98 over
    # the English alone; Chinese questions equal)
    chosen = pack_text or text_lang(query)
    text_filter = None if chosen == "both" else chosen
    terms: list[str] = []  # glossary terms in the language of the built-in text matched: the vector's
    lexical_terms: list[str] = []  # and in both languages for BM25 (a user's documents keep theirs)
    setting_terms: list[str] = []  # an industry's, beside another concept: BM25 only, weighed less
    if expand_queries:
        from knowledge.expansion import expansion_terms

        terms = expansion_terms(query, chosen, per_entry=VECTOR_TERMS_PER_ENTRY.get(chosen))
        lexical_terms = expansion_terms(query, "both")
        setting_terms = expansion_terms(query, "both", context=True)
    qvecs = _query_vector(index, query, terms) if mode != "lexical" else None
    vectors: list[list[tuple[float, str, str]]] = [[]]
    allowed: set[str] | None = None  # None: no filter, every chunk competes
    per_base = view.per_base
    if kind is not None or stage_value is not None or text_filter is not None:
        allowed, per_base = index.filtered(view, stage_value, kind, text_filter)
        if not allowed:
            return []
    crossed: list[tuple[float, str, str]] = []  # an English query against the Chinese text
    if qvecs is not None and text_filter == "en" and mode == "hybrid":
        crossed = _cross_lingual(index, view, qvecs, depth, stage_value, kind)
    for name, col in view.cols if qvecs is not None else []:
        n_allowed = per_base[name]
        if not n_allowed:
            continue
        res = col.query(
            query_embeddings=[v.tolist() for v in qvecs],  # type: ignore[union-attr]
            n_results=min(depth, n_allowed),
            where=_where(name, stage_value, kind, text_filter),
            include=["distances"],
        )
        for i, (ids, dists) in enumerate(zip(res["ids"], res["distances"], strict=True)):
            vectors[i].extend(
                (1.0 - float(d), name, pid)
                for pid, d in zip(ids, dists, strict=True)
                if (name, pid) in corpus.pos  # written since the view was read: next search has it
            )
    lexical: list[tuple[float, str, str]] = []
    if mode != "vector":
        hits = corpus.bm25.search(
            query,
            depth,
            allowed,
            extra=" ".join(lexical_terms),
            extra_weight=EXPANSION_WEIGHT,
            context=" ".join(setting_terms),
            context_weight=CONTEXT_WEIGHT,
            boost=_asks_boost(corpus, query),
        )
        for key, score in hits:
            n, p = key.split("\x00", 1)
            lexical.append((score, n, p))
    rankings: list[list[tuple[float, str, str]]] = []
    weights: list[float] = []
    if mode != "lexical":
        rankings += [sorted(v, key=lambda t: -t[0]) for v in vectors]
        weights += [VECTOR_WEIGHT / len(vectors)] * len(vectors)
    if crossed:
        rankings.append(sorted(crossed, key=lambda t: -t[0]))
        weights.append(CROSS_WEIGHT)
    if mode != "vector":
        rankings.append(sorted(lexical, key=lambda t: -t[0]))
        weights.append(LEXICAL_WEIGHT)
    if len(rankings) == 1:
        top = max((t[0] for t in rankings[0]), default=1.0) if mode == "lexical" else 1.0
        ranked = [((n, p), s / top) for s, n, p in rankings[0]]
    else:
        keyed = [[(f"{n}\x00{p}", s) for s, n, p in r] for r in rankings]
        fused = relative_score_fusion(keyed, weights)
        ranked = [(tuple(key.split("\x00", 1)), s) for key, s in fused]  # type: ignore[misc]
    want = lang or text_lang(query)
    out: list[Passage] = []
    seen: set[tuple[str, str]] = set()
    for (name, pid), score in ranked:
        i = corpus.pos[(name, pid)]
        hit = to_passage(pid, corpus.docs[i], corpus.metas[i], score)
        if (name, hit.id) not in seen:  # the other language's record of a passage already listed
            seen.add((name, hit.id))
            out.append(localize(hit, want))
            if len(out) == k:
                break
    return out


def _asks_boost(corpus: Any, query: str) -> Any:
    """BM25 scores of the query against what users ask each built-in record answers, weighted (the
    lexical score of a record is the higher of this and its text's)."""
    weight = ASKS_WEIGHT[text_lang(query)]
    return weight * corpus.asks.scores(query) if weight > 0 else None


def _cross_lingual(
    index: CollectionIndex, view: Any, qvecs: Any, depth: int, stage: str | None, kind: str | None
) -> list[tuple[float, str, str]]:
    """(similarity, base, English record id) of the built-in passages whose Chinese text is nearest the
    query's vector, keyed by the English record so the fusion adds it to that passage's other signals.

    The Chinese is the source the English was written from, in other words: measured on the dev sets
    (English, 141 questions) with weight 0.5, recall@3 +2 questions (not applied to Chinese queries:
    their MRR dropped when the English text was added the same way)."""
    cols = dict(view.cols)
    if "builtin" not in cols:
        return []
    _, counts = index.filtered(view, stage, kind, "zh")
    if not counts["builtin"]:
        return []
    res = cols["builtin"].query(
        query_embeddings=[qvecs[0].tolist()],
        n_results=min(depth, counts["builtin"]),
        where=_where("builtin", stage, kind, "zh"),
        include=["distances"],
    )
    corpus = view.corpus
    return [
        (1.0 - float(d), "builtin", pid + EN_SUFFIX)
        for pid, d in zip(res["ids"][0], res["distances"][0], strict=True)
        if ("builtin", pid + EN_SUFFIX) in corpus.pos
    ]


def _query_vector(index: CollectionIndex, query: str, terms: list[str]) -> Any:
    """The query's vector (one row): one embedding per query, the user's words first, then the terms."""
    return index.embedder.embed_queries([f"{query} {' '.join(terms)}" if terms else query])


def _where(name: str, stage: str | None, kind: str | None, lang: str | None = None) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    if stage and name == "builtin":
        clauses.append({f"stage_{stage}": True})
    if lang and name == "builtin":
        clauses.append({"lang": lang})
    if kind:
        clauses.append({"kind": kind})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
