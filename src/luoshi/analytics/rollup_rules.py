"""What a rollup row is, shared by the SQL steps (rollup.py) and the in-memory ones (rollup_memory.py):
its columns, where its value comes from, and the order periods are rolled up in."""

ORDER = ("D", "W", "M", "Q", "S", "Y")  # processing order, finest first
FINER = {"M": "D", "Q": "M", "S": "Q", "Y": "S"}  # the type each is derived from over time
# where a value comes from, in order of precedence
SRC_REPORTED, SRC_TIME, SRC_REGION, SRC_FORMULA = 0, 1, 2, 3
COLS = ("iid", "rid", "pkey", "ptype", "value", "src", "n_reporting", "synthetic")
TIME_RULES = ("sum", "mean", "last")
REGION_RULES = ("sum", "mean", "min", "max", "wmean")
