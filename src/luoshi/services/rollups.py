"""The whole rollup on request, on either engine, and a rollup made by Spark attached for reading.

``luoshi rollup`` recomputes it here with DuckDB (the default), or runs it as a Spark job
(analytics/rollup_spark.py) that writes Parquet; ``--attach`` then makes the workspace read its
derived values from that Parquet (the view ``rollup``: store/schema.rollup_view_sql), so that a
national office serves what a cluster computed.  An attached rollup is a snapshot of the data it
was made from: its manifest must match the workspace when it is attached, and while it is attached
nothing that would change it may be written (rollup.full and rollup.incremental refuse,
``rollup-attached``).  Rolling up here again with DuckDB detaches it.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, datetime, timezone
from pathlib import Path

from luoshi.analytics import rollup, rollup_spark
from luoshi.domain.problems import Refusal, one_of
from luoshi.store.schema import rollup_view_sql

ENGINES = ("duckdb", "spark")
_COMPARED = ("structure", "basis", "observations", "latest")


def run(ws, engine: str = "duckdb", output: str | Path | None = None, master: str = "local[2]",
        attach: bool = False, at: date | None = None) -> dict:
    """The full rollup on ``engine``; with an output folder, also written there as Parquet
    partitioned by period (``rollup/``), with every target judged at ``at`` (default today) under
    the default plan's rules (``judgement/``, the columns of ``luoshi export judgement``)."""
    if engine not in ENGINES:
        raise Refusal("bad-value", column="engine", value=engine, **one_of(ENGINES))
    basis = ws.setting("value_basis")
    if engine == "duckdb":
        if attach:
            raise Refusal("bad-value", column="attach", value="--attach",
                          detail="only with --engine spark: the DuckDB engine rolls up into the workspace itself",
                          detail_zh="仅与 --engine spark 同用：DuckDB 引擎直接汇总到工作区中")
        with ws.db.write() as con:  # detach, and roll up here again
            con.execute("DELETE FROM rollup_attachment")
            con.execute(rollup_view_sql(basis))
            stats = rollup.full(con, basis)
        out = {"engine": engine, "rows": stats.rows, "seconds": stats.seconds, "steps": stats.steps}
        if output is not None:
            out["output"] = str(_write_partitioned(ws, Path(output), at or ws.today))
            out["at"] = (at or ws.today).isoformat()
        return out
    if output is None:
        raise Refusal("bad-value", column="output", value="", detail="give a folder (-o DIR) for the Spark job's Parquet",
                      detail_zh="请给出 Spark 作业写入 Parquet 的文件夹（-o 目录）")
    try:
        stats = rollup_spark.run(ws.db.cursor(), Path(output), basis, master, at=at or ws.today,
                                 rules=ws.rules(ws.default_plan))
    except Refusal:
        raise
    except Exception as exc:  # noqa: BLE001 - a Java or Py4J failure: said in one line, nothing changed
        detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__
        raise Refusal("spark-failed", 500, detail=detail, detail_zh=detail) from None
    out = {"engine": engine, "master": master, "rows": stats.rows, "derived": stats.derived,
           "partitions": stats.partitions, "groups": stats.groups, "judged": stats.judged,
           "at": (at or ws.today).isoformat(), "seconds": stats.seconds, "steps": stats.steps,
           "output": str(Path(output).resolve())}
    if attach:
        out["attached"] = attach_folder(ws, output)
    return out


def _write_partitioned(ws, folder: Path, at: date) -> Path:
    """The rollup (``rollup/``) and the judgement at ``at`` (``judgement/``) under ``folder``, in
    Parquet partitioned by period, as the Spark job writes them."""
    folder.mkdir(parents=True, exist_ok=True)
    for what in ("rollup", "judgement"):
        shutil.rmtree(folder / what, ignore_errors=True)  # no period of an earlier run left behind
        ws.export(what, "parquet", folder / what, at=at, partitioned=True)
    return folder / "rollup"


def attach_folder(ws, folder: str | Path) -> str:
    """Read the workspace's derived values from a rollup made by Spark in ``folder``; refused when
    it was made from other data (``rollup-mismatch``) or cannot be read (``rollup-missing``)."""
    folder = Path(folder).resolve()
    manifest = _manifest(folder)
    basis = ws.setting("value_basis")
    with ws.db.write() as con:
        con.execute("DELETE FROM rollup_attachment")  # a fingerprint of the data, not of what is attached
        now = rollup_spark.fingerprint(con, basis)
        differs = [k for k in _COMPARED if manifest.get(k) != now[k]]
        if differs:
            raise Refusal("rollup-mismatch", 409, path=str(folder), detail=", ".join(f"{k} differs" for k in differs),
                          detail_zh="、".join(f"{k} 不同" for k in differs))
        con.execute("INSERT INTO rollup_attachment VALUES (?, ?, ?)",
                    [str(folder), json.dumps(manifest), datetime.now(timezone.utc).replace(tzinfo=None)])
        con.execute(rollup_view_sql(basis, str(folder / "derived" / "*.parquet")))
        con.execute("DELETE FROM rollup_derived")  # not read while attached; a DuckDB rollup makes them again
    return str(folder)


def _manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise Refusal("rollup-missing", 409, path=str(folder), detail=str(exc), detail_zh=str(exc)) from None
    if not any((folder / "derived").glob("*.parquet")):
        raise Refusal("rollup-missing", 409, path=str(folder), detail="no derived/*.parquet",
                      detail_zh="没有 derived/*.parquet")
    return manifest


def check(ws) -> str | None:
    """The attached folder, if any, after checking it can still be read (``rollup-missing``)."""
    path = rollup.attached(ws.db.cursor())
    if path is not None:
        _manifest(Path(path))
    return path
