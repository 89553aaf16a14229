"""The monthly briefing laid out in one language: the words, numbers and vector charts of the data
that services/briefing.py assembles, as one plain document that the HTML (templates/briefing/) and
the PDF (typst/briefing.typ, typeset by Typst with the Noto CJK fonts) both draw, so that the two
say the same.  ``to_html`` and ``to_pdf`` are what the CLI and the /briefing page call."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from luoshi.domain.problems import Refusal
from luoshi.domain.rules import BEHIND
from luoshi.web.i18n import Translator
from luoshi.web.svgchart import chart_svg

HERE = Path(__file__).resolve().parent
TYPST_SOURCE = HERE / "typst" / "briefing.typ"
# Debian's fonts-noto-cjk (the Makefile's `browser` target installs it): Chinese text in the PDF
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto")
SYN = "◆"


def _with_unit(i18n: Translator, v, ind: dict) -> str:
    return "—" if v is None else f"{i18n.number(v, ind['decimals'])} {i18n.unit(ind['unit'])}".strip()


def reason(i: dict, i18n: Translator) -> str:
    """Why an indicator is behind, in words: its category and how far it is from the pace or target."""
    value, target = _with_unit(i18n, i["value"], i), _with_unit(i18n, i["target"], i)
    if i["category"] == "missed":
        return i18n("brief.reason.missed").format(value=value, target=target)
    if i["category"] == "overdue":
        return i18n("brief.reason.overdue").format(value=value, target=target)
    if i["category"] in BEHIND and i.get("shortfall") is not None and i.get("progress") is not None:
        return i18n("brief.reason.behind").format(value=value, target=target, n=i18n.number(i["shortfall"], 0),
                                                  progress=i18n.percent(i["progress"]),
                                                  expected=i18n.percent(i["expected"]))
    return i18n.category(i["category"])


def _ind(i: dict, i18n: Translator, with_chart: bool = False) -> dict:
    out = {"code": i["code"], "name": i18n.name(i), "light": i["light"], "light_text": i18n.light(i["light"]),
           "value": _with_unit(i18n, i["value"], i), "target": _with_unit(i18n, i["target"], i),
           "attainment": i18n.percent(i.get("attainment")), "expected": i18n.percent(i.get("expected")),
           "category": i18n.category(i["category"]), "reason": reason(i, i18n) if i["category"] in BEHIND else "",
           "synthetic": bool(i.get("synthetic"))}
    if with_chart:
        out["chart"] = chart_svg(i["chart"], i18n) if i.get("chart") else ""
    return out


def _change(n) -> str:
    if n is None:
        return "·"
    return f"▲ {n}" if n > 0 else f"▼ {-n}" if n < 0 else "＝"


def document(data: dict, lang: str) -> dict:
    """The briefing ``data`` (services.briefing.assemble) in words of ``lang``."""
    i18n = Translator(lang)
    s = data["summary"]
    title = f"{i18n.name(data['region'])} · {i18n('brief.title')} · {i18n.period(data['period'])}"
    counts = [{"key": k, "label": i18n.category(k), "n": n} for k, n in data["counts"].items()]
    lagging = [{"name": i18n.name(e), "text": i18n("glance.lagging.count").format(behind=e["behind"], judged=e["judged"]),
                "indicators": "、".join(i18n.name(i) for i in e["indicators"][:3]) if i18n.zh else
                "; ".join(i18n.name(i) for i in e["indicators"][:3]), "synthetic": e["synthetic"]} for e in s["lagging"]]
    changes = None
    if s["changes"] is not None:
        changes = {"since": i18n("glance.changes.since").format(date=i18n.date(s["changes"]["since"])),
                   "groups": [{"label": i18n(f"glance.{k}"), "items": [
                       _ind(i, i18n) | {"was": f"{i18n('glance.was')} {i18n.light(i['was'])}"}
                       for i in s["changes"][k]]} for k in ("new_red", "recovered")]}
    board = s["leaderboard"]
    ranked = [r for r in board["rows"] if r["rank"] is not None]
    sections = []
    for b in data["sections"]:
        sections.append({"code": b["code"], "title": i18n.name(b, "title"), "light": b["light"],
                         "light_text": i18n.light(b["light"]),
                         "counts": " · ".join(f"{i18n.category(k)} {n}" for k, n in b["counts"].items() if n),
                         "indicators": [_ind(i, i18n, with_chart=True) for i in b["indicators"]]})
    task_cols = [i18n(f"brief.col.{c}") for c in ("task", "title", "lead", "deadline", "progress")] + [i18n("expected")]

    def task_rows(rows):
        return [[t["id"], i18n.name(t, "title"), i18n.name({"name_zh": t["lead_zh"], "name_en": t["lead_en"]}) or t["lead_unit"],
                 i18n.date(t["deadline"]),
                 i18n.percent(t["progress"]), i18n.percent(t["expected"]), SYN if t["synthetic"] else ""]
                for t in rows]

    compl = data["completeness"]
    tot = compl["totals"]
    rules = data["rules"]
    return {
        "lang": lang, "title": title, "heading": i18n("brief.title"),
        "subtitle": f"{i18n.name(data['plan'])} · {i18n.name(data['region'])} · {i18n.period(data['period'])}",
        "judged": i18n("brief.judged").format(year=data["year"], date=i18n.date(data["at"])),
        "made": i18n("brief.made").format(date=i18n.date(data["made"])),
        "thresholds": i18n("brief.thresholds").format(yellow=i18n.number(rules["yellow"], 0),
                                                     red=i18n.number(rules["red"], 0)),
        "synthetic": data["synthetic"],
        "synthetic_note": i18n("brief.synthetic").format(n=f"{data['synthetic_values']:,}", total=f"{data['values']:,}",
                                                         k=len(data["synthetic_indicators"]))
        if data["synthetic"] else i18n("brief.real"),
        "synthetic_mark": i18n("brief.synthetic.mark"), "colon": i18n("brief.colon"),
        "labels": {k: i18n(k) for k in (
            "brief.summary", "counts", "brief.reds", "brief.reds.none", "glance.behind", "glance.behind.none",
            "glance.lagging", "glance.lagging.none", "glance.changes", "glance.changes.first", "glance.changes.none",
            "brief.sections", "brief.no_indicators", "brief.ranking", "brief.tasks", "brief.overdue", "brief.due_soon",
            "brief.none", "brief.projects", "brief.data", "value", "target", "attainment", "expected", "category",
            "light", "rank", "change", "region", "score", "indicator", "glance.pulling.none")},
        "counts": counts,
        "reds": [_ind(i, i18n) for i in data["reds"]],
        "behind": [{"code": b["code"], "title": i18n.name(b, "title"), "light": b["light"],
                    "light_text": i18n.light(b["light"]),
                    "pulling": [_ind(i, i18n) for i in b["pulling"]]} for b in s["breakthroughs"]],
        "lagging": lagging,
        "lagging_of": i18n("glance.lagging.of").format(k=s["subdivisions_behind"], n=s["subdivisions"]),
        "changes": changes,
        "ranking": {"note": f"{i18n('period')} {i18n.period(board['period'])} · {i18n('rank.vs')}"
                            f"{i18n.period(board['previous_period'])}",
                    "rows": [[str(r["rank"]), _change(r["change"]), i18n.name(r), i18n.number(r["score"], 1),
                              SYN if r["synthetic"] else ""] for r in ranked]},
        "sections": sections,
        "tasks": {"columns": task_cols, "overdue": task_rows(data["tasks"]["overdue"]),
                  "due_soon": task_rows(data["tasks"]["due_soon"])},
        "projects": {"columns": [i18n("brief.col.project"), i18n("brief.col.planned"), i18n("brief.col.completed"),
                                 i18n("brief.col.completion"), i18n("expected"), i18n("light")],
                     "rows": [[f"{r['key']} {i18n.name(r)}", i18n.number(r["planned"], 1), i18n.number(r["completed"], 1),
                               i18n.percent(r["completion"]), i18n.percent(r["expected"]), i18n.light(r["light"]),
                               SYN if r["synthetic"] else ""] for r in data["projects"]]},
        "completeness": i18n("brief.completeness").format(
            month=i18n.period(compl["period"]), expected=f"{tot['expected']:,}", arrived=f"{tot['arrived']:,}",
            pct=i18n.percent(compl["completeness_pct"], 1), approved=f"{tot['approved']:,}", overdue=f"{tot['overdue']:,}")
        if tot["expected"] else i18n("brief.completeness.none"),
        "completeness_rows": {"columns": [i18n("region"), i18n("brief.col.reported"), i18n("brief.col.approved"),
                                          i18n("brief.col.overdue")],
                              "rows": [[i18n.name(r), f"{r['arrived']}/{r['expected']} ({i18n.percent(r['completeness_pct'], 1)})",
                                        i18n.percent(r["approved_pct"], 1), str(r["overdue"])] for r in compl["rows"]]},
    }


@lru_cache(maxsize=1)
def _fonts() -> list[str]:
    """The font folders holding Noto Sans CJK (refused as missing-fonts when none does: without them
    Typst would set the Chinese text in no font at all)."""
    found = [d for d in FONT_DIRS if list(Path(d).glob("NotoSansCJK*"))]
    if not found:
        raise Refusal("missing-fonts", 503, path=" or ".join(FONT_DIRS))
    return found


def to_pdf(data: dict, lang: str) -> bytes:
    """The briefing as a PDF (A4, numbered pages, selectable Chinese text, vector charts), typeset by
    Typst from typst/briefing.typ with the document as its JSON input."""
    import typst

    doc = json.dumps(document(data, lang), ensure_ascii=False)
    return typst.compile(str(TYPST_SOURCE), font_paths=_fonts(), ignore_system_fonts=True,
                         sys_inputs={"doc": doc})


def to_html(data: dict, lang: str) -> str:
    """The briefing as one standalone HTML file (the dashboard's stylesheet inline, charts as inline SVG)."""
    env, css = _html_setup()
    return env.get_template("briefing/document.html").render(doc=document(data, lang), css=css)


@lru_cache(maxsize=1)
def _html_setup():
    """The templates' environment and the stylesheet, made once per process."""
    from luoshi.web.render import Renderer

    return Renderer(HERE / "templates").env, (HERE / "static" / "app.css").read_text(encoding="utf-8")
