"""Every Chinese message is Chinese: a problem's ``message_zh`` carries no English of ours.

Two checks.  In the source, every call that builds a catalogue problem and passes a parameter
whose Chinese the Chinese template shows (``{detail_zh}``, ``{format_zh}``, ``{action_zh}`` ...)
gives that Chinese when the text is ours (a literal with English words, or any detail that is not
an exception's text, which the Chinese message replaces by a generic phrase).  On real bad input
(the bad-file suites, YAML, regions, targets, DHIS2, documents), the Chinese messages hold no
English word but codes, numbers, format names and words of the input itself."""

from __future__ import annotations

import ast
import json
import re
import shutil
from datetime import date
from pathlib import Path

from luoshi.domain import indicators as ind_domain
from luoshi.domain.problems import CATALOGUE, DETAIL_ZH, Refusal
from luoshi.domain.regions import LEVELS
from luoshi.domain.rules import COMPARATOR_ALIASES, COMPARATORS
from luoshi.ingest.columns import OBSERVATION_FIELDS, TARGET_FIELDS
from luoshi.ingest.dhis2 import MAPPING_KEYS
from luoshi.ingest.documents import read_document
from luoshi.ingest.indicators import FIELDS as INDICATOR_FIELDS
from luoshi.ingest.plans import NODE_KINDS
from luoshi.ingest.validate import STATES
from luoshi.services.interchange import dhis2_import
from luoshi.workspace import Workspace
from tests.source_walk import problem_calls

DATA = Path(__file__).resolve().parents[1] / "data"
# names, not prose: formats and encodings, file extensions, a product a message tells to use
NAMES = {"CSV", "XLSX", "JSON", "YAML", "PDF", "DOCX", "ZIP", "TXT", "MD", "HTML", "UTF", "GB18030", "GBK", "DHIS2",
         "NUL", "MB", "EXCEL", "WPS", "INF"}
# codes a message names: the fields and keys of the input formats and the values they allow
CODES = (set(OBSERVATION_FIELDS) | set(TARGET_FIELDS) | INDICATOR_FIELDS | set(MAPPING_KEYS) | set(NODE_KINDS)
         | set(LEVELS) | set(STATES) | set(COMPARATORS) | set(COMPARATOR_ALIASES) | set(ind_domain.DIRECTIONS)
         | set(ind_domain.REGION_AGGS) | set(ind_domain.TIME_AGGS)
         | {"observations", "targets", "rows", "plans", "indicators", "dataValues", "luoshi"})
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def english(text: str) -> list[str]:
    """English words of text we wrote into a message (an option such as --format, or a field
    name such as valid_to standing alone, is a code)."""
    if re.fullmatch(r"[a-z][a-z0-9_]*", text):
        return []
    text = re.sub(r"--?[a-z][a-z-]*", " ", text)
    return [w for w in _TOKEN.findall(text) if sum(c.isalpha() for c in w) >= 3 and w.upper() not in NAMES]


def _zh_params(code: str) -> set[str]:
    et = CATALOGUE[code]
    return {m[:-3] for m in re.findall(r"\{(\w+_zh)\b", et.zh + et.hint_zh)}


def untranslated() -> list[str]:
    out = []
    for call in problem_calls():
        if call.code not in CATALOGUE:
            continue
        for name in _zh_params(call.code) & call.keywords.keys():
            if f"{name}_zh" in call.keywords:
                continue
            value = call.keywords[name]
            ours = [w for n in ast.walk(value) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                    for w in english(n.value)]
            from_exception = bool({n.id for n in ast.walk(value) if isinstance(n, ast.Name)} & call.exception_names)
            if ours or (name == "detail" and not from_exception):
                out.append(f"{call.where} {call.code}: {name}={ast.unparse(value)} without {name}_zh")
    return out


def test_chinese_templates_take_the_chinese_of_free_text():
    # a detail, a format name or an action is prose or a name of ours: the Chinese template shows its
    # Chinese (``{detail_zh}``), never the English text itself
    for code, et in CATALOGUE.items():
        for name in ("detail", "format", "action"):
            assert not re.search(r"\{%s[}!:]" % name, et.zh + et.hint_zh), (code, et.zh)


def test_every_call_writing_english_into_a_chinese_message_gives_its_chinese():
    calls = list(problem_calls())
    assert len(calls) > 200  # the walk sees report.add, Refusal and problem calls across src/
    assert untranslated() == []


def test_the_walk_notices_an_untranslated_detail(monkeypatch, tmp_path):
    # the check can fail: a detail we write, and a format of ours, without their Chinese
    from tests import source_walk

    pkg = tmp_path / "luoshi"
    pkg.mkdir()
    (pkg / "probe.py").write_text(
        "def f(report):\n"
        "    report.add('bad-format', format='odd CSV', detail='rows are odd')\n"
        "    try:\n        pass\n    except OSError as exc:\n"
        "        report.add('unreadable-file', detail=str(exc))\n", encoding="utf-8")
    monkeypatch.setattr(source_walk, "SRC", pkg)
    assert sorted(untranslated()) == ["probe.py:2 bad-format: detail='rows are odd' without detail_zh",
                                      "probe.py:2 bad-format: format='odd CSV' without format_zh"]


def test_an_exception_detail_is_kept_in_english_and_said_generically_in_chinese():
    r = Refusal("unreadable-file", detail="[Errno 13] Permission denied: 'x.csv'")
    assert r.problem.message == "cannot read the file: [Errno 13] Permission denied: 'x.csv'"
    assert r.problem.message_zh == f"无法读取文件：{DETAIL_ZH}"
    r = Refusal("bad-format", format="JSON", detail="each item must be an object", detail_zh="每一项都应是对象")
    assert (r.problem.message, r.problem.message_zh) == ("the file is not valid JSON: each item must be an object",
                                                         "文件不是有效的 JSON：每一项都应是对象")


# --- real bad input ---------------------------------------------------------------------------------
def _problems(call) -> list[dict]:
    try:
        out = call()
    except Refusal as exc:
        return [p.to_dict() for p in exc.problems] or [exc.problem.to_dict()]
    return out.get("problems", [])


def _load(ws, f: Path, mapping: Path) -> list[dict]:
    """The problems luoshi reports for a file, through the door that reads its kind."""
    name, actor = f.name, ws.reporting.actor()
    if f.suffix == ".yaml":
        plans = _problems(lambda: ws.load_plans(f)) if "plan" in name or "list" in name else []
        return plans + (_problems(lambda: ws.load_indicators(f)) if "plan" not in name else [])
    if name.startswith("region"):
        return _problems(lambda: ws.load_regions(f))
    if name.startswith("target"):
        return _problems(lambda: ws.load_targets(f))
    if name.startswith("dhis2-mapping"):
        values = f.with_name("dhis2-values-item.json")
        return _problems(lambda: dhis2_import(ws.reporting, values, f, actor=actor, dry_run=True))
    if name.startswith("dhis2"):
        return _problems(lambda: dhis2_import(ws.reporting, f, mapping, actor=actor, dry_run=True))
    return _problems(lambda: ws.reporting.import_file(f, actor=actor, dry_run=True))


def _foreign(message: str, f: Path, extra: set[str]) -> list[str]:
    """Words of a Chinese message that are neither codes, numbers, names nor words of the input."""
    data = f.read_bytes() if f.is_file() else b""
    text = data.decode("utf-8", "ignore") + " " + data.decode("gb18030", "ignore")
    own = set(_TOKEN.findall(text)) | set(_TOKEN.findall(str(f))) | extra
    return [w for w in _TOKEN.findall(message)
            if sum(c.isalpha() for c in w) >= 3 and w.upper() not in NAMES and w not in CODES and w not in own]


def test_chinese_messages_of_real_bad_input_are_chinese(_bundled_template, tiny_ws, tmp_path):
    shutil.copy(_bundled_template, tmp_path / "bundled.duckdb")  # tiny_ws is tmp_path / "ws.duckdb"
    bundled_ws = Workspace(tmp_path / "bundled.duckdb", today=date(2026, 11, 20))
    try:
        _check_real_bad_input(bundled_ws, tiny_ws, tmp_path)
    finally:
        bundled_ws.close()


def _check_real_bad_input(bundled_ws, tiny_ws, tmp_path):
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"dataElements": {"DE": "new_urban_jobs"}, "orgUnits": {"OU": "440103"}}))
    seen: list[tuple[Path, dict]] = []
    for ws, folder in ((bundled_ws, DATA / "bad"), (tiny_ws, DATA / "foundation" / "bad"),
                       (bundled_ws, DATA / "formats")):
        for f in sorted(folder.iterdir()):
            seen += [(f, p) for p in _load(ws, f, mapping)]
    for f in sorted((DATA / "documents").iterdir()):
        seen += [(f, p.to_dict()) for p in read_document(f, max_bytes=1_000_000)[2].problems]
    codes = {p["code"] for _, p in seen}
    # the sample reaches the messages that carried English: details, formats, columns, periods, jumps
    assert {"bad-format", "bad-value", "binary-file", "undecodable-text", "wrong-frequency", "missing-column",
            "jump-without-comment", "ambiguous-column", "duplicate-column"} <= codes
    indicator_codes = {r["code"] for r in bundled_ws.indicators()} | {r["code"] for r in tiny_ws.indicators()}
    bad = [(f.name, p["code"], p["message_zh"], words) for f, p in seen
           if (words := _foreign(p["message_zh"], f, indicator_codes))]
    assert bad == []
    # and every message is in Chinese at all
    assert all(re.search(r"[\u4e00-\u9fff]", p["message_zh"]) for _, p in seen)
