"""LangGraph assembly of the coaching interview: a thin adapter over the domain step.

    intake → turn ⇄ turn (one input per step) → wrapup (LLM mode: narratives) → turn

- `graphs.session`: the facade for the fronts (`CoachSession`, `run_answers`); sessions persist in
  `COACH_HOME/sessions.sqlite` (`graphs.storage`); `graphs.projects` lists and deletes them.
- `graphs.graph`: `build_graph(*, checkpointer)` / `build_builder()`.
- `graphs.state` (the checkpointed state: `agent.interview.state.InterviewState`),
  `graphs.context` (runtime `Context`: model, retriever, settings — never checkpointed — and
  `step_deps`, the step's seams made from it).
- `graphs.nodes.turn` pauses with `interrupt()`, calls `agent.interview.step.apply` and streams its
  `TurnResult`; `graphs.answering` (the model's reading of an answer) and `graphs.asking` (the
  user's own questions) are injected into the step.
"""
