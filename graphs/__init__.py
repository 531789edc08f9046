"""LangGraph assembly of the coaching interview: a thin adapter over the domain step.

    intake → turn ⇄ turn (one input per step) → wrapup (LLM mode: narratives) → turn

- `graphs.session`: the facade for the fronts (`CoachSession`); sessions persist in
  `COACH_HOME/sessions.sqlite` (`graphs.storage`); `graphs.projects` lists and deletes them.
- `graphs.scripted`: `run_answers`, a scripted run (`coach run`): the same steps in memory, without
  LangGraph (nothing to checkpoint); `graphs.drafting`: the wrap-up's drafts, for both.
- `graphs.graph`: `build_graph(*, checkpointer)` / `build_builder()`.
- `graphs.state` (the checkpointed state: `agent.interview.state.InterviewState`),
  `graphs.context` (runtime `Context`: model, retriever, settings — never checkpointed — and
  `step_deps`, the step's seams made from it).
- `graphs.nodes.turn` pauses with `interrupt()`, calls `agent.interview.step.apply` and streams its
  `TurnResult`; `graphs.nodes.wrapup` drafts the narratives (LLM mode, `graphs.drafting`); `graphs.answering` (the model's reading of an answer) and `graphs.asking` (the
  user's own questions) are injected into the step.
"""
