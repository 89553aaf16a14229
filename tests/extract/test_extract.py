from luoshi.extract import DocumentMeta, extract_text

REPORT = """一、2023年工作回顾
全省地区生产总值达到13.57万亿元、增长4.8%。
二、2024年工作安排
今年的主要预期目标是：地区生产总值增长5%左右，城镇新增就业110万人以上，居民人均可支配收入增长与经济增长同步。
推动9000家工业企业开展技术改造。"""


def rows(text, **meta):
    r = extract_text(text, DocumentMeta(**meta))
    return [(s.cls, s.value, s.unit, s.comparator, s.year, s.year_inferred, s.indicator.code if s.indicator else None)
            for s in r.commitments]


def test_review_versus_plan_sections():
    assert rows(REPORT, date="2024-01-23", issuer="440000") == [
        ("outcome", 13.57e12, "CNY", "exact", 2023, True, "gdp"),
        ("outcome", 4.8, "%", "exact", 2023, True, "gdp_growth"),
        ("target", 5.0, "%", "around", 2024, True, "gdp_growth"),
        ("target", 1_100_000, "person", "at_least", 2024, True, "new_urban_jobs"),
        ("target", None, None, "in_step", 2024, True, "income_growth"),
        ("task", 9000, "count", "exact", 2024, True, "tech_transformation"),
    ]


def test_offsets_point_into_normalised_text_and_back():
    text = "今年地区生产总值增长５％左右。"
    r = extract_text(text, DocumentMeta(date="2024-01-23", issuer="440000"))
    st = r.commitments[0]
    a, b = r.normalised.span_to_original(st.value_span.start, st.value_span.end)
    assert text[a:b] == "５％"
    assert st.strength is None and st.comparator_span.text == "左右"
    assert st.scope == "440000" and st.scope_inferred


def test_english_target_strength_and_scope():
    r = extract_text("Guangzhou will strive to add more than 300,000 new urban jobs in 2025.",
                     DocumentMeta(date="2025-01-10", issuer="440000"))
    st = r.commitments[0]
    assert (st.cls, st.value, st.unit, st.comparator, st.strength, st.year, st.year_inferred, st.scope) == \
        ("target", 300000, "person", "at_least", "strive", 2025, False, "440100")
    assert st.plan_node.code == "B8"


def test_unknown_subject_gets_a_proposed_indicator():
    r = extract_text("今年新建口袋公园300个。", DocumentMeta(date="2024-01-23", issuer="440000"))
    st = r.commitments[0]
    assert st.indicator.code is None and st.proposed_indicator["name_zh"]


def test_negatives_are_not_commitments():
    text = "2023年6月20日，省委十三届三次全会审议通过“1310”具体部署。联系电话：020-83135000。"
    assert extract_text(text, DocumentMeta(date="2023-06-21")).commitments == []
