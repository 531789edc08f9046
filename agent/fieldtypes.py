"""What kind of value each profile field holds, read from the Profile's type annotations.

The question bank, the answer parser, the condition validator and the answers-file schema all ask
"is this a yes/no, a number, a choice among these values, a list…?" — this module answers it once,
from `agent.profile.Profile`, so the profile stays the single source of truth.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from agent.profile import Profile

FieldKind = Literal["bool", "number", "text", "choice", "multi", "text_list"]


@dataclass(frozen=True)
class FieldSpec:
    """The kind of a profile field and, for choices, its allowed values in declaration order."""

    path: str
    kind: FieldKind
    choices: tuple[str, ...] = ()


def _strip_optional(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return args[0]
    return tp


def _spec(path: str, annotation: Any) -> FieldSpec:
    tp = _strip_optional(annotation)
    origin = typing.get_origin(tp)
    if tp is bool:
        return FieldSpec(path, "bool")
    if tp in (int, float):
        return FieldSpec(path, "number")
    if tp is str:
        return FieldSpec(path, "text")
    if origin is Literal:
        return FieldSpec(path, "choice", tuple(str(a) for a in typing.get_args(tp)))
    if origin is list:
        (item,) = typing.get_args(tp)
        if typing.get_origin(item) is Literal:
            return FieldSpec(path, "multi", tuple(str(a) for a in typing.get_args(item)))
        return FieldSpec(path, "text_list")
    raise TypeError(f"unsupported profile field type at {path}: {annotation!r}")


@cache
def field_specs() -> dict[str, FieldSpec]:
    """Every profile field path → its FieldSpec, in declaration order."""
    specs: dict[str, FieldSpec] = {}
    for sec_name, sec_field in Profile.model_fields.items():
        sec_type = sec_field.annotation
        hints = typing.get_type_hints(sec_type)
        for name in sec_type.model_fields:  # type: ignore[union-attr]
            path = f"{sec_name}.{name}"
            specs[path] = _spec(path, hints[name])
    return specs


def field_spec(path: str) -> FieldSpec:
    """The FieldSpec of a dotted path; KeyError for a path the profile doesn't have."""
    return field_specs()[path]
