"""The interview, one input at a time: the domain step every front end shares.

- `step.apply(state, user_input, deps) -> TurnResult`: one input, end to end (`step.start` for a
  new project's first turn);
- `state.InterviewState`: what a project remembers between inputs (domain data and the cursor);
- `commands`: the one command table; `deps.StepDeps`: the injected seams (question bank, the
  model's reading of an answer, the answerer of the user's own questions).

No LangGraph, no Textual: the graph (`graphs`) is a thin adapter that persists the state.
"""
