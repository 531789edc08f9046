"""The bounded, counted, fail-soft calls made to a chat model (`ModelHelper`).

`ModelHelper` wraps a model (`agent.llm.make_chat_model`, or a fake in tests) for one session turn:
structured extraction, grounded answers with [n] citations, narrative drafting. Every call, streamed or
not, is retried a bounded number of times by tenacity with back-off honouring `Retry-After`
(`ModelHelper._retrying`), counted into `Usage`, refused past the token budget, and never raises: a
failure returns None and leaves a one-line `notice` so the graph can keep the answer and fall back to
guided behaviour for that turn. The API key is scrubbed from every notice (`agent.scrub`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError
from tenacity import Retrying, retry_if_exception, stop_after_attempt

from agent import citemarks, figures
from agent.citemarks import citation_for
from agent.config import Settings
from agent.drafts import unusable_reason
from agent.extraction import Extraction
from agent.scrub import scrub
from agent.snapshot import ProjectSnapshot, Usage
from agent.tokens import estimate_tokens
from agent.types import Citation, Lang, Passage, Stage
from graphs.breaker import CircuitBreaker
from graphs.model_failures import ModelFailure, describe, plain_reason, retryable, wait_before_retry
from prompts import system_prompt
from prompts.extraction import answer_schema, field_names, json_keys, tool_tokens
from prompts.fit import fit_tokens, prompt_budget
from prompts.narrative import narrative_prompt

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel


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
    breaker: CircuitBreaker | None = None
    """The session's (or run's) circuit breaker; None: every call is tried."""
    lang: Lang = "zh"
    """Language of the notices."""

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
        if exc.paused:
            # the breaker refused the call: said once per opening, then silent fallbacks
            told = self.breaker.announce(self.lang) if self.breaker is not None else None
            if told is not None:
                self._fail(told)
            return
        if exc.context_overflow:
            self._fail(
                f"the prompt exceeds the server's context ({exc}); set context_tokens to the "
                f"server's context size (now {self.settings.context_tokens}) / 提示超出服务器上下文，"
                "请将 context_tokens 设为服务器的上下文大小"
            )
        else:
            self._fail(plain_reason(exc, self.lang, self.settings.timeout_s))

    # ---- prompt size ------------------------------------------------------------------------
    @property
    def prompt_budget(self) -> int:
        """Tokens (by `fit_tokens`) one request may take: the context minus room for the reply."""
        return prompt_budget(self.settings.context_tokens)

    def request_tokens(self, prompt: str, lang: Lang, schema: type[BaseModel] | None = None) -> int:
        """`fit_tokens` of everything a request puts in the context: system prompt, prompt, tool."""
        total = fit_tokens(system_prompt(lang) + "\n" + prompt)
        if schema is not None:
            total += tool_tokens(schema)
        return total

    def extraction_tokens(
        self, prompt: str, lang: Lang, main_annotation: Any, other_fields: dict[str, Any]
    ) -> int:
        """`request_tokens` of an extraction, with the tool schema it would send."""
        return self.request_tokens(prompt, lang, answer_schema(main_annotation, other_fields))

    def _count(self, message: Any, sent: list[Any]) -> None:
        """Count a call: the server's usage, else an estimate of every message sent (the system
        prompt included) and of the reply."""
        self.usage.calls += 1
        meta = getattr(message, "usage_metadata", None) or {}
        prompt = int(meta.get("input_tokens") or 0)
        completion = int(meta.get("output_tokens") or 0)
        if not prompt and not completion:
            prompt = estimate_tokens("\n".join(str(m.content) for m in sent))
            completion = estimate_tokens(str(getattr(message, "content", "") or ""))
        self.usage.prompt_tokens += prompt
        self.usage.completion_tokens += completion

    def _retrying(self, retry_while: Callable[[], bool] = lambda: True) -> Retrying:
        """Tenacity's loop for one call: `max_retries` more attempts after a transient error (while
        `retry_while()`), waiting what the server asked (`Retry-After`) or an exponential back-off, at
        most `BACKOFF_CAP_S`; the last error is re-raised."""
        breaker = self.breaker
        return Retrying(
            stop=stop_after_attempt(max(0, self.settings.max_retries) + 1),
            retry=retry_if_exception(
                lambda exc: (
                    retry_while() and retryable(exc) and (breaker is None or breaker.blocked() is None)
                )
            ),
            wait=wait_before_retry,
            sleep=self.sleep,
            reraise=True,
        )

    def _attempt(self, call: Callable[[], Any]) -> Any:
        """One attempt, told to the breaker (success closes it, failures in a row open it)."""
        breaker = self.breaker
        if breaker is None:
            return call()
        breaker.begin()
        try:
            result = call()
        except Exception:
            breaker.failure()
            raise
        breaker.success()
        return result

    def _guard(self) -> None:
        """Refuse a call past the token budget or while the breaker is open (or past its deadline)."""
        if not self.budget_left():
            raise ModelFailure("token budget spent / 已用完令牌预算", kind="budget")
        if self.breaker is not None and self.breaker.blocked() is not None:
            raise ModelFailure("paused", paused=True)

    def _call(self, runnable: Any, messages: list[Any]) -> Any:
        """Invoke with bounded retries; raises ModelFailure (scrubbed) when all attempts fail."""
        self._guard()
        try:
            result = self._retrying()(self._attempt, lambda: runnable.invoke(messages))
        except Exception as exc:
            self.usage.calls += 1
            raise ModelFailure.of(exc, describe(exc, self.settings), self.settings) from None
        raw = result.get("raw") if isinstance(result, dict) else result
        self._count(raw, messages)
        return result

    def _messages(self, lang: Lang, user: str) -> list[Any]:
        from langchain_core.messages import HumanMessage, SystemMessage

        return [SystemMessage(content=system_prompt(lang)), HumanMessage(content=user)]

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
        schema = answer_schema(main_annotation, other_fields)
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
        for name, path in field_names(other_fields).items():
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
                result = self._call(runnable, messages)
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

        keys = json_keys(schema)
        text_messages = [*messages[:-1], HumanMessage(content=f"{prompt}\n{keys}")]
        reply = self._call(self.model, text_messages)
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
        text = self._text(messages, on_token)
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
        return self._text(self._messages(lang, prompt), None)

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

    def _text(self, messages: list[Any], on_token: Callable[[str], None] | None) -> str | None:
        try:
            if on_token is None:
                reply = self._call(self.model, messages)
                text = str(reply.content or "")
            else:
                text = self._stream(messages, on_token)
        except ModelFailure as exc:
            self._unavailable(exc)
            return None
        text = text.strip()
        if not text:
            self._fail("model returned an empty reply / 模型返回空回复")
            return None
        return text

    def _stream(self, messages: list[Any], on_token: Callable[[str], None]) -> str:
        """Stream tokens to `on_token`; retried (as any call) only before the first token arrived."""
        self._guard()
        parts: list[str] = []

        def attempt() -> Any:
            final: Any = None
            for chunk in self.model.stream(messages):
                piece = chunk.content if isinstance(chunk.content, str) else ""
                final = chunk if final is None else final + chunk
                if piece:
                    parts.append(piece)
                    on_token(piece)
            return final

        try:
            final = self._retrying(retry_while=lambda: not parts)(self._attempt, attempt)
        except Exception as exc:
            self.usage.calls += 1
            raise ModelFailure.of(exc, describe(exc, self.settings), self.settings) from None
        self._count(final, messages)
        return "".join(parts)


_RUNNABLES: dict[tuple[int, type[BaseModel]], tuple[Any, Any]] = {}
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


def _json_object(text: str) -> dict[str, Any] | None:
    """The JSON object in `text`, from its first `{` to its last `}` (bare, amid prose, or fenced:
    the fence's backticks and language tag lie outside the braces, so nothing is stripped first; an
    object opened on the fence's own line is read too), or None."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end <= start:
        return None
    try:
        obj = json.loads(text[start : end + 1])
    except json.JSONDecodeError:
        return None
    return obj if isinstance(obj, dict) else None
