"""The fields of a POST read alike from JSON and forms (web.body): a yes/no and a text field."""

from __future__ import annotations

import pytest

from luoshi.domain.problems import Refusal
from luoshi.web.body import flag, text


@pytest.mark.parametrize("sent, meant", [("false", False), ("False", False), ("", False), (None, False),
                                         (False, False), ("true", True), ("TRUE", True), (True, True)])
def test_a_form_false_is_false(sent, meant):
    assert flag({"subtree": sent}, "subtree") is meant  # bool("false") was True
    assert flag({}, "subtree") is False


@pytest.mark.parametrize("sent", ["maybe", "0", 1, [], {"a": 1}])
def test_a_flag_that_is_neither_true_nor_false_is_refused(sent):
    with pytest.raises(Refusal) as exc:
        flag({"subtree": sent}, "subtree")
    assert exc.value.code == "bad-value" and exc.value.status == 400


def test_text_takes_strings_and_numbers_and_refuses_the_rest():
    assert text({"region": "440103"}, "region") == "440103"
    assert text({"region": 440103}, "region") == "440103"
    assert text({}, "region") is None
    for sent in (True, [1], {"a": 1}):
        with pytest.raises(Refusal):
            text({"reason": sent}, "reason")
