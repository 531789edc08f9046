"""The one place a chat model is created, and the bounded, counted, fail-soft calls made to it.

`make_chat_model(settings)` builds a `ChatOpenAI` for any OpenAI-compatible endpoint (or returns
None: guided mode). `ModelHelper` wraps a model for one session turn: structured extraction,
grounded answers with [n] citations, narrative drafting. Every call is retried a bounded number
of times with back-off (honouring `Retry-After`), counted into `Usage`, refused past the token
budget, and never raises: a failure returns None and leaves a one-line `notice` so the graph can
keep the answer and fall back to guided behaviour for that turn. The API key is scrubbed from
every message that could reach a user, a log or a checkpoint.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field, ValidationError, create_model

from agent import citemarks, figures
from agent.config import Settings
from agent.drafts import unusable_reason
from agent.snapshot import ProjectSnapshot, Usage
from agent.types import STAGES, Citation, Lang, Passage, Stage
from prompts.fit import (
    REPLY_TOKENS,
    clip,
    clip_value,
    fit_tokens,
    joined,
    prompt_budget,
    scaled,
    trim_passages,
)

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

PLACEHOLDER_KEY = "sk-no-key-required"
"""Sent to local servers (vLLM, Ollama, llama.cpp) that need no key; the client insists on one."""
MAX_OUTPUT_TOKENS = REPLY_TOKENS
"""Cap on one reply: an extraction, an answer or a paragraph never needs more, and a small local
model that rambles would otherwise hold the turn (and the budget) for minutes."""
BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 4.0
"""Longest single wait between retries, even when the server asks for more: fall back quickly."""
LANGUAGE_NAMES: dict[str, str] = {"zh": "Simplified Chinese (简体中文)", "en": "English"}
_KEY_LIKE = re.compile(r"\b(sk|key|token)-[A-Za-z0-9_\-*]{6,}", re.IGNORECASE)


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    """A chat model for the configured endpoint, or None when no endpoint is configured (guided mode).

    `max_retries=0`: retries are ours (`ModelHelper`), bounded and visible in `Usage.failures`.
    """
    if not settings.llm_enabled:
        return None
    from langchain_openai import ChatOpenAI

    key = settings.api_key.get_secret_value() if settings.api_key else PLACEHOLDER_KEY
    kwargs: dict[str, Any] = {
        "model": settings.chat_model_name,
        "api_key": key,
        "timeout": settings.timeout_s,
        "max_retries": 0,
        "temperature": 0,
        "stream_usage": True,
    }
    if settings.base_url:
        kwargs["base_url"] = settings.base_url
    if settings.base_url and "api.openai.com" not in settings.base_url:
        # langchain-openai sends `max_tokens` as `max_completion_tokens`, which llama.cpp and older
        # vLLM / Ollama servers ignore (a tiny model then rambles for minutes): send the classic field.
        kwargs["extra_body"] = {"max_tokens": MAX_OUTPUT_TOKENS}
    else:
        kwargs["max_tokens"] = MAX_OUTPUT_TOKENS
    return ChatOpenAI(**kwargs)


def scrub(text: str, settings: Settings | None = None) -> str:
    """`text` with the configured API key (and anything shaped like a key) masked."""
    return _KEY_LIKE.sub(lambda m: m.group(1) + "-***", scrub_key(text, settings))


def scrub_key(text: str, settings: Settings | None) -> str:
    """`text` with the configured API key (only that) masked: safe for the user's own words."""
    if settings is not None and settings.api_key is not None:
        return mask_secret(text, settings.api_key.get_secret_value())
    return text


def mask_secret(text: str, secret: str | None) -> str:
    """`text` with `secret` masked, and anything else shaped like a key."""
    if secret:
        text = text.replace(secret, "***")
    return _KEY_LIKE.sub(lambda m: m.group(1) + "-***", text)


def estimate_tokens(text: str) -> int:
    """Rough token count when the endpoint reports none: ~1 per CJK character, ~1 per 4 other chars."""
    cjk = sum(1 for ch in text if "\u3400" <= ch <= "\u9fff")
    return max(1, cjk + (len(text) - cjk) // 4)


class ModelFailure(Exception):
    """A model call that failed after its retries (internal; never leaves this module)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status

    @property
    def context_overflow(self) -> bool:
        """The server refused a prompt longer than its context (llama.cpp, vLLM, Ollama wording)."""
        return self.status in (400, 413, 422) and bool(_OVERFLOW.search(str(self)))

    @property
    def tools_unsupported(self) -> bool:
        """The endpoint refused the request itself (e.g. a server without tool calling)."""
        if self.context_overflow:
            return False
        return self.status in (400, 404, 422, 501) or "tool" in str(self).lower()


_OVERFLOW = re.compile(r"context|too long|too many tokens|exceed", re.IGNORECASE)


def _retry_after(exc: BaseException) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if not headers:
        return None
    value = headers.get("retry-after") or headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _retryable(exc: BaseException) -> bool:
    try:
        import openai
    except ImportError:  # pragma: no cover - openai ships with langchain-openai
        return isinstance(exc, ConnectionError | TimeoutError)
    if isinstance(exc, openai.APIConnectionError | openai.RateLimitError | openai.InternalServerError):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409, 429) or exc.status_code >= 500
    return isinstance(exc, ConnectionError | TimeoutError)


def _describe(exc: BaseException) -> str:
    status = getattr(exc, "status_code", None)
    kind = type(exc).__name__
    text = str(exc).splitlines()[0][:120] if str(exc) else ""
    return f"{kind} {status}: {text}" if status else f"{kind}: {text}"


class Extraction(BaseModel):
    """What the model understood from one answer (after validation against the profile)."""

    value: Any = None
    status: Literal["answered", "unknown"] = "answered"
    fields: dict[str, Any] = Field(default_factory=dict)
    """Other profile fields (dotted paths) the answer stated, validated."""
    understood: str = ""
    follow_up: str | None = None
    risk: str | None = None
    """A pitfall the model sees in the answer (becomes a finding marked as the model's)."""


@dataclass
class ModelHelper:
    """A chat model wrapped for the graph: bounded retries, usage counting, budget, fail-soft."""

    model: BaseChatModel
    settings: Settings
    usage: Usage = field(default_factory=Usage)
    sleep: Callable[[float], None] = time.sleep
    notice: str | None = None
    """One line for the user about the last failure (None when every call succeeded)."""
    drafts_discarded: int = 0
    """Narrative drafts the endpoint returned but `agent.drafts` found unusable."""

    # ---- plumbing ---------------------------------------------------------------------------
    @property
    def model_name(self) -> str:
        for attr in ("model_name", "model"):
            value = getattr(self.model, attr, None)
            if isinstance(value, str) and value:
                return value
        return self.settings.chat_model_name

    def budget_left(self) -> bool:
        """False once the session has spent its token budget (the coach stops calling the model)."""
        return self.usage.total_tokens < self.settings.token_budget

    def _fail(self, reason: str) -> None:
        self.usage.failures += 1
        self.notice = scrub(reason, self.settings)

    def _unavailable(self, exc: ModelFailure) -> None:
        if exc.context_overflow:
            self._fail(
                f"the prompt exceeds the server's context ({exc}); set context_tokens to the "
                f"server's context size (now {self.settings.context_tokens}) / 提示超出服务器上下文，"
                "请将 context_tokens 设为服务器的上下文大小"
            )
        else:
            self._fail(f"model unavailable ({exc}) / 模型不可用")

    # ---- prompt size ------------------------------------------------------------------------
    @property
    def prompt_budget(self) -> int:
        """Tokens (by `fit_tokens`) one request may take: the context minus room for the reply."""
        return prompt_budget(self.settings.context_tokens)

    def request_tokens(self, prompt: str, lang: Lang, schema: type[BaseModel] | None = None) -> int:
        """`fit_tokens` of everything a request puts in the context: system prompt, prompt, tool."""
        from prompts import render_prompt

        total = fit_tokens(render_prompt("system", language=LANGUAGE_NAMES[lang]) + "\n" + prompt)
        if schema is not None:
            total += _tool_tokens(schema)
        return total

    def extraction_tokens(
        self, prompt: str, lang: Lang, main_annotation: Any, other_fields: dict[str, Any]
    ) -> int:
        """`request_tokens` of an extraction, with the tool schema it would send."""
        return self.request_tokens(prompt, lang, _answer_schema(main_annotation, other_fields))

    def _count(self, message: Any, prompt_text: str) -> None:
        self.usage.calls += 1
        meta = getattr(message, "usage_metadata", None) or {}
        prompt = int(meta.get("input_tokens") or 0)
        completion = int(meta.get("output_tokens") or 0)
        if not prompt and not completion:
            prompt = estimate_tokens(prompt_text)
            completion = estimate_tokens(str(getattr(message, "content", "") or ""))
        self.usage.prompt_tokens += prompt
        self.usage.completion_tokens += completion

    def _call(self, runnable: Any, messages: list[Any], prompt_text: str) -> Any:
        """Invoke with bounded retries; raises ModelFailure (scrubbed) when all attempts fail."""
        if not self.budget_left():
            raise ModelFailure("token budget spent / 已用完令牌预算")
        attempts = max(0, self.settings.max_retries) + 1
        last: BaseException | None = None
        for attempt in range(attempts):
            try:
                result = runnable.invoke(messages)
            except Exception as exc:
                last = exc
                if attempt + 1 < attempts and _retryable(exc):
                    wait = _retry_after(exc)
                    backoff = BACKOFF_BASE_S * (2**attempt)
                    self.sleep(min(BACKOFF_CAP_S, wait if wait is not None else backoff))
                    continue
                break
            raw = result.get("raw") if isinstance(result, dict) else result
            self._count(raw, prompt_text)
            return result
        self.usage.calls += 1
        status = getattr(last, "status_code", None)
        raise ModelFailure(
            _describe(last) if last else "no reply", status=status if isinstance(status, int) else None
        )

    def _messages(self, lang: Lang, user: str) -> list[Any]:
        from langchain_core.messages import HumanMessage, SystemMessage

        from prompts import render_prompt

        system = render_prompt("system", language=LANGUAGE_NAMES[lang])
        return [SystemMessage(content=system), HumanMessage(content=user)]

    # ---- extraction -------------------------------------------------------------------------
    def extract(
        self,
        *,
        prompt: str,
        lang: Lang,
        main_field: str,
        main_annotation: Any,
        other_fields: dict[str, Any],
        validate: Callable[[str, Any], bool],
    ) -> Extraction | None:
        """Structured extraction of one answer; None (and `notice`) when the model fails or babbles.

        `prompt` is the filled `extract`/`follow_up` prompt; `other_fields` maps dotted paths to
        their profile annotations; `validate(path, value)` says whether a value fits the profile.
        """
        schema = _answer_schema(main_annotation, other_fields)
        messages = self._messages(lang, prompt)
        try:
            raw_obj = self._structured(schema, messages, prompt)
        except ModelFailure as exc:
            self._unavailable(exc)
            return None
        if raw_obj is None:
            self._fail("model reply unusable / 模型回复无法解析")
            return None
        try:
            parsed = schema.model_validate(raw_obj)
        except ValidationError:
            self._fail("model reply did not fit the question / 模型回复与问题不符")
            return None
        data = parsed.model_dump()
        value = data.pop("value", None)
        if value is not None and not validate(main_field, value):
            value = None
        extracted: dict[str, Any] = {}
        for name, path in _field_names(other_fields).items():
            v = data.get(name)
            if v is not None and v != [] and validate(path, v):
                extracted[path] = v
        follow = (data.get("follow_up") or "").strip() or None
        risk = (data.get("risk") or "").strip() or None
        return Extraction(
            risk=risk,
            value=value,
            status=data.get("answer_status") or "answered",
            fields=extracted,
            understood=str(data.get("understood") or "").strip(),
            follow_up=follow,
        )

    def _structured(self, schema: type[BaseModel], messages: list[Any], prompt: str) -> dict[str, Any] | None:
        """Function calling first; a model without tools or a reply without a tool call → JSON in text."""
        no_tools = _NO_TOOLS.get(id(self.model)) is self.model
        runnable = None if no_tools else _structured_runnable(self.model, schema)
        if runnable is not None:
            try:
                result = self._call(runnable, messages, prompt)
            except ModelFailure as exc:
                if not exc.tools_unsupported:
                    raise
                _NO_TOOLS[id(self.model)] = (
                    self.model
                )  # this endpoint can't call tools: JSON in text from now on
            else:
                raw = result.get("raw")
                for call in getattr(raw, "tool_calls", None) or []:
                    if isinstance(call.get("args"), dict):
                        return dict(call["args"])
                return _json_object(str(getattr(raw, "content", "") or ""))
        # no tool schema was sent: name the keys (and their types) in the text instead
        from langchain_core.messages import HumanMessage

        keys = _json_keys(schema)
        text_messages = [*messages[:-1], HumanMessage(content=f"{prompt}\n{keys}")]
        reply = self._call(self.model, text_messages, f"{prompt}\n{keys}")
        return _json_object(str(getattr(reply, "content", "") or ""))

    # ---- grounded answers and narratives --------------------------------------------------
    def answer(
        self, *, prompt: str, lang: Lang, passages: Sequence[Passage], on_token: Callable[[str], None] | None
    ) -> tuple[str, list[Citation]] | None:
        """A grounded answer streamed through `on_token`, and its citations: the streamed text's
        [n] markers (numbering `passages`, as the prompt did) renumbered so that [i] is the i-th
        citation, markers that refer to no passage dropped. None when the call failed or the text
        is unusable (`agent.drafts`): the caller answers from the passages instead."""
        messages = self._messages(lang, prompt)
        text = self._text(messages, prompt, on_token)
        if text is None:
            return None
        reason = unusable_reason(text, lang, check_script=False)
        if reason is not None:
            self._fail(f"answer discarded ({reason.en}) / 回答已弃用（{reason.zh}）")
            return None
        text = figures.mark_unsupported(text, [prompt], lang)  # a number the passages lack is the model's
        text, used = citemarks.renumber(text, passages)
        return text, [citation_for(p) for p in used]

    def draft(self, *, prompt: str, lang: Lang) -> str | None:
        """A drafted paragraph, or None on failure."""
        return self._text(self._messages(lang, prompt), prompt, None)

    def draft_narrative(
        self,
        section_id: str,
        snapshot: ProjectSnapshot,
        passages: Sequence[Passage],
        max_words: int = 120,
        stages: Sequence[Stage] = (),
    ) -> str | None:
        """One paragraph for `<deliverable>.<section>`, from the profile, findings and passages only.

        Only the section's inputs are sent (`narrative_prompt`), cut to the prompt budget. The
        paragraph's [n] markers number the passages of that prompt: they come back bound to the
        passages' ids (`citemarks.bind`), for the deliverable to number in its own source list;
        markers that refer to no passage sent are dropped. A draft unfit for a document (prompt
        echoed, wrong language, a loop: `agent.drafts`) is discarded: None, as for a failed call."""
        prompt, sent = narrative_prompt(
            section_id,
            snapshot,
            passages,
            max_words=max_words,
            stages=stages,
            context_tokens=self.settings.context_tokens,
            fits=lambda text: self.request_tokens(text, snapshot.lang) <= self.prompt_budget,
        )
        text = self.draft(prompt=prompt, lang=snapshot.lang)
        if text is None:
            return None
        reason = unusable_reason(text, snapshot.lang)
        if reason is not None:
            self.drafts_discarded += 1
            self._fail(f"draft discarded ({reason.en}) / 草稿已弃用（{reason.zh}）")
            return None
        text = figures.mark_unsupported(text, [prompt], snapshot.lang)  # numbers: passages' or answers' only
        return citemarks.bind(text, sent)

    def _text(self, messages: list[Any], prompt: str, on_token: Callable[[str], None] | None) -> str | None:
        try:
            if on_token is None:
                reply = self._call(self.model, messages, prompt)
                text = str(reply.content or "")
            else:
                text = self._stream(messages, prompt, on_token)
        except ModelFailure as exc:
            self._unavailable(exc)
            return None
        text = text.strip()
        if not text:
            self._fail("model returned an empty reply / 模型返回空回复")
            return None
        return text

    def _stream(self, messages: list[Any], prompt: str, on_token: Callable[[str], None]) -> str:
        """Stream tokens to `on_token`; retries only before the first token arrived."""
        if not self.budget_left():
            raise ModelFailure("token budget spent / 已用完令牌预算")
        attempts = max(0, self.settings.max_retries) + 1
        for attempt in range(attempts):
            parts: list[str] = []
            final: Any = None
            try:
                for chunk in self.model.stream(messages):
                    piece = chunk.content if isinstance(chunk.content, str) else ""
                    final = chunk if final is None else final + chunk
                    if piece:
                        parts.append(piece)
                        on_token(piece)
            except Exception as exc:
                if not parts and attempt + 1 < attempts and _retryable(exc):
                    wait = _retry_after(exc)
                    self.sleep(min(BACKOFF_CAP_S, wait if wait is not None else BACKOFF_BASE_S * 2**attempt))
                    continue
                self.usage.calls += 1
                raise ModelFailure(_describe(exc)) from None
            self._count(final, prompt)
            return "".join(parts)
        raise ModelFailure("no reply")  # pragma: no cover - loop always returns or raises


NARRATIVE_PASSAGES = 3
NARRATIVE_PASSAGE_TOKENS = 160
NARRATIVE_FINDINGS = 5
NARRATIVE_PROFILE_TOKENS = 700
NARRATIVE_VALUE_TOKENS = 60
"""Sizes of a narrative prompt's inputs at a 4,096-token context (scaled up for larger ones)."""


def narrative_prompt(
    section_id: str,
    snapshot: ProjectSnapshot,
    passages: Sequence[Passage],
    *,
    max_words: int = 120,
    stages: Sequence[Stage] = (),
    context_tokens: int = 4096,
    fits: Callable[[str], bool] = lambda _text: True,
) -> tuple[str, list[Passage]]:
    """The `draft_narrative` prompt for one section and the passages it numbers [1]…[n]: the
    project and the profile sections of its `stages` (every section when none given), their
    findings (the most severe first, plus any high-severity one), and at most a few passages
    trimmed to their most relevant sentences; everything halved until `fits(prompt)`."""
    from prompts import fence, fence_passages, render_prompt

    deliverable, _, section = section_id.partition(".")
    wanted = {"project", *(s.value for s in stages)}
    dumped = snapshot.profile.model_dump(mode="json", exclude_none=True)
    profile = {k: v for k, v in dumped.items() if not stages or k in wanted}
    severity = {"high": 0, "medium": 1, "low": 2}
    findings = sorted(
        (f for f in snapshot.findings if not stages or f.stage in stages or f.severity == "high"),
        key=lambda f: (severity.get(f.severity, 9), STAGES.index(f.stage)),
    )
    query = f"{section} {deliverable} " + joined(
        v for part in profile.values() if isinstance(part, dict) for v in part.values()
    )
    scale = 1.0
    prompt = ""
    sent: list[Passage] = []
    for _ in range(6):
        value_tokens = max(12, int(scaled(NARRATIVE_VALUE_TOKENS, context_tokens) * scale))
        compact = {
            part: {k: clip_value(v, value_tokens) for k, v in fields.items() if v not in ([], "")}
            for part, fields in profile.items()
            if isinstance(fields, dict)
        }
        profile_text = clip(
            json.dumps(compact, ensure_ascii=False),
            max(100, int(scaled(NARRATIVE_PROFILE_TOKENS, context_tokens) * scale)),
        )
        n_findings = max(1, int(scaled(NARRATIVE_FINDINGS, context_tokens) * scale))
        items = [
            {"title": f.title, "severity": f.severity, "advice": clip(f.advice, value_tokens * 2)}
            for f in findings[:n_findings]
        ]
        sent = trim_passages(
            passages,
            query,
            k=max(1, int(scaled(NARRATIVE_PASSAGES, context_tokens) * min(1.0, scale * 1.5))),
            tokens_each=max(40, int(scaled(NARRATIVE_PASSAGE_TOKENS, context_tokens) * scale)),
        )
        prompt = render_prompt(
            "draft_narrative",
            section=section,
            deliverable=deliverable,
            language=LANGUAGE_NAMES[snapshot.lang],
            max_words=max_words,
            profile=fence("profile", profile_text),
            findings=fence("findings", json.dumps(items, ensure_ascii=False)),
            passages=fence_passages(sent),
        )
        if fits(prompt):
            break
        scale /= 2
    return prompt, sent


def _json_keys(schema: type[BaseModel]) -> str:
    """One line naming the keys of `schema` with their JSON types (enums listed): what a model
    that gets no tool schema needs to reply with the right JSON object."""
    props = schema.model_json_schema().get("properties", {})
    parts = []
    for name, spec in props.items():
        options = [o for o in spec.get("anyOf", [spec]) if o.get("type") != "null"]
        kinds = []
        for o in options:
            if "enum" in o:
                kinds.append("|".join(json.dumps(v, ensure_ascii=False) for v in o["enum"]))
            elif o.get("type") == "array":
                item = o.get("items", {})
                kinds.append(f"[{'|'.join(item['enum']) if 'enum' in item else item.get('type', 'any')}]")
            else:
                kinds.append(str(o.get("type", "any")))
        parts.append(f"{name}: {' or '.join(kinds) or 'any'}")
    return "JSON keys (null when not stated): " + "; ".join(parts)


def _tool_tokens(schema: type[BaseModel]) -> int:
    """`fit_tokens` of the tool definition sent for `schema` (cached per schema)."""
    cached = _TOOL_TOKENS.get(schema)
    if cached is None:
        from langchain_core.utils.function_calling import convert_to_openai_tool

        cached = fit_tokens("\n" + json.dumps([convert_to_openai_tool(schema)], ensure_ascii=False))
        _TOOL_TOKENS[schema] = cached
    return cached


_TOOL_TOKENS: dict[type[BaseModel], int] = {}
_RUNNABLES: dict[tuple[int, type[BaseModel]], tuple[Any, Any]] = {}
_SCHEMAS: dict[tuple[str, tuple[tuple[str, str], ...]], type[BaseModel]] = {}
_NO_TOOLS: dict[int, Any] = {}
"""Models (by id) whose endpoint rejected tool calling: extraction asks for JSON in the text."""


def _structured_runnable(model: Any, schema: type[BaseModel]) -> Any:
    """`model.with_structured_output(schema)` (function calling), built once per model and schema;
    None when the model cannot call tools."""
    key = (id(model), schema)
    cached = _RUNNABLES.get(key)
    if cached is not None and cached[0] is model:
        return cached[1]
    runnable: Any = None
    for kwargs in ({"method": "function_calling"}, {}):
        try:
            runnable = model.with_structured_output(schema, include_raw=True, **kwargs)
            break
        except (NotImplementedError, AttributeError, TypeError, ValueError):
            continue
    _RUNNABLES[key] = (model, runnable)
    return runnable


def _field_names(other_fields: dict[str, Any]) -> dict[str, str]:
    return {path.replace(".", "__"): path for path in other_fields}


def _answer_schema(main_annotation: Any, other_fields: dict[str, Any]) -> type[BaseModel]:
    """The tool the model fills: the question's value, other stated fields, status, confirmation."""
    key = (repr(main_annotation), tuple((p, repr(a)) for p, a in other_fields.items()))
    if key not in _SCHEMAS:
        _SCHEMAS[key] = _build_schema(main_annotation, other_fields)
    return _SCHEMAS[key]


def _build_schema(main_annotation: Any, other_fields: dict[str, Any]) -> type[BaseModel]:
    defs: dict[str, Any] = {
        "value": (main_annotation | None, Field(default=None, description="answer to the question")),
        "answer_status": (Literal["answered", "unknown"], "answered"),
        "understood": (str, Field(default="", description="one-sentence confirmation")),
        "follow_up": (str | None, Field(default=None, description="at most one follow-up question")),
        "risk": (str | None, Field(default=None, description="a pitfall the answer reveals, or null")),
    }
    for name, path in _field_names(other_fields).items():
        defs[name] = (other_fields[path] | None, Field(default=None, description=f"profile field {path}"))
    model: type[BaseModel] = create_model("record_answer", **defs)
    model.__doc__ = "Record what the user's answer says about the project."
    return model


def _json_object(text: str) -> dict[str, Any] | None:
    """The first JSON object in `text` (fenced or bare), or None."""
    text = text.strip()
    if text.startswith("```"):
        text = text.strip("`")
        text = text.split("\n", 1)[1] if "\n" in text else text
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        obj = json.loads(text[start : end + 1])
    except json.JSONDecodeError:
        return None
    return obj if isinstance(obj, dict) else None


def citation_for(p: Passage, quote_chars: int = 80) -> Citation:
    """A citation to any passage (built-in or the user's), with a short quote."""
    quote = " ".join(p.text.split())
    if len(quote) > quote_chars:
        quote = quote[:quote_chars] + "…"
    return Citation(passage_id=p.id, source=p.source, section=p.section, title=p.title, quote=quote)
