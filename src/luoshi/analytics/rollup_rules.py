"""What a rollup row is, shared by the SQL steps (rollup.py) and the in-memory ones (rollup_memory.py):
its columns, where its value comes from, and the order periods are rolled up in."""

from luoshi.analytics.sql_dialect import rounded

ORDER = ("D", "W", "M", "Q", "S", "Y")  # processing order, finest first
FINER = {"M": "D", "Q": "M", "S": "Q", "Y": "S"}  # the type each is derived from over time
# where a value comes from, in order of precedence
SRC_REPORTED, SRC_TIME, SRC_REGION, SRC_FORMULA = 0, 1, 2, 3
COLS = ("iid", "rid", "pkey", "ptype", "value", "src", "n_reporting", "synthetic")
TIME_RULES = ("sum", "mean", "last")
REGION_RULES = ("sum", "mean", "min", "max", "wmean")
# A rollup row as `luoshi export rollup` writes it (ro: the row; i, r, p: its indicator, region and
# period), rounded to the indicator's decimals: a sum or mean of doubles carries noise such as
# 371.15090000000004.  Read by DuckDB (the export) and Spark (rollup_spark.py) alike: Spark's round
# takes a constant scale only, so the rounding is written out (sql_dialect.rounded).
EXPORT_COLUMNS = f"""i.code AS indicator, r.code AS region, p.code AS period, p.type AS period_type,
    {rounded('ro.value', 'i.decimals')} AS value,
    CASE ro.src WHEN {SRC_REPORTED} THEN 'reported' WHEN {SRC_TIME} THEN 'time' WHEN {SRC_REGION} THEN 'regions'
         ELSE 'formula' END AS derived_from, ro.n_reporting, ro.synthetic"""
