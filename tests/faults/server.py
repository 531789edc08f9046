"""A fault-injecting OpenAI-compatible HTTP server on loopback, for the endpoint fault tests.

Each `FaultServer` answers `POST /v1/chat/completions` (streamed or not) in one `mode`:

- `ok`            a valid reply (text, or a well-formed tool call when the request forces one)
- `refused`       nothing listens on the port (the server is never started)
- `timeout`       the reply is held back `delay_s` seconds, past the client's timeout
- `rate_limited`  HTTP 429 with `Retry-After`
- `server_error`  HTTP 500
- `truncated`     the connection closes in the middle of the body / the stream
- `bad_tool_call` a 200 reply whose tool call arguments are not valid JSON
- `empty_choices` a 200 reply with `"choices": []`
- `unauthorized`  HTTP 401 whose error message quotes the API key it received, as some endpoints do
- `unknown_model` HTTP 404 "model not found" (the model named is not served; /models lists MODEL)

It counts the requests it received, so tests can check that retries are bounded. It is bounded
itself: loopback only, request bodies capped, a held reply ends when the server stops.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal

Mode = Literal[
    "ok",
    "refused",
    "timeout",
    "rate_limited",
    "server_error",
    "truncated",
    "bad_tool_call",
    "empty_choices",
    "unauthorized",
    "unknown_model",
]
FAULT_MODES: tuple[Mode, ...] = (
    "refused",
    "timeout",
    "rate_limited",
    "server_error",
    "truncated",
    "bad_tool_call",
    "empty_choices",
)
MAX_BODY = 4 * 1024 * 1024
MODEL = "fault-model"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _completion(message: dict[str, Any], finish: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": MODEL,
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }


def _chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fault",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _forced_tool(request: dict[str, Any]) -> str | None:
    """The name of the tool the request asks for (forced or the only one offered), if any."""
    choice = request.get("tool_choice")
    if isinstance(choice, dict):
        return str(choice.get("function", {}).get("name", "")) or None
    tools = request.get("tools") or []
    if tools:
        return str(tools[0].get("function", {}).get("name", "")) or None
    return None


class FaultServer:
    """A context manager running the server in a daemon thread: `with FaultServer("server_error") as s:`."""

    def __init__(self, mode: Mode, *, delay_s: float = 5.0, retry_after_s: int = 1) -> None:
        self.mode = mode
        self.delay_s = delay_s
        self.retry_after_s = retry_after_s
        self.port = _free_port()
        self.requests: list[dict[str, Any]] = []
        """Bodies of the chat requests received, in order."""
        self.auth_headers: list[str] = []
        """The Authorization header of each request."""
        self.request_times: list[float] = []
        """When each chat request arrived (`time.monotonic()`), in order."""
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    def __enter__(self) -> FaultServer:
        if self.mode != "refused":
            self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler_class())
            self._httpd.daemon_threads = True
            # a short poll: `shutdown` waits for it (the default 0.5 s was most of a fault test)
            self._thread = threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            self._thread.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    # -- request handling -------------------------------------------------------------------
    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def do_GET(self) -> None:
                if server.mode == "unauthorized":
                    server._respond(self, {})
                elif self.path.rstrip("/").endswith("/models"):
                    self._json(200, {"object": "list", "data": [{"id": MODEL, "object": "model"}]})
                else:
                    self._json(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                length = min(int(self.headers.get("Content-Length") or 0), MAX_BODY)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    body = {}
                with server._lock:
                    server.requests.append(body)
                    server.auth_headers.append(self.headers.get("Authorization", ""))
                    server.request_times.append(time.monotonic())
                server._respond(self, body)

            def _json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def _respond(self, h: Any, body: dict[str, Any]) -> None:
        stream = bool(body.get("stream"))
        tool = _forced_tool(body)
        mode = self.mode
        if mode == "timeout":
            self._stopping.wait(self.delay_s)
            h.close_connection = True
            return
        if mode == "rate_limited":
            err = {"error": {"message": "Rate limit reached", "type": "rate_limit_exceeded"}}
            h._json(429, err, {"Retry-After": str(self.retry_after_s)})
            return
        if mode == "unauthorized":
            key = str(h.headers.get("Authorization", "")).removeprefix("Bearer ")
            msg = f"Incorrect API key provided: {key}. You can find your API key in your account."
            h._json(
                401, {"error": {"message": msg, "type": "invalid_request_error", "code": "invalid_api_key"}}
            )
            return
        if mode == "unknown_model":
            err = {"message": f"The model `{body.get('model')}` does not exist", "code": "model_not_found"}
            h._json(404, {"error": {**err, "type": "invalid_request_error"}})
            return
        if mode == "server_error":
            h._json(500, {"error": {"message": "internal error", "type": "server_error"}})
            return
        if mode == "empty_choices":
            payload = _completion({"role": "assistant", "content": ""}, "stop")
            payload["choices"] = []
            if stream:
                self._sse(h, [{**_chunk({}), "choices": []}], done=True)
            else:
                h._json(200, payload)
            return
        if mode == "truncated":
            self._truncated(h, stream)
            return
        args = '{"value": "12", "confidence": ' if mode == "bad_tool_call" else '{"value": "12"}'
        if tool and (mode == "bad_tool_call" or mode == "ok"):
            call: dict[str, Any] = {
                "id": "call_1",
                "type": "function",
                "function": {"name": tool, "arguments": args},
            }
            if stream:
                delta = {"role": "assistant", "tool_calls": [{"index": 0, **call}]}
                self._sse(h, [_chunk(delta), _chunk({}, "tool_calls")], done=True)
            else:
                reply: dict[str, Any] = {"role": "assistant", "content": None, "tool_calls": [call]}
                h._json(200, _completion(reply, "tool_calls"))
            return
        text = '{"value": ' if mode == "bad_tool_call" else "Understood. 明白了。"
        if stream:
            chunks = [_chunk({"role": "assistant", "content": ""})]
            chunks += [_chunk({"content": part}) for part in (text[:5], text[5:])]
            self._sse(h, [*chunks, _chunk({}, "stop")], done=True)
        else:
            h._json(200, _completion({"role": "assistant", "content": text}, "stop"))

    @staticmethod
    def _sse(h: Any, chunks: list[dict[str, Any]], *, done: bool) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.send_header("Connection", "close")
        h.end_headers()
        for c in chunks:
            h.wfile.write(f"data: {json.dumps(c)}\n\n".encode())
            h.wfile.flush()
        if done:
            h.wfile.write(b"data: [DONE]\n\n")
        h.close_connection = True

    @staticmethod
    def _truncated(h: Any, stream: bool) -> None:
        """Promise more than is sent, then drop the connection mid-body / mid-stream."""
        h.close_connection = True
        if stream:
            h.send_response(200)
            h.send_header("Content-Type", "text/event-stream")
            h.send_header("Content-Length", "100000")
            h.end_headers()
            first = _chunk({"role": "assistant", "content": "Partial "})
            h.wfile.write(f"data: {json.dumps(first)}\n\n".encode())
            h.wfile.write(b'data: {"id": "chatcmpl-fault", "choi')
        else:
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", "100000")
            h.end_headers()
            h.wfile.write(b'{"id": "chatcmpl-fault", "object": "chat.completion", "choi')
        h.wfile.flush()
        with contextlib.suppress(OSError):
            h.connection.shutdown(socket.SHUT_RDWR)
