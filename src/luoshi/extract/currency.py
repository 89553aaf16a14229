"""Whose money a bare currency word means: "$" in an Australian budget is AUD, "Rs." in a Nepali one
NPR, 元 in a Taiwanese or a Macanese report TWD or MOP.

The number reader gives a symbol shared by many countries its best-known currency (USD, INR, KES,
PHP, CNY). A document that names another country of that currency family, more often than the
family's home country, is taken to count in that country's currency, for every amount whose own
words do not name the currency outright (US$, ₹, 人民币).
"""

from __future__ import annotations

from luoshi.extract.cues import TAIWAN_PLACES
from luoshi.extract.patterns import pattern
from luoshi.extract.units import EN_CURRENCY_PREFIX, EN_UNITS, SHARED_CURRENCY_WORDS, ZH_UNITS

# currency the number reader gives -> (the home country's words, {local currency: the country's words})
_FAMILIES: dict[str, tuple[str, dict[str, str]]] = {
    "USD": (r"\bUnited States\b|\bU\.S\.|(?-i:\bUS\b)|\bAmerican?\b|\bWashington\b|美国", {
        "AUD": r"\bAustralian?s?\b|\bCanberra\b|\bNew South Wales\b|\bQueensland\b|\bTasmania\b|"
               r"\bNorthern Territory\b|\bSydney\b|\bMelbourne\b|\bBrisbane\b|\bMYEFO\b|澳大利亚",
        "CAD": r"\bCanad(?:a|ians?)\b|\bOntario\b|\bAlberta\b|\bBritish Columbia\b|\bQuebec\b|\bOttawa\b|\bManitoba\b|"
               r"\bSaskatchewan\b|\bNova Scotia\b|\bNew Brunswick\b|\bNewfoundland\b|\bPrince Edward Island\b|"
               r"\bYukon\b|\bNunavut\b|\bNorthwest Territories\b|加拿大",
        "NZD": r"\bNew Zealand\b|\bCook Islands\b|\bNiue\b|新西兰",
        "SGD": r"\bSingapore(?:an)?\b|新加坡",
        "HKD": r"\bHong Kong\b|香港",
        "TWD": r"\bTaiwan(?:ese)?\b",
        "FJD": r"\bFiji(?:an)?\b",
        "GYD": r"\bGuyan(?:a|ese)\b",
        "JMD": r"\bJamaica(?:n)?\b",
        "TTD": r"\bTrinidad\b",
        "NAD": r"\bNamibia(?:n)?\b",
        "BSD": r"\bBahamas\b",
        "BBD": r"\bBarbados\b",
        "BZD": r"\bBelize\b",
        "SBD": r"\bSolomon Islands\b",
        "LRD": r"\bLiberia(?:n)?\b",
        "XCD": r"\bEastern Caribbean\b|\bAntigua\b|\bDominica\b(?! Republic)|\bGrenada\b|\bSaint Lucia\b|\bSt\.? Lucia\b|"
               r"\bSaint Kitts\b|\bSt\.? Kitts\b|\bSaint Vincent\b|\bSt\.? Vincent\b|\bAnguilla\b|\bMontserrat\b",
    }),
    "INR": (r"\bIndia(?:n)?\b|印度", {
        "NPR": r"\bNepal(?:i|ese)?\b|尼泊尔",
        "LKR": r"\bSri Lanka(?:n)?\b|斯里兰卡",
        "PKR": r"\bPakistan(?:i)?\b|\bKhyber Pakhtunkhwa\b|\bSindh\b|\bBalochistan\b|\bIslamabad\b|\bKarachi\b|"
               r"\bLahore\b|巴基斯坦",
        "MUR": r"\bMauriti(?:us|an)\b",
        "SCR": r"\bSeychelles\b",
    }),
    "KES": (r"\bKenya(?:n)?\b|肯尼亚", {
        "UGX": r"\bUganda(?:n)?\b|乌干达",
        "TZS": r"\bTanzania(?:n)?\b|坦桑尼亚",
        "SOS": r"\bSomalia\b",
    }),
    "PHP": (r"\bPhilippines?\b|\bFilipino\b|菲律宾", {
        "MXN": r"\bMexic(?:o|an)\b|墨西哥",
        "ARS": r"\bArgentin(?:a|e|ian)\b|阿根廷",
        "COP": r"\bColombia(?:n)?\b|哥伦比亚",
        "CLP": r"\bChile(?:an)?\b|智利",
        "UYU": r"\bUrugua(?:y|yan)\b",
        "DOP": r"\bDominican Republic\b",
        "BWP": r"\bBotswana\b",  # P, the pula
    }),
    "NOK": (r"\bNorw(?:ay|egian)\b|挪威", {"DKK": r"\bDenmark\b|\bDanish\b|丹麦"}),  # kroner
    "IQD": (r"\bIraq(?:i)?\b|伊拉克", {  # dinars
        "KWD": r"\bKuwait(?:i)?\b", "BHD": r"\bBahrain(?:i)?\b", "JOD": r"\bJordan(?:ian)?\b",
        "DZD": r"\bAlgeria(?:n)?\b", "TND": r"\bTunisia(?:n)?\b", "LYD": r"\bLibya(?:n)?\b", "RSD": r"\bSerbia(?:n)?\b",
    }),
    "XOF": (r"\bSenegal(?:ese)?\b|\bC[ôo]te d'Ivoire\b|\bIvory Coast\b|\bMali(?:an)?\b|\bBurkina Faso\b|\bNiger\b|"
            r"\bTogo(?:lese)?\b|\bBenin\b|\bGuinea-Bissau\b|\bBCEAO\b|\bWAEMU\b|\bUEMOA\b", {  # CFA francs
        "XAF": r"\bCameroon(?:ian)?\b|\bGabon(?:ese)?\b|\bChad(?:ian)?\b|\bCongo\b|\bCentral African\b|"
               r"\bEquatorial Guinea\b|\bBEAC\b|\bCEMAC\b",
    }),
    "PGK": (r"\bPapua New Guinea\b|\bPNG\b", {  # K: the kina, the kwacha, the kyat
        "ZMW": r"\bZambia(?:n)?\b|赞比亚",
        "MWK": r"\bMalawi(?:an)?\b",
        "MMK": r"\bMyanmar\b|\bBurm(?:a|ese)\b|缅甸",
    }),
    "CNY": (r"\bChina\b|\bChinese\b|中国|全国|内地|大陆|国务院|人民币|全省|全市|全县|我省|我市|我县|省委|市委|县委", {
        "TWD": r"台湾|行政院|立法院|新台币|民国|主计总处|国发会|" + TAIWAN_PLACES,
        "MOP": r"澳门|\bMaca[uo]\b",
        "HKD": r"香港|港府|港元|港币|财政司|\bHong Kong\b",
    }),
}
CURRENCY_FAMILIES = frozenset(_FAMILIES)  # the currencies a bare symbol or word gives
# One pass over the text for the words of every country; each word found is then credited to the countries it names.
_KEYS = [(home, None) for home in _FAMILIES] + [(home, cur) for home, (_, local) in _FAMILIES.items() for cur in local]
_PATTERNS = [_FAMILIES[home][0] if cur is None else _FAMILIES[home][1][cur] for home, cur in _KEYS]
# country names are capitalised: only a capital or a Chinese character can start one
_WORDS = pattern("(?=[A-Z\u3400-\u9fff])(?:" + "|".join(f"(?:{p})" for p in _PATTERNS) + ")")
_EACH = [pattern(p) for p in _PATTERNS]  # a word may name a country of two families (Hong Kong)
_FIRST_LINE = pattern(r"\S[^\n]*")  # the title
# each family's countries and their currency, to read a country an amount's own words name (392 billion Iraqi dinars)
_BY_HOME = {home: [(cur or home, rx) for (h, cur), rx in zip(_KEYS, _EACH) if h == home] for home in _FAMILIES}
# words naming the currency outright (US$, ₹, 人民币): an amount written with one keeps it
_NAMED = {home: tuple(w for w in {*(k for k, u in EN_CURRENCY_PREFIX.items() if u == home),
                                  *(w for w, u, _ in EN_UNITS + ZH_UNITS if u == home)} if w not in SHARED_CURRENCY_WORDS)
          for home in _FAMILIES}


def local_currencies(text: str, era: int = 0, families: set[str] | frozenset[str] = CURRENCY_FAMILIES) -> dict[str, str]:
    """For each currency family asked about, the local currency this document counts in, where it is not
    the family's home one (a document of the Republic of China's calendar counts in TWD)."""
    if not families:
        return {}
    counts: dict[tuple[str, str | None], int] = {}
    title = _FIRST_LINE.search(text)
    for m in _WORDS.finditer(text):
        for key, rx in zip(_KEYS, _EACH):
            if rx.fullmatch(m.group(0)):  # a country the title names is what the document is about: it counts twice
                counts[key] = counts.get(key, 0) + (2 if title and m.start() < title.end() else 1)
    if era:
        counts[("CNY", "TWD")] = counts.get(("CNY", "TWD"), 0) + 1000
    out = {}
    for home in families:
        best = max(_FAMILIES[home][1], key=lambda cur: counts.get((home, cur), 0))
        n = counts.get((home, best), 0)
        rival = max((k for (h, cur), k in counts.items() if h == home and cur not in (best, None)), default=0)
        at_home = counts.get((home, None), 0)
        # named more than any other country of the family, and twice and more than the home country, or alone
        if n > rival and ((n >= 2 and n > at_home) or (n == 1 and not at_home)):
            out[home] = best
    return out


def localise(unit: str | None, amount_text: str, local: dict[str, str]) -> str | None:
    """The currency of one amount: that of the country its own words name ("392 billion Iraqi dinars" in a
    Bahraini budget is IQD), else the document's local one unless its words name the currency (US$)."""
    named = next((cur for cur, rx in _BY_HOME.get(unit, ()) if rx.search(amount_text)), None)
    if named is not None:
        return named
    if unit not in local or any(w in amount_text.lower() for w in _NAMED[unit]):
        return unit
    return local[unit]
