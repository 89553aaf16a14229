"""Tables as CSV downloads: each API endpoint names the rows and columns of its table here."""

from __future__ import annotations

from datetime import date, datetime

from fastapi.responses import Response

from luoshi.store.csv_files import csv_text
from luoshi.web import views


def _cell(v):
    """A view's value as a CSV cell; a number stays a number (the writer neutralises only text)."""
    if v is None:
        return ""
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return round(v, 6)
    if isinstance(v, int):
        return v
    if isinstance(v, (list, tuple)):
        return " ".join(str(x) for x in v)
    return str(v)


def csv_response(rows: list[dict], filename: str, columns: list[str] | None = None) -> Response:
    """A UTF-8 CSV (with BOM, so that Excel reads Chinese correctly) of ``rows``."""
    columns = columns or (list(rows[0].keys()) if rows else [])
    text = csv_text(columns, ([_cell(r.get(c)) for c in columns] for r in rows))
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# name -> (rows from the view's payload, columns or None for all)
REGION_COLUMNS = ["code", "name_zh", "name_en", "unit", "frequency", "value", "target", "attainment", "expected",
                  "progress", "shortfall", "category", "light", "met", "data_through", "stale", "periods_reported",
                  "periods_expected", "complete", "n_reporting", "n_expected", "missing_weight", "synthetic"]
CHILD_COLUMNS = ["code", "name_zh", "name_en", "level", "value", "target", "attainment", "expected", "shortfall",
                 "pace_value", "gap", "category", "light", "met", "data_through", "periods_reported", "periods_expected", "complete",
                 "n_reporting", "n_expected", "synthetic"]
RANK_COLUMNS = ["rank", "previous_rank", "change", "code", "name_zh", "name_en", "value", "score", "light",
                "synthetic"]
OUTCOME_COLUMNS = ["year", "period", "indicator", "name_zh", "name_en", "unit", "region", "comparator", "target",
                   "value_high", "outcome", "attainment", "met", "basis", "strength", "document", "quote", "source",
                   "outcome_source", "status", "target_document", "target_commitment", "outcome_document",
                   "outcome_commitment"]
SERIES_COLUMNS = ["period", "date", "value", "plotted", "synthetic"]


def table(name: str, data: dict) -> tuple[list[dict], list[str] | None]:
    if name == "overview":
        return views.overview_table(data), None
    if name == "region":
        return data["indicators"], REGION_COLUMNS
    if name == "indicator":
        return data["children"], CHILD_COLUMNS
    if name == "series":
        return data["points"], SERIES_COLUMNS
    if name == "indicators":
        return data["indicators"], None
    if name == "rankings":
        return data["rows"], RANK_COLUMNS
    if name == "coverage":
        return views.coverage_table(data), None
    if name == "outcomes":
        return data["rows"], OUTCOME_COLUMNS
    if name == "plans":
        return data["plans"], None
    if name == "settings":
        return data["settings"], None
    raise KeyError(name)
