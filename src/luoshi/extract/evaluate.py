"""Scoring extraction against a hand-annotated gold set (used by bench/extraction.py and the tests).

A prediction matches a gold statement when their anchor spans overlap in the same document (the
anchor is the value, or the in-step phrase for statements without a number).  Detection counts
targets, tasks and outcomes; gold 'none' records are the hard negatives a prediction must avoid.
A full record is right when class, value, comparator and year all are; the extended full record
also asks for unit, strength and scope.  Linking is scored only on documents annotated for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from luoshi.extract.model import Statement

FULL_FIELDS = ("class", "value", "comparator", "year")
EXTENDED_FIELDS = (*FULL_FIELDS, "unit", "strength", "scope")
CLASSES = ("target", "task", "outcome")


@dataclass
class Scores:
    gold: int = 0
    predicted: int = 0
    detected: int = 0  # matched gold positives
    classified: int = 0  # matched with the right class
    field_hits: dict[str, int] = field(default_factory=dict)
    full: int = 0
    extended: int = 0
    linked: int = 0  # matched statements annotated for linking
    indicator_hits: int = 0
    node_hits: int = 0
    by_class: dict[str, list[int]] = field(default_factory=lambda: {c: [0, 0, 0] for c in CLASSES})  # tp, pred, gold
    errors: list[dict] = field(default_factory=list)

    @staticmethod
    def _prf(tp: int, pred: int, gold: int) -> tuple[float, float, float]:
        p = tp / pred if pred else 1.0
        r = tp / gold if gold else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f

    def summary(self) -> dict:
        det = self._prf(self.detected, self.predicted, self.gold)
        cls = self._prf(self.classified, self.predicted, self.gold)
        n = self.detected or 1
        acc = {k: self.field_hits.get(k, 0) / n for k in ("value", "unit", "comparator", "strength", "year",
                                                         "scope")}
        value_f1 = self._prf(self.field_hits.get("value", 0), self.predicted, self.gold)[2]
        full = self._prf(self.full, self.predicted, self.gold)
        ext = self._prf(self.extended, self.predicted, self.gold)
        per_class = {c: dict(zip(("precision", "recall", "f1"), self._prf(*v))) | {"gold": v[2]}
                     for c, v in self.by_class.items()}
        out = {
            "gold": self.gold, "predicted": self.predicted, "matched": self.detected,
            "detection": {"precision": det[0], "recall": det[1], "f1": det[2]},
            "classification": {"precision": cls[0], "recall": cls[1], "f1": cls[2]},
            "per_class": per_class,
            "accuracy": acc, "value_f1": value_f1,
            "full_record": {"precision": full[0], "recall": full[1], "f1": full[2]},
            "full_record_extended": {"precision": ext[0], "recall": ext[1], "f1": ext[2]},
        }
        if self.linked:
            out["linking_top1"] = {"indicator": self.indicator_hits / self.linked,
                                   "plan_node": self.node_hits / self.linked}
        return out


def _anchor(st: Statement) -> tuple[int, int] | None:
    if st.value_span is not None:
        return st.value_span.start, st.value_span.end
    if st.comparator_span is not None:
        return st.comparator_span.start, st.comparator_span.end
    return None


def _same_value(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    a = a if isinstance(a, (list, tuple)) else [a]
    b = b if isinstance(b, (list, tuple)) else [b]
    return len(a) == len(b) and all(abs(x - y) <= 1e-9 * max(1.0, abs(y)) for x, y in zip(a, b))


def pred_fields(st: Statement) -> dict:
    value = [st.value, st.value_high] if st.value_high is not None else st.value
    return {"class": st.cls, "value": value, "unit": st.unit, "comparator": st.comparator,
            "strength": st.strength, "year": st.year, "scope": st.scope,
            "indicator": st.indicator.code if st.indicator else None,
            "plan_node": st.plan_node.code if st.plan_node else None}


def score_document(scores: Scores, gold: list[dict], predicted: list[Statement]) -> None:
    """Add one document's gold records and predicted commitments/outcomes to ``scores``."""
    preds = [p for p in predicted if p.is_commitment and _anchor(p) is not None]
    positives = [g for g in gold if g["class"] != "none"]
    scores.gold += len(positives)
    scores.predicted += len(preds)
    for g in positives:
        scores.by_class[g["class"]][2] += 1
    for p in preds:
        scores.by_class[p.cls][1] += 1
    used: set[int] = set()
    for g in positives:
        g0, g1 = g["span"]
        match = None
        for k, p in enumerate(preds):
            a = _anchor(p)
            if k not in used and a[0] < g1 and g0 < a[1]:
                match = k
                break
        if match is None:
            scores.errors.append({"kind": "missed", "gold": g})
            continue
        used.add(match)
        scores.detected += 1
        pf = pred_fields(preds[match])
        ok = {}
        for f in EXTENDED_FIELDS:
            ok[f] = _same_value(pf[f], g[f]) if f == "value" else pf[f] == g[f]
            if f == "scope" and g.get("set") == "real":
                ok[f] = True  # real pages are not annotated for scope
            if ok[f] and f != "class":
                scores.field_hits[f] = scores.field_hits.get(f, 0) + 1
        if ok["class"]:
            scores.classified += 1
            scores.by_class[g["class"]][0] += 1
        scores.full += all(ok[f] for f in FULL_FIELDS)
        scores.extended += all(ok.values())
        checked = list(EXTENDED_FIELDS)
        if g.get("linking", True):
            scores.linked += 1
            scores.indicator_hits += pf["indicator"] == g["indicator"]
            scores.node_hits += pf["plan_node"] == g["plan_node"]
            checked += ["indicator", "plan_node"]
        wrong = [f for f in checked if not (ok[f] if f in ok else pf[f] == g[f])]
        if wrong:
            scores.errors.append({"kind": "field", "fields": wrong, "gold": g,
                                  "predicted": {f: pf[f] for f in wrong}})
    for k, p in enumerate(preds):
        if k not in used:
            a = _anchor(p)
            neg = next((g for g in gold if g["span"][0] < a[1] and a[0] < g["span"][1]), None)
            scores.errors.append({"kind": "false-positive", "text": p.sentence.text[:120],
                                  "value": (p.value_span.text if p.value_span else None), "class": p.cls,
                                  "gold": neg})
