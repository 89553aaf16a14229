"""Build gold.jsonl from the hand annotations (run by hand after editing them).

Two sets of documents:
- ``documents.json``, ``docs/``, ``annotations/``: the first set, written for luoshi's tests in the
  style of work reports (and copies of shared/seeds/); all ``dev`` now, as the rules were tuned on them.
- ``real/documents.jsonl``, ``real/<id>.txt``, ``real/<id>.ann``: real public pages, each stored as its
  number skeleton (title, headings and the sentences holding numbers, nothing else), split by
  document into ``dev``, ``test`` and ``lockbox`` by a hash of the page's address (README.md).

Each annotation line is ``snippet | class | subject | value | unit | comparator | strength | year |
scope | indicator | plan node``; the snippet is text copied from the document with the value
(or, for an in-step statement, the in-step phrase) in [brackets] (or ⟦⟧ when the text has
brackets), optionally ending in ``@n`` for its n-th occurrence.  This script only turns the
snippets into character offsets (into the text normalised by NFKC character by character); it
does not use luoshi's extractor.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).parent
# the difficulties a real page shows (its "kinds")
DIFFICULTIES = {"currency-prefix", "bn", "number-words", "ratio", "traditional", "list-no-punct", "in-step", "from-to",
                "zero-or-wordy", "odd-unit", "review-vs-plan", "estimate", "past-tense-mt", "multi-year",
                "number-not-year", "task-vs-target", "headline-body", "shared-number", "no-headings"}
FIELDS = ["class", "subject", "value", "unit", "comparator", "strength", "year", "scope", "indicator",
          "plan_node"]


def sentence_bounds(text: str, a: int, b: int) -> tuple[int, int]:
    """Sentence around [a, b): from after the previous 。！？ / '. ' / newline to the next one."""
    start = a
    while start > 0 and text[start - 1] != "\n" and text[start - 1] not in "。！？" and \
            not (text[start - 1] == " " and start >= 2 and text[start - 2] in ".!?" and _en_end(text, start - 2)):
        start -= 1
    end = b
    while end < len(text) and text[end] != "\n":
        if text[end] in "。！？":
            end += 1
            break
        if text[end] in ".!?" and (end + 1 == len(text) or text[end + 1] in " \n") and _en_end(text, end):
            end += 1
            break
        end += 1
    while text[start] == " ":
        start += 1
    return start, end


def _en_end(text: str, i: int) -> bool:
    word = re.search(r"([A-Za-z]+)$", text[max(0, i - 5):i])
    return not (word and word.group(1) in ("No", "Feb", "Jan", "Mr", "Dr", "St"))


def parse_value(v: str):
    if v == "-":
        return None
    if "," in v:
        lo, hi = v.split(",")
        return [float(lo), float(hi)]
    return float(v)


def documents() -> list[tuple[dict, Path, Path]]:
    """(metadata, text file, annotation file) of every document of both sets."""
    out = []
    for d in json.loads((HERE / "documents.json").read_text(encoding="utf-8")):
        d = {**d, "split": "dev", "set": "written", "linking": True}
        out.append((d, HERE / "docs" / f"{d['id']}.txt", HERE / "annotations" / f"{d['id']}.ann"))
    for line in (HERE / "real" / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = {**json.loads(line), "set": "real", "linking": False}
            folder = HERE / ("lockbox" if d["split"] == "lockbox" else "real")
            out.append((d, folder / f"{d['id']}.txt", folder / f"{d['id']}.ann"))
    return out


def read_text(path: Path) -> str:
    """A document's text normalised by NFKC character by character (as the extractor does): offsets are into it."""
    return "".join(unicodedata.normalize("NFKC", c) for c in path.read_text(encoding="utf-8"))


def place(line: str, text: str) -> tuple[int, int]:
    """The span of an annotation line's bracketed value in ``text``; ValueError when the snippet is not
    found exactly once (or, with ``@n``, at least n times)."""
    snippet = line.split(" | ")[0]
    occurrence = 1
    m = re.search(r"@(\d+)$", snippet)
    if m:
        occurrence, snippet = int(m.group(1)), snippet[:m.start()]
    open_, close = ("⟦", "⟧") if "⟦" in snippet else ("[", "]")
    if open_ not in snippet or close not in snippet:
        raise ValueError(f"no bracketed value in the snippet: {snippet!r}")
    i, j = snippet.index(open_), snippet.index(close)
    plain = unicodedata.normalize("NFKC", snippet[:i] + snippet[i + 1:j] + snippet[j + 1:])
    hits = [k.start() for k in re.finditer(re.escape(plain), text)]
    if len(hits) < occurrence or (len(hits) > 1 and not m):
        raise ValueError(f"snippet found {len(hits)} times: {plain!r}")
    at = hits[occurrence - 1]
    return at + i, at + j - 1


def skeleton_fits(raw: str, seen_chars: int) -> bool:
    """Whether a stored skeleton keeps to its limits: 2,000 characters and half of what the annotator read."""
    return len(raw) <= 2000 and len(raw) <= seen_chars / 2 + 1


def records() -> tuple[list[dict], int]:
    """Every annotated record, and the number of annotation lines that could not be placed."""
    out = []
    errors = 0
    for meta, text_path, ann_path in documents():
        doc_id = meta["id"]
        text = read_text(text_path)
        lines = ann_path.read_text(encoding="utf-8").splitlines()
        for n, line in enumerate(lines):
            if not line.strip() or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split(" | ")]
            try:
                a, b = place(line, text)
            except ValueError as e:
                print(f"{doc_id}:{n + 1}: {e}", file=sys.stderr)
                errors += 1
                continue
            rec = dict(zip(FIELDS, parts[1:]))
            s0, s1 = sentence_bounds(text, a, b)
            subj = None
            if rec["subject"] != "-":
                rec["subject"] = unicodedata.normalize("NFKC", rec["subject"])
                k = text.find(rec["subject"], s0, s1)
                if k < 0 and meta["set"] == "real":  # a subject named in a lead-in line or the headline
                    k = text.rfind(rec["subject"], 0, a)
                    k = text.find(rec["subject"]) if k < 0 else k
                if k < 0:
                    print(f"{doc_id}:{n + 1}: subject {rec['subject']!r} not in sentence", file=sys.stderr)
                    errors += 1
                    continue
                subj = {"start": k, "end": k + len(rec["subject"]), "text": rec["subject"]}
            year = rec["year"]
            out.append({
                "id": f"{doc_id}#{len([o for o in out if o['document'] == doc_id]) + 1}",
                "document": doc_id, "split": meta["split"], "lang": meta["lang"], "set": meta["set"],
                "linking": meta["linking"],
                "sentence": [s0, s1], "span": [a, b], "span_text": text[a:b], "class": rec["class"],
                "subject": subj, "value": parse_value(rec["value"]),
                "unit": None if rec["unit"] == "-" else rec["unit"],
                "comparator": None if rec["comparator"] == "-" else rec["comparator"],
                "strength": None if rec["strength"] == "-" else rec["strength"],
                "year": None if year == "-" else (int(year) if year.isdigit() else year),
                "scope": None if rec["scope"] == "-" else rec["scope"],
                "indicator": None if rec["indicator"] == "-" else rec["indicator"],
                "plan_node": None if rec["plan_node"] == "-" else rec["plan_node"],
            })
    return out, errors


def main() -> int:
    out, errors = records()
    if errors:
        return 1
    with open(HERE / "gold.jsonl", "w", encoding="utf-8") as f:
        for rec in out:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    by = {}
    for r in out:
        key = (r["split"], r["lang"], r["class"])
        by[key] = by.get(key, 0) + 1
    print(len(out), "statements")
    for k in sorted(by):
        print(*k, by[k])
    return 0


if __name__ == "__main__":
    sys.exit(main())
