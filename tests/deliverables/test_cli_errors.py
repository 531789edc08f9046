"""Every bad input to `coach run` exits 2, names file/line/field, and leaves the output as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main

from .checks import listing

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GOOD = "project:\n  name: 测试项目\n  sector: finance\nrequirements:\n  budget_wan: 100\n"

BOMB = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{n}: &{n} [" + ",".join([f"*{p}"] * 9) + "]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)]
)

WEIGHTS = "project:\n  name: x\nselection:\n  deployment: private\n  scoring_weights: "
CASES = {
    # the model-selection matrix's own weights: six known criteria, none negative, summing to 100
    "weights_unknown_criterion": (
        WEIGHTS + "{privacy: 30, cost: 30, task_fit: 20, vendor: 10, upgrade: 5, speed: 5}\n",
        ["answers.yaml:5", "selection.scoring_weights.speed", "unknown field"],
    ),
    "weights_negative": (
        WEIGHTS + "{privacy: -10, cost: 50, task_fit: 30, vendor: 10, upgrade: 10, burden: 10}\n",
        ["answers.yaml:5", "selection.scoring_weights", "privacy: -10 is negative"],
    ),
    "weights_not_100": (
        WEIGHTS + "{privacy: 30, cost: 30, task_fit: 20, vendor: 10, upgrade: 5, burden: 6}\n",
        ["answers.yaml:5", "selection.scoring_weights", "sum to 101, not 100"],
    ),
    "weights_missing_criterion": (
        WEIGHTS + "{privacy: 50, cost: 50}\n",
        [
            "answers.yaml:5",
            "selection.scoring_weights",
            "missing criterion task_fit, vendor, upgrade, burden",
        ],
    ),
    "weights_not_numbers": (
        WEIGHTS + "{privacy: high, cost: 30, task_fit: 20, vendor: 10, upgrade: 5, burden: 5}\n",
        ["answers.yaml:5", "selection.scoring_weights", "privacy: 'high' is not a number"],
    ),
    "bad_yaml": ("project:\n  name: x\n   sector: finance\n", ["answers.yaml:3", "YAML"]),
    "unknown_field": (
        "project:\n  name: x\n  favourite_colour: blue\n",
        ["answers.yaml:3", "favourite_colour"],
    ),
    "unknown_section": ("project:\n  name: x\nbudget:\n  total: 3\n", ["answers.yaml:3", "budget"]),
    "wrong_type": (
        "project:\n  name: x\nrequirements:\n  budget_wan: lots\n",  # free text is read, not refused
        ["answers.yaml:4", "budget_wan"],
    ),
    "wrong_type_list": (
        "project:\n  name: x\nrequirements:\n  budget_wan: [1, 2]\n",
        ["answers.yaml:4", "budget_wan"],
    ),
    "wrong_type_bool": (
        "project:\n  name: x\ndata:\n  personal_data: [yes]\n",
        ["answers.yaml:4", "personal_data"],
    ),
    "invalid_option": ("project:\n  name: x\n  sector: aerospace\n", ["answers.yaml:3", "sector", "finance"]),
    "invalid_multi_option": (
        "project:\n  name: x\nselection:\n  techniques: [rag, blockchain]\n",
        ["answers.yaml:4", "techniques", "blockchain"],
    ),
    "blank_text": (
        'project:\n  name: x\nrequirements:\n  pain_points: "  "\n',
        ["answers.yaml:4", "pain_points", "blank", "unknown"],
    ),
    "blank_name": ('project:\n  name: "\\x85"\n', ["answers.yaml:2", "project.name", "blank"]),
    "yaml_bomb": (BOMB + "\n", ["alias"]),
    "non_mapping": ("- project\n- name\n", ["answers.yaml:1", "mapping"]),
    "scalar_top_level": ("hello\n", ["mapping"]),
}


@pytest.fixture(scope="module")
def previous_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output of one real run, copied into each test's output directory."""
    out = tmp_path_factory.mktemp("previous") / "out"
    good = out.parent / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    assert main(["run", "--answers", str(good), "--out", str(out), "--format", "md,json"]) == 0
    return out


@pytest.fixture
def out(tmp_path: Path, previous_run: Path) -> Path:
    """An output directory holding a previous run's files."""
    import shutil

    return Path(shutil.copytree(previous_run, tmp_path / "out"))


def _refused(argv: list[str], out: Path, capsys: pytest.CaptureFixture[str]) -> str:
    before = listing(out)
    assert main(argv) == 2
    assert listing(out) == before
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_answers_exit_2_naming_file_line_and_field(
    case: str, tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, expected = CASES[case]
    answers = tmp_path / "answers.yaml"
    answers.write_text(text, encoding="utf-8")
    capsys.readouterr()
    err = _refused(["run", "--answers", str(answers), "--out", str(out)], out, capsys)
    for fragment in expected:
        assert fragment in err, (case, err)
    fresh = tmp_path / "never-created"
    assert main(["run", "--answers", str(answers), "--out", str(fresh)]) == 2
    assert not fresh.exists()


def test_missing_file(tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    err = _refused(["run", "--answers", str(tmp_path / "nope.yaml"), "--out", str(out)], out, capsys)
    assert "nope.yaml" in err


def test_unknown_format_lists_the_accepted_ones(
    tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    argv = [
        "run",
        "--answers",
        str(EXAMPLES / "bank_customer_service.yaml"),
        "--out",
        str(out),
        "--format",
        "md,odt",
    ]
    err = _refused(argv, out, capsys)
    assert "odt" in err and "md, docx, html, json" in err


def test_strict_turns_gaps_into_an_error(
    tmp_path: Path, out: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    argv = ["run", "--answers", str(EXAMPLES / "hospital_guideline_qa.yaml"), "--out", str(out), "--strict"]
    err = _refused(argv, out, capsys)
    assert "hospital_guideline_qa.yaml" in err and "requirements.budget_wan" in err


def test_out_path_that_is_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "file.txt"
    target.write_text("keep me", encoding="utf-8")
    argv = ["run", "--answers", str(EXAMPLES / "bank_customer_service.yaml"), "--out", str(target)]
    assert main(argv) == 2
    assert target.read_text(encoding="utf-8") == "keep me"


def test_hostile_project_name_stays_inside_the_output_directory(tmp_path: Path, coach_home: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text('project:\n  name: "../../etc/passwd CON:<>*"\n', encoding="utf-8")
    out = tmp_path / "deep" / "out"
    assert main(["run", "--answers", str(answers), "--out", str(out), "--format", "md,docx,html,json"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir() if p != coach_home) == ["answers.yaml", "deep"]
    assert [p.name for p in (tmp_path / "deep").iterdir()] == ["out"]
    for path in out.iterdir():
        assert path.is_file() and not any(ch in path.name for ch in ':*?"<>|\\')
