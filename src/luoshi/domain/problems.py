"""Problems: a catalogue of stable error codes, the report that collects data problems, and the
one refusal type.

Bad input is reported, not raised: every loader returns a ``Report`` of ``Problem`` rows
(file, sheet, row, field, code, message).  A request that cannot be carried out raises a
``Refusal``: one catalogue problem and an HTTP status, which every shell renders the same way
(the web as the JSON envelope or the error page, the CLI as a message and an exit code).
Codes are kebab-case and never change meaning; ``docs/errors.md`` is generated from ``CATALOGUE``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from string import Formatter

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class ErrorType:
    code: str
    title: str
    en: str  # message template, str.format fields
    zh: str
    severity: str = ERROR
    # Appended to the message when every field it names is given (a caller that knows more says more).
    hint_en: str = ""
    hint_zh: str = ""


CATALOGUE: dict[str, ErrorType] = {}


def _e(code, title, en, zh, severity=ERROR, hint=("", "")):
    CATALOGUE[code] = ErrorType(code, title, en, zh, severity, *hint)


_e("file-not-found", "File not found", "file not found: {path}", "找不到文件：{path}")
_e("unreadable-file", "Unreadable file", "cannot read the file: {detail}", "无法读取文件：{detail_zh}")
_e("bad-format", "Malformed file", "the file is not valid {format}: {detail}", "文件不是有效的 {format_zh}：{detail_zh}")
_e("empty-file", "Empty file", "the file holds no data rows", "文件中没有数据行")
_e("missing-column", "Missing column", "required column {column!r} is missing", "缺少必需列 {column_zh}")
_e("ambiguous-column", "Ambiguous column header", "header {header!r} names several columns ({fields}); "
   "rename it to one of them", "列名 {header!r} 可能指多个列（{fields_zh}），请改为其中之一")
_e("duplicate-column", "Two columns for one field", "columns {headers} both give the {column}; keep one",
   "列 {headers} 都表示{column_zh}，请只保留一列")
_e("missing-value", "Missing value", "required field {column!r} is empty", "必填字段 {column!r} 为空")
_e("bad-period", "Bad period", "{value!r} is not a period (2024, 2024S1, 2024Q1, 2024-03, 2024W05, 2024-03-15)",
   "{value!r} 不是有效的期间（2024、2024S1、2024Q1、2024-03、2024W05、2024-03-15）")
_e("wrong-frequency", "Period does not match the frequency",
   "period {value!r} is a {got}, but {indicator} is reported by {expected}",
   "期间 {value!r} 为{got_zh}期间，但指标 {indicator} 按{expected_zh}报送")
_e("future-period", "Period in the future", "period {value!r} has not started yet", "期间 {value!r} 尚未开始")
_e("unknown-region", "Unknown region", "no region with code or name {value!r}", "不存在代码或名称为 {value!r} 的地区",
   hint=(" (use a GB/T 2260 code such as {example})", "（请使用 GB/T 2260 代码，如 {example}）"))
_e("region-not-valid", "Region not valid in period", "region {value!r} did not exist in {period}",
   "地区 {value!r} 在 {period} 不存在")
_e("unknown-indicator", "Unknown indicator", "no indicator with code or name {value!r}",
   "不存在代码或名称为 {value!r} 的指标")
_e("ambiguous-name", "Ambiguous name", "{value!r} names several: {candidates}; write the code",
   "{value!r} 对应多个对象：{candidates}；请填写代码")
_e("unknown-plan", "Unknown plan", "no plan with id {value!r}", "不存在编号为 {value!r} 的规划",
   hint=("; plans: {known}", "；现有规划：{known}"))
_e("unknown-node", "Unknown plan node", "plan {plan} has no node {value!r}", "规划 {plan} 中没有节点 {value!r}")
_e("unknown-unit", "Unknown unit", "no unit with code {value!r}", "不存在代码为 {value!r} 的单位")
_e("not-a-number", "Not a number", "{value!r} is not a number", "{value!r} 不是数字")
_e("wrong-unit", "Wrong unit", "unit {value!r} does not match {indicator}'s unit {expected!r}",
   "单位 {value!r} 与指标 {indicator} 的单位 {expected!r} 不符")
_e("out-of-range", "Value out of range", "{value} is outside the allowed range {low}..{high} for {indicator}",
   "{value} 超出指标 {indicator} 的允许范围 {low}..{high}")
_e("bad-value", "Bad value", "{column} {value!r} is not allowed: {detail}", "{column_zh} 的值 {value!r} 不允许：{detail_zh}")
_e("duplicate-row", "Duplicate row", "same key as row {other}", "与第 {other} 行的键重复")
_e("duplicate-code", "Duplicate code", "code {value!r} appears twice", "代码 {value!r} 重复")
_e("unknown-parent", "Unknown parent", "parent {value!r} is not defined", "上级 {value!r} 未定义")
_e("cycle", "Cycle in a tree", "{value!r} is its own ancestor", "{value!r} 成为自身的上级")
_e("bad-date", "Bad date", "{value!r} is not a date (YYYY-MM-DD)", "{value!r} 不是日期（YYYY-MM-DD）")
_e("date-out-of-range", "Date out of range", "{value!r} is outside the years {low} to {high}",
   "{value!r} 超出 {low} 至 {high} 年的范围")
# region changes (luoshi regions merge|split; services/region_changes.py)
_e("region-retired", "Region already retired", "region {value!r} was retired: its last day was {last}",
   "地区 {value!r} 已撤销，最后有效日为 {last}")
_e("region-exists", "Region code already exists", "a region with code {value!r} already exists",
   "代码为 {value!r} 的地区已存在")
_e("change-before-start", "Change dated before the region began",
   "the change on {date} is not after {value!r} began (its current form is valid from {start})",
   "变更日期 {date} 不晚于地区 {value!r} 的起始日期 {start}")
_e("child-without-parent", "Child region left without a parent",
   "{value!r} is under {parent!r}, which ends on {last}: say which new region it moves to",
   "{value!r} 隶属于 {parent!r}，后者于 {last} 撤销：请指定其划入的地区")
_e("values-after-change", "Values after the change stay with the retired region",
   "{value!r} has {n} value(s) for periods starting on or after {date}: they stay its own and no longer roll up",
   "地区 {value!r} 有 {n} 个期间起始于 {date} 或之后的数值：仍归属该地区，不再向上汇总", WARNING)
_e("duplicate-target", "Target exists", "{indicator} already has a target for {region} in {period} (target {other})",
   "指标 {indicator} 在 {region} {period} 已有目标（目标 {other}）")
_e("bad-comparator", "Bad comparator", "{value!r} is not a comparator (at_least, at_most, around, between, in_step, exact)",
   "{value!r} 不是有效的比较方式（at_least、at_most、around、between、in_step、exact）")

# --- reporting workflow (imports, validation, workflow; issue 4) -------------------------------
_e("ragged-row", "Wrong number of cells", "the row has {got} cells but the header has {expected}",
   "该行有 {got} 个单元格，表头有 {expected} 列")
_e("merged-cells", "Merged cells", "merged cells {range} in the data area; unmerge and fill every cell",
   "数据区域存在合并单元格 {range}，请取消合并并逐格填写")
_e("formula-cell", "Formula without a value", "cell {cell} holds a formula {formula!r} with no saved result; "
   "open and save the file in Excel, or paste values", "单元格 {cell} 含公式 {formula!r} 但没有保存计算结果；"
   "请在 Excel 中打开并保存，或粘贴为数值")
_e("formula-value", "Formula cell read as its value", "cell {cell} holds a formula; its saved result {value} was used",
   "单元格 {cell} 含公式，已使用其保存的结果 {value}", WARNING)
_e("scale-in-value", "Scale word in the value", "{value!r} was read as {number} {unit} (scale {scale} applied)",
   "{value!r} 已按 {number} {unit} 读取（换算倍数 {scale}）", WARNING)
_e("unit-converted", "Value converted to the indicator's unit", "{value} {given} was converted to {number} {unit}",
   "{value} {given} 已换算为 {number} {unit}", WARNING)
_e("implausible-number", "Implausibly large number", "{value!r} is too large to be a reported value (|x| > 1e15)",
   "{value!r} 数值过大，不可能是报送数据（绝对值 > 1e15）")
_e("children-sum-mismatch", "Region differs from the sum of its children",
   "{value} differs from the sum of the {n} child regions {total} by more than {tolerance:.1%}",
   "{value} 与 {n} 个下级地区合计 {total} 相差超过 {tolerance:.1%}")
_e("jump-without-comment", "Jump from the previous period needs a comment",
   "{value} vs {previous} in {period}: a change of {change} exceeds {threshold}; explain it in the comment column",
   "{value} 与上期 {period} 的 {previous} 相比变化 {change_zh}，超过 {threshold_zh}；请在备注栏说明原因")
_e("jump-explained", "Jump from the previous period (explained)",
   "{value} vs {previous} in {period}: a change of {change} exceeds {threshold}; comment: {comment}",
   "{value} 与上期 {period} 的 {previous} 相比变化 {change_zh}，超过 {threshold_zh}；说明：{comment}", WARNING)
_e("approved-exists", "Differs from an approved value", "an approved value {approved} exists for this key; "
   "only a reviewer can revise approved data", "该项已有审核通过的数值 {approved}；只有审核人可以修订已审核数据")
_e("period-locked", "Period is locked", "period {period} is locked for {indicator}; an admin must unlock it",
   "{indicator} 的期间 {period} 已锁定，需由管理员解锁")
_e("not-permitted", "Not permitted", "{user} may not {action}", "{user} 无权执行“{action_zh}”",
   hint=(" for region {value!r}", "（地区 {value!r}）"))
_e("unknown-mapping", "No mapping for a DHIS2 identifier", "no luoshi code mapped to DHIS2 {kind} {value!r}",
   "DHIS2 {kind} {value!r} 没有对应的 luoshi 代码")
_e("too-many-rows", "Too many rows", "more than {limit} rows; split the file", "行数超过 {limit}，请拆分文件")

# workspace settings (domain/settings.py)
_e("bad-setting", "Bad setting value", "{value!r} is not a valid value for setting {name}: expected {expected}",
   "{value!r} 不是设置项 {name} 的有效值，应为{expected_zh}")


# policy documents (ingest/documents.py)
_e("binary-file", "Binary file", "the file is binary, not text: {detail}", "文件是二进制文件而非文本：{detail_zh}")
_e("empty-document", "Empty document", "the document holds no text", "文档中没有文字")
_e("undecodable-text", "Undecodable text", "the text is neither UTF-8 nor GB18030: {detail}",
   "文字既不是 UTF-8 也不是 GB18030 编码：{detail_zh}")
_e("no-text-layer", "No text layer", "the PDF has no text layer (a scan?); run OCR first",
   "PDF 没有文字层（可能是扫描件），请先进行文字识别")
_e("too-large", "File too large", "the file is {size} bytes, over the limit of {limit}",
   "文件大小 {size} 字节，超过上限 {limit}", hint=(" (setting {setting})", "（设置项 {setting}）"))
_e("unsupported-format", "Unsupported format", "cannot read {suffix!r} files (use .txt .md .html .pdf .docx)",
   "不支持 {suffix!r} 文件（可用 .txt .md .html .pdf .docx）")
_e("content-mismatch", "Content does not match the name",
   "{value} is named {suffix} but holds {found}", "文件 {value} 的扩展名为 {suffix}，内容却是{found_zh}")
# ZIP archives given by users: XLSX and DOCX (ingest/archive.py)
_e("file-too-large-uncompressed", "Unpacks too large",
   "the {format} file unpacks to {size} bytes, over the limit of {limit} (setting zip_max_uncompressed_mb)",
   "{format_zh} 文件解压后为 {size} 字节，超过上限 {limit}（设置项 zip_max_uncompressed_mb）")
_e("compression-ratio", "Compressed too tightly",
   "the {format} file unpacks to {ratio} times its size, over the limit of {limit} (setting zip_max_ratio): "
   "a decompression bomb?", "{format_zh} 文件解压后为原大小的 {ratio} 倍，超过上限 {limit} 倍（设置项 zip_max_ratio），"
   "疑似解压炸弹")
_e("duplicate-document", "Duplicate document", "the same text is already stored as document {other}",
   "相同文本已存为文档 {other}")


@dataclass(frozen=True)
class Problem:
    """One problem found in input: where it is and which catalogue code it is."""

    code: str
    message: str
    file: str | None = None
    row: int | None = None
    field: str | None = None
    sheet: str | None = None
    severity: str = ERROR
    message_zh: str | None = None

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def __str__(self) -> str:
        where = ":".join(str(x) for x in (self.file, self.sheet, f"row {self.row}" if self.row else None) if x)
        fld = f" [{self.field}]" if self.field else ""
        return f"{where}{fld}: {self.code}: {self.message}" if where else f"{self.code}{fld}: {self.message}"


# The Chinese message of a free English detail (an exception's text, a parser's message): the
# English message keeps the detail, the Chinese one says where to find it.
DETAIL_ZH = "原因见英文信息"


def _names(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def _zh_params(template: str, params: dict) -> dict:
    """The parameters of a Chinese template: ``X_zh`` is the Chinese of parameter ``X`` (given by
    a caller that writes the text itself); when absent, a detail becomes ``DETAIL_ZH`` and any
    other parameter is shown as it is (a code, a number, a value from the input)."""
    out = dict(params)
    for name in _names(template):
        if name.endswith("_zh") and name not in out:
            base = name[:-3]
            out[name] = DETAIL_ZH if base == "detail" else params.get(base, "")
    return out


def one_of(allowed) -> dict:
    """The detail of a ``bad-value`` whose allowed values are a list of codes, in both languages."""
    allowed = [str(a) for a in allowed]
    return {"detail": f"one of {', '.join(allowed)}", "detail_zh": f"可选值：{'、'.join(allowed)}"}


def editable(fields) -> dict:
    """The detail of a ``bad-value`` for a field that may not be changed, in both languages."""
    fields = [str(f) for f in fields]
    return {"detail": f"editable: {', '.join(fields)}", "detail_zh": f"可修改的字段：{'、'.join(fields)}"}


def problem(code: str, *, file=None, row=None, field=None, sheet=None, **params) -> Problem:
    """Build a problem from the catalogue, filling both message templates (and the hint when its
    fields are given)."""
    et = CATALOGUE[code]
    hinted = (et.hint_en or et.hint_zh) and _names(et.hint_en + et.hint_zh) <= params.keys()
    en, zh = (et.en + et.hint_en, et.zh + et.hint_zh) if hinted else (et.en, et.zh)
    return Problem(code=code, message=en.format(**params), message_zh=zh.format(**_zh_params(zh, params)),
                   file=file, row=row, field=field, sheet=sheet, severity=et.severity)


@dataclass
class Report:
    """Problems collected while reading or validating one input."""

    file: str | None = None
    problems: list[Problem] = field(default_factory=list)
    limit: int = 1000
    rows_read: int = 0

    def add(self, code: str, **kw) -> None:
        if len(self.problems) < self.limit:
            kw.setdefault("file", self.file)
            self.problems.append(problem(code, **kw))

    def extend(self, problems) -> None:
        for p in problems:
            if len(self.problems) < self.limit:
                self.problems.append(p)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        """How many problems of each code (of those kept)."""
        out: dict[str, int] = {}
        for p in self.problems:
            out[p.code] = out.get(p.code, 0) + 1
        return dict(sorted(out.items()))

    def flatten(self, keys=("row", "field", "code")) -> list[list]:
        return [[getattr(p, k) for k in keys] for p in self.problems]

    def to_dict(self) -> dict:
        return {"file": self.file, "ok": self.ok, "rows_read": self.rows_read,
                "problems": [p.to_dict() for p in self.problems]}


# --- tasks and projects (issue 5) ----------------------------------------------------------------
_e("unknown-task", "Unknown task", "no task with id {value!r}", "不存在编号为 {value!r} 的任务")
_e("unknown-project", "Unknown project", "no project with id {value!r}", "不存在编号为 {value!r} 的项目")
_e("unknown-cluster", "Unknown cluster", "no industrial cluster with code {value!r}", "不存在代码为 {value!r} 的产业集群")
_e("duplicate-task", "Duplicate task", "task {value!r} already exists", "任务 {value!r} 已存在")
_e("bad-percent", "Bad percent complete", "{value!r} is not a percent between 0 and 100", "{value!r} 不是 0 到 100 之间的完成百分比")
_e("bad-share", "Bad milestone share", "milestone {title!r}: share {value!r} is not between 0 and 100",
   "节点 {title!r} 的工作量占比 {value!r} 不在 0 到 100 之间")
_e("shares-over-100", "Milestone shares over 100", "milestone shares add up to {value}, more than 100",
   "各节点工作量占比合计 {value}，超过 100")
_e("milestone-outside-task", "Milestone outside the task",
   "milestone {title!r} is due {value}, outside the task's {start}..{deadline}",
   "节点 {title!r} 的时限 {value} 不在任务起止时间 {start}..{deadline} 之内")
_e("bad-milestones", "Unreadable milestones", "cannot read milestone {value!r} (write 'YYYY-MM-DD title share%' per line)",
   "无法识别节点 {value!r}（每行写作“YYYY-MM-DD 名称 占比%”）")
_e("deadline-before-start", "Deadline before start", "deadline {value} is before the start {start}",
   "完成时限 {value} 早于开始时间 {start}")
_e("bad-month", "Bad month", "{value!r} is not a month (YYYY-MM)", "{value!r} 不是月份（YYYY-MM）")
_e("not-lead-unit", "Not the lead unit", "{actor} of {unit} may not report on task {task}: the lead unit is {lead}",
   "{unit} 的 {actor} 无权报送任务 {task} 的进展：牵头单位为 {lead}")
_e("not-supervisor", "Not the supervising unit", "{actor} of {unit} may not decide on task {task}: the supervising unit is {supervisor}",
   "{unit} 的 {actor} 无权审核任务 {task}：督办单位为 {supervisor}")
_e("bad-task-state", "Not allowed in this state", "task {task} is {state}: cannot {action}",
   "任务 {task} 当前状态为 {state_zh}，不能{action_zh}")
_e("no-pending-request", "No pending request", "task {task} has no pending {kind} request",
   "任务 {task} 没有待审核的{kind_zh}申请")
_e("extension-not-later", "Extension not later", "new deadline {value} is not after the current deadline {deadline}",
   "新的完成时限 {value} 不晚于当前时限 {deadline}")
_e("missing-reason", "Reason required", "a reason is required to {action}", "{action_zh}须说明理由")
_e("file-too-large", "Evidence file too large", "{value} is {size} bytes; the limit is {limit}",
   "佐证材料 {value} 大小为 {size} 字节，超过上限 {limit}")
_e("file-type-not-allowed", "Evidence type not allowed", "{value}: type {media_type!r} is not allowed ({allowed})",
   "佐证材料 {value} 的类型 {media_type!r} 不允许（允许：{allowed}）")
_e("percent-decreased", "Percent complete went down", "percent complete falls from {previous} to {value}",
   "完成百分比由 {previous} 降至 {value}", WARNING)

# --- refusals of a request: what services and shells answer (web status, CLI exit code) --------------
_e("invalid-input", "Invalid input", "the input has problems", "输入有误")
_e("unknown-period", "Period outside the workspace", "no period {value!r} in the workspace (it holds {low} to {high})",
   "工作区中没有期间 {value!r}（范围为 {low} 至 {high}）")
_e("unknown-setting", "Unknown setting", "no setting {value!r}; settings: {known}", "不存在设置 {value!r}；现有设置：{known}")
_e("unknown-document", "Unknown document", "no document with id {value!r}", "不存在编号为 {value!r} 的文档")
_e("unknown-commitment", "Unknown commitment", "no commitment with id {value!r}", "不存在编号为 {value!r} 的承诺事项")
_e("already-accepted", "Commitment already accepted", "commitment {value!r} is already accepted",
   "承诺事项 {value!r} 已采纳")
_e("unknown-evidence", "Unknown evidence file", "no evidence file with id {value!r}", "不存在编号为 {value!r} 的佐证材料")
_e("unknown-user", "Unknown user", "no user {value!r}", "不存在用户 {value!r}")
_e("unknown-token", "Unknown API token", "no API token with id {value!r}", "不存在编号为 {value!r} 的 API 令牌")
_e("unknown-import", "Unknown import", "no import with id {value!r}", "不存在编号为 {value!r} 的导入")
_e("duplicate-user", "User exists", "user {value!r} already exists", "用户 {value!r} 已存在")
_e("unknown-grant", "Unknown grant", "user {user!r} holds no active grant with id {value!r}",
   "用户 {user!r} 没有编号为 {value!r} 的有效授权")
_e("not-a-member", "Not a member of the unit", "user {user!r} is not a member of unit {value!r}",
   "用户 {user!r} 不是单位 {value!r} 的成员")
_e("first-user-not-admin", "The first user must be an administrator",
   "no user exists yet, so the first one must be an administrator of the whole region tree, or nobody could "
   "manage users", "尚无用户，第一个用户必须是全部地区的管理员，否则无人能管理用户",
   hint=(": {how}", "：{how_zh}"))
_e("last-admin", "The last administrator", "{value!r} is the last enabled administrator of the whole region tree "
   "({region}); make another administrator first", "{value!r} 是全部地区（{region}）最后一个启用的管理员；请先设立另一位管理员")
_e("weak-password", "Password too short", "passwords need at least {min} characters", "密码至少需要 {min} 个字符")
_e("bad-login", "Wrong user name or password", "wrong user name or password", "用户名或密码错误")
_e("rate-limited", "Too many failed logins", "too many failed logins from this address; try again in {seconds} "
   "seconds", "此地址登录失败次数过多，请 {seconds} 秒后再试")
_e("bad-token", "Bad API token", "the API token is unknown, expired or revoked", "API 令牌不存在、已过期或已撤销")
_e("not-authenticated", "Not signed in", "log in or send an API token", "请先登录或提供 API 令牌")
_e("csrf", "Missing or wrong CSRF token", "missing or wrong CSRF token; reload the page and send the form again",
   "缺少 CSRF 令牌或令牌不符；请刷新页面后重新提交")
_e("no-user", "Who is acting?", "users exist: say who you are (--as USER or LUOSHI_USER, or LUOSHI_TOKEN)",
   "已有用户：请说明身份（--as 用户名、LUOSHI_USER 或 LUOSHI_TOKEN）")
_e("no-workspace", "No workspace", "no workspace at {path} (run `luoshi init` or `luoshi demo` first)",
   "{path} 处没有工作区（请先运行 `luoshi init` 或 `luoshi demo`）")
_e("server-unavailable", "Server unavailable", "the workspace's process of `luoshi serve` does not answer (it is "
   "starting, stopping or was stopped); try again in a few seconds", "`luoshi serve` 中持有工作区的进程没有应答（正在启动、停止或已停止）；请几秒后重试")
_e("workspace-busy", "Workspace in use", "the workspace {path} is open in another process ({holder}): a DuckDB "
   "file is opened by one process at a time; run the command again once that process has closed it",
   "工作区 {path} 正被另一进程（{holder}）打开：一个 DuckDB 文件同一时间只能由一个进程打开；请在该进程关闭它后再运行此命令",
   hint=("; it is `luoshi serve` at {server}: other luoshi commands run through it, but this one needs the "
         "file to itself, so stop the server (Ctrl-C) first",
         "；它是 {server} 上的 `luoshi serve`：其他 luoshi 命令会经由它运行，但此命令需要独占该文件，请先停止服务（Ctrl-C）"))
_e("local-cli-only", "Only the luoshi command on this machine",
   "only the luoshi command on this machine, with the secret `luoshi serve` wrote beside the workspace, may "
   "run commands here", "只有本机上持有 `luoshi serve` 写在工作区旁的密钥的 luoshi 命令才能在此运行命令")
_e("cannot-ask", "Cannot ask on the terminal",
   "this command would ask for {what} on the terminal, but it runs inside the `luoshi serve` that holds the "
   "workspace, which cannot ask: give it with {option}",
   "此命令需要在终端输入{what_zh}，但它在占用工作区的 `luoshi serve` 中运行，无法询问：请用 {option} 提供")
_e("not-a-demo-workspace", "Not a demo workspace",
   "{path} holds a workspace (or another file) that is not a demo workspace: `luoshi demo` replaces only one "
   "it built, so that no data or audit log is lost; give another file with --db, or remove this one yourself",
   "{path} 处的工作区（或其他文件）不是演示工作区：`luoshi demo` 只替换它自己建立的工作区，以免丢失数据和审计日志；"
   "请用 --db 指定其他文件，或自行删除该文件")
_e("no-users", "No user guards a public address",
   "refusing to listen on {host}: no user exists, so anyone could write; add an admin first "
   "(luoshi user add NAME --admin --password-env VAR) or listen on 127.0.0.1",
   "拒绝监听 {host}：尚无用户，任何人都可写入；请先添加管理员（luoshi user add 用户名 --admin --password-env 变量名），"
   "或只监听 127.0.0.1")
_e("cannot-write", "Cannot write the file", "cannot write {path}: {detail}", "无法写入文件 {path}：{detail_zh}")
_e("missing-fonts", "Chinese fonts missing", "the PDF needs the Noto CJK fonts in {path}: install Debian's "
   "fonts-noto-cjk (make browser)", "生成 PDF 需要 {path} 中的 Noto CJK 字体：请安装 Debian 的 fonts-noto-cjk（make browser）")
_e("no-spark", "Spark is not installed", "the Spark engine needs PySpark and a Java runtime: "
   "pip install '.[spark]' and Debian's openjdk-17-jre-headless (make spark), or use --engine duckdb",
   "Spark 引擎需要 PySpark 和 Java 运行环境：请 pip install '.[spark]' 并安装 Debian 的 openjdk-17-jre-headless"
   "（make spark），或改用 --engine duckdb")
_e("spark-failed", "The Spark job failed", "the Spark job failed: {detail}", "Spark 作业失败：{detail_zh}")
_e("rollup-attached", "The rollup is read from Parquet",
   "this workspace reads its rollup from {path} (made by `luoshi rollup --engine spark`), so values and "
   "structure cannot change here: run the Spark rollup again and attach it, or `luoshi rollup --engine duckdb` "
   "to roll up here again",
   "此工作区的汇总读自 {path}（由 `luoshi rollup --engine spark` 生成），此处不能修改数值或结构：请重新运行 Spark 汇总并挂接，"
   "或运行 `luoshi rollup --engine duckdb` 在本地重新汇总")
_e("rollup-mismatch", "The rollup does not describe this workspace",
   "{path} was made from other data ({detail}): run `luoshi rollup --engine spark -o {path} --attach` again",
   "{path} 由其他数据生成（{detail_zh}）：请重新运行 `luoshi rollup --engine spark -o {path} --attach`")
_e("rollup-missing", "The attached rollup is gone",
   "the rollup attached from {path} cannot be read ({detail}): run the Spark rollup again, or "
   "`luoshi rollup --engine duckdb` to roll up here",
   "挂接的汇总 {path} 无法读取（{detail_zh}）：请重新运行 Spark 汇总，或运行 `luoshi rollup --engine duckdb` 在本地汇总")
_e("address-in-use", "Cannot listen", "cannot listen on {host}:{port}: {detail}", "无法监听 {host}:{port}：{detail_zh}")
_e("bad-level", "Bad level", "level {value!r} is not one of {known}", "层级 {value!r} 无效，可选：{known}")
_e("bad-weight", "Bad weights", "weights {value} do not fit: give one non-negative number per indicator "
   "({n} indicators), not all zero", "权重 {value} 无效：每个指标给一个非负数（共 {n} 个指标），且不能全为零")
_e("not-found", "Not found", "no page or endpoint at {path}; see /docs for the API",
   "不存在页面或接口 {path}；接口说明见 /docs")
_e("method-not-allowed", "Method not allowed", "{method} is not allowed on {path}", "{path} 不接受 {method} 请求")
_e("bad-query", "Malformed request", "the request's {where} is missing or malformed ({detail})",
   "请求参数 {where} 缺失或格式有误")
_e("bad-request", "Unreadable request", "the request cannot be read: {detail}", "无法读取该请求")
# notifications (services/notices.py, services/mail.py)
_e("unknown-notice", "Unknown notice", "no notice {value!r} in your inbox", "您的收件箱中没有通知 {value!r}")
_e("bad-email", "Bad email address", "{value!r} is not an email address (name@host)",
   "{value!r} 不是有效的电子邮件地址（name@host）")
_e("smtp-unreachable", "Mail server unreachable", "cannot reach the mail server {host}:{port} ({detail}); "
   "no reminder was marked sent, run the command again once the server answers",
   "无法连接邮件服务器 {host}:{port}（{detail_zh}）；提醒均未标记为已发送，服务器恢复后请重新运行")
_e("smtp-refused", "Mail server refused", "the mail server {host}:{port} refused: {detail}; "
   "no reminder was marked sent (check smtp_user, its password variable {env} and smtp_sender)",
   "邮件服务器 {host}:{port} 拒绝：{detail_zh}；提醒均未标记为已发送（请检查 smtp_user、密码环境变量 {env} 和 smtp_sender）")
_e("internal-error", "Internal error", "internal error; the server log has the details", "服务器内部错误，详情见服务器日志")


# How to do what a refusal asks, said the way of the shell that shows it: a web page never tells
# its reader to type a command.  Filled in by each shell (Refusal.said_for) from the refusal's params.
WAYS: dict[str, dict[str, tuple[str, str]]] = {
    "first-user-not-admin": {
        "cli": ("luoshi user add {value} --admin --password-env VAR",
                "luoshi user add {value} --admin --password-env 变量名"),
        "web": ("on the Users page, create {value!r} with the first role 'administrator' and the region left "
                "empty (the top)", "请在“用户”页创建 {value!r}，首个角色选“管理员”，地区留空（最上级）"),
    },
}


class Refusal(Exception):
    """A request that cannot be carried out: one catalogue problem and the HTTP status it answers with.

    The one error type of services and shells.  The web's error mapper answers it as the envelope
    ``{status, code, message, message_zh}`` (or the error page); the CLI's prints the code and both
    messages and exits 3 when not permitted (401, 403), else 2."""

    retry_after: int | None = None  # seconds before asking again is worth it (the web's Retry-After header)
    params: dict = {}

    def __init__(self, code: str, status: int = 400, *, retry_after: int | None = None, **params):
        self.problem = problem(code, **params)
        self.params = params  # what the message was made from (a shell may say more with them)
        self.status = status
        self.retry_after = retry_after
        super().__init__(self.problem.message)

    @property
    def code(self) -> str:
        return self.problem.code

    def said_for(self, shell: str) -> Refusal:
        """This refusal with the way to do what it asks in ``shell`` ('cli' or 'web'), when it has one."""
        way = WAYS.get(self.code, {}).get(shell)
        if way is None or type(self) is not Refusal:
            return self
        how, how_zh = (text.format(**self.params) for text in way)
        return Refusal(self.code, self.status, retry_after=self.retry_after,
                       **(self.params | {"how": how, "how_zh": how_zh}))

    @property
    def problems(self) -> list[Problem]:
        """The data problems behind the refusal: none, but an ``InputError``'s report."""
        return []

    def envelope(self) -> dict:
        """The one JSON error shape (``problems`` only when a report stands behind the refusal)."""
        return {"status": self.status, "code": self.code, "message": self.problem.message,
                "message_zh": self.problem.message_zh}


class InputError(Refusal):
    """The refusal of input whose report holds errors (raised inside a write, so that it rolls back):
    its problem is the report's first error, and it carries the whole report."""

    def __init__(self, report: Report, status: int = 400):
        self.report = report
        errors = report.errors
        first = errors[0] if errors else problem("invalid-input")
        n = len(errors) - 1
        more = (f" (and {n} more)", f"（另有 {n} 处）") if n > 0 else ("", "")
        self.problem = Problem(first.code, first.message + more[0], first.file, first.row, first.field, first.sheet,
                               first.severity, (first.message_zh or "") + more[1])
        self.status = status
        Exception.__init__(self, f"{first}{more[0]}")

    @property
    def problems(self) -> list[Problem]:
        return self.report.problems

    def envelope(self) -> dict:
        return super().envelope() | {"problems": [p.to_dict() for p in self.problems]}
