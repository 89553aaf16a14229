"""Extraction benchmark: quality on the gold set's test split, and throughput.

    python bench/extraction.py [--split test|dev|all] [--errors] [--json]

Prints precision, recall and F1 for detection and classification, exact-match accuracy for value,
unit, comparator and year, full-record F1, top-1 linking accuracy, and KB/s per core.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from luoshi.extract import DocumentMeta, extract_text  # noqa: E402
from luoshi.extract.evaluate import Scores, score_document  # noqa: E402

GOLD = ROOT / "tests" / "data" / "extraction"


def evaluate(split: str) -> Scores:
    docs = json.loads((GOLD / "documents.json").read_text(encoding="utf-8"))
    gold = [json.loads(line) for line in (GOLD / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line]
    scores = Scores()
    for d in docs:
        if split != "all" and d["split"] != split:
            continue
        text = (GOLD / "docs" / f"{d['id']}.txt").read_text(encoding="utf-8")
        meta = DocumentMeta(d["date"], d["issuer"], d["kind"], None)
        result = extract_text(text, meta)
        score_document(scores, [g for g in gold if g["document"] == d["id"]], result.statements)
    return scores


def throughput(seconds: float = 3.0) -> float:
    """KB of text extracted per second on one core (all gold documents, repeated)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((GOLD / "docs").glob("*.txt"))]
    size = sum(len(t.encode("utf-8")) for t in texts)
    extract_text(texts[0])  # warm caches
    done, t0 = 0, time.process_time()
    while time.process_time() - t0 < seconds:
        for t in texts:
            extract_text(t, DocumentMeta("2024-01-01", "440000"))
        done += size
    return done / 1024 / (time.process_time() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="test", choices=["test", "dev", "all"])
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-speed", action="store_true")
    args = ap.parse_args()
    scores = evaluate(args.split)
    s = scores.summary()
    if not args.no_speed:
        s["throughput_kb_per_s"] = throughput()
    if args.json:
        print(json.dumps(s, indent=2))
    else:
        print(f"split: {args.split}  gold positives: {s['gold']}  predicted: {s['predicted']}  "
              f"matched: {s['matched']}")
        for k in ("detection", "classification", "full_record"):
            v = s[k]
            print(f"{k:15} P {v['precision']:.3f}  R {v['recall']:.3f}  F1 {v['f1']:.3f}")
        print(f"value F1        {s['value_f1']:.3f}")
        print("accuracy        " + "  ".join(f"{k} {v:.3f}" for k, v in s["accuracy"].items()))
        print(f"linking top-1   indicator {s['linking_top1']['indicator']:.3f}  "
              f"plan node {s['linking_top1']['plan_node']:.3f}")
        if "throughput_kb_per_s" in s:
            print(f"throughput      {s['throughput_kb_per_s']:.0f} KB/s per core")
    if args.errors:
        for e in scores.errors:
            print(json.dumps(e, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
