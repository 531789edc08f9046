"""Load an answers file (YAML or JSON) safely and validate it, naming file, line and field on error.

YAML is composed first so every key and list item keeps its line (a path → line table); aliases are
capped (a "billion laughs" file is refused before it can expand), duplicate keys and multiple
documents are errors, and the top level must be a mapping.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from agent.deliverables.selection import check_weights, criterion_keys
from agent.errors import InputError

MAX_BYTES = 2_000_000
MAX_ALIASES = 20
MAX_DEPTH = 32
"""An answers file is two levels deep (section, field) plus a list; anything far deeper is refused."""
PathKey = tuple[str | int, ...]
LineTable = dict[PathKey, int]


DUPLICATE_HINT = "each field may appear once; remove one of them"


class DuplicateKeyError(InputError):
    """A key given twice in one mapping (YAML or JSON): refused, never a silent pick of one."""


def _fail(
    file: Path,
    line: int | None,
    problem: str,
    hint: str = "",
    *,
    field: str = "",
    kind: type[InputError] = InputError,
) -> InputError:
    where = f"{file}:{line}" if line else str(file)
    subject = f" field `{field}`:" if field else ""
    return kind(f"{where}:{subject} {problem}", hint=hint)


def _no_duplicates(pairs: list[tuple[str, Any]], duplicates: list[str]) -> dict[str, Any]:
    """A JSON object's mapping; a key given twice is added to `duplicates`."""
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            duplicates.append(key)
        seen[key] = value
    return seen


def _walk(node: Any, path: PathKey, table: LineTable, file: Path) -> None:
    import yaml

    table.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                raise _fail(
                    file,
                    key_node.start_mark.line + 1,
                    f"duplicate key `{key}` / 重复的字段",
                    DUPLICATE_HINT,
                    field=".".join(map(str, (*path, key))),
                    kind=DuplicateKeyError,
                )
            seen.add(key)
            table[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), table, file)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            table[(*path, i)] = item.start_mark.line + 1
            _walk(item, (*path, i), table, file)


def _load_yaml(text: str, file: Path) -> tuple[Any, LineTable]:
    import yaml

    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    aliases = 0
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader_cls):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _too_deep(file, event.start_mark.line + 1 if event.start_mark else None)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_ALIASES:
                    line = event.start_mark.line + 1 if event.start_mark else None
                    raise _fail(
                        file,
                        line,
                        f"too many YAML aliases (more than {MAX_ALIASES}) / YAML 别名过多，拒绝展开",
                        "write the values out instead of using anchors (&) and aliases (*)",
                    )
        loader = loader_cls(text)
        try:
            node = loader.get_single_node()
            table: LineTable = {}
            if node is not None:
                _walk(node, (), table, file)
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        if mark and exc.context_mark and mark is not exc.context_mark and exc.context_mark.line != mark.line:
            problem += f" (opened on line {exc.context_mark.line + 1})"
        raise _fail(
            file, line, f"invalid YAML / YAML 格式错误: {problem}", "fix the syntax on that line"
        ) from exc
    except yaml.YAMLError as exc:  # a character YAML does not allow: named by its line, not by an offset
        position = getattr(exc, "position", None)
        line = text[:position].count("\n") + 1 if isinstance(position, int) else None
        problem = str(exc).splitlines()[0]
        raise _fail(file, line, f"invalid YAML / YAML 格式错误: {problem}", "fix the file's syntax") from exc
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise _bad_value(file, exc) from exc
    return data, table


def _too_deep(file: Path, line: int | None) -> InputError:
    return _fail(
        file,
        line,
        f"nested more than {MAX_DEPTH} levels deep / 嵌套层级过深",
        "an answers file is `section: {field: value}`; start from `coach answers-template`",
    )


def _bad_value(file: Path, exc: ValueError) -> InputError:
    return _fail(
        file,
        None,
        f"a value cannot be read / 无法读取的值: {str(exc)[:160]}",
        "numbers must be ordinary numbers (e.g. 50 or 1.5); put long text in quotes",
    )


def _depth(data: Any) -> int:
    """Nesting depth of lists and mappings, without recursion."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, level + 1) for child in children)
    return deepest


def load_answers_file(file: Path) -> tuple[dict[str, Any], LineTable]:
    """The file's top-level mapping and its path → line table; InputError on anything unusable."""
    if not file.exists():
        raise InputError(f"{file}: no such file / 文件不存在", hint="check the path given to --answers")
    if not file.is_file():
        raise InputError(f"{file}: not a file / 不是文件", hint="--answers takes a YAML or JSON file")
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise InputError(
            f"{file}: cannot read ({exc.strerror}) / 无法读取", hint="check permissions"
        ) from exc
    if len(raw) > MAX_BYTES:
        raise InputError(
            f"{file}: file too large ({len(raw)} bytes) / 文件过大", hint=f"limit {MAX_BYTES} bytes"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{file}: not UTF-8 text / 不是 UTF-8 编码", hint="save the file as UTF-8") from exc
    if file.suffix.lower() == ".json":
        duplicates: list[str] = []
        try:
            data = json.loads(text, object_pairs_hook=lambda pairs: _no_duplicates(pairs, duplicates))
        except json.JSONDecodeError as exc:
            raise _fail(
                file, exc.lineno, f"invalid JSON / JSON 格式错误: {exc.msg}", "fix the syntax"
            ) from exc
        except RecursionError as exc:
            raise _too_deep(file, None) from exc
        except ValueError as exc:
            raise _bad_value(file, exc) from exc
        if _depth(data) > MAX_DEPTH:
            raise _too_deep(file, None)
        try:
            _, table = _load_yaml(text, file)  # only the lines (its refusal of a duplicate key names one)
        except DuplicateKeyError:
            raise  # only a JSON file with a duplicate key gets here: the YAML reading names its line
        except InputError:
            table = {}
        if duplicates:  # JSON keeps the last of two equal keys: refused, as in YAML, never a silent pick
            raise _fail(file, None, f"duplicate key `{duplicates[0]}` / 重复的字段", DUPLICATE_HINT)
    else:
        data, table = _load_yaml(text, file)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise _fail(
            file,
            1,
            f"the top level must be a mapping of fields, not a {type(data).__name__} / 顶层必须是字段映射",
            "start from `coach answers-template`",
        )
    return data, table


def _line(table: LineTable, path: PathKey) -> int | None:
    for n in range(len(path), -1, -1):
        if path[:n] in table:
            return table[path[:n]]
    return None


def _dotted(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _unknown_fields(error: Any) -> list[tuple[PathKey, str, str]]:
    """One problem per unknown key of an `additionalProperties` error (a file with two misspelt
    sections names both, each on its own line)."""
    path: PathKey = tuple(error.absolute_path)
    allowed = set((error.schema.get("properties") or {}).keys())
    extra = sorted(str(k) for k in error.instance if k not in allowed)  # the error exists: there is one
    hint = f"known fields here / 可用字段: {', '.join(sorted(allowed))}" if allowed else ""
    return [((*path, key), f"unknown field `{key}` / 未知字段", hint) for key in extra]


KINDS = {
    "object": "a mapping (`field: value`)",
    "array": "a list ([a, b])",
    "string": "a text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "nothing (null)",
}
"""How a hint names each JSON Schema type to someone writing YAML."""


def _describe(error: Any) -> tuple[PathKey, str, str]:
    path: PathKey = tuple(error.absolute_path)
    kind = error.validator
    if kind in ("anyOf", "oneOf") and error.context:
        # jsonschema lists the subschemas' errors in their order: the first names the canonical form
        return _describe(error.context[0])
    if kind == "enum":
        accepted = ", ".join(json.dumps(v, ensure_ascii=False) for v in error.validator_value)
        return (
            path,
            f"invalid option {json.dumps(error.instance, ensure_ascii=False, default=str)} / 无效选项",
            (f"accepted / 可选: {accepted}"),
        )
    if kind == "type":
        given = error.validator_value
        types: list[str] = [str(t) for t in given] if isinstance(given, list) else [str(given)]
        got = json.dumps(error.instance, ensure_ascii=False, default=str)
        hint = "give " + " or ".join(KINDS.get(t, t) for t in types)
        return path, f"wrong type: expected {' or '.join(types)}, got {got} / 类型错误", hint
    if kind == "required":
        return path, f"{error.message} / 缺少必填字段", ""
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength"):
        return path, f"{error.message} / 超出允许范围", ""
    return path, error.message, ""


def validate_answers(
    data: dict[str, Any],
    schema: dict[str, Any],
    file: Path,
    table: LineTable,
    *,
    value_depth: int | None = None,
) -> None:
    """Validate against the answers JSON Schema; InputError naming line and field of each problem.

    With `value_depth`, errors about a field's *value* at that depth (e.g. 2 for `section.field`)
    are left to the caller: `coach run` hands values to the interview's forgiving parser, which
    accepts labels and units the schema's canonical forms don't, and names field and options itself.
    """
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    found: Any = validator.iter_errors(data)
    if value_depth is not None:
        found = [
            e for e in found if len(e.absolute_path) < value_depth or e.validator == "additionalProperties"
        ]
    problems = [
        p
        for e in found
        for p in (_unknown_fields(e) if e.validator == "additionalProperties" else [_describe(e)])
    ]
    errors = sorted(problems, key=lambda p: (_line(table, p[0]) or 0, _dotted(p[0])))  # by line, then field
    if not errors:
        return
    lines = []
    hints = []
    for path, problem, hint in errors[:5]:
        line = _line(table, path)
        lines.append(f"{file}:{line or '?'}: field `{_dotted(path)}`: {problem}")
        if hint:
            hints.append(hint)
    more = f"\n(+{len(errors) - 5} more)" if len(errors) > 5 else ""
    raise InputError("\n".join(lines) + more, hint="; ".join(dict.fromkeys(hints)) or "see `coach schema`")


def scoring_weights(data: dict[str, Any], file: Path, table: LineTable) -> dict[str, float] | None:
    """The project's own weights for the model-selection matrix (`selection.scoring_weights`), None
    when the file sets none; InputError naming file, line and field when they are not six
    non-negative numbers, one per known criterion, summing to 100."""
    section = data.get("selection")
    if not isinstance(section, dict) or section.get("scoring_weights") is None:
        return None
    path: PathKey = ("selection", "scoring_weights")
    try:
        return check_weights(section["scoring_weights"])
    except ValueError as exc:
        raise _fail(
            file,
            _line(table, path),
            str(exc),
            field="selection.scoring_weights",
            hint=f"e.g. scoring_weights: {{{', '.join(f'{k}: …' for k in criterion_keys())}}} — six percentages summing to 100",
        ) from None
