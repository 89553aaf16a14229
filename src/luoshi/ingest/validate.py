"""Set-based validation of an observations table (the text table of ingest/readers.py).

Every rule is one SQL statement over the whole table, run by DuckDB with the catalogue tables
joined in — no per-row Python — so a million rows validate in seconds.  The result is a table of
problems (row_no, sheet, field, code, params as JSON) and a table of candidate rows (``_cand``)
with ids and the value converted to the indicator's unit.  Cross-row rules (duplicates in the file,
region vs the sum of its children, jump against the previous period, approved data, locks, scope)
run on the candidates.

Several submissions sent at once are validated together, in the same statements (the group commit
of services/observations.py): each is a ``Part`` with its own sender, scope and rows, numbered by
``sub``; a row is known by ``rk`` (its part and row number), and every cross-row rule stays within
its part.  The cost of a one-row file is almost all statement planning, so validating twenty files
in one pass costs about what one costs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

import duckdb
import pyarrow as pa

from luoshi.domain.periods import PeriodError, parse, reportable_sql, type_name_sql
from luoshi.domain.problems import CATALOGUE, ERROR, Problem, Report, one_of, problem
from luoshi.domain.regions import valid_during_sql, valid_on_sql
from luoshi.domain.scales import PERCENT, SCALES, split_unit
from luoshi.ingest.catalog import Catalog
from luoshi.ingest.columns import fields_for

STATES = ("draft", "submitted", "approved")
MAX_ABS = 1e15


@dataclass
class Checks:
    """Options of one validation run."""

    today: date
    tolerance: float = 0.01          # region vs sum of children, relative
    jump_ratio: float = 0.5          # relative change against the previous period
    jump_points: float = 10.0        # ... for indicators in %, in percentage points
    allow_future: bool = False
    locked_sql: str | None = None            # relation (kind, iid, lstart, lend) of locks/unlocks

    def key(self) -> tuple:
        """What a batch's parts must share to be validated together."""
        return (self.today, self.tolerance, self.jump_ratio, self.jump_points, self.allow_future, self.locked_sql)

    def jumped_sql(self, value: str, previous: str, percent: str) -> str:
        """SQL: whether ``value`` jumps against ``previous`` (SQL expressions; ``percent``: the indicator's
        base unit is %), the change that needs a comment: by percentage points for an indicator in %,
        else by ratio.  Imports refuse an unexplained one; the reviewer's inbox flags it."""
        return (f"CASE WHEN {percent} THEN abs({value} - {previous}) > {self.jump_points} "
                f"ELSE {previous} <> 0 AND abs({value} / {previous} - 1) > {self.jump_ratio} END")


@dataclass
class Part:
    """One submission of a batch: its staged text table (ingest/readers.py) and what its sender may do."""

    table: pa.Table
    user: str = "local"
    scope_rids: list[int] | None = None      # writable regions (None: all)
    scope_iids: list[int] | None = None      # writable indicators (None: all)
    may_revise_approved: bool = False
    skip_rows: frozenset[int] = frozenset()  # rows the reader already refused


# a row's key across the parts of a batch: its part in the high bits, its row number in the low
RK = "(CAST(sub AS BIGINT) << 32) + row_no"


@dataclass(frozen=True)
class Validation:
    """What a validation run leaves in the connection's temp tables, by name: the input's trimmed
    cells (``raw``: sub, rk, row_no, sheet and the text fields), its problems (sub, rk, row_no, sheet,
    field, code, params as JSON, k: the rule's order) and the valid candidate rows (sub, rk, row_no,
    ids, the value in the indicator's unit, state, comment, source)."""

    raw: str = "_raw"
    problems: str = "_prob"
    candidates: str = "_cand"


def _period_map(con, texts: list[str]) -> pa.Table:
    out = {"text": [], "pkey": [], "ptype": [], "pstart": [], "pend": [], "pcode": []}
    for t in texts:
        try:
            p = parse(t)
            vals = (p.key, p.type, p.start, p.end, p.code)
        except (PeriodError, ValueError, TypeError, OverflowError):
            vals = (None,) * 5
        for k, v in zip(("pkey", "ptype", "pstart", "pend", "pcode"), vals):
            out[k].append(v)
        out["text"].append(t)
    return pa.table({"text": pa.array(out["text"], pa.string()), "pkey": pa.array(out["pkey"], pa.int32()),
                     "ptype": pa.array(out["ptype"], pa.string()), "pstart": pa.array(out["pstart"], pa.date32()),
                     "pend": pa.array(out["pend"], pa.date32()), "pcode": pa.array(out["pcode"], pa.string())})


def _unit_map(texts: list[str]) -> pa.Table:
    scales, bases = zip(*[split_unit(t) for t in texts]) if texts else ((), ())
    return pa.table({"unit": pa.array(texts, pa.string()), "scale": pa.array(scales, pa.float64()),
                     "base": pa.array(bases, pa.string())})


# A plain decimal number ("-12.5") is matched whole by the full pattern below, with no suffix and
# nothing to remove, so it is taken as it is; only other values pay for the full pattern.
_PLAIN = r"regexp_full_match(value, '[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)')"
_SUFFIXES = "|".join([w for w, _ in SCALES] + list(PERCENT))
# Thousands separators (a comma, full-width or not) are dropped only where they group the integer part
# by three ("1,234,567"); "1,2,3" is no number (not 123).
_TEXT = r"replace(replace(value, '，', ','), ' ', '')"
_GROUPED = (rf"CASE WHEN NOT contains({_TEXT}, ',') OR "
            rf"regexp_full_match({_TEXT}, '[+-]?[0-9]{{1,3}}(?:,[0-9]{{3}})+(?:[.eE%].*|[^0-9.,].*)?') "
            rf"THEN replace({_TEXT}, ',', '') ELSE '' END")
_NUMBER = (rf"regexp_extract({_GROUPED}, "
           rf"'^([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)({_SUFFIXES})?$', "
           r"['num', 'suffix'])")
_SUFFIX_SCALE = f"CASE suffix {' '.join(f'WHEN {w!r} THEN {f!r}' for w, f in SCALES)} ELSE 1.0 END"


def _name_map(con, catalog: Catalog) -> pa.Table:
    """The distinct indicator and region cells with the code each names (catalog.resolve) and the
    number of candidates (0: unknown, >1: ambiguous, listed)."""
    out = {"kind": [], "text": [], "code": [], "n": [], "candidates": []}
    for kind in ("indicator", "region"):
        for (text,) in con.execute(f"SELECT DISTINCT trim({kind}) AS t FROM _raw_arrow WHERE t <> ''").fetchall():
            code, candidates = catalog.resolve(kind, text)
            for k, v in zip(out, (kind, text, code, len(candidates), ", ".join(candidates))):
                out[k].append(v)
    return pa.table({"kind": pa.array(out["kind"], pa.string()), "text": pa.array(out["text"], pa.string()),
                     "code": pa.array(out["code"], pa.string()), "n": pa.array(out["n"], pa.int32()),
                     "candidates": pa.array(out["candidates"], pa.string())})


def _stage(parts: list[Part]) -> pa.Table:
    """The parts' tables as one, each row numbered by its part (``sub``)."""
    names = ("row_no", "sheet") + fields_for("observations")
    schema = pa.schema([("row_no", pa.int32())] + [(n, pa.string()) for n in names[1:]])
    tables = [p.table.select(list(names)).cast(schema).append_column("sub", pa.array([k] * p.table.num_rows, pa.int32()))
              for k, p in enumerate(parts)]
    return pa.concat_tables(tables)


def prepare(con: duckdb.DuckDBPyConnection, raw: pa.Table, checks: Checks, catalog: Catalog) -> None:
    """Parse the raw table into _p3 (one row per input row, ids joined, value converted, the sender's
    part joined); _raw is a view of its trimmed text cells."""
    con.register("_raw_arrow", raw)
    try:
        con.register("_names_arrow", _name_map(con, catalog))
        con.execute("CREATE OR REPLACE TEMP TABLE _names AS SELECT * FROM _names_arrow")
        con.unregister("_names_arrow")
        texts = [r[0] for r in con.execute("SELECT DISTINCT nullif(trim(period), '') AS p FROM _raw_arrow "
                                           "WHERE p IS NOT NULL").fetchall()]
        con.register("_permap_arrow", _period_map(con, texts))
        con.execute("CREATE OR REPLACE TEMP TABLE _permap AS SELECT * FROM _permap_arrow")
        con.unregister("_permap_arrow")
        units = [r[0] for r in con.execute("SELECT DISTINCT nullif(trim(unit), '') AS u FROM _raw_arrow "
                                           "WHERE u IS NOT NULL UNION SELECT DISTINCT unit FROM indicators").fetchall()]
        con.register("_unit_arrow", _unit_map(units))
        con.execute("CREATE OR REPLACE TEMP TABLE _units AS SELECT * FROM _unit_arrow")
        con.unregister("_unit_arrow")
        # one statement, so that the intermediate steps are never materialised
        con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _p3 AS
        WITH r AS (
            SELECT sub, {RK} AS rk, row_no, sheet,
                nullif(trim(indicator), '') AS indicator, nullif(trim(region), '') AS region,
                nullif(trim(period), '') AS period, nullif(trim(value), '') AS value, nullif(trim(unit), '') AS unit,
                nullif(trim(comment), '') AS comment, nullif(trim(source), '') AS source,
                nullif(lower(trim(state)), '') AS state
            FROM _raw_arrow
        ), v AS (
            SELECT r.*, CASE WHEN {_PLAIN} THEN {{'num': value, 'suffix': ''}} ELSE {_NUMBER} END AS m FROM r
        ), p AS (
            SELECT v.sub, v.rk, v.row_no, v.sheet, s.user_name, s.may_revise, s.scoped_rids, s.scoped_iids,
                   v.indicator, v.region, v.period, v.value AS value_text, v.unit, v.comment,
                   v.source, v.state,
                   i.iid, i.code AS ind_code, i.unit AS ind_unit, i.frequency, i.min_value, i.max_value,
                   i.numerator IS NOT NULL AS formula, i.region_agg,
                   g.rid, g.valid_from, g.valid_to,
                   pm.pkey, pm.ptype, pm.pstart, pm.pend, pm.pcode,
                   TRY_CAST(nullif(v.m.num, '') AS DOUBLE) AS num, nullif(v.m.suffix, '') AS suffix,
                   iu.scale AS ind_scale, iu.base AS ind_base, gu.scale AS given_scale, gu.base AS given_base,
                   coalesce(ni.n, 0) AS ind_n, ni.candidates AS ind_candidates,
                   coalesce(nr.n, 0) AS reg_n, nr.candidates AS reg_candidates
            FROM v JOIN _subs s ON s.sub = v.sub
            LEFT JOIN _names ni ON ni.kind = 'indicator' AND ni.text = v.indicator
            LEFT JOIN indicators i ON i.code = ni.code
            LEFT JOIN _names nr ON nr.kind = 'region' AND nr.text = v.region
            LEFT JOIN regions g ON g.code = nr.code
            LEFT JOIN _permap pm ON pm.text = v.period
            LEFT JOIN _units iu ON iu.unit = i.unit
            LEFT JOIN _units gu ON gu.unit = v.unit
        ), p2 AS (
            SELECT *,
                {_SUFFIX_SCALE} AS suffix_scale,
                coalesce((suffix IN ('%', '％') AND ind_base <> '%') OR (unit IS NOT NULL AND unit <> ind_unit
                     AND (given_base IS DISTINCT FROM ind_base)), false) AS unit_bad,
                coalesce(unit IS NOT NULL AND unit <> ind_unit AND given_base = ind_base AND given_scale <> ind_scale,
                         false) AS unit_conv
            FROM p
        )
        -- a number with a scale word counts base units ("1.2万" people are 12,000 people, 1.2 of 万人);
        -- else a number is in the unit given (converted when its scale differs) or the indicator's own
        SELECT *, CASE WHEN suffix_scale <> 1 THEN num * suffix_scale / ind_scale
                       WHEN unit_conv THEN num * given_scale / ind_scale ELSE num END AS v
        FROM p2
        """)
    finally:
        con.unregister("_raw_arrow")
    con.execute("""CREATE OR REPLACE TEMP VIEW _raw AS SELECT sub, rk, row_no, sheet, indicator, region, period,
                   value_text AS value, unit, comment, source, state FROM _p3""")


def _rules(checks: Checks) -> list[tuple[str, str, str, str]]:
    """(code, field, condition over _p3, params SQL) in reporting order."""
    freq_ok = reportable_sql("ptype", "frequency")
    key_ok = "iid IS NOT NULL AND rid IS NOT NULL AND pkey IS NOT NULL"
    today = checks.today.isoformat()
    rules = [
        ("missing-value", "indicator", "indicator IS NULL", "json_object('column', 'indicator')"),
        ("missing-value", "region", "region IS NULL", "json_object('column', 'region')"),
        ("missing-value", "period", "period IS NULL", "json_object('column', 'period')"),
        ("unknown-indicator", "indicator", "indicator IS NOT NULL AND iid IS NULL AND ind_n < 2",
         "json_object('value', indicator)"),
        ("ambiguous-name", "indicator", "indicator IS NOT NULL AND iid IS NULL AND ind_n > 1",
         "json_object('value', indicator, 'candidates', ind_candidates)"),
        ("unknown-region", "region", "region IS NOT NULL AND rid IS NULL AND reg_n < 2", "json_object('value', region)"),
        ("ambiguous-name", "region", "region IS NOT NULL AND rid IS NULL AND reg_n > 1",
         "json_object('value', region, 'candidates', reg_candidates)"),
        ("bad-period", "period", "period IS NOT NULL AND pkey IS NULL", "json_object('value', period)"),
        ("wrong-frequency", "period", f"{key_ok} AND NOT {freq_ok}",
         f"json_object('value', period, 'got', {type_name_sql('ptype')}, 'got_zh', {type_name_sql('ptype', 'zh')}, "
         f"'indicator', ind_code, 'expected', {type_name_sql('frequency')}, "
         f"'expected_zh', {type_name_sql('frequency', 'zh')})"),
        ("region-not-valid", "region", f"{key_ok} AND {freq_ok} AND NOT {valid_during_sql('', 'pstart', 'pend')}",
         "json_object('value', region, 'period', pcode)"),
        ("missing-value", "value", "value_text IS NULL", "json_object('column', 'value')"),
        ("not-a-number", "value", "value_text IS NOT NULL AND num IS NULL", "json_object('value', value_text)"),
        ("implausible-number", "value", f"num IS NOT NULL AND (isinf(num) OR isnan(num) OR abs(v) > {MAX_ABS} OR abs(num) > {MAX_ABS})",
         "json_object('value', value_text)"),
        ("wrong-unit", "unit", "iid IS NOT NULL AND unit_bad",
         "json_object('value', coalesce(unit, suffix), 'indicator', ind_code, 'expected', ind_unit)"),
        ("out-of-range", "value", f"iid IS NOT NULL AND num IS NOT NULL AND NOT unit_bad AND abs(v) <= {MAX_ABS} "
         "AND (v < min_value OR v > max_value)",
         "json_object('value', v, 'indicator', ind_code, 'low', coalesce(CAST(min_value AS TEXT), '-inf'), "
         "'high', coalesce(CAST(max_value AS TEXT), 'inf'))"),
        ("bad-value", "state", f"state IS NOT NULL AND state NOT IN {STATES}",
         f"json_object('column', 'state', 'column_zh', '状态', 'value', state, "
         f"'detail', '{one_of(STATES)['detail']}', 'detail_zh', '{one_of(STATES)['detail_zh']}')"),
        # warnings: the conversion actually applied, so nothing is guessed silently
        ("scale-in-value", "value", "iid IS NOT NULL AND num IS NOT NULL AND suffix NOT IN ('%', '％') AND NOT unit_bad",
         "json_object('value', value_text, 'number', v, 'unit', ind_unit, 'scale', suffix)"),
        ("unit-converted", "unit", "iid IS NOT NULL AND num IS NOT NULL AND unit_conv AND NOT unit_bad",
         "json_object('value', num * suffix_scale, 'given', unit, 'number', v, 'unit', ind_unit)"),
    ]
    if not checks.allow_future:
        rules.insert(7, ("future-period", "period", f"{key_ok} AND {freq_ok} AND pstart > DATE '{today}'",
                         "json_object('value', period)"))
    # the sender's scope (its part's; a part with no scope may write anywhere)
    rules.append(("not-permitted", "region", "scoped_rids AND rid IS NOT NULL AND NOT EXISTS "
                  "(SELECT 1 FROM _scope x WHERE x.sub = _p3.sub AND x.kind = 'rid' AND x.id = _p3.rid)",
                  "json_object('user', user_name, 'action', 'report', 'action_zh', '报送', 'value', region)"))
    rules.append(("not-permitted", "indicator", "scoped_iids AND iid IS NOT NULL AND NOT EXISTS "
                  "(SELECT 1 FROM _scope x WHERE x.sub = _p3.sub AND x.kind = 'iid' AND x.id = _p3.iid)",
                  "json_object('user', user_name, 'action', 'report ' || ind_code, "
                  "'action_zh', '报送指标 ' || ind_code)"))
    return rules


ERRORS = tuple(c for c, et in CATALOGUE.items() if et.severity == ERROR)  # the codes that refuse a row


def run_checks(con: duckdb.DuckDBPyConnection, parts: list[Part], checks: Checks, catalog: Catalog) -> Validation:
    """Validate the parts (each a staged text table and its sender) together; returns where the
    problems and the valid candidate rows are."""
    subs = pa.table({"sub": pa.array(range(len(parts)), pa.int32()),
                     "user_name": pa.array([p.user for p in parts], pa.string()),
                     "may_revise": pa.array([p.may_revise_approved for p in parts], pa.bool_()),
                     "scoped_rids": pa.array([p.scope_rids is not None for p in parts], pa.bool_()),
                     "scoped_iids": pa.array([p.scope_iids is not None for p in parts], pa.bool_())})
    scope = [(k, kind, i) for k, p in enumerate(parts)
             for kind, ids in (("rid", p.scope_rids), ("iid", p.scope_iids)) for i in ids or ()]
    skip = [(k << 32) + r for k, p in enumerate(parts) for r in sorted(p.skip_rows)]
    for name, table in (("_subs", subs),
                        ("_scope", pa.table({"sub": pa.array([s[0] for s in scope], pa.int32()),
                                             "kind": pa.array([s[1] for s in scope], pa.string()),
                                             "id": pa.array([s[2] for s in scope], pa.int32())})),
                        ("_skip", pa.table({"rk": pa.array(skip, pa.int64())}))):
        con.register(f"{name}_arrow", table)
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
        con.unregister(f"{name}_arrow")
    prepare(con, _stage(parts), checks, catalog)
    # one pass over the rows, each giving the list of its problems (one query per rule costs more to plan
    # than a small batch costs to check)
    found = ", ".join(f"CASE WHEN ({cond}) THEN {{'field': '{fld}', 'code': '{code}', "
                      f"'params': CAST({params} AS TEXT), 'k': {k}}} END"
                      for k, (code, fld, cond, params) in enumerate(_rules(checks)))
    con.execute(f"""CREATE OR REPLACE TEMP TABLE _prob AS
                    SELECT sub, rk, row_no, sheet, p.field AS field, p.code AS code, p.params AS params, p.k AS k
                    FROM (SELECT sub, rk, row_no, sheet, unnest(list_filter([{found}], lambda x: x IS NOT NULL)) AS p
                          FROM _p3 {"WHERE rk NOT IN (SELECT rk FROM _skip)" if skip else ""})""")
    con.execute(f"""
    CREATE OR REPLACE TEMP TABLE _cand AS
    SELECT sub, rk, row_no, sheet, iid, rid, pkey, ptype, pstart, pend, pcode, v AS value, state, comment, source,
           region_agg, formula, ind_base, ind_code, region, may_revise
    FROM _p3
    WHERE rk NOT IN (SELECT rk FROM _prob WHERE code IN {ERRORS})
      {"AND rk NOT IN (SELECT rk FROM _skip)" if skip else ""}
    """)
    _cross_row(con, checks)
    return Validation()


def _add(con, sql: str) -> None:
    con.execute("INSERT INTO _prob " + sql)


def _cross_row(con, checks: Checks) -> None:
    """The rules that look at other rows of the same part and at stored values, each one statement
    for every part; duplicates, then locked rows, leave the candidates before the rules after them."""
    # duplicates in the file: later rows with the key of an earlier one
    _add(con, """SELECT c.sub, c.rk, c.row_no, c.sheet, 'period', 'duplicate-row', CAST(json_object('other', d.first) AS TEXT), 100
                 FROM _cand c JOIN (SELECT sub, iid, rid, pkey, min(row_no) AS first FROM _cand GROUP BY ALL
                                    HAVING count(*) > 1) d USING (sub, iid, rid, pkey)
                 WHERE c.row_no <> d.first""")
    con.execute("DELETE FROM _cand WHERE rk IN (SELECT rk FROM _prob WHERE code = 'duplicate-row')")
    if checks.locked_sql:
        # relation (kind 'lock' | 'unlock', iid, lstart, lend): locked unless an unlock covers it
        _add(con, f"""WITH l AS ({checks.locked_sql})
                      SELECT c.sub, c.rk, c.row_no, c.sheet, 'period', 'period-locked',
                      CAST(json_object('period', c.pcode, 'indicator', c.ind_code) AS TEXT), 101
                      FROM _cand c WHERE EXISTS (SELECT 1 FROM l WHERE l.kind = 'lock' AND l.iid = c.iid
                            AND c.pstart >= l.lstart AND c.pend <= l.lend)
                        AND NOT EXISTS (SELECT 1 FROM l WHERE l.kind = 'unlock' AND l.iid = c.iid
                            AND c.pstart >= l.lstart AND c.pend <= l.lend)""")
        con.execute("DELETE FROM _cand WHERE rk IN (SELECT rk FROM _prob WHERE code = 'period-locked')")
    # a sender who may not revise approved values (its part's may_revise)
    _add(con, """SELECT c.sub, c.rk, c.row_no, c.sheet, 'value', 'approved-exists',
                 CAST(json_object('approved', o.approved_value) AS TEXT), 102
                 FROM _cand c JOIN obs_current o ON o.iid = c.iid AND o.rid = c.rid AND o.pkey = c.pkey
                 WHERE NOT c.may_revise AND o.approved_oid IS NOT NULL AND o.latest_state IN ('approved', 'locked')
                   AND o.approved_value IS DISTINCT FROM c.value""")
    # region against the sum of its children (sum indicators), when every child has a value (in the
    # same file, else stored)
    _add(con, f"""
        WITH kids AS (
            SELECT c.sub, c.rk, c.row_no, c.sheet, c.value, count(*) AS n,
                   sum(coalesce(f.value, o.latest_value)) AS total, count(coalesce(f.value, o.latest_value)) AS have
            FROM _cand c
            JOIN region_links l ON l.parent_rid = c.rid AND {valid_on_sql('l', 'c.pstart')}
            LEFT JOIN _cand f ON f.sub = c.sub AND f.iid = c.iid AND f.pkey = c.pkey AND f.rid = l.rid
            LEFT JOIN obs_current o ON o.iid = c.iid AND o.pkey = c.pkey AND o.rid = l.rid
            WHERE c.region_agg = 'sum' AND NOT c.formula
            GROUP BY c.sub, c.rk, c.row_no, c.sheet, c.value
        )
        SELECT sub, rk, row_no, sheet, 'value', 'children-sum-mismatch',
               CAST(json_object('value', value, 'n', n, 'total', total, 'tolerance', {checks.tolerance}) AS TEXT), 103
        FROM kids WHERE have = n AND abs(value - total) > {checks.tolerance} * greatest(abs(total), 1e-9)""")
    # jump against the previous period of the same type (from the file, else the stored latest value);
    # a value equal to the stored one was judged when it was stored (a template sent back unchanged)
    _add(con, f"""
        WITH prevkey AS (
            SELECT key, lag(key) OVER (PARTITION BY type ORDER BY key) AS prev,
                   lag(code) OVER (PARTITION BY type ORDER BY key) AS prev_code
            FROM periods WHERE type IN (SELECT DISTINCT ptype FROM _cand)
        ), j AS (
            SELECT c.sub, c.rk, c.row_no, c.sheet, c.value, c.comment, c.ind_base, pk.prev_code,
                   coalesce(f.value, o.latest_value) AS previous
            FROM _cand c JOIN prevkey pk ON pk.key = c.pkey
            LEFT JOIN _cand f ON f.sub = c.sub AND f.iid = c.iid AND f.rid = c.rid AND f.pkey = pk.prev
            LEFT JOIN obs_current o ON o.iid = c.iid AND o.rid = c.rid AND o.pkey = pk.prev
            LEFT JOIN obs_current cur ON cur.iid = c.iid AND cur.rid = c.rid AND cur.pkey = c.pkey
            WHERE cur.latest_value IS DISTINCT FROM c.value
        ), big AS (
            SELECT *, {checks.jumped_sql("value", "previous", "ind_base = '%'")} AS jumped
            FROM j WHERE previous IS NOT NULL
        )
        SELECT sub, rk, row_no, sheet, 'value', CASE WHEN comment IS NULL THEN 'jump-without-comment' ELSE 'jump-explained' END,
               CAST(json_object('value', value, 'previous', previous, 'period', prev_code,
                    'change', CASE WHEN ind_base = '%' THEN printf('%+.1f points', value - previous)
                                   ELSE printf('%+.0f%%', 100 * (value / previous - 1)) END,
                    'threshold', CASE WHEN ind_base = '%' THEN '{checks.jump_points:g} points'
                                      ELSE '{checks.jump_ratio:.0%}' END,
                    'change_zh', CASE WHEN ind_base = '%' THEN printf('%+.1f 个百分点', value - previous)
                                      ELSE printf('%+.0f%%', 100 * (value / previous - 1)) END,
                    'threshold_zh', CASE WHEN ind_base = '%' THEN '{checks.jump_points:g} 个百分点'
                                         ELSE '{checks.jump_ratio:.0%}' END,
                    'comment', coalesce(comment, '')) AS TEXT), 104
        FROM big WHERE jumped""")
    con.execute(f"DELETE FROM _cand WHERE rk IN (SELECT rk FROM _prob WHERE code IN {ERRORS})")


def collect(con, v: Validation, reports: list[Report], limit: int | None = None) -> list[dict]:
    """Copy each part's first problems into its report (ordered by row) and count them all, by part."""
    rows = con.execute(f"""SELECT sub, row_no, sheet, field, code, params FROM {v.problems}
                           QUALIFY row_number() OVER (PARTITION BY sub ORDER BY row_no, k) <= ?
                           ORDER BY sub, row_no, k""", [int(limit or max(r.limit for r in reports))]).fetchall()
    for sub, row_no, sheet, fld, code, params in rows:  # Report.extend keeps each report to its limit
        reports[sub].extend([problem_from(code, row_no, sheet, fld, params, reports[sub].file)])
    counts: list[dict] = [{} for _ in reports]
    for sub, code, n in con.execute(f"SELECT sub, code, count(*) FROM {v.problems} GROUP BY ALL ORDER BY sub, code").fetchall():
        counts[sub][code] = n
    return counts


def problem_from(code: str, row_no, sheet, fld, params: str | None, file: str | None) -> Problem:
    kw = json.loads(params) if params else {}
    kw = {k: ("" if v is None else v) for k, v in kw.items()}
    try:
        return problem(code, file=file, row=row_no, field=fld, sheet=sheet, **kw)
    except (KeyError, ValueError, IndexError):
        et = CATALOGUE[code]
        return Problem(code=code, message=f"{et.title}: {kw}", message_zh=et.title, file=file, row=row_no,
                       field=fld, sheet=sheet, severity=et.severity)
