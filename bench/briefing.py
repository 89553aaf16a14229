"""The monthly briefing on the demo workspace: how long `luoshi briefing` takes and how big the PDF is.

    python bench/briefing.py [--db bench/out/demo.duckdb] [--period 2026-11] [--shots docs/screenshots/briefing]

Builds the demo workspace first when the file is missing (`luoshi demo`), then times the content's
assembly and the typesetting of the PDF in both languages in this process, and the whole command
(`luoshi briefing`, a fresh process: start-up, opening the workspace, assembly, typesetting, writing)
three times.  With --shots it writes PNGs of the first page and of a breakthrough page of the Chinese
PDF (rendered by pdfium) and of /briefing at 1280 and 375 px (Debian's chromium via Playwright)."""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pypdf

from luoshi.domain.periods import containing
from luoshi.services.briefing import assemble
from luoshi.web.briefing_doc import to_html, to_pdf
from luoshi.workspace import Workspace

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import OUT, start_server  # noqa: E402

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def page_png(pdf: bytes, index: int, path: Path) -> None:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        doc[index].render(scale=1.6).to_pil().save(path)
    finally:
        doc.close()


def section_page(reader: pypdf.PdfReader, heading: str, words: str) -> int:
    """The first page from the one holding ``heading`` on whose text holds ``words`` (a breakthrough's section)."""
    texts = [p.extract_text() for p in reader.pages]
    first = next(k for k, t in enumerate(texts) if heading in t)
    return next(k for k in range(first, len(texts)) if words in texts[k])


def browser_shots(db: Path, today: date, period: str, folder: Path) -> None:
    from playwright.sync_api import sync_playwright

    proc, url = start_server(db, today)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for width in (1280, 375):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto(f"{url}/briefing?period={period}&lang=zh")
                height = page.evaluate("document.documentElement.scrollHeight")
                page.screenshot(path=folder / f"briefing-page-{width}.png", full_page=True,
                                clip={"x": 0, "y": 0, "width": width, "height": min(height, 2600)})
                page.close()
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=OUT / "demo.duckdb")
    ap.add_argument("--period", default=None, help="the month briefed (default: the last complete month)")
    ap.add_argument("--shots", type=Path, default=None, help="folder for the screenshots")
    args = ap.parse_args()
    if not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "luoshi.cli.main", "--db", str(args.db), "demo"], check=True,
                       stdout=subprocess.DEVNULL)
    ws = Workspace(args.db, read_only=True)
    period = args.period or containing(ws.today, "M").previous().code
    data, t_assemble = timed(lambda: assemble(ws, period=period))
    rows = []
    for lang in ("zh", "en"):
        pdf, t_pdf = timed(lambda: to_pdf(data, lang))
        html, t_html = timed(lambda: to_html(data, lang))
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        rows.append((lang, len(reader.pages), len(pdf), t_pdf, len(html.encode()), t_html))
        if lang == "zh":
            zh_pdf, zh_reader = pdf, reader
    ws.close()
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / "briefing.pdf"
    walls = []
    for _ in range(3):
        _, wall = timed(lambda: subprocess.run([sys.executable, "-m", "luoshi.cli.main", "--db", str(args.db), "briefing",
                                                "--period", period, "-o", str(out)], check=True,
                                               stdout=subprocess.DEVNULL))
        walls.append(wall)
    print(f"briefing of {period} on {args.db} (today {date.today()}): content assembled in {t_assemble:.2f} s")
    print("| lang | pages | PDF bytes | PDF typeset s | HTML bytes | HTML s |")
    print("|---|---:|---:|---:|---:|---:|")
    for lang, pages, size, t_pdf, hsize, t_html in rows:
        print(f"| {lang} | {pages} | {size:,} | {t_pdf:.2f} | {hsize:,} | {t_html:.2f} |")
    print(f"`luoshi briefing --period {period} -o FILE` (whole command, 3 runs): median {statistics.median(walls):.2f} s, "
          f"min {min(walls):.2f} s")
    if args.shots:
        args.shots.mkdir(parents=True, exist_ok=True)
        page_png(zh_pdf, 0, args.shots / "briefing-pdf-page1.png")
        # the section of the demo's red breakthrough, B6 (绿美广东)
        page_png(zh_pdf, section_page(zh_reader, "各项突破", "B6"), args.shots / "briefing-pdf-breakthrough.png")
        browser_shots(args.db, date.today(), period, args.shots)
        print(f"screenshots in {args.shots}")


if __name__ == "__main__":
    main()
