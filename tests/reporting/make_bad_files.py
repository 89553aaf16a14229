"""Writes tests/data/bad/ (run once; the files are committed so the tests read fixed bytes)."""

from pathlib import Path

from openpyxl import Workbook

BAD = Path(__file__).resolve().parents[1] / "data" / "bad"
HEAD = "indicator,region,period,value,unit,comment\n"


def csv(name: str, body: str, encoding: str = "utf-8", bom: bool = False) -> None:
    data = (HEAD + body).encode(encoding)
    (BAD / name).write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def main() -> None:
    BAD.mkdir(parents=True, exist_ok=True)
    csv("bom.csv", "tech_transform,440103,2024-03,12,家,\n", bom=True)
    (BAD / "gbk.csv").write_bytes("指标代码,地区代码,期间,数值,备注\ntech_transform,440103,2024-03,12,技术改造完成情况良好\n"
                                  .encode("gbk"))
    csv("text-in-number.csv", "tech_transform,440103,2024-03,约100,,\n")
    csv("wan-unit.csv", "tech_transform,440103,2024-03,1.2万,,\n")
    csv("wrong-unit.csv", "tech_transform,440103,2024-03,12,亿元,\n")
    csv("future-period.csv", "tech_transform,440103,2030-01,12,,\n")
    csv("unknown-region.csv", "tech_transform,449999,2024-03,12,,\n")
    csv("unknown-indicator.csv", "no_such_indicator,440103,2024-03,12,,\n")
    csv("bad-period.csv", "tech_transform,440103,2024-13,12,,\n")
    csv("wrong-frequency.csv", "gdp,440103,2024-03,12,,\n")
    csv("duplicate-rows.csv", "tech_transform,440103,2024-03,12,,\ntech_transform,440103,2024-03,13,,\n")
    csv("huge-number.csv", "tech_transform,440103,2024-03,1e300,,\n")
    csv("negative-count.csv", "tech_transform,440103,2024-03,-3,,\n")
    csv("missing-value.csv", "tech_transform,440103,2024-03,,,\n")
    csv("ragged-row.csv", "tech_transform,440103,2024-03,12,,,extra,cells\n")
    csv("jump-without-comment.csv", "tech_transform,440103,2024-01,100,,\ntech_transform,440103,2024-02,300,,\n")
    kids = ["440103", "440104", "440105", "440106", "440111", "440112", "440113", "440114", "440115", "440117", "440118"]
    csv("children-sum.csv", "".join(f"gdp,{k},2024Q1,100,," + "\n" for k in kids) + "gdp,440100,2024Q1,2000,,\n")
    (BAD / "missing-column.csv").write_bytes(b"indicator,region,value\ntech_transform,440103,12\n")
    (BAD / "binary.csv").write_bytes(bytes(range(256)) * 4)
    (BAD / "empty.csv").write_bytes(b"")

    wb = Workbook()
    ws = wb.active
    ws.append(["indicator", "region", "period", "value"])
    ws.append(["tech_transform", "440103", "2024-03", 5])
    ws.append(["tech_transform", None, "2024-04", 6])
    ws.merge_cells("B2:B3")
    wb.save(BAD / "merged-cells.xlsx")

    wb = Workbook()
    ws = wb.active
    ws.append(["indicator", "region", "period", "value"])
    ws.append(["tech_transform", "440103", "2024-03", 5])
    ws.append(["tech_transform", "440103", "2024-04", "=D2*2"])
    wb.save(BAD / "formula-cells.xlsx")

    wb = Workbook()
    wb.active.append(["indicator", "region", "period", "value"])
    wb.save(BAD / "empty.xlsx")
    (BAD / "corrupt.xlsx").write_bytes(b"PK\x03\x04" + b"not really a zip" * 10)


if __name__ == "__main__":
    main()
