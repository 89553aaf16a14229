"""Typed settings (domain/settings.py): typed values, refusals that change nothing, the CLI, the
checks that read them, and the default plan in a workspace with or without the bundled plan."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.domain.problems import InputError, Refusal
from luoshi.domain.settings import SETTINGS
from luoshi.web import views
from luoshi.web.state import Dashboard
from luoshi.workspace import Workspace


def stored(ws) -> dict:
    return dict(ws.db.cursor().execute("SELECT key, value FROM settings").fetchall())


def test_values_are_typed_with_their_defaults(empty_ws):
    assert empty_ws.setting("jump_ratio") == 0.5 and type(empty_ws.setting("jump_ratio")) is float
    assert empty_ws.setting("approval_bottom_up") is False
    assert empty_ws.setting("value_basis") == "approved"
    empty_ws.set_setting("jump_ratio", "0.25")
    empty_ws.set_setting("approval_bottom_up", "Yes")
    assert empty_ws.setting("jump_ratio") == 0.25
    assert empty_ws.setting("approval_bottom_up") is True
    assert stored(empty_ws)["approval_bottom_up"] == "true"  # stored as it is documented
    empty_ws.set_setting("approval_bottom_up", None)  # back to the default
    assert empty_ws.setting("approval_bottom_up") is False and "approval_bottom_up" not in stored(empty_ws)


@pytest.mark.parametrize("name, value", [
    ("jump_ratio", "abc"), ("jump_ratio", "-0.1"), ("jump_ratio", "nan"), ("children_tolerance", "inf"),
    ("approval_bottom_up", "maybe"), ("value_basis", "newest"), ("language", "fr"),
])
def test_a_bad_value_is_refused_and_changes_nothing(tiny_ws, name, value):
    from .test_rollup import rows

    tiny_ws.record(rows())
    rollup_before = tiny_ws.db.all("SELECT * FROM rollup ORDER BY iid, rid, pkey")
    before, stored_before = tiny_ws.setting(name), stored(tiny_ws)
    with pytest.raises(InputError) as exc:
        tiny_ws.set_setting(name, value)
    [p] = exc.value.report.problems
    assert (p.code, p.field) == ("bad-setting", name)
    assert p.message_zh and "expected" not in p.message_zh  # the Chinese message is Chinese
    assert tiny_ws.setting(name) == before and stored(tiny_ws) == stored_before
    assert tiny_ws.db.all("SELECT * FROM rollup ORDER BY iid, rid, pkey") == rollup_before


def test_an_unknown_setting_is_refused(empty_ws):
    with pytest.raises(Refusal) as exc:
        empty_ws.set_setting("colour", "red")
    assert exc.value.code == "unknown-setting"
    with pytest.raises(Refusal):
        empty_ws.setting("colour")


def cli(path, *args):
    return CliRunner().invoke(app, ["--db", path, *args])


def test_cli_sets_refuses_and_lists(empty_ws):
    path = empty_ws.path
    empty_ws.close()
    bad = cli(path, "settings", "set", "jump_points", "ten")
    assert bad.exit_code == 2 and "bad-setting" in bad.output
    missing = cli(path, "settings", "set", "colour", "red")
    assert missing.exit_code == 2 and "unknown-setting" in missing.output
    ok = cli(path, "settings", "set", "jump_points", "5")
    assert ok.exit_code == 0, ok.output
    listed = cli(path, "settings", "--json")
    assert listed.exit_code == 0, listed.output
    ws = Workspace(path)
    try:
        assert json.loads(listed.output) == json.loads(json.dumps(ws.settings()))  # the CLI shows the API's rows
        assert ws.setting("jump_points") == 5.0
    finally:
        ws.close()
    assert [r["name"] for r in json.loads(listed.output)] == list(SETTINGS)
    reset = cli(path, "settings", "reset", "jump_points")
    assert reset.exit_code == 0
    ws = Workspace(path)
    assert ws.setting("jump_points") == 10.0
    ws.close()


def test_the_import_checks_use_the_typed_jump_ratio(tiny_ws, tmp_path):
    # January 100, February 130: a change of 130 / 100 - 1 = 30 %, over a ratio of 0.25, under 0.5
    tiny_ws.record([{"indicator": "jobs", "region": "900101", "period": "2024-01", "value": 100}])
    f = tmp_path / "feb.csv"
    f.write_text("indicator,region,period,value\njobs,900101,2024-02,130\n", encoding="utf-8")

    def codes():
        out = tiny_ws.reporting.import_file(f, actor=tiny_ws.reporting.actor(), dry_run=True)
        return [p["code"] for p in out["problems"]]

    assert codes() == []
    tiny_ws.set_setting("jump_ratio", "0.25")
    assert codes() == ["jump-without-comment"]


# --- the default plan ------------------------------------------------------------------------

def test_a_workspace_without_the_bundled_plan_uses_its_own(tiny_ws):
    # tiny_ws holds plans tp (top level) and tc1 (its child): the default is tp
    assert tiny_ws.setting("default_plan") == "" and tiny_ws.default_plan == "tp"
    assert tiny_ws.status(at=date(2024, 4, 15))["plan"] == "tp"
    assert tiny_ws.coverage()["plan"] == "tp"
    path = tiny_ws.path
    tiny_ws.close()
    out = cli(path, "status", "--period", "2024", "--at", "2024-04-15", "--json")  # no --plan
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["plan"] == "tp"


def test_the_setting_names_the_default_plan(tiny_ws):
    tiny_ws.set_setting("default_plan", "tc1")
    assert tiny_ws.default_plan == "tc1"
    assert tiny_ws.status(at=date(2024, 4, 15))["plan"] == "tc1"
    assert views.overview(tiny_ws, at="2024-04-15")["plan_info"]["id"] == "tc1"
    with pytest.raises(Refusal) as exc:  # only a plan of the workspace
        tiny_ws.set_setting("default_plan", "gd-1310")
    assert exc.value.code == "unknown-plan" and tiny_ws.setting("default_plan") == "tc1"


def test_a_bundled_workspace_defaults_to_the_1310_plan(bundled_ws):
    assert bundled_ws.setting("default_plan") == "gd-1310"
    assert bundled_ws.status(at=date(2025, 6, 30))["plan"] == "gd-1310"


def test_a_workspace_without_plans_says_so(empty_ws):
    assert empty_ws.default_plan is None
    with pytest.raises(Refusal) as exc:
        empty_ws.status()
    assert exc.value.code == "unknown-plan" and "none loaded" in str(exc.value)


def test_cached_views_follow_a_settings_change(tiny_ws):
    """A view cached before a settings change is not served after it: the value basis changes every
    rolled-up value, and a view asked for without a plan shows the default plan.  (The data version
    used to leave the settings out, so the web kept serving the old values.)"""
    tiny_ws.record([{"indicator": "jobs", "region": "900101", "period": "2024-01", "value": 100}])
    tiny_ws.record([{"indicator": "jobs", "region": "900101", "period": "2024-01", "value": 140, "state": "draft"}])
    dash = Dashboard(tiny_ws, stale_for=0)  # nothing stale served: every read sees the data as they are

    def jobs_of_900101():
        rows = dash.view(views.indicator, code="jobs", region="900100", period="2024-01", at="2024-02-01")["children"]
        return {r["code"]: r["value"] for r in rows}["900101"]

    assert jobs_of_900101() == 100  # the approved revision
    tiny_ws.set_setting("value_basis", "latest")
    assert jobs_of_900101() == 140  # the draft, now that the latest revision counts
    assert dash.view(views.overview, at="2024-04-15")["plan"] == "tp"
    tiny_ws.set_setting("default_plan", "tc1")
    assert dash.view(views.overview, at="2024-04-15")["plan"] == "tc1"
