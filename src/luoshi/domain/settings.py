"""The workspace settings, declared once with their type: read by the Workspace (typed values), the
CLI (`luoshi settings`), the web (`/api/settings`, its defaults) and docs/settings.md, which is
generated from ``SETTINGS`` (``python -m luoshi.cli.reference``; a test keeps it current)."""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable
from dataclasses import dataclass

from luoshi.domain.problems import InputError, Refusal, Report
from luoshi.domain.regions import LEVELS

Value = str | float | bool
TRUE, FALSE = ("true", "yes", "1"), ("false", "no", "0")


@dataclass(frozen=True)
class Setting:
    """One setting: its name, type (str, float or bool), default, allowed values and meaning."""

    name: str
    default: Value
    help: str
    type: type = str
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    allowed: tuple[str, str] = ()  # (en, zh) what a valid value is, where the type and choices do not say it
    check: Callable[[str], object] | None = None  # raises ValueError for a text value it does not allow

    def parse(self, text: str) -> Value:
        """The typed value of ``text``; ValueError if it is not one this setting allows."""
        t = str(text).strip()
        if self.type is bool:
            if t.lower() in TRUE + FALSE:
                return t.lower() in TRUE
            raise ValueError(t)
        if self.type is float:
            v = float(t)  # ValueError for a non-number
            if not math.isfinite(v) or (self.minimum is not None and v < self.minimum):
                raise ValueError(t)
            return v
        if self.choices and t not in self.choices:
            raise ValueError(t)
        if self.check:
            self.check(t)
        return t

    def text(self, value: Value) -> str:
        """How a value is stored and shown: true/false, a number as written (0.5, 10), or the text."""
        if self.type is bool:
            return "true" if value else "false"
        if self.type is float:
            return f"{value:g}"
        return str(value)

    def expected(self) -> tuple[str, str]:
        """What a valid value looks like, in English and Chinese (for the refusal and the docs)."""
        if self.allowed:
            return self.allowed
        if self.type is bool:
            return "true or false", "true 或 false"
        if self.type is float:
            if self.minimum is None:
                return "a number", "数字"
            return f"a number >= {self.minimum:g}", f"不小于 {self.minimum:g} 的数字"
        if self.choices:
            return "one of " + ", ".join(self.choices), "以下之一：" + "、".join(self.choices)
        return "any text", "任意文字"


def proxy_networks(text: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The networks of a ``trusted_proxies`` value: comma-separated addresses or CIDR networks
    (an address is its own /32 or /128); ValueError for anything else."""
    return [ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip()]


SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("value_basis", "approved", "which revision the rollups use: the latest approved one ('approved') or "
            "the latest whatever its state ('latest'); changing it recomputes the rollup",
            choices=("approved", "latest")),
    Setting("language", "zh", "the default language of names in the web pages: 'zh' or 'en'",
            choices=("zh", "en")),
    Setting("default_plan", "", "the plan that commands, pages and the API show when none is named; empty: the "
            "workspace's first top-level plan by id (loading the bundled data sets it to gd-1310). Setting it "
            "names a plan of the workspace", allowed=("a plan id of the workspace, or empty",
                                                      "本工作区的规划编号，或留空")),
    # reporting workflow (services/reporting.py)
    Setting("children_tolerance", 0.01, "imports: the largest relative gap between a region's value and the sum "
            "of its child regions' values before the import reports it", type=float, minimum=0),
    Setting("jump_ratio", 0.5, "imports: the relative change against the previous period that needs a comment "
            "(0.5: 50 %)", type=float, minimum=0),
    Setting("jump_points", 10.0, "imports: the change in percentage points (for indicators in %) that needs a "
            "comment", type=float, minimum=0),
    Setting("report_due_days", 15.0, "reporting: the days after a period ends by which its values are due (the "
            "completeness page's on-time share and overdue reporters); the report_schedule table may set other "
            "days per indicator and level", type=float, minimum=0),
    Setting("report_level", "county", "reporting: the deepest level of region that reports values. The "
            "completeness page expects values of the regions of this level (and of a region above it without "
            "children at this level: Dongguan and Zhongshan report as cities), bottom-up approval waits for "
            "them, and the entry form lists regions down to it. The bundled towns and villages do not report "
            "unless this is town or village", choices=LEVELS),
    Setting("approval_bottom_up", False, "approve a region's values only after those of its child regions",
            type=bool),
    # the web server (web/auth.py, web/headers.py)
    Setting("dashboards_public", False, "once users exist, whether the dashboards (plan, regions, indicators, "
            "rankings, coverage, outcomes, tasks, projects, documents and their /api twins) may be read without "
            "signing in; false: every page but the sign-in page needs a signed-in user or an API token. "
            "Reporting, review and administration always need sign-in; without any user the local single "
            "user reads everything", type=bool),
    Setting("trusted_proxies", "", "read when `luoshi serve` starts: the reverse proxies in front of it: a request whose direct peer "
            "is one of them is taken to come from the client its X-Forwarded-For header names, over the scheme "
            "its X-Forwarded-Proto names (login limits per client address, Secure cookies, HSTS); from any other "
            "peer those headers are ignored (the Forwarded header always is). Empty: none, the peer is the client",
            allowed=("comma-separated IP addresses or networks (10.0.0.0/8), or empty",
                     "以逗号分隔的 IP 地址或网段（如 10.0.0.0/8），或留空"), check=proxy_networks),
    # email of notices and reminders (services/mail.py, `luoshi remind`)
    Setting("smtp_host", "", "the SMTP server that sends notices and reminders by email; empty: no email, "
            "notices stay in the in-app inbox (/inbox)", allowed=("a host name or address, or empty",
                                                                 "主机名或地址，或留空")),
    Setting("smtp_port", 25.0, "the SMTP server's port (25, 587 with starttls, 465 with ssl)", type=float,
            minimum=1),
    Setting("smtp_tls", "starttls", "how mail is encrypted: 'none' (plain, for a relay on this machine), "
            "'starttls' (upgrade after connecting) or 'ssl' (TLS from the start)", choices=("none", "starttls", "ssl")),
    Setting("smtp_sender", "", "the From address of notices and reminders (luoshi@example.gov.cn)",
            allowed=("an email address, or empty", "电子邮件地址，或留空")),
    Setting("smtp_user", "", "the user name to log in to the SMTP server with; empty: no login",
            allowed=("any text", "任意文字")),
    Setting("site_url", "", "the address users open luoshi at (https://luoshi.example.gov.cn), put before the "
            "links in emails; empty: the links are paths (/tasks/T-1)",
            allowed=("an http(s) address, or empty", "http(s) 地址，或留空")),
    Setting("smtp_password_env", "LUOSHI_SMTP_PASSWORD", "the name of the environment variable holding the SMTP "
            "password (the password itself is never stored in the workspace)",
            allowed=("an environment variable name", "环境变量名")),
    # files given by users, at every door (ingest/limits.py, ingest/archive.py); 1 MB = 1,048,576 bytes
    Setting("import_max_mb", 200.0, "imports: the largest file (CSV, XLSX or JSON) read, in MB; a larger one is "
            "refused with too-large", type=float, minimum=0),
    Setting("document_max_mb", 20.0, "policy documents: the largest file added, in MB; a larger one is refused "
            "with too-large", type=float, minimum=0),
    Setting("evidence_max_mb", 20.0, "task reports: the largest evidence file, in MB; a larger one is refused with "
            "file-too-large (by the web upload: too-large)", type=float, minimum=0),
    Setting("zip_max_uncompressed_mb", 100.0, "XLSX and DOCX files (ZIP archives): the most their parts may unpack "
            "to, in MB, counted before anything is parsed and again while unpacking; more is refused with "
            "file-too-large-uncompressed", type=float, minimum=0),
    Setting("zip_max_ratio", 100.0, "XLSX and DOCX files: the most their parts may unpack to as a multiple of the "
            "file's size (a workbook unpacks to about 5 to 20 times its size); more is refused with "
            "compression-ratio, as a decompression bomb", type=float, minimum=1),
)}


def setting(name: str) -> Setting:
    """The declaration of ``name``; refused (unknown-setting) for a name that is not declared."""
    if name not in SETTINGS:
        raise Refusal("unknown-setting", 404, value=name, known=", ".join(SETTINGS))
    return SETTINGS[name]


def parse(name: str, value: Value) -> Value:
    """``value`` (text, or already typed) as the typed value of setting ``name``.  A value of the wrong
    type or outside the choices is refused as InputError with the problem ``bad-setting``."""
    s = setting(name)
    text = value if isinstance(value, str) else s.text(value)
    try:
        return s.parse(text)
    except ValueError:
        en, zh = s.expected()
        report = Report()
        report.add("bad-setting", field=name, name=name, value=text, expected=en, expected_zh=zh)
        raise InputError(report) from None


def markdown() -> str:
    """docs/settings.md."""
    lines = ["# Settings", "",
             "Generated from `luoshi.domain.settings.SETTINGS`; do not edit by hand "
             "(`make docs` writes it again).", "",
             "Each workspace keeps its own settings. `luoshi settings` lists them with their values; "
             "`luoshi settings set NAME VALUE` changes one and `luoshi settings reset NAME` returns it to "
             "its default. A value of the wrong type or outside the allowed values is refused with the "
             "error `bad-setting` and nothing changes; an unknown name gives `unknown-setting` "
             "(docs/errors.md). In Python, `Workspace.setting(NAME)` returns the typed value. "
             "The web API lists them at `/api/settings`.", "",
             "| setting | type | default | allowed values | meaning |", "|---|---|---|---|---|"]
    for s in SETTINGS.values():
        default = f"`{s.text(s.default)}`" if s.text(s.default) else "(empty)"
        cells = [f"`{s.name}`", s.type.__name__, default, s.expected()[0], s.help]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
