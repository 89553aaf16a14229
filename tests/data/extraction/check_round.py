"""Check a round of new pages before they join the gold set (run by annotators and reviewers).

    python check_round.py FOLDER [ROUND]

FOLDER holds ``meta.jsonl`` (one record per page, the fields of ``real/documents.jsonl``) and each
page's ``<id>.txt`` (its number skeleton) and ``<id>.ann`` (its annotation lines).  Checks what
``test_gold.py`` and ``build_gold.py`` will: the fields, a page and a region new to the gold set,
the skeleton's length limits, every annotation line placed in the text and well formed, and every
number of the skeleton covered by a line.  Prints one line per problem; exit status 1 if any.
It never runs luoshi's extractor.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

import build_gold

FIELDS = {"id", "lang", "script", "date", "issuer", "kind", "split", "url", "title", "seen_chars", "region",
          "kinds", "annotator", "round"}
KINDS = {"news", "work-report", "plan", "review", "budget", "communique", "speech"}
CLASSES = {"target", "task", "outcome", "none"}
COMPARATORS = {"exact", "around", "at_least", "at_most", "range", "in_step"}
STRENGTHS = {"expected", "strive", "ensure"}
UNITS = {"%", "pp", "permille", "ratio", "index", "person", "household", "count", "tonne", "jin", "km", "km2",
         "m2", "m3", "mu", "ha", "kW", "kWh", "MW", "GW", "TEU", "times", "year", "person-time"}
NUMBER = re.compile(r"\d+")  # written-out numbers are the annotator's to find


def _known() -> tuple[set, set, set]:
    ids, urls, regions = set(), set(), set()
    for meta, _, _ in build_gold.documents():
        ids.add(meta["id"])
        urls.add(meta.get("url", "").rstrip("/"))
        regions.add(meta.get("region", "").split(" / ")[0])
    return ids, urls, regions


def check(folder: Path, round_: int | None) -> list[str]:
    problems = []
    ids, urls, regions = _known()
    lines = (folder / "meta.jsonl").read_text(encoding="utf-8").splitlines()
    seen = set()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"meta.jsonl:{n}"
        try:
            d = json.loads(line)
        except ValueError as e:
            problems.append(f"{where}: not JSON: {e}")
            continue
        if set(d) != FIELDS:
            problems.append(f"{where}: fields {sorted(set(d) ^ FIELDS)} missing or extra")
            continue
        doc = d["id"]
        if doc in ids or doc in seen:
            problems.append(f"{where}: id {doc} already used")
        seen.add(doc)
        if d["url"].rstrip("/") in urls:
            problems.append(f"{where}: page already in the gold set: {d['url']}")
        if d["region"].split(" / ")[0] in regions:
            problems.append(f"{where}: region already in the gold set: {d['region']}")
        if d["kind"] not in KINDS or not set(d["kinds"]) <= build_gold.DIFFICULTIES:
            problems.append(f"{where}: kind {d['kind']!r} or kinds {d['kinds']} not in the lists")
        if d["lang"] not in ("zh", "en") or d["split"] != "lockbox" or (round_ and d["round"] != round_):
            problems.append(f"{where}: lang, split (lockbox) or round wrong")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", d["date"]):
            problems.append(f"{where}: date {d['date']!r} is not YYYY-MM-DD")
        problems += _check_page(folder, d)
    return problems


def _check_page(folder: Path, d: dict) -> list[str]:
    doc, problems = d["id"], []
    txt, ann = folder / f"{doc}.txt", folder / f"{doc}.ann"
    if not txt.exists() or not ann.exists():
        return [f"{doc}: {txt.name} or {ann.name} missing"]
    raw = txt.read_text(encoding="utf-8")
    text = build_gold.read_text(txt)
    if not build_gold.skeleton_fits(raw, d["seen_chars"]):
        problems.append(f"{doc}.txt: {len(raw)} characters, over 2000 or half of seen_chars {d['seen_chars']}")
    covered = []
    for n, line in enumerate(ann.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        where = f"{doc}.ann:{n}"
        parts = [p.strip() for p in line.split(" | ")]
        if len(parts) != 11:
            problems.append(f"{where}: {len(parts)} fields, not 11")
            continue
        _, cls, subject, value, unit, comp, strength, year = parts[:8]
        try:
            covered.append(build_gold.place(line, text))
        except ValueError as e:
            problems.append(f"{where}: {e} (add @n when it is there more than once)")
            continue
        if subject != "-" and unicodedata.normalize("NFKC", subject) not in text:
            problems.append(f"{where}: subject {subject!r} is not words of the page (copy them, or write -)")
        if cls not in CLASSES:
            problems.append(f"{where}: class {cls!r}")
        if cls == "none":
            if any(p != "-" for p in parts[2:]):
                problems.append(f"{where}: a none line has only dashes after its class")
            continue
        try:
            build_gold.parse_value(value)
        except ValueError:
            problems.append(f"{where}: value {value!r} is not a number or lo,hi")
        if unit not in UNITS and not re.fullmatch(r"[A-Z]{3}", unit):
            problems.append(f"{where}: unit {unit!r} not in the list nor an ISO 4217 code")
        if comp not in COMPARATORS or (strength != "-" and strength not in STRENGTHS):
            problems.append(f"{where}: comparator {comp!r} or strength {strength!r}")
        if not re.fullmatch(r"\d{4}(-\d{4})?|-", year):
            problems.append(f"{where}: year {year!r} is not YYYY, YYYY-YYYY or -")
    for k in NUMBER.finditer(text):
        if not any(a - 12 <= k.start() < b + 12 for a, b in covered):
            problems.append(f"{doc}.txt: a number with no line near it: {text[max(0, k.start() - 10):k.end() + 10]!r}")
    return problems


if __name__ == "__main__":
    got = check(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else None)
    print("\n".join(got) or "no problems")
    sys.exit(1 if got else 0)
