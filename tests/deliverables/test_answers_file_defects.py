"""`coach run --answers` on files with one defect each: exit 2, nothing written, and exactly this message.

Each case is what a user sees on stderr, word for word: the file, the line, the field, the problem
in both languages and the hint. `{f}` stands for the file's path. Refusals happen before the
coaching graph runs, so each case takes a fraction of a second.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent.deliverables.answers_file import MAX_BYTES, load_answers_file
from agent.errors import InputError
from cli.main import main

TITLE = "coach: Invalid input / 输入无效: "
SECTIONS = "data, development, integration, lang, operations, project, requirements, selection, testing"
KNOWN_SECTIONS = f"  → known fields here / 可用字段: {SECTIONS}"
SYNTAX = "  → fix the syntax on that line"
TOO_DEEP = (
    "nested more than 32 levels deep / 嵌套层级过深\n"
    "  → an answers file is `section: {field: value}`; start from `coach answers-template`"
)
BAD_NUMBER = (
    "a value cannot be read / 无法读取的值: Exceeds the limit (4300 digits) for integer string conversion: "
    "value has 5000 digits; use sys.set_int_max_str_digits() to increase the limit\n"
    "  → numbers must be ordinary numbers (e.g. 50 or 1.5); put long text in quotes"
)
DEPLOYMENTS = (
    "private (私有化部署 / Private (on-premises)), public_cloud (公有云 / API 服务 / Public cloud / API), "
    "hybrid (混合云 / Hybrid cloud), cloud_edge (云边协同 / Cloud-edge)"
)
TECHNIQUES = (
    "rag (RAG 检索增强 / RAG (retrieval-augmented generation)), agent (Agent 智能体 / Agents), "
    "fine_tuning (微调 / Fine-tuning), prompt_engineering (提示工程 / Prompt engineering), "
    "multimodal (多模态 / Multimodal)"
)


def _nested_yaml(levels: int) -> str:
    """A mapping nested `levels` collections deep, one key per line."""
    return "".join("  " * i + f"k{i}:\n" for i in range(levels - 1)) + "  " * (levels - 1) + "k: v\n"


def _aliases(count: int) -> str:
    """A file using one anchor `count` times (one in `organisation`, the rest in a list on line 5)."""
    return (
        "project:\n  name: &a x\n  organisation: *a\nrequirements:\n  team: ["
        + ", ".join(["*a"] * (count - 1))
        + "]\n"
    )


def _json_nested(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


CASES: dict[str, tuple[str, str, str]] = {
    # name: (file name, content, stderr after the title)
    "duplicate key": (
        "a.yaml",
        "project:\n  name: a\n  name: b\n",
        "{f}:3: field `project.name`: duplicate key `name` / 重复的字段\n"
        "  → each field may appear once; remove one of them",
    ),
    "duplicate key in JSON": (
        "a.json",
        '{\n  "project": {\n    "name": "a",\n    "name": "b"\n  }\n}\n',
        "{f}:4: field `project.name`: duplicate key `name` / 重复的字段\n"
        "  → each field may appear once; remove one of them",
    ),
    "duplicate key in JSON that YAML cannot read": (
        "a.json",
        '{"project": {"name": "\\ud83d\\ude00", "name": "b"}}',
        "{f}: duplicate key `name` / 重复的字段\n  → each field may appear once; remove one of them",
    ),
    "two documents": (
        "a.yaml",
        "project: {}\n---\nproject: {}\n",
        "{f}:2: invalid YAML / YAML 格式错误: expected a single document in the stream "
        "but found another document (opened on line 1)\n" + SYNTAX,
    ),
    "bad indentation": (
        "a.yaml",
        "project:\n  name: x\n   sector: finance\n",
        "{f}:3: invalid YAML / YAML 格式错误: mapping values are not allowed in this context\n" + SYNTAX,
    ),
    "unclosed flow mapping": (
        "a.yaml",
        "project: {name: x\nrequirements:\n  budget_wan: 1\n",
        "{f}:2: invalid YAML / YAML 格式错误: while parsing a flow mapping did not find expected ',' or '}' "
        "(opened on line 1)\n" + SYNTAX,
    ),
    "a tab": (
        "a.yaml",
        "project:\n\tname: x\n",
        "{f}:2: invalid YAML / YAML 格式错误: while scanning for the next token found character that cannot "
        "start any token\n" + SYNTAX,
    ),
    "21 aliases": (
        "a.yaml",
        _aliases(21),
        "{f}:5: too many YAML aliases (more than 20) / YAML 别名过多，拒绝展开\n"
        "  → write the values out instead of using anchors (&) and aliases (*)",
    ),
    "20 aliases are read (and the value checked)": (
        "a.yaml",
        _aliases(20),
        "{f}:5: field `requirements.team`: 'x' is not one of the options / 不是可选项\n"
        "  → accepted values: business (业务部门 / Business), it (技术/IT / IT / engineering), "
        "compliance (合规/法务 / Compliance / legal), vendor (外部供应商 / Vendor), data (数据团队 / Data team)",
    ),
    "33 levels of YAML": ("a.yaml", _nested_yaml(33), "{f}:33: " + TOO_DEEP),
    "32 levels of YAML are read": (
        "a.yaml",
        _nested_yaml(32),
        "{f}:1: field `k0`: unknown field `k0` / 未知字段\n" + KNOWN_SECTIONS,
    ),
    "33 levels of JSON": ("a.json", _json_nested(33), "{f}: " + TOO_DEEP),
    "32 levels of JSON are read": (
        "a.json",
        _json_nested(32),
        "{f}:1: field `a`: unknown field `a` / 未知字段\n" + KNOWN_SECTIONS,
    ),
    "JSON nested past the recursion limit": ("a.json", "[" * 100_000 + "]" * 100_000, "{f}: " + TOO_DEEP),
    "a YAML number of 5000 digits": (
        "a.yaml",
        "requirements:\n  budget_wan: " + "9" * 5000 + "\n",
        "{f}: " + BAD_NUMBER,
    ),
    "a JSON number of 5000 digits": (
        "a.json",
        '{"requirements": {"budget_wan": ' + "9" * 5000 + "}}",
        "{f}: " + BAD_NUMBER,
    ),
    "bad JSON": (
        "a.json",
        '{\n  "project": {\n    "sector": \n}\n',
        "{f}:4: invalid JSON / JSON 格式错误: Expecting value\n  → fix the syntax",
    ),
    "JSON keeps its lines": (
        "a.json",
        '{\n  "project": {\n    "sector": "finance",\n    "colour": 1\n  }\n}\n',
        "{f}:4: field `project.colour`: unknown field `colour` / 未知字段\n"
        "  → known fields here / 可用字段: name, organisation, sector",
    ),
    "upper-case .JSON is JSON": (
        "a.JSON",
        '{"project": {"colour": 1}, "project2": {}}',
        "{f}:1: field `project.colour`: unknown field `colour` / 未知字段\n"
        "{f}:1: field `project2`: unknown field `project2` / 未知字段\n"
        "  → known fields here / 可用字段: name, organisation, sector; known fields here / 可用字段: "
        + SECTIONS,
    ),
    "a list at the top": (
        "a.yaml",
        "- a\n- b\n",
        "{f}:1: the top level must be a mapping of fields, not a list / 顶层必须是字段映射\n"
        "  → start from `coach answers-template`",
    ),
    "a sentence at the top": (
        "a.yaml",
        "hello\n",
        "{f}:1: the top level must be a mapping of fields, not a str / 顶层必须是字段映射\n"
        "  → start from `coach answers-template`",
    ),
    "unknown section": (
        "a.yaml",
        "project:\n  name: x\nbudget:\n  total: 3\n",
        "{f}:3: field `budget`: unknown field `budget` / 未知字段\n" + KNOWN_SECTIONS,
    ),
    "seven unknown sections: five shown, by line, and the rest counted": (
        "a.yaml",
        "g: 7\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\na: 1\n",
        "{f}:1: field `g`: unknown field `g` / 未知字段\n"
        "{f}:2: field `b`: unknown field `b` / 未知字段\n"
        "{f}:3: field `c`: unknown field `c` / 未知字段\n"
        "{f}:4: field `d`: unknown field `d` / 未知字段\n"
        "{f}:5: field `e`: unknown field `e` / 未知字段\n"
        "(+2 more)\n" + KNOWN_SECTIONS,
    ),
    "six unknown sections": (
        "a.yaml",
        "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\n",
        "{f}:1: field `a`: unknown field `a` / 未知字段\n"
        "{f}:2: field `b`: unknown field `b` / 未知字段\n"
        "{f}:3: field `c`: unknown field `c` / 未知字段\n"
        "{f}:4: field `d`: unknown field `d` / 未知字段\n"
        "{f}:5: field `e`: unknown field `e` / 未知字段\n"
        "(+1 more)\n" + KNOWN_SECTIONS,
    ),
    "five unknown sections: all shown": (
        "a.yaml",
        "project:\n  name: x\na: 1\nb: 2\nc: 3\nd: 4\ne: 5\n",
        "{f}:3: field `a`: unknown field `a` / 未知字段\n"
        "{f}:4: field `b`: unknown field `b` / 未知字段\n"
        "{f}:5: field `c`: unknown field `c` / 未知字段\n"
        "{f}:6: field `d`: unknown field `d` / 未知字段\n"
        "{f}:7: field `e`: unknown field `e` / 未知字段\n" + KNOWN_SECTIONS,
    ),
    "unknown field": (
        "a.yaml",
        "project:\n  name: x\n  colour: blue\n",
        "{f}:3: field `project.colour`: unknown field `colour` / 未知字段\n"
        "  → known fields here / 可用字段: name, organisation, sector",
    ),
    "unknown language": (
        "a.yaml",
        "lang: fr\nproject:\n  name: x\n",
        '{f}:1: field `lang`: invalid option "fr" / 无效选项\n  → accepted / 可选: "zh", "en"',
    ),
    "a section that is a list": (
        "a.yaml",
        "project:\n  name: x\nrequirements: [a]\n",
        '{f}:3: field `requirements`: wrong type: expected object, got ["a"] / 类型错误\n  → give a mapping (`field: value`)',
    ),
    "a section that is a number": (
        "a.yaml",
        "requirements: 3\n",
        "{f}:1: field `requirements`: wrong type: expected object, got 3 / 类型错误\n  → give a mapping (`field: value`)",
    ),
    "a section that is a date": (
        "a.yaml",
        "requirements: 2024-01-01\n",
        '{f}:1: field `requirements`: wrong type: expected object, got "2024-01-01" / 类型错误\n'
        "  → give a mapping (`field: value`)",
    ),
    "a section that is a sentence": (
        "a.yaml",
        "project:\n  name: x\nrequirements: 很多\n",
        '{f}:3: field `requirements`: wrong type: expected object, got "很多" / 类型错误\n'
        "  → give a mapping (`field: value`)",
    ),
    "a control character": (
        "a.yaml",
        'project:\n  name: "\x07"\n',
        "{f}:2: invalid YAML / YAML 格式错误: unacceptable character #x0007: control characters are not allowed\n"
        "  → fix the file's syntax",
    ),
    "unknown criterion of the scoring weights": (
        "a.yaml",
        "selection:\n  scoring_weights: {privacy: 30, cost: 30, task_fit: 20, vendor: 10, upgrade: 5, speed: 5}\n",
        "{f}:2: field `selection.scoring_weights.speed`: unknown field `speed` / 未知字段\n"
        "  → known fields here / 可用字段: burden, cost, privacy, task_fit, upgrade, vendor",
    ),
    "scoring weights missing criteria": (
        "a.yaml",
        "project:\n  name: x\nselection:\n  scoring_weights: {privacy: 50, cost: 50}\n",
        "{f}:4: field `selection.scoring_weights`: missing criterion task_fit, vendor, upgrade, burden "
        "(give all six; 0 leaves one out) / 缺少评分维度\n"
        "  → e.g. scoring_weights: {privacy: …, cost: …, task_fit: …, vendor: …, upgrade: …, burden: …} "
        "— six percentages summing to 100",
    ),
    # the values themselves (read as the interview reads them; agent.answers_schema)
    "a value out of range": (
        "a.yaml",
        "project:\n  name: x\ntesting:\n  accuracy_target: 150\n",
        "{f}:4: field `testing.accuracy_target`: 150 is out of range / 超出允许范围\n"
        "  → use a number between 0 and 100",
    ),
    "a negative budget": (
        "a.yaml",
        "requirements:\n  budget_wan: -5\n",
        "{f}:2: field `requirements.budget_wan`: -5 is out of range / 超出允许范围\n  → use a number between 0 and ∞",
    ),
    "not a number": (
        "a.yaml",
        "requirements:\n  budget_wan: .nan\n",
        "{f}:2: field `requirements.budget_wan`: nan is not a number / 不是有效数字\n"
        "  → write an ordinary number, e.g. 50 or 1.5",
    ),
    "an unknown option in a list": (
        "a.yaml",
        "selection:\n  techniques: [rag, blockchain]\n",
        "{f}:2: field `selection.techniques`: 'blockchain' is not one of the options / 不是可选项\n"
        "  → accepted values: " + TECHNIQUES,
    ),
    "a list inside a list of texts": (
        "a.yaml",
        "integration:\n  systems: [CRM, [a]]\n",
        "{f}:2: field `integration.systems`: expected a list of texts / 应为文本列表\n  → e.g. [CRM, 工单系统]",
    ),
    "a blank answer": (
        "a.yaml",
        "requirements:\n  pain_points: '  '\n",
        "{f}:2: field `requirements.pain_points`: the answer is blank ('  ') / 答案为空\n"
        "  → write the answer, or `unknown` to list it as an open question, or delete the line",
    ),
    "an unknown option": (
        "a.yaml",
        "selection:\n  deployment: moon\n",
        "{f}:2: field `selection.deployment`: 'moon' is not valid / 无效的答案\n"
        "  → accepted values: " + DEPLOYMENTS + "; or unknown / skip",
    ),
    "a mapping for a yes/no": (
        "a.yaml",
        "data:\n  personal_data: {a: 1}\n",
        "{f}:2: field `data.personal_data`: wrong type (dict) / 类型错误\n  → expected true / false (是 / 否)",
    ),
    "a list for a number": (
        "a.yaml",
        "project:\n  name: x\nrequirements:\n  budget_wan: [1, 2]\n",
        "{f}:4: field `requirements.budget_wan`: wrong type (list) / 类型错误\n  → expected a number in wan_cny",
    ),
    "a list for a text": (
        "a.yaml",
        "requirements:\n  pain_points: [a, b]\n",
        "{f}:2: field `requirements.pain_points`: wrong type (list) / 类型错误\n  → expected text",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_one_defect_exits_2_with_this_message_and_writes_nothing(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, text, expected = CASES[case]
    answers = tmp_path / name
    answers.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    capsys.readouterr()
    assert main(["run", "--answers", str(answers), "--out", str(out)]) == 2
    assert not out.exists()
    assert capsys.readouterr().err == TITLE + expected.replace("{f}", str(answers)) + "\n"


def _refusal(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    out = path.parent / "out"
    capsys.readouterr()
    assert main(["run", "--answers", str(path), "--out", str(out)]) == 2
    assert not out.exists()
    return capsys.readouterr().err.removeprefix(TITLE)


def test_files_that_cannot_be_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nope.yaml"
    assert (
        _refusal(missing, capsys)
        == f"{missing}: no such file / 文件不存在\n  → check the path given to --answers\n"
    )
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    assert (
        _refusal(folder, capsys)
        == f"{folder}: not a file / 不是文件\n  → --answers takes a YAML or JSON file\n"
    )
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"project:\n  name: \xff\xfe\n")
    assert (
        _refusal(binary, capsys)
        == f"{binary}: not UTF-8 text / 不是 UTF-8 编码\n  → save the file as UTF-8\n"
    )


def test_size_limit_is_exact(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file of MAX_BYTES is read; one byte more is refused, saying its size and the limit."""
    at_limit = tmp_path / "big.json"
    at_limit.write_bytes(b"{}" + b" " * (MAX_BYTES - 2))
    assert load_answers_file(at_limit) == ({}, {(): 1})
    over = tmp_path / "over.json"
    over.write_bytes(b"{}" + b" " * (MAX_BYTES - 1))
    assert _refusal(over, capsys) == (
        f"{over}: file too large ({MAX_BYTES + 1} bytes) / 文件过大\n  → limit {MAX_BYTES} bytes\n"
    )


@pytest.mark.parametrize("name", ["bom.yaml", "bom.json"])
def test_a_byte_order_mark_is_not_part_of_the_file(tmp_path: Path, name: str) -> None:
    """Editors on Windows save UTF-8 with a BOM; the first key is still `project`, on line 1."""
    path = tmp_path / name
    body = '{"project": {"name": "x"}}' if name.endswith(".json") else "project:\n  name: x\n"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode())
    data, table = load_answers_file(path)
    assert data == {"project": {"name": "x"}}
    assert table[("project",)] == 1 and table[("project", "name")] == (1 if name.endswith(".json") else 2)


def test_lines_of_keys_and_list_items(tmp_path: Path) -> None:
    """The path → line table the messages use: keys, nested keys and each list item on its own line."""
    path = tmp_path / "a.yaml"
    path.write_text(
        "# a comment\nproject:\n  name: x\nrequirements:\n  team:\n    - it\n    - business\n",
        encoding="utf-8",
    )
    data, table = load_answers_file(path)
    assert data == {"project": {"name": "x"}, "requirements": {"team": ["it", "business"]}}
    assert table == {
        (): 2,
        ("project",): 2,
        ("project", "name"): 3,
        ("requirements",): 4,
        ("requirements", "team"): 5,
        ("requirements", "team", 0): 6,
        ("requirements", "team", 1): 7,
    }


def test_an_empty_file_or_null_is_an_empty_answers_file(tmp_path: Path) -> None:
    for text in ("", "# only comments\n", "null\n", "~\n"):
        path = tmp_path / "a.yaml"
        path.write_text(text, encoding="utf-8")
        data, _ = load_answers_file(path)
        assert data == {}, text


def test_an_unreadable_file_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("project: {}\n", encoding="utf-8")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(InputError) as info:
        load_answers_file(path)
    assert str(info.value) == f"{path}: cannot read (Permission denied) / 无法读取\n  → check permissions"


# the schema check on its own (`validate_answers` without `value_depth`): the canonical forms of `coach schema`
STRICT: list[tuple[dict[str, Any], str, str]] = [
    (
        {"data": {"personal_data": "maybe"}},
        'field `data.personal_data`: wrong type: expected boolean, got "maybe" / 类型错误',
        "give true or false",
    ),
    (
        {"data": {"desensitisation": "masking"}},
        'field `data.desensitisation`: wrong type: expected array, got "masking" / 类型错误',
        "give a list ([a, b])",
    ),
    (
        {"project": {"name": 3}},
        "field `project.name`: wrong type: expected string, got 3 / 类型错误",
        "give a text",
    ),
    (
        {"requirements": {"budget_wan": "300"}},
        'field `requirements.budget_wan`: wrong type: expected number, got "300" / 类型错误',
        "give a number",
    ),
    (
        {"selection": {"deployment": "moon"}},
        'field `selection.deployment`: invalid option "moon" / 无效选项',
        'accepted / 可选: "private", "public_cloud", "hybrid", "cloud_edge"',
    ),
    (
        {"selection": {"techniques": ["rag", "blockchain"]}},
        'field `selection.techniques[1]`: invalid option "blockchain" / 无效选项',
        'accepted / 可选: "rag", "agent", "fine_tuning", "prompt_engineering", "multimodal"',
    ),
    (
        {"testing": {"accuracy_target": 101}},
        "field `testing.accuracy_target`: 101 is greater than the maximum of 100.0 / 超出允许范围",
        "see `coach schema`",
    ),
    (
        {"data": {"desensitisation": ["masking", "masking"]}},
        "field `data.desensitisation`: ['masking', 'masking'] has non-unique elements",
        "see `coach schema`",
    ),
    (
        {
            "selection": {
                "scoring_weights": {"privacy": 50, "cost": 50, "task_fit": 0, "vendor": 0, "upgrade": 0}
            }
        },
        "field `selection.scoring_weights`: 'burden' is a required property / 缺少必填字段",
        "see `coach schema`",
    ),
]


@pytest.mark.parametrize(("data", "problem", "hint"), STRICT, ids=[p.split("`")[1] for _, p, _ in STRICT])
def test_the_schema_check_names_each_kind_of_problem(data: dict[str, Any], problem: str, hint: str) -> None:
    from agent.answers_schema import answers_json_schema
    from agent.deliverables.answers_file import validate_answers

    with pytest.raises(InputError) as info:
        validate_answers(data, answers_json_schema(), Path("f.yaml"), {})
    assert str(info.value) == f"f.yaml:?: {problem}\n  → {hint}"


@pytest.mark.parametrize(
    ("schema", "value", "problem"),
    [
        ({"maxLength": 3}, "abcd", "'abcd' is too long / 超出允许范围"),
        ({"minLength": 3}, "a", "'a' is too short / 超出允许范围"),
        ({"exclusiveMaximum": 3}, 3, "3 is greater than or equal to the maximum of 3 / 超出允许范围"),
        ({"exclusiveMinimum": 3}, 3, "3 is less than or equal to the minimum of 3 / 超出允许范围"),
        ({"minimum": 3}, 2, "2 is less than the minimum of 3 / 超出允许范围"),
        ({"type": ["string", "null"]}, 5, "wrong type: expected string or null, got 5 / 类型错误"),
        (
            {"oneOf": [{"type": "integer"}, {"type": "null"}]},
            1.5,
            "wrong type: expected integer, got 1.5 / 类型错误",
        ),
        ({"type": "number"}, "三百", 'wrong type: expected number, got "三百" / 类型错误'),
        ({"enum": ["是", "否"]}, "也许", 'invalid option "也许" / 无效选项'),
    ],
    ids=lambda v: "-".join(v) if isinstance(v, dict) else "",  # ASCII ids (mutmut names tests by id)
)
def test_a_schema_of_its_own_gets_the_same_wording(schema: dict[str, Any], value: Any, problem: str) -> None:
    """`validate_answers` takes any schema (an organisation's stricter one): range limits are called
    out of range in both languages, types are named, Chinese stays readable."""
    from agent.deliverables.answers_file import validate_answers

    schema = {"type": "object", "properties": {"x": schema}}
    with pytest.raises(InputError) as info:
        validate_answers({"x": value}, schema, Path("f.yaml"), {("x",): 7})
    assert info.value.message == f"f.yaml:7: field `x`: {problem}"


def test_hints_of_a_schema_of_its_own() -> None:
    from agent.deliverables.answers_file import validate_answers

    schema = {
        "type": "object",
        "properties": {"x": {"type": ["string", "null"]}, "y": {"enum": ["是", "否"]}},
    }
    with pytest.raises(InputError) as info:
        validate_answers({"x": 5, "y": "也许"}, schema, Path("f.yaml"), {("x",): 2, ("y",): 3})
    assert info.value.hint == 'give a text or nothing (null); accepted / 可选: "是", "否"'


def test_a_value_without_a_line_of_its_own_is_shown_at_its_section() -> None:
    """A value merged in from elsewhere (a YAML `<<:` merge) has no line of its own: the nearest
    enclosing key that has one is named."""
    from agent.deliverables.answers_file import validate_answers

    schema = {
        "type": "object",
        "properties": {"s": {"type": "object", "properties": {"v": {"type": "string"}}}},
    }
    with pytest.raises(InputError) as info:
        validate_answers({"s": {"v": 1}}, schema, Path("f.yaml"), {(): 1, ("s",): 4})
    assert info.value.message == "f.yaml:4: field `s.v`: wrong type: expected string, got 1 / 类型错误"


def test_the_depth_limit_counts_nesting_not_collections(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Forty small mappings side by side are two levels deep, not forty; a branch that goes deeper
    after a closed sibling is counted from where it is."""
    wide = tmp_path / "wide.yaml"
    wide.write_text("".join(f"s{i}: {{a: [1]}}\n" for i in range(40)), encoding="utf-8")
    data, _ = load_answers_file(wide)
    assert len(data) == 40
    # 31 levels, then a closed sibling mapping, then a branch two levels deeper: 33 in all
    head = "".join("  " * i + f"k{i}:\n" for i in range(30))
    indent = "  " * 30
    deep = tmp_path / "deep.yaml"
    deep.write_text(
        head + f"{indent}a: {{x: 1}}\n{indent}b:\n{indent}  c:\n{indent}    d: 1\n", encoding="utf-8"
    )
    assert _refusal(deep, capsys) == f"{deep}:34: " + TOO_DEEP + "\n"  # where the 33rd level opens
