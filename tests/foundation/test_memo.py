"""What is kept between writes (issue 16): Database.memo holds a value until the next commit that
changes the structure; a commit of values only keeps it; and whatever is kept, a reader never sees
settings, regions, grants or tokens older than the last commit."""

from __future__ import annotations

from luoshi.domain.roles import Actor
from luoshi.services import access

LOCAL = Actor.local()


def test_a_commit_of_values_keeps_what_depends_on_the_structure_and_a_structure_commit_drops_it(tiny_ws):
    db, calls = tiny_ws.db, []

    def compute():
        calls.append(1)
        return len(calls)

    assert db.memo("k", compute) == 1
    assert db.memo("k", compute) == 1  # nothing committed: kept
    tiny_ws.record([{"indicator": "jobs", "region": "900101", "period": "2024-01", "value": 5}])
    assert db.memo("k", compute) == 1  # a value: the structure is as it was
    assert db.memo("v", compute, structure=False) == 2
    tiny_ws.record([{"indicator": "jobs", "region": "900101", "period": "2024-02", "value": 6}])
    assert db.memo("v", compute, structure=False) == 3  # kept until any commit
    tiny_ws.set_setting("jump_ratio", "0.4")
    assert db.memo("k", compute) == 4  # a setting is the structure
    assert tiny_ws.setting("jump_ratio") == 0.4


def test_inside_a_write_the_value_is_computed_afresh(tiny_ws):
    db = tiny_ws.db
    assert db.memo("k", lambda: "kept") == "kept"
    with db.write():
        assert db.memo("k", lambda: "inside") == "inside"
    assert db.memo("k", lambda: "after") == "after"  # the write committed: not the value before it


def test_a_revoked_token_and_a_withdrawn_grant_count_at_once(tiny_ws):
    rp = tiny_ws.reporting
    rp.add_user("ada", "a long passphrase 1", actor=LOCAL, admin=True)
    rp.add_user("kim", "a long passphrase 2", actor=LOCAL, role="reporter", region="900100")
    made = rp.token("kim", actor=LOCAL)
    kim = access.check_token(tiny_ws.db, made["token"])
    assert kim is not None and kim.name == "kim"
    assert {g.region_code for g in kim.grants} == {"900100"}
    assert access.check_token(tiny_ws.db, made["token"]) == kim  # kept, and each caller its own copy
    assert access.check_token(tiny_ws.db, made["token"]) is not kim
    rp.grant("kim", "reporter", "900200", actor=LOCAL)
    assert {g.region_code for g in access.check_token(tiny_ws.db, made["token"]).grants} == {"900100", "900200"}
    rp.revoke_token(made["token_id"], actor=LOCAL)
    assert access.check_token(tiny_ws.db, made["token"]) is None


def test_a_region_loaded_is_in_the_next_import_catalog(tiny_ws, tmp_path):
    before = tiny_ws.catalog()
    assert tiny_ws.catalog() is before  # kept while nothing changes
    f = tmp_path / "k13.csv"
    f.write_text("code,parent_code,level,name_zh,name_en\n900103,900100,county,新县,New County\n", encoding="utf-8")
    tiny_ws.load_regions(f)
    assert "900103" in tiny_ws.catalog().regions and "900103" not in before.regions
