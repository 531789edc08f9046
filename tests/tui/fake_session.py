"""An in-memory stand-in for `graphs.session`, with the same methods, for fast Pilot tests.

Five questions of every type, one pitfall rule, the engine's command table (/back /skip /revise
/stage /ask, the front-end ones as actions), user questions, streamed tokens, an optional delay per
turn and an optional failing "model". Like the engine, it reads options from what the user typed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from agent.config import Settings
from agent.errors import InputError, ModelError
from agent.interview.commands import parse_command
from agent.snapshot import AnswerRecord, CoachMessage, ExitCriterion, ProjectSnapshot, QuestionView, Turn
from agent.types import Citation, Evidence, Finding, Passage, Stage

_Q = tuple[str, Stage, str, str, list[tuple[str, str]]]
QUESTIONS: list[_Q] = [
    (
        "req.target_users",
        Stage.requirements,
        "choice",
        "谁会使用这个系统？",
        [("internal", "内部员工"), ("external", "外部客户"), ("both", "两者都有")],
    ),
    (
        "req.techniques",
        Stage.requirements,
        "multi",
        "计划采用哪些技术？",
        [("rag", "检索增强（RAG）"), ("agent", "智能体"), ("fine_tuning", "微调")],
    ),
    ("req.budget", Stage.requirements, "number", "预算（万元）是多少？", []),
    (
        "sel.deployment",
        Stage.selection,
        "choice",
        "部署方式？",
        [("private", "私有化部署"), ("public_cloud", "公有云"), ("hybrid", "混合部署")],
    ),
    ("data.personal", Stage.data, "yesno", "是否涉及个人或敏感数据？", [("yes", "是"), ("no", "否")]),
    ("data.notes", Stage.data, "text", "请描述数据来源。", []),
]

PASSAGE = Passage(
    id="pitfall.privacy",
    text="金融、医疗等敏感数据应优先私有化部署并结合 RAG。",
    title="数据安全与隐私合规",
    source="003_829d98c82b09c91c.txt",
    section="陷阱一",
    kind="pitfall",
)
CITATION = Citation(
    passage_id=PASSAGE.id,
    source=PASSAGE.source,
    section=PASSAGE.section,
    title=PASSAGE.title,
    quote="敏感数据应优先私有化部署",
)

STORE: dict[str, dict[str, Any]] = {}
"""Projects by name, shared across fake sessions (the fake's 'database')."""


@dataclass
class FakeSession:
    name: str
    lang: str = "zh"
    delay: float = 0.0
    fail: bool = False
    tokens: Sequence[str] = ()
    state: dict[str, Any] = field(default_factory=dict)
    closed: bool = False

    def _question(self) -> QuestionView | None:
        pos = self.state["pos"]
        if pos >= len(QUESTIONS):
            return None
        qid, stage, qtype, text, options = QUESTIONS[pos]
        in_stage = [q for q in QUESTIONS if q[1] == stage]
        index = [q[0] for q in in_stage].index(qid) + 1
        return QuestionView(
            id=qid,
            stage=stage,
            text=text,
            help="",
            type=qtype,  # type: ignore[arg-type]
            options=options,
            index=index,
            total=len(in_stage),
        )

    def _turn(self, messages: list[CoachMessage], notice: str | None = None, **extra: Any) -> Turn:
        q = self._question()
        stage = q.stage if q else Stage.operations
        return Turn(
            messages=messages,
            question=q,
            stage=stage,
            done=q is None,
            notice=notice,
            snapshot=self.snapshot(),
            **extra,
        )

    def current(self) -> Turn:
        """The question waiting for an answer."""
        return self._turn([])

    def transcript(self) -> list[CoachMessage]:
        """The conversation so far, as the engine keeps it."""
        return list(self.state.setdefault("transcript", []))

    def send(self, text: str, *, on_token: Callable[[str], None] | None = None) -> Turn:
        """Interpret an answer or a command, like the engine; the transcript keeps the question
        answered, the input and the reply."""
        q = self._question()
        turn = self._send(text, on_token)
        shown = text.strip()
        if q is not None and q.options and parse_command(shown) is None:
            picked = self._options(q, shown)
            if picked is not None:
                shown = "、".join(label for _, label in picked)
        said = [CoachMessage(kind="user", text=shown)]
        if q is not None and parse_command(text) is None:
            said.insert(0, CoachMessage(kind="question", text=q.text))
        self.state.setdefault("transcript", []).extend([*said, *turn.messages])
        return turn.model_copy(update={"said": shown})

    @staticmethod
    def _options(q: QuestionView, text: str) -> list[tuple[str, str]] | None:
        """The options `text` picks by number or value ("2", "1,3", "rag"), or None."""
        parts = [p for p in re.split(r"[,，、\s]+", text) if p]
        out = []
        for p in parts:
            if p.isdigit() and 1 <= int(p) <= len(q.options):
                out.append(q.options[int(p) - 1])
            elif p in dict(q.options):
                out.append((p, dict(q.options)[p]))
            else:
                return None
        return out or None

    def _send(self, text: str, on_token: Callable[[str], None] | None) -> Turn:
        self.state["log"].append(text)
        text = text.strip()
        if self.delay:
            time.sleep(self.delay)
        if parse_command(text) is not None:
            return self._command(text, on_token)
        if text.endswith(("?", "？")):
            return self._answer(on_token)
        q = self._question()
        if q is None:
            return self._turn([CoachMessage(kind="notice", text="访谈已完成。")])
        value: Any = text
        picked = self._options(q, text) if q.options else None
        # like the engine, an answer it cannot read is refused in the turn and the question stays
        if q.type in ("choice", "yesno"):
            if picked is None or len(picked) != 1:
                return self._refused(f"“{text}”不是可选项 / not an option")
            value = picked[0][0]
        elif q.type == "multi":
            if not picked:
                return self._refused(f"“{text}”不是可选项 / not an option")
            value = [v for v, _ in picked]
        elif q.type == "number":
            try:
                value = float(text)
            except ValueError:
                return self._refused(f"“{text}”不是数字 / not a number")
        return self._record(q, text, value)

    def _refused(self, why: str) -> Turn:
        return self._turn([CoachMessage(kind="error", text=why)])

    def _answer(self, on_token: Callable[[str], None] | None) -> Turn:
        """A user question: a cited answer, streamed."""
        if self.fail:
            raise ModelError("endpoint unreachable: connection refused", hint="check OPENAI_BASE_URL")
        for tok in self.tokens:
            if on_token:
                on_token(tok)
            if self.delay:
                time.sleep(self.delay / max(1, len(self.tokens)))
        body = "".join(self.tokens) or "RAG 是检索增强生成。"
        return self._turn([CoachMessage(kind="answer", text=body, citations=[CITATION])])

    def _record(self, q: QuestionView, text: str, value: Any) -> Turn:
        self.state["answers"][q.id] = AnswerRecord(
            question_id=q.id, stage=q.stage, field=q.id, raw=text, value=value
        )
        self.state["pos"] += 1
        notice = None
        if self.fail:
            notice = "模型不可用，本轮使用引导模式 / model unavailable, guided mode for this turn"
        messages = [CoachMessage(kind="echo", text=f"已记录：{value}")]
        if self._finding() and q.id in ("sel.deployment", "data.personal"):
            messages.append(CoachMessage(kind="finding", text="⚠ 敏感数据使用公有云", citations=[CITATION]))
        return self._turn(messages, notice)

    def _command(self, text: str, on_token: Callable[[str], None] | None) -> Turn:
        parsed = parse_command(text)
        assert parsed is not None
        spec, arg = parsed.spec, parsed.arg
        ids = [q[0] for q in QUESTIONS]
        if spec is None:
            return self._turn([CoachMessage(kind="error", text=f"未知命令 /{parsed.word}")])
        if spec.scope == "front":
            return self._turn([], action=spec.name)
        if spec.name == "ask":
            return self._answer(on_token)
        if spec.name == "back":
            self.state["pos"] = max(0, self.state["pos"] - 1)
        elif spec.name == "skip":
            self.state["pos"] += 1
        elif spec.name == "revise" and arg in ids:
            self.state["pos"] = ids.index(arg)
        elif spec.name == "stage":
            stage = Stage(arg)
            self.state["pos"] = next(i for i, q in enumerate(QUESTIONS) if q[1] == stage)
        else:
            raise InputError(f"bad command {text}", hint="/help")
        return self._turn([CoachMessage(kind="notice", text=f"/{spec.name} ok")])

    def _finding(self) -> Finding | None:
        answers = self.state["answers"]
        dep = answers.get("sel.deployment")
        personal = answers.get("data.personal")
        if dep and personal and dep.value == "public_cloud" and personal.value == "yes":
            return Finding(
                id="privacy-public-cloud",
                title="敏感数据使用公有云部署",
                severity="high",
                stage=Stage.selection,
                advice="改为私有化部署，结合 RAG。",
                citations=[CITATION],
                evidence=[
                    Evidence(question_id="sel.deployment", field="selection.deployment", value="public_cloud")
                ],
            )
        return None

    def snapshot(self) -> ProjectSnapshot:
        """The project as it stands."""
        answers = self.state["answers"]
        readiness = {s: 0 for s in Stage}
        for s in Stage:
            qs = [q for q in QUESTIONS if q[1] == s]
            if qs:
                readiness[s] = round(100 * sum(q[0] in answers for q in qs) / len(qs))
        finding = self._finding()
        q = self._question()
        return ProjectSnapshot(
            name=self.name,
            lang=self.lang,  # type: ignore[arg-type]
            mode="llm" if self.fail else "guided",
            model_name="fake-model" if self.fail else None,
            answers=dict(answers),
            findings=[finding] if finding else [],
            readiness=readiness,
            exit_criteria={Stage.requirements: [ExitCriterion(id="goal", text="目标可度量", met=False)]},
            passages={PASSAGE.id: PASSAGE},
            current_stage=q.stage if q else Stage.operations,
            done=q is None,
            updated_at=datetime.now(UTC),
        )

    def mark_exported(self) -> None:
        """Nothing is stale in the fake."""

    def close(self) -> None:
        self.closed = True


@dataclass
class FakeFactory:
    """Stands in for `tui.backend.EngineFactory`."""

    delay: float = 0.0
    fail: bool = False
    tokens: Sequence[str] = ()
    opened: list[FakeSession] = field(default_factory=list)
    exports: list[Path] = field(default_factory=list)

    def open(
        self,
        name: str,
        *,
        lang: str,
        sector: str | None,
        settings: Settings | None,
        create: bool,
        depth: str = "standard",
        read_only: bool = False,
    ) -> FakeSession:
        if name not in STORE:
            if not create:
                raise InputError(f"no project named {name}")
            STORE[name] = {
                "pos": 0,
                "answers": {},
                "log": [],
                "lang": lang,
                "sector": sector,
                "depth": depth,
                "transcript": [CoachMessage(kind="notice", text=f"欢迎，{name}")],
            }
        session = FakeSession(
            name=name,
            lang=STORE[name]["lang"],
            delay=self.delay,
            fail=self.fail,
            tokens=self.tokens,
            state=STORE[name],
        )
        self.opened.append(session)
        return session

    def warm_up(self) -> None:
        """Nothing to prepare."""

    def list_projects(self) -> list[dict[str, Any]]:
        rows = []
        for name, state in STORE.items():
            session = FakeSession(name=name, state=state)
            snap = session.snapshot()
            rows.append(
                {
                    "name": name,
                    "lang": state["lang"],
                    "stage": snap.current_stage,
                    "readiness": snap.readiness,
                    "updated_at": datetime(2026, 11, 22, 8, 0),
                }
            )
        return rows

    def delete_project(self, name: str) -> None:
        STORE.pop(name, None)

    def export(
        self,
        session: Any,
        out_dir: Path,
        formats: Sequence[str],
        lang: str,
        progress: Callable[[int, int, str], None],
    ) -> list[Path]:
        from tui.exporting import export_snapshot

        files = export_snapshot(session, out_dir, formats, lang, progress)
        self.exports.extend(files)
        return files

    def preview(self, snapshot: ProjectSnapshot, stage: Stage, lang: str) -> str | None:
        from tui.summary import stage_summary

        return stage_summary(snapshot, stage, lang)
