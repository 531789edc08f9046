"""`coach run` on hostile answers files: exit 0 with a report, or exit 2 with a message; never a traceback.

The runs are in-process (`cli.main.main`), so any exception other than a handled `CoachError`
surfaces as a failure with its traceback; a run that fails must also leave nothing in --out. Each named
hostile file has its one expected outcome (exit code and what the message or report says), and no YAML
tag constructs an object. Every run's folder is removed after its test.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.main import main

from .strategies import EXAMPLES, dump, mutated_answers, nested, raw_files, valid_text_answers, yaml_bomb

_COMMON = {
    "deadline": None,
    "database": None,  # no .hypothesis/ in the working tree; failures print their example
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
}
FAST = settings(max_examples=60, **_COMMON)  # type: ignore[arg-type]
"""Most of these examples are refused at validation (milliseconds)."""
SLOW = settings(max_examples=8, **_COMMON)  # type: ignore[arg-type]
"""Each of these is a full run with every format (seconds)."""


_WORK_DIRS: list[Path] = []
"""Folders made by `coach_run` during the current test (removed after it)."""


@pytest.fixture(autouse=True)
def _remove_work_dirs() -> Iterator[None]:
    yield
    while _WORK_DIRS:
        shutil.rmtree(_WORK_DIRS.pop(), ignore_errors=True)


def coach_run(
    content: bytes, suffix: str, formats: str = "md,json", work: Path | None = None
) -> tuple[int, str, str, Path]:
    """Run `coach run` on a file holding `content`; returns (exit code, stdout, stderr, out dir)."""
    if work is None:
        work = Path(tempfile.mkdtemp(prefix="coach-prop-"))
        _WORK_DIRS.append(work)
    answers = work / f"answers.{suffix}"
    answers.write_bytes(content)
    out = work / "out"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            code = main(["run", "--answers", str(answers), "--out", str(out), "--format", formats])
        except SystemExit as exc:  # argparse
            code = int(exc.code or 0)
    return code, stdout.getvalue(), stderr.getvalue(), out


def check_outcome(code: int, stdout: str, stderr: str, out: Path) -> None:
    """The contract: 0 and a complete report, or 2 and a message naming the file; never a traceback."""
    assert "Traceback" not in stdout + stderr
    assert code in (0, 2), f"exit {code}: {stderr[-800:]}"
    if code == 2:
        assert stderr.startswith("coach: "), stderr[:300]
        assert "answers." in stderr, "the message names the file"
        written = [p for p in out.rglob("*") if p.is_file()] if out.exists() else []
        assert written == [], f"a failed run left files behind: {written[:5]}"
    else:
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert {"project", "readiness", "pitfalls", "deliverables", "open_questions"} <= set(report)
        assert not [p for p in out.rglob("*") if p.name.endswith((".tmp", ".part"))]


@FAST
@given(data=mutated_answers(), fmt=st.sampled_from(["yaml", "json"]))
def test_mutated_answers_file_is_refused_clearly_or_run(data: dict[str, Any], fmt: str) -> None:
    check_outcome(*coach_run(dump(data, fmt), fmt))


@FAST
@given(file=raw_files)
def test_arbitrary_file_is_refused_clearly_or_run(file: tuple[str, bytes]) -> None:
    suffix, content = file
    check_outcome(*coach_run(content, suffix))


HOSTILE_FILES: dict[str, tuple[str, bytes, int, str]] = {
    # name: (suffix, content, exit code, what stderr says (exit 2) or the report's project name (exit 0))
    "billion-laughs": ("yaml", yaml_bomb(9, 9).encode(), 2, "too many YAML aliases"),
    "deep-json": ("json", nested(5000, "json").encode(), 2, "nested more than 32 levels deep"),
    "deep-yaml": ("yaml", nested(5000, "yaml").encode(), 2, "invalid YAML"),
    "deep-yaml-mapping": (
        "yaml",
        ("project:\n" + "".join("  " * i + "a:\n" for i in range(1, 400))).encode(),
        2,
        "nested more than 32 levels deep",
    ),
    "binary": ("yaml", b"\xff\xfe\x00garbage", 2, "not UTF-8 text"),
    "two-documents": (
        "yaml",
        b"---\nproject: {name: a}\n---\nproject: {name: b}\n",
        2,
        "expected a single document",
    ),
    "json-list": ("json", b"[]", 2, "the top level must be a mapping"),
    "empty": ("yaml", b"", 0, "answers"),  # named after the file
    "nan-and-infinity": (
        "json",
        b'{"selection": {"model_size_b": NaN}, "requirements": {"budget_wan": Infinity}}',
        2,
        "is not a number",
    ),
    "huge-int": ("yaml", b"requirements:\n  budget_wan: " + b"9" * 5000 + b"\n", 2, "a value cannot be read"),
    "bom-and-crlf": ("yaml", "\ufeffproject:\r\n  name: 客服助手\r\n".encode(), 0, "客服助手"),
    "utf16": ("yaml", "project:\n  name: 客服\n".encode("utf-16"), 2, "not UTF-8 text"),
    "nul-in-text": ("yaml", b'project:\n  name: "a\\0b"\n', 0, "ab"),  # control characters never reach output
    "over-size-limit": ("yaml", b"project:\n  name: " + b"x" * 2_100_000 + b"\n", 2, "file too large"),
    "binary-tag": ("yaml", b"project:\n  name: !!binary aGVsbG8=\n", 2, "wrong type (bytes)"),
    "set-tag": ("yaml", b"project:\n  name: !!set {a, b}\n", 2, "wrong type (set)"),
    "local-tag": ("yaml", b"project:\n  name: !secret foo\n", 2, "could not determine a constructor"),
}


@pytest.mark.parametrize("name", list(HOSTILE_FILES))
def test_named_hostile_file_has_its_exact_outcome(name: str) -> None:
    suffix, content, expected_code, says = HOSTILE_FILES[name]
    code, stdout, stderr, out = coach_run(content, suffix)
    check_outcome(code, stdout, stderr, out)
    assert code == expected_code, f"exit {code}: {stderr[-300:]}"
    if code == 2:
        assert says in stderr, stderr[:400]
    else:
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert report["project"] == says


PYTHON_TAGS = [
    "!!python/object/apply:builtins.open [{canary}, w]",
    "!!python/object/apply:os.system ['touch {canary}']",
    "!!python/object/new:builtins.open [{canary}, w]",
    "!!python/name:os.system",
    "!!python/module:os",
]


@pytest.mark.parametrize("tag", PYTHON_TAGS)
@pytest.mark.parametrize("where", ["project:\n  name: {payload}\n", "{payload}\n", "project: [{payload} ]\n"])
def test_no_yaml_tag_constructs_an_object(tag: str, where: str) -> None:
    """A `!!python` payload is refused as invalid YAML before anything is constructed: the file it would
    create does not appear (an unsafe loader would make it, whatever the exit code)."""
    work = Path(tempfile.mkdtemp(prefix="coach-prop-"))
    _WORK_DIRS.append(work)
    canary = work / "constructed"
    payload = tag.format(canary=json.dumps(str(canary)))
    code, stdout, stderr, out = coach_run(where.format(payload=payload).encode(), "yaml", work=work)
    assert not canary.exists(), "a YAML tag ran code"
    check_outcome(code, stdout, stderr, out)
    assert code == 2 and "could not determine a constructor" in stderr, stderr[:400]


@SLOW
@given(data=valid_text_answers(), fmt=st.sampled_from(["yaml", "json"]))
def test_hostile_free_text_in_valid_fields_still_produces_the_deliverables(
    data: dict[str, Any], fmt: str
) -> None:
    """Control characters, bidi marks, markup and mixed scripts are the user's words: kept, not fatal."""
    code, stdout, stderr, out = coach_run(dump(data, fmt), fmt, formats="md,docx,html,json")
    check_outcome(code, stdout, stderr, out)
    assert code == 0, f"valid text was refused: {stderr[-500:]}"


@pytest.mark.slow
def test_huge_free_text_answer_runs_or_is_refused_with_the_size_limit() -> None:
    data = yaml.safe_load(EXAMPLES[0].read_text(encoding="utf-8"))
    data["requirements"]["pain_points"] = "排队太久。Queues are too long. " * 40_000  # ~1.3 MB
    code, stdout, stderr, out = coach_run(dump(data, "yaml"), "yaml", formats="md,docx,html,json")
    check_outcome(code, stdout, stderr, out)
