"""Reading the project's own data files (question bank, rules, strings, the guidance pack…)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(path: Path) -> Any:
    """Parse a trusted YAML data file safely, with libyaml when available (several times faster
    than the pure-Python parser, same data)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
