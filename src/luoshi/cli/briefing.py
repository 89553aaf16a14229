"""`luoshi briefing`: the monthly briefing (月度简报) as a PDF or a standalone HTML file, the same
content as the /briefing page (services/briefing.py, laid out by web/briefing_doc.py)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Optional

import typer

from luoshi.cli.main import workspace
from luoshi.cli.render import emit
from luoshi.domain.problems import Refusal, one_of

FORMATS = ("pdf", "html")


def writable(path: Path) -> None:
    """Refuse (cannot-write) an output path that cannot be written, before the work of making it."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK) or \
            (path.exists() and not os.access(path, os.W_OK)):
        why = "is a folder" if path.is_dir() else "its folder does not exist" if not folder.is_dir() else "not permitted"
        why_zh = "这是一个文件夹" if path.is_dir() else "所在文件夹不存在" if not folder.is_dir() else "没有写入权限"
        raise Refusal("cannot-write", path=str(path), detail=why, detail_zh=why_zh)


def briefing(period: str = typer.Option(..., help="the month briefed, e.g. 2026-10 (or any period: 2026Q3, 2026)"),
             region: Optional[str] = typer.Option(None, help="region code (default: the plan's owner, the province)"),
             plan: Optional[str] = typer.Option(None, help="plan id (default: the default_plan setting)"),
             lang: str = typer.Option("zh", help="zh or en"),
             fmt: str = typer.Option("pdf", "--format", help="pdf or html"),
             output: Path = typer.Option(..., "-o", "--output", help="file to write")):
    """The monthly briefing: a one-page summary (counts, the reds and why, the lagging subdivisions, what
    changed), a section per breakthrough with charts of actual against target and pace, the ranking,
    overdue and due-soon tasks, projects behind on investment, completeness and synthetic labels.
    PDF: A4, numbered pages, searchable Chinese text (Noto CJK fonts), vector charts."""
    from luoshi.services.briefing import assemble
    from luoshi.web.briefing_doc import to_html, to_pdf
    from luoshi.web.i18n import LANGS

    if fmt not in FORMATS:
        raise Refusal("bad-value", column="--format", value=fmt, **one_of(FORMATS))
    if lang not in LANGS:
        raise Refusal("bad-value", column="--lang", value=lang, **one_of(LANGS))
    writable(output)
    started = time.perf_counter()
    data = assemble(workspace(), period=period, region=region, plan=plan)
    body = to_pdf(data, lang) if fmt == "pdf" else to_html(data, lang).encode("utf-8")
    try:
        output.write_bytes(body)
    except OSError as exc:
        raise Refusal("cannot-write", path=str(output), detail=exc.strerror or str(exc),
                      detail_zh=exc.strerror or str(exc)) from None
    emit({"file": str(output), "format": fmt, "lang": lang, "period": data["period"], "region": data["region"]["code"],
          "bytes": len(body), "seconds": round(time.perf_counter() - started, 2), "synthetic": data["synthetic"]})


def register(app: typer.Typer) -> None:
    app.command()(briefing)
