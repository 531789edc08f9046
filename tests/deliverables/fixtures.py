"""A hand-built ProjectSnapshot: a bank's customer-service assistant, partly answered."""

from __future__ import annotations

from agent.profile import Profile
from agent.snapshot import AnswerRecord, OpenQuestion, ProjectSnapshot, Recommendation
from agent.types import Evidence, Finding, Stage
from knowledge.pack import cite


def bank_snapshot(**overrides: object) -> ProjectSnapshot:
    """A private-deployment bank assistant with a few gaps and two findings."""
    p = Profile()
    p.project.name = "星河银行智能客服助手"
    p.project.organisation = "星河银行"
    p.project.sector = "finance"
    p.requirements.pain_points = "信用卡客服高峰期排队超过15分钟，坐席流失率高"
    p.requirements.scenario = "信用卡账单与分期业务的智能问答"
    p.requirements.target_users = "external"
    p.requirements.goal_metric = "首次解决率"
    p.requirements.baseline = "62%"
    p.requirements.target = "80%"
    p.requirements.decision_maker_involved = False
    p.requirements.scenario_priority = ["信用卡账单问答", "分期办理引导", "投诉工单摘要"]
    p.selection.techniques = ["rag"]
    p.selection.deployment = "private"
    p.selection.model_name = "Qwen2.5-72B"
    p.selection.model_size_b = 72
    p.data.personal_data = True
    p.data.sources = ["internal"]
    p.data.knowledge_base = True
    p.data.kb_update_cadence = "weekly"
    p.integration.systems = ["核心银行系统", "CRM"]
    p.integration.interface = ["chat", "voice"]
    p.testing.accuracy_target = 95
    answers = {
        "req_pain": AnswerRecord(
            question_id="req_pain",
            stage=Stage.requirements,
            field="requirements.pain_points",
            raw=p.requirements.pain_points or "",
            value=p.requirements.pain_points,
        )
    }
    findings = [
        Finding(
            id="decision-makers-absent",
            title="决策者未参与概念验证",
            severity="high",
            stage=Stage.requirements,
            evidence=[
                Evidence(question_id="req_dm", field="requirements.decision_maker_involved", value=False)
            ],
            advice="请分管副行长参加试点评审会。",
            citations=[cite("poc-decision-makers")],
        ),
        Finding(
            id="oversized-model",
            title="模型规模可能过大",
            severity="medium",
            stage=Stage.selection,
            evidence=[Evidence(question_id="sel_size", field="selection.model_size_b", value=72)],
            advice="评估 7B–14B 模型加量化。",
            citations=[cite("adaptation-model-size"), cite("pitfall-cost")],
        ),
    ]
    recs = [
        Recommendation(
            id="private-rag",
            stage=Stage.selection,
            title="私有化部署 + RAG",
            advice="敏感客户数据留在行内。",
            reasoning="涉及个人信息且为金融行业",
            based_on=["data.personal_data", "project.sector"],
            citations=[cite("step2-adaptation-principles")],
        )
    ]
    snap = ProjectSnapshot(
        name="星河银行智能客服助手",
        profile=p,
        answers=answers,
        findings=findings,
        recommendations=recs,
        readiness={Stage.requirements: 70, Stage.selection: 40},
        open_questions=[
            OpenQuestion(
                question_id="req_budget",
                stage=Stage.requirements,
                field="requirements.budget_wan",
                text="项目预算是多少（万元）？",
            )
        ],
    )
    return snap.model_copy(update=overrides)
