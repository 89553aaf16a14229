"""In which month a document's fiscal year starts, from the places it names.

A budget of India speaks of April to March, one of Australia or Kenya of July to June, one of the
United States government of October to September; China, the euro area and most of the world keep
the calendar year. The year model reads this as a cue: "this year's revenue" in an Indian budget of
February is 2024-2025, in a Chinese one 2024.

Source: the "Fiscal year" field of each country in the CIA World Factbook (cia.gov/the-world-factbook),
and the states' own budget laws for Australia's, Canada's, India's and the United States' states (their
fiscal years follow the national one, except most US states, which start in July; Texas starts in
September and is left out). Checked against the finance ministries where the Factbook is out of date:
Malawi has started in April since 2022 (before, July), Mauritius in July since 2016, the Bahamas in July;
the Gambia, Sierra Leone, Costa Rica and the Maldives keep the calendar year.
"""

from __future__ import annotations


from luoshi.extract.patterns import pattern

# the month a fiscal year starts -> words naming places that keep it (capitalised: names, not words)
_STARTS: dict[str, str] = {
    "apr": r"\bIndia(?:n)?\b|\bCanad(?:a|ian)\b|\bOntario\b|\bAlberta\b|\bBritish Columbia\b|\bQuebec\b|"
           r"\bManitoba\b|\bSaskatchewan\b|\bNova Scotia\b|\bNew Brunswick\b|\bNewfoundland\b|\bPrince Edward Island\b|"
           r"\bUnited Kingdom\b|\bBritain\b|\bBritish\b|\bEngland\b|\bScotland\b|\bWales\b|\bWelsh\b|\bJapan(?:ese)?\b|"
           r"\bHong Kong\b|\bSingapore\b|\bSouth Africa(?:n)?\b|\bJamaica(?:n)?\b|\bMyanmar\b|\bBelize\b|"
           r"\bLesotho\b|\bNamibia\b|\bBotswana\b|\bEswatini\b|\bSwaziland\b|\bMalawi(?:an)?\b|"
           r"\bKarnataka\b|\bKerala\b|\bTamil Nadu\b|\bMaharashtra\b|\bJharkhand\b|\bUttarakhand\b|"
           r"\bAndhra Pradesh\b|\bMadhya Pradesh\b|\bUttar Pradesh\b|\bWest Bengal\b|\bRajasthan\b|\bGujarat\b|"
           r"\bTelangana\b|\bOdisha\b|\bBihar\b|\bAssam\b|\bDelhi\b|\bGoa\b|\bHaryana\b|\bHimachal\b|"
           r"₹|\bcrores?\b|\blakhs?\b",
    "jul": r"\bAustralian?s?\b|\bNew South Wales\b|\bVictoria\b|\bQueensland\b|\bTasmania\b|\bCanberra\b|"
           r"\bNew Zealand\b|\bPakistan(?:i)?\b|\bBangladesh(?:i)?\b|\bKenya(?:n)?\b|\bUganda(?:n)?\b|"
           r"\bTanzania(?:n)?\b|\bEgypt(?:ian)?\b|\bEthiopia(?:n)?\b|\bNepal(?:i)?\b|\bBhutan\b|\bBahamas\b|"
           r"\bMauritius\b|\bPuerto Rico\b|\bCalifornia\b|\bFlorida\b|\bNew Jersey\b|"
           r"\bIllinois\b|\bMassachusetts\b|\bPennsylvania\b|\bHawaii\b|\bWashington State\b|\bOregon\b|"
           r"\bSamoa\b|\bTonga\b",
    "oct": r"\bUnited States\b|\bU\.S\.(?= (?:federal|government|Congress|budget))|\bPalau\b|"
           r"\bMarshall Islands\b|\bMicronesia\b|\bThailand\b|\bThai\b|\bHaiti\b",
}
_KEYS = list(_STARTS)
_WORDS = pattern("|".join(f"(?P<{k}>{p})" for k, p in _STARTS.items()))


_FIRST_MONTH = {"apr": 4, "jul": 7, "oct": 10}


def fiscal_year(year: int, month: int | None, start: str) -> int | str:
    """The fiscal year a date falls in: the span of the two calendar years it covers ('2024-2025' for
    August 2024 where it starts in April), or the year itself where it is the calendar year."""
    first = _FIRST_MONTH.get(start)
    if first is None or month is None:
        return year
    return f"{year}-{year + 1}" if month >= first else f"{year - 1}-{year}"


def fiscal_start(text: str) -> str:
    """'apr', 'jul' or 'oct': the start of the fiscal year of the place the text names most; 'jan' when it
    names none of these (the calendar year)."""
    counts = dict.fromkeys(_KEYS, 0)
    for m in _WORDS.finditer(text):
        counts[m.lastgroup] += 1
    best = max(_KEYS, key=lambda k: counts[k])
    return best if counts[best] else "jan"
