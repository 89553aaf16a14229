"""The one write pipeline for observations: stage, validate, apply, roll up, audit.

Every value that enters luoshi comes through ``submit``: a file imported by the CLI or uploaded in
the browser (services/imports.py reads it), ``Workspace.record`` (rows given in Python, the entry
form), the bundled loader and the demo, DHIS2 interchange and a policy document's accepted
commitment.  So every door answers the same input with the same report and stores the same values.

- stage: the input as one table of text cells (ingest/readers.py for files, ``rows_table`` here);
- validate: set-based checks (ingest/validate.py) into a ``Validation``: problems and candidates;
- apply: the candidates as new revisions (``apply``): a value is never overwritten, every
  revision is kept in ``observations``; ``obs_current`` points at the latest and the latest
  approved; a value equal to the current one is "unchanged";
- roll up: incrementally (or in full for a big batch), in the same transaction;
- audit: each change, and the import record with its problems and rejected rows.

One write transaction holds all of it: a value is visible once it is committed, and a failure
leaves the workspace as it was.
"""

from __future__ import annotations

import json
import secrets
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pyarrow as pa

from luoshi.analytics import rollup
from luoshi.domain.periods import ptype_sql
from luoshi.domain.problems import Refusal, Report, one_of
from luoshi.domain.roles import STATE_ACTION, Actor
from luoshi.ingest.catalog import Catalog
from luoshi.ingest.columns import fields_for
from luoshi.ingest.validate import ERRORS, STATES, Checks, Part, Validation, collect, run_checks
from luoshi.services.audit import log_changes, log_many
from luoshi.store.db import Database, insert_rows

SYNTHETIC_SOURCE = "synthetic-demo"
MODES = ("all-or-nothing", "accept-valid")
# apply recomputes the whole rollup instead of the affected part when a batch changes at least
# this many values and this share of all stored values
FULL_ROLLUP_MIN = 50_000
FULL_ROLLUP_SHARE = 0.25
BATCH_KEYS = "_batch_keys"  # the keys a batch of submissions stored, rolled up once at its end


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_import_id() -> str:
    return f"imp-{_now():%Y%m%d%H%M%S}-{secrets.token_hex(3)}"


def _text(v) -> str | None:
    if v is None:
        return None
    if isinstance(v, float):
        return repr(v)
    return str(v)


def rows_table(rows: list[dict], kind: str = "observations") -> pa.Table:
    """Stage rows given in Python ({indicator, region, period, value[, unit, comment, source, state]},
    by code or name; the columns of a targets file for targets) as the text table a file is read
    into, numbered from 1."""
    cols = {"row_no": pa.array(range(1, len(rows) + 1), pa.int32()), "sheet": pa.nulls(len(rows), pa.string())}
    for name in fields_for(kind):
        cols[name] = pa.array([_text(r.get(name)) for r in rows], pa.string())
    return pa.table(cols)


@dataclass(eq=False)
class Submission:
    """One caller's input to the one write path, alone or in a batch of the group commit."""

    table: pa.Table | None        # the staged text table (None: the file could not be read)
    report: Report                # what reading found; the checks add theirs
    actor: Actor
    mode: str
    state: str
    dry_run: bool
    source: str
    skip: set[int]                # rows the reader refused
    detail: bool
    on_stored: Callable | None
    base: dict                    # the answer's fields known before validation
    # the reader's problems (report.problems as reading left them), counted beside the checks'
    early: list = field(default_factory=list)
    file_level: bool = False

    def part(self) -> Part:
        scope_iids = None if self.actor.superuser else self.actor.iids("report")
        return Part(self.table, self.actor.name,
                    scope_rids=None if self.actor.superuser else sorted(self.actor.rids("report")),
                    scope_iids=None if scope_iids is None else sorted(scope_iids),
                    may_revise_approved=self.actor.superuser or self.state == "approved",
                    skip_rows=frozenset(self.skip))


def submit(db: Database, catalog: Catalog, table: pa.Table | None, report: Report, *, actor: Actor,
           mode: str = "all-or-nothing", dry_run: bool = False, state: str = "approved", fmt: str = "rows",
           checks: Checks | None = None, basis: str = "approved", locked_sql: str | None = None,
           source: str | None = None, skip: set[int] | None = None, detail: bool = False, on_stored=None) -> dict:
    """Validate a staged table and (unless ``dry_run``) store it: the one write path.

    ``report`` holds what reading found (its file name names the input); ``mode`` is
    ``all-or-nothing`` (any error stores nothing but the import record) or ``accept-valid`` (valid
    rows are stored; rejected rows are kept with their cells and problems for correction).
    ``source`` is the values' source where a row names none (default ``import:<file>``).
    Returns a summary with the problems (``status``: valid/invalid for a dry run, else
    committed/partial/rejected; an input whose every row is refused stores nothing, whatever the
    mode).  ``on_stored(con, stored)``, when given, runs inside the write transaction after the new
    revisions are stored, with ``stored`` the (row_no, oid) pairs of the input rows that became a
    revision: a reader keeps what it read beside them (the DHIS2 import keeps combos and storedBy).

    Submissions that arrive while another is being written wait for the one writer and are then
    validated and stored together, in one transaction, and rolled up once (Database.grouped, ``_run``);
    each caller is answered with its own report once that transaction committed."""
    for column, value, allowed in (("mode", mode, MODES), ("state", state, STATES)):
        if value not in allowed:
            raise Refusal("bad-value", column=column, value=value, **one_of(allowed))
    base = {"import_id": None if dry_run else new_import_id(), "kind": "observations", "file": report.file,
            "format": fmt, "mode": mode, "dry_run": dry_run, "state": state,
            "rows": report.rows_read, "accepted": 0, "rejected": 0, "added": 0, "revised": 0, "unchanged": 0}
    sub = Submission(table, report, actor, mode, state, dry_run, source or f"import:{report.file or fmt}",
                     set(skip or ()) | {p.row for p in report.errors if p.row is not None}, detail, on_stored, base,
                     # the reader's problems (a ragged row, an unmapped DHIS2 identifier): the checks skip
                     # their rows, so they are counted and listed by row here, beside the checks' problems
                     early=list(report.problems),
                     file_level=any(p.row is None or p.code in ("missing-column", "empty-file") for p in report.errors))
    checks = checks or Checks(today=catalog.today)
    checks.locked_sql = locked_sql

    def run(con, subs: list[Submission]) -> list[dict]:
        return _run(con, subs, checks, catalog, basis, db.kept)

    if dry_run:  # stores nothing: checked on this thread's own connection, never waiting for the writer
        result = run(db.cursor(), [sub])[0]
    else:
        # values, their rollup, imports and audit only: what is kept per structure version stays (Database.memo)
        # who sends: a batch waits for the senders that write again and again (Database.grouped)
        result = db.grouped(sub, run, key=("observations", basis, checks.key()), values_only=True, who=actor.name)
    result["problems"] = [p.to_dict() for p in report.problems]
    result["ok"] = report.ok
    return result


def _run(con, subs: list[Submission], checks: Checks, catalog: Catalog, basis: str, kept: dict) -> list[dict]:
    """Validate and store ``subs`` in the caller's transaction, then roll up what they stored, once.

    Rounds: every submission left is validated in one pass; one related to an earlier one that
    stores (``_waiting``) waits for the next round, which sees the stored values, so that each
    answer is the one it would get alone, the submissions taken in their order."""
    answers: list[dict | None] = [None] * len(subs)
    todo = list(range(len(subs)))
    while todo:
        todo = _round(con, subs, todo, answers, checks, catalog)
    if not any(s.dry_run for s in subs):
        stats = roll_up_batch(con, basis, kept)
        for a in answers:
            if a.get("added") or a.get("revised"):
                a["rollup_seconds"] = stats.seconds if stats else 0.0
    return answers


def _round(con, subs: list[Submission], todo: list[int], answers: list, checks: Checks,
           catalog: Catalog) -> list[int]:
    """One pass over the submissions ``todo``: fills their answers; returns those that must wait."""
    staged = [i for i in todo if subs[i].table is not None]  # the k-th staged one is part k
    part = {i: k for k, i in enumerate(staged)}
    for i in todo:  # a submission may be validated again: start from what reading found
        subs[i].report.problems[:] = subs[i].early
    v = run_checks(con, [subs[i].part() for i in staged], checks, catalog) if staged else None
    counts, bad, accepted = {}, {}, {}
    if v:
        _check_state(con, v, [subs[i] for i in staged])
        counts = dict(zip(staged, collect(con, v, [subs[i].report for i in staged])))
        for k, n_bad, n_ok in con.execute(f"""
                SELECT s.sub, coalesce(p.n, 0), coalesce(c.n, 0) FROM _subs s
                LEFT JOIN (SELECT sub, count(DISTINCT row_no) AS n FROM {v.problems}
                           WHERE code IN (SELECT unnest(?::TEXT[])) GROUP BY sub) p USING (sub)
                LEFT JOIN (SELECT sub, count(*) AS n FROM {v.candidates} GROUP BY sub) c USING (sub)""",
                                          [list(ERRORS)]).fetchall():
            bad[staged[k]], accepted[staged[k]] = n_bad, n_ok
    out, failed = {}, {}
    for i in todo:
        s = subs[i]
        o = dict(s.base)
        n = dict(sorted((Counter(counts.get(i, {})) + Counter(p.code for p in s.early)).items()))
        errors = len(s.report.errors)
        o |= {"rows": s.report.rows_read, "accepted": accepted.get(i, 0), "rejected": bad.get(i, 0) + len(s.skip),
              "problem_counts": n}
        failed[i] = bool(s.file_level or (errors and (s.mode == "all-or-nothing" or not o["accepted"]))
                         or i not in accepted)
        o["status"] = ("invalid" if failed[i] else "valid") if s.dry_run else (
            "rejected" if failed[i] else ("partial" if errors else "committed"))
        if failed[i]:
            o["accepted"] = 0
        out[i] = o
    storing = [i for i in staged if not subs[i].dry_run and not failed[i] and out[i]["accepted"]]
    waiting = _waiting(con, [part[i] for i in storing]) if len(staged) > 1 and storing else set()
    waiting = {staged[k] for k in waiting}
    for i in todo:
        if i in waiting:
            continue
        s = subs[i]
        if s.detail and v and i in accepted:
            out[i]["values"] = _outcomes(con, v, part[i], failed[i], s.early)
        answers[i] = out[i]
    stores = [(part[i], subs[i]) for i in storing if i not in waiting]
    if stores:
        for (k, s), counted in zip(stores, _store(con, v, stores)):
            answers[staged[k]] |= counted
            if s.on_stored is not None:
                s.on_stored(con, con.execute(f"""SELECT c.row_no, n.oid FROM {v.candidates} c JOIN _new n
                                                 USING (sub, iid, rid, pkey) WHERE c.sub = ? ORDER BY c.row_no""",
                                             [k]).fetchall())
    done = [i for i in todo if i not in waiting and not subs[i].dry_run]
    refused = [(part[i], answers[i]["import_id"]) for i in done
               if i in accepted and subs[i].report.errors and subs[i].mode == "accept-valid" and not subs[i].file_level]
    if refused:
        _keep_rejected(con, v, refused)
    if done:
        record_imports(con, [(answers[i], subs[i].actor, subs[i].report) for i in done])
    return [i for i in todo if i in waiting]


def _waiting(con, storing: list[int]) -> set[int]:
    """The parts that must wait for a later round, so that related parts keep their order: a part
    waits when a row of it is related to a row of an earlier part that stores or waits.  Two rows are
    related where one's checks read what the other writes: the same indicator and period in the same
    region, its parent or a child (the value itself, approved values, the sum of the children), or
    the same indicator and region in the period before or after (the jump).  Unrelated parts do not
    see each other."""
    related: dict[int, set[int]] = {}
    for a, b in con.execute("""
            WITH prev AS (SELECT key, lag(key) OVER (PARTITION BY type ORDER BY key) AS prev
                          FROM periods WHERE type IN (SELECT DISTINCT ptype FROM _p3)),
                 r AS (SELECT DISTINCT p.sub, p.iid, p.rid, p.pkey, prev.prev FROM _p3 p JOIN prev ON prev.key = p.pkey)
            SELECT DISTINCT a.sub, b.sub FROM r a JOIN r b ON a.iid = b.iid AND a.sub < b.sub
            WHERE (a.rid = b.rid AND (a.pkey = b.pkey OR a.pkey = b.prev OR b.pkey = a.prev))
               -- two lookups, each joined on equality (one lookup with OR is a nested loop over every link)
               OR (a.pkey = b.pkey
                   AND (EXISTS (SELECT 1 FROM region_links l WHERE l.parent_rid = b.rid AND l.rid = a.rid)
                        OR EXISTS (SELECT 1 FROM region_links l WHERE l.parent_rid = a.rid AND l.rid = b.rid)))
            """).fetchall():
        related.setdefault(b, set()).add(a)
    waiting: set[int] = set()
    for b in sorted(related):
        if related[b] & (set(storing) | waiting):
            waiting.add(b)
    return waiting


def _outcomes(con, v: Validation, k: int, failed: bool, early) -> list[dict]:
    """Every input row of part ``k`` with what happens to it: imported, updated, unchanged or
    rejected, and the codes of its problems (the reader's ``early`` ones and the checks')."""
    rows = con.execute(f"""
        SELECT r.row_no, r.indicator, r.region, r.period, r.value,
               CASE WHEN c.row_no IS NULL OR {str(failed).lower()} THEN 'rejected'
                    WHEN o.iid IS NULL THEN 'imported'
                    WHEN o.latest_value = c.value THEN 'unchanged' ELSE 'updated' END AS outcome,
               (SELECT list(DISTINCT p.code) FROM {v.problems} p WHERE p.rk = r.rk) AS codes
        FROM {v.raw} r LEFT JOIN {v.candidates} c ON c.rk = r.rk
        LEFT JOIN obs_current o ON o.iid = c.iid AND o.rid = c.rid AND o.pkey = c.pkey
        WHERE r.sub = ? ORDER BY r.row_no""", [k]).fetchall()
    keys = ("row", "indicator", "region", "period", "value", "outcome", "codes")
    out = [dict(zip(keys, r)) for r in rows]
    for r in out:
        r["codes"] = sorted(set(r["codes"] or ()) | {p.code for p in early if p.row == r["row"]})
    return out


def _check_state(con, v: Validation, subs: list[Submission]) -> None:
    """Rows whose state (the file's column, else the import's) their sender may not set there; one
    statement for every part (each is one more query to plan, and a one-row file is all planning)."""
    if all(s.actor.superuser for s in subs):
        return
    senders = pa.table({"sub": pa.array(range(len(subs)), pa.int32()),
                        "superuser": pa.array([s.actor.superuser for s in subs], pa.bool_()),
                        "default_state": pa.array([s.state for s in subs], pa.string())})
    allowed = [(k, st, rid) for k, s in enumerate(subs) if not s.actor.superuser
               for st, action in STATE_ACTION.items() for rid in sorted(s.actor.rids(action))]
    ok = pa.table({"sub": pa.array([a[0] for a in allowed], pa.int32()),
                   "state": pa.array([a[1] for a in allowed], pa.string()),
                   "rid": pa.array([a[2] for a in allowed], pa.int32())})
    con.register("_senders", senders)
    con.register("_state_ok", ok)
    try:
        con.execute(f"""INSERT INTO {v.problems}
                        WITH c AS (SELECT c.sub, c.rk, c.row_no, c.sheet, c.rid, c.region, s.user_name,
                                          coalesce(c.state, d.default_state) AS st
                                   FROM {v.candidates} c JOIN _senders d USING (sub) JOIN _subs s USING (sub)
                                   WHERE NOT d.superuser)
                        SELECT sub, rk, row_no, sheet, 'state', 'not-permitted',
                               CAST(json_object('user', user_name, 'action', 'set state ' || st,
                                                'action_zh', '将状态设为 ' || st, 'value', region) AS TEXT), 105
                        FROM c WHERE st IN (SELECT unnest(?::TEXT[]))
                          AND NOT EXISTS (SELECT 1 FROM _state_ok a WHERE a.sub = c.sub AND a.state = c.st
                                          AND a.rid = c.rid)""", [list(STATE_ACTION)])
    finally:
        con.unregister("_senders")
        con.unregister("_state_ok")
    con.execute(f"DELETE FROM {v.candidates} WHERE rk IN (SELECT rk FROM {v.problems} WHERE code = 'not-permitted')")


def _store(con, v: Validation, stores: list[tuple[int, Submission]]) -> list[dict]:
    """Store the candidates of the parts ``stores`` ((part, submission) pairs) as new revisions, each
    with its sender and import; returns each one's counts of added, revised and unchanged values."""
    senders = pa.table({"sub": pa.array([k for k, _ in stores], pa.int32()),
                        "import_id": pa.array([s.base["import_id"] for _, s in stores], pa.string()),
                        "by_user": pa.array([s.actor.name for _, s in stores], pa.string()),
                        "default_state": pa.array([s.state for _, s in stores], pa.string()),
                        "default_source": pa.array([s.source for _, s in stores], pa.string())})
    con.register("_stores", senders)
    try:
        con.execute(f"""CREATE OR REPLACE TEMP TABLE _in AS
                        SELECT c.sub, c.iid, c.rid, c.pkey, c.value, coalesce(c.state, s.default_state) AS state,
                               coalesce(c.source, s.default_source) AS source, c.comment, s.import_id, s.by_user
                        FROM {v.candidates} c JOIN _stores s USING (sub)""")
    finally:
        con.unregister("_stores")
    # a value equal to the approved one is unchanged, not a new lower-state revision
    con.execute("""DELETE FROM _in i USING obs_current o
                   WHERE o.iid = i.iid AND o.rid = i.rid AND o.pkey = i.pkey
                     AND o.latest_state IN ('approved', 'locked') AND o.latest_value = i.value""")
    apply(con, "_in", by=None, basis="", refresh=False)
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {BATCH_KEYS} (iid INTEGER, rid INTEGER, pkey INTEGER)")
    con.execute(f"INSERT INTO {BATCH_KEYS} SELECT iid, rid, pkey FROM _new")
    log_changes(con, None, "import", "_new")
    stored = {k: (a, r) for k, a, r in con.execute(
        "SELECT sub, count(*) FILTER (WHERE revisions IS NULL), count(*) FILTER (WHERE revisions IS NOT NULL) "
        "FROM _new GROUP BY sub").fetchall()}
    accepted = dict(con.execute(f"SELECT sub, count(*) FROM {v.candidates} GROUP BY sub").fetchall())
    out = []
    for k, _ in stores:
        added, revised = stored.get(k, (0, 0))
        out.append({"added": added, "revised": revised, "unchanged": accepted.get(k, 0) - added - revised})
    return out


def roll_up_batch(con, basis: str, kept: dict) -> rollup.RollupStats | None:
    """Roll up every key the batch's submissions stored (once per batch, inside its transaction)."""
    con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {BATCH_KEYS} (iid INTEGER, rid INTEGER, pkey INTEGER)")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _batch_changed AS SELECT DISTINCT iid, rid, pkey FROM {BATCH_KEYS}")
    con.execute(f"DROP TABLE {BATCH_KEYS}")
    stats = roll_up(con, "_batch_changed", basis, kept)
    con.execute("DROP TABLE _batch_changed")
    return stats


def _keep_rejected(con, v: Validation, parts: list[tuple[int, str]]) -> None:
    """The refused rows of the parts ``parts`` ((part, import id) pairs), with their cells and problems."""
    con.register("_kept_arrow", pa.table({"sub": pa.array([k for k, _ in parts], pa.int32()),
                                          "import_id": pa.array([i for _, i in parts], pa.string())}))
    try:
        con.execute(f"""INSERT INTO rejected_rows
                   SELECT k.import_id, r.row_no, r.sheet,
                          CAST(to_json({{indicator: r.indicator, region: r.region, period: r.period, value: r.value,
                                        unit: r.unit, comment: r.comment, source: r.source, state: r.state}}) AS TEXT),
                          CAST(to_json(list({{field: p.field, code: p.code, params: p.params}} ORDER BY p.k)) AS TEXT)
                   FROM {v.raw} r JOIN _kept_arrow k USING (sub) JOIN {v.problems} p ON p.rk = r.rk
                   WHERE r.rk IN (SELECT rk FROM {v.problems} WHERE code IN (SELECT unnest(?::TEXT[])))
                   GROUP BY k.import_id, r.row_no, r.sheet, r.indicator, r.region, r.period, r.value, r.unit,
                            r.comment, r.source, r.state""", [list(ERRORS)])
    finally:
        con.unregister("_kept_arrow")


def record_import(con, result: dict, actor: Actor, report: Report) -> None:
    """The import record and its audit entry (also for an import that stored nothing)."""
    record_imports(con, [(result, actor, report)])


def record_imports(con, imports: list[tuple[dict, Actor, Report]]) -> None:
    """The records and audit entries of several imports (a batch of the group commit), each table's
    rows in one statement."""
    now = _now()
    insert_rows(con, "imports",
                [[r["import_id"], r["kind"], r["file"], r["format"], r["mode"], r["status"], actor.name, now,
                  r["state"], r["rows"], r["accepted"], r["rejected"], r["added"], r["revised"], r["unchanged"],
                  json.dumps([p.to_dict() for p in report.problems[:200]], ensure_ascii=False)]
                 for r, actor, report in imports])
    log_many(con, [dict(actor=actor.name, action=f"import-{r['status']}", import_id=r["import_id"],
                        detail={k: r[k] for k in ("file", "kind", "mode", "rows", "accepted", "rejected", "added",
                                                  "revised", "unchanged")})
                   for r, actor, _ in imports])


def roll_up(con, changed: str, basis: str, kept: dict | None) -> rollup.RollupStats | None:
    """Roll up the keys in relation ``changed`` (iid, rid, pkey), in the caller's transaction."""
    n = con.execute(f"SELECT count(*) FROM {changed}").fetchone()[0]
    if not n:
        return None
    stored = con.execute("SELECT count(*) FROM obs_current").fetchone()[0]
    if n >= max(FULL_ROLLUP_MIN, stored * FULL_ROLLUP_SHARE):
        # a big batch touches most of the rollup: recomputing it all is faster than finding
        # the affected keys and their context, and gives the same rows (tests/test_incremental.py)
        return rollup.full(con, basis)
    return rollup.incremental(con, changed, basis, kept)


def apply(con, incoming: str, *, by: str | None, import_id: str | None = None, basis: str = "approved",
          refresh: bool = True, kept: dict | None = None) -> dict:
    """Store the rows of relation ``incoming`` (iid, rid, pkey, value, state, source, comment) as new
    revisions, inside the caller's write transaction, and roll them up (``kept``: the database's
    derived state, Database.kept).  Rows whose value and state equal the current revision are left
    alone.  ``by`` and ``import_id`` name who stores them and in which import; with ``by`` None each
    row names its own (columns ``by_user`` and ``import_id``: a batch of several imports).  Returns
    counts of added, revised and unchanged values, and ``changed``: the temp table of the rows
    stored, with their previous value and state (for the audit log)."""
    now = _now()
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _new AS
        SELECT i.*, c.revisions, c.latest_value, c.latest_state, c.approved_value, c.approved_oid,
               nextval('observation_ids') AS oid
        FROM {incoming} i LEFT JOIN obs_current c ON c.iid = i.iid AND c.rid = i.rid AND c.pkey = i.pkey
        WHERE c.revisions IS NULL OR c.latest_value IS DISTINCT FROM i.value OR c.latest_state <> i.state
    """)
    total = con.execute(f"SELECT count(*) FROM {incoming}").fetchone()[0]
    added, revised = con.execute(
        "SELECT count(*) FILTER (WHERE revisions IS NULL), count(*) FILTER (WHERE revisions IS NOT NULL) FROM _new"
    ).fetchone()
    con.execute(f"""
        INSERT INTO observations
        SELECT oid, iid, rid, pkey, value, state, coalesce(revisions, 0) + 1, {'by_user' if by is None else '?'}, ?,
               source, comment, {'import_id' if by is None else '?'}
        FROM _new
    """, [now] if by is None else [by, now, import_id])
    con.execute("""
        DELETE FROM obs_current c
        WHERE EXISTS (SELECT 1 FROM _new n WHERE n.iid = c.iid AND n.rid = c.rid AND n.pkey = c.pkey)
    """)
    con.execute(f"""
        INSERT INTO obs_current
        SELECT iid, rid, pkey, oid, value, state, coalesce(revisions, 0) + 1,
               CASE WHEN state = 'approved' THEN oid ELSE approved_oid END,
               CASE WHEN state = 'approved' THEN value ELSE approved_value END,
               source, CAST({ptype_sql('pkey')} AS TINYINT), coalesce(source = '{SYNTHETIC_SOURCE}', false)
        FROM _new ORDER BY {rollup.CLUSTER}
    """)
    stats = roll_up(con, "_new", basis, kept) if refresh and (added or revised) else None
    return {"added": added, "revised": revised, "unchanged": total - added - revised,
            "rollup_seconds": stats.seconds if stats else 0.0, "changed": "_new"}
