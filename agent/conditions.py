"""A small declarative condition language over the Profile, for data files (no eval()).

A condition is a mapping, as written in YAML:

    {field: data.personal_data, eq: true}
    {all: [cond, cond, …]}    {any: [cond, …]}    {not: cond}
    {}                        # always true

A leaf names one `field` (a dotted profile path) and exactly one operator:

| op            | true when (the value is the field's current value)                        |
|---------------|----------------------------------------------------------------------------|
| eq / ne       | value == x / value != x (value must be known)                              |
| in / not_in   | value is / is not one of a list (value must be known)                      |
| contains      | list value holds x (text value: contains the substring x)                  |
| contains_any  | list value holds at least one of the listed items                          |
| lacks         | list value is known and misses x (a list: misses at least one of them)     |
| lt le gt ge   | number comparisons (value must be known)                                   |
| missing       | `missing: true` → value is None (unknown / not answered yet)               |
| present       | `present: true` → value is not None                                        |
| empty         | `empty: true` → value is known but an empty list / empty text              |
| unknown       | `unknown: true` → the user answered "don't know" (needs the answers)       |
| has_number    | `has_number: false` → known text without any digit (e.g. a vague target)   |

Unknown values (None) make every comparison false: an unanswered question never triggers a rule
by itself unless the condition asks for `missing` / `unknown` explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agent.fieldtypes import field_specs
from agent.profile import Profile

Condition = Mapping[str, Any]

OPS = (
    "eq",
    "ne",
    "in",
    "not_in",
    "contains",
    "contains_any",
    "lacks",
    "missing",
    "present",
    "lt",
    "le",
    "gt",
    "ge",
    "empty",
    "unknown",
    "has_number",
)
_COMBINATORS = ("all", "any", "not")


class ConditionError(ValueError):
    """A condition in a data file is malformed (message names the file and entry)."""


def _leaf_op(cond: Condition) -> str:
    ops = [k for k in cond if k != "field"]
    if len(ops) != 1 or ops[0] not in OPS:
        raise ConditionError(f"a condition on a field needs exactly one operator of {', '.join(OPS)}")
    return ops[0]


def evaluate(cond: Condition | None, profile: Profile, unknown_fields: frozenset[str] = frozenset()) -> bool:
    """Whether `cond` holds for `profile`. `None` or `{}` is always true.

    `unknown_fields` are the fields the user explicitly answered "don't know" (for the `unknown` op).
    """
    if not cond:
        return True
    if "all" in cond:
        return all(evaluate(c, profile, unknown_fields) for c in cond["all"])
    if "any" in cond:
        return any(evaluate(c, profile, unknown_fields) for c in cond["any"])
    if "not" in cond:
        return not evaluate(cond["not"], profile, unknown_fields)
    path = cond["field"]
    op = _leaf_op(cond)
    arg = cond[op]
    value = profile.get(path)
    if op == "missing":
        return (value is None) == bool(arg)
    if op == "present":
        return (value is not None) == bool(arg)
    if op == "unknown":
        return (path in unknown_fields) == bool(arg)
    if value is None:
        return False
    return _compare(op, value, arg)


def _compare(op: str, value: Any, arg: Any) -> bool:
    if op == "eq":
        return bool(value == arg)
    if op == "ne":
        return bool(value != arg)
    if op == "in":
        return value in arg
    if op == "not_in":
        return value not in arg
    if op == "contains":
        return arg in value
    if op == "contains_any":
        return any(a in value for a in arg)
    if op == "lacks":
        wanted = arg if isinstance(arg, list) else [arg]
        return any(a not in value for a in wanted)
    if op == "has_number":
        return any(ch.isdigit() for ch in str(value)) == bool(arg)
    if op == "empty":
        return (len(value) == 0) == bool(arg) if isinstance(value, list | str) else not arg
    if op in ("lt", "le", "gt", "ge"):
        if not isinstance(value, int | float):
            return False
        return {"lt": value < arg, "le": value <= arg, "gt": value > arg, "ge": value >= arg}[op]
    raise ConditionError(f"unknown operator {op}")  # pragma: no cover - validated on load


def fields(cond: Condition | None) -> list[str]:
    """Every field path a condition reads, in order of first appearance, without duplicates."""
    out: list[str] = []

    def walk(c: Condition | None) -> None:
        if not c:
            return
        if "all" in c or "any" in c:
            for sub in c.get("all", c.get("any")):
                walk(sub)
        elif "not" in c:
            walk(c["not"])
        elif c.get("field") not in out:
            out.append(c["field"])

    walk(cond)
    return out


def deciding_fields(
    cond: Condition | None, profile: Profile, unknown_fields: frozenset[str] = frozenset()
) -> list[str]:
    """The fields of the parts that make a true condition hold, in order, without duplicates.

    Like `fields`, but an `any` contributes only its branches that hold: for "personal OR
    confidential data" the evidence is the one that is true, not the other answered "no".
    """
    out: list[str] = []

    def walk(c: Condition | None) -> None:
        if not c:
            return
        if "all" in c:
            for sub in c["all"]:
                walk(sub)
        elif "any" in c:
            for sub in c["any"]:
                if evaluate(sub, profile, unknown_fields):
                    walk(sub)
        elif "not" in c:
            out.extend(f for f in fields(c["not"]) if f not in out)
        elif c.get("field") not in out:
            out.append(c["field"])

    walk(cond)
    return out


def validate(cond: Any, where: str) -> None:
    """Raise ConditionError naming `where` (file and entry id) if `cond` is malformed.

    Checks the shape, that each field exists in the Profile, that the operator suits the field's
    kind, and that choice values are among the field's allowed values.
    """
    if cond is None:
        return
    if not isinstance(cond, Mapping):
        raise ConditionError(f"{where}: a condition must be a mapping, got {cond!r}")
    if not cond:
        return
    comb = [k for k in cond if k in _COMBINATORS]
    if comb:
        if len(cond) != 1:
            raise ConditionError(f"{where}: '{comb[0]}' must be the only key of its condition")
        key = comb[0]
        if key == "not":
            validate(cond["not"], where)
            return
        subs = cond[key]
        if not isinstance(subs, list) or not subs:
            raise ConditionError(f"{where}: '{key}' needs a non-empty list of conditions")
        for sub in subs:
            validate(sub, where)
        return
    path = cond.get("field")
    specs = field_specs()
    if path not in specs:
        raise ConditionError(f"{where}: unknown profile field {path!r} (e.g. data.personal_data)")
    try:
        op = _leaf_op(cond)
    except ConditionError as exc:
        raise ConditionError(f"{where}: field {path}: {exc}") from None
    _validate_arg(specs[path].kind, specs[path].choices, op, cond[op], f"{where}: field {path}")


def _validate_arg(kind: str, choices: tuple[str, ...], op: str, arg: Any, where: str) -> None:
    if op in ("missing", "present", "empty", "unknown", "has_number"):
        if not isinstance(arg, bool):
            raise ConditionError(f"{where}: '{op}' takes true or false")
        if op == "empty" and kind not in ("multi", "text_list", "text"):
            raise ConditionError(f"{where}: 'empty' applies to lists and text only")
        if op == "has_number" and kind != "text":
            raise ConditionError(f"{where}: 'has_number' applies to text fields only")
        return
    if op in ("lt", "le", "gt", "ge"):
        if kind != "number" or isinstance(arg, bool) or not isinstance(arg, int | float):
            raise ConditionError(f"{where}: '{op}' compares a number field with a number")
        return
    if op in ("in", "not_in", "contains_any") and not isinstance(arg, list):
        raise ConditionError(f"{where}: '{op}' takes a list")
    if op in ("contains", "contains_any", "lacks") and kind not in ("multi", "text_list", "text"):
        raise ConditionError(f"{where}: '{op}' applies to list or text fields")
    values = arg if isinstance(arg, list) else [arg]
    if kind == "bool" and not all(isinstance(v, bool) for v in values):
        raise ConditionError(f"{where}: a yes/no field compares with true or false")
    if kind in ("choice", "multi"):
        bad = [v for v in values if v not in choices]
        if bad:
            raise ConditionError(f"{where}: {bad!r} not among the allowed values {list(choices)}")


def evaluate3(
    cond: Condition | None, profile: Profile, unknown_fields: frozenset[str] = frozenset()
) -> bool | None:
    """Three-valued `evaluate`: True / False when the answers decide, None when an unknown field could
    still swing it (Kleene logic: `all` is False once any part is False, `any` True once any is True).

    A leaf on an unknown value is None (`missing` / `present` / `unknown` are always decided). Used
    where "not yet assessed" must differ from "does not apply" (regulatory obligations).
    """
    if not cond:
        return True
    if "all" in cond:
        parts = [evaluate3(c, profile, unknown_fields) for c in cond["all"]]
        return False if False in parts else (None if None in parts else True)
    if "any" in cond:
        parts = [evaluate3(c, profile, unknown_fields) for c in cond["any"]]
        return True if True in parts else (None if None in parts else False)
    if "not" in cond:
        inner = evaluate3(cond["not"], profile, unknown_fields)
        return None if inner is None else not inner
    op = _leaf_op(cond)
    if op not in ("missing", "present", "unknown") and profile.get(cond["field"]) is None:
        return None
    return evaluate(cond, profile, unknown_fields)
