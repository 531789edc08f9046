"""The value scorecard's quantified value model: time saved, valued at the cost of an hour.

    annual value (10k CNY) = minutes saved per task ÷ 60 × tasks per user a day × users
                             × working days a year × cost of an hour (CNY) ÷ 10,000
    payback (months)       = budget ÷ (annual value − yearly running cost) × 12

Each input says where it comes from: an answer (with the user's words), a value worked out from two
answers (minutes saved = baseline − target when both are durations, the words of both shown), an
assumption to confirm (working days only: about 250 a year in mainland China), or an open question.
The annual value is computed only when no input is open; the payback only when the budget and the
running-cost estimate are answered too. No other number is made up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agent.numbers import NumberError, read_number
from agent.snapshot import ProjectSnapshot

Origin = Literal["answer", "derived", "assumption", "open"]

WORKING_DAYS = 250
"""The working-days assumption: 365 days less weekends and statutory holidays in mainland China."""


@dataclass(frozen=True)
class ValueInput:
    """One factor of the value formula."""

    key: str
    value: float | None
    origin: Origin
    fields: tuple[str, ...]
    """The answers the value comes from (the field the open question asks, when open)."""
    words: tuple[str, ...] = ()
    """The user's own words for each of `fields` (answer and derived inputs)."""


@dataclass(frozen=True)
class ValueModel:
    """The inputs and, where every input is known, the results."""

    inputs: tuple[ValueInput, ...]
    annual_value_wan: float | None
    budget_wan: float | None
    running_cost_wan: float | None
    net_wan: float | None
    """Annual value less the yearly running cost (None unless both are known)."""
    payback_months: float | None
    """Budget ÷ net annual value × 12 (None unless all are known and the net is positive)."""
    baseline_minutes: float | None = None
    """The goal metric's baseline read as a task's duration (None: not a duration, or unknown)."""

    @property
    def open(self) -> list[ValueInput]:
        """The inputs still to be answered."""
        return [i for i in self.inputs if i.origin == "open"]

    @property
    def assumed(self) -> list[ValueInput]:
        """The inputs taken as assumptions (to confirm)."""
        return [i for i in self.inputs if i.origin == "assumption"]


def _words(snap: ProjectSnapshot, path: str) -> str:
    """What the user said for `path` (the answer's own text), or the recorded value as text."""
    for record in snap.answers.values():
        if record.field == path and record.raw.strip():
            return " ".join(record.raw.split())
    value = snap.profile.get(path)
    return "" if value is None else number_text(value) if isinstance(value, float) else str(value)


def _minutes(text: str | None) -> float | None:
    """A duration in minutes when `text` states exactly one ("平均12分钟", "15分钟，一年内")."""
    if not text:
        return None
    try:
        reading = read_number(text, "minutes")
    except NumberError:
        return None
    return reading.value


def _answered(snap: ProjectSnapshot, key: str, path: str) -> ValueInput:
    value = snap.profile.get(path)
    if value is None:
        return ValueInput(key, None, "open", (path,))
    return ValueInput(key, float(value), "answer", (path,), (_words(snap, path),))


def _minutes_saved(snap: ProjectSnapshot) -> ValueInput:
    """The answer when given; else baseline − target when both are durations and the target is lower."""
    path = "requirements.minutes_saved_per_task"
    if snap.profile.get(path) is not None:
        return _answered(snap, "minutes_saved", path)
    req = snap.profile.requirements
    before, after = _minutes(req.baseline), _minutes(req.target)
    if before is not None and after is not None and 0 <= after < before:
        fields = ("requirements.baseline", "requirements.target")
        words = tuple(_words(snap, f) for f in fields)
        return ValueInput("minutes_saved", round(before - after, 4), "derived", fields, words)
    return ValueInput("minutes_saved", None, "open", (path,))


def build_value_model(snap: ProjectSnapshot) -> ValueModel:
    """The value model of the project's answers (see the module docstring)."""
    inputs = (
        _minutes_saved(snap),
        _answered(snap, "tasks_per_day", "requirements.tasks_per_user_day"),
        _answered(snap, "users", "integration.scale_users"),
        ValueInput("working_days", float(WORKING_DAYS), "assumption", ()),
        _answered(snap, "hourly_cost", "requirements.hourly_cost_cny"),
    )
    annual: float | None = None
    if all(i.value is not None for i in inputs):
        product = 1.0
        for i in inputs:
            product *= i.value or 0.0
        annual = round(product / 60 / 10_000, 1)
    budget = snap.profile.requirements.budget_wan
    running = snap.profile.selection.cost_estimate_wan
    net = round(annual - running, 1) if annual is not None and running is not None else None
    payback = round(budget / net * 12, 1) if budget is not None and net is not None and net > 0 else None
    baseline = _minutes(snap.profile.requirements.baseline)
    return ValueModel(inputs, annual, budget, running, net, payback, baseline)


def number_text(value: float | None) -> str:
    """A figure as the documents print it: no trailing zeros, thousands unseparated (12, 2.5, 4800)."""
    if value is None:
        return ""
    return f"{int(value)}" if float(value).is_integer() else f"{round(value, 4):.12g}"
