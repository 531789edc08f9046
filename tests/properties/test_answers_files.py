"""`coach run` on hostile answers files: exit 0 with a report, or exit 2 with a message; never a traceback.

The runs are in-process (`cli.main.main`), so any exception other than a handled `CoachError`
surfaces as a failure with its traceback; a run that fails must also leave nothing in --out.
"""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
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


def coach_run(content: bytes, suffix: str, formats: str = "md,json") -> tuple[int, str, str, Path]:
    """Run `coach run` on a file holding `content`; returns (exit code, stdout, stderr, out dir)."""
    work = Path(tempfile.mkdtemp(prefix="coach-prop-"))
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


HOSTILE_FILES = {
    "billion-laughs": ("yaml", yaml_bomb(9, 9).encode()),
    "deep-json": ("json", nested(5000, "json").encode()),
    "deep-yaml": ("yaml", nested(5000, "yaml").encode()),
    "deep-yaml-mapping": (
        "yaml",
        ("project:\n" + "".join("  " * i + "a:\n" for i in range(1, 400))).encode(),
    ),
    "binary": ("yaml", b"\xff\xfe\x00garbage"),
    "two-documents": ("yaml", b"---\nproject: {name: a}\n---\nproject: {name: b}\n"),
    "python-tag": ("yaml", b"project: !!python/object/apply:os.system ['echo pwned']\n"),
    "json-list": ("json", b"[]"),
    "empty": ("yaml", b""),
    "nan-and-infinity": (
        "json",
        b'{"selection": {"model_size_b": NaN}, "requirements": {"budget_wan": Infinity}}',
    ),
    "huge-int": ("yaml", b"requirements:\n  budget_wan: " + b"9" * 5000 + b"\n"),
    "bom-and-crlf": ("yaml", "\ufeffproject:\r\n  name: 客服助手\r\n".encode()),
    "utf16": ("yaml", "project:\n  name: 客服\n".encode("utf-16")),
    "nul-in-text": ("yaml", b'project:\n  name: "a\\0b"\n'),
    "over-size-limit": ("yaml", b"project:\n  name: " + b"x" * 2_100_000 + b"\n"),
}


@pytest.mark.parametrize("name", list(HOSTILE_FILES))
def test_named_hostile_file_is_refused_clearly_or_run(name: str) -> None:
    suffix, content = HOSTILE_FILES[name]
    check_outcome(*coach_run(content, suffix))


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
