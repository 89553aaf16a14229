"""One named bad-input file per problem, each with the exact codes and rows it must produce."""

from __future__ import annotations

import pytest

from tests.reporting.conftest import BAD

# file: (status, [(row, field, code), ...]) in report order
EXPECTED = {
    "bom.csv": ("committed", []),
    "gbk.csv": ("committed", []),
    "text-in-number.csv": ("rejected", [(2, "value", "not-a-number")]),
    "wan-unit.csv": ("committed", [(2, "value", "scale-in-value")]),
    "wrong-unit.csv": ("rejected", [(2, "unit", "wrong-unit")]),
    "future-period.csv": ("rejected", [(2, "period", "future-period")]),
    "unknown-region.csv": ("rejected", [(2, "region", "unknown-region")]),
    "unknown-indicator.csv": ("rejected", [(2, "indicator", "unknown-indicator")]),
    "bad-period.csv": ("rejected", [(2, "period", "bad-period")]),
    "wrong-frequency.csv": ("rejected", [(2, "period", "wrong-frequency")]),
    "duplicate-rows.csv": ("rejected", [(3, "period", "duplicate-row")]),
    "huge-number.csv": ("rejected", [(2, "value", "implausible-number")]),
    "negative-count.csv": ("rejected", [(2, "value", "out-of-range")]),
    "missing-value.csv": ("rejected", [(2, "value", "missing-value")]),
    "ragged-row.csv": ("rejected", [(2, None, "ragged-row")]),
    "jump-without-comment.csv": ("rejected", [(3, "value", "jump-without-comment")]),
    "children-sum.csv": ("rejected", [(13, "value", "children-sum-mismatch")]),
    "missing-column.csv": ("rejected", [(1, "period", "missing-column")]),
    "binary.csv": ("rejected", [(None, None, "bad-format")]),
    "empty.csv": ("rejected", [(None, None, "empty-file")]),
    "merged-cells.xlsx": ("rejected", [(2, "region", "merged-cells"), (3, "region", "merged-cells")]),
    "formula-cells.xlsx": ("rejected", [(3, "value", "formula-cell")]),
    "empty.xlsx": ("rejected", [(None, None, "empty-file")]),
    "corrupt.xlsx": ("rejected", [(None, None, "bad-format")]),
}


def test_every_bad_file_is_listed():
    on_disk = {p.name for p in BAD.iterdir() if p.suffix in (".csv", ".xlsx", ".json")}
    assert on_disk == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file(ws, name):
    status, problems = EXPECTED[name]
    before = ws.db.scalar("SELECT count(*) FROM observations")
    result = ws.reporting.import_file(BAD / name, actor=ws.reporting.actor())
    got = [(p.get("row"), p.get("field"), p["code"]) for p in result["problems"]]
    assert got == problems
    assert result["status"] == status
    assert all(p["message"] and p["message_zh"] for p in result["problems"])
    after = ws.db.scalar("SELECT count(*) FROM observations")
    assert (after > before) == (status == "committed")


def test_wan_value_is_converted_explicitly(ws):
    ws.reporting.import_file(BAD / "wan-unit.csv", actor=ws.reporting.actor())
    assert ws.db.scalar("SELECT latest_value FROM obs_current o JOIN indicators i USING (iid) "
                        "WHERE i.code = 'tech_transform'") == 12000


def test_gbk_comment_survives(ws):
    ws.reporting.import_file(BAD / "gbk.csv", actor=ws.reporting.actor())
    assert ws.db.scalar("SELECT comment FROM observations ORDER BY oid DESC LIMIT 1") == "技术改造完成情况良好"
