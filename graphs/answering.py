"""The model's reading of an answer (LLM mode): structured extraction on top of the guided
parser's reading (`agent.interview.reading`), never instead: a failing model leaves the guided
result. The step (`agent.interview`) gets it injected as `StepDeps.extract`.

The model is asked only when it can add something: free-text questions (other fields the answer
mentions) and answers the guided parser could not read. Typed answers that parse ("2", "是",
"500万") cost no call.
"""

from __future__ import annotations

import json
from typing import Any

from agent.extraction import Extraction
from agent.interview.reading import Outcome, annotation, fits, make_record
from agent.profile import Profile
from agent.questions import Question
from agent.types import Evidence, Finding, Lang
from graphs.model_calls import ModelHelper
from prompts import fence, render_prompt
from prompts.fit import clip, clip_value, fit_tokens, scaled

CROSS_STAGE_FIELDS = ("project.sector", "data.personal_data", "selection.deployment")
"""Fields worth catching from any stage's free text (they drive the privacy and deployment advice)."""
EXTRACT_FIELDS = 6
"""Other fields an extraction may fill at a 4,096-token context (scaled up for larger ones): each
adds its JSON schema to the tool, the largest part of an extraction prompt."""
KNOWN_VALUE_TOKENS = 40
KNOWN_TOKENS = 300
ANSWER_TOKENS = 600
"""At a 4,096-token context: each known value shown to the model, all of them, and the user's
answer (scaled up for larger contexts)."""


def other_fields(
    q: Question,
    stage_questions: list[Question],
    profile: Profile | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """Fields the model may fill besides the question's own: a few cross-stage ones and the stage's.

    The cross-stage fields come first, always (the user's own words beat a value inferred from the
    sector); then the stage's questions after this one (the answer often runs ahead), then those
    before it, and with a `profile` only those still unknown; `limit` caps the number."""
    ids = [x.field for x in stage_questions]
    at = ids.index(q.field) if q.field in ids else len(ids)
    paths = [p for p in CROSS_STAGE_FIELDS if p != q.field]
    paths += [
        p
        for p in ids[at + 1 :] + ids[:at]
        if p != q.field and p not in paths and (profile is None or _unknown(profile, p))
    ]
    if limit is not None:
        paths = paths[:limit]
    return {p: annotation(p) for p in paths}


def _unknown(profile: Profile, path: str) -> bool:
    try:
        value = profile.get(path)
    except (AttributeError, KeyError, ValueError):
        return True
    return value is None or value == [] or value == ""


def known_values(profile: Profile, paths: list[str], tokens: int, total: int | None = None) -> dict[str, Any]:
    """The known values of `paths` (dotted), in that order, strings clipped to about `tokens`
    each, stopping before the whole would pass `total` tokens."""
    dumped = profile.model_dump(mode="json")
    out: dict[str, Any] = {}
    used = 0
    for path in paths:
        section, _, name = path.partition(".")
        value = (dumped.get(section) or {}).get(name)
        if value is None or value == [] or value == "":
            continue
        value = clip_value(value, tokens)
        cost = fit_tokens(json.dumps({path: value}, ensure_ascii=False))
        if total is not None and used + cost > total:
            break
        out[path] = value
        used += cost
    return out


def extract_prompt(
    q: Question,
    raw: str,
    lang: Lang,
    profile: Profile,
    *,
    follow_up: str | None = None,
    tool: str = "record_answer",
    known_paths: list[str] | None = None,
    value_tokens: int = KNOWN_VALUE_TOKENS,
    known_tokens: int = KNOWN_TOKENS,
    answer_tokens: int = ANSWER_TOKENS,
) -> str:
    """The filled `extract` (or `follow_up`) prompt for this answer.

    The profile part holds only the known values of `known_paths` (default: the question's own
    field and the cross-stage fields), clipped; the answer is clipped to `answer_tokens` (the
    record keeps it whole)."""
    text, _help = q.wording(lang, profile)
    options = ", ".join(f"{o.value} ({o.zh}/{o.en})" for o in q.options)
    paths = known_paths if known_paths is not None else [q.field, *CROSS_STAGE_FIELDS]
    known = known_values(profile, list(dict.fromkeys(paths)), value_tokens, known_tokens)
    values: dict[str, Any] = {
        "stage": q.stage.value,
        "field": q.field,
        "qtype": q.type,
        "options_note": f", options: {options}" if options else "",
        "question": fence("question", text),
        "profile": fence("profile", json.dumps(known, ensure_ascii=False)),
        "answer": fence("answer", clip(raw, answer_tokens)),
        "language": "Simplified Chinese" if lang == "zh" else "English",
        "tool": tool,
    }
    if follow_up is not None:
        values["follow_up"] = fence("follow_up", clip(follow_up, answer_tokens // 2))
        return render_prompt("follow_up", **values)
    return render_prompt("extract", **values)


def with_model(
    q: Question,
    raw: str,
    lang: Lang,
    profile: Profile,
    base: Outcome,
    helper: ModelHelper,
    stage_questions: list[Question],
    *,
    follow_up: str | None = None,
) -> Outcome:
    """Improve the guided outcome with the model's extraction; the guided outcome when it fails."""
    prompt, fields = fitted_extraction(q, raw, lang, profile, helper, stage_questions, follow_up=follow_up)
    ex = helper.extract(
        prompt=prompt,
        lang=lang,
        main_field=q.field,
        main_annotation=annotation(q.field),
        other_fields=fields,
        validate=lambda path, value: fits(q if path == q.field else None, path, value),
    )
    if ex is None:
        return base
    return merge(q, raw, base, ex, follow_up=follow_up is not None)


def fitted_extraction(
    q: Question,
    raw: str,
    lang: Lang,
    profile: Profile,
    helper: ModelHelper,
    stage_questions: list[Question],
    *,
    follow_up: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """The extraction prompt and the other fields its tool offers, within the prompt budget.

    Only fields still unknown are offered (a few, more on a larger context) and only the known
    values of the stage's and the cross-stage fields are shown, clipped; both shrink until the
    request (system prompt, prompt and tool schema) fits `helper.prompt_budget`."""
    context = helper.settings.context_tokens
    limit = scaled(EXTRACT_FIELDS, context)
    value_tokens = scaled(KNOWN_VALUE_TOKENS, context)
    known_tokens = scaled(KNOWN_TOKENS, context)
    answer_tokens = scaled(ANSWER_TOKENS, context)
    stage_paths = [x.field for x in stage_questions]
    known_paths = [q.field, *CROSS_STAGE_FIELDS, *stage_paths]
    main = annotation(q.field)
    while True:
        fields = other_fields(q, stage_questions, profile, limit)
        prompt = extract_prompt(
            q,
            raw,
            lang,
            profile,
            follow_up=follow_up,
            known_paths=known_paths,
            value_tokens=value_tokens,
            known_tokens=known_tokens,
            answer_tokens=answer_tokens,
        )
        if helper.extraction_tokens(prompt, lang, main, fields) <= helper.prompt_budget:
            return prompt, fields
        if limit > 0:
            limit //= 2
        elif len(known_paths) > 1:
            known_paths = [q.field]
        elif answer_tokens > 60:
            answer_tokens //= 2
        else:
            return prompt, fields  # as small as it gets


def merge(q: Question, raw: str, base: Outcome, ex: Extraction, *, follow_up: bool) -> Outcome:
    """Combine the guided outcome and the model's extraction into one record."""
    rec = base.record
    inferred = dict(rec.inferred) if rec else {}
    inferred.update({k: v for k, v in ex.fields.items() if k != q.field})
    if rec is not None and rec.status == "answered" and q.type == "text":
        value, status = rec.value, "answered"  # the user's own words stay the answer
    elif ex.value is not None:
        value, status = ex.value, "answered"
    elif ex.status == "unknown":
        value, status = None, "unknown"
    elif rec is not None:
        value, status = rec.value, rec.status
    else:
        return Outcome(error=base.error, understood=ex.understood or None)
    new = make_record(q, raw, value, status, "llm", inferred)
    finding = None
    if ex.risk:
        finding = Finding(
            id=f"model.{q.id}",
            title=ex.risk[:80],
            severity="medium",
            stage=q.stage,
            evidence=[Evidence(question_id=q.id, field=q.field, value=value, text=raw)],
            advice=ex.risk,
            origin="model",
        )
    return Outcome(
        record=new,
        understood=ex.understood or None,
        follow_up=None if follow_up else ex.follow_up,
        model_finding=finding,
    )
