"""Permission matrix: role x scope x operation (service, web API and CLI), allowed or refused."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from luoshi.domain.problems import Refusal
from tests.reporting.conftest import write

LIWAN, SHENZHEN, GUANGZHOU = "440103", "440300", "440100"
ROW = "indicator,region,period,value\ntech_transform,{region},2024-03,7\n"

# (user, region) -> import allowed?
IMPORT = {("ada", LIWAN): True, ("ada", SHENZHEN): True, ("rui", LIWAN): True, ("rui", SHENZHEN): False,
          ("rita", LIWAN): True, ("rita", SHENZHEN): False, ("vic", LIWAN): False, ("vic", SHENZHEN): False,
          ("sam", LIWAN): False, ("sam", SHENZHEN): True}
# (user, region) -> approve allowed? (reviewer of an ancestor region; admin anywhere in scope)
APPROVE = {("ada", LIWAN): True, ("ada", GUANGZHOU): True, ("rui", LIWAN): True, ("rui", GUANGZHOU): False,
           ("rita", LIWAN): False, ("vic", LIWAN): False, ("sam", LIWAN): False}


@pytest.mark.parametrize("user,region", sorted(IMPORT))
def test_import_matrix(ws, people, tmp_path, user, region):
    f = write(tmp_path / "x.csv", ROW.format(region=region))
    try:
        result = ws.reporting.import_file(f, actor=people[user])
    except Refusal as exc:
        assert exc.status == 403 and not IMPORT[(user, region)]
        return
    assert (result["status"] == "committed") == IMPORT[(user, region)], result["problems"]
    if not IMPORT[(user, region)]:
        assert [p["code"] for p in result["problems"]] == ["not-permitted"]


@pytest.mark.parametrize("user,region", sorted(APPROVE))
def test_approve_matrix(ws, people, tmp_path, user, region):
    f = write(tmp_path / "x.csv", ROW.format(region=region))
    assert ws.reporting.import_file(f, actor=people["ada"], state="submitted")["status"] == "committed"
    try:
        out = ws.reporting.transition("approve", actor=people[user], region=region)
        changed = out["changed"]
    except Refusal as exc:
        assert (exc.code, exc.status) == ("not-permitted", 403)
        changed = 0
    assert (changed == 1) == APPROVE[(user, region)]


def test_reporter_cannot_import_as_approved(ws, people, tmp_path):
    f = write(tmp_path / "x.csv", ROW.format(region=LIWAN))
    result = ws.reporting.import_file(f, actor=people["rita"], state="approved")
    assert [p["code"] for p in result["problems"]] == ["not-permitted"]


def test_only_admin_manages_users(ws, people):
    for user in ("rui", "rita", "vic"):
        with pytest.raises(Refusal, match="may not manage users"):
            ws.reporting.add_user("newbie", "long enough pw", actor=people[user])
    assert ws.reporting.add_user("newbie", "long enough pw", actor=people["ada"])["created"]


def test_no_leaks_in_history_completeness_and_sdmx(ws, people, tmp_path):
    from luoshi.services.interchange import sdmx_export

    for region in (LIWAN, SHENZHEN):
        ws.reporting.import_file(write(tmp_path / f"{region}.csv", ROW.format(region=region)), actor=people["ada"])
    regions = {r["region"] for r in ws.reporting.history(actor=people["vic"]) if r["region"]}
    # Liwan's import and the bundled values of Guangzhou (loaded through the audited write path)
    assert LIWAN in regions and all(r.startswith("4401") for r in regions)
    assert {r["region"] for r in ws.reporting.completeness("2024Q1", actor=people["vic"])} == {GUANGZHOU}
    out = tmp_path / "s.csv"
    sdmx_export(ws.db, out, actor=people["vic"])
    areas = {line.split(",")[4] for line in out.read_text().splitlines()[1:]}
    assert areas and all(a.startswith("4401") for a in areas)


# --- the same matrix over HTTP -------------------------------------------------------------------------
def client(ws):
    from luoshi.web import create_app

    return TestClient(create_app(ws))


@pytest.mark.parametrize("user,region", sorted(IMPORT))
def test_api_import_matrix(ws, people, user, region):
    token = ws.reporting.token(user, actor=people["ada"])["token"]
    r = client(ws).post("/api/imports", files={"file": ("x.csv", ROW.format(region=region).encode())},
                        headers={"Authorization": f"Bearer {token}"})
    allowed = IMPORT[(user, region)]
    if user == "vic":
        assert r.status_code == 403
    else:
        assert r.status_code == (200 if allowed else 422), r.text


def test_api_needs_authentication_once_users_exist(ws, people):
    c = client(ws)
    assert c.get("/api/history").status_code == 401
    assert c.post("/api/imports", files={"file": ("x.csv", b"a")}).status_code == 401


# --- and over the CLI ----------------------------------------------------------------------------------
@pytest.mark.parametrize("user,region", [("rita", LIWAN), ("rita", SHENZHEN), ("vic", LIWAN)])
def test_cli_import_matrix(ws, people, tmp_path, ws_path, monkeypatch, user, region):
    from typer.testing import CliRunner

    from luoshi.cli.main import app

    ws.close()
    f = write(tmp_path / "x.csv", ROW.format(region=region))
    monkeypatch.setenv("LUOSHI_USER", user)
    r = CliRunner().invoke(app, ["--db", str(ws_path), "import", "observations", str(f), "--json"])
    assert r.exit_code == {True: 0, False: 3 if user == "vic" else 2}[IMPORT[(user, region)]], r.output


def test_a_reporter_of_some_indicators_is_told_which_indicator_is_not_theirs(ws, people, tmp_path):
    r = ws.reporting
    r.add_user("ivy", "correct horse battery", actor=people["ada"])
    r.grant("ivy", "reporter", LIWAN, actor=people["ada"], indicators=["tech_transform"])
    f = write(tmp_path / "i.csv", "indicator,region,period,value\ndigital_transform,440103,2024-03,5\n")
    result = r.import_file(f, actor=r.actor("ivy"))
    [p] = [p for p in result["problems"] if p["code"] == "not-permitted"]
    assert p["field"] == "indicator" and "digital_transform" in p["message"] and "digital_transform" in p["message_zh"]
