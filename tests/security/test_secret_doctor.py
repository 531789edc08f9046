"""`coach doctor` and configuration errors (seen through `coach kb list`) never show the API key, even when the endpoint echoes it."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from faults.server import FaultServer

from cli.main import main

from .secrets import API_KEY, leaking_files, leaks

pytestmark = pytest.mark.allow_model_calls


def test_doctor_output_never_shows_the_key_even_when_the_endpoint_echoes_it(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    coach_home: Path,
) -> None:
    """The endpoint answers 401 quoting the key (as some gateways do): chat and embedding checks fail."""
    caplog.set_level(logging.DEBUG)
    with FaultServer("unauthorized") as server:
        monkeypatch.setenv("OPENAI_API_KEY", API_KEY)
        monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
        monkeypatch.setenv("COACH_MODEL", "fault-model")
        # an endpoint embedder too, so the embedding and store checks talk to the same endpoint
        monkeypatch.setenv("COACH_EMBEDDING_MODEL", "text-embedding-fault")
        code = main(["doctor"])
        assert server.request_count >= 1, "doctor should have called the endpoint"
        assert any(API_KEY in h for h in server.auth_headers), "the key was sent (where it belongs)"
    out = capsys.readouterr()
    assert code == 1, "a rejected key is a failed check"
    assert "✗" in out.out
    assert leaks(out.out) == [], f"doctor printed the key:\n{out.out}"
    assert leaks(out.err) == [], f"doctor printed the key on stderr:\n{out.err}"
    assert leaks(caplog.text) == [], "the key reached the logs"
    assert leaking_files(coach_home) == {}


def test_a_config_file_with_the_key_and_a_bad_value_does_not_echo_the_key(
    coach_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    coach_home.mkdir(parents=True, exist_ok=True)
    (coach_home / "config.toml").write_text(
        f'api_key = "{API_KEY}"\ntimeout_s = "{API_KEY}"\n', encoding="utf-8"
    )
    code = main(["kb", "list"])
    out = capsys.readouterr()
    assert code == 2
    assert "timeout_s" in out.out + out.err, "the error names the bad setting"
    assert leaks(out.out + out.err) == []


def test_an_unparsable_config_file_holding_the_key_does_not_echo_it(
    coach_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    coach_home.mkdir(parents=True, exist_ok=True)
    (coach_home / "config.toml").write_text(f'api_key = "{API_KEY}\n', encoding="utf-8")  # unclosed
    code = main(["kb", "list"])
    out = capsys.readouterr()
    assert code == 2
    assert "config.toml" in out.out + out.err
    assert leaks(out.out + out.err) == []
