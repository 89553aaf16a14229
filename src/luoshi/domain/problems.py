"""Data problems: a catalogue of stable error codes, and the report that collects them.

Bad input is reported, not raised: every loader returns a ``Report`` of ``Problem`` rows
(file, sheet, row, field, code, message).  Codes are kebab-case and never change meaning;
``docs/errors.md`` is generated from ``CATALOGUE``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class ErrorType:
    code: str
    title: str
    en: str  # message template, str.format fields
    zh: str
    severity: str = ERROR


CATALOGUE: dict[str, ErrorType] = {}


def _e(code, title, en, zh, severity=ERROR):
    CATALOGUE[code] = ErrorType(code, title, en, zh, severity)


_e("file-not-found", "File not found", "file not found: {path}", "找不到文件：{path}")
_e("unreadable-file", "Unreadable file", "cannot read the file: {detail}", "无法读取文件：{detail}")
_e("bad-format", "Malformed file", "the file is not valid {format}: {detail}", "文件不是有效的 {format}：{detail}")
_e("empty-file", "Empty file", "the file holds no data rows", "文件中没有数据行")
_e("missing-column", "Missing column", "required column {column!r} is missing", "缺少必需列 {column!r}")
_e("missing-value", "Missing value", "required field {column!r} is empty", "必填字段 {column!r} 为空")
_e("bad-period", "Bad period", "{value!r} is not a period (2024, 2024S1, 2024Q1, 2024-03, 2024W05, 2024-03-15)",
   "{value!r} 不是有效的期间（2024、2024S1、2024Q1、2024-03、2024W05、2024-03-15）")
_e("wrong-frequency", "Period does not match the frequency",
   "period {value!r} is a {got}, but {indicator} is reported by {expected}",
   "期间 {value!r} 为{got}，但指标 {indicator} 按{expected}报送")
_e("future-period", "Period in the future", "period {value!r} has not started yet", "期间 {value!r} 尚未开始")
_e("unknown-region", "Unknown region", "no region with code {value!r}", "不存在代码为 {value!r} 的地区")
_e("region-not-valid", "Region not valid in period", "region {value!r} did not exist in {period}",
   "地区 {value!r} 在 {period} 不存在")
_e("unknown-indicator", "Unknown indicator", "no indicator with code {value!r}", "不存在代码为 {value!r} 的指标")
_e("unknown-plan", "Unknown plan", "no plan with id {value!r}", "不存在编号为 {value!r} 的规划")
_e("unknown-node", "Unknown plan node", "plan {plan} has no node {value!r}", "规划 {plan} 中没有节点 {value!r}")
_e("unknown-unit", "Unknown unit", "no unit with code {value!r}", "不存在代码为 {value!r} 的单位")
_e("not-a-number", "Not a number", "{value!r} is not a number", "{value!r} 不是数字")
_e("wrong-unit", "Wrong unit", "unit {value!r} does not match {indicator}'s unit {expected!r}",
   "单位 {value!r} 与指标 {indicator} 的单位 {expected!r} 不符")
_e("out-of-range", "Value out of range", "{value} is outside the allowed range {low}..{high} for {indicator}",
   "{value} 超出指标 {indicator} 的允许范围 {low}..{high}")
_e("bad-value", "Bad value", "{column} {value!r} is not allowed: {detail}", "{column} 的值 {value!r} 不允许：{detail}")
_e("duplicate-row", "Duplicate row", "same key as row {other}", "与第 {other} 行的键重复")
_e("duplicate-code", "Duplicate code", "code {value!r} appears twice", "代码 {value!r} 重复")
_e("unknown-parent", "Unknown parent", "parent {value!r} is not defined", "上级 {value!r} 未定义")
_e("cycle", "Cycle in a tree", "{value!r} is its own ancestor", "{value!r} 成为自身的上级")
_e("bad-date", "Bad date", "{value!r} is not a date (YYYY-MM-DD)", "{value!r} 不是日期（YYYY-MM-DD）")
_e("bad-comparator", "Bad comparator", "{value!r} is not a comparator (at_least, at_most, around, between, in_step, exact)",
   "{value!r} 不是有效的比较方式（at_least、at_most、around、between、in_step、exact）")


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


def problem(code: str, *, file=None, row=None, field=None, sheet=None, **params) -> Problem:
    """Build a problem from the catalogue, filling both message templates."""
    et = CATALOGUE[code]
    return Problem(code=code, message=et.en.format(**params), message_zh=et.zh.format(**params), file=file,
                   row=row, field=field, sheet=sheet, severity=et.severity)


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

    def flatten(self, keys=("row", "field", "code")) -> list[list]:
        return [[getattr(p, k) for k in keys] for p in self.problems]

    def to_dict(self) -> dict:
        return {"file": self.file, "ok": self.ok, "rows_read": self.rows_read,
                "problems": [p.to_dict() for p in self.problems]}


class InputError(Exception):
    """Raised by services when a report holds errors, so that the transaction rolls back."""

    def __init__(self, report: Report):
        self.report = report
        first = report.errors[0] if report.errors else None
        more = f" (and {len(report.errors) - 1} more)" if len(report.errors) > 1 else ""
        super().__init__(f"{first}{more}" if first else "invalid input")
