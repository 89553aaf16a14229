"""The UI in Chinese (zh) and English (en): strings, names of bundled objects, and formatting of
numbers, dates, periods and units for each language."""

from __future__ import annotations

from datetime import date, datetime

from luoshi.domain.periods import PeriodError, parse

LANGS = ("zh", "en")
COOKIE = "lang"

STRINGS: dict[str, tuple[str, str]] = {
    # key: (zh, en)
    "app": ("落实 · 规划实施监测", "luoshi · plan implementation tracker"),
    "nav.overview": ("总览", "Overview"),
    "nav.region": ("地区", "Regions"),
    "nav.indicators": ("指标", "Indicators"),
    "nav.rankings": ("比学赶超", "Rankings"),
    "nav.coverage": ("任务分解覆盖", "Coverage"),
    "nav.outcomes": ("目标与完成", "Targets vs outcomes"),
    "nav.api": ("API 文档", "API docs"),
    "nav.tasks": ("任务", "Tasks"),
    "nav.wallchart": ("挂图作战", "Wall chart"),
    "nav.scorecards": ("单位考评", "Scorecards"),
    "nav.projects": ("重点项目", "Projects"),
    "lang.switch": ("English", "中文"),
    "synthetic.banner": ("本页含合成演示数据（来源 synthetic-demo），并非真实统计。",
                         "This page shows synthetic demo data (source synthetic-demo), not real statistics."),
    "synthetic.tag": ("合成", "synthetic"),
    "as_of": ("截至", "As of"),
    "period": ("考核期", "Period"),
    "plan": ("规划", "Plan"),
    "region": ("地区", "Region"),
    "apply": ("查看", "Show"),
    "csv": ("下载 CSV", "Download CSV"),
    "json": ("JSON", "JSON"),
    "counts": ("分类统计", "Counts"),
    # the at-a-glance summary (services/summary.py) on the overview and the briefing
    "glance": ("一览", "At a glance"),
    "glance.behind": ("滞后的突破", "Breakthroughs behind"),
    "glance.behind.none": ("没有亮红灯或黄灯的突破。", "No breakthrough is red or yellow."),
    "glance.pulling": ("拖后腿的指标", "Indicators pulling it down"),
    "glance.pulling.none": ("无单项指标滞后（按滞后占比亮灯）。", "No single indicator is behind (lit by the share behind)."),
    "glance.shortfall": ("落后序时进度 {n} 个百分点", "{n} points behind pace"),
    "glance.lagging": ("滞后指标最多的下辖地区", "Subdivisions behind on the most indicators"),
    "glance.lagging.count": ("{behind} / {judged} 项指标滞后", "{behind} of {judged} indicators behind"),
    "glance.lagging.of": ("共 {n} 个下辖地区中有 {k} 个存在滞后指标", "{k} of {n} subdivisions have an indicator behind"),
    "glance.lagging.none": ("没有下辖地区的指标滞后。", "No subdivision is behind on any indicator."),
    "glance.changes": ("较上月变化", "Changes since a month before"),
    "glance.changes.since": ("与 {date} 相比", "Compared with {date}"),
    "glance.new_red": ("新亮红灯", "New reds"),
    "glance.recovered": ("转为绿灯", "Recovered to green"),
    "glance.changes.none": ("无", "None"),
    "glance.changes.first": ("考核期刚开始，尚无上月可比。", "The period began this month: nothing to compare yet."),
    "glance.was": ("原为", "was"),
    "glance.leaderboard": ("综合排名（比学赶超）", "Leaderboard on the composite"),
    "glance.leaderboard.none": ("暂无可排名的数据。", "Nothing to rank yet."),
    "glance.more": ("查看全部", "See all"),
    # the monthly briefing (services/briefing.py, web/briefing.py, `luoshi briefing`)
    "nav.briefing": ("月度简报", "Briefing"),
    "brief.title": ("月度简报", "Monthly briefing"),
    "brief.made": ("生成于 {date}", "Made on {date}"),
    "brief.judged": ("考核 {year} 年度目标，截至 {date}", "Targets of {year}, as of {date}"),
    "brief.summary": ("摘要", "Summary"),
    "brief.reds": ("红灯指标及原因", "Red indicators and why"),
    "brief.reds.none": ("没有红灯指标。", "No indicator is red."),
    "brief.sections": ("各项突破", "The breakthroughs"),
    "brief.no_indicators": ("暂无指标衡量此项突破。", "No indicator measures this breakthrough yet."),
    "brief.ranking": ("综合排名（比学赶超）", "Ranking on the composite"),
    "brief.composite": ("综合指标：{names}", "Composite of: {names}"),
    "brief.tasks": ("任务督办", "Tasks"),
    "brief.overdue": ("已逾期任务", "Overdue tasks"),
    "brief.due_soon": ("即将到期任务", "Tasks due soon"),
    "brief.none": ("无。", "None."),
    "brief.projects": ("投资进度滞后的重点项目", "Projects behind on investment"),
    "brief.data": ("数据完整性与合成标注", "Completeness of the data, and synthetic labels"),
    "brief.completeness": ("{month}：各下辖地区应报 {expected} 项，已报 {arrived} 项（{pct}），已审核 {approved} 项，逾期未报 {overdue} 项。",
                           "{month}: {arrived} of the {expected} values expected from the subdivisions have arrived ({pct}), "
                           "{approved} approved, {overdue} overdue."),
    "brief.completeness.none": ("本期没有应报数据。", "No value is expected for this period."),
    "brief.synthetic": ("本简报含合成演示数据（来源 synthetic-demo），并非真实统计：{n} / {total} 个当前数值为合成数据，涉及 {k} 项指标。",
                        "This briefing contains synthetic demo data (source synthetic-demo), not real statistics: "
                        "{n} of {total} current values are synthetic, in {k} indicators."),
    "brief.real": ("本简报所用数值均非合成数据。", "No value in this briefing is synthetic."),
    "brief.synthetic.mark": ("标有 ◆ 的条目含合成数据。", "Items marked ◆ hold synthetic data."),
    "brief.reason.behind": ("{value}，目标 {target}；落后序时进度 {n} 个百分点（完成 {progress}，序时进度 {expected}）",
                            "{value} against {target}: {n} points behind the expected pace ({progress} done, "
                            "{expected} expected)"),
    "brief.reason.missed": ("{value}，已超过上限 {target}，目标已无法完成",
                            "{value}, over the ceiling of {target}: the target can no longer be met"),
    "brief.reason.overdue": ("{value}，目标 {target}；考核期已结束，未达目标",
                             "{value} against {target}: the period is over and the target was not met"),
    "brief.thresholds": ("信号灯：落后序时进度 {yellow} 至 {red} 个百分点为黄灯，超过 {red} 个百分点为红灯。",
                         "Lights: yellow from {yellow} to {red} points behind the expected pace, red beyond {red}."),
    "brief.colon": ("：", ": "),
    "brief.pdf": ("下载 PDF", "Download PDF"),
    "brief.html": ("下载 HTML", "Download HTML"),
    "brief.month": ("月份", "Month"),
    "brief.col.task": ("编号", "Task"),
    "brief.col.title": ("任务", "Title"),
    "brief.col.lead": ("牵头单位", "Lead unit"),
    "brief.col.deadline": ("完成时限", "Deadline"),
    "brief.col.progress": ("完成进度", "Progress"),
    "brief.col.project": ("项目", "Project"),
    "brief.col.planned": ("年度计划（亿元）", "Planned this year (100 million yuan)"),
    "brief.col.completed": ("已完成（亿元）", "Done (100 million yuan)"),
    "brief.col.completion": ("完成率", "Completion"),
    "brief.col.reported": ("已报", "Arrived"),
    "brief.col.approved": ("已审核", "Approved"),
    "brief.col.overdue": ("逾期未报", "Overdue"),
    "verification": ("表述核实", "Wording"),
    "source": ("来源", "Source"),
    "indicator": ("指标", "Indicator"),
    "indicators": ("指标", "Indicators"),
    "value": ("实际值", "Value"),
    "target": ("目标", "Target"),
    "attainment": ("完成度", "Attainment"),
    "expected": ("序时进度", "Expected pace"),
    "light": ("信号灯", "Light"),
    "category": ("判断", "Judgement"),
    "completeness": ("报送完整度", "Completeness"),
    "periods": ("报送期", "periods"),
    "periods.title": ("已报送的报告期 / 应报送的报告期", "reporting periods with a value / reporting periods ended"),
    "missing_weight": ("缺权重", "no weight"),
    "trend": ("趋势", "Trend"),
    "spark.alt": ("趋势：{first}至{last}共{count}期，由{a}到{b}，最低{lo}，最高{hi}",
                  "Trend over {count} periods, {first} to {last}: from {a} to {b}, low {lo}, high {hi}"),
    "unit": ("单位", "Unit"),
    "data_through": ("数据截至", "Data through"),
    "children": ("下辖地区", "Subdivisions"),
    "no_children": ("无下辖地区。", "No subdivisions."),
    "breadcrumbs": ("层级", "Hierarchy"),
    "chart": ("实际值与目标", "Actual against target"),
    "chart.actual": ("实际（累计）", "Actual (year to date)"),
    "chart.actual_level": ("实际", "Actual"),
    "chart.target": ("目标", "Target"),
    "chart.trajectory": ("序时/路径", "Pace / trajectory"),
    "chart.empty": ("暂无数据。", "No data yet."),
    "chart.download": ("下载图表", "Download the chart"),
    "chart.hint": ("将鼠标移到图上，或选中图后用左右方向键，查看各期的实际值、目标与序时进度。",
                   "Point at the chart, or focus it and use the left and right arrow keys, to read each "
                   "period's value, target and pace."),
    "chart.table": ("图表数据", "The chart's data"),
    "chart.pace_at": ("序时进度", "Pace"),
    "chart.target_period": ("目标期", "Target period"),
    "chart.date": ("日期", "Date"),
    "show_region": ("显示地区", "Show region"),
    "child_table": ("各下辖地区", "By subdivision"),
    "map": ("全省21个地级以上市（方块地图）", "The 21 cities of Guangdong (tile map)"),
    "map.note": ("方块按地理位置大致排列，并非边界地图；颜色表示完成度。",
                 "Tiles are placed roughly geographically; this is not a boundary map. Colour shows attainment."),
    "map.legend": ("图例", "Legend"),
    "rank": ("排名", "Rank"),
    "change": ("变化", "Change"),
    "score": ("综合得分", "Score"),
    "previous_rank": ("上期排名", "Previous rank"),
    "level": ("范围", "Scope"),
    "level.city": ("全省各市", "Cities of the province"),
    "level.county": ("某市各县区", "Counties of a city"),
    "within": ("所属市", "City"),
    "composite": ("综合（多指标）", "Composite (several indicators)"),
    "composite.of": ("综合指标：", "Composite of: "),
    "rank.vs": ("与上期比较：", "Compared with: "),
    # the audit log's actions (services/audit.py and its callers), as the history page says them
    "audit.import": ("导入", "import"), "audit.import-committed": ("导入完成", "import committed"),
    "audit.import-partial": ("部分导入", "import in part"), "audit.import-rejected": ("导入被拒", "import rejected"),
    "audit.target": ("设定目标", "target set"), "audit.submit": ("提交", "submitted"),
    "audit.approve": ("审核通过", "approved"), "audit.return": ("退回", "returned"),
    "audit.lock": ("锁定", "locked"), "audit.unlock": ("解锁", "unlocked"),
    "audit.period-lock": ("锁定期间", "period locked"), "audit.period-unlock": ("解锁期间", "period unlocked"),
    "audit.lock-rule": ("设定锁定规则", "lock rule set"), "audit.login": ("登录", "signed in"),
    "audit.user-add": ("新建用户", "user added"), "audit.user-password": ("修改密码", "password changed"),
    "audit.user-enable": ("启用用户", "user enabled"), "audit.user-disable": ("停用用户", "user disabled"),
    "audit.user-email": ("设定邮箱", "email set"), "audit.grant": ("授权", "role granted"),
    "audit.revoke": ("撤销授权", "role revoked"), "audit.token-create": ("新建 API 令牌", "API token created"),
    "audit.token-revoke": ("撤销 API 令牌", "API token revoked"),
    "rank.empty": ("无法排名：{within}的{level}在{period}都没有“{indicator}”的数据。",
                   "Nothing to rank: no {level} of {within} has data on “{indicator}” for {period}."),
    "rank.empty.pick": ("请改选有数据的时期：", "Pick a period with data: "),
    "rank.empty.other": ("或换一个指标、层级。", "or another indicator or level."),
    "rank.empty.none": ("这一层级还没有该指标的任何数据，请换一个指标或层级。",
                        "There is no data on this indicator at this level yet: pick another indicator or level."),
    "coverage.intro": ("每一行是本规划的一个条目，每一列是一个市；格内写出该市在该条目上缺什么，下方有说明。",
                       "Each row is a node of this plan and each column a city; a cell names what the city lacks "
                       "for that node (key below the table)."),
    "coverage.cell.no-aligned-node": ("缺对应", "no link"),
    "coverage.cell.no-targets": ("缺目标", "no target"),
    "coverage.cell.no-data": ("缺数据", "no data"),
    "coverage.complete": ("齐全", "complete"),
    "coverage.na": ("不适用", "not applicable"),
    "coverage.explain.no-aligned-node": ("该市的规划中没有条目对应本条目",
                                         "the city's plan has no node aligned to this node"),
    "coverage.explain.no-targets": ("衡量本条目的指标在该市没有目标",
                                    "the indicators measuring this node have no target in the city"),
    "coverage.explain.no-data": ("衡量本条目的指标在该市有的没有数据",
                                 "some indicators measuring this node have no data in the city"),
    "coverage.explain.complete": ("齐全：对应条目、目标和数据都有", "complete: aligned node, targets and data are all there"),
    "coverage.explain.na": ("不适用：该市没有本地规划，本条目也没有指标", "not applicable: the city has no plan of its own "
                            "and the node has no indicators"),
    "coverage.explain.plan": ("该市有本地规划（与本规划对应）", "the city has a plan of its own, aligned to this one"),
    "coverage.explain.no-plan": ("该市没有本地规划，只检查目标和数据",
                                 "the city has no plan of its own: only targets and data are checked"),
    "coverage.node": ("规划条目", "Plan node"),
    "gap.no-plan": ("无本地规划", "no local plan"),
    "gap.no-aligned-node": ("无对应条目", "no aligned node"),
    "gap.no-targets": ("无目标", "no targets"),
    "gap.no-data": ("数据不全", "data missing"),
    "outcomes.intro": ("广东省政府工作报告等文件提出的预期目标，以及次年报告、统计公报或后续文件公布的完成情况"
                       "（含政策文件中待审核的目标）。",
                       "Targets set in Guangdong's government work reports and other documents, and the outcomes "
                       "reported a year later (including targets proposed in policy documents, awaiting review)."),
    "year": ("年份", "Year"),
    "comparator": ("口径", "Comparator"),
    "outcome": ("完成值", "Outcome"),
    "met": ("是否完成", "Met"),
    "met.yes": ("✔ 完成", "✔ met"),
    "met.no": ("✘ 未完成", "✘ not met"),
    "met.pending": ("… 待公布", "… awaiting outcome"),
    "met.not_published": ("… 尚未公布", "… not yet published"),
    "met.not_published.by": ("预计{date}前公布", "due by {date}"),
    "met.not_recorded": ("已公布，未录入", "published, not recorded"),
    "met.not_recorded.hint": ("该年完成情况已于{date}前公布，但落实中还没有录入", "the outcome was public by {date} but is not recorded in luoshi"),
    "met.recorded": ("已录入，无法判断", "recorded, cannot be judged"),
    "document": ("文件", "Document"),
    "quote": ("原文", "Wording"),
    "error": ("出错了", "Something went wrong"),
    "back_home": ("返回总览", "Back to the overview"),
    "all_indicators": ("全部指标", "All indicators"),
    "frequency": ("频率", "Frequency"),
    "direction": ("方向", "Direction"),
    "direction.higher": ("越高越好", "higher is better"),
    "direction.lower": ("越低越好", "lower is better"),
    "direction.target": ("接近目标", "close to target"),
    "status": ("状态", "Status"),
    "sort.hint": ("点击表头排序", "Click a column header to sort"),
    "none": ("—", "—"),
    "kind.goal": ("目标", "Goal"),
    "kind.driving_force": ("动力", "Driving force"),
    "kind.breakthrough": ("突破", "Breakthrough"),
    "kind.task": ("任务", "Task"),
    "verified": ("已核实", "verified"),
    "topic": ("仅主题", "topic only"),
    "inferred": ("推断", "inferred"),
    "illustrative": ("示意", "illustrative"),
    "synthetic": ("合成", "synthetic"),
    "cat.ahead": ("超前", "ahead"),
    "cat.on_pace": ("序时推进", "on pace"),
    "cat.behind": ("滞后", "behind"),
    "cat.done": ("已完成", "done"),
    "cat.overdue": ("逾期未完成", "overdue"),
    "cat.missed": ("已无法完成", "missed"),
    "cat.incomplete": ("数据不全", "incomplete"),
    "cat.no_data": ("无数据", "no data"),
    "cat.no_target": ("未设目标", "no target"),
    "light.green": ("绿灯", "green"),
    "light.yellow": ("黄灯", "yellow"),
    "light.red": ("红灯", "red"),
    "light.blue": ("蓝灯·临期", "blue · due soon"),  # a task due soon (the task desk's fourth light)
    "light.grey": ("未判断", "not judged"),
    "comp.at_least": ("不低于", "at least"),
    "comp.at_most": ("不高于", "at most"),
    "comp.around": ("左右", "around"),
    "comp.between": ("区间", "between"),
    "comp.in_step": ("同步", "in step with"),
    "comp.exact": ("", ""),
    "freq.Y": ("年", "yearly"), "freq.S": ("半年", "half-yearly"), "freq.Q": ("季", "quarterly"),
    "freq.M": ("月", "monthly"), "freq.W": ("周", "weekly"), "freq.D": ("日", "daily"),
    "level.name.province": ("省", "province"), "level.name.city": ("市", "city"),
    "level.name.county": ("县区", "county"), "level.name.town": ("镇街", "town"),
    "level.name.village": ("村居", "village"),
    "docs.name": ("参数", "name"), "docs.in": ("位置", "in"), "docs.type": ("类型", "type"),
    "docs.description": ("说明", "description"), "docs.in.query": ("查询串", "query"), "docs.in.path": ("路径", "path"),
    "docs.in.header": ("请求头", "header"), "docs.in.cookie": ("Cookie", "cookie"), "docs.responses": ("应答状态：", "responses: "),
    "docs.schema": ("应答结构（JSON Schema）", "Response schema (JSON Schema)"),
    "docs.example": ("应答示例", "Example response"),
    "docs.title": ("API 文档（OpenAPI）", "API reference (OpenAPI)"),
    "docs.intro": ("每个页面的数据均可通过以下 JSON 接口获取；加 format=csv 下载表格。错误统一为 {status, code, message, message_zh}。",
                   "Every page is also available as JSON from the endpoints below; add format=csv for a table. "
                   "Every error has the shape {status, code, message, message_zh}."),
    # the indicator page: why it is behind, its trend, its definition (issue 18)
    "nav.glossary": ("术语", "Glossary"),
    "glossary.link": ("术语与阈值说明", "What the terms and lights mean"),
    "comma": ("，", ", "), "stop": ("。", "."), "semi": ("；", "; "), "colon": ("：", ": "), "list": ("、", ", "),
    "verdict": ("判断", "Verdict"),
    "verdict.line": ("实际值 / 序时应达值", "value / expected by now"),
    "light.of_region": ("该地区本期各指标的信号灯（滞后指标占比）", "the region's light over its indicators (share behind)"),
    "why.title": ("为什么：差距来自哪里", "Why: where the shortfall comes from"),
    "why.additive": ("该指标各地区数值相加，上级的差距按下辖地区分解：每个地区的差距 = 其目标按序时进度应达值 − 实际值"
                     "（越低越好的指标为实际值超出应达值的部分），占比 = 该差距 ÷ 上级差距；为负者超前，抵消了部分差距。",
                     "This indicator adds up over regions, so the parent's shortfall splits among its subdivisions: "
                     "each one's gap = its target's value expected by now minus its value (for a lower-is-better "
                     "indicator, the excess over it), and its share = that gap ÷ the parent's gap; a negative one "
                     "is ahead and makes up for part of the shortfall."),
    "why.not_additive": ("该指标为平均数、比率或极值，上级的差距不是下辖地区差距之和，不作分解；下表按各地区落后各自序时进度的"
                         "百分点由多到少排列。",
                         "This indicator is a mean, a ratio or an extreme: the parent's shortfall is not the sum of its "
                         "subdivisions', so it is not split; the subdivisions are listed by how many points each is "
                         "behind its own expected pace, furthest first."),
    "why.parent": ("本级", "This region"),
    "why.behind": ("落后序时进度，差距", "is behind its expected pace by"),
    "why.not_behind": ("未落后于序时进度，下表仍列出各下辖地区的差距。",
                       "is not behind its expected pace; the subdivisions' gaps are listed all the same."),
    "why.no_gap": ("本期无目标或无数据，无法计算差距；下表列出各下辖地区的差距。",
                   "has no target or no value for the period, so it has no gap; the subdivisions' gaps are listed."),
    "why.pace_value": ("序时应达", "Expected by now"),
    "why.gap": ("差距", "Gap"),
    "why.share": ("占差距", "Share of shortfall"),
    "why.shortfall_pp": ("落后序时（百分点）", "Behind pace (points)"),
    "why.remainder": ("下辖地区未能解释的部分", "Not explained by the subdivisions"),
    "why.remainder.note": ("下辖地区无目标或无数据、目标之和不等于上级目标，或上级自报数值",
                           "subdivisions without a target or a value, targets that do not add up to the parent's, "
                           "or a value the parent reported itself"),
    "why.without_gap": ("无差距可计（无目标或无数据）", "No gap (no target or no value)"),
    "trend.title": ("近期走势", "Recent trend"),
    "trend.up": ("上升", "up"), "trend.down": ("下降", "down"), "trend.flat": ("持平", "unchanged"),
    "trend.better": ("向好", "for the better"), "trend.worse": ("变差", "for the worse"),
    "trend.vs_prev": ("较上期", "on the previous period"),
    "trend.vs_year": ("较上年同期", "on the same period a year earlier"),
    "trend.none": ("数据不足，无法判断走势。", "Too few values for a trend."),
    "def.title": ("指标说明", "About this indicator"),
    "def.definition": ("定义", "Definition"),
    "def.none": ("未提供文字定义，以下为计算口径。", "No written definition; its measurement follows."),
    "def.method": ("计算方法", "Method"),
    "def.over_regions": ("跨地区", "Over regions"),
    "def.over_time": ("跨时间", "Over time"),
    "def.formula": ("比率", "Ratio"),
    "def.ratio_of_totals": ("分子、分母各按自身口径跨地区、跨时间汇总后再相除（合计之比，而非比率的平均）",
                            "each part aggregated over regions and time as it is, then divided (a ratio of totals, "
                            "never a mean of ratios)"),
    "def.judged": ("判断方式", "Judged"),
    "def.judged_pace": ("按序时进度：全期目标乘以已过报告期的时间比例", "against the expected pace: the full target "
                        "times the share of the period elapsed by the last reported period"),
    "def.judged_level": ("按水平值：与目标（或基期值到目标的路径、分期目标）比较",
                         "as a level: against the target (or the path from the baseline to it, or interim targets)"),
    "def.splits": ("差距可按下辖地区分解", "its shortfall splits among subdivisions"),
    "def.no_split": ("差距不可按下辖地区分解", "its shortfall does not split among subdivisions"),
    "region_agg.sum": ("各地区相加", "summed"), "region_agg.mean": ("各地区简单平均", "averaged"),
    "region_agg.wmean": ("各地区加权平均，权重为", "weighted mean, weighted by"),
    "region_agg.min": ("取各地区最小值", "the smallest"), "region_agg.max": ("取各地区最大值", "the largest"),
    "region_agg.none": ("不跨地区汇总", "not aggregated"),
    "time_agg.sum": ("期内各报告期相加（累计）", "summed over the reporting periods (year to date)"),
    "time_agg.last": ("取最近一期的值", "the latest value"), "time_agg.mean": ("期内各报告期平均", "averaged over the reporting periods"),
    "glossary.title": ("术语说明", "Glossary"),
    "glossary.intro": ("本系统判断进度所用的术语；阈值为当前规划的设置。", "The terms used to judge progress; the "
                       "thresholds are those set for the plan shown."),
    "glossary.plan": ("阈值所属规划", "Thresholds of the plan"),
    "glossary.builtin": ("内置默认阈值", "the built-in thresholds"),
    "g.pace": ("序时进度", "Expected pace"),
    "g.pace.text": ("到某一日期按时间比例应完成的进度：全期目标 × 已过时间的比例。例如全年目标过了 5 个月，序时进度约为 41.4%"
                    "（151/365）。", "The progress due by a date in proportion to the time elapsed: the full target times "
                    "the share of the period gone by. Five months into a year, the expected pace is about 41.4 % "
                    "(151/365 days)."),
    "g.pace.basis.reported": ("时间比例算到最近一个已结束的报告期末（如月度指标在 6 月 15 日算到 5 月 31 日）。",
                              "The elapsed share runs to the end of the last reporting period that is over (a "
                              "monthly indicator on 15 June counts to 31 May)."),
    "g.pace.basis.calendar": ("时间比例按日历算到当日。", "The elapsed share runs to the day itself."),
    "g.pace.method.linear": ("非累计指标的路径：从基期值到目标按时间线性推进。",
                             "A level's path runs in a straight line from the baseline to the target."),
    "g.pace.method.growth": ("非累计指标的路径：从基期值到目标按固定增长率推进。",
                             "A level's path grows at a constant rate from the baseline to the target."),
    "g.trajectory": ("分期目标", "Trajectory"),
    "g.trajectory.text": ("目标若设有分期（如各季度）目标，则以最近已到期的分期目标代替序时进度。",
                          "Where a target has interim targets (a trajectory), the latest one due replaces the "
                          "expected pace."),
    "g.shortfall": ("落后序时（百分点）", "Shortfall (points)"),
    "g.shortfall.text": ("序时进度减实际完成进度，单位为百分点；为负表示超前。", "The expected pace minus the progress "
                         "made, in percentage points; negative when ahead."),
    "g.gap": ("差距", "Gap"),
    "g.gap.text": ("序时应达值与实际值之差，以指标本身的单位计；可相加的指标可按下辖地区分解。", "The value expected by "
                   "now minus the value, in the indicator's own unit; for an indicator that adds up over regions it "
                   "splits among the subdivisions."),
    "g.lights": ("信号灯", "Lights"),
    "g.light.green": ("落后序时不足", "behind the pace by less than"),
    "g.light.yellow": ("落后序时", "behind the pace by"),
    "g.light.yellow.to": ("至", "to"),
    "g.light.red": ("落后序时超过", "behind the pace by more than"),
    "g.light.grey": ("无目标、无数据，或全期已结束但数据不全，无法判断。", "no target, no value, or the period is over "
                     "with values missing, so it cannot be judged."),
    "g.light.done": ("已完成全期目标为绿灯；期满未完成或上限已被突破为红灯。", "A target met in full is green; one not met "
                     "when the period is over, or a ceiling already broken, is red."),
    "g.points": ("个百分点", "points"),
    "g.ahead": ("超前", "Ahead"),
    "g.ahead.text": ("领先序时进度至少", "ahead of the pace by at least"),
    "g.node": ("规划条目和地区的信号灯", "Lights of plan nodes and regions"),
    "g.node.text": ("按所含已判断指标中滞后（含逾期、已无法完成）的比例：", "By the share of their judged indicators "
                    "that are behind (overdue and missed included):"),
    "g.share.yellow": ("达到", "from"),
    "g.share.red": ("达到", "from"),
    "g.completeness": ("报送完整度", "Completeness"),
    "g.completeness.text": ("下辖地区中已报送本期数值的个数 / 应报送的个数；“报送期 n/m”表示应报送的 m 个报告期中只有 n 个"
                            "有数值，此时不判为完成。", "How many subdivisions have a value for the period, of those "
                            "expected; \u201cperiods n/m\u201d means only n of the m reporting periods that have ended "
                            "have a value, and such a value is never judged met."),
    "g.stale": ("数据陈旧", "Stale"),
    "g.stale.text": ("最新数值早于一个报告周期（加宽限天数）以前，即视为陈旧：", "A series is stale when its latest value is "
                     "older than one reporting interval plus the grace days:"),
    "g.stale.grace": ("宽限天数", "grace days"),
    "g.days": ("天", "days"),
}

LIGHT_SYMBOL = {"green": "●", "yellow": "▲", "red": "■", "blue": "◇", "grey": "○"}

# Units of the bundled indicators in English (the Chinese unit is the stored one).
UNITS_EN = {
    "亿元": "100 million yuan", "万人": "10,000 persons", "万吨": "10,000 t", "家": "enterprises", "个": "",
    "人": "persons", "元": "yuan", "张": "beds", "万千瓦": "10 MW", "万亩": "10,000 mu", "万人次": "10,000 person-times",
    "%": "%", "μg/m³": "μg/m³",
}

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def pick(lang: str | None) -> str:
    return lang if lang in LANGS else "zh"


class Translator:
    """Strings and formatting for one language, handed to every template as ``i18n``."""

    def __init__(self, lang: str):
        self.lang = pick(lang)
        self.zh = self.lang == "zh"

    def __call__(self, key: str) -> str:
        pair = STRINGS.get(key)
        if pair is None:
            return key
        return pair[0] if self.zh else pair[1]

    def name(self, obj: dict | None, prefix: str = "name") -> str:
        """The object's name in this language (falling back to the other one)."""
        if not obj:
            return ""
        first, second = (f"{prefix}_zh", f"{prefix}_en") if self.zh else (f"{prefix}_en", f"{prefix}_zh")
        return obj.get(first) or obj.get(second) or obj.get("code", "")

    def written(self, obj: dict | None, field: str) -> str:
        """A text kept as written (a plan node's note, the document a target cites) with its Chinese
        version beside it (``<field>_zh``): the Chinese one in the Chinese interface."""
        if not obj:
            return ""
        return (obj.get(f"{field}_zh") if self.zh else None) or obj.get(field) or ""

    def number(self, value, decimals: int = 1) -> str:
        if value is None:
            return "—"
        try:
            v = float(value)
        except (TypeError, ValueError):
            return str(value)
        decimals = max(0, int(decimals if decimals is not None else 1))
        if self.zh and abs(v) >= 1e8:
            return f"{v / 1e8:,.2f}亿"
        if self.zh and abs(v) >= 1e5:
            return f"{v / 1e4:,.1f}万"
        return f"{v:,.{decimals}f}"

    def percent(self, value, decimals: int = 0) -> str:
        if value is None:
            return "—"
        return f"{float(value):,.{decimals}f}%"

    def unit(self, unit: str | None) -> str:
        if not unit:
            return ""
        return unit if self.zh else UNITS_EN.get(unit, unit)

    def date(self, value) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value[:10])
            except ValueError:
                return value
        if isinstance(value, datetime):
            value = value.date()
        if self.zh:
            return f"{value.year}年{value.month}月{value.day}日"
        return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"

    def period(self, code: str | None) -> str:
        if not code:
            return "—"
        try:
            p = parse(code)
        except PeriodError:
            return str(code)
        y, i, t = p.year, p.index, p.type
        if self.zh:
            return {"Y": f"{y}年", "S": f"{y}年{'上' if i == 1 else '下'}半年", "Q": f"{y}年第{i}季度",
                    "M": f"{y}年{i}月", "W": f"{y}年第{i}周"}.get(t, self.date(p.start))
        return {"Y": f"{y}", "S": f"{y} H{i}", "Q": f"{y} Q{i}", "M": f"{_MONTHS_EN[i - 1]} {y}",
                "W": f"{y} week {i}"}.get(t, self.date(p.start))

    def light(self, light: str | None) -> str:
        """Symbol and word, so that a light does not rely on colour alone."""
        light = light or "grey"
        return f"{LIGHT_SYMBOL.get(light, '?')} {self('light.' + light)}"

    def category(self, category: str | None) -> str:
        return self(f"cat.{category or 'no_data'}")

    def strings(self) -> dict[str, str]:
        return {k: (v[0] if self.zh else v[1]) for k, v in STRINGS.items()}
