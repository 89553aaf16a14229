"""Policy documents: add, extract quantified commitments, review them, and use them.

Accepting a commitment turns it into a target, a task or an outcome observation, each through its
one write path (the targets importer, the task list import, the observation pipeline), with
provenance pointing back to the document and the character offsets of the sentence and value.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from datetime import date, datetime, timezone
from pathlib import Path

from luoshi.domain.periods import PeriodError
from luoshi.domain.periods import parse as parse_period
from luoshi.domain.problems import InputError, Refusal, Report, editable, one_of
from luoshi.domain.roles import Actor
from luoshi.extract import DocumentMeta, extract_text
from luoshi.extract.model import CLASSES, COMPARATORS, STRENGTHS
from luoshi.extract.subject import clause_bounds
from luoshi.extract.units import unit_word
from luoshi.ingest.documents import read_document
from luoshi.ingest.limits import Limits
from luoshi.services.taskdesk import TaskDesk
from luoshi.store.db import Database

KINDS = ("speech", "work-report", "communique", "plan", "news")
STATUSES = ("proposed", "accepted", "edited", "rejected")
# extraction lexicon code -> bundled indicator code, where they differ
CODE_MAP = {"tech_transformation": "tech_transform", "digital_transformation": "digital_transform",
            "retail_sales_growth": "retail_growth", "fdi": "foreign_capital",
            "offshore_wind": "offshore_wind_capacity", "talent_attraction": "talent_introduced"}
# Commitments with their document's text: the document's own characters (a traditional page stays
# traditional) where the normalised text's offsets map one to one (a single breakpoint), else the
# normalised text the offsets point into.
_COMMITMENTS = ("SELECT c.*, CASE WHEN length(d.original_text) = length(d.text) AND "
                "json_array_length(d.offsets, '$.breakpoints') = 1 THEN d.original_text ELSE d.text END AS doc_text, "
                "d.title, d.language FROM commitments c JOIN documents d USING (did) ")
# a commitment's class -> the column of commitments naming what accepting it made
ACCEPTED_AS = {"target": "target_id", "task": "task_ref", "outcome": "observation_id"}
EDITABLE = ("class", "value", "value_high", "unit", "comparator", "strength", "period", "scope", "indicator",
            "plan_node", "subject")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _not_editable_value(name: str, value) -> dict | None:
    """Why ``value`` cannot be stored in the field ``name`` of a commitment (the detail of a bad-value), or None."""
    if name in ("value", "value_high"):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        return None if ok else {"detail": "a finite number", "detail_zh": "应为有限数值"}
    if not isinstance(value, str):
        return {"detail": "text", "detail_zh": "应为文本"}
    allowed = {"class": CLASSES, "comparator": COMPARATORS, "strength": STRENGTHS}.get(name)
    return one_of(allowed) if allowed and value not in allowed else None


class DocumentService:
    """Documents and commitments of one workspace."""

    def __init__(self, ws, plan_id: str | None = None):
        self.ws = ws  # an accepted outcome is stored through the workspace's one write path
        self.db: Database = ws.db
        self.plan_id = plan_id  # the plan an accepted target belongs to (Workspace.documents: the default plan)

    # --- documents ---------------------------------------------------------------------------
    def add(self, path: str | Path, *, title: str | None = None, doc_date: str | None = None,
            issuer: str | None = None, kind: str | None = None, by: str | None = None,
            extract: bool = True) -> dict:
        """Read, normalise and store a document (once per distinct text), then extract from it."""
        text, fmt, report = read_document(path, limits=Limits.of(self.ws.setting, "document_max_mb"))
        self._check_meta(report, doc_date, issuer, kind)
        if not report.ok:
            raise InputError(report)
        return self.add_text(text, title=title or Path(path).stem, filename=Path(path).name, fmt=fmt,
                             doc_date=doc_date, issuer=issuer, kind=kind, by=by, extract=extract)

    def add_text(self, text: str, *, title: str | None = None, filename: str | None = None, fmt: str = "txt",
                 doc_date: str | None = None, issuer: str | None = None, kind: str | None = None,
                 by: str | None = None, extract: bool = True) -> dict:
        result = extract_text(text, DocumentMeta(doc_date, issuer, kind))
        norm = result.normalised
        sha = hashlib.sha256(norm.text.encode("utf-8")).hexdigest()
        existing = self.db.one("SELECT did FROM documents WHERE sha256 = ?", [sha])
        if existing:
            return {"did": existing["did"], "duplicate": True, "language": result.language,
                    "commitments": self.db.scalar("SELECT count(*) FROM commitments WHERE did = ?",
                                                  [existing["did"]])}
        with self.db.write() as con:
            did = con.execute(
                "INSERT INTO documents (sha256, title, filename, format, language, issuer, doc_date, kind, "
                "original_text, text, offsets, added_by, added_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) "
                "RETURNING did",
                [sha, title, filename, fmt, result.language, issuer, doc_date, kind, text, norm.text,
                 json.dumps(norm.to_dict()), by, _now()]).fetchone()[0]
            n = self._store_statements(con, did, result) if extract else 0
        return {"did": did, "duplicate": False, "language": result.language, "commitments": n}

    def _check_meta(self, report: Report, doc_date, issuer, kind) -> None:
        if doc_date:
            try:
                date.fromisoformat(doc_date)
            except ValueError:
                report.add("bad-date", field="date", value=doc_date)
        if kind and kind not in KINDS:
            report.add("bad-value", field="kind", column="kind", value=kind, **one_of(KINDS))
        if issuer and not self.db.one("SELECT 1 AS x FROM regions WHERE code = ?", [issuer]):
            report.add("unknown-region", field="issuer", value=issuer)

    def extract(self, did: int) -> int:
        """Extract again; proposals not yet reviewed are replaced, reviewed ones are kept."""
        doc = self._doc(did)
        result = extract_text(doc["original_text"], DocumentMeta(
            doc["doc_date"].isoformat() if doc["doc_date"] else None, doc["issuer"], doc["kind"], doc["language"]))
        with self.db.write() as con:
            con.execute("DELETE FROM commitments WHERE did = ? AND status = 'proposed'", [did])
            return self._store_statements(con, did, result)

    def _store_statements(self, con, did: int, result) -> int:
        reviewed = {r[0] for r in con.execute(
            "SELECT value_start FROM commitments WHERE did = ? AND status <> 'proposed'", [did]).fetchall()}
        n = 0
        for st in result.commitments:
            if st.value_span and st.value_span.start in reviewed:
                continue
            sp = st.spans()

            def pos(name):
                s = sp.get(name)
                return (s.start, s.end) if s else (None, None)

            ind, node = st.indicator, st.plan_node
            con.execute(
                "INSERT INTO commitments (did, class, sentence_start, sentence_end, value, value_high, unit, "
                "value_start, value_end, comparator, comparator_start, comparator_end, strength, strength_start, "
                "strength_end, subject, subject_start, subject_end, period, period_inferred, period_start, "
                "period_end, scope, scope_inferred, scope_start, scope_end, section, section_kind, indicator, "
                "indicator_score, indicator_method, plan_node, node_score, node_method, proposed_indicator) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [did, st.cls, st.sentence.start, st.sentence.end, st.value, st.value_high, st.unit, *pos("value"),
                 st.comparator, *pos("comparator"), st.strength, *pos("strength"),
                 st.subject.text if st.subject else None, *pos("subject"),
                 None if st.year is None else str(st.year), st.year_inferred, *pos("year"),
                 st.scope, st.scope_inferred, *pos("scope"), st.section, st.section_kind,
                 ind.code if ind else None, ind.score if ind else None, ind.method if ind else None,
                 node.code if node else None, node.score if node else None, node.method if node else None,
                 json.dumps(st.proposed_indicator, ensure_ascii=False) if st.proposed_indicator else None])
            n += 1
        con.execute("UPDATE documents SET extracted_at = ? WHERE did = ?", [_now(), did])
        return n

    def documents(self, did: int | None = None) -> list[dict]:
        """Stored documents with the number of proposals by status (one document when ``did`` is given)."""
        return self.db.all(
            "SELECT d.did, d.title, d.language, d.issuer, d.doc_date, d.kind, length(d.text) AS chars, "
            "count(c.cid) AS commitments, count(c.cid) FILTER (WHERE c.status = 'proposed') AS proposed, "
            "count(c.cid) FILTER (WHERE c.status = 'accepted') AS accepted, "
            "count(c.cid) FILTER (WHERE c.status = 'edited') AS edited, "
            "count(c.cid) FILTER (WHERE c.status = 'rejected') AS rejected, d.sha256, d.filename, d.format "
            "FROM documents d LEFT JOIN commitments c USING (did) "
            + ("WHERE d.did = ? " if did is not None else "") + "GROUP BY ALL ORDER BY d.did",
            [did] if did is not None else [])

    def document(self, did: int) -> dict:
        """One document's metadata and proposal counts (no text)."""
        rows = self.documents(did)
        if not rows:
            raise Refusal("unknown-document", 404, value=did)
        return rows[0]

    def _doc(self, did: int) -> dict:
        doc = self.db.one("SELECT * FROM documents WHERE did = ?", [did])
        if doc is None:
            raise Refusal("unknown-document", 404, value=did)
        return doc

    # --- review ------------------------------------------------------------------------------
    def commitments(self, did: int | None = None, status: str | None = None) -> list[dict]:
        """Proposals with the sentence and every field's span (offsets into the document text and
        into the sentence), ready for a page to highlight."""
        where, params = [], []
        if did is not None:
            where.append("c.did = ?")
            params.append(did)
        if status:
            where.append("c.status = ?")
            params.append(status)
        rows = self.db.all(_COMMITMENTS + (("WHERE " + " AND ".join(where)) if where else "")
                           + " ORDER BY c.did, c.sentence_start, c.value_start", params)
        return [_public(r) for r in rows]

    def commitment(self, cid: int) -> dict:
        rows = self.db.all(_COMMITMENTS + "WHERE cid = ?", [cid])
        if not rows:
            raise Refusal("unknown-commitment", 404, value=cid)
        return _public(rows[0])

    def edit(self, cid: int, by: str | None = None, **fields) -> dict:
        """Correct fields of a proposal (status becomes 'edited')."""
        self.commitment(cid)
        report = Report(file=f"commitment {cid}")
        for k, v in fields.items():
            if k not in EDITABLE:
                report.add("bad-value", field=k, column=k, value=v, **editable(EDITABLE))
            elif v is not None and (detail := _not_editable_value(k, v)):
                report.add("bad-value", field=k, column=k, value=v, detail=detail["detail"],
                           detail_zh=detail["detail_zh"])
        if not report.ok:
            raise InputError(report)
        fields = {k: v for k, v in fields.items() if v is not None}
        if not fields:
            return self.commitment(cid)
        sets = ", ".join(f'"{k}" = ?' for k in fields)
        with self.db.write() as con:
            con.execute(f"UPDATE commitments SET {sets}, status = 'edited', reviewed_by = ?, reviewed_at = ? "
                        f"WHERE cid = ?", [*fields.values(), by, _now(), cid])
        return self.commitment(cid)

    def reject(self, cid: int, by: str | None = None, note: str | None = None) -> dict:
        self.commitment(cid)
        with self.db.write() as con:
            con.execute("UPDATE commitments SET status = 'rejected', reviewed_by = ?, reviewed_at = ?, note = ? "
                        "WHERE cid = ?", [by, _now(), note, cid])
        return self.commitment(cid)

    def accept(self, cid: int, by: str | None = None) -> dict:
        """Turn a proposal into what its class says, through that thing's one write path: a target (the
        targets importer's checks; a key that has a target is refused), a task (a task list's checks)
        or an outcome observation (the observation pipeline).  The commitment is marked accepted in
        the same write transaction; a dry run of the same path answers a refusal first, so that a
        refused accept writes nothing (not even an import record)."""
        c = self.commitment(cid)
        if c["status"] == "accepted":
            raise Refusal("already-accepted", 409, value=cid)
        if c["class"] not in ACCEPTED_AS:
            report = Report(file=f"commitment {cid}")
            report.add("bad-value", field="class", column="class", value=c["class"], **one_of(ACCEPTED_AS))
            raise InputError(report)
        provenance = {"document": c["did"], "commitment": cid, "sentence": c["sentence"]["span"],
                      "value": c["spans"].get("value")}
        column = ACCEPTED_AS[c["class"]]
        made = {}

        def mark(con, made_id) -> None:  # inside the write transaction of what the commitment became
            made[column] = made_id
            if not con.execute(f"UPDATE commitments SET status = 'accepted', {column} = ?, reviewed_by = ?, "
                               "reviewed_at = ? WHERE cid = ? AND status <> 'accepted' RETURNING cid",
                               [made_id, by, _now(), cid]).fetchall():
                raise Refusal("already-accepted", 409, value=cid)  # accepted meanwhile: roll this back

        if c["class"] == "task":
            rows = [self._task_row(c, provenance)]
            desk = TaskDesk(self.ws, self.plan_id)
            actor = Actor(by, superuser=True) if by else None
            desk.import_rows(rows, actor, dry_run=True)
            desk.import_rows(rows, actor, on_stored=lambda con, ids: mark(con, ids[0]))
        elif c["class"] == "target":
            rows = [self._target_row(c, provenance)]
            self.ws.set_targets(rows, by=by, replace=False, dry_run=True)
            self.ws.set_targets(rows, by=by, replace=False, on_stored=lambda con, stored: mark(con, stored[0][1]))
        else:
            rows = [self._outcome_row(c, provenance)]
            self.ws.record(rows, state="approved", by=by, dry_run=True)
            self.ws.record(rows, state="approved", by=by, on_stored=lambda con, stored: mark(
                con, stored[0][1] if stored else _current_oid(con, rows[0])))
        return {"cid": cid, "class": c["class"], **made}

    def _target_row(self, c: dict, provenance: dict) -> dict:
        """The commitment as a row of a targets file."""
        code = self._indicator_code(c["indicator"])
        return {"indicator": code, "region": c["scope"], "period": stated_period(c["period"]),
                "comparator": c["comparator"], "value": c["value"], "value_high": c["value_high"],
                "unit": self._unit(c["unit"], code),
                "plan": self.plan_id, "strength": c["strength"], "document": f"document:{c['did']}",
                "quote": c["sentence"]["text"], "source": json.dumps(provenance, ensure_ascii=False),
                "status": "accepted"}

    def _outcome_row(self, c: dict, provenance: dict) -> dict:
        """The commitment as an observation row."""
        code = self._indicator_code(c["indicator"])
        return {"indicator": code, "region": c["scope"], "period": stated_period(c["period"]), "value": c["value"],
                "unit": self._unit(c["unit"], code), "source": json.dumps(provenance, ensure_ascii=False),
                "comment": c["sentence"]["text"][:500]}

    def _task_row(self, c: dict, provenance: dict) -> dict:
        """The commitment as a row of a task list: titled by its clause of the sentence, due at the end
        of its period, led by its region's government, linked to its plan node and (known) indicator."""
        sentence = c["sentence"]["text"]
        at = c["spans"]["value"]["in_sentence"][0] if "value" in c["spans"] else 0
        a, b = clause_bounds(sentence, at, c["language"] or "zh")
        row = {"title": sentence[a:b].strip()[:60] or None, "content": sentence.strip(), "node": c["plan_node"],
               "region": c["scope"], "source": c["title"], "source_kind": "document",
               "source_ref": json.dumps(provenance, ensure_ascii=False)}
        code = self._indicator_code(c["indicator"])
        if code in self.ws.catalog().indicators:  # a task need not measure anything: an unknown one is left out
            row["indicators"] = code
        if c["scope"]:
            lead = self.db.one("SELECT code FROM units WHERE region_code = ? AND kind LIKE '%government%' "
                               "ORDER BY kind = 'government_office', code LIMIT 1", [c["scope"]])
            row["lead"] = lead and lead["code"]
        if c["period"]:
            try:
                row["deadline"] = parse_period(stated_period(c["period"])).end
            except PeriodError:
                report = Report(file=f"commitment {c['cid']}")
                report.add("bad-period", field="period", value=c["period"])
                raise InputError(report) from None
        return row

    def _unit(self, unit: str | None, code: str | None) -> str | None:
        ind = self.ws.catalog().indicators.get(code or "")
        return unit_word(unit, ind.unit if ind else None)

    def _indicator_code(self, code: str | None) -> str | None:
        """The workspace's code for an extracted indicator code (CODE_MAP where the bundled one differs)."""
        return code if not code or code in self.ws.catalog().indicators else CODE_MAP.get(code, code)

    # --- use ---------------------------------------------------------------------------------
    def outcomes(self) -> list[dict]:
        """Targets stated in documents against their outcomes, met or not (services/outcomes.py)."""
        from luoshi.services.outcomes import targets_vs_outcomes  # late: it imports this module's tables

        return targets_vs_outcomes(self.db, self.ws.today)


def stated_period(text: str | None) -> str | None:
    """The period a commitment's period names: a span of years "2026-2030" counts for its last year."""
    t = (text or "").strip()
    m = re.fullmatch(r"\d{4}\s*[-–—~至到]\s*(\d{4})", t)
    return m[1] if m else (t or None)


def _current_oid(con, row: dict) -> int:
    """The approved observation an outcome equal to it left in place (the pipeline stores no revision)."""
    return con.execute("SELECT o.approved_oid FROM obs_current o JOIN indicators i USING (iid) "
                       "JOIN regions g USING (rid) WHERE i.code = ? AND g.code = ? AND o.pkey = ?",
                       [row["indicator"], row["region"], parse_period(row["period"]).key]).fetchone()[0]


def _public(r: dict) -> dict:
    text = r.pop("doc_text")
    s0, s1 = r["sentence_start"], r["sentence_end"]
    spans = {}
    for name in ("value", "comparator", "strength", "subject", "period", "scope"):
        a, b = r.pop(f"{name}_start"), r.pop(f"{name}_end")
        if a is not None and b is not None and b > a:
            spans[name] = {"start": a, "end": b, "text": text[a:b], "in_sentence": [a - s0, b - s0]}
    r.pop("sentence_start"), r.pop("sentence_end")
    r["sentence"] = {"span": [s0, s1], "text": text[s0:s1]}
    r["spans"] = spans
    if r.get("proposed_indicator"):
        r["proposed_indicator"] = json.loads(r["proposed_indicator"])
    for k in ("reviewed_at",):
        if r.get(k) is not None:
            r[k] = r[k].isoformat()
    return r
