"""What an earlier answer implies for another field, read from `knowledge/inferences.yaml`.

One fact is asked once: a model name gives its size, a private deployment says the data stays
inside, the techniques chosen give the development approach, one knowledge-base cadence gives the
other. `implied(profile, answered)` returns the values the answered fields imply for fields no
answer set; `agent.answers` puts them in the profile as inferred values (provenance `rule`), the
question view offers them for confirmation with the reason, and a value never shown keeps the
source `inferred`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator

from agent.datafiles import load_yaml
from agent.fieldtypes import field_spec
from agent.profile import Profile

INFERENCES_PATH = Path(__file__).resolve().parent.parent / "knowledge" / "inferences.yaml"

# "Qwen2.5-72B" → 72, "llama3-8b-instruct" → 8; "8x7B" (a mixture of experts) and "A100" are not sizes
_PARAMS_B = re.compile(r"(?<![\d.x×])(\d+(?:\.\d+)?)\s*[bB](?![a-zA-Z])")


class InferenceError(ValueError):
    """`knowledge/inferences.yaml` is inconsistent (the message names the rule)."""


class Inference(BaseModel):
    """One implication: the answer to `from_` implies a value for `to`."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str
    from_: str = ""
    to: str
    copy_: bool = False
    map: dict[str, Any] | None = None
    extract: Literal["billion_params"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _aliases(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            if "from" in data:
                data["from_"] = data.pop("from")
            if "copy" in data:
                data["copy_"] = data.pop("copy")
        return data

    def value_for(self, source: Any) -> Any:
        """The value `source` (the answer to `from_`) implies for `to`, or None."""
        if source is None or source == []:
            return None
        if self.copy_:
            return source
        if self.extract == "billion_params":
            return params_billion(str(source))
        assert self.map is not None
        table = {str(k).lower(): v for k, v in self.map.items()}
        if isinstance(source, list):
            mapped = [table[str(s).lower()] for s in source if str(s).lower() in table]
            if not mapped:
                return None
            if field_spec(self.to).kind in ("multi", "text_list"):
                return list(dict.fromkeys(mapped))
            return mapped[0] if len(set(map(str, mapped))) == 1 else None
        key = str(source).lower() if not isinstance(source, bool) else ("true" if source else "false")
        return table.get(key)


def params_billion(text: str) -> float | None:
    """The parameter count in billions a model name states ("Qwen2.5-72B" → 72.0); None when it
    states none or several different ones."""
    sizes = {float(m) for m in _PARAMS_B.findall(text)}
    return sizes.pop() if len(sizes) == 1 else None


@cache
def load_inferences(path: Path = INFERENCES_PATH) -> tuple[Inference, ...]:
    """The implications, validated against the profile's fields (cached)."""
    out: list[Inference] = []
    for item in load_yaml(path) or []:
        try:
            inf = Inference.model_validate(item)
            field_spec(inf.from_)
            field_spec(inf.to)
        except (ValueError, KeyError) as exc:
            raise InferenceError(f"{path.name}: inference {item.get('id', '?')}: {exc}") from None
        if sum([inf.copy_, inf.map is not None, inf.extract is not None]) != 1:
            raise InferenceError(f"{path.name}: inference {inf.id}: give exactly one of copy, map, extract")
        out.append(inf)
    return tuple(out)


@dataclass(frozen=True)
class Implied:
    """A value one answer implies for another field."""

    field: str
    value: Any
    rule: str
    source_field: str


def implied(profile: Profile, answered: Collection[str]) -> list[Implied]:
    """The values the `answered` fields imply for fields outside `answered` (first rule wins per
    field), each valid for its field."""
    out: dict[str, Implied] = {}
    for inf in load_inferences():
        if inf.from_ not in answered or inf.to in answered or inf.to in out:
            continue
        value = inf.value_for(profile.get(inf.from_))
        if value is None or not _fits(inf.to, value):
            continue
        out[inf.to] = Implied(inf.to, value, inf.id, inf.from_)
    return list(out.values())


def _fits(path: str, value: Any) -> bool:
    try:
        Profile().set(path, value)
    except (ValueError, TypeError, AttributeError):
        return False
    return True
