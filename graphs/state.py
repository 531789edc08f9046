"""The graph's state: the interview state of the domain (`agent.interview.state`), checkpointed
after every step.

It is a `@dataclass(kw_only=True)` with `Annotated` reducers and a docstring per field, holding
the project's data and the interview cursor only: what a front end shows after an input travels
in the step's `TurnResult` (streamed by the turn node), never in a checkpoint.
"""

from __future__ import annotations

from agent.interview.state import TRANSCRIPT_CAP, InterviewState, state_from

CoachState = InterviewState
"""The graph state is the interview state (the name the graph has used since the beginning)."""

__all__ = ["TRANSCRIPT_CAP", "CoachState", "InterviewState", "state_from"]
