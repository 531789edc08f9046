"""No module of the application over 400 lines: split by responsibility before a file grows past it."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("agent", "knowledge", "prompts", "graphs", "tui", "cli")
MAX_LINES = 400


def test_no_module_is_over_400_lines() -> None:
    sizes = {
        path.relative_to(REPO).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for package in PACKAGES
        for path in (REPO / package).rglob("*.py")
    }
    assert len(sizes) > 100, "the packages were not found"
    too_long = {name: n for name, n in sorted(sizes.items()) if n > MAX_LINES}
    assert not too_long, f"modules over {MAX_LINES} lines: {too_long}"
