"""What the document pages show besides the data: their zh/en strings, the sentence cut into
highlighted pieces, and quantities in words a reader expects (13.57万亿元, 13.57 trillion yuan)."""

from __future__ import annotations

from markupsafe import Markup, escape

from luoshi.extract.units import EN_UNITS, ZH_UNITS

STRINGS: dict[str, tuple[str, str]] = {
    "nav.documents": ("政策文件", "Documents"),
    "doc.title": ("政策文件与量化承诺", "Policy documents and quantified commitments"),
    "doc.intro": ("上传政府工作报告、规划、讲话或新闻稿，系统抽取其中的量化目标、任务和完成情况，经人工审核后成为目标、任务或观测值。",
                  "Upload work reports, plans, speeches or news; the quantified targets, tasks and outcomes found in "
                  "them become targets, tasks or observations once a reviewer accepts them."),
    "doc.none": ("尚无文件。", "No documents yet."),
    "doc.col.title": ("标题", "Title"),
    "doc.col.date": ("日期", "Date"),
    "doc.col.issuer": ("发文单位", "Issuer"),
    "doc.col.kind": ("类型", "Kind"),
    "doc.col.language": ("语言", "Language"),
    "doc.col.sha": ("SHA-256", "SHA-256"),
    "doc.col.proposals": ("抽取结果", "Proposals"),
    "doc.upload": ("上传文件", "Upload a document"),
    "doc.upload.file": ("文件（.txt .md .html .pdf .docx）", "File (.txt .md .html .pdf .docx)"),
    "doc.upload.submit": ("上传并抽取", "Upload and extract"),
    "doc.upload.failed": ("文件未能保存：", "The document was not stored:"),
    "doc.duplicate": ("相同文本已保存，这是已有的文件。", "The same text was already stored; this is that document."),
    "doc.added": ("文件已保存并完成抽取。", "The document was stored and extracted."),
    "doc.kind.none": ("（未指定）", "(not given)"),
    "doc.kind.speech": ("讲话", "speech"), "doc.kind.work-report": ("政府工作报告", "work report"),
    "doc.kind.communique": ("公报", "communiqué"), "doc.kind.plan": ("规划/方案", "plan"),
    "doc.kind.news": ("新闻", "news"),
    "doc.lang.zh": ("中文", "Chinese"), "doc.lang.en": ("英文", "English"),
    "doc.status.proposed": ("待审核", "proposed"), "doc.status.accepted": ("已采纳", "accepted"),
    "doc.status.edited": ("已修改", "edited"), "doc.status.rejected": ("已驳回", "rejected"),
    "doc.class": ("类别", "Class"),
    "doc.class.target": ("目标", "target"), "doc.class.task": ("任务", "task"),
    "doc.class.outcome": ("完成情况", "outcome"),
    "doc.field.subject": ("主体", "subject"), "doc.field.value": ("数值", "value"),
    "doc.field.unit": ("单位", "unit"), "doc.field.comparator": ("比较", "comparator"),
    "doc.field.strength": ("力度", "strength"), "doc.field.time": ("时间", "time"),
    "doc.field.scope": ("范围", "scope"),
    "doc.strength.ensure": ("确保", "ensure"), "doc.strength.strive": ("力争", "strive"),
    "doc.strength.expected": ("预期", "expected"),
    "doc.legend": ("高亮：", "Highlighted:"),
    "doc.indicator": ("对应指标", "Indicator"),
    "doc.node": ("规划条目", "Plan node"),
    "doc.abstain": ("未能确定（请人工指定）", "abstained (choose one)"),
    "doc.new_indicator": ("建议新增指标", "proposes a new indicator"),
    "doc.inferred": ("推断", "inferred"),
    "doc.inferred.time": ("时间由文件日期推断", "time inferred from the document date"),
    "doc.inferred.scope": ("范围由发文单位推断", "scope inferred from the issuer"),
    "doc.section": ("所在部分", "Section"),
    "doc.accept": ("采纳", "Accept"),
    "doc.reject": ("驳回", "Reject"),
    "doc.edit": ("修改", "Edit"),
    "doc.save": ("保存修改", "Save changes"),
    "doc.note": ("说明", "Note"),
    "doc.result.target": ("已生成目标", "made target"),
    "doc.result.observation": ("已生成观测值", "made observation"),
    "doc.result.task": ("已生成任务", "made task"),
    # the comparators and linking methods a commitment can carry, where the shared strings have none
    "doc.cmp.exact": ("等于", "exactly"),
    "doc.method.lexicon": ("词表", "lexicon"), "doc.method.heading": ("标题", "heading"),
    "doc.method.similarity": ("相似度", "similarity"), "doc.method.indicator-default": ("指标默认", "indicator default"),
    "doc.method.none": ("无", "none"), "doc.method.abstain": ("不确定", "abstained"),
    "doc.method.structure": ("规划结构", "plan structure"),
    "doc.refused": ("未能采纳：", "Could not accept:"),
    "doc.score": ("置信度", "score"),
    "doc.commitments": ("抽取的量化承诺", "Extracted commitments"),
    "doc.no_commitments": ("此文件中未发现量化承诺。", "No quantified commitments were found in this document."),
    "doc.back": ("全部文件", "All documents"),
    "doc.outcomes": ("目标与完成（跨文件）", "Targets vs outcomes across documents"),
    "doc.outcomes.intro": ("文件提出的目标（已存目标及待审核的提议），与已报送的数值或后续文件公布的完成情况对照；"
                           "是否完成按指标方向和统一的判定规则计算。",
                           "Targets stated in documents (stored targets, and proposals awaiting review) against the "
                           "reported value or the outcome a later document states; met or not by the indicator's "
                           "direction and the one set of judgement rules."),
    "doc.outcomes.none": ("尚无可对照的目标。", "No targets to compare yet."),
    "doc.target_doc": ("目标出处", "Target stated in"),
    "doc.outcome_doc": ("完成情况出处", "Outcome stated in"),
    "doc.year": ("年份", "Year"),
    "comp.range": ("区间", "between"),
}

# fields in the order they win a place when their spans overlap
FIELDS = ("value", "unit", "comparator", "strength", "time", "scope", "subject")
_UNIT_WORDS = sorted({w for w, _, _ in ZH_UNITS + EN_UNITS}, key=len, reverse=True)  # longest first
_NUMERAL = set("0123456789.,０１２３４５６７８９零〇一二三四五六七八九十百千两")
# How each unit of the extraction's vocabulary (extract/units.py) is written after a number.
UNIT_WORDS = {"CNY": ("元", "yuan"), "person": ("人", "people"), "person-time": ("人次", "person-times"),
              "count": ("个", ""), "tonne": ("吨", "tonnes"), "mu": ("亩", "mu"), "kW": ("千瓦", "kW"),
              "%": ("%", "%"), "pp": ("个百分点", "percentage points"), "permille": ("‰", "‰"),
              "ratio": ("（比值）", "(ratio)"), "index": ("点", "points"), "times": ("倍", "times"),
              "household": ("户", "households"), "jin": ("斤", "jin"), "km": ("公里", "km"),
              "km2": ("平方公里", "km²"), "m2": ("平方米", "m²"), "m3": ("立方米", "m³"), "ha": ("公顷", "ha"),
              "kWh": ("千瓦时", "kWh"), "TEU": ("标准箱", "TEU"), "ug/m3": ("微克/立方米", "µg/m³"),
              "age": ("岁", "years of age"), "year": ("年", "years"),
              "USD": ("美元", "US dollars"), "EUR": ("欧元", "euros"), "GBP": ("英镑", "pounds"),
              "HKD": ("港元", "HK dollars"), "MOP": ("澳门元", "patacas"), "TWD": ("新台币", "NT dollars"),
              "JPY": ("日元", "yen"), "MYR": ("林吉特", "ringgit"), "INR": ("卢比", "rupees"),
              "NGN": ("奈拉", "naira"), "ZAR": ("兰特", "rand"), "KES": ("肯尼亚先令", "shillings"),
              "AUD": ("澳元", "Australian dollars"), "CAD": ("加元", "Canadian dollars"),
              "SGD": ("新加坡元", "Singapore dollars"), "NZD": ("新西兰元", "NZ dollars"),
              "PHP": ("比索", "pesos"), "IDR": ("印尼盾", "rupiah"), "VND": ("越南盾", "dong"),
              "AED": ("迪拉姆", "dirhams"), "SAR": ("里亚尔", "riyals"), "BDT": ("塔卡", "taka"),
              "KHR": ("瑞尔", "riel"), "KZT": ("坚戈", "tenge")}


def unit_name(unit: str | None, zh: bool) -> str:
    """A unit as the reader's language writes it ('' for none)."""
    return UNIT_WORDS.get(unit or "", (unit or "", unit or ""))[0 if zh else 1]


def field_spans(c: dict) -> dict[str, tuple[int, int]]:
    """Each field's span within the sentence; the value's span is split into number and unit."""
    spans = {("time" if k == "period" else k): tuple(s["in_sentence"]) for k, s in c["spans"].items()}
    if "value" in spans:
        a, b = spans["value"]
        text = c["sentence"]["text"][a:b]
        # the number ends before the unit word the span ends in (1.4个百分点: that 百 is no numeral)
        word = next((w for w in _UNIT_WORDS if len(w) < len(text) and text.lower().endswith(w)), "")
        last = max((i for i, ch in enumerate(text[:len(text) - len(word)]) if ch in _NUMERAL), default=-1)
        rest = text[last + 1:]
        if last >= 0 and rest.strip():
            spans["value"] = (a, a + last + 1)
            u0 = a + last + 1 + (len(rest) - len(rest.lstrip()))
            spans["unit"] = (u0, b)
    return spans


def segments(c: dict) -> list[tuple[str, str | None]]:
    """The sentence as (text, field or None) pieces; overlapping spans give way in FIELDS order."""
    text = c["sentence"]["text"]
    taken: list[tuple[int, int, str]] = []
    for name, (a, b) in sorted(field_spans(c).items(), key=lambda kv: FIELDS.index(kv[0])):
        a, b = max(0, a), min(len(text), b)
        if b > a and all(b <= x or a >= y for x, y, _ in taken):
            taken.append((a, b, name))
    out, pos = [], 0
    for a, b, name in sorted(taken):
        if a > pos:
            out.append((text[pos:a], None))
        out.append((text[a:b], name))
        pos = b
    if pos < len(text):
        out.append((text[pos:], None))
    return out


def marked(c: dict) -> Markup:
    """The sentence with each field in a <mark data-field=...>."""
    return Markup("").join(escape(t) if f is None else Markup(f'<mark data-field="{f}">{escape(t)}</mark>')
                           for t, f in segments(c))


def quantity(value, unit: str | None, zh: bool) -> str:
    """A value in base units as a reader writes it: 1.3e12 CNY -> 1.3万亿元 / 1.3 trillion yuan."""
    if value is None:
        return "—"
    word = unit_name(unit, zh)
    v = float(value)
    steps = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万")) if zh else ((1e12, " trillion"), (1e9, " billion"),
                                                                 (1e6, " million"))
    for size, name in steps:
        if abs(v) >= size:
            return f"{exact_number(v / size)}{name}{'' if zh else ' '}{word}".rstrip()
    sep = "" if zh or unit in ("%",) else " "
    return f"{exact_number(v)}{sep}{word}".rstrip()


def exact_number(v: float) -> str:
    """A number as written for a reader, to four decimals at most: 119,600,000,000, 0.565, -2.1."""
    return f"{v:,.4f}".rstrip("0").rstrip(".")
