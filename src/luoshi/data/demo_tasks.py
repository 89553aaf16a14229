"""The synthetic demo task list and major projects: deterministic (seeded), labelled synthetic, with
real provincial departments and city governments as responsible units.  Called by ``build_demo``."""

from __future__ import annotations

import random
from datetime import date, timedelta

from luoshi.data.bundle import BUNDLED_PLAN, path
from luoshi.domain.roles import Actor
from luoshi.domain.tasks import Milestone, report_due
from luoshi.services import task_records
from luoshi.services.taskdesk import TaskDesk
from luoshi.services.units import load_units

SOURCE = "synthetic-demo"
# breakthrough: (lead units, co-units, [(theme zh, theme en)])
THEMES = {
    "B1": (["gd-drc", "gd-hkmao", "gd-com"], ["gov-440100", "gov-440300", "gov-440400", "gd-tr"], [
        ("推进横琴、前海、南沙、河套重大合作平台建设", "Advance the Hengqin, Qianhai, Nansha and Hetao cooperation platforms"),
        ("推动粤港澳规则衔接、机制对接", "Align rules and mechanisms across Guangdong, Hong Kong and Macao"),
        ("加快大湾区城际铁路建设", "Speed up Greater Bay Area intercity rail"),
        ("深化跨境贸易便利化改革", "Deepen cross-border trade facilitation"),
        ("建设大湾区国际一流营商环境", "Build a world-class business environment in the Bay Area")]),
    "B2": (["gd-iit", "gd-drc", "gd-com"], ["gd-st", "gd-fin", "gov-440600", "gov-441900", "gov-441300"], [
        ("推动工业企业开展技术改造", "Technological transformation of industrial enterprises"),
        ("推动规模以上工业企业数字化转型", "Digital transformation of industrial enterprises above designated size"),
        ("培育壮大战略性产业集群", "Grow the strategic industrial clusters"),
        ("推进省重点建设项目年度投资", "Deliver the annual investment of provincial key projects"),
        ("培育专精特新中小企业", "Foster specialised and innovative SMEs")]),
    "B3": (["gd-st", "gd-edu", "gd-hrss"], ["gd-fin", "gd-iit", "gov-440300", "gov-440100", "gd-cpc-org"], [
        ("建设粤港澳大湾区国际科技创新中心", "Build the Bay Area international science and technology centre"),
        ("推进重大科技基础设施建设", "Build major science infrastructure"),
        ("实施高水平大学建设", "High-level university development"),
        ("引进培育高层次人才", "Attract and train high-level talent"),
        ("推进关键核心技术攻关", "Tackle key core technologies")]),
    "B4": (["gd-ara", "gd-hurd", "gd-drc"], ["gov-440200", "gov-441400", "gov-441600", "gov-441800", "gd-fin"], [
        ("实施“百县千镇万村高质量发展工程”", "Run the counties-towns-villages high-quality development project"),
        ("推进典型县镇村示范创建", "Create model counties, towns and villages"),
        ("推进农村人居环境整治", "Improve the rural living environment"),
        ("推进省内对口帮扶协作", "Pair-up assistance within the province"),
        ("推动县域特色产业发展", "Develop county-level specialty industries")]),
    "B5": (["gd-nr", "gd-ocean", "gd-ara"], ["gov-440800", "gov-441700", "gov-440500", "gd-iit", "gd-tr"], [
        ("发展现代化海洋牧场", "Develop modern marine ranching"),
        ("推进海上风电项目建设", "Build offshore wind projects"),
        ("建设世界级港口群", "Build a world-class port cluster"),
        ("推进海洋生态保护修复", "Protect and restore marine ecosystems"),
        ("培育海洋新兴产业", "Grow emerging marine industries")]),
    "B6": (["gd-ee", "gd-forest", "gd-wr"], ["gd-nr", "gd-hurd", "gov-441200", "gov-445300", "gov-441300"], [
        ("推进绿美广东生态建设", "Green and Beautiful Guangdong ecological construction"),
        ("实施林分优化和森林质量精准提升", "Optimise forest stands and improve forest quality"),
        ("打好污染防治攻坚战", "Fight pollution"),
        ("推进万里碧道建设", "Build the ten-thousand-li green waterways"),
        ("推动碳达峰碳中和", "Work towards carbon peaking and neutrality")]),
    "B7": (["gd-cpc-pub", "gd-ct"], ["gd-edu", "gd-sport", "gov-440700", "gov-445100", "gd-fin"], [
        ("推进岭南文化传承发展", "Carry forward Lingnan culture"),
        ("建设公共文化服务体系", "Build public cultural services"),
        ("推动文旅产业融合发展", "Integrate culture and tourism industries"),
        ("推进文化遗产保护利用", "Protect and use cultural heritage"),
        ("培育文化品牌活动", "Develop cultural brand events")]),
    "B8": (["gd-hrss", "gd-hc", "gd-edu", "gd-ca"], ["gd-fin", "gd-hsa", "gd-hurd", "gov-440900", "gov-445200"], [
        ("落实就业优先政策", "Employment-first policies"),
        ("扩大优质教育资源供给", "More good-quality school places"),
        ("推进高水平医院建设", "Build high-level hospitals"),
        ("完善养老服务体系", "Improve elderly care services"),
        ("办好十件民生实事", "Deliver the ten livelihood matters")]),
    "B9": (["gd-cpc-pol", "gd-just", "gd-gsdm", "gd-em"], ["gd-ps", "gd-amr", "gov-441500", "gov-442000"], [
        ("推进法治广东建设", "Rule of law in Guangdong"),
        ("推进数字政府建设", "Build digital government"),
        ("提升安全生产治理水平", "Improve work-safety governance"),
        ("推进市域社会治理现代化", "Modernise city-level social governance"),
        ("优化政务服务“一网通办”", "One-stop online government services")]),
    "B10": (["gd-cpc-org"], ["gd-cpc-pub", "gov-440100", "gov-440300", "gov-440600"], [
        ("加强基层党组织建设", "Strengthen grassroots Party organisations"),
        ("推进干部队伍建设", "Build the cadre force"),
        ("开展主题教育", "Theme education"),
        ("加强党风廉政建设", "Party conduct and integrity"),
        ("推进“头雁”工程", "The 'lead goose' project")]),
}
CITIES = ["440100", "440200", "440300", "440400", "440500", "440600", "440700", "440800", "440900", "441200",
          "441300", "441400", "441500", "441600", "441700", "441800", "441900", "442000", "445100", "445200",
          "445300"]
MS_TITLES = ["制定实施方案", "完成阶段任务", "组织中期评估", "完成主体工作", "总结验收"]


def _months(start: date, end: date):
    d = date(start.year, start.month, 1)
    while d <= end:
        yield d
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _month_end(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1) - timedelta(days=1)


def _tasks(rng: random.Random, today: date) -> list[dict]:
    out = []
    y = today.year
    for b, (leads, cos, themes) in THEMES.items():
        for i in range(10):
            zh, en = themes[i % len(themes)]
            lead = leads[i % len(leads)]
            year = y if i < 7 else y - 1
            start = date(year, 1, 1) + timedelta(days=rng.randrange(0, 60))
            deadline = date(year, rng.choice([6, 9, 12, 12, 12]), 1)
            deadline = _month_end(deadline) if year == y or i % 3 else date(y, rng.choice([3, 6]), 30)
            if deadline <= start:
                deadline = date(year, 12, 31)
            span = (deadline - start).days
            n_ms = rng.choice([0, 2, 3, 4])
            ms, shares = [], [20, 30, 25, 15][:n_ms]
            for k in range(n_ms):
                due = start + timedelta(days=span * (k + 1) // (n_ms + 1))
                ms.append(Milestone(k + 1, MS_TITLES[k], due, float(shares[k])))
            co = rng.sample([c for c in cos if c != lead], k=min(len(cos) - 1, rng.choice([1, 2, 3])))
            phase = "（第二批）" if i >= 5 else ""
            out.append({"id": f"T-{b}-{i + 1:03d}", "plan_id": BUNDLED_PLAN, "node_code": b,
                        "title_zh": zh + phase, "title_en": en + (" (batch 2)" if phase else ""),
                        "content": f"{zh}{phase}，{year}年度工作任务（合成演示数据）",
                        "source": SOURCE, "source_kind": "synthetic", "lead_unit": lead, "co_units": co,
                        "supervisor_unit": "gd-gov-office", "leader": None, "region_code": "440000",
                        "start_date": start, "deadline": deadline, "milestones": ms, "indicators": [],
                        "synthetic": True, "created_on": start})
    return out


def _play(rng: random.Random, t: dict, today: date) -> tuple[list[tuple], dict[int, date]]:
    """Monthly reports from the start up to today: some tasks lag, some finish early, some miss a report."""
    speed = rng.choice([0.55, 0.8, 0.95, 1.0, 1.05, 1.2, 1.4])
    late_reporter = rng.random() < 0.2
    span = (t["deadline"] - t["start_date"]).days + 1
    pct, rows, done = 0.0, [], {}
    for m in _months(t["start_date"], today):
        end = min(_month_end(m), t["deadline"] + timedelta(days=60))
        on = end + timedelta(days=rng.choice([2, 3, 4]) if not late_reporter else rng.choice([3, 8, 12]))
        if on > today or end < t["start_date"]:
            break
        if rng.random() < 0.08:
            continue  # a missed report
        share = min(1.0, ((end - t["start_date"]).days + 1) / span)
        pct = max(pct, min(100.0, round(share * 100 * speed + rng.uniform(-4, 4))))
        for ms in t["milestones"]:
            if ms.due <= end and speed >= 0.8 and ms.seq not in done:
                done[ms.seq] = min(ms.due + timedelta(days=rng.randrange(0, 10)), on)
        period = f"{m.year:04d}-{m.month:02d}"
        rows.append((t["id"], period, t["lead_unit"], f"demo-{t['lead_unit']}", on, pct,
                     "按计划推进（合成）" if speed >= 0.95 else "进度偏慢（合成）",
                     "" if speed >= 0.95 else "要素保障不足（合成）", "继续推进（合成）", on <= report_due(period)))
        if pct >= 100:
            break
    return rows, done


def _decide(desk: TaskDesk, rng: random.Random, t: dict, today: date, office: Actor) -> None:
    """Closure and extension requests through the real workflow (with its checks and audit trail)."""
    lead = Actor(f"demo-{t['lead_unit']}", unit=t["lead_unit"])
    cur = desk.task(t["id"], today)
    if cur["percent"] >= 100 and rng.random() < 0.7:
        desk.request_closure(t["id"], lead, on=min(today, cur["done_on"] + timedelta(days=5)))
        close = rng.random() < 0.85
        desk.decide_closure(t["id"], office, close=close, reason="" if close else "佐证材料不足（合成）",
                            on=min(today, cur["done_on"] + timedelta(days=12)))
    elif cur["percent"] < 60 and rng.random() < 0.5:
        ask = min(today, t["deadline"] - timedelta(days=20))
        if ask > t["start_date"]:
            desk.request_extension(t["id"], lead, new_deadline=t["deadline"] + timedelta(days=rng.choice([61, 92])),
                                   reason="受要素保障影响（合成）", on=ask)
            approve = rng.random() < 0.75
            desk.decide_extension(t["id"], office, approve=approve, on=min(today, ask + timedelta(days=7)),
                                  note="同意延期（合成）" if approve else "理由不充分（合成）")


def _projects(rng: random.Random, today: date) -> tuple[list[dict], list[tuple]]:
    clusters = [f"P{i:02d}" for i in range(1, 11)] + [f"E{i:02d}" for i in range(1, 11)]
    kinds = ["产业园", "生产基地", "研发中心", "扩产项目", "智能工厂"]
    kinds_en = ["industrial park", "production base", "R&D centre", "capacity expansion", "smart factory"]
    items, money = [], []
    for n in range(50):
        city = CITIES[n % len(CITIES)] if n < 42 else rng.choice(["440300", "440100", "440600", "441900"])
        cluster = clusters[(n * 7) % len(clusters)] if n % 10 else None
        k = rng.randrange(len(kinds))
        total = float(rng.choice([12, 25, 40, 60, 85, 120, 200, 320]))
        planned = round(total * rng.uniform(0.15, 0.35), 1)
        start = date(today.year - 1, rng.randrange(1, 13), 1)
        pid = f"P-{today.year}-{n + 1:03d}"
        status = rng.choice(["under_construction", "under_construction", "planned", "completed"])
        items.append({"id": pid, "name_zh": f"合成示例{kinds[k]}项目{n + 1:02d}",
                      "name_en": f"Synthetic demo {kinds_en[k]} project {n + 1:02d}", "region_code": city,
                      "cluster_code": cluster, "plan_id": BUNDLED_PLAN, "node_code": "B2" if cluster else "B5",
                      "lead_unit": f"gov-{city}", "total_investment": total, "status": status,
                      "synthetic": True, "source": SOURCE, "plans": {today.year: planned},
                      "milestones": {"approval": (start - timedelta(days=90), start - timedelta(days=80)),
                                     "construction_start": (start, start + timedelta(days=rng.randrange(0, 40))),
                                     "completion": (start + timedelta(days=720), None),
                                     "production": (start + timedelta(days=800), None)}})
        pace = rng.choice([0.5, 0.8, 0.95, 1.0, 1.1, 1.3])
        for mth in range(1, today.month):
            money.append((pid, f"{today.year:04d}-{mth:02d}", round(planned / 12 * pace * rng.uniform(0.7, 1.3), 2)))
    return items, money


def build_task_demo(ws, seed: int = 1310) -> dict:
    """Add the synthetic task list (~100 tasks) and ~50 major projects to a workspace with the bundle loaded."""
    desk = TaskDesk(ws)
    if not desk.has_units():
        load_units(ws.db, path("units.csv"))
    rng = random.Random(seed)
    today = ws.today
    office = Actor("demo-督查室", unit="gd-gov-office")
    tasks = _tasks(rng, today)
    items, money = _projects(rng, today)
    with ws.db.write() as con:  # one transaction: the steps below join it
        desk.add_tasks(tasks, Actor.local("synthetic-demo"))
        reports, events, done_on, progress = [], [], {}, {}
        for t in tasks:
            rows, done = _play(rng, t, today)
            reports += rows
            events += [(r[0], "report", r[3], r[2], r[4], f'{{"period": "{r[1]}", "percent": {r[5]}}}') for r in rows]
            done_on |= {(t["id"], seq): day for seq, day in done.items()}
            if rows:
                progress[t["id"]] = (rows[-1][5], next((r[4] for r in rows if r[5] >= 100), None))
        task_records.load_history(con, reports=reports, events=events, milestones_done=done_on, progress=progress,
                                  investment=[])
        for t in tasks:
            _decide(desk, rng, t, today, office)
        desk.add_projects(items, Actor.local("synthetic-demo"))
        task_records.load_history(con, reports=[], events=[], milestones_done={}, progress={}, investment=money)
    return {"tasks": len(tasks), "projects": len(items), "investment_rows": len(money),
            "reports": len(reports)}
