"""`coach answers-template [--lang zh|en]`: a commented YAML skeleton with every question.

Built from the answers schema (its shape) and the question bank (wording, options, field). Every
line is a comment, so the skeleton itself parses and validates as an empty answers file; uncomment
the section header and the lines you answer.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

HEADER = {
    "zh": [
        "大模型落地教练 · 答案文件模板（Adoption Coach answers file）",
        "用法：取消注释（删除行首的 #）并填写你知道的答案；不知道的留着注释，会列入“待确认问题”。",
        "运行：coach run --answers 本文件.yaml --out 输出目录    校验规则：coach schema",
        "选项题填写选项值（如 finance）；多选题写成列表（如 [rag, agent]）；是/否题写 true 或 false。",
    ],
    "en": [
        "Adoption Coach answers file template (大模型落地教练 · 答案文件模板)",
        "Uncomment (remove the leading #) and fill in what you know; what stays commented becomes an open question.",
        "Run: coach run --answers this.yaml --out DIR    Rules: coach schema",
        "Choice questions take the option value (e.g. finance); multi-choice a list (e.g. [rag, agent]); yes/no true or false.",
    ],
}
TYPE_NAMES = {
    "zh": {
        "choice": "单选",
        "multi": "多选（列表）",
        "number": "数字",
        "text": "文本",
        "yesno": "是/否（true/false）",
    },
    "en": {
        "choice": "choice",
        "multi": "multi-choice (list)",
        "number": "number",
        "text": "text",
        "yesno": "yes/no (true/false)",
    },
}


SECTION_TITLES = {"project": {"zh": "项目信息", "en": "Project"}}
TOP_LEVEL_TEXT = {
    "lang": {"zh": "输出语言（可选；命令行 --lang 优先）", "en": "Output language (optional; --lang wins)"}
}


def _leaf_options(schema: dict[str, Any]) -> list[Any]:
    for key in ("enum",):
        if key in schema:
            return list(schema[key])
    items = schema.get("items")
    if isinstance(items, dict) and "enum" in items:
        return list(items["enum"])
    for combo in ("anyOf", "oneOf"):
        for sub in schema.get(combo, []):
            found = _leaf_options(sub)
            if found:
                return found
    return []


def _question_lines(path: list[str], schema: dict[str, Any], lang: str, bank: Any, indent: str) -> list[str]:
    field = ".".join(path)
    q = bank.by_field(field) if len(path) > 1 else bank.find(path[-1])
    if q is None:
        q = bank.find(path[-1])
    lines = [""]
    if q is not None:
        text, help_ = q.wording(lang)  # type: ignore[arg-type]
        lines.append(f"#{indent}# {text}")
        if help_:
            lines.append(f"#{indent}#   {help_}")
        kind = TYPE_NAMES[lang].get(q.type, q.type)
        unit = f" · {q.unit}" if getattr(q, "unit", None) else ""
        lines.append(f"#{indent}#   [{q.id}] field: {q.field} · {kind}{unit}")
        if q.type in ("choice", "multi"):
            opts = " | ".join(f"{value} = {label}" for value, label in q.choices(lang))  # type: ignore[arg-type]
            lines.append(f"#{indent}#   {'选项' if lang == 'zh' else 'options'}: {opts}")
    else:
        desc = TOP_LEVEL_TEXT.get(field, {}).get(lang) or schema.get("description", "") or field
        lines.append(f"#{indent}# {desc}")
        options = _leaf_options(schema)
        if options:
            lines.append(
                f"#{indent}#   {'选项' if lang == 'zh' else 'options'}: {' | '.join(map(str, options))}"
            )
    lines.append(f"#{indent}{path[-1]}:")
    return lines


def render_template(schema: dict[str, Any], lang: str) -> str:
    """The commented skeleton for `schema` in `lang`."""
    from agent.questions import load_bank
    from agent.types import STAGE_TITLES, Stage

    bank = load_bank()
    out = [f"# {line}" for line in HEADER[lang]]
    for key, sub in (schema.get("properties") or {}).items():
        sub_props = sub.get("properties") if isinstance(sub, dict) else None
        if sub_props:
            title = (
                STAGE_TITLES[Stage(key)][lang]
                if key in Stage.__members__
                else SECTION_TITLES.get(key, {}).get(lang, key)
            )
            out += ["", f"# ── {key}: {title} " + "─" * 20, f"# {key}:"]
            for name, leaf in sub_props.items():
                out += _question_lines([key, name], leaf, lang, bank, "   ")
        else:
            out += _question_lines([key], sub if isinstance(sub, dict) else {}, lang, bank, " ")
    return "\n".join(out) + "\n"


def run(args: argparse.Namespace) -> int:
    """Print the skeleton in the requested language (default: the configured one)."""
    from agent.answers_schema import answers_json_schema
    from cli.commands.run import default_lang

    lang = args.lang or default_lang()
    schema = answers_json_schema()
    json.dumps(schema)  # a schema that cannot serialise is a bug; fail loudly here
    print(render_template(schema, lang), end="")
    return 0
