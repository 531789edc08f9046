"""The regulatory applicability set (`make eval`): every case passes, and the set covers what the
issue asks for — public vs internal, with and without EU users, each sensitive data class."""

from __future__ import annotations

import yaml

from eval.run_regulatory import CASES, main, run


def test_every_applicability_case_passes() -> None:
    failed = [(r.name, r.problems) for r in run() if not r.passed]
    assert failed == []


def test_the_set_covers_audiences_eu_and_every_data_class() -> None:
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    assert len(cases) >= 12
    typed = " ".join(" ".join(str(v) for v in c["answers"].values()) for c in cases)
    for word in ("内部员工", "境内公众", "企业客户", "欧盟"):
        assert word in typed, word
    classes = {c["answers"].get("dat.sensitive_classes") for c in cases}
    for cls in ("医疗健康", "金融账户", "未成年人", "人脸", "行踪轨迹", "宗教信仰或特定身份", "都没有"):
        assert cls in classes, cls
    # precision cases: internal projects expect no obligation at all
    internal = [c for c in cases if c["answers"].get("req.target_users") == "内部员工"]
    assert any(not c["applies"] for c in internal)


def test_the_script_prints_a_pass_rate(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "cases pass (100%)" in out and "precision 1.00, recall 1.00" in out
