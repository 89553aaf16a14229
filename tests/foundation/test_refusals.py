"""The one refusal type: built from the catalogue, an InputError carrying its whole report, periods a
person gives refused as bad-period, and every refusal raised in the code naming a catalogue code with
every field its messages need (a missing field would turn a refusal into a 500).  A Chinese
template's ``{x_zh}`` is the Chinese of parameter ``x`` and counts as ``x``."""

from __future__ import annotations

from string import Formatter

import pytest

from luoshi.domain.periods import Period, parse_given
from luoshi.domain.problems import CATALOGUE, InputError, Refusal, Report
from luoshi.domain.roles import Actor
from tests.source_walk import problem_calls


def _fields(template: str) -> set[str]:
    """The parameters a template needs: ``x_zh`` (the Chinese of ``x``, which defaults to it) needs ``x``."""
    return {name.removesuffix("_zh") for _, name, _, _ in Formatter().parse(template) if name}


def refusals_in_source():
    """(file:line, code, keyword names) of every ``Refusal("code", ...)`` written in src/."""
    for call in problem_calls(("Refusal",)):
        yield call.where, call.code, set(call.keywords)


def test_every_refusal_in_the_code_has_a_catalogue_entry_and_its_fields():
    found = list(refusals_in_source())
    assert len(found) > 50  # the walk sees the code (about 80 refusals when written)
    bad = [(where, code, sorted(_fields(CATALOGUE[code].en) | _fields(CATALOGUE[code].zh)) if code in CATALOGUE
            else "not in the catalogue") for where, code, names in found
           if code not in CATALOGUE or not (_fields(CATALOGUE[code].en) | _fields(CATALOGUE[code].zh)) <= names]
    assert bad == []


def test_every_catalogue_entry_has_both_messages_with_the_same_fields():
    for code, e in CATALOGUE.items():
        assert e.en and e.zh and e.title, code
        assert _fields(e.en) == _fields(e.zh) or code in ("bad-query", "bad-request", "bad-setting"), code  # zh omits English details
        assert _fields(e.hint_en) == _fields(e.hint_zh), code


def test_a_refusal_is_a_catalogue_problem_with_a_status():
    r = Refusal("unknown-task", 404, value="T-9")
    assert (r.code, r.status, str(r)) == ("unknown-task", 404, "no task with id 'T-9'")
    assert r.envelope() == {"status": 404, "code": "unknown-task", "message": "no task with id 'T-9'",
                            "message_zh": "不存在编号为 'T-9' 的任务"}
    assert Refusal("bad-date", value="x").status == 400  # the default: bad input


def test_a_hint_is_added_only_when_its_fields_are_given():
    assert str(Refusal("unknown-plan", 404, value="p")) == "no plan with id 'p'"
    r = Refusal("unknown-plan", 404, value="p", known="gd-1310, gz-1312")
    assert (str(r), r.problem.message_zh) == ("no plan with id 'p'; plans: gd-1310, gz-1312",
                                              "不存在编号为 'p' 的规划；现有规划：gd-1310, gz-1312")


def test_input_error_is_the_refusal_of_its_reports_first_error_and_carries_all():
    report = Report(file="f.csv")
    report.add("scale-in-value", row=2, value="1万", number=10000, unit="人", scale=10000)  # a warning
    report.add("not-a-number", row=3, field="value", value="abc")
    report.add("unknown-region", row=4, field="region", value="999999")
    exc = InputError(report)
    assert (exc.code, exc.status) == ("not-a-number", 400)
    body = exc.envelope()
    assert body["message"] == "'abc' is not a number (and 1 more)"
    assert body["message_zh"] == "'abc' 不是数字（另有 1 处）"
    assert [(p["row"], p["code"]) for p in body["problems"]] == [(2, "scale-in-value"), (3, "not-a-number"),
                                                                 (4, "unknown-region")]
    assert isinstance(exc, Refusal)


def test_a_period_a_person_gives_is_parsed_or_refused_as_bad_period():
    assert parse_given("2024Q3") == Period("Q", 2024, 3)
    for text in ("2024Q9", "20x5", "", None):
        with pytest.raises(Refusal) as exc:
            parse_given(text)
        assert (exc.value.code, exc.value.status) == ("bad-period", 400)


def test_one_actor_for_roles_and_the_task_desk():
    admin, local = Actor("ada", superuser=False), Actor.local()
    assert local.acts_for("gd-iit") and local.acts_for(None)
    person = Actor("li", unit="gd-iit")
    assert person.acts_for("gd-iit") and not person.acts_for("gd-edu")
    # a person of no unit acts for no unit, not even for a task that names none
    assert not admin.acts_for(None) and not admin.acts_for("gd-iit")
    r = person.refusal("lock gd-1310 2024", "锁定 gd-1310 2024")
    assert (r.code, r.status, str(r)) == ("not-permitted", 403, "li may not lock gd-1310 2024")
