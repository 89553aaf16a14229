"""The class model shipped with luoshi is what its training data gives, and it is deterministic."""

from luoshi.extract import DocumentMeta, extract_text
from luoshi.extract.learned import bundled, bundled_year, choose_year
from luoshi.extract.train import main as train


def test_the_shipped_model_is_what_the_development_split_gives():
    assert train(["--check"]) == 0


def test_the_model_reads_the_same_text_the_same_way():
    text = "2023年全省地区生产总值增长4.8%。今年的主要预期目标是：地区生产总值增长5%左右，城镇新增就业110万人以上。"
    first = [s.to_dict() for s in extract_text(text, DocumentMeta("2024-01-23")).statements]
    assert first == [s.to_dict() for s in extract_text(text, DocumentMeta("2024-01-23")).statements]
    assert [s["class"] for s in first if s["class"] != "none"] == ["outcome", "target", "target"]


def test_the_model_has_every_class_and_no_unknown_feature_breaks_it():
    m = bundled()
    assert set(m.classes) == {"target", "task", "outcome", "none"}
    assert len(m.scores({"never seen": 1.0})) == 4


def test_the_year_model_picks_among_the_candidates_it_is_given():
    m = bundled_year()
    assert set(m.classes) == {"no", "yes"}
    assert choose_year(m, [], 2024) == 2024
    cands = [(2023, {"src=document-1": 1.0}), (2024, {"src=rule": 1.0, "src=before": 1.0})]
    assert choose_year(m, cands, None) in (2023, 2024)
    assert choose_year(m, cands, None) == choose_year(m, list(cands), None)
