"""Recording an answer: the record, what the coach says about it, and what it changes.

After each answer the project is re-evaluated: newly flagged or resolved pitfalls and new advice
are told at once, with citations. Revising an earlier answer also marks the deliverables whose
inputs changed as stale.
"""

from __future__ import annotations

from agent.answers import build_profile
from agent.deliverables.registry import get_spec
from agent.deliverables.staleness import input_hashes
from agent.interview.builder import TurnBuilder
from agent.interview.coaching import change_messages, evaluate
from agent.interview.reading import Outcome
from agent.interview.text import join, t
from agent.questions import Question
from agent.snapshot import AnswerRecord, ProjectSnapshot
from agent.types import Finding, Lang


def record(tb: TurnBuilder, q: Question, outcome: Outcome, *, quiet: bool = False) -> None:
    """Record `outcome.record` for `q` and tell the user what it changed."""
    state, lang = tb.state, tb.lang
    rec = outcome.record
    assert rec is not None
    old = state.answers.get(q.id)
    model_findings = _model_findings(state.model_findings, q, rec, outcome.model_finding)
    if not quiet:
        _echo(tb, q, rec, old)
        if outcome.understood:
            tb.say("echo", t("understood", lang, text=outcome.understood))
    _also_noted(tb, rec, old)
    tb.update.update(answers={q.id: rec}, model_findings=model_findings)
    after = tb.evaluation()
    msgs, told, active = change_messages(after, state, stage=q.stage)
    tb.msgs.extend(msgs)
    _mark_stale(tb, after, revised=old is not None and state.revising == q.id and _changed(old, rec))
    tb.update.update(
        history=[q.id],
        revising=None,
        question_id=None,
        seen_findings=active,
        seen_recommendations=list(dict.fromkeys([*state.seen_recommendations, *told])),
    )
    tb.move = True
    if outcome.follow_up and q.id not in state.followed_up and rec.status == "answered":
        tb.update.update(follow_up=outcome.follow_up, followed_up=[q.id], question_id=q.id)
        tb.move = False


def _echo(tb: TurnBuilder, q: Question, rec: AnswerRecord, old: AnswerRecord | None) -> None:
    lang = tb.lang
    label = q.label[lang]
    if rec.status == "skipped":
        tb.say("echo", t("skipped", lang, label=label))
        return
    if rec.status == "unknown":
        tb.say("echo", t("unknown", lang, label=label))
        return
    shown = tb.shown[q.id] = q.value_label(rec.value, lang)  # the one value → label of the answer
    if old is not None and _changed(old, rec):
        tb.say("echo", t("revised", lang, label=label, old=_show(q, old, lang), new=shown))
    else:
        key = "confirmed" if rec.source == "confirmed" else "recorded"
        tb.say("echo", t(key, lang, label=label, value=shown))


def _show(q: Question, rec: AnswerRecord, lang: str) -> str:
    if rec.status != "answered":
        return "—"
    return q.value_label(rec.value, lang)  # type: ignore[arg-type]


def _changed(old: AnswerRecord, new: AnswerRecord) -> bool:
    return (old.value, old.status, old.inferred) != (new.value, new.status, new.inferred)


def _also_noted(tb: TurnBuilder, rec: AnswerRecord, old: AnswerRecord | None) -> None:
    """Name the other fields the answer's free text filled (signals or the model)."""
    before = old.inferred if old is not None else {}
    known = build_profile(tb.state.answers, tb.state.project, tb.deps.bank)
    items = []
    for path, value in rec.inferred.items():
        if before.get(path) == value or value is None or known.get(path) == value:
            continue  # nothing new: e.g. inferred the same from an earlier answer
        other = tb.deps.bank.by_field(path)
        if other is not None:
            items.append(f"{other.label[tb.lang]}={other.value_label(value, tb.lang)}")
        else:
            items.append(f"{path}={value}")
    if items:
        tb.say("echo", t("also_noted", tb.lang, items=join(items, tb.lang)))


def _model_findings(
    current: list[Finding], q: Question, rec: AnswerRecord, new: Finding | None
) -> list[Finding]:
    """The model's findings after this answer: its finding on `q` replaced (or dropped on revision)."""
    kept = [f for f in current if f.id != f"model.{q.id}"]
    if new is not None:
        return [*kept, new]
    if rec.source == "llm":
        return kept
    return list(current)


def _mark_stale(tb: TurnBuilder, after: ProjectSnapshot, *, revised: bool) -> None:
    """Deliverables whose inputs changed: since the last export when there was one (any answer
    counts), else since before this revision. Newly stale ones are announced."""
    state = tb.state
    if not state.deliverable_hashes and not revised:
        return
    new = input_hashes(after)
    if state.deliverable_hashes:
        stale = [did for did, h in new.items() if state.deliverable_hashes.get(did) != h]
    else:
        old = input_hashes(evaluate(state, tb.deps))  # the project before the revision
        stale = list(
            dict.fromkeys([*state.stale_deliverables, *(d for d, h in new.items() if old.get(d) != h)])
        )
    fresh = [d for d in stale if d not in state.stale_deliverables]
    if stale != state.stale_deliverables:
        tb.update["stale_deliverables"] = stale
    if fresh:
        tb.say("notice", t("stale", tb.lang, ids=join([_title(d, tb.lang) for d in fresh], tb.lang)))


def _title(deliverable_id: str, lang: Lang) -> str:
    """A deliverable's title as the lead knows it (its id when the registry has none)."""
    try:
        title = get_spec(deliverable_id).title_in(lang)
    except KeyError:
        return deliverable_id
    return f"《{title}》" if lang == "zh" else title
