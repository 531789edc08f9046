"""Answer reading as a table: what a person types to a question of the bank → what is recorded (value or
status), or that it is asked back, and what they are told back. Pins the don't-know cues, the negation and
"later" cues of a multiple choice, Chinese and English number words, units, money signs and the yes/no
sentence rules (`agent.parsing`, `agent.cues`, `agent.numtext`), rows chosen from the mutation survivors of
issue 19 (bench/survivors.md)."""

from __future__ import annotations

from typing import Any

import pytest

from agent.parsing import ParseResult, looks_like_question, parse_answer
from agent.questions import load_bank

ASK = "<asked back>"
UNKNOWN = "<status unknown>"  # not the value "unknown" of an option ("not researched yet")
REFUSED = "<refused>"


def _parse(qid: str, text: str, lang: str = "zh") -> ParseResult:
    return parse_answer(load_bank().get(qid), text, lang)  # type: ignore[arg-type]


def _reading(r: ParseResult) -> Any:
    """What the user sees happen: the value recorded, unknown, asked back, or refused with a message."""
    if r.ok and r.status == "unknown":
        assert r.value is None
        return UNKNOWN
    if r.ok:
        assert r.status == "answered" and r.error is None
        return r.value
    assert r.error and r.status == "answered" and r.value is None
    return ASK if r.uncertain is True else REFUSED


@pytest.mark.parametrize(
    ("qid", "text", "lang", "reading"),
    [
        # a don't-know first clause → unknown; a free-text answer only when that clause is nothing else
        ("req.pain_points", "不知道，要问业务", "zh", UNKNOWN),
        ("req.pain_points", "还没定，下周开会", "zh", UNKNOWN),
        ("req.pain_points", "我们还不知道，要问业务", "zh", UNKNOWN),
        ("req.pain_points", "not sure yet, ops decides", "en", UNKNOWN),
        ("req.pain_points", "员工不知道怎么用", "zh", "员工不知道怎么用"),
        ("req.budget", "不知道，要问财务", "zh", UNKNOWN),
        ("sel.base_model", "gpt还是qwen不确定", "zh", UNKNOWN),
        ("req.target_users", "we task our account managers with it", "en", "internal"),
        ("req.target_users", "we ask our account managers", "en", UNKNOWN),
        # a question with its own "not researched yet" option records that option
        ("req.precedents", "不确定，要问一下", "zh", "unknown"),
        ("req.precedents", "还没定", "zh", "unknown"),
        ("req.precedents", "不知道", "zh", "unknown"),
        ("sel.base_model", "还没定", "zh", "undecided"),
    ],
)
def test_dont_know_cues(qid: str, text: str, lang: str, reading: Any) -> None:
    assert _reading(_parse(qid, text, lang)) == reading


@pytest.mark.parametrize(
    ("qid", "text", "lang", "reading"),
    [
        ("sel.techniques", "RAG，微调还没做", "zh", ["rag"]),
        ("sel.techniques", "微调还没做，RAG已经上了", "zh", ["rag"]),
        ("sel.resources", "数据、算力，钱和人还没", "zh", ["data", "compute"]),
        ("sel.techniques", "除了多模态都要", "zh", ["rag", "agent", "fine_tuning", "prompt_engineering"]),
        (
            "sel.techniques",
            "all except multimodal",
            "en",
            ["rag", "agent", "fine_tuning", "prompt_engineering"],
        ),
        # an option name inside a longer word names nothing ("leverage" holds "rag")
        ("sel.techniques", "we leverage prompt engineering", "en", ["prompt_engineering"]),
        ("sel.techniques", "RAG和Agent，微调以后再加", "zh", ASK),
        ("sel.techniques", "rag now, agents later", "en", ASK),
        ("sel.team", "业务、技术，合规以后加入", "zh", ASK),
        ("dev.optimisation", "不做", "zh", ["none"]),
        ("dev.optimisation", "全部", "zh", ["quantisation", "distillation", "pruning"]),
        ("dev.optimisation", "all", "en", ["quantisation", "distillation", "pruning"]),
        # no option named: what the signal table reads for the field
        ("sel.techniques", "we use a vector database", "en", ["rag"]),
        ("dat.modalities", "照片", "zh", ["image"]),
        ("dev.optimisation", "不确定", "zh", UNKNOWN),
        ("sel.deployment", "私有化和公有云", "zh", REFUSED),
        # a stray key is not an option (only a–z pick one by letter)
        ("sel.deployment", "^", "zh", REFUSED),
        ("sel.deployment", "_", "zh", REFUSED),
        ("sel.deployment", "`", "zh", REFUSED),
        ("sel.deployment", "\\", "zh", REFUSED),
        ("sel.deployment", "b", "zh", "public_cloud"),
    ],
)
def test_options_negation_and_later(qid: str, text: str, lang: str, reading: Any) -> None:
    assert _reading(_parse(qid, text, lang)) == reading


@pytest.mark.parametrize(
    ("qid", "text", "lang", "reading"),
    [
        ("dat.personal_data", "没做过", "zh", False),
        ("req.decision_maker", "没参与过", "zh", False),
        ("dat.personal_data", "一张卡都没有", "zh", False),
        ("dat.personal_data", "暂时没做", "zh", False),
        ("dat.personal_data", "是客户的身份证号", "zh", True),
        ("dat.personal_data", "做过，法务签字了", "zh", True),
        ("dat.personal_data", "we handle patient records", "en", True),
        # how a sentence opens: a yes word, 有…, 未…
        ("req.decision_maker", "对，副行长亲自参与", "zh", True),
        ("req.decision_maker", "sure, our CIO joins", "en", True),
        ("req.decision_maker", "有分管副行长", "zh", True),
        ("dat.compliance_review", "未评审", "zh", False),
        # a negator governs its clause however far the phrase; "not only" and "in future" are no "no"
        ("dat.personal_data", "不需要处理任何的个人信息", "zh", False),
        ("dat.personal_data", "we won't be handling any personal data at all", "en", False),
        ("dat.personal_data", "不仅要做RAG还要处理个人信息", "zh", True),
        ("dat.personal_data", "不仅有合同，还有客户的身份证号", "zh", True),
        ("dat.personal_data", "未来会处理个人信息", "zh", True),
        # one clause says yes, another no: asked back, even when the answer opens with 会
        ("dat.leaves_org", "会发到云上，原始数据不出域", "zh", ASK),
        ("dat.leaves_org", "摘要发到云上，原始数据不出域", "zh", ASK),
        ("dat.leaves_org", "the model runs in the public cloud, data stays on-prem", "en", ASK),
        ("dat.personal_data", "是也不是", "zh", ASK),
        ("dat.personal_data", "yes and no", "en", ASK),
        ("dat.personal_data", "还没，不过下个月做", "zh", ASK),
    ],
)
def test_yes_no_sentences(qid: str, text: str, lang: str, reading: Any) -> None:
    assert _reading(_parse(qid, text, lang)) == reading


@pytest.mark.parametrize(
    ("qid", "text", "lang", "reading"),
    [
        # Chinese percentages, tenths and numerals
        ("tst.accuracy_target", "百分之九十点五", "zh", 90.5),
        ("tst.accuracy_target", "百分之九十九点九五", "zh", 99.95),
        ("tst.accuracy_target", "百分之95", "zh", 95.0),
        ("tst.hallucination_target", "千分之五", "zh", 0.5),
        ("tst.hallucination_target", "百分之点五", "zh", 0.5),
        ("tst.accuracy_target", "九成", "zh", 90.0),
        ("tst.accuracy_target", "九成五", "zh", 95.0),
        ("tst.accuracy_target", "从八成提到95%", "zh", 95.0),
        ("tst.accuracy_target", "准确率9成以上", "zh", 90.0),
        ("tst.accuracy_target", "百分之九十……", "zh", 90.0),  # an ellipsis is no decimal point
        ("req.budget", "两亿", "zh", 20000.0),
        ("req.budget", "一亿五千万", "zh", 15000.0),
        ("req.budget", "一千万", "zh", 1000.0),
        # English number words ("often" holds "ten": not a number)
        ("tst.accuracy_target", "ninety-five percent", "en", 95.0),
        ("tst.accuracy_target", "ninety five", "en", 95.0),
        ("tst.latency_target", "five seconds", "en", 5000.0),
        ("tst.latency_target", "often three seconds", "en", 3000.0),
        ("tst.latency_target", "within a minute", "en", 60000.0),
        # hours are hours: a latency in ms, a time saved in minutes; not a project's months
        ("tst.latency_target", "within an hour", "en", 3_600_000.0),
        ("tst.latency_target", "1小时", "zh", 3_600_000.0),
        ("req.minutes_saved", "2小时", "zh", 120.0),
        ("req.minutes_saved", "半小时", "zh", 30.0),
        ("req.minutes_saved", "an hour", "en", 60.0),
        ("req.minutes_saved", "1.5 hours", "en", 90.0),
        ("req.timeline", "两个小时", "zh", REFUSED),
        # a unit joined by a hyphen, money signs before the amount (yuan → 万元)
        ("req.timeline", "a 6-week pilot", "en", 1.38),
        ("req.timeline", "an 18-month pilot", "en", 18.0),
        ("req.budget", "¥500000", "zh", 50.0),
        ("req.budget", "人民币 500000", "zh", 50.0),
        ("req.budget", "500000元", "zh", 50.0),
        ("req.budget", "USD 2m", "en", ASK),
        ("req.budget", "50k美元", "zh", ASK),  # a currency word right after a letter
        # numeral characters that are no number ("千人千面"), a scale word alone, a date word after a name
        ("int.scale_users", "千人千面，一共两千人", "zh", 2000.0),
        ("req.budget", "万元级别", "zh", REFUSED),
        ("req.timeline", "poc年底上线", "zh", ASK),
        ("req.budget", "-300", "zh", REFUSED),
        # a monthly cost made yearly; an amount for a span of time is not (asked back where a yearly
        # one is asked: 三个月 holds 月, it was read as 50万 a month)
        ("sel.cost_estimate", "每月5万", "zh", 60.0),
        ("sel.cost_estimate", "5万", "zh", 5.0),
        ("sel.cost_estimate", "三个月的试点预算50万", "zh", ASK),
        ("req.budget", "三个月的试点预算50万", "zh", 50.0),
        # an English unit word ends before a Chinese character ("3 min内" was read as 3 seconds)
        ("tst.latency_target", "3 min内", "zh", 180_000.0),
        ("tst.latency_target", "2 seconds以内", "zh", 2000.0),
        ("int.scale_users", "200万骑手，5%会用", "zh", ASK),
        # the peak of several head counts; requests counted per second
        ("int.scale_users", "峰值1000人，平时200人", "zh", 1000.0),
        ("int.peak_qps", "50 requests per second", "en", 50.0),
        ("int.peak_qps", "peak 30 calls a second", "en", 30.0),
        # "a daytime" is not "a day" (its "a" was read as one), "a monthly" not "a month"
        ("int.peak_qps", "40 at the peak of a daytime rush", "en", 40.0),
        ("sel.cost_estimate", "a monthly fee of 5k", "en", 6.0),
        # a bare number above 1 is no fraction of one: 1.5 %, not 150 % (refused as above 100)
        ("tst.accuracy_target", "1.5", "zh", 1.5),
        ("tst.accuracy_target", "0.95", "zh", 95.0),
    ],
)
def test_numbers(qid: str, text: str, lang: str, reading: Any) -> None:
    assert _reading(_parse(qid, text, lang)) == reading


def test_a_range_in_chinese_numerals_is_asked_back_with_both_ends_in_wan() -> None:
    r = _parse("req.budget", "两到三百万")
    assert _reading(r) == ASK and r.candidates == [200.0, 300.0]


@pytest.mark.parametrize(
    ("qid", "text", "lang", "told"),
    [
        (
            "sel.deployment",
            "私有化和公有云",
            "zh",
            "无法理解“私有化和公有云”：只能选一项（匹配到：私有化部署、公有云 / API 服务）（也可以回答 跳过 / 不知道）",
        ),
        (
            "sel.deployment",
            "private or cloud",
            "en",
            "Could not read 'private or cloud': choose one option only (Private (on-premises), Public cloud / API) (or answer skip / don't know)",
        ),
        (
            "sel.techniques",
            "火星",
            "zh",
            "无法理解“火星”：请回答一个或多个选项，用逗号分隔：1=RAG 检索增强，2=Agent 智能体，3=微调，4=提示工程，5=多模态（也可以回答 跳过 / 不知道）",
        ),
        (
            "sel.techniques",
            "martians",
            "en",
            "Could not read 'martians': answer one or more options, comma-separated: 1=RAG (retrieval-augmented generation), 2=Agents, 3=Fine-tuning, 4=Prompt engineering, 5=Multimodal (or answer skip / don't know)",
        ),
        (
            "sel.team",
            "业务、技术，合规以后加入",
            "zh",
            "无法理解“业务、技术,合规以后加入”：有的选项是“以后”才有，请确认现在的（也可以回答 跳过 / 不知道）",
        ),
        (
            "sel.techniques",
            "RAG, agents join later",
            "en",
            "Could not read 'rag, agents join later': some are only 'later'; which hold now? (or answer skip / don't know)",
        ),
        (
            "dat.personal_data",
            "yes and no",
            "en",
            "Could not read 'yes and no': the answer says both yes and no (or answer skip / don't know)",
        ),
        (
            "dat.leaves_org",
            "会发到云上，原始数据不出域",
            "zh",
            "无法理解“会发到云上,原始数据不出域”：答案里既有“是”也有“否”，请确认（也可以回答 跳过 / 不知道）",
        ),
        (
            "dat.personal_data",
            "是也不是",
            "zh",
            "无法理解“是也不是”：答案里既有“是”也有“否”，请确认（也可以回答 跳过 / 不知道）",
        ),
        (
            "dat.leaves_org",
            "the model runs in the public cloud, data stays on-prem",
            "en",
            "Could not read 'the model runs in the public cloud, data stays on-prem': the answer says both yes and no (or answer skip / don't know)",
        ),
        (
            "req.timeline",
            "by Q3 2027",
            "en",
            "Could not read 'by q3 2027': that is a date; how many months from now? (or answer skip / don't know)",
        ),
        (
            "tst.latency_target",
            "1 to 2 seconds",
            "en",
            "Could not read '1 to 2 seconds': that is a range; please give one estimate (or answer skip / don't know)",
        ),
        (
            "tst.latency_target",
            "100",
            "zh",
            "无法理解“100”：请说明单位：秒还是毫秒（也可以回答 跳过 / 不知道）",
        ),
        (
            "tst.latency_target",
            "100",
            "en",
            "Could not read '100': seconds or milliseconds? (or answer skip / don't know)",
        ),
        (
            "int.scale_users",
            "300到500",
            "zh",
            "无法理解“300到500”：这是一个范围，请给一个估计值（也可以回答 跳过 / 不知道）",
        ),
        (
            "int.scale_users",
            "between 200 and 400",
            "en",
            "Could not read 'between 200 and 400': that is a range; please give one estimate (or answer skip / don't know)",
        ),
        (
            "int.scale_users",
            "50 in the pilot, 5000 next year",
            "en",
            "Could not read '50 in the pilot, 5000 next year': the answer holds several numbers; which one is it? (or answer skip / don't know)",
        ),
        (
            "int.scale_users",
            "全行2000人，八成会用",
            "zh",
            "无法理解“全行2000人,八成会用”：答案里有一个比例，请直接给出使用人数（也可以回答 跳过 / 不知道）",
        ),
        (
            "int.scale_users",
            "单位一半的员工，总共大约1600人",
            "zh",
            "无法理解“单位一半的员工,总共大约1600人”：答案里说的是其中一部分，请直接给出人数（也可以回答 跳过 / 不知道）",
        ),
        (
            "int.scale_users",
            "2 million riders; 5% would use it",
            "en",
            "Could not read '2 million riders; 5% would use it': the answer holds a share; please give the number of users itself (or answer skip / don't know)",
        ),
        (
            "int.scale_users",
            "200万骑手，5%会用",
            "zh",
            "无法理解“200万骑手,5%会用”：答案里有一个比例，请直接给出使用人数（也可以回答 跳过 / 不知道）",
        ),
        (
            "req.budget",
            "half of the 2 million budget",
            "en",
            "Could not read 'half of the 2 million budget': the answer speaks of a share; please give the whole figure itself (or answer skip / don't know)",
        ),
        (
            "int.peak_qps",
            "100k calls a day",
            "en",
            "Could not read '100k calls a day': that is per hour or per day; give the peak per second (or answer skip / don't know)",
        ),
        (
            "sel.cost_estimate",
            "a 6-month pilot costs 500k",
            "en",
            "Could not read 'a 6-month pilot costs 500k': that amount is for a span of time; please give the amount per year (or answer skip / don't know)",
        ),
        (
            "req.budget",
            "-300",
            "zh",
            "无法理解“-300”：数量不能是负数，请给一个正数（也可以回答 跳过 / 不知道）",
        ),
        (
            "req.budget",
            "-300",
            "en",
            "Could not read '-300': the amount cannot be negative; give a positive number (or answer skip / don't know)",
        ),
        ("tst.accuracy_target", "120%", "zh", "无法理解“120%”：不能大于 100（也可以回答 跳过 / 不知道）"),
        (
            "tst.accuracy_target",
            "120%",
            "en",
            "Could not read '120%': must be at most 100 (or answer skip / don't know)",
        ),
    ],
)
def test_what_the_user_is_told_back_word_for_word(qid: str, text: str, lang: str, told: str) -> None:
    assert _parse(qid, text, lang).error == told


def test_an_assumed_unit_is_noted_in_the_users_language() -> None:
    zh, en = _parse("tst.latency_target", "2"), _parse("tst.latency_target", "2", "en")
    assert (zh.value, zh.note) == (2000.0, "按 2 秒理解")
    assert (en.value, en.note) == (2000.0, "read as 2 seconds")


@pytest.mark.parametrize(
    ("qid", "text", "lang", "items"),
    [
        ("int.systems", "OA、CRM和ERP", "zh", ["OA", "CRM", "ERP"]),
        ("int.systems", "OA, CRM and ERP", "en", ["OA", "CRM", "ERP"]),
        ("int.systems", "OA、CRM、HR和ERP", "zh", ["OA", "CRM", "HR", "ERP"]),
        ("int.systems", "人力资源和社保系统", "zh", ["人力资源和社保系统"]),
        ("int.systems", "1. OA\n2. CRM", "zh", ["OA", "CRM"]),
        ("int.systems", "- OA\n- CRM", "zh", ["OA", "CRM"]),
        ("int.systems", "• OA\n• CRM", "zh", ["OA", "CRM"]),
    ],
)
def test_a_list_answer_is_split_into_items(qid: str, text: str, lang: str, items: list[str]) -> None:
    assert _reading(_parse(qid, text, lang)) == items


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("what is the difference between rag and fine tuning for our contracts?", True),  # 12 words
        ("what is the difference between rag and fine tuning for our legal contracts?", False),  # 13
        ("什么是RAG？", True),
        ("RAG和微调有什么区别？", True),
        ("poc什么意思", True),
        ("什么是RAG？我们想用。", False),  # a question and a statement: an answer
    ],
)
def test_a_free_text_question_of_the_users_own(text: str, asks: bool) -> None:
    assert looks_like_question(text, load_bank().get("req.pain_points")) is asks  # type: ignore[arg-type]
