"""The gold set's test split: figures reached when the extractor was built; a regression fails."""

import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOLD = ROOT / "tests" / "data" / "extraction"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_extraction", ROOT / "bench" / "extraction.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_gold_set_shape():
    gold = [json.loads(x) for x in (GOLD / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(gold) >= 300
    langs = [g["lang"] for g in gold]
    assert 0.4 < langs.count("zh") / len(langs) < 0.6
    assert sum(g["class"] == "none" for g in gold) >= 100
    docs = json.loads((GOLD / "documents.json").read_text(encoding="utf-8"))
    split = {d["id"]: d["split"] for d in docs}
    assert all(g["split"] == split[g["document"]] for g in gold)  # split by document


def test_test_split_figures():
    s = _bench().evaluate("test").summary()
    assert s["detection"]["precision"] >= 0.95
    assert s["detection"]["recall"] >= 0.95
    assert s["detection"]["f1"] >= 0.95
    assert s["classification"]["f1"] >= 0.93
    assert s["value_f1"] >= 0.95
    assert s["accuracy"]["comparator"] >= 0.95
    assert s["accuracy"]["unit"] >= 0.95
    assert s["accuracy"]["year"] >= 0.85
    assert s["full_record"]["f1"] >= 0.80
    assert s["linking_top1"]["indicator"] >= 0.90
    assert s["linking_top1"]["plan_node"] >= 0.90
