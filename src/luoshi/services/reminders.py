"""Reminders of items due soon or overdue, posted to the inbox and emailed, each once.

What is due comes from the one definition of each kind, never a second one:
* a task's deadline and milestones: the task judgement (domain/tasks.py: ``due_soon``, category
  ``overdue``, milestone states ``due``/``overdue``), to the members of the task's lead unit;
* a task's monthly progress report: ``task_views.report_calls`` (the latest month due, when missing);
* a region's values for the last ended month, quarter and year: ``completeness`` (missing indicators;
  due on the date it gives: the schedule's days, else the setting ``report_due_days``, after the period ends), to the users holding a reporter grant on that region.

A reminder's key is (user, item, kind, due date); ``remind`` records the key once the notice is posted
and, if the user has an address and mail is configured, the email sent.  A recorded key is never sent
again; a reminder whose email failed is not recorded, so that the next run tries it again."""

from __future__ import annotations

import smtplib
from contextlib import nullcontext
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone

from luoshi.domain.periods import MONTH, QUARTER, YEAR, containing
from luoshi.domain.regions import DEPTH, LEVELS
from luoshi.services import notices, task_views
from luoshi.services.completeness import completeness
from luoshi.services.mail import Mailer, MailSettings, message
from luoshi.services.taskdesk import TaskDesk

SOON_DAYS = 7  # values not in yet whose due date is this close are "due soon" (tasks use their rules' blue_days)
KINDS = {  # kind: (Chinese, English) of the subject's opening words
    "task-due": ("任务即将到期", "Task due soon"), "task-overdue": ("任务已逾期", "Task overdue"),
    "milestone-due": ("节点即将到期", "Milestone due soon"), "milestone-overdue": ("节点已逾期", "Milestone overdue"),
    "report-overdue": ("进展未按时报送", "Progress report overdue"),
    "values-due": ("数值即将到报送期限", "Values due soon"), "values-overdue": ("数值逾期未报", "Values overdue"),
}


@dataclass(frozen=True)
class Reminder:
    user: str
    item: str
    kind: str
    due: date
    subject_zh: str
    subject_en: str
    link: str

    @property
    def key(self) -> str:
        return f"{self.user}|{self.item}|{self.kind}|{self.due.isoformat()}"


def _users(db) -> set[str]:
    return {r["name"] for r in db.all("SELECT name FROM users WHERE NOT disabled")}


def task_reminders(desk: TaskDesk, today: date) -> list[Reminder]:
    db = desk.db
    users = _users(db)
    members = defaultdict(list)
    for r in db.all("SELECT unit_code, user_name FROM unit_members ORDER BY 1, 2"):
        if r["user_name"] in users:
            members[r["unit_code"]].append(r["user_name"])
    tasks = [t for t in desk.tasks(today) if t["state"] != "closed" and members.get(t["lead_unit"])]
    items: list[tuple[dict, str, str, date, str]] = []  # (task, item, kind, due, what)
    for t in tasks:
        j = t["judgement"]
        if j["category"] in ("done", "done_early"):
            continue
        if j["category"] == "overdue" or j["due_soon"]:
            kind = "task-overdue" if j["category"] == "overdue" else "task-due"
            items.append((t, t["id"], kind, j["deadline"], ""))
        for m in t["milestones"]:
            if m["state"] in ("due", "overdue"):
                items.append((t, f"{t['id']}#{m['seq']}", f"milestone-{m['state']}", m["due"], m["title"]))
    latest: dict[str, dict] = {}
    for call in task_views.report_calls(db, tasks, today, desk.rules().report_due_day):
        latest[call["task"]] = call  # months come in order: the last one is the latest due
    by_id = {t["id"]: t for t in tasks}
    for call in latest.values():
        if call["state"] == "missing":
            items.append((by_id[call["task"]], f"{call['task']}@{call['month']}", "report-overdue", call["due"],
                          call["month"]))
    out = []
    for t, item, kind, due, what in items:
        zh, en = KINDS[kind]
        title_en = t.get("title_en") or t["title_zh"]
        for user in members[t["lead_unit"]]:
            out.append(Reminder(user, item, kind, due,
                                f"{zh}：{t['id']} {t['title_zh']}{(' · ' + what) if what else ''}（期限 {due}）",
                                f"{en}: {t['id']} {title_en}{(' · ' + what) if what else ''} (due {due})",
                                f"/tasks/{t['id']}"))
    return out


def value_reminders(db, today: date, due_days: int, report_level: str = "county") -> list[Reminder]:
    users = _users(db)
    reporters = defaultdict(list)
    for g in db.all("SELECT DISTINCT region_code, user_name FROM grants WHERE role = 'reporter' AND revoked_at IS NULL "
                    "ORDER BY 1, 2"):
        if g["user_name"] in users:
            reporters[g["region_code"]].append(g["user_name"])
    if not reporters:
        return []
    out = []
    for type_ in (MONTH, QUARTER, YEAR):
        period = containing(today, type_).previous()  # the last one ended
        for level in LEVELS[1:DEPTH[report_level]]:  # city, county (and towns, villages where they report)
            for row in completeness(db, period.code, level=level, due_days=due_days, today=today,
                                    report_level=report_level):
                # completeness's own due date (the schedule's days, else the setting's); a city with counties
                # is reminded through its counties' rows
                due = row["due"]
                if not row["reports_itself"] or not row["missing"] or (today <= due and (due - today).days > SOON_DAYS):
                    continue
                kind = "values-overdue" if today > due else "values-due"
                zh, en = KINDS[kind]
                for user in reporters.get(row["region"], []):
                    out.append(Reminder(
                        user, f"{row['region']}@{period.code}", kind, due,
                        f"{zh}：{row['name_zh']} {period.code} 尚有 {row['missing']} 项未报送（期限 {due}）",
                        f"{en}: {row['name_en'] or row['region']} {period.code}, {row['missing']} value(s) not "
                        f"reported (due {due})", f"/reporting/entry?region={row['region']}&period={period.code}"))
    return out


def due(ws, today: date) -> list[Reminder]:
    """Every reminder due on ``today``, sent or not, in a stable order."""
    items = task_reminders(TaskDesk(ws), today) + value_reminders(ws.db, today, round(ws.setting("report_due_days")),
                                                                  ws.setting("report_level"))
    return sorted(set(items), key=lambda r: (r.user, r.due, r.item, r.kind))


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _record(db, r: Reminder, email: str | None) -> int:
    with db.write() as con:
        nid = notices.post(con, r.user, r.kind, r.subject_zh, r.subject_en, r.link)
        con.execute("INSERT INTO reminders_sent VALUES (?,?,?,?,?,?,?,?)",
                    [r.key, r.user, r.item, r.kind, r.due, nid, email, _now()])
    return nid


def _body(r: Reminder, site: str) -> str:
    link = f"{site.rstrip('/')}{r.link}" if site else r.link
    return f"{r.subject_zh}\n{r.subject_en}\n\n{link}\n\n-- luoshi 落实\n"


def remind(ws, today: date, *, dry_run: bool = False) -> dict:
    """Post (and email) every due reminder not sent before.  Mail is sent over one SMTP session
    opened before anything is recorded: a server that cannot be reached refuses the whole run
    (smtp-unreachable) and records nothing.  A message the server refuses leaves its reminder
    unrecorded (``failed``) for the next run."""
    items = due(ws, today)
    done = {r["key"] for r in ws.db.all("SELECT key FROM reminders_sent")}
    todo = [r for r in items if r.key not in done]
    emails = {r["name"]: r["email"] for r in ws.db.all("SELECT user_name AS name, email FROM user_emails")}
    cfg = MailSettings.of(ws.setting)
    out = {"today": today, "dry_run": dry_run, "due": len(items), "already_sent": len(items) - len(todo),
           "posted": 0, "emailed": 0, "failed": [], "mail": bool(cfg),
           "reminders": [asdict(r) | {"email": emails.get(r.user) if cfg else None} for r in todo]}
    if dry_run or not todo:
        return out
    mailed = [r for r in todo if cfg and emails.get(r.user)]
    with Mailer(cfg) if mailed else nullcontext() as mailer:  # connect before anything is recorded
        for r in todo:
            if r not in mailed:
                _record(ws.db, r, None)
                out["posted"] += 1
        for i, r in enumerate(mailed):
            try:
                mailer.send(message(cfg, emails[r.user], r.subject_zh, _body(r, ws.setting("site_url"))))
            except smtplib.SMTPServerDisconnected as exc:  # the rest cannot go either
                out["failed"] += [{"key": x.key, "detail": str(exc) or "disconnected"} for x in mailed[i:]]
                break
            except (OSError, smtplib.SMTPException) as exc:
                out["failed"].append({"key": r.key, "detail": str(exc)})
                continue
            _record(ws.db, r, emails[r.user])
            out["posted"] += 1
            out["emailed"] += 1
    return out
