"""Classifying a number: target, quantified task, reported outcome, or not a commitment.

Tense is read from three places, strongest first: an explicit year before or after the
document's year, the words of the clause and sentence (将 / will versus 了 / grew), and the
section the sentence sits in (a work report's review versus its plan for the year).
"""

from __future__ import annotations

import re
from functools import lru_cache

from luoshi.extract.cues import tense
from luoshi.extract.lexicon import Entry
from luoshi.extract.model import NONE, OUTCOME, PLAN, REVIEW, TARGET, TASK
from luoshi.extract.numbers import MONTHS, Quantity
from luoshi.extract.patterns import pattern
from luoshi.extract.units import MONEY, TIME_UNITS

_TARGET_UNITS = {"%", "pp", "CNY", "USD", "tonne", "kWh", "TEU"}
_ACTION = pattern(
    r"推动|推进|建设|新建|建成|改造|培育|实施|打造|开工|培训|引进|招引|种植|造林|完成|新增|提供|增加|发放|开展|"
    r"创建|认定|支持|扶持|整治|修复|安排|部署|落地|投产|筹集|改建|扩建|新开|开通|"
    r"\b(?:promote|push|build|construct|complete|renovate|upgrade|train|attract|cultivate|plant|launch|add|"
    r"create|provide|support|transform|develop|establish|set up|open|renew|retrofit|help|consolidate|"
    r"implement|arrange|start|introduce)\w*", re.I)
# a vote's count: "56 MPs voted in favour", "75 in favor and 24 against", 95票赞成
_VOTE_AFTER = pattern(r"\s?(?:[A-Za-z-]+\s){0,2}?(?:voted\b|voting\b|votes?\b|abstain\w*|abstentions?\b)|"
                      r"\s(?:in favou?r|against)(?=\s*(?:[,.;)]|and\b|$))|\s?票(?:赞成|反对|弃权)", re.I)
_VOTE_BEFORE = pattern(r"(?:\bvotes? of|\bin favou?r and|\bvoted)\s+$|(?:赞成|反对|弃权)$", re.I)
_ATTENDANCE = pattern(r"出席|列席|应到|实到|与会|参会|\battend(?:ed|ing)?\b|\bpresent at\b", re.I)
# "全省122个县（市、区）、1609个乡镇": counting every division of a region describes it, commits nothing
_ALL_OF = pattern(r"(?:全省|全市|全县|全国)(?:[\d.万]+个[^，,。；;]{1,8}[、和及])*$")
_DIVISION_AFTER = pattern(r"(?:县|市|区|镇|乡|村|街道|社区|行政村|乡镇)")
_PAST_STRONG = pattern(r"了|已经|已|去年|上年|过去一年|过去五年|五年来|上半年|前三季度|一季度|\d{1,2}-\d{1,2}月|跌至|升至|录得|"
                       r"连续\d+年|\blast year\b|\bin the past\b|"
                       r"\bover the past\b|\bhas been\b|\bhave been\b|\bwas\b|\bwere\b", re.I)
# A value with no unit counts when it is an index or coefficient: 灌溉水有效利用系数达到0.6, Gini coefficient of 0.38
_COEFFICIENT = pattern(r"(?:系数|指数|基尼|得分|\bindex|\bcoefficient|\bratio|\bscor(?:e|es|ed|ing))[^，,；;。]{0,16}?"
                       r"(?:达到|提高到|提升到|降至|降到|为|保持在|\bat|\bto|\bof|\bscored|:)\s?$|\bscored\s$|"
                       r"\b(?:ratio|coefficient)\b[^,;.]{0,60}?\b(?:to|at|of|was|is|be|reach(?:ed|es)?|stood at)\s"
                       r"(?:about |around |under |below |less than |within )?$", re.I)
_LIFE = pattern(r"寿命|受教育年限|life expectancy|years of (?:schooling|education)", re.I)
# Plan structure counted: "12 key performance indicators", 十二个方面, 八大产业集群, 20项主要指标, 10 economic goals,
# 100 concrete steps describe the plan, commit nothing
_STRUCTURE_AFTER = pattern(r"\s?(?:个方面|方面|大(?:任务|工程|行动|产业集群|战略|板块|领域)|项(?:重点)?任务|条(?:措施|意见)|"
                           r"(?:项|个|条|大)?(?:主要|重点|核心|具体|约束性|预期性)?(?:目标|指标|任务|举措|成员单位)|"
                           r"(?:(?:key|major|main|economic|concrete|strategic|priority|specific|core|big|national|"
                           r"development|outcome)\s+){0,2}(?:priorities|priority areas|pillars|key performance indicators|"
                           r"outcome areas|objectives|principles|recommendations|chapters|sections|goals|themes|targets|"
                           r"strategies|steps|measures|indicators|areas|initiatives|tasks|actions)\b)", re.I)
# Money to be spent, issued or invested is a task; so are the projects it pays for.
_SPEND = pattern(r"投资|投入|安排(?:资金)?|下达|发行|筹集|拨付|资金|预算(?!收入)|重点项目|计划投资|"
                 r"\b(?:invest\w*|spend\w*|allocat\w*|earmark\w*|issu(?:e|es|ing)|fund(?:s|ing|ed)?|package|"
                 r"expenditure|outlay|budget(?:ed)? for|provid(?:e|es|ing)|set aside|inject\w*|bonds?|"
                 r"capital spending|subsid\w*)\b", re.I)
# Money given to something: "$733 million for the Cross River Rail", "$359 million will go to cities", 资金用于
_MONEY_FOR = pattern(r"\s*(?:(?:in|of|is|are|will be|has been|was|were|more|extra|additional|new)\s+){0,2}(?:for|towards?|"
                     r"to (?:fund|support|build|help|provide|deliver|upgrade|expand|improve)|will go to|(?:is |are )?"
                     r"(?:contributed|allocated|earmarked|set aside|committed|provided|budgeted) (?:to|for)\b|"
                     r"(?:is |are )?(?:going|to go) to)\b|\s*(?:用于|投向|支持)", re.I)
# A target named as such stays forward-looking even in the past tense of a (machine) translation.
_TARGET_WORD = pattern(r"预期目标|目标[是为:：]?|\b(?:targets?|targeted|goals?|aims?|objectives?)\b", re.I)
# From-to: the number after "from" (before "to") is the baseline, an outcome.
_BASELINE = pattern(r"(?:\bfrom\b|由|从)(?![^，,；;。]*?(?:\bto\b|到|至))[^；;。]{0,50}$", re.I)
_TO_AFTER = pattern(r"[^；;。]{0,50}?(?:\bto\b|提高到|提升到|增加到|增长到|扩大到|降低到|下降到|降至|降到|减少到|缩小到|达到|到|至|"
                    r"(?:优化|提高|提升|增加|增长|扩大|降低|下降|减少|缩小|调整|变)为)\s*"
                    r"(?:about |around |over |more than |nearly |约|近|超过)?(?:[\d$€£¥₹]|RM|Rs|US\$)", re.I)
# An estimate of the year under review: 预计2023年 / 预计全年 / is estimated at.
_ESTIMATE = pattern(r"预计|估计|\bis estimated\b|\bestimated at\b|\bwas estimated\b|\bestimates?\b", re.I)
# A forecast or an assumption: a value expected, not yet realised (projected, assumed, 预测)
_FORECAST = pattern(r"预测|预期|假设|展望|\b(?:forecast\w*|projected|projections?|projects|assum(?:e|ed|es|ing|ptions?)|"
                    r"anticipated|outlook|expected|expects?|seen (?:rising|growing|falling|at)|predict\w*|"
                    r"revis(?:e|ed|ion)|downgrad\w*|upgrad\w*|head(?:ed|ing) (?:for|towards?)|poised to|likely to)\b",
                    re.I)
# A stock as of a date, or what data or a report show, is realised: 截至今年3月底, as of June, 报告显示
_AS_OF = pattern(r"截至|截止|到目前为止|目前已|报告显示|数据显示|统计显示|据统计|监测显示|\bas (?:of|at)\b|\bso far\b|\bto date\b|"
                 r"\b(?:data|figures|statistics) (?:showed|show)\b", re.I)
_FUTURE_STRONG = pattern(r"力争|确保|目标|预期目标|将|今年(?!以来)|明年|\bwill\b|\btarget|\baims?\b|\bgoal\b|"
                         r"\bstrive|\bthis year\b|\bnext year\b|\bplans? to\b|\bis set to\b", re.I)


# the size of a forecast's revision (revised up by 0.1 point, 上修2.92个百分点): not a value of the indicator
_FORECAST_WORD = pattern(r"\b(?:forecasts?|prognos[ie]s|projections?|estimate[sd]?|outlook)\b|预测|预估|预期", re.I)
_REVISION_BY = pattern(r"\b(?:revised|revises|revising|cut|cuts|raised|raises|lowered|lowers|trimmed|upgraded|"
                       r"downgraded|upward|downward)\b(?:[^.;]|\.(?=\d)){0,120}?\bby\s+(?:about\s+|around\s+)?$", re.I)
_POINTS = pattern(r"\s*(?:percentage\s+)?points?\b", re.I)
_REVISION_ZH = pattern(r"(?:上调|下调|调高|调低|上修|下修)(?:了)?(?:约)?$")


# "revised downwards by 0.7 percentage point in 2014 and [0.1 percentage point] in 2015": the next of the list
_REVISION_LIST = pattern(r"\bby\s+(?:about\s+|around\s+)?\d+(?:\.\d+)?\s*(?:percentage\s+)?points?"
                         r"(?:\s+(?:in|for)\s+(?:19|20)\d\d)?(?:,\s*|\s+and\s+|,\s+and\s+)$", re.I)
# "Compared with the June projection, the forecast is 0.2 percentage point lower for 2014"
_AGAINST_FORECAST = pattern(r"\b(?:compared (?:with|to)|than|relative to|from)\s+(?:the|its|our|their)\s+"
                            r"(?:[\w-]+\s+){0,3}?(?:projections?|forecasts?|estimates?)\b", re.I)
_LOWER_HIGHER = pattern(r"\s*(?:percentage\s+)?points?\s+(?:lower|higher|below|above|less|more)\b", re.I)


def _revision_size(q: Quantity, sentence: str) -> bool:
    """Whether a number is by how much a forecast was revised (revised upward by 0.1 point, 上修2.92个百分点,
    0.2 percentage point lower than the June projection)."""
    if _LOWER_HIGHER.match(sentence, q.num_end) and _AGAINST_FORECAST.search(sentence):
        return True
    listed = _REVISION_LIST.search(sentence, max(0, q.start - 60), q.start)
    return bool((_REVISION_ZH.search(sentence, 0, q.start) or
                 _REVISION_BY.search(sentence, max(0, q.start - 160), q.start) or
                 (listed and _REVISION_BY.search(sentence, max(0, listed.start() - 160), listed.start() + 3))) and
                _FORECAST_WORD.search(sentence, 0, q.start))


def classify(q: Quantity, sentence: str, clause: tuple[int, int], section_kind: str | None,
             doc_year: int | None, year: int | str | None, year_inferred: bool, lang: str,
             entry: Entry | None, comparator: str, doc_kind: str | None = None) -> tuple[str, str | None]:
    """(class, reason) for quantity ``q`` of ``sentence``; reason explains a 'none'."""
    if q.reason:
        return NONE, q.reason
    if q.unit in ("age", "year") and _LIFE.search(sentence, max(clause[0] - 30, 0), q.start):
        pass  # 人均预期寿命达到79岁, 平均受教育年限10.8年: an indicator's value
    elif q.unit in TIME_UNITS:
        return NONE, "duration-or-count-of-times" if q.unit != "session" else "ordinal"
    if q.unit is None and not _COEFFICIENT.search(sentence, max(0, q.start - 90), q.start):
        return NONE, "no-unit"
    if q.unit == "person" and _ATTENDANCE.search(sentence):
        return NONE, "attendance"
    if q.unit in ("person", "count", None) and (_VOTE_AFTER.match(sentence, q.end) or
                                                _VOTE_BEFORE.search(sentence, max(0, q.start - 30), q.start)):
        return NONE, "vote"  # 56 MPs voted in favour and 29 against, 以95票赞成
    if _ALL_OF.search(sentence, 0, q.start) and _DIVISION_AFTER.match(sentence, q.end):
        return NONE, "scope-description"
    if q.unit == "count" and q.value is not None and q.value < 1000 and \
            (_STRUCTURE_AFTER.match(sentence, q.num_end) or _STRUCTURE_AFTER.match(sentence, q.end)):
        return NONE, "plan-structure"
    if (q.unit in ("pp", "%") or _POINTS.match(sentence, q.num_end)) and _revision_size(q, sentence):
        return NONE, "forecast-revision"  # "cut next year's prognosis by 0.5 percentage points to 2.1 percent"
    if is_baseline(q, sentence, clause):
        return OUTCOME, BASELINE
    if is_baseline_after(q, sentence, doc_year):
        return OUTCOME, BASELINE_AFTER
    score = direction(q, sentence, clause, section_kind, doc_year, year, year_inferred, comparator, lang, doc_kind)
    if score < 0:
        return OUTCOME, None
    return _target_or_task(q, sentence, clause, entry), None


BASELINE = "from-to baseline"
BASELINE_AFTER = "baseline after its value"


# "rebound to 4.4 percent next year from an estimated 0.03 percent", "up from $6,000 now": a baseline after its value
_FROM_AFTER = pattern(r"\b(?:from|compared (?:with|to)|versus|vs\.?)\s+"
                      r"(?:(?:an?|the|its|their|this year's|last year's)\s+)?"
                      r"(?:(?:estimated|revised|projected|expected|preliminary|staggering|record)\s+)?"
                      r"(?:(?:about|around|nearly|some|over|more than)\s+)?$", re.I)
_NUMBER_BEFORE = pattern(r"\d")  # the value the baseline is of, named before it


# a forecast or target revised "from" one value "to" another: both are forecasts of one period, no baseline
_REVISED = pattern(r"\b(?:forecasts?|projections?|outlook|estimates?|expectations?|guidance|planned|(?:the|its|their) "
                   r"targets?|targets? for|revised (?:up|down)\w*|(?:up|down)grad\w*)\b|预测|预期目标|目标值", re.I)


def is_baseline(q: Quantity, sentence: str, clause: tuple[int, int]) -> bool:
    """"from 3.0 per cent to 4.5 per cent", 由3.0%提高到4.5%: the first number is where it starts, an outcome
    (not when a forecast or a target is revised: "growth forecast increased from 3.4% to 4.0%")."""
    m = _BASELINE.search(sentence, max(clause[0], q.start - 60), q.start)
    return bool(m and _TO_AFTER.match(sentence, q.end, clause[1] + 80) and
                not _REVISED.search(sentence, max(0, clause[0], m.start() - 60), m.start()))


# The time a baseline is of, written after it ("from 2.13 trillion yuan in 2012", "211.4% in December 2023"), or now
BASELINE_TIME = pattern(rf"\b(?:in|for)\s+(?:(?:{MONTHS}|end-|the end of)\s*)?((?:19|20)\d\d(?:-\d\d)?)\b|"
                        r"((?:19|20)\d\d)年", re.I)
NOW = pattern(r"\s*(?:now|currently|at present|today|现在|目前)\b", re.I)
_EARLIER = pattern(r"\s*(?:last year|a year (?:earlier|ago)|(?:in )?the previous (?:financial |fiscal )?year)\b", re.I)


def is_baseline_after(q: Quantity, sentence: str, doc_year: int | None) -> bool:
    """The number "from" which a value named before it came, of a time that has passed or now ("to 4.4 percent
    next year from 0.03 percent in 2022", "up from $6,000 now"): where it starts, an outcome. Of this year or a
    later one it is a forecast, like a revised forecast's first value: the model decides."""
    m = _FROM_AFTER.search(sentence, max(0, q.start - 60), q.start)
    if not m or not _NUMBER_BEFORE.search(sentence, max(0, m.start() - 150), m.start()):
        return False
    rest = sentence[q.end:q.end + 40]
    named = BASELINE_TIME.match(rest.lstrip())
    if named:
        return doc_year is not None and int((named.group(1) or named.group(2))[:4]) < doc_year
    return bool(NOW.match(rest) or _EARLIER.match(rest))


_FROM = pattern(r"(?:由|从|\bfrom)[^，,；;。]{0,30}$", re.I)
_TO = pattern(r"(?:到|至|为|\bto)\s*$", re.I)


def own_time(cue, sentence: str, pos: int):
    """A time found before the value at ``pos``, unless it is a from-to baseline's ("由2017年929家增长到3605家")."""
    if cue is not None and cue.end <= pos and _FROM.search(sentence, max(0, cue.start - 34), cue.start) and \
            _TO.search(sentence, cue.end, pos):
        return None
    return cue


def in_step_class(sentence: str, section_kind: str | None, doc_year: int | None, year, year_inferred: bool,
                  lang: str, doc_kind: str | None = None) -> str:
    """Class of an 'in step with economic growth' statement, which has no number."""
    q = Quantity(0, 0, None, "%")
    d = direction(q, sentence, (0, len(sentence)), section_kind, doc_year, year, year_inferred, "in_step", lang,
                   doc_kind)
    return OUTCOME if d < 0 else TARGET


def direction(q: Quantity, sentence: str, clause: tuple[int, int], section_kind: str | None,
              doc_year: int | None, year, year_inferred: bool, comparator: str, lang: str,
              doc_kind: str | None = None) -> float:
    """The rules' score of a quantity looking forward (> 0, a target or task) or back (< 0, an outcome)."""
    c0, c1 = clause
    head = sentence[:c1]
    score = 0.0
    if isinstance(year, int) and doc_year and not year_inferred:
        score += 3 if year > doc_year else -3 if year < doc_year else 0
    elif isinstance(year, str) and doc_year:  # a period: forward if it ends after the document
        end = int(year[-4:])
        score += 3 if end > doc_year else -2
    if year_inferred and isinstance(year, int) and doc_year and year < doc_year:
        score -= 2
    elif year_inferred and isinstance(year, int) and doc_year and year > doc_year:
        score += 2  # next year, 明年
    score += 1.5 * tense(sentence[c0:c1]) + tense(head)
    found = cues_found(sentence, clause)
    if "target-word" in found:
        score += 1.5
    est = _ESTIMATE.search(sentence, 0, c1) if "estimate" in found else None  # where it is: what follows counts
    if est and doc_year and ((isinstance(year, int) and year <= doc_year) or section_kind == REVIEW or
                             "全年" in sentence[est.end():c1]):
        score -= 5
    if "past" in found:
        score -= 1.5
    if "as-of" in found:
        score -= 3
    if "future" in found:
        score += 1
    if section_kind == PLAN:
        score += 2
    elif section_kind == REVIEW:
        score -= 2.5
    if comparator in ("around", "range") and lang == "zh":
        score += 0.5
    if doc_kind == "plan":  # an action plan looks forward unless it says otherwise
        score += 1.5
    if score == 0:
        return 1 if comparator in ("around", "range", "at_most", "at_least", "in_step") else -1
    return score


_CUES = (("as-of", _AS_OF, False), ("estimate", _ESTIMATE, False), ("target-word", _TARGET_WORD, False),
         ("spend", _SPEND, True), ("action", _ACTION, True), ("past", _PAST_STRONG, True), ("future", _FUTURE_STRONG, False),
         ("forecast", _FORECAST, False))


@lru_cache(maxsize=8192)
def cues_found(sentence: str, clause: tuple[int, int]) -> frozenset[str]:
    """Names of the rules' cue words found around a quantity: in its clause, or in the sentence up to its end."""
    c0, c1 = clause
    return frozenset(name for name, rx, in_clause in _CUES if rx.search(sentence, c0 if in_clause else 0, c1))


def _target_or_task(q: Quantity, sentence: str, clause: tuple[int, int], entry: Entry | None) -> str:
    c0, c1 = clause
    if q.unit in MONEY and (_SPEND.search(sentence, c0, c1) or _SPEND.search(sentence, max(0, q.start - 40), q.start) or
                            _MONEY_FOR.match(sentence, q.end)):
        return TASK
    if entry is not None:
        return TASK if entry.cls == TASK else TARGET
    if q.unit in _TARGET_UNITS:
        return TARGET
    if _ACTION.search(sentence, c0, q.start) or _ACTION.search(sentence, q.end, c1):
        return TASK
    return TARGET
