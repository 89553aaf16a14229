"""Wordings real pages use that the first extractor missed (issue 19), each value worked out by hand."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.extract import DocumentMeta, extract_text
from luoshi.extract.cues import explicit_time, relative_time, year_right_after
from luoshi.extract.numbers import find_quantities


def q(s, lang="en"):
    return [(pytest.approx(x.value) if x.value is not None else None, x.unit, x.reason) for x in find_quantities(s, lang)
            if x.reason != "identifier"]


@pytest.mark.parametrize("s,lang,expected", [
    ("will invest €3.2bn in rail", "en", [(3.2e9, "EUR", None)]),
    ("an allocation of RM120 billion", "en", [(120e9, "MYR", None)]),
    ("a loan of US$5 million", "en", [(5e6, "USD", None)]),
    ("outlays of ₹10 lakh crore", "en", [(10e12, "INR", None)]),
    ("Rs 2,000 crore for roads", "en", [(2e10, "INR", None)]),
    ("$36.4B of spending", "en", [(36.4e9, "USD", None)]),
    ("752B yuan of bonds", "en", [(752e9, "CNY", None)]),
    ("growth of five percent", "en", [(5.0, "%", None)]),
    ("down by two percentage points", "en", [(2.0, "pp", None)]),
    ("nearly half of the budget", "en", [(50.0, "%", None)]),
    ("the first half of the year", "en", []),
    ("by more than six times", "en", [(6.0, "times", None)]),
    ("a teacher-pupil ratio of 1:2.5", "en", [(2.5, "ratio", None)]),
    ("in fiscal 2015-16 the deficit", "en", [(None, None, "year")]),
    ("since COVID-19 struck", "en", []),
    ("a budget of 3.6 trillion baht", "en", [(3.6e12, "THB", None)]),
    ("386.7 trillion won ($324.6 billion)", "en", [(386.7e12, "KRW", None), (324.6e9, "USD", "conversion")]),
    ("a surplus of 124 billion Egyptian pounds ($7.51 billion)", "en",
     [(124e9, "EGP", None), (7.51e9, "USD", "conversion")]),
    ("粮食产量1.3万亿斤以上", "zh", [(1.3e12, "jin", None)]),
    ("近万亿元", "zh", [(1e12, "CNY", None)]),
    ("实现正增长", "zh", [(0.0, "%", None)]),
    ("与上年持平", "zh", [(0.0, "%", None)]),
    ("实现两位数增长", "zh", [(10.0, "%", None)]),
    ("比2010年翻一番", "zh", [(2010.0, "year", "year"), (2.0, "times", None)]),
    ("人口自然增长率3.5‰", "zh", [(3.5, "permille", None)]),
    ("增长 5 %", "zh", [(5.0, "%", None)]),
    ("新建学校140余所", "zh", [(140.0, "count", None)]),
    ("总预算25.4兆元", "zh", [(25.4e12, "CNY", None)]),
    ("5575万农村贫困人口实现脱贫", "zh", [(5.575e7, "person", None)]),
    ("a budget of N8.83 trillion and a sinking fund of N120bn", "en", [(8.83e12, "NGN", None), (120e9, "NGN", None)]),
    ("N95 masks for every nurse", "en", []),
    ("The national debt as a percentage of GDP is falling", "en", []),
    ("up by two percentage-points", "en", [(2.0, "pp", None)]),
    ("GDP of GH¢219.5 billion", "en", [(219.5e9, "GHS", None)]),
    ("grain output of 37.975 billion kilograms", "en", [(37.975e6, "tonne", None)]),
    ("built 2 000 km of roads", "en", [(2000.0, "km", None)]),
    ("growth of five-six percent", "en", [(5.0, "%", None)]),
    ("twenty-five percent", "en", [(25.0, "%", None)]),
    ("output has doubled since the plan began", "en", [(2.0, "times", None)]),
    ("two-thirds of households", "en", []),
    ("nearly two-thirds of households", "en", [(66.67, "%", None)]),
    ("建成10个重点项目", "zh", [(10.0, "count", None)]),
    ("我国100万以上人口城市为140个", "zh", [(1e6, "person", "threshold"), (140.0, "count", None)]),
    ("patents per 10,000 people", "en", [(10000.0, "person", "denominator")]),
    ("UPDATED : Sunday, 23 January, 2011, 12:00am", "en", [(None, None, "date"), (2011.0, None, "year"), (None, None, "time")]),
    ("a shortfall of C$2.3 bln", "en", [(2.3e9, "CAD", None)]),
    ("a €1 074.3 billion framework", "en", [(1074.3e9, "EUR", None)]),
    ("a target of 27GW of solar and 364MW of wind", "en", [(27e6, "kW", None), (364e3, "kW", None)]),
    ("growth of 3.8pc", "en", [(3.8, "%", None)]),
    ("a budget of MNT 8.78 trillion", "en", [(8.78e12, "MNT", None)]),
    ("Sh733 million for last-mile connections", "en", [(733e6, "KES", None)]),
    ("grew by 4.5 and 19.7 percent respectively", "en", [(4.5, "%", None), (19.7, "%", None)]),
    ("5 PCs per classroom", "en", [(5.0, "count", None)]),
    ("($1 = 104.8000 Pakistani rupees)", "en", [(None, None, "conversion")]),
    ("2019年08月05日20:21  来源:人民网", "zh", [(None, None, "date"), (None, None, "time")]),
    ("PM 2.5 concentrations fall by 10%", "en", [(None, None, "name"), (10.0, "%", None)]),
    ("two of the world top 500 enterprises", "en", [(None, None, "name")]),
    ("a primary deficit of R$43bn", "en", [(43e9, "BRL", None)]),
    ("GDP reached 7.35trillion yuan", "en", [(7.35e12, "CNY", None)]),
    ("allocated 1.22 thousand billion rupees", "en", [(1.22e12, "INR", None)]),
    ("民间投资二兆六百六十七亿元", "zh", [(2.0667e12, "CNY", None)]),
    ("发行二五〇〇亿元超长期特别国债", "zh", [(2.5e11, "CNY", None)]),
    ("出口约占经济成长的三分之一", "zh", [(33.33, "%", None)]),
    ("实施投资5000万元以上项目1381个", "zh", [(5e7, "CNY", "threshold"), (1381.0, "count", None)]),
    # a decimal before a magnitude, digits one by one, a white circle for zero (Taiwanese budgets, normalised)
    ("观光工程编列三点二亿元", "zh", [(3.2e8, "CNY", None)]),
    ("岁出二十六点八一亿元", "zh", [(2.681e9, "CNY", None)]),
    ("岁入二五○点五○亿元", "zh", [(2.505e10, "CNY", None)]),
    ("岁出二七七点三一亿余元", "zh", [(2.7731e10, "CNY", None)]),
    # the dinar, the loti, the pa'anga and the ngultrum written before the amount
    ("spending of BD8.916 billion", "en", [(8.916e9, "BHD", None)]),
    ("debt was M22.9 billion- M19 billion being external", "en", [(22.9e9, "LSL", None), (19e9, "LSL", None)]),
    ("Budget Estimates totals at TOP$899.2 million", "en", [(899.2e6, "TOP", None)]),
    ("a budget of Nu 512.28 billion", "en", [(512.28e9, "BTN", None)]),
    ("a budget of Q148,685 million", "en", [(148.685e9, "GTQ", None)]),
    ("the M4 motorway", "en", []),
])
def test_amounts_written_every_way(s, lang, expected):
    assert q(s, lang) == expected


def test_a_conversion_in_brackets_is_the_same_amount():
    got = find_quantities("would issue RMB1.3 trillion (€168 billion) in bonds", "en")
    assert [(x.unit, x.reason) for x in got] == [("CNY", None), ("EUR", "conversion")]


def rows(text, date="2024-01-23", kind=None):
    r = extract_text(text, DocumentMeta(date, None, kind))
    return [(s.cls, s.value, s.comparator, s.year) for s in r.commitments]


def test_traditional_characters_read_as_simplified():
    assert rows("今年主要預期目標：國內生產總值增長5%左右，城鎮新增就業1200萬人以上；居民收入增長和經濟增長同步。") == [
        ("target", 5.0, "around", 2024), ("target", 12_000_000, "at_least", 2024), ("target", None, "in_step", 2024)]


@pytest.mark.parametrize("text", [
    "居民人均可支配收入增长与经济增长基本同步。", "城乡居民收入增长和经济增长同步。",
    "Household income will keep pace with economic growth.", "Incomes should grow in step with the economy.",
])
def test_in_step_wordings(text):
    assert [r[2] for r in rows(text)] == ["in_step"]


def test_a_list_without_full_stops_is_read():
    text = "2024年主要预期目标\n- 地区生产总值增长5%左右\n- 城镇新增就业110万人以上\n- 居民收入增长和经济增长同步"
    assert rows(text) == [("target", 5.0, "around", 2024), ("target", 1_100_000, "at_least", 2024),
                          ("target", None, "in_step", 2024)]


def test_from_to_is_a_baseline_and_a_target():
    got = rows("We will raise the share of renewables from 3.0 per cent to 4.5 per cent by 2027.", "2024-03-01")
    assert [(c, v) for c, v, _, _ in got] == [("outcome", 3.0), ("target", 4.5)]
    got = rows("到2027年，研发投入强度由3.0%提高到4.5%。")
    assert [(c, v) for c, v, _, _ in got] == [("outcome", 3.0), ("target", 4.5)]


def test_stepping_up_to_a_new_level_is_at_least():
    assert rows("今年地区生产总值迈上1万亿元新台阶。")[0][2] == "at_least"


def test_numbers_that_look_like_years_are_not_years():
    assert rows("到2025年，全省固定资产投资完成1954.7亿元。", "2024-01-23")[0][3] == 2025
    # a year compared with, or built on, is the baseline's, not the statement's
    assert rows("Non-ETS sectors will need to cut emissions by 30% (compared to 2005) by 2030.", "2020-03-04")[0][3] == 2030
    assert rows("到2025年，人均预期寿命在2020年基础上继续提高1岁。", "2022-05-20")[0][3] == 2025
    got = extract_text("The EU will cut emissions by 55% from 1990 levels by 2030.", DocumentMeta("2021-07-14"))
    assert [(s.value, s.year) for s in got.commitments] == [(55.0, 2030)]


def test_the_headline_repeat_is_not_a_second_statement():
    text = "Guangdong sets 2024 GDP growth target at around 5%\nGuangdong will aim for GDP growth of around 5% in 2024."
    r = extract_text(text, DocumentMeta("2024-01-23"))
    assert [(s.sentence.start, s.cls) for s in r.statements if s.value == 5.0] == [(0, "none"), (51, "target")]
    rules = extract_text(text, DocumentMeta("2024-01-23"), model=False)  # the rule, whatever the model says
    assert [s.reason for s in rules.statements if s.value == 5.0] == ["repeated-headline", None]


def test_one_number_for_two_indicators_is_two_statements():
    r = extract_text("今年全市营业收入和增加值均增长5%。", DocumentMeta("2024-01-23"))
    assert [(s.value, s.subject.text[-4:]) for s in r.commitments] == [(5.0, "营业收入"), (5.0, "增加值")]
    r = extract_text("The plan sets a 5% growth in both budget revenue and fixed-asset investment.", DocumentMeta("2022-01-10"))
    assert [s.subject.text for s in r.commitments] == ["budget revenue", "fixed-asset investment"]


def test_an_estimate_of_the_year_under_review_is_an_outcome():
    assert rows("预计2023年全省地区生产总值增长5%。", "2024-01-23")[0][0] == "outcome"
    assert rows("The province's 2023 GDP is estimated at 13.5 trillion yuan.", "2024-01-23")[0][0] == "outcome"


def test_spending_is_a_task():
    assert rows("The government will invest €3.2bn in rail next year.", "2024-10-01")[0][0] == "task"
    # money given to something is a task by the rules too, whatever the model says
    got = extract_text("Another $359 million will go to cities to deal with homelessness.", DocumentMeta("2018-05-11"),
                       model=False)
    assert [s.cls for s in got.commitments] == ["task"]


def test_years_from_the_paragraph_the_list_and_the_plan_period():
    # 全年 after "2021年..." in the same paragraph is 2021, even in a report of April 2022
    assert rows("报告回顾了2021年工作。全年地区生产总值增长11.7%。", "2022-04-22")[0][3] == 2021
    # list items under a lead-in ending with a colon take its period
    got = rows("During the 14th Five-Year Plan period (2021-2025), China will keep:\n– unemployment within 5.5 percent;\n"
               "– R&D spending growth above 7 percent;", "2021-03-05")
    assert [y for _, _, _, y in got] == ["2021-2025", "2021-2025"]
    assert rows("今后五年全省生产总值年均增长9%左右。", "2013-01-27")[0][3] == "2013-2017"
    # a line that breaks off after a comma goes on in the next: its year still holds there
    assert rows("会议通报了全县2018年一季度经济运行情况，\n全县完成地区生产总值30.6亿元，同比增长8.4%。", "2018-03-29")[0][3] == 2018
    # "this year" or "next year" right after an English number is its own, whatever year the sentence names elsewhere
    assert [y for _, _, _, y in rows("Inflation is seen at 4.3% this year and 4.5% in 2018.", "2017-04-07")] == [2017, 2018]
    got = rows("Spending will rise to RM339.7 billion in 2025 from RM322.1 billion this year.", "2024-10-18")
    assert [(v, y) for _, v, _, y in got] == [(339.7e9, 2025), (322.1e9, 2024)]
    assert [y for _, _, _, y in rows("Inflation is expected at 15-16% this year and single digits in 2022.",
                                     "2021-09-24")] == [2021]  # a range is one number
    # the review of a government's term is of its five years
    assert rows("一、本届人民政府工作回顾\n地区生产总值累计突破270亿元。", "2022-01-06")[0][3] == "2017-2021"
    assert rows("到2015年，农民人均纯收入年均增长13%以上。", "2013-05-01")[0][3] == "2011-2015"


def test_counts_of_a_plans_own_parts_are_not_statements():
    assert rows("He also laid out 10 economic goals he said he would achieve.", "2016-01-10") == []
    assert 20.0 not in [v for _, v, _, _ in rows("纲要提出的20项主要指标中,16项基本符合或快于预期。", "2023-12-01")]
    assert [v for _, v, _, _ in rows("今年建成10个重点项目。")] == [10.0]  # projects are not the plan's parts


def test_deputies_attending_stay_none_whatever_the_model_says():
    text = "威海市第十七届人民代表大会代表名额为338名,现在实有代表334名,实际出席会议的代表318名。"
    assert rows(text, "2017-02-10") == []
    assert rows("A total of 854 deputies attended the annual session.", "2024-01-20") == []


def test_a_list_shares_its_comparator():
    assert [r[2] for r in rows("城乡居民人均可支配收入分别增长5%和7.5%左右。")] == ["around", "around"]
    assert [r[2] for r in rows("死亡率分别控制在3.1‰、5.2‰和6.6‰以下。")] == ["at_most"] * 3
    assert [r[2] for r in rows("Urban and rural income will increase about 8% and 9% respectively.")] == ["around"] * 2
    assert [r[2] for r in rows("Beijing will stick to at least a 5 per cent growth target.")] == ["at_least"]
    assert [r[2] for r in rows("2023年贫困发生率下降到14.86%。")] == ["exact"]  # falls to: the value reached


def test_a_headline_after_page_furniture_is_still_the_headline():
    text = ("date 2019-06-13 Home > Economy\nBangladesh unveils Tk 5.23 trillion budget for FY20\n"
            "Published: 13 Jun 2019\nBangladesh has unveiled a Tk 5.23 trillion spending plan for fiscal 2019-20.")
    r = extract_text(text, DocumentMeta("2019-06-13"))
    assert [s.cls for s in r.statements if s.value == 5.23e12] == ["none", "task"]
    rules = extract_text(text, DocumentMeta("2019-06-13"), model=False)
    assert [s.reason for s in rules.statements if s.value == 5.23e12] == ["repeated-headline", None]


def test_a_title_repeated_by_the_lead_under_it_is_the_leads():
    # the lead has no full stop, so it is a headline line too: the later line keeps the statement
    text = ("Henan Targets GDP Growth of 7% to 7.5% This Year\n"
            "Jan. 16 -- Henan province aims to reach economic growth of 7 percent to 7.5 percent this year\n"
            "The province will also raise public budget revenue by 7 percent.")
    rules = extract_text(text, DocumentMeta("2019-01-16"), model=False)
    assert [(s.sentence.start > 0, s.reason) for s in rules.statements if s.value_high == 7.5] == \
        [(False, "repeated-headline"), (True, None)]


def test_headings_split_over_two_lines_and_headings_naming_a_year():
    text = ("2023年广东经济运行\n●地区生产总值增长4.8%;\n2024年广东经济社会发展\n有这些目标\n"
            "◆地区生产总值增长5%;\n◆进出口总额增长1%;")
    assert [(c, v, y) for c, v, _, y in rows(text, "2024-01-23")] == [
        ("outcome", 4.8, 2023), ("target", 5.0, 2024), ("target", 1.0, 2024)]


def test_first_time_in_n_years_is_not_a_period():
    got = rows("2024年全市地区生产总值增长6.1%,增速居全省第一,为35年来首次;固定资产投资增长8.3%。", "2025-01-15")
    assert [y for _, _, _, y in got] == [2024, 2024]


def test_years_of_the_republic_of_china_calendar_in_documents_that_use_it():
    text = "國發會指出，114年公共建設經費約新台幣8137億元，經費達成率達95.68%，高於113年的93.82%。"
    assert [(v, y) for _, v, _, y in rows(text, "2026-01-22")] == [(813.7e9, 2025), (95.68, 2025), (93.82, 2024)]
    # elsewhere a number before 年 is a count of years, not a year: 建党100年
    assert rows("建党100年来，全市地区生产总值增长到5000亿元。", "2021-07-01")[0][3] != 2011


def test_years_of_a_review_from_its_title_and_its_period_heading():
    # a statistical bulletin of 2016 published in 2017: its outcomes are 2016's
    text = "池州市2016年国民经济和社会发展统计公报\n初步核算,全年地区生产总值589亿元,比上年增长8.1%。"
    assert [(c, v, y) for c, v, _, y in rows(text, "2017-03-01")] == [("outcome", 589e8, 2016), ("outcome", 8.1, 2016)]
    # a review headed by a past plan period: a level it reached is of its last year, an average of all of it
    text = "“十四五”时期工作回顾\n经济实力迈上新台阶\n地区生产总值突破3万亿元、年均增长4.7%"
    assert [y for _, _, _, y in rows(text, "2026-01-28")] == [2025, "2021-2025"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789.,:-/% 万亿元年月日以上左右近超$€£₹RMBbnmTk半翻一番两位数增长同步"
                                              "percent from to by 2025 。，；\n")), max_size=80))
def test_any_text_is_read_without_an_error(text):
    extract_text(text, DocumentMeta("2024-01-01"))
    extract_text(text, DocumentMeta(None, None, None, "en"))


@pytest.mark.parametrize("s,expected", [
    ("expenditure is estimated at Rs.4,550 billion, while", [(4.55e12, "INR", None)]),  # a currency's full stop
    ("a budget allocation of Shs 10.216 trillion", [(10.216e12, "UGX", None)]),
    ("a budget of JMD$ 432.6 billion", [(432.6e9, "JMD", None)]),
    ("a deficit of TT$485.5 million", [(485.5e6, "TTD", None)]),  # other dollars by their own signs
    ("N$2.1 billion for roads and EC$12 million", [(2.1e9, "NAD", None), (12e6, "XCD", None)]),
    ("losses of EC $3.54 billion (US $1.313 billion)", [(3.54e9, "XCD", None), (1.313e9, "USD", "conversion")]),
    # one capital letter before an amount with its scale: naira, kina, peso; not N95, K12 or P2P
    ("a N120bn fund", [(120e9, "NGN", None)]),
    ("a deficit of $NZ15.1 billion", [(15.1e9, "NZD", None)]),
    ("a budget projection of MVR 50.6 billion", [(50.6e9, "MVR", None)]),  # ISO codes of small states too
    ("try 5 times", [(5.0, "times", None)]),  # (not the Turkish lira)
    ("a deflation of -1.35 percent", [(-1.35, "%", None)]),  # the number's own minus sign
    ("growth of 5-6% or 5%-6%, in 2021 -2025", [(5.0, "%", None), (5.0, "%", None), (2021.0, None, "year"),
                                              (2025.0, None, "year")]),  # ranges, not minus signs
    ("lifting the budget to K25,338 million", [(25338e6, "PGK", None)]),
    ("a P2.006-trillion budget", [(2.006e12, "PHP", None)]),
    ("N95 masks for K12 schools and P2P lending", []),
    ("it beat a 2-trillion-yuan GDP mark", [(2e12, "CNY", None)]),
    ("a twofold decrease in inflation", [(2.0, "times", None)]),
    ("more than triple the initial estimate", [(3.0, "times", None)]),
    ("about double the previous forecast", [(2.0, "times", None)]),
    ("aims to triple exports by 2030", [(3.0, "times", None), (2030.0, None, "year")]),
    ("we will double down on reforms", []),
    ("the economy will achieve positive growth", [(0.0, "%", None)]),
    ("12,5 and 1,234,567", [(12.0, None, None), (1234567.0, None, None)]),  # a number does not start after "12,"
    # a size that defines a kind, and its conversion, are not statements; a climate conference is a name
    ("672 projects worth more than 100 million yuan", [(672.0, "count", None), (1e8, "CNY", "threshold")]),
    ("one enterprise with a scale of more than 100 billion yuan ($15.72 billion)",
     [(1e11, "CNY", "threshold"), (15.72e9, "USD", "threshold")]),
    ("five 100-billion-yuan industries", [(1e11, "CNY", "threshold")]),
    ("with COP26 in Glasgow", [(None, None, "name")]),
    # a count named before its number; a count's change and its new level are not a range
    ("high-tech enterprises in Tianjin will reach 11,600", [(11600.0, "count", None)]),
    ("the population is expected to be at 58.5 million", [(58.5e6, "person", None)]),
    ("No. of parks increased by 162 to 832", [(162.0, "count", None), (832.0, "count", None)]),
    ("GDP is expected to grow by 5 to 6 percent", [(5.0, "%", None)]),
    ("interest rates rose to 5.5", [(5.5, None, None)]),
])
def test_currency_abbreviations_hyphenated_scales_and_multiples_in_words(s, expected):
    assert q(s) == expected


@pytest.mark.parametrize("s,expected", [
    ("Growth seen at 4.5 per cent-5.5 per cent in 2025", (4.5, 5.5, "%")),
    ("income rising to USD 7,400–7,670 by 2029", (7400.0, 7670.0, "USD")),  # the currency before the first only
    ("a $5-6 billion package", (5e9, 6e9, "USD")),
    ("inflation forecast lowered from 12-15%", (12.0, 15.0, "%")),  # from a range: not a from-to
    ("经济成长率为百分之二到二点五之间", (2.0, 2.5, "%")),  # ranges in words
    ("人均GDP可达两万三千一百到两万三千三百美元", (23100.0, 23300.0, "USD")),
    ("增长百分之二十到百分之三十", (20.0, 30.0, "%")),
])
def test_ranges(s, expected):
    lang = "zh" if re.search(r"[\u4e00-\u9fff]", s) else "en"
    got = [(x.value, x.value_high, x.unit) for x in find_quantities(s, lang) if x.reason is None]
    assert len(got) == 1 and got[0][:2] == pytest.approx(expected[:2]) and got[0][2] == expected[2], got


def test_parts_of_a_hundred_are_shares():
    # an economy's three sectors, 13.0:46.1:40.9: each part a share in percent, an outcome of its year
    got = extract_text("2016年，三次产业结构由上年的13.0:46.1:40.9调整为12.1:45.1:42.8。", DocumentMeta("2017-04-01"))
    assert [(s.cls, s.value, s.unit) for s in got.commitments] == [
        ("outcome", v, "%") for v in (13.0, 46.1, 40.9, 12.1, 45.1, 42.8)]
    assert "%" not in [u for _, u, _ in q("ratios of 1:2:3 and a time of 12:30:45")]  # parts of no hundred


def test_a_currency_abbreviation_does_not_end_a_sentence_and_a_ratio_named_earlier_keeps_its_value():
    text = ("The revised expenditure is estimated at Rs. 701 billion against the allocation of Rs. 819 billion. "
            "The income ratio of urban and rural residents should drop to about 2.8.")
    st = [s for s in extract_text(text, DocumentMeta(date="2016-05-28")).statements if s.is_commitment]
    assert [(s.value, s.unit) for s in st] == [(701e9, "INR"), (819e9, "INR"), (2.8, None)]


@pytest.mark.parametrize("text,date,year", [
    ("上半年，全县实现地区生产总值100亿元，增长5%。", "2024-09-09", 2024),  # the half has ended by September
    ("上半年，全县实现地区生产总值100亿元，增长5%。", "2024-03-01", 2023),  # not by March: last year's half
    ("一季度，全县实现地区生产总值30亿元。", "2018-03-29", 2018),
    ("In the first quarter, exports grew 6.7 percent.", "2016-05-10", 2016),
    ("去年一季度，全县实现地区生产总值30亿元。", "2018-04-20", 2017),  # last year's quarter
])
def test_a_part_of_a_year_is_of_the_year_it_has_ended_in(text, date, year):
    st = [s for s in extract_text(text, DocumentMeta(date=date)).statements if s.is_commitment]
    assert st and all(s.year == year and s.cls == "outcome" for s in st), [(s.value, s.year, s.cls) for s in st]


@pytest.mark.parametrize("text,date,units", [
    # a bare "$" or "Rs." in a document about a country of that currency family is that country's money
    ("Australia's budget: the Australian Government forecasts a deficit of $1.1 billion, and will lend US$2 billion.",
     "2023-12-13", ["AUD", "USD"]),
    ("Nepal's budget. The Government of Nepal has allocated Rs. 819 billion.", "2016-05-28", ["NPR"]),
    ("行政院会今天通过总预算，岁出2.9兆元。", "2025-08-21", ["TWD"]),
    ("全省地区生产总值增长5%，对香港出口1000亿元。", "2024-01-23", ["%", "CNY"]),  # a mainland report naming Hong Kong once
    ("India's budget allocates Rs 2,000 crore to Nepal.", "2024-02-01", ["INR"]),
    ("Zambia's budget: the Zambian Government will spend K119.6 billion.", "2021-09-24", ["ZMW"]),  # K: kwacha
    ("Botswana's budget: Botswana will spend P71.1 billion.", "2023-02-06", ["BWP"]),  # P: pula
    # a country the title names counts twice: it is what the document is about
    ("Queensland budget 2018: what you need to know\n- Projected 2018-19 surplus of $148 million", "2018-06-12",
     ["AUD"]),
    ("Denmark's budget\nThe government will spend 5 billion kroner.", "2019-10-01", ["DKK"]),
    ("Norway's budget\nThe government will spend 163.7 billion kroner.", "2014-10-08", ["NOK"]),
    # a province or state names its country: Canadian, Australian, Pakistani; a Taiwanese county, Taiwan
    ("Nova Scotia budget\nThe province will spend $15 billion.", "2025-03-18", ["CAD"]),
    ("Tasmania budget\nThe state will spend $9 billion.", "2024-09-19", ["AUD"]),
    ("Khyber Pakhtunkhwa budget\nThe province unveiled a Rs2,119 billion budget.", "2025-06-13", ["PKR"]),
    ("屏東縣115年度總預算\n屏東縣政府總預算歲出規模達380億元。", "2025-10-20", ["TWD"]),
    # CFA francs of West or Central Africa, dinars of Iraq or of Kuwait; a bare magnitude after them is in them
    ("Cameroon budget\nCameroon's budget is set at 7,317.7 billion CFA francs; spending, 6,000 billion.", "2024-12-28",
     ["XAF", "XAF"]),
    ("Senegal budget\nSenegal's revenue is set at 5,014.3 billion CFA francs.", "2024-12-28", ["XOF"]),
    ("Kuwait budget\nKuwait's budget sees revenue of 18.2 billion dinars.", "2025-02-05", ["KWD"]),
    ("Iraq budget\nIraq's budget deficit will be 18.8 trillion dinars.", "2012-10-24", ["IQD"]),
    # the Eastern Caribbean dollar of Grenada, Dominica, Antigua...; New Zealand's of the Cook Islands
    ("Grenada budget\nGrenada's 2025 budget will spend $1.6 billion.", "2024-12-10", ["XCD"]),
    ("Cook Islands budget\nThe Cook Islands government will spend $328 million.", "2024-06-20", ["NZD"]),
])
def test_a_bare_currency_symbol_is_the_money_of_the_country_the_document_is_about(text, date, units):
    st = [s for s in extract_text(text, DocumentMeta(date=date)).statements if s.is_commitment]
    assert [s.unit for s in st] == units


@pytest.mark.parametrize("s,expected", [
    ("总投资1亿2000万元", [(1.2e8, "CNY", None)]),  # a larger magnitude and a smaller one written on: one amount
    ("投资3亿5千万元", [(3.5e8, "CNY", None)]),
    ("岁入2兆9,001亿元", [(2.9001e12, "CNY", None)]),
    ("每人GDP为3万8748美元", [(38748.0, "USD", None)]),
    ("新能源发电装机容量达到50GW以上", [(5e7, "kW", None)]),  # a glued English unit before Chinese
    ("比上年同期增长-8.7%，较一季度(-10.8%)回升", [(-8.7, "%", None), (-10.8, "%", None)]),
    ("新增1亿、2000万元", [(1e8, "count", None), (2e7, "CNY", None)]),  # a list: two amounts
    ("总经费共约一七.六八亿元,包括右岸四.二七亿元", [(1.768e9, "CNY", None), (4.27e8, "CNY", None)]),  # digits, a stop
])
def test_mixed_magnitudes_are_one_amount(s, expected):
    assert q(s, "zh") == expected


def _years(text, date):
    return [(st.value_span.text, st.cls, st.year) for st in extract_text(text, DocumentMeta(date)).statements
            if st.cls != "none"]


def test_a_level_reached_in_a_period_is_its_last_year_and_a_change_over_it_is_the_span():
    # the year rule of the gold set's annotators (tests/data/extraction/README.md): 十四五 is 2021-2025
    text = ("一、过去五年工作回顾\n“十四五”期间，全省地区生产总值达到1.5万亿元、年均增长5.5%，城镇化率达到65%，"
            "累计新增就业54万人。\n二、2026年工作安排\n地区生产总值增长5%左右。")
    assert _years(text, "2026-01-20") == [("1.5万亿元", "outcome", 2025), ("5.5%", "outcome", "2021-2025"),
                                          ("65%", "outcome", 2025), ("54万人", "outcome", "2021-2025"),
                                          ("5%", "target", 2026)]
    text = "The 2021-2025 plan sets the urbanisation rate at 65 percent and average annual growth of 5.5 percent."
    assert _years(text, "2021-03-10") == [("65 percent", "target", 2025), ("5.5 percent", "target", "2021-2025")]


def test_the_year_of_a_from_to_baseline_is_not_the_year_of_the_value_it_rose_to():
    # a review of 2022 in January 2023: the value reached is of the year under review, its baseline of 2017
    text = "政府工作报告\n国家认定的高新技术企业由2017年929家增长到3605家。"
    assert _years(text, "2023-01-12") == [("929家", "outcome", 2017), ("3605家", "outcome", 2022)]
    text = "Budget speech\nExports rose from $2bn in 2019 to $3bn."
    assert _years(text, "2023-01-20") == [("$2bn", "outcome", 2019), ("$3bn", "outcome", 2022)]
    # over a period named by its years: the baseline at its start, the level reached ("提高至") at its end
    text = "報道\n中國人均預期壽命在2015年至2020年,從76.34歲提高至77.93歲。"
    assert [y for _, _, y in _years(text, "2022-05-20")] == [2015, 2020]


def test_a_baseline_named_after_its_value_is_an_outcome_of_its_own_time():
    # the number "from" which the value came, of a year that has passed or "now": a realised value
    text = "Budget\nGDP is forecast to rebound to 4.4 percent next year from 0.03 percent in 2022, the ministry said."
    assert _years(text, "2023-12-06") == [("4.4 percent", "target", 2024), ("0.03 percent", "outcome", 2022)]
    text = "Plan\nThe plan sets a per capita income target of US$8,200 by 2021, up from $6,000 now."
    assert _years(text, "2016-08-01")[1] == ("$6,000", "outcome", 2016)
    text = "Inflation\nInflation is forecast to fall to 18.3% by December 2025, down from 211.4% in December 2023."
    assert _years(text, "2024-09-16") == [("18.3%", "target", 2025), ("211.4%", "outcome", 2023)]


def test_a_bare_magnitude_after_an_amount_of_money_is_in_its_currency():
    text = ("Budget bill\nThe finance bill for 2025 is set in revenue at 5,014.3 billion CFA francs.\n"
            "In expenditure, it amounts to 6,614.8 billion.")
    assert [(st.value, st.unit) for st in extract_text(text, DocumentMeta("2024-12-28")).statements
            if st.cls != "none"] == [(5014.3e9, "XOF"), (6614.8e9, "XOF")]


def test_a_bulletin_dates_its_whole_year_by_the_year_its_title_names_in_chinese_numerals():
    text = "子洲县二〇二三年国民经济和社会发展统计公报\n全年粮食总产量16.28万吨,较上年增长0.5%。"
    assert _years(text, "2024-04-15") == [("16.28万吨", "outcome", 2023), ("0.5%", "outcome", 2023)]


def test_counts_done_over_an_action_plan_to_its_deadline_are_its_span():
    text = "智能制造三年行动方案(2025—2027年)\n到2027年,新培育智能工厂100家,每年推动1500家中小企业数字化转型。"
    assert [y for _, _, y in _years(text, "2025-02-22")] == ["2025-2027", "2025-2027"]


def test_an_unnumbered_heading_naming_a_period_holds_the_headings_under_it():
    # "十三五" ended before the report of 2021: a review of the period, its counts of things done its span,
    # its levels reached the last year
    text = ("遵义市政府工作报告要点\n“十三五”工作答卷\n基础设施建设成就斐然\n高速公路通车里程达1279公里。\n"
            "建成中小型水库43座。")
    assert _years(text, "2021-02-26") == [("1279公里", "outcome", 2020), ("43座", "outcome", "2016-2020")]


def test_a_relative_year_in_a_later_clause_is_not_the_numbers():
    text = "The country will offer 1.3 trillion yuan of special bonds this spring, after one trillion yuan was sold last year."
    assert _years(text, "2025-03-05") == [("1.3 trillion yuan", "task", 2025), ("one trillion yuan", "outcome", 2024)]


def test_a_taiwanese_county_counts_years_in_its_calendar():
    text = "屏東縣115年度總預算\n屏東縣政府115年度總預算歲出規模達380億元。"
    assert [(st.unit, st.year) for st in extract_text(text, DocumentMeta("2025-10-20")).statements
            if st.cls != "none"] == [("TWD", 2026)]


def test_a_review_of_a_year_and_its_plan_period_dates_a_value_by_the_year_and_an_average_by_the_period():
    text = "一、2015年及“十二五”工作回顾\n全省实现地区生产总值3702.8亿元。"
    assert [y for _, _, y in _years(text, "2016-01-26")] == [2015]
    text = "一、“十四五”时期及2025年工作回顾\n地区生产总值突破1.1万亿元,年均增长6.4%。城镇新增就业54万人。"
    assert [y for _, _, y in _years(text, "2026-01-19")] == [2025, "2021-2025", "2021-2025"]


def test_a_subject_starts_after_a_dateline_and_the_words_that_lead_into_a_clause():
    def subjects(text):
        return [st.subject.text.strip() for st in extract_text(text, DocumentMeta("2024-03-05")).statements
                if st.cls != "none"]
    assert subjects("BEIJING, March 5 (Xinhua) -- China has set its GDP growth target at around 5 percent.") == [
        "China has set its GDP"]
    # the words leading a clause that is not the sentence's first are dropped as at its start (全省, 今年)
    assert subjects("2024年，全省地区生产总值增长5%左右，全省城镇新增就业110万人以上。") == ["地区生产总值", "城镇新增就业"]


def test_a_time_a_value_is_compared_with_after_it_is_the_baselines_not_the_values():
    # a budget for 2024 tabled in November 2023: the changes are the new budget's, not of the year compared with
    # (the sentence names none of its own: the year model chooses among the document's years)
    s = ("Budget revenue of €28.5 billion is 3% higher than this year, and the expenditures, totalling €32.6 "
         "billion, are 11.2% higher than in 2023.")
    for value in ("3%", "11.2%"):
        assert explicit_time(s, s.index(value)) is None
        assert relative_time(s, s.index(value), 2023) is None and year_right_after(s, s.index(value), 2023) is None
    # the year named before the baseline's value is still that value's own
    text = ("Thailand budget\nThe total budget for fiscal 2025 is set at 3.6 trillion baht, reflecting a 3.4% "
            "increase from the fiscal 2024 budget of 3.48 trillion baht.")
    assert [y for _, _, y in _years(text, "2024-01-17")] == [2025, 2025, 2024]
    # "the year before" a named year, and a period named as "the period 2026 to 2030"
    text = "Quebec\nThe deficit dropped to $2.5 billion in 2023, from $3.3 billion the year before."
    assert _years(text, "2024-03-12") == [("$2.5 billion", "outcome", 2023), ("$3.3 billion", "outcome", 2022)]
    text = "Ireland\nThe revised plan will provide for an increase of almost €34 billion over the period 2026 to 2030."
    assert _years(text, "2025-07-22") == [("€34 billion", "task", "2026-2030")]
    # "over" a period is during it
    assert _years("China\nGDP grew 5% over 2021-2025.", "2026-03-06") == [("5%", "outcome", "2021-2025")]


def test_a_forecast_revised_from_one_value_to_another_has_no_baseline():
    # both numbers are forecasts of the same year (the gold set's rule); a plan's "from ... to" keeps its baseline
    text = "Central bank outlook\nServices sector: the growth forecast increased from 3.4% to 4.0%."
    assert _years(text, "2025-04-16") == [("3.4%", "target", 2025), ("4.0%", "target", 2025)]
    text = "Plan\nIt will reduce the poverty rate from 37.5% in 2014 to less than 25% in 2030."
    assert _years(text, "2020-01-23") == [("37.5%", "outcome", 2014), ("25%", "target", 2030)]


def test_a_multiple_of_a_base_year_and_a_share_changed_into_a_new_one_are_of_the_year_reported():
    # 是2015年的1.7倍: 2015 is the base the multiple is of; the values are of 2020, the year the report reviews
    text = "遵义市政府工作报告\n总量和人均水平分别是2015年的1.7倍和1.6倍。"
    assert [y for _, _, y in _years(text, "2021-02-26")] == [2020, 2020]
    # 由2018年的X优化为Y: X is the baseline of 2018, Y of the year the bulletin reports (2019)
    text = "洪洞县统计公报\n第三产业占比由2018年的45.0%,进一步优化为47.6%。"
    assert _years(text, "2020-01-01") == [("45.0%", "outcome", 2018), ("47.6%", "outcome", 2019)]


def test_a_year_named_against_the_documents_is_not_second_guessed():
    # 今年 in a forecast of late November: the year of the page, for every value the sentence names
    text = "主計總處預測\n另，主計總處預測今年每人GDP為3萬8748美元，CPI上漲1.67％。"
    assert [y for _, _, y in _years(text, "2025-11-28")] == [2025, 2025]


def test_the_size_of_a_forecast_revision_is_no_statement():
    # the forecast is a target of the year under way; by how much it was revised is none (the gold set's rule)
    text = "IMF outlook\nThe IMF cut its growth forecast by 0.5 percentage points to 2.1 percent."
    assert [(v, c) for v, c, _ in _years(text, "2024-10-01")] == [("2.1 percent", "target")]
    text = "主计总处预测\n主计总处将今年经济成长率预测由4.45%上修至7.37%，大幅上修2.92个百分点。"
    assert _years(text, "2025-11-28") == [("4.45%", "target", 2025), ("7.37%", "target", 2025)]
    # the second size of a list of revisions, and a forecast "lower" than an earlier projection
    text = ("Projection\nCompared with the June projection, GDP growth has been revised downwards by 0.7 percentage "
            "point in 2014 and 0.1 percentage point in 2015.")
    assert _years(text, "2014-09-01") == []
    text = "Projection\nCompared with the June projection, the forecast is 0.2 percentage point lower for 2014."
    assert _years(text, "2014-09-01") == []


def test_a_vote_is_no_statement():
    assert _years("Parliament\nThe budget passed with 56 MPs voting in favour and 29 against.", "2024-06-01") == []
    assert _years("人大会议\n会议以95票赞成、2票反对通过了预算。", "2024-01-20") == []


@pytest.mark.parametrize("s,lang,expected", [
    ("a budget of 392 billion Iraqi dinars", "en", [(392e9, "IQD", None)]),
    ("exports of 4,058 MTD", "en", [(4.058e9, "TND", None)]),  # millions of Tunisian dinars
    ("will invest MK 450 billion in roads", "en", [(450e9, "MWK", None)]),  # the kwacha of Malawi
    ("the MK2 tank", "en", []),  # a name, not money
    ("a font size of 16 px", "en", [(None, None, "page")]),
    ("five new companies", "en", [(5.0, "count", None)]),
    ("the five cities", "en", []),
    ("本会期将处理29件提案", "zh", [(None, None, "agenda")]),
])
def test_currencies_counts_and_page_furniture(s, lang, expected):
    assert q(s, lang) == expected


def test_a_change_named_after_its_indicator_is_of_the_whole_period():
    text = "Belarus\nBelarus aims for a 15.8 percent gross domestic product (GDP) increase over 2026-2030."
    assert _years(text, "2025-12-19") == [("15.8 percent", "target", "2026-2030")]


@pytest.mark.parametrize("text,start", [
    ("Union Budget of India 2024-25: Rs 48 lakh crore", "apr"),
    ("Kenya's budget for the coming year", "jul"),
    ("the United States federal budget", "oct"),
    ("Malawi's budget statement", "apr"),  # April to March since 2022/23
    ("the Maldives budget 2024", "jan"),
    ("广东省2024年预算", "jan"),
])
def test_the_month_a_fiscal_year_starts_from_the_places_a_text_names(text, start):
    from luoshi.extract.calendars import fiscal_start
    assert fiscal_start(text) == start


def test_an_amount_naming_its_country_keeps_that_countrys_currency():
    # a Bahraini page counts its bare dinars in BHD; the dinars it calls Iraqi are IQD all the same
    text = ("Bahrain budget\nBahrain's budget for 2025 allocates 1.2 billion dinars to roads. "
            "Bahrain also lent Iraq 392 billion Iraqi dinars in 2024.")
    assert [(st.value_span.text, st.unit) for st in extract_text(text, DocumentMeta("2025-01-10")).statements
            if st.cls != "none"] == [("1.2 billion dinars", "BHD"), ("392 billion Iraqi dinars", "IQD")]
    text = "Budget\nThe government will spend 5 million Hong Kong dollars and 2 million New Zealand dollars on parks."
    assert [st.unit for st in extract_text(text, DocumentMeta("2025-01-10")).statements if st.cls != "none"] == \
        ["HKD", "NZD"]


def test_the_year_a_document_names_most_near_its_date_is_its_focus():
    from luoshi.extract.cues import focus_year

    bulletin = ["松原市2024年国民经济和社会发展统计公报", "2024年全市地区生产总值增长5%。", "2025年4月30日发布", "2018年以来累计1亿元"]
    assert focus_year(bulletin, 2025) == 2024  # twice 2024, once 2025; 2018 is too far from the date to count
    assert focus_year(["2024年目标", "2026年目标"], 2025) == 2026  # a tie: the later of two equally near
    assert focus_year(["2023年", "2026年"], 2025) == 2026  # a tie: the nearer to the date
    assert focus_year(["no year here"], 2025) is None and focus_year(["2024年"], None) is None


@pytest.mark.parametrize("year,month,start,expected", [
    (2024, 8, "apr", "2024-2025"), (2022, 2, "apr", "2021-2022"), (2024, 7, "jul", "2024-2025"),
    (2024, 6, "jul", "2023-2024"), (2025, 10, "oct", "2025-2026"), (2024, 5, "jan", 2024), (2024, None, "apr", 2024),
])
def test_the_fiscal_year_a_date_falls_in(year, month, start, expected):
    from luoshi.extract.calendars import fiscal_year

    assert fiscal_year(year, month, start) == expected


@pytest.mark.parametrize("text,date,year", [
    # Australia's fiscal year starts in July: in May 2024 "this financial year" is 2023-24
    ("Australia's federal budget is headed for a $1.1 billion deficit this financial year.", "2024-05-10", "2023-2024"),
    # India's starts in April: in February 2022 the next one is 2022-23
    ("India expects revenue of ₹20 lakh crore in the next fiscal year.", "2022-02-01", "2022-2023"),
    # Australia's again: in September 2025 the next one is 2026-27
    ("Australia will spend $3 billion more in the next financial year.", "2025-09-02", "2026-2027"),
])
def test_this_or_next_fiscal_year_is_the_fiscal_year_of_the_documents_date(text, date, year):
    st = [s for s in extract_text(text, DocumentMeta(date), year_model=False).statements if s.is_commitment]
    assert [s.year for s in st] == [year]


@pytest.mark.parametrize("s,reason", [
    ("Out-Law News 1 min. read", "page"), ("a 3 min read", "page"), ("Views: 0   Author: Site Editor", "page"),
    ("Read the strategy (PDF, 2,615 KB)", "page"), ("ravaged by a strong Category 5 Hurricane", "name"),
    ("projects with government investment of more than 100 million yuan", "threshold"),
])
def test_page_furniture_names_and_thresholds_are_no_statements(s, reason):
    assert [x.reason for x in find_quantities(s, "en")] == [reason]


@pytest.mark.parametrize("s", ["a budget of €1 074.3 billion in 2018 prices",
                               "GDP of Rs 150 lakh crore at 2011-12 prices",
                               "GDP of Rs 150 lakh crore at constant 2011-12 prices", "按2020年价格计算增加值30亿元"])
def test_the_base_year_of_prices_is_not_a_values_time(s):
    pos = next(m.end() for m in re.finditer(r"€1 074.3 billion|lakh crore|30亿元", s))
    assert explicit_time(s, pos) is None


@pytest.mark.parametrize("text,unit", [
    # the only country of the dollar's family the page names, once: its dollars are that country's
    ("Australia's federal budget is headed for a $9.3 billion surplus this financial year.", "AUD"),
    # named once beside the United States: not enough to tell
    ("The United States sold $5 billion of beef to Australia.", "USD"),
    # named once beside another country of the family: not enough either
    ("Canada and Australia each pledged $2 billion.", "USD"),
])
def test_a_page_naming_one_country_of_a_currencys_family_counts_in_its_currency(text, unit):
    st = [s for s in extract_text(text, DocumentMeta("2024-05-14")).statements if s.value_span is not None]
    assert [s.unit for s in st] == [unit]


@pytest.mark.parametrize("s", ["the budget is headed for a $9.3 billion surplus",
                               "the deficit is likely to be 3%", "growth is poised to hit 5%"])
def test_more_forecast_words(s):
    from luoshi.extract.classify import cues_found

    assert "forecast" in cues_found(s, (0, len(s)))


@pytest.mark.parametrize("s", ["社会消费品零售总额增长6.9%,较上年前移2位", "经济总量保持全国城市前45位", "表1:2020年居民消费价格指数"])
def test_a_rank_its_move_and_a_tables_number_are_no_statements(s):
    assert [x.reason for x in find_quantities(s, "zh") if x.reason not in ("year",)][-1] == "ordinal"


def test_a_scale_word_after_an_amount_written_out_to_the_unit_repeats_it():
    s = "the capital component stood at N312,634,912,672.18 billion, while $4.5 billion and $1,234 billion"
    assert [x.value for x in find_quantities(s, "en") if x.reason is None] == [
        pytest.approx(312634912672.18), pytest.approx(4.5e9), pytest.approx(1.234e12)]
