"""An indicator's chart as a standalone SVG drawn on the server (the briefing's HTML and PDF): the
actual series against the target and the expected pace, as the indicator page draws it in the
browser (static/app.js ``drawChart``: the same colours and marks), with its legend inside the
picture and presentation attributes instead of CSS, so that a typesetter draws it as vector art."""

from __future__ import annotations

import math
from datetime import date
from html import escape

from luoshi.web.i18n import Translator

ACTUAL, TARGET, PACE, GRID, AXIS, TEXT = "#0b57d0", "#b3261e", "#e37400", "#eceef1", "#9aa0a6", "#5f6368"
FONT = "Noto Sans CJK SC, Noto Sans, sans-serif"


def nice_ticks(lo: float, hi: float, n: int = 4) -> list[float]:
    """Round tick values covering [lo, hi] in about ``n`` steps of 1, 2, 2.5 or 5 times a power of ten."""
    span = (hi - lo) or abs(hi) or 1.0
    step = 10 ** math.floor(math.log10(span / n))
    for m in (1, 2, 2.5, 5, 10):
        if span / (step * m) <= n:
            step *= m
            break
    v = math.floor(lo / step) * step
    out = [round(v, 10)]
    while v < hi - step * 1e-9:
        v += step
        out.append(round(v, 10))
    return out


def _day(text: str) -> float:
    return date.fromisoformat(text[:10]).toordinal()


def chart_svg(ch: dict, i18n: Translator, width: int = 520, height: int = 190) -> str:
    """The SVG of ``ch`` (services/chart.py, cut to the period: keys start and end), or "" when it has
    neither points nor targets.  The axis says its numbers with the decimals its step needs."""
    pts, targets, pace = ch["points"], ch["targets"], ch["pace"]
    if not pts and not targets:
        return ""
    left, right, top, bottom = 58, 10, 26, 22
    x0, x1 = _day(ch["start"]) - 1, _day(ch["end"])
    ys = [p["plotted"] for p in pts] + [t["value"] for t in targets] + [p["value"] for p in pace]
    ticks = nice_ticks(min(0.0, min(ys)), max(ys))
    y0, y1 = ticks[0], ticks[-1] if ticks[-1] != ticks[0] else ticks[0] + 1

    def X(d: float) -> float:
        return left + (min(max(d, x0), x1) - x0) / (x1 - x0) * (width - left - right)

    def Y(v: float) -> float:
        return top + (1 - (v - y0) / (y1 - y0)) * (height - top - bottom)

    actual = i18n("chart.actual") if ch["cumulative"] else i18n("chart.actual_level")
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" font-family="{FONT}" font-size="11" data-chart-svg="">',
           f"<title>{escape(actual)} / {escape(i18n('chart.target'))} / {escape(i18n('chart.trajectory'))}</title>"]
    step = (ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    places = max(0, -math.floor(math.log10(step))) if step < 1 else 0  # as many as the step needs, all alike
    for v in ticks:
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{Y(v):.1f}" y2="{Y(v):.1f}" stroke="{GRID}"/>')
        out.append(f'<text x="{left - 5}" y="{Y(v) + 3.5:.1f}" text-anchor="end" fill="{TEXT}">'
                   f"{escape(f'{v:,.{places}f}')}</text>")
    start = date.fromisoformat(ch["start"])
    end = date.fromisoformat(ch["end"])
    month, months = date(start.year, start.month, 1), 1 if (end - start).days <= 400 else 12
    while month <= end:  # a gridline where each month (or year) begins, its name in the middle of it
        y, m = divmod(month.month - 1 + months, 12)
        following = date(month.year + y, m + 1, 1)
        x, mid = X(month.toordinal() - 1), X((month.toordinal() + following.toordinal()) / 2 - 1)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - bottom}" stroke="{GRID}"/>')
        label = (f"{month.month}月" if i18n.zh else month.strftime("%b")) if months == 1 else str(month.year)
        out.append(f'<text x="{mid:.1f}" y="{height - bottom + 13}" text-anchor="middle" fill="{TEXT}">{label}</text>')
        month = following
    out.append(f'<line x1="{left}" x2="{width - right}" y1="{height - bottom}" y2="{height - bottom}" stroke="{AXIS}"/>')
    out.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{height - bottom}" stroke="{AXIS}"/>')
    for t in targets:
        out.append(f'<line x1="{X(_day(t["start"]) - 1):.1f}" x2="{X(_day(t["end"])):.1f}" y1="{Y(t["value"]):.1f}" '
                   f'y2="{Y(t["value"]):.1f}" stroke="{TARGET}" stroke-width="2" data-target="{escape(t["period"])}"/>')
    by_period: dict[str, list] = {}
    for p in pace:
        by_period.setdefault(p["period"], []).append(p)
    for k, ps in by_period.items():
        line = " ".join(f"{X(_day(p['date'])):.1f},{Y(p['value']):.1f}" for p in ps)
        out.append(f'<polyline points="{line}" fill="none" stroke="{PACE}" stroke-width="1.5" '
                   f'stroke-dasharray="5 4" data-pace="{escape(k)}"/>')
    if pts:
        line = " ".join(f"{X(_day(p['date'])):.1f},{Y(p['plotted']):.1f}" for p in pts)
        out.append(f'<polyline points="{line}" fill="none" stroke="{ACTUAL}" stroke-width="2"/>')
        out.extend(f'<circle cx="{X(_day(p["date"])):.1f}" cy="{Y(p["plotted"]):.1f}" r="2.4" fill="{ACTUAL}"/>'
                   for p in pts)
    x = left
    for colour, label, dash in ((ACTUAL, actual, ""), (TARGET, i18n("chart.target"), ""),
                                (PACE, i18n("chart.trajectory"), ' stroke-dasharray="5 4"')):
        out.append(f'<line x1="{x}" x2="{x + 18}" y1="10" y2="10" stroke="{colour}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{x + 22}" y="13.5" fill="{TEXT}">{escape(label)}</text>')
        x += 34 + 11 * len(label) * (1 if i18n.zh else 0.58)
    out.append("</svg>")
    return "".join(out)
