"""What the API reference says beyond the routes' own signatures: each operation's summary in Chinese
(``x-summary-zh`` beside the English ``summary``), and for the main JSON reads their answer's schema
and an example.  openapi.py puts them into the OpenAPI document; /docs shows them in the page's
language.  tests/web/test_api_docs.py holds the schemas to the real answers and the examples to the
schemas, and every operation to a Chinese summary."""

from __future__ import annotations

from luoshi.domain.rules import CATEGORIES, LIGHTS

# "METHOD /path": the operation's summary in Chinese
SUMMARY_ZH = {
    "GET /api": "API 索引",
    "GET /api/plans": "规划列表",
    "GET /api/settings": "工作区设置：当前值、默认值、可选值和含义",
    "GET /api/overview": "规划树：各条目的指示灯和计数（总览页）",
    "GET /api/regions/{code}": "一个地区：路径、下级地区和各指标（地区页）",
    "GET /api/indicators": "指标列表",
    "GET /api/indicators/{code}": "一个指标：研判、差距来源（各下级地区）、走势、定义、图表数据、下级地区和各市方格图（指标页）",
    "GET /api/indicators/{code}/series": "一个指标在一个地区的序列、目标和序时进度",
    "GET /api/rankings": "全省各市或某市各县区排名（比学赶超）",
    "GET /api/coverage": "任务分解覆盖矩阵及其缺口",
    "GET /api/outcomes": "政府工作报告目标与完成情况，是否完成",
    "GET /api/glossary": "研判用语（序时进度、指示灯、完整性、时效）及规划现行阈值",
    "GET /api/briefing": "月度简报的内容（/briefing 页面及其 PDF）",
    "GET /api/tasks": "任务及其进度判断（可按单位、条目、地区、类别、指示灯筛选）",
    "GET /api/tasks/{task_id}": "一项任务：节点、进展报送、佐证材料、申请和办理记录",
    "GET /api/wallchart": "挂图作战：单位 × 时间，节点为旗标",
    "GET /api/scorecards": "单位考评：按按时报送和未落后任务占比排名",
    "GET /api/scorecards/{unit}": "一个单位的考评",
    "GET /api/doublehalf": "年中“双过半”检查",
    "GET /api/digest": "自某日以来的逾期、临期、新完成和新落后任务",
    "GET /api/projects": "重点项目：本年完成投资与计划对比",
    "GET /api/projects/portfolio": "按产业集群、地区或规划条目汇总的投资",
    "GET /api/projects/{project_id}": "一个项目：逐月投资和节点",
    "POST /api/tasks/{task_id}/reports": "报送进展（牵头单位），可附佐证材料",
    "POST /api/tasks/{task_id}/extension": "申请延期（牵头单位）",
    "POST /api/tasks/{task_id}/extension/decision": "批准或驳回延期（督办单位）",
    "POST /api/tasks/{task_id}/closure": "完成 100% 后申请办结（牵头单位）",
    "POST /api/tasks/{task_id}/closure/decision": "办结销号，或说明理由退回（督办单位）",
    "GET /api/inbox": "未读数和最新通知",
    "POST /inbox/read": "标记通知为已读（给出编号，或不给则全部）",
    "POST /api/remind": "发出到期的提醒并发送邮件，每条一次（管理员）",
    "GET /api/documents": "政策文件及各状态的待审事项",
    "POST /api/documents": "添加文件（multipart：文件、标题、日期、发文地区、类别）并抽取",
    "GET /api/documents/outcomes": "文件中提出的目标与完成情况（即 /api/outcomes 的各行）",
    "GET /api/documents/{did}": "一份文件及其待审承诺事项和原文位置",
    "GET /api/documents/commitments/{cid}": "一条承诺事项及其原句和原文位置",
    "POST /api/documents/commitments/{cid}/{action}": "审核承诺事项：采纳、驳回（附说明）或修改（字段）",
    "GET /login": "登录页",
    "POST /login": "登录",
    "POST /logout": "退出登录",
    "GET /api/imports": "导入记录",
    "POST /api/imports": "导入数据文件（填报值或目标）",
    "GET /api/history": "修改留痕（只增不改的审计记录）",
    "GET /api/completeness": "报送进度：各地区各期间的报送完整程度",
    "POST /api/workflow/{action}": "提交、审核通过或退回一个地区一个期间的数值",
    "GET /api/template": "下载填报模板（XLSX）",
    "GET /api/export/sdmx": "按 SDMX-CSV 导出数值",
    "GET /reporting/imports": "导入页",
    "POST /reporting/imports": "在导入页上传文件",
    "GET /reporting/history": "修改留痕页",
    "GET /api/admin/users": "全部用户及其有效授权、所属单位和 API 令牌（管理员）",
    "GET /api/reporting/entry": "一个地区一个期间的填报表：指标、数值和状态",
    "POST /api/reporting/entry": "校验、暂存或提交填报表中的数值",
    "GET /api/reporting/review": "待本人审核的已提交数值",
    "POST /api/reporting/review": "审核通过或退回数值（一个、一个地区期间或多个）",
    "POST /api/reporting/lock": "锁定一个规划的一个期间，或说明理由解锁（管理员）",
}

# a parameter's English description: its Chinese (``x-description-zh``)
PARAMETER_ZH = {
    "as-of date, YYYY-MM-DD (default: today)": "截至日期，YYYY-MM-DD（默认今天）",
    "json, or csv for the page's table": "json，或 csv 下载本页表格",
    "task id": "任务编号",
    "plan id (default: the workspace's default_plan setting)": "规划编号（默认工作区设置 default_plan）",
    "target period, e.g. 2025, 2025Q2, 2025-03 (default: the year of `at`)":
        "考核期，如 2025、2025Q2、2025-03（默认截至日期所在年度）",
    "responsible unit's code": "责任单位代码",
    "region code": "地区代码",
    "reporting period": "报送期间",
    "region code (default: the province, or the plan's owner)": "地区代码（默认全省，或规划所属地区）",
    "indicator code": "指标代码",
    "city or county": "市或县区",
    "plan node": "规划条目",
    "commitment id": "承诺事项编号",
    "region code (GB/T 2260)": "地区代码（GB/T 2260）",
    "one indicator, or several for a composite (default: the headline composite)":
        "一个指标，或多个指标综合排名（默认主要指标综合）",
    "parent region (a city for level=county)": "上级地区（level=county 时为某市）",
    "composite weights, one per indicator": "综合排名的权重，每个指标一个",
    "pace category": "进度类别",
    "light": "指示灯",
    "first day shown (default: the year's start)": "显示的第一天（默认年初）",
    "last day shown (default: the year's end)": "显示的最后一天（默认年末）",
    "unit code": "单位代码",
    "changes since this day": "自该日以来的变化",
    "the year whose plans to compare (default: the year of `at`)": "比较哪一年的计划（默认截至日期所在年度）",
    "project id": "项目编号",
    "document id": "文件编号",
    "accept, reject or edit": "采纳、驳回或修改",
    "transition": "流转操作",
    "region code (its subtree)": "地区代码（含下级）",
    "the month briefed, e.g. 2025-05, or any period (default: the last complete month)":
        "简报所述月份，如 2025-05，也可为其他期间（默认上一个完整月份）",
    "region code (default: the plan's owner, the province)": "地区代码（默认规划所属地区，即全省）",
}


def _t(*types: str) -> dict:
    return {"type": list(types)} if len(types) > 1 else {"type": types[0]}


def _obj(required: dict, **optional) -> dict:
    """An object with ``required`` properties (and ``optional`` ones); other properties may follow."""
    return {"type": "object", "required": sorted(required), "properties": required | optional}


def _list(item: dict) -> dict:
    return {"type": "array", "items": item}


STR, NUM, INT, BOOL = _t("string"), _t("number"), _t("integer"), _t("boolean")
STR_N, NUM_N, BOOL_N = _t("string", "null"), _t("number", "null"), _t("boolean", "null")
REF = "#/components/schemas/"


def _ref(name: str) -> dict:
    return {"$ref": REF + name}


SCHEMAS = {
    "RegionBrief": _obj({"code": STR, "name_zh": STR, "name_en": STR, "level": STR, "synthetic": BOOL}),
    "Plan": _obj({"id": STR, "owner_region": STR, "name_zh": STR_N, "name_en": STR_N, "parent_plan": STR_N},
                 adopted=STR_N, status=STR_N, source=STR_N),
    "IndicatorInfo": _obj({"code": STR, "name_zh": STR, "name_en": STR, "unit": STR, "decimals": INT,
                           "frequency": STR, "direction": {"enum": ["higher", "lower"]}, "status": STR_N},
                          source=STR_N, synthetic=BOOL, has_synthetic_data=BOOL),
    "Judgement": _obj({"code": STR, "value": NUM_N, "target": NUM_N, "attainment": NUM_N, "expected": NUM_N,
                       "progress": NUM_N, "category": {"enum": list(CATEGORIES)}, "light": {"enum": list(LIGHTS)},
                       "met": BOOL_N, "synthetic": BOOL},
                      name_zh=STR, name_en=STR, unit=STR, data_through=STR_N, complete=BOOL, stale=BOOL),
    "Counts": _obj({c: INT for c in CATEGORIES}),
    "PlanNode": _obj({"code": STR, "parent": STR_N, "kind": STR, "title_zh": STR_N, "title_en": STR_N,
                      "indicators": _list(_ref("Judgement")), "children": _list({"type": "object"}),
                      "light": {"enum": list(LIGHTS)}, "counts": _ref("Counts")},
                     note=STR_N, note_zh=STR_N, status=STR_N),
}

# "METHOD /path": (schema of the 200 JSON answer, an example of it)
_OVERVIEW = _obj({"plan": STR, "period": STR, "at": STR, "nodes": _list(_ref("PlanNode")), "counts": _ref("Counts"),
                  "region": _ref("RegionBrief"), "plan_info": _ref("Plan"), "plans": _list(_ref("Plan")),
                  "synthetic": BOOL})
_REGION = _obj({"region": _ref("RegionBrief"), "path": _list(_ref("RegionBrief")),
                "children": _list(_ref("RegionBrief")), "period": STR, "at": STR, "plan": STR,
                "indicators": _list(_ref("Judgement")), "synthetic": BOOL})
_INDICATOR = _obj({"indicator": _ref("IndicatorInfo"), "region": _ref("RegionBrief"), "period": STR, "at": STR,
                   "chart": _obj({"region": STR, "cumulative": BOOL, "points": _list(_obj({"period": STR, "value": NUM_N})),
                                  "targets": _list({"type": "object"}), "pace": _list({"type": "object"})}),
                   "children": _list(_ref("Judgement")), "map": _list({"type": "object"}), "synthetic": BOOL})
_RANKING_ROW = _obj({"code": STR, "name_zh": STR, "name_en": STR, "value": NUM_N, "score": NUM_N,
                     "rank": _t("integer", "null"), "previous_rank": _t("integer", "null"),
                     "change": _t("integer", "null"), "synthetic": BOOL})
_RANKINGS = _obj({"indicators": _list(STR), "weights": _list(NUM), "level": {"enum": ["city", "county"]},
                  "within": STR, "period": STR, "previous_period": STR, "rows": _list(_RANKING_ROW),
                  "ranked": INT, "composite": BOOL, "synthetic": BOOL},
                 periods_with_data=_list(STR))
_CELL = _obj({"region": STR, "plan": STR_N, "aligned_nodes": _list(STR), "targets": INT,
              "indicators_with_data": INT, "indicators": INT,
              "gaps": _list({"enum": ["no-plan", "no-aligned-node", "no-targets", "no-data"]})})
_COVERAGE = _obj({"plan": STR, "plan_name_zh": STR_N, "plan_name_en": STR_N,
                  "columns": _list(_obj({"code": STR, "name_zh": STR, "name_en": STR, "plan": STR_N})),
                  "rows": _list(_obj({"node": STR, "kind": STR, "indicators": _list(STR), "cells": _list(_CELL)})),
                  "child_plans": _list({"type": "object"})})
_OUTCOME_ROW = _obj({"year": INT, "period": STR, "indicator": STR, "region": STR_N, "comparator": STR,
                     "target": NUM_N, "outcome": NUM_N, "attainment": NUM_N, "met": BOOL_N,
                     "outcome_status": {"enum": ["recorded", "not_published", "not_recorded"]},
                     "published_by": STR, "basis": {"enum": ["target", "proposed"]}},
                    document=STR_N, document_zh=STR_N, quote=STR_N, source=STR_N)
_OUTCOMES = _obj({"rows": _list(_OUTCOME_ROW), "years": _list(INT),
                  "summary": {"type": "object", "additionalProperties": _obj(
                      {"met": INT, "not_met": INT, "not_published": INT, "not_recorded": INT})},
                  "synthetic": BOOL})

_GZ = {"code": "440100", "name_zh": "广州市", "name_en": "Guangzhou City", "level": "city", "synthetic": False}
_GD = {"code": "440000", "name_zh": "广东省", "name_en": "Guangdong Province", "level": "province", "synthetic": False}
_PLAN = {"id": "gd-1310", "owner_region": "440000", "name_zh": "“1310”具体部署",
         "name_en": "The '1310' specific deployment", "parent_plan": None, "adopted": "2023-06-20", "status": "verified"}
_COUNTS = {c: 0 for c in CATEGORIES} | {"on_pace": 1}
# an indicator judged as the fixture of tests/web/fixtures.py has it: 500 of 1000 by mid-June
_JUDGED = {"code": "tech_transform", "name_zh": "工业企业技术改造", "unit": "家", "value": 500.0, "target": 1000.0,
           "attainment": 50.0, "expected": 41.4, "progress": 50.0, "category": "on_pace", "light": "green",
           "met": False, "synthetic": True, "data_through": "2025-05-31", "complete": True, "stale": False}

RESPONSES = {
    "GET /api/plans": (_obj({"plans": _list(_ref("Plan"))}), {"plans": [_PLAN]}),
    "GET /api/indicators": (
        _obj({"indicators": _list(_ref("IndicatorInfo")), "synthetic": BOOL}),
        {"indicators": [{"code": "tech_transform", "name_zh": "工业企业技术改造",
                         "name_en": "Industrial enterprises undergoing technological transformation", "unit": "家",
                         "decimals": 0, "frequency": "M", "direction": "higher", "status": "verified"}],
         "synthetic": False}),
    "GET /api/overview": (_OVERVIEW, {
        "plan": "gd-1310", "period": "2025", "at": "2025-06-15", "synthetic": True, "counts": _COUNTS,
        "region": _GD, "plan_info": _PLAN, "plans": [_PLAN],
        "nodes": [{"code": "B2.T1", "parent": "B2", "kind": "task", "title_zh": "推动超过9000家工业企业开展技术改造（2024年）",
                   "title_en": "Technological transformation of over 9,000 industrial enterprises (2024)",
                   "indicators": [_JUDGED], "children": [], "light": "green", "counts": _COUNTS}]}),
    "GET /api/regions/{code}": (_REGION, {
        "region": _GZ, "path": [_GD, _GZ], "plan": "gd-1310", "period": "2025", "at": "2025-06-15",
        "children": [{"code": "440103", "name_zh": "荔湾区", "name_en": "Liwan District", "level": "county",
                      "synthetic": False}], "indicators": [_JUDGED], "synthetic": True}),
    "GET /api/indicators/{code}": (_INDICATOR, {
        "indicator": {"code": "tech_transform", "name_zh": "工业企业技术改造",
                      "name_en": "Industrial enterprises undergoing technological transformation", "unit": "家",
                      "decimals": 0, "frequency": "M", "direction": "higher", "status": "verified"},
        "region": _GD, "period": "2025", "at": "2025-06-15",
        "chart": {"region": "440000", "cumulative": True, "points": [{"period": "2025-01", "value": 140.0}],
                  "targets": [], "pace": []},
        "children": [_JUDGED | {"code": "440100", "name_zh": "广州市"}], "map": [], "synthetic": True}),
    "GET /api/rankings": (_RANKINGS, {
        "indicators": ["tech_transform"], "weights": [1.0], "level": "city", "within": "440000", "period": "2025",
        "previous_period": "2024", "ranked": 2, "composite": False, "synthetic": True,
        "rows": [{"code": "440100", "name_zh": "广州市", "name_en": "Guangzhou City", "value": 500.0, "score": 100.0,
                  "rank": 1, "previous_rank": 2, "change": 1, "synthetic": True}]}),
    "GET /api/coverage": (_COVERAGE, {
        "plan": "gd-1310", "plan_name_zh": "“1310”具体部署", "plan_name_en": "The '1310' specific deployment",
        "columns": [{"code": "440100", "name_zh": "广州市", "name_en": "Guangzhou City", "plan": "gz-1312"}],
        "rows": [{"node": "B2.T1", "kind": "task", "indicators": ["tech_transform"],
                  "cells": [{"region": "440100", "plan": "gz-1312", "aligned_nodes": [], "targets": 1,
                             "indicators_with_data": 1, "indicators": 1, "gaps": ["no-aligned-node"]}]}],
        "child_plans": []}),
    "GET /api/outcomes": (_OUTCOMES, {
        "years": [2023], "synthetic": False,
        "summary": {"2023": {"met": 0, "not_met": 1, "not_published": 0, "not_recorded": 0}},
        "rows": [{"year": 2023, "period": "2023", "indicator": "gdp_growth", "region": "440000",
                  "comparator": "at_least", "target": 5.0, "outcome": 4.8, "attainment": 96.0, "met": False,
                  "outcome_status": "recorded", "published_by": "2024-03-31", "basis": "target",
                  "document": "2023 Guangdong government work report (2023-01-12)",
                  "document_zh": "2023年广东省政府工作报告（2023-01-12）", "quote": "地区生产总值增长5%以上"}]}),
}
