"""An incremental rollup's closure and steps, computed in memory with numpy.

An incremental update recomputes the keys a change affects: about 150,000 when a month's
reports come in at province scale.  In SQL each of its steps (one per period type and region
depth) cost DuckDB tens of milliseconds of planning and operator set-up whatever its size, and
those fixed costs were most of an update's time.  Here the same steps are array operations on
what rollup.py reads with SQL: the affected keys' reported values and the unchanged rollup rows
they depend on (the context).

A key (indicator, region, period) is one int64.  The rules are rollup.py's (see its module
note), with SQL's treatment of NULL: an aggregate skips NULL values and is NULL when all are;
``last`` is the latest non-NULL value (``arg_max``); a count counts non-NULL values; a formula
needs a denominator that is neither NULL nor zero, and reports the least non-NULL
``n_reporting`` of its components (``least``).  tests/test_incremental.py holds the result equal,
exactly, to a full rollup in SQL.
"""

from __future__ import annotations

import time

import numpy as np
import pyarrow as pa

from luoshi.analytics.rollup_rules import FINER, ORDER, REGION_RULES, SRC_FORMULA, SRC_REGION, SRC_TIME, TIME_RULES
from luoshi.domain.periods import STEP_UP, TYPE_DIGIT, key_type, up_key

PKEY_BITS = 27  # every period key (year * 10000 + type * 1000 + index, year < 10000) is below 2**27
FIELDS = ("key", "value", "vnull", "src", "nr", "syn")  # nr: n_reporting, -1 for NULL


class Rows:
    """Rollup rows as column arrays; vnull marks a NULL value."""

    __slots__ = FIELDS

    def __init__(self, key, value, vnull, src, nr, syn):
        self.key, self.value, self.vnull, self.src, self.nr, self.syn = key, value, vnull, src, nr, syn

    def __len__(self) -> int:
        return len(self.key)

    def take(self, which) -> Rows:
        return Rows(*(getattr(self, f)[which] for f in FIELDS))

    @staticmethod
    def cat(parts: list[Rows | None]) -> Rows:
        parts = [p for p in parts if p is not None and len(p)]
        if len(parts) < 2:
            return parts[0] if parts else EMPTY
        return Rows(*(np.concatenate([getattr(p, f) for p in parts]) for f in FIELDS))


EMPTY = Rows(np.zeros(0, np.int64), np.zeros(0), np.zeros(0, bool), np.zeros(0, np.int8), np.zeros(0, np.int64),
             np.zeros(0, bool))


def _find(sorted_keys: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The index of each k in sorted_keys, or -1."""
    if not len(sorted_keys):
        return np.full(len(k), -1)
    i = np.minimum(np.searchsorted(sorted_keys, k), len(sorted_keys) - 1)
    return np.where(sorted_keys[i] == k, i, -1)


def _within(sorted_keys: np.ndarray, k: np.ndarray) -> np.ndarray:
    return _find(sorted_keys, k) >= 0


def _unique(k: np.ndarray) -> np.ndarray:
    """The distinct keys, sorted (by sorting: numpy's unique hashes int64 keys, far slower here)."""
    k = np.sort(k)
    return k[np.r_[True, k[1:] != k[:-1]]] if len(k) else k


def _pairs(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows i with matches lo[i] <= j < hi[i] in a sorted table: every (i, j)."""
    n = hi - lo
    row = np.repeat(np.arange(len(lo)), n)
    return row, lo[row] + np.arange(len(row)) - np.repeat(np.cumsum(n) - n, n)


class Groups:
    """Rows grouped by key: ``order`` sorts the rows by key, and within a group by period."""

    def __init__(self, keys: np.ndarray, order: np.ndarray):
        self.order = order
        k = keys[order]
        self.starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
        self.keys = k[self.starts]

    def sum(self, x) -> np.ndarray:
        return np.add.reduceat(x[self.order], self.starts)

    def max(self, x) -> np.ndarray:
        return np.maximum.reduceat(x[self.order], self.starts)

    def min(self, x) -> np.ndarray:
        return np.minimum.reduceat(x[self.order], self.starts)

    def last(self, present) -> np.ndarray:
        """Per group, the row index of the last row where ``present`` (the latest period), or -1."""
        pos = np.where(present[self.order], np.arange(len(self.order)), -1)
        best = np.maximum.reduceat(pos, self.starts)
        return np.where(best >= 0, self.order[np.maximum(best, 0)], -1)


def _ptype(pkey: np.ndarray) -> np.ndarray:
    """The type digit of period keys."""
    return key_type(pkey)


def _region_and_type(rid: np.ndarray, ptype: np.ndarray) -> np.ndarray:
    """One number for a region and a period type (type digits are below 8)."""
    return rid * 8 + ptype


def _up(fine: str, pkey: np.ndarray, periods) -> np.ndarray:
    """The key of the next coarser period in the chain (sql_dialect.Dialect.up; a day's month from the periods)."""
    if fine in STEP_UP:
        return up_key(fine, pkey)
    i = _find(periods[0], pkey)
    return np.where(i >= 0, periods[1][np.maximum(i, 0)], -1)


class Memory:
    """The rules of the indicators and the region links, as arrays, for incremental updates."""

    def __init__(self, con):
        ind = con.execute("""SELECT iid, region_agg, time_agg, formula, coalesce(weight_iid, -1),
                                    coalesce(num_iid, -1), coalesce(den_iid, -1), factor FROM _ind""").fetchall()
        max_iid = max((r[0] for r in ind), default=0)
        depth = con.execute("SELECT rid, depth FROM regions").fetchnumpy()
        n_rid = int(depth["rid"].max(initial=0)) + 1
        self.rid_bits = n_rid.bit_length()
        if max_iid.bit_length() + self.rid_bits + PKEY_BITS > 63:
            raise ValueError(f"{max_iid + 1} indicators x {n_rid} regions exceed the in-memory key range")
        self.iid_shift = self.rid_bits + PKEY_BITS
        self.depth = np.zeros(n_rid, np.int64)
        self.depth[depth["rid"]] = depth["depth"]
        size = max_iid + 1
        self.formula = np.zeros(size, bool)
        self.time_rule = np.full(size, -1)
        self.region_rule = np.full(size, -1)
        self.weight = np.full(size, -1)
        formulas, uses = [], []  # (iid, numerator, denominator, factor); (used, user)
        for iid, region_agg, time_agg, formula, weight, num, den, factor in ind:
            self.formula[iid] = formula
            self.time_rule[iid] = TIME_RULES.index(time_agg) if time_agg in TIME_RULES else -1
            self.region_rule[iid] = REGION_RULES.index(region_agg) if region_agg in REGION_RULES else -1
            self.weight[iid] = weight
            if formula:
                formulas.append((iid, num, den, factor))
            uses += [(part, iid) for part in (weight, num, den) if part >= 0]
        formulas.sort(key=lambda f: f[1])  # by numerator
        self.formulas = tuple(np.array([f[j] for f in formulas], np.float64 if j == 3 else np.int64) for j in range(4))
        self.numerator, self.denominator = np.full(size, -1), np.full(size, -1)
        self.numerator[self.formulas[0]], self.denominator[self.formulas[0]] = self.formulas[1], self.formulas[2]
        self.component = np.zeros(size, bool)
        self.component[self.formulas[1]] = self.component[self.formulas[2]] = True
        self.users = self._users(uses)
        self.weights = sorted({w for w in self.weight.tolist() if w >= 0})
        lk = con.execute("SELECT rid, parent_rid, kfrom, kto, ptype, pdepth, cdepth FROM _lk").fetchnumpy()
        lk = {c: a.astype(np.int64) for c, a in lk.items()}
        at = _region_and_type(lk["rid"], lk["ptype"])
        order = np.argsort(at, kind="stable")
        self.up = {c: lk[c][order] for c in ("parent_rid", "kfrom", "kto")}  # links by child and type
        # the links of (child, type) x are up[...][first[x]:first[x + 1]]
        self.up["first"] = np.searchsorted(at[order], np.arange(_region_and_type(n_rid, 0) + 1))
        self.kids = {}  # (type, parent depth) -> child depths
        for g, d, c in sorted(set(zip(lk["ptype"].tolist(), lk["pdepth"].tolist(), lk["cdepth"].tolist()))):
            self.kids.setdefault((g, d), []).append(c)

    @staticmethod
    def _users(uses: list[tuple[int, int]]) -> dict[int, list[int]]:
        """Indicator -> the other indicators that use it, directly or not."""
        direct: dict[int, set[int]] = {}
        for used, user in uses:
            direct.setdefault(used, set()).add(user)
        users = {}
        for iid in direct:
            seen, todo = {iid}, [iid]
            while todo:
                for user in direct.get(todo.pop(), ()):
                    if user not in seen:
                        seen.add(user)
                        todo.append(user)
            users[iid] = sorted(seen - {iid})
        return users

    # keys -------------------------------------------------------------------------------------
    def key(self, iid, rid, pkey):
        return (iid << self.iid_shift) | (rid << PKEY_BITS) | pkey

    def split(self, k):
        """(indicator, region, period) of keys."""
        return k >> self.iid_shift, (k >> PKEY_BITS) & ((1 << self.rid_bits) - 1), k & ((1 << PKEY_BITS) - 1)

    def iid(self, k):
        return k >> self.iid_shift

    # reading ----------------------------------------------------------------------------------
    def fetch(self, con, sql: str) -> Rows:
        """Rows of a query with rollup's columns."""
        a = con.execute(sql).fetchnumpy()
        value, nr = a["value"], a["n_reporting"]
        return Rows(self.key(a["iid"].astype(np.int64), a["rid"].astype(np.int64), a["pkey"].astype(np.int64)),
                    np.ma.filled(value, 0.0).astype(np.float64), np.ma.getmaskarray(value),
                    np.asarray(a["src"], np.int8), np.ma.filled(nr, -1).astype(np.int64),
                    np.asarray(a["synthetic"], bool))

    def _type_and_depth(self, keys: np.ndarray) -> np.ndarray:
        """type digit * 1000 + depth of the region, of keys."""
        _, rid, pkey = self.split(keys)
        return (_ptype(pkey) * 1000 + self.depth[rid]).astype(np.int16)

    def _by_type_and_depth(self, rows: Rows) -> dict[tuple[int, int], Rows]:
        if not len(rows):
            return {}
        code = self._type_and_depth(rows.key)
        order = np.argsort(code, kind="stable")  # a radix sort, for 16 bits: keeps the rows' order
        code = code[order]
        bounds = np.flatnonzero(np.r_[True, code[1:] != code[:-1], True])
        return {(int(code[b] // 1000), int(code[b] % 1000)): rows.take(order[b:e])
                for b, e in zip(bounds[:-1], bounds[1:])}

    # the closure ------------------------------------------------------------------------------
    def affected(self, changed: np.ndarray, periods) -> np.ndarray:
        """The upward closure of the changed keys, sorted: ancestor regions (as linked in each
        period), coarser periods, and indicators that use a changed one as weight or formula
        component.  Moves over regions and periods never depend on the indicator, and moves over
        indicators keep the region and period, so the indicators come last."""
        up = self.up
        reached = [frontier := _unique(changed)]
        while len(frontier):  # one step up over regions or periods (keys repeat from other paths)
            iid, rid, pkey = self.split(frontier)
            where = _region_and_type(rid, _ptype(pkey))
            row, at = _pairs(up["first"][where], up["first"][where + 1])
            ok = (up["kfrom"][at] <= pkey[row]) & (pkey[row] < up["kto"][at])
            row, parent = row[ok], up["parent_rid"][at[ok]]
            parent_period = _find(periods[0], pkey)
            has = parent_period >= 0
            reached.append(frontier := _unique(np.concatenate([
                self.key(iid[row], parent, pkey[row]),
                self.key(iid[has], rid[has], periods[1][parent_period[has]])])))
        seen = _unique(np.concatenate(reached))
        iid = self.iid(seen)
        parts = [seen]
        for used, users in self.users.items():  # the same region and period of every user
            at = seen[iid == used]
            parts += [at + ((user - used) << self.iid_shift) for user in users]
        return _unique(np.concatenate(parts))

    def needed(self, scope: np.ndarray, periods, days: bool) -> np.ndarray:
        """The keys whose current values the affected keys use, but for affected ones (a key may
        come twice): the same region's periods one type finer (days only if ``days``), and
        formulas' components at the same key."""
        iid, rid, pkey = self.split(scope)
        f = self.formula[iid]
        parts = [self.key(self.numerator[iid[f]], rid[f], pkey[f]), self.key(self.denominator[iid[f]], rid[f], pkey[f])]
        child, parent = periods
        for p in _unique(pkey).tolist():  # the few affected periods, each with its finer ones
            at = scope[pkey == p]
            for c in child[parent == p].tolist():
                if days or _ptype(c) != TYPE_DIGIT["D"]:
                    parts.append(at + (c - p))  # the same indicator and region, period c
        return np.concatenate([k[~_within(scope, k)] for k in parts])  # affected keys are computed, not read

    def parents(self, scope: np.ndarray) -> np.ndarray:
        """The keys whose children's values the affected keys use: the affected keys themselves
        and, for a weighted mean, its weight indicator at the same region and period."""
        iid, rid, pkey = self.split(scope)
        w = self.region_rule[iid] == REGION_RULES.index("wmean")
        return np.concatenate([scope, self.key(self.weight[iid[w]], rid[w], pkey[w])])

    def periods(self, keys: np.ndarray) -> np.ndarray:
        """The distinct periods of keys, sorted."""
        return _unique(keys & ((1 << PKEY_BITS) - 1))

    def keys_table(self, keys: np.ndarray) -> pa.Table:
        iid, rid, pkey = self.split(keys)
        return pa.table({"iid": pa.array(iid, pa.int32()), "rid": pa.array(rid, pa.int32()),
                         "pkey": pa.array(pkey, pa.int32())})

    def rows_table(self, rows: Rows) -> pa.Table:
        iid, rid, pkey = self.split(rows.key)
        return pa.table({
            "iid": pa.array(iid, pa.int32()), "rid": pa.array(rid, pa.int32()), "pkey": pa.array(pkey, pa.int32()),
            "ptype": pa.array(_ptype(pkey), pa.int8()), "value": pa.array(rows.value, pa.float64(), mask=rows.vnull),
            "src": pa.array(rows.src, pa.int8()), "n_reporting": pa.array(rows.nr, pa.int32(), mask=rows.nr < 0),
            "synthetic": pa.array(rows.syn, pa.bool_())})

    # the steps --------------------------------------------------------------------------------
    def run(self, scope: np.ndarray, base: Rows, context: Rows, periods, stats) -> Rows:
        """Every step of the update, finest type and deepest region first: ``scope`` holds the
        affected keys (sorted), ``base`` their reported values, ``context`` the current rows
        that are their inputs (any order, repeats allowed)."""
        order = np.argsort(context.key)  # a key's rows are copies of one row: any will do
        k = context.key[order]
        first = np.r_[True, k[1:] != k[:-1]] if len(k) else np.zeros(0, bool)
        context = context.take(order[first][~_within(scope, k[first])])
        base, context = self._by_type_and_depth(base), self._by_type_and_depth(context)
        pairs = {divmod(c, 1000) for c in _unique(self._type_and_depth(scope)).tolist()}
        made: dict[tuple[int, int], Rows] = {}

        def known(h, c):  # a type and depth's values known so far: reported, derived or unchanged
            return Rows.cat([base.get((h, c)), made.get((h, c)), context.get((h, c))])

        for t in ORDER:
            g = TYPE_DIGIT[t]
            t0 = time.perf_counter()
            for d in sorted({d for h, d in pairs if h == g}, reverse=True):
                reported = base.get((g, d), EMPTY)
                taken = reported_keys = np.sort(reported.key)
                out = []
                if t in FINER:
                    out.append(self._over_time(t, known(TYPE_DIGIT[FINER[t]], d), scope, taken, periods))
                    taken = np.sort(np.concatenate([taken, out[-1].key]))
                if (g, d) in self.kids:
                    out.append(self._over_regions(Rows.cat([known(g, c) for c in self.kids[g, d]]), d, scope, taken))
                values = Rows.cat([reported, *out, context.get((g, d))])
                out.append(self._formulas(values, scope, reported_keys))
                made[g, d] = Rows.cat(out)
            stats.steps[t] = round(time.perf_counter() - t0, 3)
        return Rows.cat(list(made.values()))

    def _over_time(self, t, fine: Rows, scope, taken, periods) -> Rows:
        """Aggregates over time of the same region's values one type finer (``time_agg``), at the
        affected keys not ``taken`` (reported)."""
        iid = self.iid(fine.key)
        fine = fine.take(~self.formula[iid] & (self.time_rule[iid] >= 0))
        if not len(fine):
            return EMPTY
        iid, rid, pkey = self.split(fine.key)
        # sorted by key, the rows of one coarser period are consecutive and in time order
        grp = Groups(self.key(iid, rid, _up(FINER[t], pkey, periods)), np.argsort(fine.key))
        keep = _within(scope, grp.keys) & ~_within(taken, grp.keys)
        present = ~fine.vnull
        count = grp.sum(present.astype(np.int64))[keep]
        total = grp.sum(np.where(present, fine.value, 0.0))[keep]
        latest = grp.last(present)[keep]
        nr_at = grp.last(fine.nr >= 0)[keep]
        k = grp.keys[keep]
        rule = self.time_rule[self.iid(k)]
        value = np.select([rule == 0, rule == 1], [total, total / np.maximum(count, 1)], fine.value[latest])
        return Rows(k, value, np.where(rule == 2, latest < 0, count == 0), np.full(len(k), SRC_TIME, np.int8),
                    np.where(nr_at >= 0, fine.nr[nr_at], -1), grp.max(fine.syn.astype(np.int8))[keep] > 0)

    def _over_regions(self, kids: Rows, depth: int, scope, taken) -> Rows:
        """Aggregates over the child regions linked at the period (``region_agg``) to parents of
        this depth, at the affected keys not ``taken``.  A child's value aggregated over time is
        not an input (rollup.py's module note), but may be a weight."""
        iid = self.iid(kids.key)
        inputs = kids.take((kids.src != SRC_TIME) & ~self.formula[iid] & (self.region_rule[iid] >= 0))
        iid, rid, pkey = self.split(inputs.key)
        up, where = self.up, _region_and_type(rid, _ptype(pkey))
        row, at = _pairs(up["first"][where], up["first"][where + 1])
        parent = up["parent_rid"][at]
        ok = (up["kfrom"][at] <= pkey[row]) & (pkey[row] < up["kto"][at]) & (self.depth[parent] == depth)
        row, parent = row[ok], parent[ok]
        r, iid, rid, pkey = inputs.take(row), iid[row], rid[row], pkey[row]
        weighted = self.region_rule[iid] == REGION_RULES.index("wmean")
        w = np.zeros(len(r))
        if weighted.any():  # a weighted mean uses the children that have a non-NULL weight
            order = np.argsort(kids.key)
            w_at = _find(kids.key[order], self.key(self.weight[iid], rid, pkey))
            w_at = np.where(w_at >= 0, order[np.maximum(w_at, 0)], -1)
            use = ~weighted | ((w_at >= 0) & ~kids.vnull[w_at])
            r, iid, parent, pkey, weighted = r.take(use), iid[use], parent[use], pkey[use], weighted[use]
            w = np.where(weighted, kids.value[w_at[use]], 0.0)
        if not len(r):
            return EMPTY
        keys = self.key(iid, parent, pkey)
        grp = Groups(keys, np.argsort(keys))
        keep = _within(scope, grp.keys) & ~_within(taken, grp.keys)
        present = ~r.vnull
        count = grp.sum(present.astype(np.int64))[keep]
        total = grp.sum(np.where(present, r.value, 0.0))[keep]
        low = grp.min(np.where(present, r.value, np.inf))[keep]
        high = grp.max(np.where(present, r.value, -np.inf))[keep]
        w_total = grp.sum(w)[keep]
        wx = grp.sum(np.where(present, r.value * w, 0.0))[keep]
        k = grp.keys[keep]
        rule = self.region_rule[self.iid(k)]
        value = np.select([rule == 0, rule == 1, rule == 2, rule == 3],
                          [total, total / np.maximum(count, 1), low, high], wx / np.where(w_total == 0, 1.0, w_total))
        return Rows(k, value, (count == 0) | ((rule == 4) & (w_total == 0)), np.full(len(k), SRC_REGION, np.int8),
                    count, grp.max(r.syn.astype(np.int8))[keep] > 0)

    def _formulas(self, values: Rows, scope, taken) -> Rows:
        """Formula indicators from their components, at the affected keys not ``taken`` (reported)."""
        values = values.take(self.component[self.iid(values.key)])
        if not len(values):
            return EMPTY
        values = values.take(np.argsort(values.key))  # so by indicator too
        f_iid, f_num, f_den, f_factor = self.formulas
        iid, rid, pkey = self.split(values.key)
        row, at = _pairs(np.searchsorted(f_num, iid, "left"), np.searchsorted(f_num, iid, "right"))
        n, rid, pkey = values.take(row), rid[row], pkey[row]
        d_at = _find(values.key, self.key(f_den[at], rid, pkey))
        d = values.take(d_at)
        k = self.key(f_iid[at], rid, pkey)
        ok = (d_at >= 0) & ~d.vnull & (d.value != 0) & _within(scope, k) & ~_within(taken, k)
        n, d, k, factor = n.take(ok), d.take(ok), k[ok], f_factor[at[ok]]
        nr = np.where(n.nr < 0, d.nr, np.where(d.nr < 0, n.nr, np.minimum(n.nr, d.nr)))
        return Rows(k, n.value / d.value * factor, n.vnull, np.full(len(k), SRC_FORMULA, np.int8), nr, n.syn | d.syn)
