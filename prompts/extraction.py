"""The tool a model fills when it reads one answer, and the same keys named in text for a model
without tool calling; the tokens the tool definition takes in the prompt."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from prompts.fit import fit_tokens

_TOOL_TOKENS: dict[type[BaseModel], int] = {}
_SCHEMAS: dict[tuple[str, tuple[tuple[str, str], ...]], type[BaseModel]] = {}


def json_keys(schema: type[BaseModel]) -> str:
    """One line naming the keys of `schema` with their JSON types (enums listed): what a model
    that gets no tool schema needs to reply with the right JSON object."""
    props = schema.model_json_schema().get("properties", {})
    parts = []
    for name, spec in props.items():
        options = [o for o in spec.get("anyOf", [spec]) if o.get("type") != "null"]
        kinds = []
        for o in options:
            if "enum" in o:
                kinds.append("|".join(json.dumps(v, ensure_ascii=False) for v in o["enum"]))
            elif o.get("type") == "array":
                item = o.get("items", {})
                kinds.append(f"[{'|'.join(item['enum']) if 'enum' in item else item.get('type', 'any')}]")
            else:
                kinds.append(str(o.get("type", "any")))
        parts.append(f"{name}: {' or '.join(kinds) or 'any'}")
    return "JSON keys (null when not stated): " + "; ".join(parts)


def tool_tokens(schema: type[BaseModel]) -> int:
    """`fit_tokens` of the tool definition sent for `schema` (cached per schema)."""
    cached = _TOOL_TOKENS.get(schema)
    if cached is None:
        from langchain_core.utils.function_calling import convert_to_openai_tool

        cached = fit_tokens("\n" + json.dumps([convert_to_openai_tool(schema)], ensure_ascii=False))
        _TOOL_TOKENS[schema] = cached
    return cached


def field_names(other_fields: dict[str, Any]) -> dict[str, str]:
    """Tool argument name (dots are not allowed there) -> the profile field's dotted path."""
    return {path.replace(".", "__"): path for path in other_fields}


def answer_schema(main_annotation: Any, other_fields: dict[str, Any]) -> type[BaseModel]:
    """The tool the model fills: the question's value, other stated fields, status, confirmation."""
    key = (repr(main_annotation), tuple((p, repr(a)) for p, a in other_fields.items()))
    if key not in _SCHEMAS:
        _SCHEMAS[key] = _build_schema(main_annotation, other_fields)
    return _SCHEMAS[key]


def _build_schema(main_annotation: Any, other_fields: dict[str, Any]) -> type[BaseModel]:
    defs: dict[str, Any] = {
        "value": (main_annotation | None, Field(default=None, description="answer to the question")),
        "answer_status": (Literal["answered", "unknown"], "answered"),
        "understood": (str, Field(default="", description="one-sentence confirmation")),
        "follow_up": (str | None, Field(default=None, description="at most one follow-up question")),
        "risk": (str | None, Field(default=None, description="a pitfall the answer reveals, or null")),
    }
    for name, path in field_names(other_fields).items():
        defs[name] = (other_fields[path] | None, Field(default=None, description=f"profile field {path}"))
    model: type[BaseModel] = create_model("record_answer", **defs)
    model.__doc__ = "Record what the user's answer says about the project."
    return model
