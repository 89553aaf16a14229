"""Whose money a bare currency word means: "$" in an Australian budget is AUD, "Rs." in a Nepali one
NPR, 元 in a Taiwanese or a Macanese report TWD or MOP.

The number reader gives a symbol shared by many countries its best-known currency (USD, INR, KES,
PHP, CNY). A document that names another country of that currency family, more often than the
family's home country, is taken to count in that country's currency, for every amount whose own
words do not name the currency outright (US$, ₹, 人民币).
"""

from __future__ import annotations

import re

# currency the number reader gives -> (the home country's words, {local currency: the country's words})
_FAMILIES: dict[str, tuple[str, dict[str, str]]] = {
    "USD": (r"\bUnited States\b|\bU\.S\.|\bUS\b|\bAmerican?\b|\bWashington\b|美国", {
        "AUD": r"\bAustralian?s?\b|\bCanberra\b|\bNew South Wales\b|\bQueensland\b|\bMYEFO\b|澳大利亚",
        "CAD": r"\bCanadian?s?\b|\bOntario\b|\bAlberta\b|\bBritish Columbia\b|\bQuebec\b|\bOttawa\b|加拿大",
        "NZD": r"\bNew Zealand\b|新西兰",
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
    }),
    "INR": (r"\bIndia(?:n)?\b|印度", {
        "NPR": r"\bNepal(?:i|ese)?\b|尼泊尔",
        "LKR": r"\bSri Lanka(?:n)?\b|斯里兰卡",
        "PKR": r"\bPakistan(?:i)?\b|巴基斯坦",
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
    }),
    "CNY": (r"\bChina\b|\bChinese\b|中国|全国|内地|大陆|国务院|人民币|全省|全市|全县|我省|我市|我县|省委|市委|县委", {
        "TWD": r"台湾|行政院|立法院|新台币|民国|主计总处|国发会",
        "MOP": r"澳门|\bMaca[uo]\b",
        "HKD": r"香港|\bHong Kong\b",
    }),
}
_FAMILY_RX = {home: (re.compile(h, re.I if home != "CNY" else 0), {c: re.compile(p, re.I) for c, p in local.items()})
              for home, (h, local) in _FAMILIES.items()}
# words naming the currency outright: the amount keeps it
_NAMED = {"USD": re.compile(r"US\s?\$|U\.S\.|\bUS\b|\bUSD\b|美元|American", re.I),
          "INR": re.compile(r"₹|\bINR\b|Indian", re.I),
          "KES": re.compile(r"\bKSh|\bKES\b|Kenyan", re.I),
          "PHP": re.compile(r"₱|\bPHP\b|Philippine", re.I),
          "CNY": re.compile(r"人民币|\bRMB\b|\bCNY\b|yuan|¥", re.I)}


def local_currencies(text: str, era: int = 0) -> dict[str, str]:
    """For each currency family, the local currency this document counts in, where it is not the
    family's home one (a document of the Republic of China's calendar counts in TWD)."""
    out = {}
    for home, (home_rx, local) in _FAMILY_RX.items():
        counts = {cur: len(rx.findall(text)) for cur, rx in local.items()}
        if home == "CNY" and era:
            counts["TWD"] = counts.get("TWD", 0) + 1000
        best = max(counts, key=counts.get)
        if counts[best] >= 2 and counts[best] > len(home_rx.findall(text)):
            out[home] = best
    return out


def localise(unit: str | None, amount_text: str, local: dict[str, str]) -> str | None:
    """The currency of one amount: the document's local one unless its own words name the currency."""
    if unit not in local or _NAMED[unit].search(amount_text):
        return unit
    return local[unit]
