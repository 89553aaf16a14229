"""Targets stated in documents against their outcomes, met or not: the one list behind
``luoshi docs outcomes``, the pages /outcomes and /documents/outcomes and their JSON and CSV.

A row is a target a document states for an indicator, region and year:

- ``basis`` 'target': a stored target citing a document (the bundled work reports, and commitments
  accepted in luoshi);
- ``basis`` 'proposed': a target commitment extracted from a stored document and still proposed or
  edited, for an indicator, region and year that have no stored target yet.

Its outcome is the stored value of that indicator, region and year (not synthetic data), else the
outcome a document states for them (an outcome commitment not rejected; the latest document first).
Met and attainment are ``domain.rules.attainment`` with the indicator's direction from the
indicators table — nothing here decides "met" — and None when there is no outcome, no target value
or no indicator in the workspace to judge by.

A row without an outcome says which of two cases it is (``outcome_status``): ``not_published`` while
the year's outcome cannot have been published yet (before ``published_by``), ``not_recorded`` once it
has been (the next year's work report, in January or February, states the main outcomes, and the
statistical bulletin follows by the end of March) but luoshi holds none: someone has to record it.
"""

from __future__ import annotations

import json

from datetime import date

from luoshi.analytics import regional
from luoshi.domain.periods import Period
from luoshi.domain.rules import attainment, normalise_comparator
from luoshi.extract.lexicon import BY_CODE
from luoshi.domain.scales import conversion
from luoshi.extract.units import unit_word
from luoshi.services.documents import CODE_MAP, stated_period
from luoshi.store.db import Database

_COMMITMENTS = """
    SELECT c.cid, c.did, c.class, c.indicator, c.scope, c.period, c.comparator, c.value, c.value_high, c.unit,
           c.strength, c.status, c.sentence_start, c.sentence_end, d.title, d.doc_date
    FROM commitments c JOIN documents d USING (did)
    WHERE c.class IN ('target', 'outcome') AND c.status IN ('proposed', 'edited', 'accepted')
      AND c.indicator IS NOT NULL AND c.period IS NOT NULL AND regexp_matches(c.period, '[0-9]{4}$')
    ORDER BY d.doc_date DESC NULLS LAST, c.cid"""


def published_by(year: int) -> date:
    """The day by which a year's outcomes are public: the next year's statistical bulletin, end of March
    (the work report that states the main ones comes before, in January or February)."""
    return date(year + 1, 3, 31)


def outcome_status(row: dict, today: date) -> str:
    """recorded / not_published / not_recorded (see the module)."""
    if row["outcome"] is not None:
        return "recorded"
    return "not_published" if today <= published_by(row["year"]) else "not_recorded"


def targets_vs_outcomes(db: Database, today: date) -> list[dict]:
    """Every target stated in a document with its outcome, attainment and met (see the module)."""
    cur = db.cursor()
    indicators = {r["code"]: r for r in db.all("SELECT code, unit, decimals, direction, name_zh, name_en "
                                                "FROM indicators")}
    regions = {r["code"]: r for r in db.all("SELECT code, name_zh, name_en FROM regions")}
    docs = {r["did"]: r for r in db.all("SELECT did, title, doc_date, text FROM documents")}
    stated = [_stated(c, indicators, docs) for c in db.all(_COMMITMENTS)]
    outcomes: dict[tuple, dict] = {}
    for c in stated:
        if c["class"] == "outcome" and c["value"] is not None:
            outcomes.setdefault(c["key"], c)  # the latest document's
    rows = [_stored(r, docs) for r in regional.targets_outcomes(cur)]
    have = {(r["indicator"], r["region"], r["year"]) for r in rows}
    for c in stated:
        if c["class"] == "target" and c["status"] != "accepted" and c["key"] not in have:
            have.add(c["key"])  # the latest document's proposal for a key
            rows.append(_proposed(c, indicators, regions))
    for r in rows:
        o = outcomes.get((r["indicator"], r["region"], r["year"]))
        if r["outcome"] is None and o is not None and o["unit"] == r["unit"]:
            r |= {"outcome": o["value"], "outcome_document": o["did"], "outcome_commitment": o["cid"]}
        outcome_doc = docs.get(r["outcome_document"]) or {}
        r["outcome_title"], r["outcome_date"] = outcome_doc.get("title"), outcome_doc.get("doc_date")
        r["attainment"], r["met"] = _judge(r)
        r["outcome_status"] = outcome_status(r, today)
        r["published_by"] = published_by(r["year"]).isoformat()
    rows.sort(key=lambda r: (-r["year"], r["region"] or "", r["indicator"]))
    return rows


def _judge(r: dict) -> tuple[float | None, bool | None]:
    if r["outcome"] is None or r["target"] is None or r["direction"] is None:
        return None, None
    att, met = attainment(r["outcome"], r["comparator"], r["target"], r["value_high"], r["tolerance"],
                          r["direction"])
    return round(att, 2), bool(met)


def _stated(c: dict, indicators: dict, docs: dict) -> dict:
    """A commitment with its indicator resolved (lexicon code -> indicator code) and its values in the
    indicator's unit (left as stated, with the stated unit, when there is no such indicator)."""
    code = next((k for k in (c["indicator"], CODE_MAP.get(c["indicator"])) if k in indicators), None)
    value, high, unit = c["value"], c["value_high"], c["unit"]
    if code is not None:
        scale = conversion(unit_word(unit, indicators[code]["unit"]), indicators[code]["unit"])
        if scale is None:  # a statement in another unit is not comparable
            value = high = None
        else:  # into the indicator's unit, as accepting it does (the importers' conversion)
            value, high = (None if v is None else v * scale[0] / scale[1] for v in (value, high))
        unit = indicators[code]["unit"]
    year = int(stated_period(c["period"])[-4:])  # a span "2026-2030" counts for its last year, as accepting does
    quote = docs[c["did"]]["text"][c["sentence_start"]:c["sentence_end"]]
    return {**c, "code": code, "value": value, "value_high": high, "unit": unit, "year": year, "quote": quote,
            "key": (code or c["indicator"], c["scope"], year)}


def _provenance(text: str | None) -> dict:
    """The document and commitment a target or observation accepted from a document points to."""
    if not text or not text.startswith("{"):
        return {}
    try:
        return json.loads(text)
    except ValueError:
        return {}


def _stored(r: dict, docs: dict) -> dict:
    target = _provenance(r["source"])
    outcome = _provenance(r["outcome_source"])
    out = {**r, "basis": "target", "target_document": target.get("document"),
           "target_commitment": target.get("commitment"), "outcome_document": outcome.get("document"),
           "outcome_commitment": outcome.get("commitment")}
    if target:
        out |= {"source": None, "document": docs.get(target.get("document"), {}).get("title")}
    if outcome:
        out["outcome_source"] = None
    out["target_date"] = docs[out["target_document"]]["doc_date"] if out["target_document"] in docs else None
    return out


def _proposed(c: dict, indicators: dict, regions: dict) -> dict:
    ind = indicators.get(c["code"]) or {}
    entry = BY_CODE.get(c["indicator"])
    region = regions.get(c["scope"]) or {}
    period = Period("Y", c["year"])
    return {"year": c["year"], "period": period.code, "indicator": c["key"][0],
            "name_zh": ind.get("name_zh") or (entry.name_zh if entry else None),
            "name_en": ind.get("name_en") or (entry.name_en if entry else None),
            "unit": c["unit"], "decimals": ind.get("decimals"), "direction": ind.get("direction"),
            "region": c["scope"], "region_zh": region.get("name_zh"), "region_en": region.get("name_en"),
            "comparator": normalise_comparator(c["comparator"]) if c["comparator"] else None, "target": c["value"],
            "value_high": c["value_high"], "tolerance": None, "strength": c["strength"], "document": c["title"],
            "quote": c["quote"], "source": None, "status": c["status"], "period_end": period.end,
            "outcome": None, "outcome_source": None, "basis": "proposed", "target_document": c["did"],
            "target_commitment": c["cid"], "target_date": c["doc_date"], "outcome_document": None,
            "outcome_commitment": None}
