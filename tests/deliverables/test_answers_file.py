"""Loading and validating answers files: every refusal names the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.deliverables.answers_file import MAX_ALIASES, load_answers_file, validate_answers
from agent.errors import InputError

SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "project": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string"},
                "sector": {"enum": ["finance", "government"]},
            },
        },
        "requirements": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "budget_wan": {"type": "number"},
                "team": {"type": "array", "items": {"enum": ["it"]}},
            },
        },
    },
}


def _write(tmp_path: Path, text: str, name: str = "answers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path) -> str:
    with pytest.raises(InputError) as info:
        data, table = load_answers_file(path)
        validate_answers(data, SCHEMA, path, table)
    assert info.value.exit_code == 2
    return str(info.value)


def test_a_valid_file_loads_with_line_numbers(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "# c\nproject:\n  name: 银行\nrequirements:\n  budget_wan: 300\n  team:\n    - it\n"
    )
    data, table = load_answers_file(path)
    validate_answers(data, SCHEMA, path, table)
    assert data["project"]["name"] == "银行"
    assert table[("requirements", "budget_wan")] == 5 and table[("requirements", "team", 0)] == 7


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, "project:\n  name: a\n   sector: finance\n"))
    assert "answers.yaml:3" in message and "YAML" in message


def test_unknown_field_names_its_line_and_the_known_fields(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, "project:\n  name: a\n  colour: blue\n"))
    assert "answers.yaml:3" in message and "project.colour" in message and "unknown field" in message
    assert "sector" in message


def test_wrong_type_names_field_and_line(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, "project:\n  name: a\nrequirements:\n  budget_wan: 三百万\n"))
    assert "answers.yaml:4" in message and "requirements.budget_wan" in message and "number" in message


def test_invalid_option_lists_the_accepted_values(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, "project:\n  sector: banking\n"))
    assert "answers.yaml:2" in message and "project.sector" in message
    assert '"finance"' in message and '"government"' in message
    message = _error(_write(tmp_path, "requirements:\n  team:\n    - it\n    - hr\n"))
    assert "answers.yaml:4" in message and "requirements.team[1]" in message


def test_yaml_bomb_is_refused_before_expansion(tmp_path: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghi":
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    message = _error(_write(tmp_path, "\n".join(lines) + "\n"))
    assert "alias" in message and str(MAX_ALIASES) in message


def test_non_mapping_top_level_is_refused(tmp_path: Path) -> None:
    assert "mapping" in _error(_write(tmp_path, "- a\n- b\n"))
    assert "mapping" in _error(_write(tmp_path, "just a sentence\n"))


def test_duplicate_keys_and_multiple_documents_are_refused(tmp_path: Path) -> None:
    assert "duplicate key" in _error(_write(tmp_path, "project:\n  name: a\n  name: b\n"))
    assert "answers.yaml" in _error(_write(tmp_path, "project: {}\n---\nproject: {}\n"))


def test_missing_file_and_binary_file(tmp_path: Path) -> None:
    assert "no such file" in _error(tmp_path / "nope.yaml")
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    assert "UTF-8" in _error(path)


def test_json_files_get_lines_too(tmp_path: Path) -> None:
    message = _error(_write(tmp_path, '{\n  "project": {\n    "sector": "x"\n  }\n}\n', "a.json"))
    assert "a.json:3" in message and "project.sector" in message
    message = _error(_write(tmp_path, '{\n  "project": {\n    "sector": \n}\n', "b.json"))
    assert "b.json:4" in message and "JSON" in message


def test_an_empty_file_is_an_empty_answers_file(tmp_path: Path) -> None:
    data, _ = load_answers_file(_write(tmp_path, "# only comments\n"))
    assert data == {}
