"""The typed picture of a project that the interview fills, stage by stage.

Every field is optional: `None` means "not known yet" (an open question), never a guess.
Question-bank entries name the field they fill as a dotted path, e.g. `data.personal_data`.
The profile is *derived* from the answers (see `agent.answers`), so revising an answer
re-derives it deterministically.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Sector = Literal[
    "finance",
    "government",
    "healthcare",
    "education",
    "manufacturing",
    "retail",
    "energy",
    "telecom",
    "legal",
    "media",
    "internet",
    "other",
]
Technique = Literal["rag", "agent", "fine_tuning", "prompt_engineering", "multimodal"]
Deployment = Literal["private", "public_cloud", "hybrid", "cloud_edge"]
Cadence = Literal["realtime", "daily", "weekly", "monthly", "quarterly", "yearly", "none"]
Resource = Literal["data", "compute", "funds", "talent"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class ProjectInfo(_Section):
    """Who and what the project is."""

    name: str | None = None
    organisation: str | None = None
    sector: Sector | None = None


class Requirements(_Section):
    pain_points: str | None = None
    """The business pain points, in the user's words."""
    scenario: str | None = None
    """The concrete scenario the model will serve."""
    target_users: Literal["internal", "external", "both"] | None = None
    goal_metric: str | None = None
    """The measurable goal (e.g. 'first-contact resolution rate')."""
    baseline: str | None = None
    """Today's value of the goal metric."""
    target: str | None = None
    """The target value of the goal metric."""
    strategic_intent: Literal["internal_optimisation", "external_transformation", "both"] | None = None
    precedents: Literal["yes", "no", "unknown"] | None = None
    """Whether the sector already has comparable cases."""
    precedent_notes: str | None = None
    risk_tolerance: Literal["low", "medium", "high"] | None = None
    decision_maker_involved: bool | None = None
    """Is a decision-maker (sponsor) actively involved in the PoC?"""
    budget_wan: float | None = None
    """Budget in 10k CNY (万元)."""
    timeline_months: float | None = None
    scenario_priority: list[str] | None = None
    """Candidate scenarios, highest priority first."""
    # -- the value model's inputs (deliverables: agent.deliverables.value_model) ---------------
    minutes_saved_per_task: float | None = None
    """Minutes one task takes less with the tool (the time model of the value scorecard)."""
    tasks_per_user_day: float | None = None
    """How many such tasks one user does in a working day."""
    hourly_cost_cny: float | None = None
    """The loaded cost of one hour of the users' time, in CNY."""
    ai_experience: Literal["none", "some", "extensive"] | None = None
    """The organisation's prior experience with AI projects."""
    current_phase: Literal["concept", "poc", "value_validation", "implementation", "production"] | None = None
    """The adoption phase the lead believes the project is in."""
    plans_poc: bool | None = None
    """Whether a proof of concept is planned before full implementation."""
    team: list[Literal["business", "it", "compliance", "vendor", "data"]] | None = None
    """Functions represented in the project team."""
    # -- regulatory layer (issue 13): obligations follow from these answers --------------------
    audience: (
        list[Literal["cn_public", "cn_business", "internal_staff", "eu_users", "other_international"]] | None
    ) = None
    """Who the service reaches: the public in mainland China, business customers in China, the
    organisation's own staff, users in the EU, users elsewhere abroad."""
    public_generated_content: bool | None = None
    """Does generated content reach the public (shown to or published for people outside the organisation)?"""
    cn_filing: Literal["filed", "planned", "uses_filed_model", "not_planned"] | None = None
    """Security assessment and filing of a public generative service in mainland China."""
    content_labels: list[Literal["explicit", "implicit", "none"]] | None = None
    """How generated content is labelled as AI-generated."""
    ai_act_role: Literal["provider", "deployer", "both"] | None = None
    """The organisation's role under the EU AI Act."""
    eu_use_areas: (
        list[
            Literal[
                "biometrics",
                "critical_infrastructure",
                "education",
                "employment",
                "essential_services",
                "law_enforcement",
                "migration",
                "justice",
                "none",
            ]
        ]
        | None
    ) = None
    """Annex III areas (EU AI Act high-risk uses) the system serves, for EU users."""
    ai_risk_management: bool | None = None
    """Is there a documented AI risk-management process (identify, assess, treat, monitor after launch)?"""


class Selection(_Section):
    base_model: Literal["general", "domain", "undecided"] | None = None
    model_name: str | None = None
    model_size_b: float | None = None
    """Parameter count in billions."""
    task_complexity: Literal["simple", "moderate", "complex"] | None = None
    """simple: single-step Q&A/extraction; complex: multi-step processes across systems."""
    techniques: list[Technique] | None = None
    deployment: Deployment | None = None
    model_source: Literal["open_weight", "in_house", "vendor_closed", "public_api", "mixed"] | None = None
    """Who holds the model's weights: an open-weight model the project runs itself, a model trained
    in-house, a vendor's closed model (licensed, on premises or an appliance), a hosted public API,
    or a mix (own weights for one part, an API for another). Derived from the model name when unanswered
    (agent.derive); light-weighting and sizing advice applies only where the project holds the weights."""
    vendor: str | None = None
    vendor_sustainability_checked: bool | None = None
    upgrade_path: bool | None = None
    """Has the upgrade path (next model versions, migration) been planned?"""
    cost_estimate_wan: float | None = None
    """Estimated yearly running cost in 10k CNY; None when no estimate exists."""
    has_cost_estimate: bool | None = None
    resources_assessed: list[Resource] | None = None
    """Which of data, compute, funds, talent have been assessed."""
    has_gpu: bool | None = None


class Data(_Section):
    sources: list[Literal["internal", "external"]] | None = None
    modalities: list[Literal["text", "image", "voice", "table", "video"]] | None = None
    personal_data: bool | None = None
    confidential_data: bool | None = None
    desensitisation: (
        list[Literal["masking", "anonymisation", "differential_privacy", "encryption", "none"]] | None
    ) = None
    preparation: (
        list[Literal["cleaning", "labelling", "normalisation", "dataset_split", "feature_extraction"]] | None
    ) = None
    knowledge_base: bool | None = None
    kb_update_cadence: Cadence | None = None
    governance_owner: str | None = None
    compliance_review: bool | None = None
    data_leaves_org: bool | None = None
    """Will data be sent outside the organisation (e.g. to a public API)?"""
    audit_mechanism: bool | None = None
    sensitive_classes: (
        list[Literal["health", "financial", "minors", "biometric", "location", "identity", "none"]] | None
    ) = None
    """Classes of sensitive personal information (PIPL Art. 28) the project processes."""
    separate_consent: bool | None = None
    """Is separate consent (or another legal basis) obtained for the sensitive personal information?"""
    pi_impact_assessment: bool | None = None
    """Has a personal-information protection impact assessment been done or scheduled (PIPL Art. 55)?"""
    cross_border: bool | None = None
    """Does personal information leave mainland China (a model API abroad, a team abroad)?"""
    cross_border_mechanism: (
        Literal["security_assessment", "certification", "standard_contract", "exempt", "none"] | None
    ) = None
    """The legal route for the transfer abroad (PIPL Art. 38)."""


class Development(_Section):
    approach: list[Literal["fine_tuning", "rag", "prompting", "pretraining"]] | None = None
    professional_domain: bool | None = None
    """Does the output require professional (medical, legal, financial…) correctness?"""
    domain_data: str | None = None
    hallucination_controls: (
        list[Literal["grounding", "citations", "human_review", "output_filtering"]] | None
    ) = None
    evaluation_baseline: bool | None = None
    output_kind: Literal["generated", "labels", "extraction"] | None = None
    """What the model hands back: generated text (answers, drafts, reports), labels or scores
    (classification, detection, ranking), or fields extracted from documents. Hallucination advice
    is about generated text. Derived from the scenario when unanswered (agent.derive)."""
    optimisation: list[Literal["quantisation", "distillation", "pruning", "none"]] | None = None


class Integration(_Section):
    systems: list[str] | None = None
    interface: list[Literal["chat", "voice", "digital_human", "embedded", "api"]] | None = None
    deployment_mode: Deployment | None = None
    monitoring: bool | None = None
    security: list[Literal["access_control", "audit_log", "content_filter", "encryption", "none"]] | None = (
        None
    )
    rollback_plan: bool | None = None
    upgrade_plan: bool | None = None
    scale_users: float | None = None
    peak_qps: float | None = None
    field_devices: list[Literal["camera", "sensor", "edge_box", "mobile", "none"]] | None = None
    """Devices at the site that capture data for the system or run part of it (cameras, sensors,
    an industrial PC or edge box, mobile terminals); the architecture diagram draws them."""


class Testing(_Section):
    realistic_scenarios: bool | None = None
    """Do tests use real data, the real environment and real user tasks?"""
    metrics: list[Literal["accuracy", "latency", "satisfaction", "hallucination_rate", "cost"]] | None = None
    accuracy_target: float | None = None
    """Acceptance threshold, percent."""
    latency_target_ms: float | None = None
    hallucination_target: float | None = None
    """Maximum acceptable hallucination rate, percent."""
    pilot_users: Literal["real_users", "internal_testers", "none"] | None = None
    feedback_collection: bool | None = None
    gradual_rollout: bool | None = None


class Operations(_Section):
    monitoring_metrics: (
        list[
            Literal[
                "accuracy",
                "latency",
                "hallucination_rate",
                "resource_usage",
                "satisfaction",
                "business_kpi",
                "cost",
            ]
        ]
        | None
    ) = None
    alert_thresholds: str | None = None
    # -- service-level objectives in production (the runbook's SLO table; not test targets) ----
    slo_availability: float | None = None
    """Availability objective, percent of the service hours."""
    slo_latency_ms: float | None = None
    """Response-time objective in production (p95), milliseconds."""
    slo_accuracy: float | None = None
    """Accuracy objective of sampled production answers, percent."""
    slo_hallucination: float | None = None
    """Highest acceptable hallucination rate of sampled production answers, percent."""
    kb_update_cadence: Cadence | None = None
    model_update_cadence: Cadence | None = None
    feedback_loop: bool | None = None
    user_training: bool | None = None
    owners: str | None = None
    value_metrics: (
        list[
            Literal[
                "roi",
                "efficiency",
                "satisfaction",
                "social_evaluation",
                "risk",
                "tech_leadership",
                "industry_guidance",
                "strategy_fit",
                "fairness",
                "diversity",
            ]
        ]
        | None
    ) = None
    business_review: bool | None = None
    """Is there a periodic review of business impact (not only model metrics)?"""
    new_scenarios: str | None = None


class Profile(_Section):
    """Everything the coach knows about the project."""

    project: ProjectInfo = Field(default_factory=ProjectInfo)
    requirements: Requirements = Field(default_factory=Requirements)
    selection: Selection = Field(default_factory=Selection)
    data: Data = Field(default_factory=Data)
    development: Development = Field(default_factory=Development)
    integration: Integration = Field(default_factory=Integration)
    testing: Testing = Field(default_factory=Testing)
    operations: Operations = Field(default_factory=Operations)

    def get(self, path: str) -> Any:
        """Value at a dotted path such as `data.personal_data`."""
        section, _, name = path.partition(".")
        return getattr(getattr(self, section), name)

    def set(self, path: str, value: Any) -> None:
        """Set (and validate) the value at a dotted path."""
        section, _, name = path.partition(".")
        setattr(getattr(self, section), name, value)

    @classmethod
    def field_paths(cls) -> list[str]:
        """Every dotted field path, in declaration order."""
        paths: list[str] = []
        for sec_name, sec_field in cls.model_fields.items():
            sec_type = sec_field.annotation
            assert isinstance(sec_type, type)
            paths.extend(f"{sec_name}.{n}" for n in sec_type.model_fields)  # type: ignore[attr-defined]
        return paths
