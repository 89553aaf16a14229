"""Extraction benchmark: quality on the gold set's splits, per language and per class, and throughput.

    python bench/extraction.py [--split dev|test|all] [--errors] [--json] [--no-speed]
    python bench/extraction.py --split lockbox --open-lockbox      # once, at the end (README below)
    python bench/extraction.py --report bench/RESULTS-extraction.md --open-lockbox

The gold set (tests/data/extraction/README.md) is split by document: ``dev`` (the first, written
set and real pages; rules and the model are tuned on it), ``test`` (real pages; the test suite
asserts its figures) and ``lockbox`` (real pages nobody looks at while developing: evaluated once,
at the end, and reported).  ``all`` is dev and test.  Prints detection precision/recall/F1,
class F1 (overall and per class), value F1, comparator/unit/year accuracy, full-record F1
(class, value, comparator, year) and the extended full record (with unit, strength, scope),
and KB/s per core.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from luoshi.extract import DocumentMeta, extract_text  # noqa: E402
from luoshi.extract.pipeline import clear_caches  # noqa: E402
from luoshi.extract.evaluate import Scores, score_document  # noqa: E402

GOLD = ROOT / "tests" / "data" / "extraction"


def _gold_module():
    spec = importlib.util.spec_from_file_location("build_gold", GOLD / "build_gold.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def documents(split: str) -> list[tuple[dict, str]]:
    """(metadata, text) of the documents of a split ('all' = dev and test)."""
    out = []
    for meta, text_path, _ in _gold_module().documents():
        if meta["split"] == split or (split == "all" and meta["split"] in ("dev", "test")):
            out.append((meta, text_path.read_text(encoding="utf-8")))
    return out


def doc_meta(d: dict) -> DocumentMeta:
    """What luoshi is told about a document: its date and kind; the issuer only as a region code."""
    issuer = d.get("issuer") if str(d.get("issuer", "")).isdigit() else None
    return DocumentMeta(d["date"], issuer, d.get("kind"), None)


def evaluate(split: str, by: str | None = None) -> Scores | dict[str, Scores]:
    """Scores of a split; with ``by`` ('lang'), also one Scores per value of that metadata field,
    keyed by the value, beside "all" (each document extracted once)."""
    gold = [json.loads(line) for line in (GOLD / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line]
    groups: dict[str, Scores] = {"all": Scores()}
    for d, text in documents(split):
        statements = extract_text(text, doc_meta(d)).statements
        records = [g for g in gold if g["document"] == d["id"]]
        for key in ("all", d[by]) if by else ("all",):
            score_document(groups.setdefault(key, Scores()), records, statements)
    return groups if by else groups["all"]


def throughput(seconds: float = 3.0) -> float:
    """KB of text extracted per second on one core (the dev and test documents, repeated; the readings
    kept by text are forgotten before each pass, so that every pass reads the documents as new)."""
    docs = documents("all")
    size = sum(len(t.encode("utf-8")) for _, t in docs)
    extract_text(docs[0][1])  # load the models and lexicons
    done, spent = 0, 0.0
    while spent < seconds:
        clear_caches()
        t0 = time.process_time()
        for d, t in docs:
            extract_text(t, doc_meta(d))
        spent += time.process_time() - t0
        done += size
    return done / 1024 / spent


def lines(title: str, s: dict) -> list[str]:
    out = [f"{title}: gold statements {s['gold']}, predicted {s['predicted']}, matched {s['matched']}"]
    for k in ("detection", "classification", "full_record", "full_record_extended"):
        v = s[k]
        out.append(f"  {k:21} P {v['precision']:.3f}  R {v['recall']:.3f}  F1 {v['f1']:.3f}")
    out.append("  class F1 by class     " + "  ".join(f"{c} {v['f1']:.3f} ({v['gold']})"
                                                   for c, v in s["per_class"].items()))
    out.append(f"  value F1              {s['value_f1']:.3f}")
    out.append("  accuracy              " + "  ".join(f"{k} {v:.3f}" for k, v in s["accuracy"].items()))
    if "linking_top1" in s:
        out.append(f"  linking top-1         indicator {s['linking_top1']['indicator']:.3f}  "
                   f"plan node {s['linking_top1']['plan_node']:.3f}")
    return out


def report(split: str, groups: dict[str, Scores] | None = None) -> list[str]:
    """The figures of a split, then per language (``groups``: evaluate(split, "lang"), if at hand)."""
    groups = groups or evaluate(split, "lang")
    out = lines(split, groups["all"].summary())
    for lang, sc in sorted(groups.items()):
        if lang != "all":
            out += lines(f"{split} {lang}", sc.summary())
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="test", choices=["test", "dev", "all", "lockbox"])
    ap.add_argument("--open-lockbox", action="store_true", help="allow the lockbox split (once, at the end)")
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--report", help="write every split's figures (lockbox included) to this Markdown file")
    args = ap.parse_args()
    if (args.split == "lockbox" or args.report) and not args.open_lockbox:
        sys.exit("the lockbox is evaluated once, at the end: add --open-lockbox to do it")
    if args.report:
        body = ["# Extraction: gold-set figures", "", "Written by `python bench/extraction.py --report ... "
                "--open-lockbox`.", "", "```"]
        for split in ("dev", "test", "lockbox"):
            body += report(split) + [""]
        body += [f"throughput {throughput():.0f} KB/s per core", "```", ""]
        Path(args.report).write_text("\n".join(body), encoding="utf-8")
        print("\n".join(body))
        return
    groups = evaluate(args.split, "lang")
    scores = groups["all"]
    s = scores.summary()
    if not args.no_speed:
        s["throughput_kb_per_s"] = throughput()
    if args.json:
        print(json.dumps(s, indent=2))
    else:
        print("\n".join(report(args.split, groups)))
        if "throughput_kb_per_s" in s:
            print(f"throughput {s['throughput_kb_per_s']:.0f} KB/s per core")
    if args.errors:
        for e in scores.errors:
            print(json.dumps(e, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
