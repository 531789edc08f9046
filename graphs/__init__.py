"""LangGraph assembly of the coaching interview.

    intake → requirements ⇄ turn → selection ⇄ turn → … → operations ⇄ turn → wrapup → turn

- `graphs.session`: the facade for the fronts (`CoachSession`, `list_projects`, `delete_project`,
  `run_answers`); sessions persist in `COACH_HOME/sessions.sqlite` (`graphs.storage`).
- `graphs.graph`: `build_graph(*, model, retriever, checkpointer)` / `build_builder()`, `make_context`.
- `graphs.state` (checkpointed state), `graphs.context` (runtime `Context`: model, retriever,
  settings — never checkpointed), `graphs.routing` (typed routes).
- `graphs.stages.<stage>`: one node per stage, built by `graphs.nodes.stage.make_stage_node`;
  `graphs.nodes.turn` pauses with `interrupt()` and interprets the input (`graphs.nodes.handle`).
- User-facing strings: `graphs/strings.yaml`.
"""
