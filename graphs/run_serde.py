"""The in-memory checkpoint serde of a scripted run (`coach run`): checkpoints never leave memory."""

from __future__ import annotations

from typing import Any


def _fresh_containers(value: Any) -> Any:
    """`value` with new dicts, lists, tuples and sets all the way down; other objects (our
    pydantic models, enums, strings) are shared."""
    kind = type(value)
    if kind is dict:
        return {k: _fresh_containers(v) for k, v in value.items()}
    if kind is list:
        return [_fresh_containers(v) for v in value]
    if kind is tuple:
        return tuple(_fresh_containers(v) for v in value)
    if kind is set:
        return {_fresh_containers(v) for v in value}
    return value


class RunSerde:
    """The checkpoint serde of a scripted run, whose checkpoints never leave memory: values are
    kept as objects instead of being encoded and decoded at every input (the state's models are
    never changed in place: nodes return updates, reducers build new containers). Containers are
    copied on the way in and out, so LangGraph's bookkeeping never aliases a saved checkpoint."""

    def dumps_typed(self, obj: Any) -> tuple[str, Any]:
        return ("object", _fresh_containers(obj))

    def loads_typed(self, data: tuple[str, Any]) -> Any:
        return _fresh_containers(data[1])
