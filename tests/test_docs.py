"""Docs are checked like code: the generated references are current, every CLI command (sub-apps
included) and every setting is documented, and the input-format docs agree with the code they
describe (comparator aliases, column headers, period spellings, the example file)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from luoshi.cli.reference import GENERATED, commands
from luoshi.domain.periods import TYPE_NAMES, parse
from luoshi.domain.rules import COMPARATOR_ALIASES, COMPARATORS
from luoshi.domain.settings import SETTINGS
from luoshi.ingest.columns import ALIASES, OBSERVATION_FIELDS

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_reference_is_current(name):
    assert read(name) == GENERATED[name](), f"docs/{name} is out of date: run `make docs`"


def test_every_command_is_documented():
    cli = read("cli.md")
    found = commands()
    paths = {path for path, _ in found}
    # the walk reaches the sub-apps of every area
    assert {"luoshi settings set", "luoshi import observations", "luoshi tasks list", "luoshi docs add",
            "luoshi dhis2 import", "luoshi user add", "luoshi serve"} <= paths
    for path, cmd in found:
        assert (cmd.help or "").strip(), f"`{path}` has no help text"
        assert f"## `{path}`\n\n{(cmd.help or '').strip().splitlines()[0]}" in cli, f"`{path}` is not in docs/cli.md"


def test_every_setting_is_documented():
    text = read("settings.md")
    for s in SETTINGS.values():
        assert s.help.strip()
        assert re.search(rf"^\| `{s.name}` \|", text, re.M), s.name


def test_readme_points_to_the_references_and_formats():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in ("cli.md", "settings.md", "errors.md", "observation-format.md", "target-format.md",
                "indicator-format.md", "plan-format.md"):
        assert f"docs/{doc}" in readme, doc
        assert (DOCS / doc).is_file(), doc


def _table_rows(text: str, heading: str) -> list[list[str]]:
    """The cells of the first table after ``heading``."""
    part = text[text.index(heading):]
    rows = []
    for line in part.splitlines()[1:]:
        if line.startswith("|"):
            rows.append([c.strip() for c in line.strip("|").split("|")])
        elif rows:
            break
    return rows[2:]  # after the header and the rule


def test_the_comparator_table_lists_the_aliases_the_code_reads():
    rows = _table_rows(read("target-format.md"), "## Comparators")
    documented = {r[0].strip("`"): set(re.findall(r"`([^`]+)`", r[1])) for r in rows}
    assert set(documented) == set(COMPARATORS)
    for comparator in COMPARATORS:
        assert documented[comparator] == {a for a, c in COMPARATOR_ALIASES.items() if c == comparator}, comparator


def test_the_column_table_lists_the_headers_the_importer_reads():
    rows = _table_rows(read("observation-format.md"), "## Columns")
    documented = {r[0].strip("`"): {h.strip() for h in r[2].split(",")} for r in rows}
    assert list(documented) == list(OBSERVATION_FIELDS)
    for name in OBSERVATION_FIELDS:
        assert documented[name] == set(ALIASES[name]), name


def test_the_period_spellings_parse_as_documented():
    rows = _table_rows(read("observation-format.md"), "## Periods")
    assert len(rows) == len(TYPE_NAMES)
    for name, written in rows:
        kind = name.replace("ISO ", "")
        for text in re.findall(r"`([^`]+)`", written):
            assert TYPE_NAMES[parse(text).type] == kind, text


def test_the_target_example_loads(bundled_ws, tmp_path):
    block = re.search(r"```csv\n(.*?)```", read("target-format.md"), re.S).group(1)
    f = tmp_path / "example.csv"
    f.write_text(block, encoding="utf-8")
    assert bundled_ws.load_targets(f)["added"] == len(block.strip().splitlines()) - 1
    stored = bundled_ws.db.one("""SELECT t.comparator, t.tolerance, t.step_indicator FROM targets t
                                  JOIN indicators i ON i.iid = t.iid JOIN regions r ON r.rid = t.rid
                                  JOIN periods p ON p.key = t.pkey
                                  WHERE i.code = 'income_growth' AND r.code = '440000' AND p.code = '2025'""")
    assert stored == {"comparator": "in_step", "tolerance": 0.0, "step_indicator": "gdp_growth"}
