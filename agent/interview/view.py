"""The pending question as a front end shows it: its wording for this project, its options, its
place in the stage, and what an empty answer does (confirm an inferred value, keep an answer)."""

from __future__ import annotations

from typing import Any

from agent.answers import Provenance, build_profile_with_provenance
from agent.depth import plan
from agent.interview import conflicts
from agent.interview.pending import view_asking
from agent.interview.reading import current_label, suggestion
from agent.interview.state import InterviewState
from agent.interview.text import t
from agent.parsing import is_confirmation
from agent.profile import Profile
from agent.questions import Question, QuestionBank
from agent.snapshot import QuestionView
from agent.types import Lang


def question_view(state: InterviewState, bank: QuestionBank, profile: Profile) -> QuestionView | None:
    """The pending question (or the model's follow-up) ready to display; `profile` (of `state`'s
    answers) words the question."""
    conflict = conflicts.pending(state, bank)
    if conflict is not None:  # the answers contradict each other: which holds, first
        view = conflicts.conflict_view(state, conflict)
        waiting = _question_view(state, bank, profile)  # its place in the interview stays on screen
        if waiting is None:
            return view
        keep = ("index", "total", "number", "planned")
        return view.model_copy(update={k: getattr(waiting, k) for k in keep})
    return _question_view(state, bank, profile)


def _question_view(state: InterviewState, bank: QuestionBank, profile: Profile) -> QuestionView | None:
    if state.question_id is None:
        return None
    q = bank.find(state.question_id)
    if q is None:
        return None
    applicable = [x.id for x in bank.applicable(q.stage, profile)]
    index = applicable.index(q.id) + 1 if q.id in applicable else 0
    view = q.view(state.lang, profile, index, len(applicable))
    planned = plan(state.depth, bank, profile, state.answers, state.stage)
    number = sum(1 for i in planned if i in state.answers) + (q.id not in state.answers)
    view = view.model_copy(update={"number": number, "planned": max(len(planned), number)})
    if state.follow_up is not None:
        return view.model_copy(
            update={
                "id": f"{q.id}#follow-up",
                "text": state.follow_up,
                "help": t("follow_up_hint", state.lang),
                "type": "text",
                "options": [],
            }
        )
    if q.id in state.answers:
        current = current_label(q, state.answers[q.id], state.lang)
        note = t("current_answer", state.lang, current=current)
        view = view.model_copy(update={"help": f"{note}\n{view.help}".strip(), "current": current})
    # which answer each value came from: a value inferred from another answer is offered
    provenance = build_profile_with_provenance(state.answers, state.project, bank)[1]
    because = _because(bank, provenance.get(q.field), state.lang)
    view = _with_suggestion(view, q, state.lang, suggestion(q, profile, provenance), because)
    return view_asking(view, q, state.reading, state.lang)


def _because(bank: QuestionBank, prov: Provenance | None, lang: Lang) -> str | None:
    """The earlier answer an implication (`knowledge/inferences.yaml`) read, as "部署方式：私有化部署"."""
    if prov is None or prov.rule is None:
        return None
    source = bank.by_field(prov.record.field)
    if source is None:
        return None
    sep = "：" if lang == "zh" else ": "
    return f"{source.label[lang]}{sep}{source.value_label(prov.record.value, lang)}"


def _with_suggestion(
    view: QuestionView, q: Question, lang: Lang, value: Any, because: str | None = None
) -> QuestionView:
    """`view` offering `value` (inferred from earlier answers; None: none) as the answer Enter
    confirms; `because` names the earlier answer that implies it."""
    if value is None:
        return view
    label = q.value_label(value, lang)
    key = "suggested" if q.type in ("choice", "multi") else "suggested_text"
    if not is_confirmation(q, "是"):  # 是 is an answer of its own here: only Enter confirms
        key = "suggested_yesno"
    if because is not None:
        shown = f"{q.label[lang]}{'：' if lang == 'zh' else ': '}{label}"
        key = "suggested_because_yesno" if key == "suggested_yesno" else "suggested_because"
        line = t(key, lang, value=shown, source=because)
    else:
        line = t(key, lang, value=label)
    # first: the front may show only the first lines of a long help text
    return view.model_copy(update={"help": f"{line}\n{view.help}".strip(), "suggested": label})
