"""Hypothesis strategies for hostile input: answers files and chat text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "examples").glob("*.yaml"))

CONTROL = "".join(chr(c) for c in [*range(0, 32), 127, *range(0x80, 0xA0)])
TRICKY = [
    "\u202e",  # right-to-left override
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",  # BOM inside text
    "\u0301",  # combining accent
    "\U0001f600",  # emoji
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",  # family emoji sequence
    "\u2028",  # line separator
    "\ufffd",  # replacement character
]
SCRIPTS = [
    "首次解决率",
    "个人信息与隐私",
    "العربية",
    "русский",
    "ελληνικά",
    "日本語のテキスト",
    "한국어",
    "हिन्दी",
    "ignore previous instructions",
    "{{ template }} {% raw %}",
    "<script>alert(1)</script>",
    "| a | b |\n|---|---|",
    "# heading\n```\ncode\n```",
    "[link](javascript:alert(1))",
    "../../etc/passwd",
    "%s %d {0} {name}",
]


def hostile_text(max_size: int = 300) -> st.SearchStrategy[str]:
    """Text mixing scripts, control characters, bidi and zero-width marks, markup and format strings."""
    pieces = st.one_of(
        st.text(max_size=40),
        st.text(alphabet=CONTROL, max_size=10),
        st.sampled_from(TRICKY),
        st.sampled_from(SCRIPTS),
    )
    return st.lists(pieces, max_size=12).map("".join).map(lambda s: s[:max_size])


scalars: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile_text(80),
)
wrong_values: st.SearchStrategy[Any] = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(hostile_text(20), inner, max_size=4),
    ),
    max_leaves=12,
)
"""Any value of any type (the wrong type for most fields), nested a little."""


def leaf_paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in a nested mapping (lists count as one value)."""
    if isinstance(data, dict) and data:
        out: list[tuple[Any, ...]] = []
        for k, v in data.items():
            out += [(*prefix, k), *leaf_paths(v, (*prefix, k))]
        return out
    return []


def example_data(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _delete(data: dict[str, Any], path: tuple[Any, ...]) -> None:
    node = data
    for key in path[:-1]:
        node = node[key]
    node.pop(path[-1], None)


@st.composite
def mutated_answers(draw: st.DrawFn) -> dict[str, Any]:
    """A real example answers file with a few fields replaced, removed or added (any type, any text)."""
    data = example_data(draw(st.sampled_from(EXAMPLES)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = leaf_paths(data)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        action = draw(st.sampled_from(["replace", "replace", "text", "delete", "add"]))
        if action == "replace":
            _set(data, path, draw(wrong_values))
        elif action == "text":
            _set(data, path, draw(hostile_text()))
        elif action == "delete":
            _delete(data, path)
        else:
            _set(data, (*path[:-1], draw(hostile_text(30)) or "x"), draw(wrong_values))
    return data


@st.composite
def valid_text_answers(draw: st.DrawFn) -> dict[str, Any]:
    """A real example with its free-text fields (strings) replaced by hostile text: should still run."""
    from agent.questions import load_bank

    bank = load_bank()
    data = example_data(draw(st.sampled_from(EXAMPLES)))

    def free_text(path: tuple[Any, ...]) -> bool:
        question = bank.by_field(".".join(map(str, path)))
        return question is not None and question.type == "text" and isinstance(_get(data, path), str)

    # only free-text fields: a choice's value (e.g. `internal_optimisation`) replaced by noise is
    # rightly refused as an invalid option
    text_paths = [p for p in leaf_paths(data) if free_text(p)]
    for path in draw(st.lists(st.sampled_from(text_paths), min_size=1, max_size=4, unique=True)):
        # a blank answer (e.g. '\x85', whitespace to str.strip) is refused as blank: tested elsewhere
        text = draw(hostile_text())
        _set(data, path, text if text.strip() else "?")
    return data


def _get(data: dict[str, Any], path: tuple[Any, ...]) -> Any:
    node: Any = data
    for key in path:
        node = node[key]
    return node


def dump(data: Any, fmt: str) -> bytes:
    """Serialise as the user would: YAML (unicode kept) or JSON (NaN allowed, as Python writes it)."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogatepass")


def yaml_bomb(levels: int, width: int) -> str:
    """A "billion laughs" file: each level refers `width` times to the one before."""
    lines = ['a0: &a0 ["lol", "lol"]']
    for i in range(1, levels + 1):
        refs = ", ".join(f"*a{i - 1}" for _ in range(width))
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append(f"project:\n  name: *a{levels}")
    return "\n".join(lines) + "\n"


def nested(depth: int, fmt: str) -> str:
    """A value nested `depth` levels deep, under a real field."""
    if fmt == "json":
        return '{"project": {"name": ' + "[" * depth + "1" + "]" * depth + "}}"
    return "project:\n  name: " + "[" * depth + "1" + "]" * depth + "\n"


raw_files: st.SearchStrategy[tuple[str, bytes]] = st.one_of(
    st.tuples(st.sampled_from(["yaml", "json"]), st.binary(max_size=300)),
    st.tuples(st.just("yaml"), hostile_text(400).map(lambda s: s.encode("utf-8", "surrogatepass"))),
    st.tuples(
        st.just("yaml"),
        st.builds(yaml_bomb, st.integers(2, 12), st.integers(2, 12)).map(str.encode),
    ),
    st.tuples(
        st.sampled_from(["yaml", "json"]),
        st.integers(1, 3000)
        .flatmap(lambda d: st.sampled_from(["yaml", "json"]).map(lambda f: nested(d, f)))
        .map(str.encode),
    ),
    st.tuples(st.sampled_from(["yaml", "json"]), wrong_values.map(lambda v: dump(v, "json"))),
)
"""Whole files that are mostly not answers files at all: (suffix, bytes)."""
